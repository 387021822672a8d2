"use strict";
// Polling must not wipe a note or reason half typed in the live area.
function todayIdle() {
  const live = document.getElementById("today-live");
  return !!live && !live.querySelector("details[open]") && !live.contains(document.activeElement);
}
// Signed out meanwhile (sessions last 8 hours): reload to show the login page itself, not inside the table.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (new URL(event.detail.xhr.responseURL).pathname !== window.location.pathname) {
    event.detail.shouldSwap = false;
    window.location.reload();
  }
});
