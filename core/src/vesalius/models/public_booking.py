"""Tables of booking from outside the clinic: a new patient's request waiting for their
e-mail to be verified, a freed slot offered to a waiting patient, and the counter that
limits how often one address asks the public booking pages for slots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import created_at

#: How an appointment was made: at the front desk (or by staff anywhere), from the public
#: booking page, or from the patient's portal.
BOOKED_VIA = ("staff", "online", "portal")
#: pending (e-mail not yet verified) -> booked | taken (the slot went meanwhile).
REQUEST_STATUSES = ("pending", "booked", "taken")
#: offered -> accepted (this patient got the slot) | gone (someone else did, or it was
#: rebooked) | expired (never answered in time).
OFFER_STATUSES = ("offered", "accepted", "gone", "expired")


class OnlineBookingRequest(Base):
    """A visitor's booking, held as a request until they follow the link sent to their
    e-mail: nothing is booked before (no hold on the calendar). Unverified requests are
    deleted a day after their link expires (they name someone who may not be a patient)."""

    __tablename__ = "online_booking_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'booked', 'taken')", name="status"),
        Index("ix_online_booking_requests_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    #: The practitioner of the chosen time ("anyone" was resolved to one when choosing).
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = created_at()
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set on verification: the patient found or created, and their appointment.
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))


class WaitlistOffer(Base):
    """A freed slot offered to one waiting patient (one offer per entry per slot). The link
    in the message carries the offer's id and a random secret whose SHA-256 is kept here;
    the row decides whether it still holds (status, expiry)."""

    __tablename__ = "waitlist_offers"
    __table_args__ = (
        CheckConstraint("status IN ('offered', 'accepted', 'gone', 'expired')",
                        name="status"),
        UniqueConstraint("entry_id", "practitioner_id", "start_at", name="entry_slot"),
        Index("ix_waitlist_offers_slot", "practitioner_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    token_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="offered")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The appointment made when this offer was accepted.
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))


class PublicRateCounter(Base):
    """Requests of one client address to the public booking pages in one fixed window: in
    the database, so the limit holds across server processes."""

    __tablename__ = "public_rate_counters"
    __table_args__ = (Index("ix_public_rate_counters_window", "window_start"),)

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
