// The error summary takes focus when the page loads, so a screen reader reads
// it first and a keyboard user starts from it. A link in it goes to its field:
// the field takes focus and its label (or the group's legend) is scrolled
// into view with it, as the GOV.UK error summary does.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    // The address still names the field, as the plain link would.
    history.replaceState(null, "", link.hash);
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    var label = document.querySelector("label[for='" + field.id + "']");
    var shown = field.type === "radio" || field.type === "checkbox" ? legend || label : label || legend;
    (shown || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
