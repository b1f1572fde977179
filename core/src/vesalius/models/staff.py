"""Users, practitioners, locations, rooms, working hours and time off."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import created_at, json_list

ROLES = ("owner", "front-desk", "practitioner", "billing", "patient")


class User(Base):
    """A person who signs in. Every human has their own account (HIPAA unique user id)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: For role "patient": the one patient whose records this user may see.
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    created_at: Mapped[datetime] = created_at()
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    practitioner: Mapped[Practitioner | None] = relationship(back_populates="user",
                                                            uselist=False)


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: IANA zone the clinic's hours and calendars are shown in.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: Billing facility identifiers (837P loop 2310C).
    npi: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    rooms: Mapped[list[Room]] = relationship(back_populates="location", order_by="Room.name")


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("location_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    location: Mapped[Location] = relationship(back_populates="rooms")


class Practitioner(Base):
    """A user who treats patients, with disciplines and the numbers billing needs."""

    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: Discipline ids (``physio``, ``chiro``) as registered by packs.
    disciplines: Mapped[list[str]] = json_list()
    licence_number: Mapped[str | None] = mapped_column(String(50))
    #: The payer-facing provider number (e.g. a Medicare provider number, a state id).
    provider_number: Mapped[str | None] = mapped_column(String(50))
    npi: Mapped[str | None] = mapped_column(String(10))
    taxonomy_code: Mapped[str | None] = mapped_column(String(10))
    default_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    colour: Mapped[str] = mapped_column(String(7), default="#4a7bd0")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at()

    user: Mapped[User | None] = relationship(back_populates="practitioner")


class WorkingHours(Base):
    """A weekly block of work (or a break inside it) at one location, in local time."""

    __tablename__ = "working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    #: ISO weekday 0 = Monday ... 6 = Sunday.
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    #: "work" opens time, "break" closes it again (lunch, admin).
    kind: Mapped[str] = mapped_column(String(10), default="work")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class TimeOff(Base):
    """Leave, courses, public holidays: no bookings offered in [start, end)."""

    __tablename__ = "time_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(200), default="")
