// A chart field of the note editor: the pack's SVG (drawn by the server after each change),
// made operable by pointer and keyboard. Regions take focus one at a time (roving tabindex:
// arrow keys go to the nearest region that way, Enter or Space picks it); a searchable
// region list (ARIA combobox) does the same from the keyboard or for regions too small to
// tap; zoom by buttons, Ctrl+wheel or pinch. The marks are also listed as a table.
"use strict";
window.VChart = (function () {
  const { el } = V;

  function setup(field, changed) {
    const box = field.querySelector(".chart-editor");
    const vocab = JSON.parse(box.querySelector(".chart-vocab").textContent);
    field._marks = JSON.parse(box.querySelector(".chart-marks").textContent) || [];
    const chosen = box.querySelector(".mark-region");
    const search = box.querySelector(".region-search");
    const listbox = box.querySelector('[role="listbox"]');
    const typeSelect = box.querySelector(".mark-type");
    const attrsBox = box.querySelector(".mark-attrs");
    const list = box.querySelector(".mark-list");
    const svgBox = box.querySelector(".chart-svg");
    const announce = box.querySelector(".announce");
    const howto = box.querySelector(".howto");
    const types = Object.fromEntries(vocab.mark_types.map((t) => [t.id, t]));
    const regions = Object.fromEntries(vocab.regions.map((r) => [r.id, r]));
    let current = null; // the region holding the chart's tab stop
    const say = (text) => { announce.textContent = ""; setTimeout(() => { announce.textContent = text; }, 30); };

    // -- mark attributes and descriptions ---------------------------------------------
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
        if (a.required) input.setAttribute("aria-required", "true");
        attrsBox.append(el("label", { for: id, class: a.required ? "req" : null, text: a.label }), input);
      }
    }
    const label = (id) => (regions[id] ? regions[id].label : id);
    function details(mark) {
      const type = types[mark.type];
      const attrs = Object.entries(mark.attributes || {}).map(([k, v]) => {
        const spec = type && type.attributes.find((a) => a.id === k);
        return (spec ? spec.label : k) + " " + (v === true ? "yes" : v);
      }).join(", ");
      return (type ? type.label : mark.type) + (attrs ? " (" + attrs + ")" : "");
    }

    // -- the marks table; focus goes somewhere sensible after a removal -----------------
    function renderList() {
      list.replaceChildren(...field._marks.map((mark, i) => el("tr", {},
        el("td", { text: label(mark.region) }),
        el("td", { text: details(mark) }),
        el("td", {}, el("button", { type: "button", class: "secondary outline small remove-mark",
          "aria-label": "Remove " + details(mark) + " at " + label(mark.region),
          onclick: () => removeMark(i) }, "×")))));
    }
    function removeMark(i) {
      const [gone] = field._marks.splice(i, 1);
      redraw();
      const buttons = list.querySelectorAll(".remove-mark");
      const next = buttons[Math.min(i, buttons.length - 1)];
      (next || search).focus();
      say("Removed " + details(gone) + " at " + label(gone.region) + ". " + field._marks.length + " marks left.");
    }

    // -- the SVG: drawn by the server, made focusable here ------------------------------
    let drawn = 0; // the latest drawing asked for: an older answer never replaces it
    async function redraw() {
      const mine = ++drawn;
      renderList();
      changed();
      const response = await fetch(box.dataset.render, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content },
        body: JSON.stringify({ marks: field._marks }) });
      if (!response.ok) return {};
      let problems = {};
      try { problems = JSON.parse(response.headers.get("X-Mark-Problems") || "{}"); } catch (e) { problems = {}; }
      const doc = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
      const svg = doc.documentElement;
      if (!svg || svg.nodeName !== "svg" || mine !== drawn) return problems;
      const hadFocus = svgBox.contains(document.activeElement);
      svgBox.replaceChildren(document.importNode(svg, true));
      prepare();
      if (hadFocus && current) focusRegion(current);
      return problems;
    }
    const nodes = () => [...svgBox.querySelectorAll(".region[data-region]")];
    const nodeOf = (id) => svgBox.querySelector('.region[data-region="' + CSS.escape(id) + '"]');
    function prepare() {
      const svg = svgBox.querySelector("svg");
      if (!svg) return;
      // Regions are controls, so the drawing is a group of them rather than one image.
      svg.setAttribute("role", "group");
      const marksAt = {};
      for (const m of field._marks) (marksAt[m.region] = marksAt[m.region] || []).push(details(m));
      const all = nodes();
      if (!current || !nodeOf(current)) current = chosen.value && nodeOf(chosen.value) ? chosen.value : (all[0] && all[0].dataset.region);
      const seen = new Set();
      for (const node of all) {
        const id = node.dataset.region;
        node.setAttribute("role", "button");
        node.setAttribute("aria-label", label(id) + (marksAt[id] ? ": " + marksAt[id].join("; ") : ": no marks"));
        // A region drawn in several views: only its first drawing takes the tab stop.
        node.setAttribute("tabindex", id === current && !seen.has(id) ? "0" : "-1");
        seen.add(id);
      }
      highlight();
    }
    function focusRegion(id) {
      const node = nodeOf(id);
      if (!node) return;
      for (const n of svgBox.querySelectorAll('.region[tabindex="0"]')) n.setAttribute("tabindex", "-1");
      node.setAttribute("tabindex", "0");
      current = id;
      node.focus({ preventScroll: true });
      const r = node.getBoundingClientRect(), b = svgBox.getBoundingClientRect();
      if (r.left < b.left || r.right > b.right || r.top < b.top || r.bottom > b.bottom) {
        svgBox.scrollBy({ left: r.left - b.left - b.width / 2, top: r.top - b.top - b.height / 2 });
      }
    }
    // The region the arrow leads to: the chart's own neighbours where it declares them
    // (data-neighbours, JSON by direction), else the nearest region that way on screen.
    function neighbour(from, dx, dy) {
      const way = dx > 0 ? "right" : dx < 0 ? "left" : dy > 0 ? "down" : "up";
      try {
        const declared = JSON.parse(from.dataset.neighbours || "{}")[way];
        const node = declared && nodeOf(declared);
        if (node) return node;
      } catch (e) { /* not JSON: work it out from the drawing */ }
      return nearest(from, dx, dy);
    }
    function nearest(from, dx, dy) {
      const centre = (n) => { const r = n.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; };
      const [x0, y0] = centre(from);
      let best = null, bestScore = Infinity;
      for (const n of nodes()) {
        if (n === from || n.dataset.region === from.dataset.region) continue;
        const [x, y] = centre(n);
        const along = (x - x0) * dx + (y - y0) * dy;
        if (along <= 0.5) continue;
        const across = Math.abs((x - x0) * dy - (y - y0) * dx);
        const score = along + 2 * across;
        if (score < bestScore) { bestScore = score; best = n; }
      }
      return best;
    }
    svgBox.addEventListener("keydown", (e) => {
      const node = e.target.closest && e.target.closest(".region[data-region]");
      if (!node) return;
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (moves[e.key]) {
        e.preventDefault();
        const next = neighbour(node, ...moves[e.key]);
        if (next) focusRegion(next.dataset.region);
      } else if (e.key === "Home" || e.key === "End") {
        e.preventDefault();
        const all = nodes();
        focusRegion((e.key === "Home" ? all[0] : all[all.length - 1]).dataset.region);
      } else if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        pick(node.dataset.region, "chart");
      }
    });
    svgBox.addEventListener("click", (e) => {
      const hit = e.target.closest("[data-region]");
      if (!hit) return;
      current = hit.dataset.region;
      pick(hit.dataset.region, "pointer");
    });

    // -- picking a region: from the chart or the list; then the mark form ---------------
    let pickedFrom = null;
    function pick(id, from) {
      chosen.value = id;
      search.value = label(id);
      pickedFrom = from;
      closeList();
      highlight();
      howto.textContent = "Region: " + label(id) + ". Choose the mark, then Add mark.";
      if (from !== "list") say(label(id) + " picked. Choose the mark.");
      typeSelect.focus({ preventScroll: from === "pointer" });
    }
    function highlight() {
      svgBox.querySelectorAll(".region.selected").forEach((n) => n.classList.remove("selected"));
      if (chosen.value) svgBox.querySelectorAll('.region[data-region="' + CSS.escape(chosen.value) + '"]').forEach((n) => n.classList.add("selected"));
    }

    // The region list: an ARIA combobox with a listbox popup (filter as you type).
    let shown = [], active = -1;
    const norm = (s) => s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    function openList() {
      const words = norm(search.value.trim()).split(/\s+/).filter(Boolean);
      shown = vocab.regions.filter((r) => {
        const hay = norm([r.label, r.id, r.view, ...(r.aliases || [])].join(" "));
        return words.every((w) => hay.includes(w));
      }).slice(0, 60);
      active = shown.length ? 0 : -1;
      listbox.replaceChildren(...shown.map((r, i) => el("li", { role: "option", id: field.id + "-opt-" + i,
        "aria-selected": i === active ? "true" : "false",
        onmousedown: (e) => { e.preventDefault(); choose(i); } },
        r.label, el("small", { class: "muted", text: " · " + r.view }))));
      if (!shown.length) listbox.replaceChildren(el("li", { role: "option", "aria-disabled": "true", "aria-selected": "false", text: "No region matches" }));
      listbox.hidden = false;
      search.setAttribute("aria-expanded", "true");
      mark();
    }
    function closeList() {
      listbox.hidden = true;
      search.setAttribute("aria-expanded", "false");
      search.removeAttribute("aria-activedescendant");
    }
    function mark() {
      listbox.querySelectorAll('[role="option"]').forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
      if (active >= 0) {
        const opt = document.getElementById(field.id + "-opt-" + active);
        search.setAttribute("aria-activedescendant", opt.id);
        opt.scrollIntoView({ block: "nearest" });
      } else search.removeAttribute("aria-activedescendant");
    }
    function choose(i) {
      const r = shown[i];
      if (!r) return;
      current = r.id;
      prepare();
      pick(r.id, "list");
      say(r.label + " picked. Choose the mark.");
    }
    search.addEventListener("input", () => { chosen.value = ""; highlight(); openList(); });
    search.addEventListener("focus", () => { if (!chosen.value) openList(); });
    search.addEventListener("blur", () => setTimeout(closeList, 150));
    search.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (listbox.hidden) { openList(); return; }
        if (!shown.length) return;
        active = (active + (e.key === "ArrowDown" ? 1 : -1) + shown.length) % shown.length;
        mark();
      } else if (e.key === "Enter") {
        if (!listbox.hidden && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === "Escape") {
        if (!listbox.hidden) { e.preventDefault(); closeList(); }
      }
    });

    // -- adding a mark ------------------------------------------------------------------
    typeSelect.addEventListener("change", attrInputs);
    box.querySelector(".add-mark").addEventListener("click", () => {
      if (!chosen.value) {
        const text = "Pick a region first: on the chart, or search it in the Region box.";
        howto.textContent = text;
        say(text);
        search.focus();
        return;
      }
      const type = types[typeSelect.value];
      const attributes = {};
      for (const input of attrsBox.querySelectorAll("[data-attr]")) {
        const spec = type.attributes.find((a) => a.id === input.dataset.attr);
        input.removeAttribute("aria-invalid");
        if (input.type === "checkbox") { if (input.checked) attributes[spec.id] = true; continue; }
        if (input.value === "") continue;
        attributes[spec.id] = spec.kind === "integer" || spec.kind === "number" ? Number(input.value) : input.value;
      }
      const missing = type.attributes.filter((a) => a.required && !(a.id in attributes));
      if (missing.length) {
        const text = "Give " + missing.map((a) => a.label).join(", ") + " for this mark.";
        howto.textContent = text;
        say(text);
        for (const a of missing) {
          const input = attrsBox.querySelector('[data-attr="' + CSS.escape(a.id) + '"]');
          input.setAttribute("aria-invalid", "true");
        }
        attrsBox.querySelector('[aria-invalid="true"]').focus();
        return;
      }
      const mark = { region: chosen.value, type: type.id, attributes };
      field._marks.push(mark);
      current = mark.region;
      redraw().then((problems) => {
        const refused = problems[String(field._marks.length)];
        if (refused) {
          // The chart refuses it (a paired point without its side, say): not added; the
          // form keeps what was given so the missing part can be added.
          field._marks.pop();
          renderList();
          changed();
          const why = "Not added: " + refused.join("; ") + ".";
          howto.textContent = why;
          say(why);
          const first = attrsBox.querySelector("[data-attr]");
          (first || typeSelect).focus();
          return;
        }
        const text = "Added " + details(mark) + " at " + label(mark.region) + ".";
        howto.textContent = text + " Pick another region to add more.";
        say(text);
        // Back where the region was picked: the chart keeps its place, the list is cleared.
        if (pickedFrom === "chart") focusRegion(mark.region);
        else if (pickedFrom === "list") { search.value = ""; chosen.value = ""; highlight(); search.focus(); }
      });
    });

    // -- zoom: buttons, Ctrl+wheel (and trackpad pinch), two-finger pinch ----------------
    let zoom = 1;
    const level = box.querySelector(".zoom-level");
    function setZoom(z, cx, cy) {
      const old = zoom;
      zoom = Math.min(8, Math.max(1, Math.round(z * 100) / 100));
      if (zoom === old) return;
      const b = svgBox.getBoundingClientRect();
      const px = (cx === undefined ? b.width / 2 : cx - b.left), py = (cy === undefined ? b.height / 2 : cy - b.top);
      const fx = (svgBox.scrollLeft + px) / old, fy = (svgBox.scrollTop + py) / old;
      svgBox.style.setProperty("--zoom", zoom);
      svgBox.scrollLeft = fx * zoom - px;
      svgBox.scrollTop = fy * zoom - py;
      level.textContent = Math.round(zoom * 100) + "%";
    }
    box.querySelector(".zoom-in").addEventListener("click", () => setZoom(zoom * 1.5));
    box.querySelector(".zoom-out").addEventListener("click", () => setZoom(zoom / 1.5));
    box.querySelector(".zoom-reset").addEventListener("click", () => setZoom(1));
    svgBox.addEventListener("wheel", (e) => {
      if (!e.ctrlKey && !e.metaKey) return; // a plain wheel scrolls the page
      e.preventDefault();
      setZoom(zoom * (e.deltaY < 0 ? 1.15 : 1 / 1.15), e.clientX, e.clientY);
    }, { passive: false });
    const touches = new Map();
    let pinchFrom = null;
    svgBox.addEventListener("pointerdown", (e) => { if (e.pointerType === "touch") touches.set(e.pointerId, e); });
    svgBox.addEventListener("pointermove", (e) => {
      if (!touches.has(e.pointerId)) return;
      touches.set(e.pointerId, e);
      if (touches.size !== 2) return;
      const [a, b] = [...touches.values()];
      const d = Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);
      if (pinchFrom === null) { pinchFrom = { d, zoom }; return; }
      setZoom(pinchFrom.zoom * d / pinchFrom.d, (a.clientX + b.clientX) / 2, (a.clientY + b.clientY) / 2);
    });
    const lift = (e) => { touches.delete(e.pointerId); if (touches.size < 2) pinchFrom = null; };
    svgBox.addEventListener("pointerup", lift);
    svgBox.addEventListener("pointercancel", lift);
    svgBox.style.touchAction = "pan-x pan-y";

    attrInputs();
    renderList();
    prepare();
  }
  return { setup };
})();
