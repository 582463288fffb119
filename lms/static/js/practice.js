// Practice page: warn about too-large or too many files before they are sent.
// Progressive enhancement only: the server checks everything again.
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][data-max-bytes]");
  if (!input || !input.form) { return; }
  var error = document.getElementById("files-error");
  var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
  var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);

  function problem() {
    var files = input.files || [];
    if (files.length > maxFiles) {
      return input.getAttribute("data-msg-count");
    }
    for (var i = 0; i < files.length; i += 1) {
      if (files[i].size > maxBytes) {
        return input.getAttribute("data-msg-size").replace("{name}", files[i].name);
      }
    }
    return "";
  }

  function show(message) {
    if (!error) { return; }
    error.textContent = message;
    error.hidden = !message;
    if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  input.addEventListener("change", function () { show(problem()); });
  input.form.addEventListener("submit", function (event) {
    var message = problem();
    if (message) {
      event.preventDefault();
      show(message);
      input.focus();
    }
  });
}());
