"""Availability: the next free slots for a service across practitioners.

A slot is free when the visit fits inside the practitioner's working hours at a location,
outside their breaks and time off, and neither it (with its service's buffer after it) nor
any existing booking (with that booking's buffer) overlaps. Existing bookings are read a
week at a time, stopping as soon as enough slots are found: a bounded number of indexed
queries, whatever the size of the calendar.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..models import Appointment, Location, Practitioner, Service, TimeOff, WorkingHours
from ..models.scheduling import ACTIVE_STATUSES
from . import audit
from .actor import Actor
from .common import aware, clinic_timezone
from .scheduling import MAX_LENGTH

CHUNK = timedelta(days=7)
MAX_WINDOW = timedelta(days=92)


@dataclass(frozen=True)
class FreeSlot:
    start: datetime
    end: datetime
    practitioner_id: int
    practitioner_name: str
    location_id: int
    service_id: int


Interval = tuple[datetime, datetime]


def _subtract(spans: list[Interval], cuts: list[Interval]) -> list[Interval]:
    """``spans`` minus ``cuts`` (both lists of half-open intervals)."""
    for cut_start, cut_end in cuts:
        out: list[Interval] = []
        for start, end in spans:
            if cut_end <= start or cut_start >= end:
                out.append((start, end))
                continue
            if start < cut_start:
                out.append((start, cut_start))
            if cut_end < end:
                out.append((cut_end, end))
        spans = out
    return spans


def _free(busy: list[Interval], starts: list[datetime], start: datetime,
          end: datetime) -> bool:
    """No busy interval (sorted by start, none longer than MAX_LENGTH + buffer) meets
    [start, end)."""
    i = bisect.bisect_left(starts, end)
    for j in range(i - 1, -1, -1):
        b_start, b_end = busy[j]
        if b_end > start:
            return False
        if b_start < start - MAX_LENGTH - timedelta(hours=5):
            break
    return True


def find_slots(session: Session, actor: Actor, service: Service, start: datetime,
               end: datetime, *, limit: int = 10, practitioner_ids: list[int] | None = None,
               location_id: int | None = None, step_minutes: int = 15) -> list[FreeSlot]:
    """The first ``limit`` free slots for ``service`` in [start, end), earliest first."""
    actor.require("availability.read")
    start, end = aware(start, "from"), aware(end, "to")
    if end <= start:
        raise Invalid("'to' must be after 'from'", field="to")
    if end - start > MAX_WINDOW:
        raise Invalid("search at most 92 days at a time", field="to")
    limit = max(1, min(limit, 100))
    duration = timedelta(minutes=service.duration_minutes)
    need = duration + timedelta(minutes=service.buffer_minutes)

    query = select(Practitioner).where(Practitioner.active.is_(True))
    if practitioner_ids:
        query = query.where(Practitioner.id.in_(practitioner_ids))
    practitioners = {
        p.id: p for p in session.scalars(query)
        if service.discipline in p.disciplines or service.discipline == "general"
    }
    if not practitioners:
        return []
    hours_query = select(WorkingHours).where(WorkingHours.practitioner_id.in_(practitioners))
    if location_id is not None:
        hours_query = hours_query.where(WorkingHours.location_id == location_id)
    hours: dict[tuple[int, int], list[WorkingHours]] = defaultdict(list)
    location_ids: set[int] = set()
    for block in session.scalars(hours_query):
        hours[(block.practitioner_id, block.weekday)].append(block)
        location_ids.add(block.location_id)
    if not hours:
        return []
    zones = {
        lid: clinic_timezone(tz) for lid, tz in session.execute(
            select(Location.id, Location.timezone).where(Location.id.in_(location_ids)))
    }
    time_off: dict[int, list[Interval]] = defaultdict(list)
    for row in session.scalars(select(TimeOff).where(
            TimeOff.practitioner_id.in_(practitioners), TimeOff.start_at < end,
            TimeOff.end_at > start)):
        time_off[row.practitioner_id].append((row.start_at, row.end_at))

    found: list[FreeSlot] = []
    chunk_start = start
    while chunk_start < end and len(found) < limit:
        chunk_end = min(chunk_start + CHUNK, end)
        busy = _busy(session, list(practitioners), chunk_start, chunk_end + need)
        candidates: list[FreeSlot] = []
        for pid, practitioner in practitioners.items():
            p_busy = busy.get(pid, [])
            p_starts = [b[0] for b in p_busy]
            for day, zone, blocks in _days(hours, zones, pid, chunk_start, chunk_end):
                opened = [(_at(day, b.start_time, zone), _at(day, b.end_time, zone), b)
                          for b in blocks if b.kind == "work"]
                breaks = [(_at(day, b.start_time, zone), _at(day, b.end_time, zone))
                          for b in blocks if b.kind == "break"]
                for open_start, open_end, block in opened:
                    spans = _subtract([(open_start, open_end)], breaks + time_off.get(pid, []))
                    for span_start, span_end in spans:
                        t = span_start
                        while t + duration <= span_end:
                            if chunk_start <= t < chunk_end and t >= start and _free(
                                    p_busy, p_starts, t, t + need):
                                candidates.append(FreeSlot(
                                    t, t + duration, pid, practitioner.display_name,
                                    block.location_id, service.id))
                            t += timedelta(minutes=step_minutes)
        candidates.sort(key=lambda s: (s.start, s.practitioner_name, s.practitioner_id))
        found.extend(candidates[: limit - len(found)])
        chunk_start = chunk_end
    audit.record(session, actor, "search", "availability", service.id,
                 detail=f"{len(found)} slots")
    return found


def _busy(session: Session, practitioner_ids: list[int], start: datetime,
          end: datetime) -> dict[int, list[Interval]]:
    """Booked time per practitioner in [start, end), each booking extended by its
    service's buffer; sorted by start. One indexed query."""
    rows = session.execute(
        select(Appointment.practitioner_id, Appointment.start_at, Appointment.end_at,
               Service.buffer_minutes)
        .outerjoin(Service, Service.id == Appointment.service_id)
        .where(Appointment.practitioner_id.in_(practitioner_ids),
               Appointment.start_at < end,
               Appointment.start_at >= start - MAX_LENGTH - timedelta(hours=5),
               Appointment.status.in_(ACTIVE_STATUSES))
        .order_by(Appointment.practitioner_id, Appointment.start_at)
    )
    busy: dict[int, list[Interval]] = defaultdict(list)
    for pid, b_start, b_end, buffer in rows:
        busy[pid].append((b_start, b_end + timedelta(minutes=buffer or 0)))
    return busy


def _at(day: date, clock: time, zone) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, clock, zone).astimezone(UTC)


def _days(hours: dict[tuple[int, int], list[WorkingHours]], zones: dict, pid: int,
          start: datetime, end: datetime):  # type: ignore[no-untyped-def,type-arg]
    """(local day, zone, blocks in force that day) for each day touching [start, end)."""
    by_location: dict[int, list[WorkingHours]] = defaultdict(list)
    for weekday in range(7):
        for block in hours.get((pid, weekday), []):
            by_location[block.location_id].append(block)
    for location_id, blocks in by_location.items():
        zone = zones.get(location_id, UTC)
        day = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        while day <= last:
            todays = [b for b in blocks if b.weekday == day.weekday()
                      and (b.valid_from is None or b.valid_from <= day)
                      and (b.valid_to is None or day <= b.valid_to)]
            if todays:
                yield day, zone, todays
            day += timedelta(days=1)
