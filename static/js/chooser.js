"use strict";
// A chooser (altprov/choosers.py): an ARIA 1.2 combobox over a search URL that answers
// {"results": [{"id": 1, "label": "..."}]}. The chosen id goes in the hidden input; typing
// again clears it, and the server then resolves the typed text as it does without JavaScript.
(function () {
  function setUp(box) {
    const input = box.querySelector("[data-chooser-input]");
    const hidden = box.querySelector("[data-chooser-value]");
    const list = box.querySelector("[role=listbox]");
    const status = box.querySelector("[data-chooser-status]");
    const minChars = Number(box.dataset.minChars || 2);
    let active = -1;
    let timer = null;
    let asked = 0;

    function options() {
      return Array.from(list.querySelectorAll("[role=option]"));
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      const found = options();
      if (!found.length) return;
      active = (index + found.length) % found.length;
      found.forEach((option, n) => {
        option.setAttribute("aria-selected", n === active ? "true" : "false");
        option.classList.toggle("active", n === active);
      });
      input.setAttribute("aria-activedescendant", found[active].id);
      found[active].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      input.value = option.textContent;
      hidden.value = option.dataset.value;
      close();
      status.textContent = option.textContent + " chosen";
      box.dispatchEvent(new CustomEvent("chooser:chosen", { bubbles: true, detail: { id: hidden.value } }));
    }
    function show(results) {
      list.replaceChildren();
      results.forEach((result, n) => {
        const option = document.createElement("li");
        option.id = input.id + "-option-" + n;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "list-group-item list-group-item-action";
        option.dataset.value = result.id;
        option.textContent = result.label;
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(option);
        });
        list.append(option);
      });
      status.textContent = results.length
        ? results.length + " match" + (results.length === 1 ? "" : "es") + ": use the arrow keys to choose"
        : "Nothing matches";
      list.hidden = !results.length;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
    }
    // The id chosen in the chooser this one is narrowed by (a learner, a provider), if any.
    function within() {
      const extra = box.dataset.chooserFrom && document.getElementById(box.dataset.chooserFrom);
      return extra ? extra.value : "";
    }
    function search() {
      const text = input.value.trim();
      const narrowed = within();
      // Narrowed to one learner or provider, the few records are offered before anything is typed.
      if (text.length < minChars && !narrowed) {
        close();
        return;
      }
      const url = new URL(box.dataset.chooserUrl, window.location.href);
      url.searchParams.set("q", text);
      if (narrowed) url.searchParams.set("within", narrowed);
      const mine = ++asked;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => {
          if (mine === asked) show(data.results || []);
        })
        .catch(() => close());
    }
    input.addEventListener("input", () => {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) search();
        else highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options()[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("focus", () => {
      if (!input.value.trim() && within()) search();
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }
  document.querySelectorAll(".chooser[data-chooser-url]").forEach(setUp);
})();
