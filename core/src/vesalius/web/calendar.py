"""Front desk: the day and week calendar and the appointment's actions (the booking form
and the waitlist are in :mod:`.booking`, on this blueprint).

The grid is laid out here (presentation): 5-minute rows in the location's time zone, a
column per practitioner or room (day) or per day (week), working hours shaded open, and
every empty 15-minute cell a link that books it. The data comes from the scheduling
services in a fixed number of queries whatever the size of the clinic.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import Location, Practitioner, Room
from ..services import booking_rules, practitioners, scheduling, waitlist
from ..services import cases as case_service
from ..services.common import bounded_date, clinic_timezone, parse_id
from .context import actor, commit_reads, db
from .directory import LocationEntry, locations_of, staff_at
from .filters import STATUS_LABELS
from .forms import FormError, parse
from .security import requires, wants_json

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

ROW_MINUTES = 5
SLOT_MINUTES = 15
DEFAULT_OPEN = (time(8), time(18))
SHOWN = ("booked", "confirmed", "arrived", "in-session", "completed")
#: Drawn too, struck through (the front desk sees who did not come); a toggle hides them.
FREED = ("cancelled", "late-cancelled", "no-show")
#: The status moves the calendar offers in place, with their button words; cancelling asks
#: for a reason. The server's state machine (scheduling.TRANSITIONS) decides what is allowed.
IN_PLACE = (("arrived", "Check in"), ("confirmed", "Confirm"), ("no-show", "No-show"),
            ("booked", "Undo"), ("cancelled", "Cancel…"))


@dataclass
class Block:
    entry: scheduling.CalendarEntry
    row: int
    span: int
    #: Drawn text, prepared here once (hundreds of blocks on a busy day).
    href: str = ""
    time: str = ""
    minutes: int = 0
    #: Drawn beside an active booking at the same time (a freed slot rebooked).
    aside: bool = False
    #: The block's link, drawn in Python with every text escaped (see :func:`_draw_blocks`).
    html: Markup = field(default_factory=Markup)


@dataclass
class Column:
    key: str
    title: str
    subtitle: str = ""
    practitioner_id: int | None = None
    room_id: int | None = None
    day: date | None = None
    blocks: list[Block] = field(default_factory=list)
    #: Working time as (first row, rows) runs of the grid, drawn open.
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: The instant of the grid's first row on this column's day (UTC, ISO 8601).
    grid_start: str = ""
    #: The booking form for this column at the grid's first row (the header's "+").
    book_href: str = ""
    #: What the column's hatched time is, in words (a drop there is warned about).
    closed_words: str = ""
    #: The column's blocks, drawn (one text for the template: hundreds of blocks a day).
    blocks_html: Markup = field(default_factory=Markup)


def _day_arg(zone: tzinfo, name: str = "date") -> date:
    """The day asked for, else today where the location is (not the server's UTC day)."""
    return bounded_date(request.args.get(name)) or datetime.now(zone).date()


def _int_arg(name: str) -> int | None:
    return parse_id(request.args.get(name))


def _zone(location: LocationEntry | None) -> tzinfo:
    return clinic_timezone(location.timezone if location else None)


def _location(locations: list[LocationEntry]) -> LocationEntry | None:
    wanted = _int_arg("location")
    for loc in locations:
        if loc.id == wanted:
            return loc
    return locations[0] if locations else None


def _open_spans(hours: list[Any], day: date, location_id: int | None
                ) -> list[tuple[time, time]]:
    """Working time of one practitioner on ``day`` at the location: work minus breaks
    (the rule the booking form judges "outside working hours" by)."""
    return booking_rules.open_spans(hours, day)


def _bounds(spans: list[tuple[time, time]], entries: list[Any], zone: tzinfo) -> tuple[int, int]:
    """First and last hour shown: working hours and bookings, at least 8 to 18."""
    first, last = DEFAULT_OPEN[0].hour, DEFAULT_OPEN[1].hour
    for start, end in spans:
        first = min(first, start.hour)
        last = max(last, end.hour + (1 if end.minute else 0))
    for entry in entries:
        local_start, local_end = entry.start.astimezone(zone), entry.end.astimezone(zone)
        first = min(first, local_start.hour)
        last = max(last, local_end.hour + (1 if local_end.minute else 0)
                   if local_end.date() == local_start.date() else 24)
    return first, min(last, 24)


def _grid(col: Column, day: date, zone: tzinfo, first: int, last: int,
          spans: list[tuple[time, time]]) -> None:
    """Set a column's open runs (working time in 5-minute rows) and its first instant."""
    top, bottom = first * 60, last * 60
    for start, end in sorted(spans):
        a = max(top, start.hour * 60 + start.minute)
        b = min(bottom, end.hour * 60 + end.minute)
        if b > a:
            col.spans.append(((a - top) // ROW_MINUTES + 1, (b - a) // ROW_MINUTES))
    col.grid_start = datetime.combine(day, time(first), zone).astimezone(UTC).isoformat()
    col.closed_words = (f"outside {col.title}'s working hours (a break, or not working)"
                        if col.practitioner_id else "outside the clinic's working hours")


class _Frame:
    """A day's grid bounds, worked out once for all of that day's blocks: the first and
    last instants (local, and in UTC, the zone of the bookings, so that comparing and
    subtracting them needs no zone conversion per block)."""

    def __init__(self, day: date, zone: tzinfo, first: int, last: int) -> None:
        self.zone = zone
        self.start = datetime.combine(day, time(first), zone)
        self.end = self.start + timedelta(hours=last - first)  # wall-clock hours
        self.start_utc = self.start.astimezone(UTC)
        self.end_utc = self.end.astimezone(UTC)
        self.rows = (last - first) * 12


def _block(entry: scheduling.CalendarEntry, frame: _Frame) -> Block | None:
    clipped_start, clipped_end = entry.start < frame.start_utc, entry.end > frame.end_utc
    start = frame.start_utc if clipped_start else entry.start
    end = frame.end_utc if clipped_end else entry.end
    if end <= start:
        return None
    row = int((start - frame.start_utc).total_seconds() // 60 // ROW_MINUTES) + 1
    # Clipped at both ends: the grid's own length in wall-clock time (a DST day).
    length = (frame.end - frame.start if clipped_start and clipped_end else end - start)
    span = max(2, int(-(-length.total_seconds() // 60 // ROW_MINUTES)))
    return Block(entry=entry, row=row, span=min(span, frame.rows - row + 1),
                 time=entry.start.astimezone(frame.zone).strftime("%H:%M"),
                 minutes=int((entry.end - entry.start).total_seconds() // 60))


def _set_aside(blocks: list[Block]) -> None:
    """A cancelled or no-show block whose time was booked again moves aside (drawn narrow,
    at the column's right), so that the new booking stays readable and clickable."""
    active = [(b.row, b.row + b.span) for b in blocks if b.entry.status not in FREED]
    for block in blocks:
        if block.entry.status in FREED:
            top, bottom = block.row, block.row + block.span
            block.aside = any(a < bottom and top < b for a, b in active)


def _draw_blocks(columns: list[Column], by_room: bool = False) -> None:
    """Each block's link as escaped HTML, drawn here rather than cell by cell in Jinja (a
    busy day has hundreds): every text is escaped, numbers are formatted; names shared by
    many blocks (statuses, services, rooms, practitioners) are escaped once."""
    base = url_for("calendar.appointment", appointment_id=0).removesuffix("0")
    book = url_for("calendar.book")
    names: dict[str, Markup] = {}

    def esc(text: str) -> Markup:
        found = names.get(text)
        if found is None:
            found = names[text] = escape(text)
        return found

    for col in columns:
        # As url_for would write it (werkzeug's query encoding), without a routing build
        # per column.
        col.book_href = book + "?" + urlencode(
            [("practitioner", col.practitioner_id or ""), ("room", col.room_id or ""),
             ("start", col.grid_start)], safe="!$'()*,/:;?@")
        _set_aside(col.blocks)
        for block in col.blocks:
            e = block.entry
            block.href = f"{base}{e.id}"
            after = f" · {esc(e.service_name)}" if e.service_name else ""
            if by_room:
                after += f" · {esc(e.practitioner_name)}"
            elif e.room_name:
                after += f" · {esc(e.room_name)}"
            # The status in words, not only as the stripe's colour (WCAG 1.4.1): it is
            # part of the link's text, so of its accessible name too.
            state = esc(STATUS_LABELS.get(e.status, e.status))
            # The patient booked it themselves: said next to the time (short blocks clip).
            via = ' · <span class="via">online</span>' if e.booked_via != "staff" else ""
            classes = f"appt {esc(e.status)} r{block.row} s{block.span}"
            if e.service_colour:
                classes += f" svc-{esc(e.service_colour)}"
            if e.status in FREED:
                classes += " freed aside" if block.aside else " freed"
            # The front-desk alert: an icon with its words (visible on hover, and read out).
            alert = (f'<span class="appt-alert" title="{escape(e.patient_alert)}">'
                     f'<span aria-hidden="true">⚑</span><span class="visually-hidden">'
                     f'Alert: {escape(e.patient_alert)}.</span></span>'
                     if e.patient_alert else "")
            movable = "true" if e.status in scheduling.MOVABLE else "false"
            block.html = Markup(
                f'<a class="{classes}" href="{escape(block.href)}" draggable="{movable}" '
                f'data-appointment="{e.id}" data-status="{esc(e.status)}" '
                f'data-minutes="{block.minutes}" data-name="{escape(e.patient_name)}" '
                f'data-time="{escape(block.time)}"><strong>{alert}{escape(e.patient_name)}'
                f'</strong> {escape(block.time)}{via} · <span class="st">{state}</span>{after}</a>')
        # Laid out as the grid's loop over the blocks laid them out before (same bytes).
        col.blocks_html = Markup("".join(f"\n    {b.html}\n    " for b in col.blocks))


def _times(first: int, last: int) -> list[tuple[int, str]]:
    return [((h - first) * 12 + 1, f"{h:02d}:00") for h in range(first, last)]


def _now_row(day: date, zone: tzinfo, first: int, last: int) -> int | None:
    """The 5-minute row of the current time on today's grid (None on other days, or when
    now is outside the hours shown): the day view draws its time line there."""
    now = datetime.now(zone)
    if now.date() != day or not first <= now.hour < last:
        return None
    return ((now.hour - first) * 60 + now.minute) // ROW_MINUTES + 1


def _transitions() -> str:
    """The moves the grid's status menu may offer per status, in :data:`IN_PLACE`'s order
    (check-in first: the menu's first button has the focus); the server still checks."""
    return json.dumps({old: [s for s, _ in IN_PLACE if s in new]
                       for old, new in scheduling.TRANSITIONS.items()})


@bp.route("/")
@requires("calendar.read")
def day() -> str:
    session = db()
    who = actor()
    locations = locations_of(session, who)
    location = _location(locations)
    zone = _zone(location)
    the_day = _day_arg(zone)
    by_room = request.args.get("by") == "room"
    hide_freed = request.args.get("freed") == "hide"
    wanted = [i for i in map(parse_id, request.args.getlist("practitioner")) if i]
    location_id = location.id if location else None
    staff, hours = staff_at(session, who, location_id, [the_day.weekday()])
    if wanted:
        staff = [p for p in staff if p.id in wanted]
    by_practitioner: dict[int, list[Any]] = defaultdict(list)
    for h in hours:
        by_practitioner[h.practitioner_id].append(h)
    entries = scheduling.day_list(session, who, the_day, location_id=location_id,
                                  practitioner_ids=[p.id for p in staff] if wanted else None,
                                  zone=zone)
    commit_reads()
    drawn = SHOWN if hide_freed else SHOWN + FREED
    shown = [e for e in entries if e.status in drawn]
    spans = {p.id: _open_spans(by_practitioner[p.id], the_day, location_id) for p in staff}
    first, last = _bounds([s for v in spans.values() for s in v], shown, zone)
    columns: list[Column] = []
    if by_room and location is not None:
        any_open = [s for v in spans.values() for s in v] or [DEFAULT_OPEN]
        rooms = [r for r in location.rooms if r.active]
        for room in rooms:
            col = Column(key=f"room-{room.id}", title=room.name, room_id=room.id,
                         day=the_day)
            _grid(col, the_day, zone, first, last, any_open)
            columns.append(col)
        # Bookings made without a room still belong on the front desk's grid: a "No room"
        # column per practitioner who has them (one column for all would stack the
        # practitioners' simultaneous bookings on top of each other).
        index: dict[Any, Column] = {c.room_id: c for c in columns}
        roomless = {e.practitioner_id: e.practitioner_name for e in shown if e.room_id is None}
        for pid, name in sorted(roomless.items(), key=lambda kv: kv[1]):
            col = Column(key=f"room-none-{pid}", title="No room", subtitle=name,
                         practitioner_id=pid, day=the_day)
            _grid(col, the_day, zone, first, last, spans.get(pid) or any_open)
            col.closed_words = (f"outside {name}'s working hours (a break, or not working)"
                                if pid in spans else "outside the clinic's working hours")
            columns.append(col)
            index[("none", pid)] = col
    else:
        for p in staff:
            col = Column(key=f"p-{p.id}", title=p.display_name,
                         subtitle=", ".join(p.disciplines), practitioner_id=p.id, day=the_day)
            _grid(col, the_day, zone, first, last, spans[p.id])
            columns.append(col)
        index = {c.practitioner_id: c for c in columns}
    frame = _Frame(the_day, zone, first, last)
    for entry in shown:
        col = index.get((entry.room_id if entry.room_id is not None
                         else ("none", entry.practitioner_id)) if by_room
                        else entry.practitioner_id)
        block = _block(entry, frame) if col else None
        if col is not None and block is not None:
            col.blocks.append(block)
    _draw_blocks(columns, by_room)
    return render_template(
        "calendar/day.html", day=the_day, columns=columns, times=_times(first, last),
        first_hour=first, now_row=_now_row(the_day, zone, first, last),
        rows=(last - first) * 12, locations=locations, location=location, by_room=by_room,
        hide_freed=hide_freed, transitions=_transitions(),
        prev_day=the_day - timedelta(days=1), next_day=the_day + timedelta(days=1),
        today=datetime.now(zone).date(), counts=_counts(entries), practitioners=staff,
        zone=zone)


def _counts(entries: list[scheduling.CalendarEntry]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for entry in entries:
        counts[entry.status] += 1
    return dict(counts)


def _week_frame() -> tuple[list[LocationEntry], LocationEntry | None, tzinfo, date]:
    """A week page's locations, the chosen one, its time zone and the week's Monday."""
    locations = locations_of(db(), actor())
    location = _location(locations)
    zone = _zone(location)
    start = _day_arg(zone)
    return locations, location, zone, start - timedelta(days=start.weekday())


@bp.route("/week")
@requires("calendar.read")
def week() -> str:
    session, who = db(), actor()
    locations, location, zone, start = _week_frame()
    staff = practitioners.list_practitioners(session, who)
    chosen = _int_arg("practitioner") or (who.practitioner_id if who.practitioner_id
                                          else (staff[0].id if staff else None))
    practitioner = next((p for p in staff if p.id == chosen), None)
    hide_freed = request.args.get("freed") == "hide"
    drawn = SHOWN if hide_freed else SHOWN + FREED
    columns: list[Column] = []
    times: list[tuple[int, str]] = []
    rows = 0
    if practitioner is not None:
        location_id = location.id if location else None
        hours = [h for h in staff_at(session, who, location_id, range(7))[1]
                 if h.practitioner_id == practitioner.id]
        entries = [e for e in scheduling.day_list(
            session, who, start, practitioner_ids=[practitioner.id], days=7)
            if e.status in drawn]
        commit_reads()
        days = [start + timedelta(days=i) for i in range(7)]
        spans = {d: _open_spans(hours, d, location_id) for d in days}
        first, last = _bounds([s for v in spans.values() for s in v], entries, zone)
        by_day: dict[date, list[Any]] = defaultdict(list)
        for entry in entries:
            by_day[entry.start.astimezone(zone).date()].append(entry)
        for d in days:
            col = Column(key=f"d-{d}", title=d.strftime("%a %d"), subtitle=d.strftime("%b"),
                         practitioner_id=practitioner.id, day=d)
            _grid(col, d, zone, first, last, spans[d])
            col.closed_words = (f"outside {practitioner.display_name}'s working hours "
                                "(a break, or not working)")
            frame = _Frame(d, zone, first, last)
            col.blocks = [b for e in by_day[d] if (b := _block(e, frame))]
            columns.append(col)
        times, rows = _times(first, last), (last - first) * 12
        _draw_blocks(columns)
    return render_template(
        "calendar/week.html", start=start, columns=columns, times=times, rows=rows,
        first_hour=first if practitioner is not None else 0, transitions=_transitions(),
        hide_freed=hide_freed,
        practitioners=staff, practitioner=practitioner, locations=locations, location=location,
        prev_week=start - timedelta(days=7), next_week=start + timedelta(days=7),
        today=datetime.now(zone).date())


@dataclass
class WeekDay:
    """One day of the all-practitioner week: each practitioner's bookings, in time order."""

    day: date
    rows: list[tuple[Any, list[scheduling.CalendarEntry]]]
    count: int = 0


@bp.route("/week/all")
@requires("calendar.read")
def week_all() -> str:
    """The week of every practitioner at a location: a compact list per day (a column per
    day, practitioners within), so that seven days fit 1024 px. Two queries: the staff and
    their hours, and the week's bookings."""
    session, who = db(), actor()
    locations, location, zone, start = _week_frame()
    location_id = location.id if location else None
    staff, _hours = staff_at(session, who, location_id, range(7))
    entries = [e for e in scheduling.day_list(session, who, start, location_id=location_id,
                                              days=7, zone=zone) if e.status in SHOWN]
    commit_reads()
    grouped: dict[tuple[date, int], list[scheduling.CalendarEntry]] = defaultdict(list)
    for entry in entries:
        grouped[(entry.start.astimezone(zone).date(), entry.practitioner_id)].append(entry)
    known = {p.id for p in staff}
    extra = {e.practitioner_id: e.practitioner_name for e in entries
             if e.practitioner_id not in known}  # booked here, working hours elsewhere
    people = [(p.id, p.display_name) for p in staff] + sorted(extra.items(),
                                                              key=lambda kv: kv[1])
    days = []
    for i in range(7):
        d = start + timedelta(days=i)
        rows = [(name, grouped[(d, pid)]) for pid, name in people if grouped.get((d, pid))]
        days.append(WeekDay(day=d, rows=rows, count=sum(len(r[1]) for r in rows)))
    return render_template(
        "calendar/week_all.html", start=start, days=days, locations=locations,
        location=location, zone=zone, prev_week=start - timedelta(days=7),
        next_week=start + timedelta(days=7), today=datetime.now(zone).date())


# -- one appointment -------------------------------------------------------------------


ACTIONS = (
    ("confirmed", "Confirm", "secondary"),
    ("arrived", "Check in", ""),
    ("in-session", "Start session", "secondary"),
    ("completed", "Complete", "secondary"),
    ("booked", "Undo check-in", "secondary outline"),
    ("no-show", "No-show", "contrast outline"),
)
#: "Back to booked" undoes whatever the appointment is now: say which.
UNDO_WORDS = {"arrived": "Undo check-in", "no-show": "Undo no-show",
              "confirmed": "Back to booked"}
DONE_WORDS = {"arrived": "Checked in.", "confirmed": "Confirmed.", "no-show": "Marked no-show.",
              "in-session": "Session started.", "completed": "Completed.", "booked": "Undone.",
              "cancelled": "Cancelled.",
              "late-cancelled": "Cancelled inside the notice period: recorded as a late "
                                "cancellation."}


def _actions(status: str) -> list[tuple[str, str, str]]:
    allowed = scheduling.TRANSITIONS[status]
    return [(s, UNDO_WORDS.get(status, label) if s == "booked" else label, style)
            for s, label, style in ACTIONS if s in allowed]


@bp.route("/appointments/<int:appointment_id>")
@requires("appointments.read")
def appointment(appointment_id: int) -> str:
    from ..services import patients

    session = db()
    who = actor()
    appt = scheduling.read(session, who, appointment_id)
    patient = patients.read(session, who, appt.patient_id)
    zone = clinic_timezone(session.get(Location, appt.location_id).timezone
                           if appt.location_id else _first_zone())
    allowed = scheduling.TRANSITIONS[appt.status]
    actions = _actions(appt.status)
    staff = practitioners.list_practitioners(session, who)
    rooms = session.get(Location, appt.location_id).rooms if appt.location_id else []
    case = case_service.summary(session, who, appt.case_id) if appt.case_id else None
    matches = waitlist.matches(session, who, appt) if appt.status in (
        "cancelled", "late-cancelled", "no-show") and who.can("waitlist.read") else []
    local = appt.start_at.astimezone(zone)
    return render_template(
        "calendar/appointment.html", appt=appt, patient=patient, actions=actions,
        can_cancel=bool({"cancelled", "late-cancelled"} & allowed), case=case,
        practitioner=session.get(Practitioner, appt.practitioner_id), staff=staff,
        rooms=rooms, movable=appt.status in scheduling.MOVABLE, matches=matches,
        local_date=local.date().isoformat(), local_time=local.strftime("%H:%M"),
        minutes=int((appt.end_at - appt.start_at).total_seconds() // 60),
        room=session.get(Room, appt.room_id) if appt.room_id else None,
        outside_rule=booking_rules.outside_hours_rule(session))


def _back(appt: Any) -> Response:
    target = request.form.get("back")
    if target == "day":
        zone = clinic_timezone(_first_zone())
        return redirect(url_for("calendar.day", date=appt.start_at.astimezone(zone).date()
                                .isoformat(), location=appt.location_id or ""))
    return redirect(url_for("calendar.appointment", appointment_id=appt.id))


def _changed(appt: Any) -> Response:
    """The answer to a status change: JSON for the calendar's in-place menu (the block
    redraws itself from it), else a message and the page the form came from."""
    words = DONE_WORDS.get(appt.status, "Updated.")
    if wants_json():
        return jsonify({"id": appt.id, "status": appt.status,
                        "label": STATUS_LABELS.get(appt.status, appt.status),
                        "message": words, "movable": appt.status in scheduling.MOVABLE})
    flash(words, "success")
    return _back(appt)


def _refused(appointment_id: int, exc: ServiceError) -> Response | tuple[Response, int]:
    from .context import rollback

    rollback()
    if exc.status == 404:
        abort(404)
    if wants_json():
        return jsonify({"error": exc.message, "field": exc.field}), exc.status
    flash(exc.message, "error")
    return redirect(url_for("calendar.appointment", appointment_id=appointment_id))


@bp.route("/appointments/<int:appointment_id>/status", methods=["POST"])
@requires("appointments.change")
def set_status(appointment_id: int) -> Response | tuple[Response, int]:
    status = request.form.get("status", "")
    try:
        appt = scheduling.set_status(db(), actor(), appointment_id, status)
    except ServiceError as exc:
        return _refused(appointment_id, exc)
    return _changed(appt)


@bp.route("/appointments/<int:appointment_id>/cancel", methods=["POST"])
@requires("appointments.cancel")
def cancel(appointment_id: int) -> Response | tuple[Response, int]:
    reason = (request.form.get("reason") or "").strip()
    try:
        appt = scheduling.cancel(db(), actor(), appointment_id, reason)
    except ServiceError as exc:
        return _refused(appointment_id, exc)
    return _changed(appt)


@bp.route("/appointments/<int:appointment_id>/reschedule", methods=["POST"])
@requires("appointments.change")
def reschedule(appointment_id: int) -> Response | tuple[Response, int]:
    session = db()
    appt_zone = clinic_timezone(_first_zone())
    try:
        if request.form.get("start_iso"):  # a dropped slot: its exact instant
            try:
                start = datetime.fromisoformat(request.form["start_iso"])
            except ValueError:
                raise FormError({"start": "Not a time."}) from None
        else:
            start = _local_start(request.form.get("date"), request.form.get("time"), appt_zone)
        data: dict[str, Any] = {"start": start}
        minutes = (request.form.get("minutes") or "").strip()
        if minutes:
            if not minutes.isdecimal() or not 5 <= int(minutes) <= 24 * 60:
                raise FormError({"minutes": "Give the length in minutes (5 or more)."})
            data["end"] = start + timedelta(minutes=int(minutes))
        for key in ("practitioner_id", "room_id"):
            if ident := parse_id(request.form.get(key)):
                data[key] = ident
        appt = scheduling.reschedule(session, actor(), appointment_id,
                                     parse(scheduling.RescheduleIn, data))
        # The clinic's outside-hours rule holds for a move as for a booking: refused, or
        # (the default) allowed once the front desk confirmed it (the drag's confirm).
        booking_rules.refuse_outside(session, appt.practitioner_id, appt.location_id,
                                     [(appt.start_at, appt.end_at)],
                                     confirmed=bool(request.form.get("outside_ok")))
    except (FormError, ServiceError) as exc:
        from .context import rollback

        rollback()
        if isinstance(exc, ServiceError) and exc.status == 404:
            abort(404)
        message = exc.message
        if wants_json():
            answer: dict[str, Any] = {"error": message}
            if isinstance(exc, ServiceError) and exc.details:
                answer.update(exc.details[0])  # {"outside_hours": "warn"}: ask, then resend
            return jsonify(answer), (exc.status if isinstance(exc, ServiceError) else 422)
        flash(message, "error")
        return redirect(url_for("calendar.appointment", appointment_id=appointment_id))
    if wants_json():
        return jsonify({"id": appt.id, "start": appt.start_at.isoformat()})
    flash("Moved.", "success")
    return _back(appt)


# The booking form and the waitlist live in their own module: importing it (last, as it
# imports bp) registers their routes on this blueprint.
from . import series  # noqa: E402, F401  (cancelling visits of a series, on this blueprint)
from .booking import _first_zone, _local_start  # noqa: E402
