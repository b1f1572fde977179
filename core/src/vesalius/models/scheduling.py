"""Services (appointment types), appointments, recurring series, and the waitlist."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base
from ..db.types import Money, UTCDateTime
from ._common import created_at, json_list, updated_at

if TYPE_CHECKING:
    from .patients import Patient

#: Statuses that hold the practitioner's and room's time (the overlap rules apply).
ACTIVE_STATUSES = ("booked", "confirmed", "arrived", "in-session", "completed")
#: Statuses that free the slot again.
FREED_STATUSES = ("cancelled", "late-cancelled", "no-show")
STATUSES = ACTIVE_STATUSES + FREED_STATUSES
#: The calendar fills a service's blocks with one of these named, light colours (dark text
#: on each keeps WCAG AA contrast; a named palette, not free hex, because the pages' CSP
#: allows no inline styles and each name is a class of calendar-grid.css).
SERVICE_COLOURS = ("blue", "teal", "green", "olive", "amber", "orange", "rose", "plum",
                   "violet", "slate")


class Service(Base):
    """An appointment type: "Physio follow-up, 45 min"."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    discipline: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    #: Time kept free after the visit (cleaning the room, writing up).
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: Codes usually billed for it (shown to the practitioner; the note's charge rule decides).
    default_codes: Mapped[list[str]] = json_list()
    price: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    #: Fee charged for a late cancellation or no-show of this service (0: none).
    late_cancel_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    online_bookable: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The note template a visit of this service opens with, per visit kind (first visit of
    #: a case / later visits); empty: the case's discipline decides (see
    #: :func:`vesalius.services.note_templates.default_template`).
    initial_template_id: Mapped[str | None] = mapped_column(String(128))
    follow_up_template_id: Mapped[str | None] = mapped_column(String(128))
    #: The calendar's fill for its blocks, one of :data:`SERVICE_COLOURS` (None: neutral).
    colour: Mapped[str | None] = mapped_column(String(16))


class AppointmentSeries(Base):
    """A recurrence rule whose occurrences are stored as appointments."""

    __tablename__ = "appointment_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    rrule: Mapped[str] = mapped_column(String(500))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Appointment(Base):
    """A booking for [start_at, end_at) in UTC. The database refuses overlaps (see the
    migrations: an exclusion constraint on PostgreSQL, triggers on SQLite)."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_practitioner_start", "practitioner_id", "start_at"),
        Index("ix_appointments_location_start", "location_id", "start_at"),
        Index("ix_appointments_room_start", "room_id", "start_at"),
        Index("ix_appointments_patient_start", "patient_id", "start_at"),
        Index("ix_appointments_case_start", "case_id", "start_at"),
        Index("ix_appointments_series", "series_id"),
        Index("ix_appointments_external_id", "external_id", unique=True),
        Index("ix_appointments_completed", "status", "start_at",
              postgresql_where=text("status = 'completed'"),
              sqlite_where=text("status = 'completed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_series.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="booked")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    #: Front-desk remark shown on the calendar; never clinical content.
    booking_note: Mapped[str | None] = mapped_column(String(500))
    #: The appointment's id in the system the clinic imported it from (unique when set).
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    series: Mapped[AppointmentSeries | None] = relationship()
    service: Mapped[Service | None] = relationship()


class WaitlistEntry(Base):
    """A patient waiting for an earlier or a first slot."""

    __tablename__ = "waitlist"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    earliest: Mapped[date | None] = mapped_column(Date)
    latest: Mapped[date | None] = mapped_column(Date)
    #: ISO weekdays the patient can come (0 = Monday); empty means any day.
    weekdays: Mapped[list[int]] = json_list()
    #: Part of day: "any", "morning" (before 12:00), "afternoon", "evening" (after 17:00).
    part_of_day: Mapped[str] = mapped_column(String(10), default="any")
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="waiting")  # waiting/booked/removed
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    created_at: Mapped[datetime] = created_at()

    #: Loaded with the entries (one query for a list): pages name who is waiting.
    patient: Mapped[Patient] = relationship(lazy="selectin", viewonly=True)


#: What a booking outside the practitioner's working hours does: "warn" asks the front desk
#: to confirm it, "refuse" stops it.
OUTSIDE_HOURS_RULES = ("warn", "refuse")


class BookingRules(Base):
    """The clinic's booking rules: one row (id 1), absent until the owner first sets them."""

    __tablename__ = "booking_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    outside_hours: Mapped[str] = mapped_column(String(10), default="warn")
    updated_at: Mapped[datetime] = updated_at()
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
