// Intake forms: save the patient's answers as they go (the form posted in the background on
// each change), so leaving and coming back keeps them. Without script, "Save and finish
// later" does the same.
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const status = document.getElementById("intake-saved");
  let timer = null;
  let busy = false;
  let again = false;

  async function save() {
    if (busy) { again = true; return; }
    busy = true;
    const data = new FormData(form);
    data.set("action", "save");
    try {
      // getAttribute: form.action would be the buttons named "action".
      const response = await fetch(form.getAttribute("action"), {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrf_token") || "" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      if (status) {
        const errors = Object.values(body.errors || {});
        status.textContent = errors.length ? "Not saved: " + errors.join("; ") : "Saved.";
      }
    } catch (e) {
      if (status) status.textContent = "Not saved yet: check your connection.";
    } finally {
      busy = false;
      if (again) { again = false; save(); }
      else if (timer === null) delete form.dataset.pending; // everything entered is saved
    }
  }

  function soon(delay) {
    form.dataset.pending = "1";
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; save(); }, delay);
  }
  form.addEventListener("change", () => soon(150));
  form.addEventListener("input", (e) => {
    if (e.target.matches("textarea, input[type=text], input[type=number]")) soon(800);
  });
  const problems = document.getElementById("intake-problems");
  if (problems) problems.focus();
})();
