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
  cal.addEventListener("drop", async (e) => {
    const col = e.target.closest(".cal-col");
    if (!col || !dragged) return;
    e.preventDefault();
    const slot = slotAt(col, e.clientY);
    const form = new FormData();
    form.append("start_iso", slot.start.toISOString());
    form.append("minutes", dragged.dataset.minutes);
    if (col.dataset.practitioner) form.append("practitioner_id", col.dataset.practitioner);
    if (col.dataset.room) form.append("room_id", col.dataset.room);
    const url = cal.dataset.reschedule.replace("/0/", "/" + dragged.dataset.appointment + "/");
    const { ok, data } = await V.post(url, form);
    if (ok) { window.location.reload(); return; }
    window.alert((data && data.error) || "The appointment could not be moved.");
  });
})();
