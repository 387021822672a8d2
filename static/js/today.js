// Today: the providers' table refreshes itself every minute or so, unless
// someone is in the middle of it. A file, not an inline script, for the
// Content-Security-Policy; the idle test is here, not in hx-trigger, because
// htmx evaluates trigger filters as code, which the policy refuses too.
(function () {
  "use strict";

  // Polling must not wipe a note or reason half typed in the live area.
  function idle(live) {
    return !live.querySelector("details[open]") && !live.contains(document.activeElement);
  }

  var first = document.getElementById("today-live");
  if (!first || !window.htmx) return;
  var seconds = parseInt(first.dataset.refreshSeconds, 10) || 60;
  window.setInterval(function () {
    // The table is swapped whole, so find it afresh each time.
    var live = document.getElementById("today-live");
    if (live && idle(live)) window.htmx.trigger(live, "today-refresh");
  }, seconds * 1000);

  // The page is personal data, so never cached (no-store): the browser sends
  // no If-None-Match of its own. The script does, with the version the server
  // gave last; "304 Not Modified" then costs the server one query and leaves
  // the table as it is.
  var etag = null;
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (etag && event.detail.elt.id === "today-live") event.detail.headers["If-None-Match"] = etag;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt.id !== "today-live") return;
    var given = event.detail.xhr.getResponseHeader("ETag");
    if (given) etag = given;
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 304) event.detail.shouldSwap = false;
  });

  // Signed out meanwhile (sessions end after 30 minutes unused): reload to
  // show the login page itself, not inside the table.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (new URL(event.detail.xhr.responseURL).pathname !== window.location.pathname) {
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });
})();
