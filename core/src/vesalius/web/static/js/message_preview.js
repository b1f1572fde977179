// The message editor's live preview: the form's templates rendered against sample data as
// they are typed (POST to the form's data-preview address), or the refusal naming the part.
"use strict";
(function () {
  const form = document.getElementById("template-form");
  if (!form) return;
  const box = document.getElementById("preview");
  const status = document.getElementById("preview-status");
  const show = (id, value) => { const node = document.getElementById(id); if (node) node.textContent = value; };
  function mark(errors) {
    for (const field of form.querySelectorAll("input[name], textarea[name]")) {
      const message = errors[field.name];
      let note = document.getElementById(field.name + "-error");
      if (message) {
        if (!note) {
          note = V.el("small", { class: "field-error", id: field.name + "-error" });
          field.after(note);
        }
        note.textContent = message;
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-describedby", note.id);
      } else if (note) {
        note.remove();
        field.removeAttribute("aria-invalid");
        field.removeAttribute("aria-describedby");
      }
    }
  }
  async function refresh() {
    const data = new FormData(form);
    data.delete("action");
    const answer = await V.post(form.dataset.preview, data);
    if (answer.ok && answer.data) {
      show("preview-subject", answer.data.subject);
      show("preview-text", answer.data.text);
      show("preview-sms", answer.data.sms || "");
      show("preview-sms-length", String((answer.data.sms || "").length));
      box.hidden = false;
      status.textContent = "";
      mark({});
    } else if (answer.status === 422 && answer.data) {
      mark(answer.data.errors || {});
      status.textContent = answer.data.message || "This template does not render.";
    }
  }
  form.addEventListener("input", V.debounce(refresh, 400));
})();
