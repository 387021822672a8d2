// The visit proforma, kept safe on poor signal. Without JavaScript the form
// works the same: "Save draft" and "Submit the visit" post it.
//
// - Every change is copied to this device (localStorage) at once, marked
//   unsent until the server has it.
// - Two seconds after the last keystroke the fields are sent to the draft
//   endpoint, which answers JSON; "Draft saved at 10:42" is read out.
// - No connection (the send fails, or the browser goes offline): the copy on
//   the device is kept and sent when the browser is back online.
// - Signed out (401/403): the page says to sign in again; the copy is kept,
//   and restored when the form opens again after signing in.
// - What was seen or heard about a safeguarding concern is never kept on the
//   device or in the draft: it goes to the DSL only when the visit is submitted.
(function () {
  "use strict";
  var DELAY = 2000;
  var NOT_KEPT = { csrfmiddlewaretoken: true, concern_detail: true, action: true };

  // On a submitted visit's page: its copy on this device is no longer needed.
  var submitted = document.querySelector("[data-visit-submitted]");
  if (submitted) {
    try {
      localStorage.removeItem(storeKey(submitted.dataset.user, submitted.dataset.visitSubmitted));
    } catch (e) { /* storage unavailable */ }
  }
  var form = document.getElementById("visit-form");
  if (!form) return;

  var status = document.getElementById("draft-status");
  var key = storeKey(form.dataset.user, form.dataset.visit);
  var timer = null;
  var sending = false;
  var again = false;

  function storeKey(user, visit) {
    return "altprov-visit-draft-" + user + "-" + visit;
  }

  function say(text, tone) {
    status.textContent = text;
    status.className = "draft-status small mb-3" + (tone ? " alert alert-" + tone + " py-2" : "");
  }

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (!NOT_KEPT[name] && typeof value === "string") data[name] = value;
    });
    return data;
  }

  function readStore() {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeStore(entry) {
    try {
      localStorage.setItem(key, JSON.stringify(entry));
    } catch (e) { /* storage full or unavailable: the server draft still works */ }
  }

  function keepOnDevice() {
    writeStore({ data: fields(), unsent: true, at: new Date().toISOString() });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  function time(now) {
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  function offline() {
    say("No connection: your notes are kept on this device and will be saved when you are back online.", "warning");
  }

  function send() {
    clearTimeout(timer);
    timer = null;
    if (sending) {
      again = true;
      return;
    }
    var data = fields();
    if (navigator.onLine === false) {
      offline();
      return;
    }
    sending = true;
    var body = new URLSearchParams(data);
    fetch(form.dataset.draftUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      redirect: "error",
    })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          say(
            "You have been signed out, so your notes cannot be saved to the school's system. They are kept on " +
              "this device. Sign in again in another tab and come back here, or submit and sign in: " +
              "the form opens again with your notes.",
            "danger"
          );
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (answer) {
        if (!answer) return;
        var entry = readStore();
        // Sent: unless more was typed while it was on its way.
        if (entry && JSON.stringify(entry.data) === JSON.stringify(data)) {
          entry.unsent = false;
          writeStore(entry);
        }
        say("Draft saved at " + answer.saved_at + ".");
      })
      .catch(function () {
        offline();
      })
      .then(function () {
        sending = false;
        if (again) {
          again = false;
          send();
        }
      });
  }

  function changed() {
    keepOnDevice();
    clearTimeout(timer);
    timer = setTimeout(send, DELAY);
  }

  // Showing the follow-up questions ------------------------------------------

  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function showFollowUps() {
    form.querySelectorAll("[data-show-when]").forEach(function (box) {
      var rule = box.dataset.showWhen.split("=");
      var hasError = box.querySelector(".is-invalid, .invalid-feedback");
      box.hidden = !(checked(rule[0]) === rule[1] || hasError);
    });
  }

  // Adding action rows -------------------------------------------------------

  function addRow(set) {
    var total = set.querySelector('input[name$="-TOTAL_FORMS"]');
    var index = Number(total.value);
    var html = set.querySelector("template[data-empty-row]").innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    set.querySelector("[data-rows]").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    return set.querySelector("[data-rows]").lastElementChild;
  }

  form.querySelectorAll("[data-formset]").forEach(function (set) {
    var button = set.querySelector("[data-add-row]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var row = addRow(set);
      var first = row.querySelector("input, select, textarea");
      if (first) first.focus();
      changed();
    });
  });

  // Putting back a copy from this device ------------------------------------

  function restore(data) {
    // Rows first, so that every field of the copy has an input to go into.
    form.querySelectorAll("[data-formset]").forEach(function (set) {
      var prefix = set.dataset.formset;
      var wanted = Number(data[prefix + "-TOTAL_FORMS"] || 0);
      var total = set.querySelector('input[name$="-TOTAL_FORMS"]');
      while (Number(total.value) < Math.min(wanted, 20)) addRow(set);
    });
    Object.keys(data).forEach(function (name) {
      if (/-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) return;
      form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = input.value === data[name];
        } else {
          input.value = data[name];
        }
      });
    });
  }

  var kept = readStore();
  if (kept && kept.data && JSON.stringify(kept.data) === JSON.stringify(fields())) kept.unsent = false;
  if (kept && kept.unsent) {
    restore(kept.data);
    var at = kept.at ? new Date(kept.at) : null;
    say(
      "Your notes kept on this device" +
        (at ? " at " + time(at) : "") +
        " were newer than the saved draft, so they have been put back. They are being saved now.",
      "info"
    );
    send();
  } else if (kept) {
    // The server has everything this device had.
    try {
      localStorage.removeItem(key);
    } catch (e) { /* ignore */ }
  }

  showFollowUps();
  form.addEventListener("input", changed);
  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") showFollowUps();
    changed();
  });
  window.addEventListener("offline", offline);
  window.addEventListener("online", function () {
    var entry = readStore();
    if (entry && entry.unsent) send();
  });
  // The session may have been renewed in another tab since the page was drawn.
  form.addEventListener("submit", function () {
    keepOnDevice();
    form.querySelector("[name=csrfmiddlewaretoken]").value = csrfToken();
  });
})();
