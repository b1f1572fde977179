// Booking and waitlist forms: find the patient inline, then offer their open cases;
// offer the services the chosen practitioner gives.
"use strict";
(function () {
  const q = document.getElementById("f-patient_q");
  if (!q) return;
  const results = document.getElementById("patient-results");
  const hidden = document.getElementById("f-patient_id");
  const chosen = document.getElementById("patient-chosen");
  const label = document.getElementById("patient-label");
  const search = document.getElementById("patient-search");
  const caseSelect = document.getElementById("f-case_id");
  const newCase = document.getElementById("new-case");

  async function loadCases(patientId) {
    if (!caseSelect || !q.dataset.cases) return;
    const url = q.dataset.cases.replace("/0/", "/" + encodeURIComponent(patientId) + "/");
    const { ok, data } = await V.get(url);
    if (!ok) return;
    const keepNew = caseSelect.querySelector('option[value="new"]');
    caseSelect.replaceChildren(V.el("option", { value: "", text: "No case yet" }));
    for (const c of data.cases) {
      caseSelect.append(V.el("option", { value: c.id, text: c.title + " (" + c.discipline + ")" }));
    }
    caseSelect.append(keepNew);
    if (data.cases.length) caseSelect.value = String(data.cases[0].id);
    else caseSelect.value = "new";
    caseSelect.dispatchEvent(new Event("change"));
  }

  function choose(p) {
    hidden.value = p.id;
    label.textContent = p.name + (p.birth_date ? " · " + p.birth_date : "");
    chosen.hidden = false;
    search.hidden = true;
    results.hidden = true;
    loadCases(p.id);
  }

  const lookup = V.debounce(async () => {
    const text = q.value.trim();
    if (text.length < 2) { results.hidden = true; return; }
    const { ok, data } = await V.get(q.dataset.lookup + "?q=" + encodeURIComponent(text));
    if (!ok) return;
    results.replaceChildren();
    for (const p of data.patients) {
      const detail = [p.birth_date, p.phone].filter(Boolean).join(" · ");
      results.append(V.el("button", { type: "button", role: "option", onclick: () => choose(p) },
        V.el("strong", { text: p.name }), detail ? " · " + detail : ""));
    }
    if (!data.patients.length) results.append(V.el("p", { class: "muted", text: "No patient found." }));
    results.hidden = false;
  }, 200);
  q.addEventListener("input", lookup);
  q.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { const first = results.querySelector("button"); if (first) { e.preventDefault(); first.focus(); } }
  });
  results.addEventListener("keydown", (e) => {
    const items = [...results.querySelectorAll("button")];
    const i = items.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && i < items.length - 1) { e.preventDefault(); items[i + 1].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? items[i - 1] : q).focus(); }
  });
  document.getElementById("patient-change").addEventListener("click", () => {
    hidden.value = ""; chosen.hidden = true; search.hidden = false; q.focus();
  });
  if (caseSelect && newCase) {
    caseSelect.addEventListener("change", () => { newCase.hidden = caseSelect.value !== "new"; });
  }

  // Services of the chosen practitioner's disciplines only (general ones always).
  const practitioner = document.getElementById("f-practitioner_id");
  const service = document.getElementById("f-service_id");
  if (practitioner && service) {
    const filter = () => {
      const opt = practitioner.selectedOptions[0];
      const disciplines = (opt && opt.dataset.disciplines || "").split(" ").filter(Boolean);
      for (const o of service.options) {
        if (!o.value) continue;
        o.hidden = disciplines.length > 0 && !disciplines.includes(o.dataset.discipline) && o.dataset.discipline !== "general";
      }
      if (service.selectedOptions[0] && service.selectedOptions[0].hidden) service.value = "";
    };
    practitioner.addEventListener("change", filter);
    filter();
  }
})();
