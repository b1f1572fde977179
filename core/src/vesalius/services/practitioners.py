"""Practitioners, locations and rooms, working hours and breaks, time off."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..models import Location, Practitioner, Room, TimeOff, WorkingHours
from ..plugins import get_registry
from . import audit
from .actor import Actor
from .common import Input, aware, changes, check_timezone, get


def check_disciplines(disciplines: list[str]) -> list[str]:
    """Discipline ids must be registered by an enabled pack."""
    known = get_registry().disciplines
    for discipline in disciplines:
        if discipline not in known:
            raise Invalid(f"unknown discipline {discipline!r}: installed are "
                          f"{', '.join(sorted(known))}", field="disciplines")
    return list(dict.fromkeys(disciplines))


class PractitionerUpdate(Input):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    disciplines: list[str] | None = None
    licence_number: str | None = Field(default=None, max_length=50)
    provider_number: str | None = Field(default=None, max_length=50)
    npi: str | None = Field(default=None, pattern=r"^\d{10}$")
    taxonomy_code: str | None = Field(default=None, max_length=10)
    default_location_id: int | None = None
    colour: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    active: bool | None = None


class LocationIn(Input):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = "UTC"
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=40)
    npi: str | None = Field(default=None, pattern=r"^\d{10}$")
    rooms: list[str] = Field(default_factory=list)


class HoursIn(Input):
    location_id: int
    weekday: int = Field(ge=0, le=6)
    start_time: time
    end_time: time
    kind: str = Field(default="work", pattern="^(work|break)$")
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _order(self) -> HoursIn:
        if self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        return self


class TimeOffIn(Input):
    start_at: datetime
    end_at: datetime
    reason: str = Field(default="", max_length=200)


def list_practitioners(session: Session, actor: Actor, *, discipline: str | None = None,
                       include_inactive: bool = False) -> list[Practitioner]:
    actor.require("practitioners.read")
    query = select(Practitioner).order_by(Practitioner.display_name)
    if not include_inactive:
        query = query.where(Practitioner.active.is_(True))
    found = list(session.scalars(query))
    if discipline:
        found = [p for p in found if discipline in p.disciplines]
    return found


def read_practitioner(session: Session, actor: Actor, practitioner_id: int) -> Practitioner:
    actor.require("practitioners.read")
    return get(session, Practitioner, practitioner_id, "practitioner")


def update_practitioner(session: Session, actor: Actor, practitioner_id: int,
                        data: PractitionerUpdate) -> Practitioner:
    actor.require("settings.write")
    practitioner = get(session, Practitioner, practitioner_id, "practitioner")
    values = data.model_dump(exclude_unset=True)
    if "disciplines" in values:
        values["disciplines"] = check_disciplines(values["disciplines"] or [])
    if values.get("default_location_id") is not None:
        get(session, Location, values["default_location_id"], "location",
            field="default_location_id")
    changed = changes(practitioner, values)
    if changed:
        audit.record(session, actor, "update", "practitioner", practitioner.id,
                     detail="fields: " + ", ".join(sorted(changed)))
    return practitioner


def create_location(session: Session, actor: Actor, data: LocationIn) -> Location:
    actor.require("settings.write")
    check_timezone(data.timezone)
    location = Location(**data.model_dump(exclude={"rooms"}))
    location.rooms = [Room(name=name) for name in dict.fromkeys(data.rooms)]
    session.add(location)
    session.flush()
    audit.record(session, actor, "create", "location", location.id)
    return location


def list_locations(session: Session, actor: Actor) -> list[Location]:
    actor.require("practitioners.read")
    return list(session.scalars(select(Location).where(Location.active.is_(True))
                                .order_by(Location.name)))


def add_room(session: Session, actor: Actor, location_id: int, name: str) -> Room:
    actor.require("settings.write")
    get(session, Location, location_id, "location")
    room = Room(location_id=location_id, name=name)
    session.add(room)
    session.flush()
    audit.record(session, actor, "create", "room", room.id)
    return room


def set_hours(session: Session, actor: Actor, practitioner_id: int,
              hours: list[HoursIn]) -> list[WorkingHours]:
    """Replace the practitioner's weekly working hours and breaks."""
    actor.require("settings.write")
    get(session, Practitioner, practitioner_id, "practitioner")
    for i, block in enumerate(hours):
        get(session, Location, block.location_id, "location", field=f"hours[{i}].location_id")
    for old in session.scalars(select(WorkingHours)
                               .where(WorkingHours.practitioner_id == practitioner_id)):
        session.delete(old)
    rows = [WorkingHours(practitioner_id=practitioner_id, **h.model_dump()) for h in hours]
    session.add_all(rows)
    session.flush()
    audit.record(session, actor, "update", "working-hours", practitioner_id,
                 detail=f"{len(rows)} blocks")
    return rows


def hours_of(session: Session, practitioner_ids: list[int]) -> list[WorkingHours]:
    if not practitioner_ids:
        return []
    return list(session.scalars(select(WorkingHours)
                                .where(WorkingHours.practitioner_id.in_(practitioner_ids))))


def add_time_off(session: Session, actor: Actor, practitioner_id: int,
                 data: TimeOffIn) -> TimeOff:
    actor.require("appointments.change")
    get(session, Practitioner, practitioner_id, "practitioner")
    start, end = aware(data.start_at, "start_at"), aware(data.end_at, "end_at")
    if end <= start:
        raise Invalid("time off must end after it starts", field="end_at")
    row = TimeOff(practitioner_id=practitioner_id, start_at=start, end_at=end,
                  reason=data.reason)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "time-off", row.id)
    return row
