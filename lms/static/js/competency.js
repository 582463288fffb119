// The printable profile: show a Print button (the browser's own Print works without it).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-button");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
