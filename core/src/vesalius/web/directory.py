"""The clinic's directory as the pages read it: locations and their rooms, the staff who work
at a location and their hours, and the clinic's time zone, kept by each worker in memory
(:mod:`vesalius.services.cache`: the database's version counters say when to read again).

What is returned is plain immutable data, shared by the requests of a worker; the actor's
permission is checked on every call, before the cache is asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Location, Practitioner, Room
from ..services import cache, practitioners
from ..services.actor import Actor
from ..services.common import clinic_timezone
from . import lookups


@dataclass(frozen=True)
class RoomEntry:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class LocationEntry:
    """An active location, with its rooms (by name)."""

    id: int
    name: str
    timezone: str
    rooms: tuple[RoomEntry, ...]


@dataclass(frozen=True)
class StaffEntry:
    """An active practitioner, as the calendar and the booking form show them."""

    id: int
    display_name: str
    disciplines: tuple[str, ...]
    colour: str
    default_location_id: int | None
    user_id: int | None


def locations_of(session: Session, actor: Actor) -> list[LocationEntry]:
    """The active locations by name, with their rooms (what ``list_locations`` lists)."""
    actor.require("practitioners.read")

    def load() -> tuple[LocationEntry, ...]:
        found = practitioners.list_locations(session, actor)
        rooms: dict[int, list[RoomEntry]] = {loc.id: [] for loc in found}
        if found:
            for location_id, room_id, name, active in session.execute(
                    select(Room.location_id, Room.id, Room.name, Room.active)
                    .where(Room.location_id.in_(list(rooms))).order_by(Room.name)):
                rooms[location_id].append(RoomEntry(room_id, name, active))
        return tuple(LocationEntry(loc.id, loc.name, loc.timezone, tuple(rooms[loc.id]))
                     for loc in found)

    return list(cache.cached(session, "web.locations", ("locations", "rooms"), load))


def staff_at(session: Session, actor: Actor, location_id: int | None,
             weekdays: Iterable[int]) -> tuple[list[StaffEntry], list[lookups.Hours]]:
    """:func:`.lookups.staff_at` from memory: the staff of a location (by name) and their
    hours there on ``weekdays``."""
    actor.require("practitioners.read")
    days = tuple(sorted(set(weekdays)))

    def load() -> tuple[tuple[StaffEntry, ...], tuple[lookups.Hours, ...]]:
        staff, hours = lookups.staff_at(session, actor, location_id, days)
        return tuple(_entry(p) for p in staff), tuple(hours)

    staff, hours = cache.cached(session, ("web.staff-at", location_id, days),
                                ("practitioners", "working_hours"), load)
    return list(staff), list(hours)


def clinic_tz(session: Session) -> tzinfo:
    """The clinic's time zone: the first active location's, else ``VESALIUS_TIMEZONE``."""
    name = cache.cached(session, "web.clinic-tz", ("locations",), lambda: session.scalar(
        select(Location.timezone).where(Location.active.is_(True))
        .order_by(Location.id).limit(1)))
    return clinic_timezone(name)


def _entry(p: Practitioner) -> StaffEntry:
    return StaffEntry(p.id, p.display_name, tuple(p.disciplines or ()), p.colour,
                      p.default_location_id, p.user_id)
