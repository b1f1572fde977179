"""The calendar's grid drawn as HTML: where each booking sits on a day's 5-minute rows, and
each column's header and body with its bookings' blocks.

Drawn in Python once per page rather than cell by cell in Jinja (a busy day has hundreds of
blocks on tens of columns): every text is escaped, numbers are formatted, and the texts many
blocks share (statuses, services, rooms, practitioners, times) are escaped once. The grid's
frame, its time column, legend and status menu stay in ``macros/grid.html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from urllib.parse import quote_plus

from markupsafe import Markup, escape

from ..services import scheduling
from .filters import STATUS_LABELS, fixed_url

ROW_MINUTES = 5
#: Drawn too, struck through (the front desk sees who did not come); a toggle hides them.
FREED = ("cancelled", "late-cancelled", "no-show")


class Placed(NamedTuple):
    """Where a booking sits on a column of the grid, worked out once per start and end
    (bookings at the same times share it)."""

    #: First 5-minute row and rows covered (at least 2, clipped to the grid).
    row: int
    span: int
    #: The local start ("09:15") and the length in minutes, as the block says them.
    time: str
    minutes: int


@dataclass
class Column:
    key: str
    title: str
    subtitle: str = ""
    practitioner_id: int | None = None
    room_id: int | None = None
    day: date | None = None
    #: The column's bookings and where they sit, in time order.
    blocks: list[tuple[scheduling.CalendarEntry, Placed]] = field(default_factory=list)
    #: Working time as (first row, rows) runs of the grid, drawn open.
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: The instant of the grid's first row on this column's day (UTC, ISO 8601).
    grid_start: str = ""
    #: The booking form for this column at the grid's first row (the header's "+").
    book_href: str = ""
    #: What the column's hatched time is, in words (a drop there is warned about).
    closed_words: str = ""
    #: The column's header and its body (open runs, time line, blocks), drawn by :func:`draw`.
    head_html: Markup = field(default_factory=Markup)
    body_html: Markup = field(default_factory=Markup)


class Frame:
    """A day's grid bounds, worked out once for all of that day's columns and blocks: the
    first and last instants (local, and in UTC, the zone of the bookings, so that comparing
    and subtracting them needs no zone conversion per block)."""

    def __init__(self, day: date, zone: tzinfo, first: int, last: int) -> None:
        self.zone = zone
        self.first = first
        self.start = datetime.combine(day, time(first), zone)
        self.end = self.start + timedelta(hours=last - first)  # wall-clock hours
        self.start_utc = self.start.astimezone(UTC)
        self.end_utc = self.end.astimezone(UTC)
        self.rows = (last - first) * 12
        #: The grid's first instant (UTC, ISO 8601): where a click's time is counted from.
        self.grid_start = self.start_utc.isoformat()
        self._placed: dict[tuple[datetime, datetime], Placed | None] = {}

    def place(self, entry: scheduling.CalendarEntry) -> Placed | None:
        """Where ``entry`` sits on this day's grid (None: outside the hours shown)."""
        key = (entry.start, entry.end)
        if key not in self._placed:
            self._placed[key] = self._place(entry.start, entry.end)
        return self._placed[key]

    def _place(self, entry_start: datetime, entry_end: datetime) -> Placed | None:
        clipped_start, clipped_end = entry_start < self.start_utc, entry_end > self.end_utc
        start = self.start_utc if clipped_start else entry_start
        end = self.end_utc if clipped_end else entry_end
        if end <= start:
            return None
        row = int((start - self.start_utc).total_seconds() // 60 // ROW_MINUTES) + 1
        # Clipped at both ends: the grid's own length in wall-clock time (a DST day).
        length = (self.end - self.start if clipped_start and clipped_end else end - start)
        span = max(2, int(-(-length.total_seconds() // 60 // ROW_MINUTES)))
        return Placed(row, min(span, self.rows - row + 1),
                      entry_start.astimezone(self.zone).strftime("%H:%M"),
                      int((entry_end - entry_start).total_seconds() // 60))

    def column(self, col: Column, spans: list[tuple[time, time]]) -> Column:
        """Set a column's open runs (working time in 5-minute rows) and its first instant."""
        top, bottom = self.first * 60, self.first * 60 + self.rows * ROW_MINUTES
        for start, end in sorted(spans):
            a = max(top, start.hour * 60 + start.minute)
            b = min(bottom, end.hour * 60 + end.minute)
            if b > a:
                col.spans.append(((a - top) // ROW_MINUTES + 1, (b - a) // ROW_MINUTES))
        col.grid_start = self.grid_start
        col.closed_words = (f"outside {col.title}'s working hours (a break, or not working)"
                            if col.practitioner_id else "outside the clinic's working hours")
        return col


def set_aside(blocks: list[tuple[scheduling.CalendarEntry, Placed]]) -> set[int]:
    """The cancelled or no-show blocks (by position) whose time was booked again: drawn
    aside (narrow, at the column's right), so that the new booking stays readable and
    clickable."""
    active = [(p.row, p.row + p.span) for e, p in blocks if e.status not in FREED]
    return {n for n, (e, p) in enumerate(blocks) if e.status in FREED
            and any(a < p.row + p.span and p.row < b for a, b in active)}


#: Per status: its class and data-status text, its words, whether the block can be dragged,
#: and the class the calendar adds to a freed slot.
_STATUS_DRAW = {
    status: (str(escape(status)), str(escape(STATUS_LABELS.get(status, status))),
             "true" if status in scheduling.MOVABLE else "false",
             " freed" if status in FREED else "")
    for status in scheduling.TRANSITIONS}
#: The characters urlencode (as url_for writes a query) leaves as they are.
_QUERY_SAFE = "!$'()*,/:;?@"


class _Texts:
    """Escaped texts of one page, each escaped once, and the page's fixed links."""

    def __init__(self) -> None:
        self.escaped: dict[str, str] = {}
        self.quoted: dict[str, str] = {}
        self.appointment = self(fixed_url("calendar.appointment", appointment_id=0)
                                .removesuffix("0"))
        self.book = fixed_url("calendar.book")

    def __call__(self, text: str) -> str:
        found = self.escaped.get(text)
        if found is None:
            found = self.escaped[text] = str(escape(text))
        return found

    def query(self, value: str) -> str:
        """``value`` in a query string as url_for writes it (werkzeug's encoding)."""
        found = self.quoted.get(value)
        if found is None:
            found = self.quoted[value] = quote_plus(value, safe=_QUERY_SAFE)
        return found


def draw(columns: list[Column], *, by_room: bool = False, week: bool = False,
         now_row: int | None = None) -> None:
    """Each column's header and body as escaped HTML, as the grid's template placed them
    (``head_html``, ``body_html``; the same bytes as the loops they replace)."""
    esc = _Texts()
    now = f'<div class="cal-now r{now_row}" aria-hidden="true"></div>' if now_row else ""
    for col in columns:
        col.book_href = (f"{esc.book}?practitioner={col.practitioner_id or ''}"
                         f"&room={col.room_id or ''}&start={esc.query(col.grid_start)}")
        title = esc(col.title)
        subtitle = f"<small>{esc(col.subtitle)}</small>" if col.subtitle else ""
        # The "+" says which column it books: the day (week), or the subtitle of a
        # practitioner's or a roomless column.
        if week:
            which = f" on {col.day}"
        elif col.subtitle and col.practitioner_id is not None and not col.room_id:
            which = f" · {esc(col.subtitle)}"
        else:
            which = ""
        col.head_html = Markup(
            f'\n  <div class="cal-head{" week-day" if week else ""}">{title}{subtitle}\n'
            f'    <a class="cal-add" href="{esc(col.book_href)}" aria-label="Book {title}'
            f'{which}">+</a></div>\n  ')
        runs = ",".join(f"{row}:{span}" for row, span in col.spans)
        opened = "".join(f'<div class="cal-open r{row} s{span}"></div>'
                         for row, span in col.spans)
        col.body_html = Markup(
            f'\n  <div class="cal-col" data-practitioner="{col.practitioner_id or ""}" '
            f'data-room="{col.room_id or ""}" data-start="{esc(col.grid_start)}" '
            f'data-title="{title}"\n       data-open="{runs}" '
            f'data-closed="{esc(col.closed_words)}">\n    {opened}\n    {now}\n    '
            f'{_blocks(col.blocks, esc, by_room)}\n  </div>\n  ')


def _blocks(blocks: list[tuple[scheduling.CalendarEntry, Placed]], esc: _Texts,
            by_room: bool) -> str:
    """A column's blocks: each booking a link to it, with its status in words."""
    aside = set_aside(blocks) if blocks else set()
    html = []
    known = esc.escaped.get  # most texts were escaped already: look them up first

    def text(value: str) -> str:
        return known(value) or esc(value)

    for n, (e, placed) in enumerate(blocks):
        drawn = _STATUS_DRAW.get(e.status)
        if drawn is None:  # a status the state machine does not know: drawn as it is
            drawn = (text(e.status), esc(STATUS_LABELS.get(e.status, e.status)), "false", "")
        status, state, movable, freed = drawn
        after = f" · {text(e.service_name)}" if e.service_name else ""
        if by_room:
            after += f" · {text(e.practitioner_name)}"
        elif e.room_name:
            after += f" · {text(e.room_name)}"
        # The patient booked it themselves: said next to the time (short blocks clip).
        via = ' · <span class="via">online</span>' if e.booked_via != "staff" else ""
        classes = f"appt {status} r{placed.row} s{placed.span}"
        if e.service_colour:
            classes += f" svc-{text(e.service_colour)}"
        if freed:
            classes += " freed aside" if n in aside else freed
        # The front-desk alert: an icon with its words (visible on hover, and read out).
        if e.patient_alert:
            said = text(e.patient_alert)
            alert = (f'<span class="appt-alert" title="{said}"><span aria-hidden="true">⚑'
                     f'</span><span class="visually-hidden">Alert: {said}.</span></span>')
        else:
            alert = ""
        name, at = text(e.patient_name), text(placed.time)
        # The status in words, not only as the stripe's colour (WCAG 1.4.1): it is part of
        # the link's text, so of its accessible name too.
        html.append(
            f'\n    <a class="{classes}" href="{esc.appointment}{e.id}" draggable="{movable}" '
            f'data-appointment="{e.id}" data-status="{status}" '
            f'data-minutes="{placed.minutes}" data-name="{name}" data-time="{at}">'
            f'<strong>{alert}{name}</strong> {at}{via} · <span class="st">{state}</span>'
            f'{after}</a>\n    ')
    return "".join(html)
