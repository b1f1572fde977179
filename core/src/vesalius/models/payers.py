"""Payers, patients' coverage, and fee schedules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base
from ..db.types import Money
from ._common import json_list

PAYER_KINDS = ("self-pay", "medicare", "medicaid", "commercial", "workers-comp", "other")


class Payer(Base):
    __tablename__ = "payers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="commercial")
    #: The payer's electronic id at the clearinghouse (837P loop 2010BB NM109).
    payer_code: Mapped[str | None] = mapped_column(String(80))
    #: Unit rule for timed codes: "cms" (8-minute rule) or "per-code".
    timed_method: Mapped[str] = mapped_column(String(10), default="cms")
    #: Modifiers the payer asks for where they apply ("GP", "AT").
    modifiers: Mapped[list[str]] = json_list()
    address: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Coverage(Base):
    """A patient's insurance with one payer, with the cost-sharing that splits invoices."""

    __tablename__ = "coverages"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(80))
    plan_name: Mapped[str | None] = mapped_column(String(200))
    #: self, spouse, child, other (837P SBR02).
    relationship_to_subscriber: Mapped[str] = mapped_column(String(20), default="self")
    subscriber_name: Mapped[str | None] = mapped_column(String(200))
    #: Fixed amount the patient pays per visit, then ``coinsurance_percent`` of the rest.
    copay: Mapped[Decimal] = mapped_column(Money(), default=0)
    coinsurance_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=0)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    payer: Mapped[Payer] = relationship()


class FeeSchedule(Base):
    """Prices per code. ``payer_id`` empty: the clinic's own (self-pay) schedule."""

    __tablename__ = "fee_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"), index=True)
    effective_from: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    entries: Mapped[list[FeeScheduleEntry]] = relationship(back_populates="schedule",
                                                           order_by="FeeScheduleEntry.code")


class FeeScheduleEntry(Base):
    __tablename__ = "fee_schedule_entries"
    __table_args__ = (UniqueConstraint("fee_schedule_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fee_schedule_id: Mapped[int] = mapped_column(ForeignKey("fee_schedules.id"))
    code: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money())

    schedule: Mapped[FeeSchedule] = relationship(back_populates="entries")
