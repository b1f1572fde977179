// Calendar: a click on free time books it, a drag moves a booking there (the appointment
// page does the same by keyboard). Times come from the pointer's height in the column:
// 5-minute rows, rounded down to the quarter hour. The server checks every move.
"use strict";
(function () {
  const cal = document.getElementById("calendar");
  if (!cal) return;
  const SLOT = 15;
  const rowHeight = () => parseFloat(getComputedStyle(cal).getPropertyValue("--row-h")) || 6;
  function slotAt(col, clientY) {
    const rect = col.getBoundingClientRect();
    const minutes = Math.floor((clientY - rect.top) / rowHeight() * 5 / SLOT) * SLOT;
    const start = new Date(new Date(col.dataset.start).getTime() + minutes * 60000);
    return { minutes, start, top: minutes / 5 * rowHeight() };
  }
  const hover = document.createElement("div");
  hover.className = "cal-hover";
  hover.setAttribute("aria-hidden", "true");
  let hoverCol = null;
  const clock = (d) => {
    // The label shows the grid's own wall-clock: first hour plus the offset.
    return (m) => { const t = Number(cal.dataset.firstHour) * 60 + m; return String(Math.floor(t / 60)).padStart(2, "0") + ":" + String(t % 60).padStart(2, "0"); };
  };
  const label = clock();
  cal.addEventListener("mousemove", (e) => {
    const col = e.target.closest(".cal-col");
    if (!col || e.target.closest(".appt")) { hover.remove(); hoverCol = null; return; }
    const slot = slotAt(col, e.clientY);
    if (hoverCol !== col) { col.append(hover); hoverCol = col; }
    hover.style.top = slot.top + "px";
    hover.textContent = label(slot.minutes);
  });
  cal.addEventListener("mouseleave", () => { hover.remove(); hoverCol = null; });
  cal.addEventListener("click", (e) => {
    const col = e.target.closest(".cal-col");
    if (!col || e.target.closest(".appt") || !col.dataset.start) return;
    const slot = slotAt(col, e.clientY);
    const params = new URLSearchParams({ start: slot.start.toISOString(),
      practitioner: col.dataset.practitioner, room: col.dataset.room });
    window.location.href = cal.dataset.book + "?" + params.toString();
  });

  let dragged = null;
  cal.addEventListener("dragstart", (e) => {
    const appt = e.target.closest(".appt");
    if (!appt) return;
    dragged = appt;
    appt.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", appt.dataset.appointment);
  });
  cal.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    cal.querySelectorAll(".drop").forEach((n) => n.classList.remove("drop"));
  });
  cal.addEventListener("dragover", (e) => {
    const col = e.target.closest(".cal-col");
    if (!col || !dragged) return;
    e.preventDefault();
    cal.querySelectorAll(".drop").forEach((n) => n.classList.remove("drop"));
    col.classList.add("drop");
  });
  const said = document.getElementById("cal-said");
  const say = (text) => { if (said) said.textContent = text; };

  // A drop into hatched time (a break, or outside working hours) is said in words first;
  // the server still judges the move and its refusal is shown, not hidden.
  function isOpen(col, minutes, length) {
    const first = minutes / 5 + 1, last = first + Math.max(1, Math.ceil(length / 5)) - 1;
    return (col.dataset.open || "").split(",").filter(Boolean).some((run) => {
      const [row, span] = run.split(":").map(Number);
      return row <= first && last < row + span;
    });
  }
  cal.addEventListener("drop", async (e) => {
    const col = e.target.closest(".cal-col");
    if (!col || !dragged) return;
    e.preventDefault();
    const slot = slotAt(col, e.clientY);
    const moving = dragged;
    const closed = !isOpen(col, slot.minutes, Number(moving.dataset.minutes));
    if (closed &&
        !window.confirm("Move to " + label(slot.minutes) + "? That is " + col.dataset.closed + ".")) {
      say("Not moved.");
      return;
    }
    const form = new FormData();
    form.append("start_iso", slot.start.toISOString());
    form.append("minutes", moving.dataset.minutes);
    if (col.dataset.practitioner) form.append("practitioner_id", col.dataset.practitioner);
    if (col.dataset.room) form.append("room_id", col.dataset.room);
    // The server applies the clinic's rule: a refusal is shown; a warning about what the
    // grid does not draw (time off) is asked here, then the move is sent again.
    if (closed) form.append("outside_ok", "1");
    const url = cal.dataset.reschedule.replace("/0/", "/" + moving.dataset.appointment + "/");
    let { ok, data } = await V.post(url, form);
    if (!ok && data && data.outside_hours === "warn" && window.confirm(data.error)) {
      form.set("outside_ok", "1");
      ({ ok, data } = await V.post(url, form));
    }
    if (ok) { window.location.reload(); return; }
    say("Not moved: " + ((data && data.error) || "the appointment could not be moved."));
  });

  // Status in place: a booking's link opens a small menu (check in, no-show, cancel with a
  // reason, undo); the block redraws from the server's answer. Without scripts the link
  // opens the appointment page, whose forms do the same.
  const menu = document.getElementById("cal-menu");
  const FREED = ["cancelled", "late-cancelled", "no-show"];
  const WORDS = { arrived: "Check in", confirmed: "Confirm", "no-show": "No-show", cancelled: "Cancel…" };
  const UNDO = { arrived: "Undo check-in", "no-show": "Undo no-show", confirmed: "Back to booked" };
  const moves = JSON.parse(cal.dataset.transitions || "{}");
  let current = null;
  const part = (sel) => menu.querySelector(sel);
  function redraw(block, status, labelText) {
    block.classList.remove(block.dataset.status);
    block.classList.add(status);
    block.dataset.status = status;
    block.classList.toggle("freed", FREED.includes(status));
    if (!FREED.includes(status)) block.classList.remove("aside");
    block.setAttribute("draggable", String(status === "booked" || status === "confirmed"));
    const st = block.querySelector(".st");
    if (st) st.textContent = labelText;
  }
  // The day's counts by status (the heading's badges) follow each change made in place.
  const counts = document.getElementById("cal-counts");
  function recount(from, to, toLabel) {
    if (!counts || from === to) return;
    const badge = (status) => counts.querySelector('.badge[data-status="' + status + '"]');
    const old = badge(from);
    if (old) {
      const n = Number(old.querySelector(".n").textContent) - 1;
      if (n > 0) old.querySelector(".n").textContent = String(n);
      else old.remove();
    }
    let now = badge(to);
    if (!now) {
      now = V.el("span", { class: "badge " + to, "data-status": to });
      now.append(V.el("span", { class: "n", text: "0" }), " " + toLabel);
      counts.append(now, " ");
    }
    now.querySelector(".n").textContent = String(Number(now.querySelector(".n").textContent) + 1);
  }
  async function send(url, form) {
    const { ok, data } = await V.post(url.replace("/0/", "/" + current.dataset.appointment + "/"), form);
    if (!ok) {
      const error = part(".cal-menu-error");
      error.textContent = (data && data.error) || "That did not work: open the appointment and try there.";
      error.hidden = false;
      return;
    }
    const block = current;
    recount(block.dataset.status, data.status, data.label);
    redraw(block, data.status, data.label);
    menu.close();
    say(block.dataset.name + ", " + block.dataset.time + ": " + data.message);
  }
  function openMenu(block) {
    current = block;
    const status = block.dataset.status;
    const alertNode = block.querySelector(".appt-alert");
    const st = block.querySelector(".st");
    part(".cal-menu-title").textContent = block.dataset.name + " · " + block.dataset.time + " · " + (st ? st.textContent : status);
    const alertP = part(".cal-menu-alert");
    alertP.hidden = !alertNode;
    alertP.textContent = alertNode ? "Front-desk alert: " + alertNode.title : "";
    part(".cal-menu-error").hidden = true;
    part(".cal-menu-cancel").hidden = true;
    part("#cal-menu-reason").value = "";
    part(".cal-menu-open").href = block.getAttribute("href");
    const actions = part(".cal-menu-actions");
    actions.replaceChildren();
    for (const next of moves[status] || []) {
      const text = next === "booked" ? (UNDO[status] || "Back to booked") : WORDS[next];
      actions.append(V.el("button", {
        type: "button", class: next === "arrived" ? "" : "secondary", text, "data-status": next,
        onclick: () => {
          if (next === "cancelled") {
            part(".cal-menu-cancel").hidden = false;
            part("#cal-menu-reason").focus();
            return;
          }
          const form = new FormData();
          form.append("status", next);
          send(cal.dataset.statusUrl, form);
        },
      }));
    }
    if (!actions.children.length) actions.append(V.el("p", { class: "muted", text: "Nothing to change here: open the appointment." }));
    menu.showModal();
  }
  if (menu) {
    part(".cal-menu-cancel").addEventListener("submit", (e) => {
      e.preventDefault();
      send(cal.dataset.cancelUrl, new FormData(e.target));
    });
    part(".cal-menu-close").addEventListener("click", () => menu.close());
    menu.addEventListener("close", () => { if (current) current.focus(); });
    cal.addEventListener("click", (e) => {
      const block = e.target.closest(".appt");
      if (!block || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      openMenu(block);
    });
  }

  // Cancelled and no-shows: hidden or shown in place (the server drew them unless the
  // page was asked without them; then showing them needs the page again).
  const toggle = document.getElementById("cal-freed");
  if (toggle) {
    const drawn = !toggle.checked;
    toggle.addEventListener("change", () => {
      if (!drawn) { toggle.form.submit(); return; }
      cal.classList.toggle("hide-freed", toggle.checked);
      const url = new URL(window.location.href);
      if (toggle.checked) url.searchParams.set("freed", "hide"); else url.searchParams.delete("freed");
      window.history.replaceState(null, "", url);
    });
  }

  // The time line moves on with the clock (one 5-minute row at a time).
  const loaded = Date.now();
  const lines = cal.querySelectorAll(".cal-now");
  if (lines.length) {
    const row0 = Number([...lines[0].classList].find((c) => /^r\d+$/.test(c)).slice(1));
    let shown = row0;
    window.setInterval(() => {
      const row = row0 + Math.floor((Date.now() - loaded) / 300000);
      if (row === shown) return;
      lines.forEach((n) => { n.classList.replace("r" + shown, "r" + row); });
      shown = row;
    }, 30000);
  }
})();
