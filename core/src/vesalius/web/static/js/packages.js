// The booking form's package line: once a patient and a service are chosen, the sessions
// left on the patient's packages a visit of that service would draw on.
"use strict";
(function () {
  const line = document.getElementById("package-balance");
  const service = document.getElementById("f-service_id");
  const picker = document.querySelector("[data-combobox][data-cases]");
  if (!line || !service || !picker) return;
  const patientField = picker.querySelector("[data-combo-value]");
  let asked = 0;

  async function refresh() {
    const patient = patientField ? patientField.value : "";
    const ask = ++asked;
    if (!patient || !service.value) {
      line.hidden = true;
      line.replaceChildren();
      return;
    }
    const url = line.dataset.url + "?patient=" + encodeURIComponent(patient) +
      "&service=" + encodeURIComponent(service.value);
    const { ok, data } = await V.get(url);
    if (ask !== asked || !ok) return;  // a later choice answered first, or no answer
    line.replaceChildren();
    data.lines.forEach((text, i) => {
      if (i) line.append(V.el("br"));
      line.append(text);
    });
    line.hidden = data.lines.length === 0;
  }
  picker.addEventListener("patient-picked", () => setTimeout(refresh, 0));
  service.addEventListener("change", refresh);
  // Choosing a practitioner may clear the service (js/booking.js keeps their services).
  document.getElementById("f-practitioner_id")?.addEventListener("change", () => setTimeout(refresh, 0));
})();
