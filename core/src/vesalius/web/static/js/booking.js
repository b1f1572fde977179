// The booking form: offer the picked patient's open cases, the services the chosen
// practitioner gives, quick dates (today, tomorrow, next Monday), and the series' end.
"use strict";
(function () {
  // The patient picker (js/combobox.js) says which patient was picked.
  const picker = document.querySelector("[data-combobox][data-cases]");
  const caseSelect = document.getElementById("f-case_id");
  const newCase = document.getElementById("new-case");

  async function loadCases(patientId) {
    if (!caseSelect || !picker) return;
    const url = picker.dataset.cases.replace("/0/", "/" + encodeURIComponent(patientId) + "/");
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
  if (picker) picker.addEventListener("patient-picked", (e) => loadCases(e.detail.id));
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

  // A new patient instead of a found one: the search field is no longer required.
  const newPatient = document.getElementById("new-patient");
  const search = document.getElementById("f-patient_q");
  if (newPatient && search) {
    newPatient.addEventListener("toggle", () => {
      search.required = !newPatient.open;
      search.setAttribute("aria-required", String(!newPatient.open));
      if (newPatient.open) document.getElementById("f-new_given_name")?.focus();
    });
  }

  // Quick dates: one click sets the date field.
  const day = document.getElementById("f-date");
  for (const button of document.querySelectorAll(".quick-days [data-date]")) {
    button.addEventListener("click", () => {
      if (!day) return;
      day.value = button.dataset.date;
      day.dispatchEvent(new Event("change"));
    });
  }

  // A series' end (how many visits, or until a date) only once it repeats.
  const repeat = document.getElementById("f-repeat_weeks");
  const repeatEnd = document.getElementById("repeat-end");
  if (repeat && repeatEnd) {
    repeat.addEventListener("change", () => { repeatEnd.hidden = !repeat.value; });
  }
  // Typing in a field picks its radio ("for this many visits" / "until").
  for (const [id, value] of [["f-repeat_count", "count"], ["f-repeat_until", "until"]]) {
    const field = document.getElementById(id);
    const radio = document.querySelector('input[name="repeat_end"][value="' + value + '"]');
    if (field && radio) field.addEventListener("input", () => { radio.checked = true; });
  }
})();
