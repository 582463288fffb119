// Certification pages: "Copy the link" buttons and "select all" on the issue form.
// Progressive enhancement: without JavaScript the link stays selectable in its field
// and every checkbox can be ticked by hand.
(function () {
  "use strict";
  document.querySelectorAll("button.cert-copy[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input || !navigator.clipboard) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = button.getAttribute("data-done") || "✓";
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
  document.querySelectorAll("input.cert-select-all[data-target]").forEach(function (master) {
    var form = document.getElementById(master.getAttribute("data-target"));
    if (!form) { return; }
    master.closest(".cert-select-all-wrap").hidden = false;
    master.addEventListener("change", function () {
      form.querySelectorAll("input[type=checkbox][name=user_id]").forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });
})();
