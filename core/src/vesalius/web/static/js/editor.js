// The generic note editor: reads every field kind of the SDK from the page into a note
// document, saves it as the practitioner types, scores measures live, previews charges and
// the checks signing will make, and signs. Charts are chart.js's. The server validates and
// fills computed cells; this only collects and shows what the server says.
"use strict";
(function () {
  const editor = document.getElementById("note-editor");
  if (!editor) return;
  const saveState = document.getElementById("save-state");
  const { el } = V;
  const regionIds = JSON.parse((document.getElementById("region-ids") || {}).textContent || "{}");

  // -- reading the fields -------------------------------------------------------------
  const blank = (v) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
  function typed(input) {
    if (input.dataset.type === "list") {
      const chosen = [...input.selectedOptions].map((o) => o.value);
      return chosen.length ? chosen : undefined;
    }
    const raw = input.value;
    if (raw === "") return undefined;
    switch (input.dataset.type) {
      case "int": { const n = Number(raw); return Number.isInteger(n) ? n : raw; }
      case "float": { const n = Number(raw); return Number.isFinite(n) ? n : raw; }
      case "bool": return raw === "true";
      case "region": { // the label picked in the list, stored as the region's id
        const t = raw.trim();
        return t === "" ? undefined : ((regionIds[input.dataset.chart] || {})[t] || t);
      }
      default: return raw.trim() === "" ? undefined : raw;
    }
  }
  function checkedValue(scope) {
    const r = scope.querySelector('input[type="radio"]:checked');
    return r ? r.value : undefined;
  }
  function rowsOf(field, readRow) {
    const rows = [], kept = [];
    for (const tr of field.querySelectorAll("tbody tr")) {
      const row = readRow(tr);
      if (row && Object.keys(row).length) { rows.push(row); kept.push(tr); }
    }
    field._rows = kept; // which rows were sent, for the computed cells of the answer
    return rows;
  }
  function responsesOf(measureEl) {
    return [...measureEl.querySelectorAll("fieldset.measure-item")].map((item) => {
      const v = checkedValue(item);
      return v === undefined ? null : Number(v);
    });
  }
  const readers = {
    "text": (f) => { const v = f.querySelector(".v").value; return v.trim() === "" ? undefined : v; },
    "long-text": (f) => { const v = f.querySelector(".v").value; return v.trim() === "" ? undefined : v; },
    "date": (f) => f.querySelector(".v").value || undefined,
    "number": (f) => typed(f.querySelector(".v")),
    "codes": (f) => f.querySelector(".v").value.split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean),
    "boolean": (f) => { const v = checkedValue(f); return v === undefined ? undefined : v === "true"; },
    "choice": (f) => { const s = f.querySelector("select.v"); return s ? (s.value || undefined) : checkedValue(f); },
    "multi-choice": (f) => [...f.querySelectorAll('input[type="checkbox"]:checked')].map((c) => c.value),
    "scale": (f) => { const v = checkedValue(f); return v === undefined ? undefined : Number(v); },
    "table": (f) => rowsOf(f, (tr) => {
      const row = {};
      for (const input of tr.querySelectorAll("[data-col]")) {
        const v = typed(input);
        if (v !== undefined) row[input.dataset.col] = v;
      }
      return row;
    }),
    "procedures": (f) => rowsOf(f, (tr) => {
      const entry = {};
      for (const input of tr.querySelectorAll("[data-col]")) {
        const col = input.dataset.col, raw = input.value.trim();
        if (raw === "") continue;
        if (col === "minutes" || col === "units") entry[col] = Number.isInteger(Number(raw)) ? Number(raw) : raw;
        else if (col === "modifiers") entry.modifiers = raw.toUpperCase().split(/[\s,]+/).filter(Boolean);
        else entry[col] = raw;
      }
      return entry.code && (entry.minutes !== undefined || entry.units !== undefined) ? entry : null;
    }),
    "chart": (f) => f._marks ? f._marks.slice() : [],
    "measure": (f) => {
      const responses = responsesOf(f);
      return responses.every((r) => r === null) ? undefined : { responses };
    },
  };
  function collect() {
    const doc = {};
    for (const field of editor.querySelectorAll(".note-field[data-path]")) {
      const read = readers[field.dataset.kind];
      if (!read) continue;
      const value = read(field);
      if (blank(value)) continue;
      const [section, key] = field.dataset.path.split(".");
      (doc[section] = doc[section] || {})[key] = value;
    }
    return doc;
  }

  // -- finding a field: open its section (and its folded measure), focus its control ----
  const fieldAt = (path) => editor.querySelector('.note-field[data-path="' + CSS.escape(path) + '"]');
  function reveal(field) {
    const section = field.closest("details");
    if (section) section.open = true;
    const add = field.querySelector(".add-measure");
    if (add) unfold(add, false);
  }
  function goToField(path) {
    const field = fieldAt(path);
    if (!field) return false;
    reveal(field);
    const control = field.querySelector('input[type="radio"]:checked')
      || field.querySelector('input:not([type="hidden"]), textarea, select, [tabindex="0"], button');
    (control || field).focus({ preventScroll: true });
    field.scrollIntoView({ block: "center" });
    return true;
  }
  document.addEventListener("click", (e) => {
    const link = e.target.closest("a[data-path]");
    if (link && goToField(link.dataset.path)) e.preventDefault();
  });

  // -- problems on their fields: red, aria-invalid, described by the message ------------
  function controlsOf(field) {
    return field.querySelectorAll('.v, [role="radiogroup"], [role="group"], table.grid-input');
  }
  function showProblems(problems) {
    for (const field of editor.querySelectorAll(".note-field.has-error")) {
      field.classList.remove("has-error");
      controlsOf(field).forEach((c) => c.removeAttribute("aria-invalid"));
      const slot = field.querySelector(".problem");
      if (slot) slot.textContent = "";
    }
    const unplaced = [];
    for (const p of problems || []) {
      const path = (p.field || "").split("[")[0].split(".").slice(0, 2).join(".");
      const field = path && fieldAt(path);
      if (field) {
        field.classList.add("has-error");
        controlsOf(field).forEach((c) => c.setAttribute("aria-invalid", "true"));
        const slot = field.querySelector(".problem");
        const detail = p.field && p.field !== path ? p.field.slice(path.length).replace(/^\./, "") + ": " : "";
        if (slot) slot.textContent = (slot.textContent ? slot.textContent + " " : "") + detail + p.message;
      } else unplaced.push(p.message);
    }
    return unplaced;
  }

  // -- saving: debounced, one at a time, never once signing has started ------------------
  let saving = null, dirty = false, timer = null, closed = false;
  // aria-busy on the save state while an edit is not saved and checked yet (assistive
  // technology waits for the final text; so do the browser tests).
  function saveSoon() {
    if (closed) return;
    saveState.setAttribute("aria-busy", "true");
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; save(); }, 700);
  }
  function cancelPendingSave() { clearTimeout(timer); timer = null; dirty = false; }
  async function save() {
    if (closed) return false;
    if (saving) { dirty = true; return saving; }
    saveState.setAttribute("aria-busy", "true");
    saveState.textContent = "Saving…";
    saving = (async () => {
      const { ok, status, data } = await V.post(editor.dataset.save, { document: collect() });
      if (ok) {
        showProblems([]);
        showComputed(data && data.computed);
        saveState.textContent = "Saved " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        if (!closed) await charges();
      } else if (status === 409) {
        // Signed (here or in another tab): nothing more to save; changes are addenda now.
        closed = true;
        saveState.textContent = (data && data.error) || "This note is no longer a draft.";
      } else if (status === 422 || status === 400) {
        const rest = showProblems(data && data.problems);
        saveState.textContent = "Not saved: " + (rest.length ? rest.join("; ") : "check the fields marked in red");
      } else if (status === 401) {
        saveState.textContent = "Your session ended: sign in again in another tab, then keep typing.";
      } else {
        saveState.textContent = "Not saved: " + ((data && data.error) || "the server refused (" + status + ")");
      }
      return ok;
    })();
    const result = await saving;
    saving = null;
    if (dirty && !closed) { dirty = false; return save(); }
    if (!timer) saveState.removeAttribute("aria-busy");
    return result;
  }

  // Computed table cells are the server's: show what it stored, row by row.
  function showComputed(computed) {
    for (const [path, rows] of Object.entries(computed || {})) {
      const field = fieldAt(path);
      if (!field) continue;
      const sent = field._rows || [];
      for (const tr of field.querySelectorAll("tbody tr")) {
        const i = sent.indexOf(tr), row = i >= 0 ? rows[i] || {} : {};
        for (const out of tr.querySelectorAll("output[data-computed]")) {
          const v = row[out.dataset.computed];
          out.textContent = v === undefined || v === null ? "" : String(v);
        }
      }
    }
  }

  // -- the charge preview and what signing will say --------------------------------------
  async function charges() {
    const box = document.getElementById("charge-preview");
    const { ok, data } = await V.post(editor.dataset.charges, {});
    if (!ok || !data || closed) return;
    showChecks(data.checks || []);
    if (data.error) { box.replaceChildren(el("p", { class: "flash flash-warning", text: data.error })); return; }
    if (!data.lines.length) { box.replaceChildren(el("p", { class: "muted", text: "Nothing to bill yet." })); return; }
    const body = el("tbody");
    for (const line of data.lines) {
      const detail = [line.minutes !== null && line.minutes !== undefined ? line.minutes + " min" : null,
        line.modifiers.length ? line.modifiers.join(" ") : null].filter(Boolean).join(" · ");
      body.append(el("tr", {},
        el("td", {}, el("strong", { text: line.code }), el("br"), el("small", { class: "muted", text: line.label })),
        el("td", { class: "num", text: String(line.units) + (line.units === 1 ? " unit" : " units") }),
        el("td", { class: "num", text: line.amount || "no price" }),
      ));
      if (detail) body.append(el("tr", {}, el("td", { colspan: "3", class: "muted", text: detail })));
    }
    box.replaceChildren(
      el("table", { class: "charge-lines" }, body),
      el("p", { class: "spread" }, el("span", { class: "muted", text: data.payer }), el("strong", { text: "Total " + data.total })),
    );
  }
  // A check names its field by label and links to it; the message often starts with it.
  function checkText(c) {
    if (!c.path) return [c.message];
    const link = (text) => el("a", { href: "#" + c.anchor, "data-path": c.path, text });
    const where = el("small", { class: "muted", text: " (" + c.section + ")" });
    return c.message.startsWith(c.label) ? [link(c.message), where] : [link(c.label), ": " + c.message, where];
  }
  function showChecks(checks) {
    const box = document.getElementById("sign-checks");
    if (!checks.length) { box.replaceChildren(); return; }
    const errors = checks.filter((c) => c.severity !== "warning").length;
    box.replaceChildren(
      el("p", { class: "muted", text: errors ? "To do before signing:" : "Warnings (signing is still possible):" }),
      el("ul", { class: "checks" }, ...checks.map((c) => el("li", { class: c.severity === "warning" ? "warning" : "error" },
        c.severity === "warning" ? el("span", { class: "sev", text: "Warning: " }) : null, ...checkText(c)))));
  }

  // -- measures: folded until added, scored live ---------------------------------------
  const shown = (v) => Number.isInteger(v) ? v : Number(v.toFixed(2));
  // The measure's declared subscales, labelled: a value, or "not scored: why".
  function showSubscales(measureEl, subscales) {
    const list = measureEl.querySelector(".subscores");
    if (!list) return;
    list.hidden = !subscales.length;
    list.replaceChildren(...subscales.map((s) => s.value === null
      ? el("li", { class: "not-scored" }, el("span", { class: "sub-label", text: s.label }),
        " not scored" + (s.reason ? ": " + s.reason : ""))
      : el("li", {}, el("span", { class: "sub-label", text: s.label }), " ", el("strong", { text: String(shown(s.value)) }))));
  }
  async function score(measureEl) {
    const out = measureEl.querySelector(".score-box");
    const responses = responsesOf(measureEl);
    const asked = (measureEl._asked = (measureEl._asked || 0) + 1);
    if (responses.every((r) => r === null)) { out.textContent = "Not scored yet"; showSubscales(measureEl, []); return; }
    const { ok, data } = await V.post(measureEl.dataset.score, { responses });
    if (asked !== measureEl._asked) return; // answers can cross: only the latest is shown
    if (!ok) { out.textContent = (data && data.error) || "Cannot score"; showSubscales(measureEl, []); return; }
    showSubscales(measureEl, data.subscales || []);
    if (data.value === null) { out.textContent = "Not scorable yet: " + (data.reason || "answer more items"); return; }
    const value = shown(data.value);
    out.textContent = "Score " + value + (data.unit ? " " + data.unit : "") + " (" + data.minimum + "–" + data.maximum + ")"
      + (data.band ? " · " + data.band : "") + (data.complete ? "" : " · incomplete" + (data.reason ? ": " + data.reason : ""));
  }
  function unfold(button, focus) {
    const body = document.getElementById(button.getAttribute("aria-controls"));
    body.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.hidden = true;
    const field = button.closest(".note-field");
    field.classList.remove("folded");
    field.classList.add("wide");
    if (focus) {
      const first = body.querySelector('input[type="radio"]');
      if (first) first.focus();
    }
  }

  // -- clicks: rows, clearing, measures, carried marks -----------------------------------
  editor.addEventListener("click", (e) => {
    const add = e.target.closest(".add-row");
    if (add) {
      const field = add.closest(".note-field");
      const body = field.querySelector("tbody");
      if (body.rows.length >= Number(add.dataset.max || 100)) return;
      body.append(field.querySelector("template.row-template").content.cloneNode(true));
      const first = body.lastElementChild.querySelector("input, select");
      if (first) first.focus();
      return;
    }
    const remove = e.target.closest(".remove-row");
    if (remove) {
      const tr = remove.closest("tr"), next = tr.nextElementSibling || tr.previousElementSibling;
      const field = remove.closest(".note-field");
      tr.remove();
      const target = next ? next.querySelector("input, select") : field.querySelector(".add-row");
      if (target) target.focus();
      edited(field);
      saveSoon();
      return;
    }
    const clear = e.target.closest(".clear-choice, .clear-measure");
    if (clear) { // a choice, a scale or a whole measure back to unanswered
      const measure = clear.closest(".measure");
      (measure || clear.closest(".note-field")).querySelectorAll('input[type="radio"]')
        .forEach((r) => { r.checked = false; });
      if (measure) score(measure);
      edited(clear.closest(".note-field"));
      saveSoon();
      return;
    }
    const addMeasure = e.target.closest(".add-measure");
    if (addMeasure) unfold(addMeasure, true);
  });

  // A carried value stays marked "from 12 Nov" until the practitioner changes it.
  function edited(field) {
    if (!field || !field.dataset.carried) return;
    delete field.dataset.carried;
    const badge = field.querySelector(".carried");
    if (badge) badge.remove();
  }
  const inNote = (target) => target.closest(".editor-main") && !target.closest(".mark-panel, .chart-tools");
  editor.addEventListener("input", (e) => {
    if (!inNote(e.target)) return;
    edited(e.target.closest(".note-field"));
    saveSoon();
  });
  editor.addEventListener("change", (e) => {
    if (!inNote(e.target)) return; // the sign box and draft tools are not part of the note
    const measure = e.target.closest(".measure");
    if (measure) score(measure);
    edited(e.target.closest(".note-field"));
    saveSoon();
  });

  for (const field of editor.querySelectorAll('.note-field[data-kind="chart"]')) {
    window.VChart.setup(field, () => { edited(field); saveSoon(); });
  }
  for (const measure of editor.querySelectorAll(".measure")) {
    if (responsesOf(measure).some((r) => r !== null)) score(measure);
  }
  charges();
  const problems = document.getElementById("problems");
  if (problems) problems.focus();

  // -- signing, with a confirmation; no autosave may land after the signature ----------
  const form = document.getElementById("sign-form"); // absent for an account that cannot sign
  const dialog = document.getElementById("sign-dialog");
  if (form) {
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!document.getElementById("sign-confirm").checked) return;
      if (typeof dialog.showModal === "function") dialog.showModal();
      else if (window.confirm("Sign this note? It cannot be changed afterwards.")) submitSigned();
    });
    document.getElementById("sign-cancel").addEventListener("click", () => dialog.close());
    document.getElementById("sign-ok").addEventListener("click", submitSigned);
  }
  async function submitSigned() {
    dialog.close();
    cancelPendingSave();
    document.getElementById("sign-button").setAttribute("aria-busy", "true");
    if (saving) await saving;
    const ok = await save(); // the last edits, then nothing more
    closed = true;
    cancelPendingSave();
    if (ok === false && document.querySelector(".note-field.has-error")) {
      closed = false; // the server refused the document: the fields say why
      document.getElementById("sign-button").removeAttribute("aria-busy");
      return;
    }
    saveState.textContent = "Signing…";
    form.submit();
  }

  const discard = document.getElementById("discard-form");
  if (discard) {
    discard.addEventListener("submit", (e) => {
      if (!window.confirm("Discard this draft? What it holds is not kept.")) { e.preventDefault(); return; }
      closed = true;
      cancelPendingSave();
    });
  }
  const switchForm = document.querySelector(".switch-form");
  if (switchForm) {
    switchForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      cancelPendingSave();
      if (saving) await saving;
      await save();
      closed = true;
      switchForm.submit();
    });
  }
})();
