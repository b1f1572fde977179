// The generic note editor: reads every field kind of the SDK from the page into a note
// document, saves it as the practitioner types, scores measures live, previews charges,
// and makes the pack's chart SVG clickable. The server validates; this only collects.
"use strict";
(function () {
  const editor = document.getElementById("note-editor");
  if (!editor) return;
  const saveState = document.getElementById("save-state");
  const { el } = V;

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
      default: return raw.trim() === "" ? undefined : raw;
    }
  }
  function checkedValue(field) {
    const r = field.querySelector('input[type="radio"]:checked');
    return r ? r.value : undefined;
  }
  function rowsOf(field, readRow) {
    const rows = [];
    for (const tr of field.querySelectorAll("tbody tr")) {
      const row = readRow(tr);
      if (row && Object.keys(row).length) rows.push(row);
    }
    return rows;
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
      const responses = [...f.querySelectorAll("select.item")].map((s) => s.value === "" ? null : Number(s.value));
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

  // -- problems on their fields -------------------------------------------------------
  function showProblems(problems) {
    for (const field of editor.querySelectorAll(".note-field")) {
      field.classList.remove("has-error");
      const slot = field.querySelector(".problem");
      if (slot) slot.textContent = "";
    }
    const unplaced = [];
    for (const p of problems || []) {
      const path = (p.field || "").split(/[\[]/)[0].split(".").slice(0, 2).join(".");
      const field = path && editor.querySelector('.note-field[data-path="' + CSS.escape(path) + '"]');
      if (field) {
        field.classList.add("has-error");
        const slot = field.querySelector(".problem");
        const detail = p.field && p.field !== path ? p.field.slice(path.length).replace(/^\./, "") + ": " : "";
        if (slot) slot.textContent = (slot.textContent ? slot.textContent + " " : "") + detail + p.message;
      } else unplaced.push(p.message);
    }
    return unplaced;
  }

  // -- saving and the charge preview --------------------------------------------------
  let saving = null, dirty = false;
  async function save() {
    if (saving) { dirty = true; return saving; }
    saveState.textContent = "Saving…";
    saving = (async () => {
      const { ok, status, data } = await V.post(editor.dataset.save, { document: collect() });
      if (ok) {
        showProblems([]);
        saveState.textContent = "Saved " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        await charges();
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
    if (dirty) { dirty = false; return save(); }
    return result;
  }
  const saveSoon = V.debounce(save, 700);

  async function charges() {
    const box = document.getElementById("charge-preview");
    const { ok, data } = await V.post(editor.dataset.charges, {});
    if (!ok || !data) return;
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

  // -- measures scored live -----------------------------------------------------------
  async function score(measureEl) {
    const out = measureEl.querySelector(".score-box");
    const responses = [...measureEl.querySelectorAll("select.item")].map((s) => s.value === "" ? null : Number(s.value));
    if (responses.every((r) => r === null)) { out.textContent = "Not scored yet"; return; }
    const { ok, data } = await V.post(measureEl.dataset.score, { responses });
    if (!ok) { out.textContent = (data && data.error) || "Cannot score"; return; }
    if (data.value === null) { out.textContent = "Not scorable yet: " + (data.reason || "answer more items"); return; }
    const value = Number.isInteger(data.value) ? data.value : Number(data.value.toFixed(2));
    out.textContent = "Score " + value + (data.unit ? " " + data.unit : "") + " (" + data.minimum + "–" + data.maximum + ")"
      + (data.band ? " · " + data.band : "") + (data.complete ? "" : " · incomplete" + (data.reason ? ": " + data.reason : ""));
  }

  // -- charts: click a region, pick the mark, add it; the server draws it -------------
  function setupChart(field) {
    const box = field.querySelector(".chart-editor");
    const vocab = JSON.parse(box.querySelector(".chart-vocab").textContent);
    field._marks = JSON.parse(box.querySelector(".chart-marks").textContent) || [];
    const regionSelect = box.querySelector(".mark-region");
    const typeSelect = box.querySelector(".mark-type");
    const attrsBox = box.querySelector(".mark-attrs");
    const list = box.querySelector(".mark-list");
    const svgBox = box.querySelector(".chart-svg");
    const types = Object.fromEntries(vocab.mark_types.map((t) => [t.id, t]));

    function attrInputs() {
      attrsBox.replaceChildren();
      const type = types[typeSelect.value];
      for (const a of (type ? type.attributes : [])) {
        const id = field.id + "-attr-" + a.id;
        let input;
        if (a.kind === "choice") {
          input = el("select", { id, "data-attr": a.id }, el("option", { value: "", text: "" }),
            ...a.options.map((o) => el("option", { value: o, text: o })));
        } else if (a.kind === "boolean") {
          input = el("input", { id, type: "checkbox", "data-attr": a.id });
        } else {
          input = el("input", { id, type: a.kind === "text" ? "text" : "number", "data-attr": a.id,
            min: a.minimum, max: a.maximum, step: a.kind === "integer" ? "1" : "any" });
        }
        attrsBox.append(el("label", { for: id, class: a.required ? "req" : null, text: a.label }), input);
      }
    }
    function describe(mark) {
      const type = types[mark.type];
      const details = Object.entries(mark.attributes || {}).map(([k, v]) => k + " " + v).join(", ");
      return (type ? type.label : mark.type) + " · " + (vocab.regions[mark.region] || mark.region) + (details ? " (" + details + ")" : "");
    }
    function renderList() {
      list.replaceChildren(...field._marks.map((mark, i) => el("li", {},
        el("span", { text: describe(mark) }),
        el("button", { type: "button", class: "secondary outline small", "aria-label": "Remove " + describe(mark),
          onclick: () => { field._marks.splice(i, 1); redraw(); } }, "×"))));
    }
    async function redraw() {
      renderList();
      const response = await fetch(box.dataset.render, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content },
        body: JSON.stringify({ marks: field._marks }) });
      if (response.ok) {
        const doc = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
        const svg = doc.documentElement;
        if (svg && svg.nodeName === "svg") svgBox.replaceChildren(document.importNode(svg, true));
        highlight();
      }
      saveSoon();
    }
    function highlight() {
      svgBox.querySelectorAll(".region.selected").forEach((n) => n.classList.remove("selected"));
      if (!regionSelect.value) return;
      const node = svgBox.querySelector('.region[data-region="' + CSS.escape(regionSelect.value) + '"]');
      if (node) node.classList.add("selected");
    }
    svgBox.addEventListener("click", (e) => {
      const hit = e.target.closest("[data-region]");
      if (!hit) return;
      regionSelect.value = hit.dataset.region;
      highlight();
      typeSelect.focus({ preventScroll: true });
    });
    regionSelect.addEventListener("change", highlight);
    typeSelect.addEventListener("change", attrInputs);
    box.querySelector(".add-mark").addEventListener("click", () => {
      const help = box.querySelector(".muted");
      if (!regionSelect.value) { help.textContent = "Pick a region first: click it on the chart or choose it in the list."; return; }
      const type = types[typeSelect.value];
      const attributes = {};
      for (const input of attrsBox.querySelectorAll("[data-attr]")) {
        const spec = type.attributes.find((a) => a.id === input.dataset.attr);
        if (input.type === "checkbox") { if (input.checked) attributes[spec.id] = true; continue; }
        if (input.value === "") continue;
        attributes[spec.id] = spec.kind === "integer" || spec.kind === "number" ? Number(input.value) : input.value;
      }
      const missing = type.attributes.filter((a) => a.required && !(a.id in attributes)).map((a) => a.label);
      if (missing.length) { help.textContent = "Give " + missing.join(", ") + " for this mark."; return; }
      help.textContent = "Added. Click another region to add more.";
      field._marks.push({ region: regionSelect.value, type: type.id, attributes });
      redraw();
    });
    attrInputs();
    renderList();
  }

  // -- rows of tables and procedures --------------------------------------------------
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
    if (remove) { remove.closest("tr").remove(); saveSoon(); return; }
    const clear = e.target.closest(".clear-choice");
    if (clear) { clear.closest(".note-field").querySelectorAll('input[type="radio"]').forEach((r) => { r.checked = false; }); saveSoon(); }
  });

  editor.addEventListener("input", (e) => { if (!e.target.closest(".mark-panel")) saveSoon(); });
  editor.addEventListener("change", (e) => {
    if (e.target.closest(".mark-panel")) return;
    const measure = e.target.closest(".measure");
    if (measure) score(measure);
    saveSoon();
  });

  for (const field of editor.querySelectorAll('.note-field[data-kind="chart"]')) setupChart(field);
  for (const measure of editor.querySelectorAll(".measure")) score(measure);
  charges();

  // -- signing, with a confirmation ---------------------------------------------------
  const form = document.getElementById("sign-form");
  const dialog = document.getElementById("sign-dialog");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!document.getElementById("sign-confirm").checked) return;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else if (window.confirm("Sign this note? It cannot be changed afterwards.")) submitSigned();
  });
  document.getElementById("sign-cancel").addEventListener("click", () => dialog.close());
  document.getElementById("sign-ok").addEventListener("click", submitSigned);
  async function submitSigned() {
    dialog.close();
    await save();
    form.submit();
  }
})();
