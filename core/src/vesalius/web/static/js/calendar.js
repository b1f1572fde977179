// Calendar: drag an appointment onto an empty slot to move it (the appointment page does
// the same by keyboard). The server checks the move; a clash is shown and nothing changes.
"use strict";
(function () {
  const cal = document.getElementById("calendar");
  if (!cal) return;
  const base = cal.dataset.reschedule;  // ".../appointments/0/reschedule"
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
    const slot = e.target.closest(".cal-slot");
    if (!slot || !dragged) return;
    e.preventDefault();
    cal.querySelectorAll(".drop").forEach((n) => n.classList.remove("drop"));
    slot.classList.add("drop");
  });
  cal.addEventListener("drop", async (e) => {
    const slot = e.target.closest(".cal-slot");
    if (!slot || !dragged) return;
    e.preventDefault();
    const column = slot.closest(".cal-col");
    const start = new Date(slot.dataset.start);
    const pad = (n) => String(n).padStart(2, "0");
    // The slot's instant in the browser's zone is only used to carry the wall-clock the
    // server expects: send the slot's own ISO time instead, converted by the server.
    const form = new FormData();
    form.append("start_iso", slot.dataset.start);
    form.append("date", start.getFullYear() + "-" + pad(start.getMonth() + 1) + "-" + pad(start.getDate()));
    form.append("time", pad(start.getHours()) + ":" + pad(start.getMinutes()));
    form.append("minutes", dragged.dataset.minutes);
    if (column.dataset.practitioner) form.append("practitioner_id", column.dataset.practitioner);
    if (column.dataset.room) form.append("room_id", column.dataset.room);
    const url = base.replace("/0/", "/" + dragged.dataset.appointment + "/");
    const { ok, data } = await V.post(url, form);
    if (ok) { window.location.reload(); return; }
    window.alert((data && data.error) || "The appointment could not be moved.");
  });
})();
