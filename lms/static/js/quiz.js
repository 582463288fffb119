// Quiz attempt page: save the answers in the background while the learner works.
// Progressive enhancement only: without JavaScript the "Save my answers" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  var status = document.getElementById("quiz-save-status");
  if (!form || !status || !window.fetch || !window.FormData) {
    return;
  }
  // Not form.action: the buttons named "action" shadow that property.
  var target = form.getAttribute("action");
  var timer = null;
  var saving = false;
  var pending = false;
  var messages = {
    saving: form.getAttribute("data-msg-saving") || "",
    saved: form.getAttribute("data-msg-saved") || "",
    failed: form.getAttribute("data-msg-failed") || ""
  };

  function save() {
    if (saving) {
      pending = true;
      return;
    }
    saving = true;
    status.textContent = messages.saving;
    var data = new FormData(form);
    data.set("action", "save");
    fetch(target, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      status.textContent = response.ok ? messages.saved : messages.failed;
    }).catch(function () {
      status.textContent = messages.failed;
    }).then(function () {
      saving = false;
      if (pending) {
        pending = false;
        save();
      }
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
  // A real submission must not race with a background save.
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
  });
})();
