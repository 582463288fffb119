// Course pages, progressive enhancement only: everything works without this file.
(function () {
  "use strict";
  // Printable view: offer a Print button (the page tells how to print without JavaScript).
  var printButton = document.getElementById("print-page");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () {
      window.print();
    });
  }
})();
