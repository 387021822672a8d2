// The provider's register, improved where JavaScript runs; without it every field shows and the form works the same.
(function () {
  "use strict";
  // The reason is asked only for an absence, the minutes only for a late arrival.
  function update(session) {
    const checked = session.querySelector('input[type="radio"]:checked');
    const status = checked ? checked.value : "";
    session.querySelectorAll("[data-show-for]").forEach(function (field) {
      const wanted = field.dataset.showFor === status || field.querySelector(".is-invalid, .invalid-feedback");
      field.hidden = !wanted;
    });
  }
  document.querySelectorAll("[data-register-session]").forEach(function (session) {
    update(session);
    session.addEventListener("change", function (event) {
      if (event.target.type === "radio") update(session);
    });
  });
  // After saving, move focus to the confirmation (a role="status" message) so that screen readers read it out.
  const saved = document.querySelector('main [role="status"].alert-success');
  if (saved && !document.getElementById("error-summary")) {
    saved.setAttribute("tabindex", "-1");
    saved.focus();
  }
})();
