// The placement form: the Team Teach warning as soon as the learner and provider are chosen,
// not first when the form is saved. The server renders the facts (#team-teach-now's data
// attributes: providers without Team Teach trained staff, learners with a behaviour risk
// assessment); the message goes into that aria-live region, so screen readers read it out.
// Saving still asks for "Refer anyway" (the same check on the server, and without JavaScript).
(function () {
  "use strict";
  var region = document.getElementById("team-teach-now");
  if (!region) return;
  var form = region.closest("form");
  // A chooser (static/js/chooser.js) keeps the chosen id in a hidden input named for the field.
  var provider = form.querySelector("[name=provider]");
  var learner = form.querySelector("[name=learner]");
  if (!provider) return;
  function ids(name) {
    return (region.dataset[name] || "").split(" ").filter(Boolean);
  }
  var untrained = ids("untrained");
  var risk = ids("risk");
  // Asked on saving already: the server's warning is on the page.
  var asked = document.getElementById("id_team_teach_understood");

  function update() {
    var learnerId = learner ? learner.value : region.dataset.learner;
    var providerId = provider.value;
    var mismatch =
      providerId &&
      providerId !== region.dataset.initial &&
      untrained.indexOf(providerId) !== -1 &&
      risk.indexOf(learnerId) !== -1;
    if (!mismatch || asked) {
      region.textContent = "";
      region.className = "";
      return;
    }
    var name = provider.options
      ? provider.options[provider.selectedIndex].text
      : form.querySelector("[name=provider_text]").value;
    region.className = "alert alert-warning";
    region.textContent =
      "Team Teach: this learner has a behaviour risk assessment and " + name +
      " has no Team Teach (or equivalent) trained staff. Choose a provider with Team Teach trained " +
      "staff, or record their training on the provider page before the placement starts " +
      "(you will be asked to confirm when you save).";
  }
  provider.addEventListener("change", update);
  if (learner) learner.addEventListener("change", update);
  form.addEventListener("chooser:chosen", update);
  form.addEventListener("input", update);
  update();
})();
