"""The clinic's booking rules: bookings outside a practitioner's working hours.

Working hours are weekly blocks in the location's wall-clock time ("work", minus "break"),
and time off is absence. A booking outside them is either allowed after the front desk
confirms it ("warn", the default) or refused ("refuse"); the owner chooses. A practitioner
with no working hours set at the location is not judged (nothing says when they work).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..models import Practitioner, TimeOff, WorkingHours
from ..models.scheduling import OUTSIDE_HOURS_RULES, BookingRules
from . import audit, cache
from .actor import Actor
from .common import aware
from .scheduling import location_zone

Span = tuple[time, time]


def outside_hours_rule(session: Session) -> str:
    """``"warn"`` or ``"refuse"``: what a booking outside working hours does (each worker's
    cached copy while the rules are unchanged: every booking over the API asks)."""
    def load() -> str:
        rule = session.scalar(select(BookingRules.outside_hours).where(BookingRules.id == 1))
        return rule if rule in OUTSIDE_HOURS_RULES else "warn"

    return cache.cached(session, "booking_rules.outside_hours", ("booking_rules",), load)


def set_outside_hours_rule(session: Session, actor: Actor, rule: str) -> BookingRules:
    """The owner's choice for bookings outside working hours (audited)."""
    actor.require("settings.write")
    if rule not in OUTSIDE_HOURS_RULES:
        raise Invalid(f"choose one of {', '.join(OUTSIDE_HOURS_RULES)}",
                      field="outside_hours")
    row = session.get(BookingRules, 1)
    if row is None:
        row = BookingRules(id=1, outside_hours=rule, updated_by=actor.user_id)
        session.add(row)
    else:
        row.outside_hours, row.updated_by = rule, actor.user_id
    session.flush()
    audit.record(session, actor, "update", "booking-rules", 1, detail=f"outside_hours {rule}")
    return row


def open_spans(hours: Iterable[WorkingHours], day: date) -> list[Span]:
    """Working time on ``day``: the day's "work" blocks minus its "break" blocks, sorted."""
    valid = [h for h in hours if h.weekday == day.weekday()
             and (h.valid_from is None or h.valid_from <= day)
             and (h.valid_to is None or day <= h.valid_to)]
    spans = sorted((h.start_time, h.end_time) for h in valid if h.kind == "work")
    for brk in (h for h in valid if h.kind == "break"):
        cut: list[Span] = []
        for start, end in spans:
            if brk.end_time <= start or brk.start_time >= end:
                cut.append((start, end))
                continue
            if start < brk.start_time:
                cut.append((start, brk.start_time))
            if brk.end_time < end:
                cut.append((brk.end_time, end))
        spans = cut
    return spans


def _inside(spans: Sequence[Span], start: datetime, end: datetime) -> bool:
    """Whether local ``start``-``end`` lies within one span of its day."""
    if end.date() != start.date() and end.time() != time(0):
        return False
    finish = time.max if end.date() != start.date() else end.time()
    return any(a <= start.time() and finish <= b for a, b in spans)


def _describe(spans: Sequence[Span]) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in spans) or "not working that day"


def outside_hours(session: Session, practitioner_id: int, location_id: int | None,
                  slots: Sequence[tuple[datetime, datetime]]) -> list[str | None]:
    """For each (start, end), None when it lies in the practitioner's working time at the
    location, else the words saying why not, in the location's local time. Three queries
    whatever the number of slots."""
    if not slots:
        return []
    zone = location_zone(session, location_id)
    query = select(WorkingHours).where(WorkingHours.practitioner_id == practitioner_id)
    if location_id is not None:
        query = query.where(WorkingHours.location_id == location_id)
    hours = list(session.scalars(query))
    first = min(aware(s, "start") for s, _ in slots)
    last = max(aware(e, "end") for _, e in slots)
    away = list(session.execute(
        select(TimeOff.start_at, TimeOff.end_at, TimeOff.reason)
        .where(TimeOff.practitioner_id == practitioner_id, TimeOff.start_at < last,
               TimeOff.end_at > first)))
    if not hours and not away:
        return [None] * len(slots)
    name = session.scalar(select(Practitioner.display_name)
                          .where(Practitioner.id == practitioner_id)) or "The practitioner"
    found: list[str | None] = []
    for start, end in slots:
        start, end = aware(start, "start"), aware(end, "end")
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        when = f"{local_start:%a %d %b} {local_start:%H:%M}-{local_end:%H:%M}"
        off = next((r for r in away if r.start_at < end and r.end_at > start), None)
        if off is not None:
            why = f" ({off.reason})" if off.reason else ""
            found.append(f"{name} is away{why} at {when}.")
            continue
        spans = open_spans(hours, local_start.date())
        if hours and not _inside(spans, local_start, local_end):
            found.append(f"{when} is outside {name}'s working hours "
                         f"({_describe(spans)}).")
            continue
        found.append(None)
    return found


def refuse_outside(session: Session, practitioner_id: int, location_id: int | None,
                   slots: Sequence[tuple[datetime, datetime]],
                   confirmed: bool = False) -> list[str | None]:
    """Apply the clinic's rule to ``slots`` (see :func:`judge`); the per-slot words (None
    for a slot within hours) when the booking may go ahead."""
    return judge(session, outside_hours(session, practitioner_id, location_id, slots),
                 confirmed)


def judge(session: Session, words: list[str | None], confirmed: bool = False
          ) -> list[str | None]:
    """The clinic's rule on :func:`outside_hours` words: under "refuse" any slot outside
    working hours is an :class:`Invalid` on ``start``; under "warn" it is too unless
    ``confirmed``. ``details`` says which rule spoke (``[{"outside_hours": "warn"}]``)."""
    outside = [w for w in words if w]
    if not outside:
        return words
    rule = outside_hours_rule(session)
    if rule == "refuse" or not confirmed:
        more = f" (and {len(outside) - 1} more)" if len(outside) > 1 else ""
        ending = ("The clinic does not book outside working hours." if rule == "refuse"
                  else "Confirm to book it anyway.")
        raise Invalid(f"{outside[0]}{more} {ending}", field="start",
                      details=[{"outside_hours": rule}])
    return words
