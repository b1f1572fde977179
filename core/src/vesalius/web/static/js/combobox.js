// The patient picker (macros/forms.html patient_picker): the WAI-ARIA APG combobox with a
// listbox popup. Focus never leaves the text field: the active option is named by
// aria-activedescendant. Picking fires "patient-picked" on the .combo box ({id, name, ...}).
// The header's quick search (search/_box.html) uses it too: its answers are {results: [...]}
// with a "detail" line and the "url" a pick opens; data-noun names what the status counts.
"use strict";
(function () {
  function setup(box) {
    const input = box.querySelector("[role=combobox]");
    const list = box.querySelector("[role=listbox]");
    const status = box.querySelector("[data-combo-status]");
    const value = box.querySelector("[data-combo-value]");
    let options = [], active = -1, found = [], request = 0, picked = input.value;

    function open(show) {
      list.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) setActive(-1);
    }
    function setActive(i) {
      if (options[active]) options[active].setAttribute("aria-selected", "false");
      active = i;
      if (options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function pick(i) {
      const p = found[i];
      if (!p) return;
      open(false);
      if (p.url) { window.location.href = p.url; return; }
      if (box.dataset.profile) {
        window.location.href = box.dataset.profile.replace(/0$/, encodeURIComponent(p.id));
        return;
      }
      picked = input.value = p.name + (p.birth_date ? " · " + p.birth_date : "");
      if (value) value.value = p.id;
      input.removeAttribute("aria-invalid");
      status.textContent = p.name + " picked.";
      input.focus();
      box.dispatchEvent(new CustomEvent("patient-picked", { bubbles: true, detail: p }));
    }
    function render(patients, text) {
      found = patients;
      list.dataset.query = text;  // what the options answer (tests wait on it)
      options = patients.map((p, i) => {
        const detail = p.detail !== undefined ? p.detail
          : [p.birth_date, p.phone].filter(Boolean).join(" · ");
        return V.el("div", { role: "option", id: list.id + "-" + i,
          "aria-selected": "false", onclick: () => pick(i),
          onmousedown: (e) => e.preventDefault() },  // keep the focus in the field
          V.el("strong", { text: p.name }), detail ? " · " : null, detail ? V.el("small", { text: detail }) : null);
      });
      list.replaceChildren(...options);
      active = -1;
      input.removeAttribute("aria-activedescendant");
      open(options.length > 0);
      const noun = box.dataset.noun || "patient";
      status.textContent = options.length === 0 ? "No " + noun + " found."
        : options.length + " " + noun + (options.length === 1 ? " found." : "s found.")
          + " Use the arrow keys to choose.";
    }
    const lookup = V.debounce(async () => {
      const text = input.value.trim();
      const mine = ++request;
      if (text.length < 2) { open(false); found = []; options = []; status.textContent = ""; return; }
      const { ok, data } = await V.get(box.dataset.lookup + "?q=" + encodeURIComponent(text));
      if (mine !== request || !ok || !data) return;  // a later keystroke's answer wins
      render(data.patients || data.results, text);
    }, 200);
    input.addEventListener("input", () => {
      if (value && input.value !== picked) value.value = "";
      lookup();
    });
    input.addEventListener("keydown", (e) => {
      const shown = !list.hidden && options.length > 0;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!shown) { if (options.length) open(true); else lookup(); return; }
        const step = e.key === "ArrowDown" ? 1 : -1;
        setActive(active < 0 ? (step > 0 ? 0 : options.length - 1)
          : (active + step + options.length) % options.length);
      } else if (e.key === "Enter" && shown && active >= 0) {
        e.preventDefault();
        pick(active);
      } else if (e.key === "Escape") {
        if (shown) { e.preventDefault(); open(false); }
        else if (input.value) { e.preventDefault(); input.value = ""; if (value) value.value = ""; }
      } else if ((e.key === "Home" || e.key === "End") && shown && active >= 0) {
        e.preventDefault();
        setActive(e.key === "Home" ? 0 : options.length - 1);
      }
    });
    input.addEventListener("blur", () => { setTimeout(() => open(false), 150); });
  }
  document.querySelectorAll("[data-combobox]").forEach(setup);
})();
