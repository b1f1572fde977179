"""Payers, patients' coverage, fee schedules, and pricing a code for a payer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from pydantic import Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.types import money
from ..errors import Invalid
from ..models import Coverage, FeeSchedule, FeeScheduleEntry, Patient, Payer
from ..models.payers import PAYER_KINDS
from ..plugins import get_registry
from . import audit
from .actor import Actor
from .common import Input, get


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("money is never a float: send a string such as \"85.00\"")
    return value


class PayerIn(Input):
    name: str = Field(min_length=1, max_length=200)
    kind: str = "commercial"
    payer_code: str | None = Field(default=None, max_length=80)
    timed_method: str = Field(default="cms", pattern="^(cms|per-code)$")
    modifiers: list[str] = Field(default_factory=list)
    address: str = Field(default="", max_length=500)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in PAYER_KINDS:
            raise ValueError(f"use one of {', '.join(PAYER_KINDS)}")
        return value


class CoverageIn(Input):
    payer_id: int
    member_id: str = Field(min_length=1, max_length=80)
    group_number: str | None = Field(default=None, max_length=80)
    plan_name: str | None = Field(default=None, max_length=200)
    relationship_to_subscriber: str = Field(default="self",
                                            pattern="^(self|spouse|child|other)$")
    subscriber_name: str | None = Field(default=None, max_length=200)
    copay: Decimal = Field(default=Decimal("0.00"), ge=0, max_digits=12, decimal_places=2)
    coinsurance_percent: Decimal = Field(default=Decimal("0"), ge=0, le=100, max_digits=5,
                                         decimal_places=2)
    valid_from: date | None = None
    valid_to: date | None = None

    _floats = field_validator("copay", "coinsurance_percent", mode="before")(_no_float)


class FeeIn(Input):
    code: str = Field(pattern=r"^[A-Z0-9]{5}$")
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)

    _floats = field_validator("amount", mode="before")(_no_float)


class FeeScheduleIn(Input):
    name: str = Field(min_length=1, max_length=200)
    payer_id: int | None = None
    effective_from: date | None = None
    fees: list[FeeIn] = Field(default_factory=list)


def create_payer(session: Session, actor: Actor, data: PayerIn) -> Payer:
    actor.require("settings.write")
    payer = Payer(**data.model_dump())
    session.add(payer)
    session.flush()
    audit.record(session, actor, "create", "payer", payer.id)
    return payer


def list_payers(session: Session, actor: Actor) -> list[Payer]:
    actor.require("settings.read")
    return list(session.scalars(select(Payer).where(Payer.active.is_(True))
                                .order_by(Payer.name)))


def add_coverage(session: Session, actor: Actor, patient_id: int, data: CoverageIn) -> Coverage:
    actor.require("patients.update", patient_id=patient_id)
    get(session, Patient, patient_id, "patient")
    get(session, Payer, data.payer_id, "payer", field="payer_id")
    coverage = Coverage(patient_id=patient_id, **data.model_dump())
    session.add(coverage)
    session.flush()
    audit.record(session, actor, "create", "coverage", coverage.id, patient_id)
    return coverage


def coverages_of(session: Session, actor: Actor, patient_id: int) -> list[Coverage]:
    actor.require("patients.read", patient_id=patient_id)
    rows = list(session.scalars(select(Coverage).where(Coverage.patient_id == patient_id)
                                .order_by(Coverage.id)))
    audit.record(session, actor, "read", "coverage", None, patient_id)
    return rows


def create_fee_schedule(session: Session, actor: Actor, data: FeeScheduleIn) -> FeeSchedule:
    actor.require("settings.write")
    if data.payer_id is not None:
        get(session, Payer, data.payer_id, "payer", field="payer_id")
    codes = [f.code for f in data.fees]
    if len(set(codes)) != len(codes):
        raise Invalid("a code appears twice", field="fees")
    schedule = FeeSchedule(name=data.name, payer_id=data.payer_id,
                           effective_from=data.effective_from)
    schedule.entries = [FeeScheduleEntry(code=f.code, amount=money(f.amount))
                        for f in data.fees]
    session.add(schedule)
    session.flush()
    audit.record(session, actor, "create", "fee-schedule", schedule.id,
                 detail=f"{len(codes)} fees")
    return schedule


def fees_for(session: Session, payer_id: int | None, codes: Iterable[str],
             on: date) -> dict[str, Decimal]:
    """The price of each code for a payer on a date: the payer's newest schedule in effect,
    else the clinic's own schedule (no payer), else the code's ``default_fee``.
    Codes with no price anywhere are left out. One query."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return {}
    rows = session.execute(
        select(FeeSchedule.payer_id, FeeSchedule.effective_from, FeeScheduleEntry.code,
               FeeScheduleEntry.amount)
        .join(FeeScheduleEntry, FeeScheduleEntry.fee_schedule_id == FeeSchedule.id)
        .where(FeeSchedule.active.is_(True), FeeScheduleEntry.code.in_(codes),
               (FeeSchedule.payer_id == payer_id) | FeeSchedule.payer_id.is_(None)
               if payer_id is not None else FeeSchedule.payer_id.is_(None))
    ).all()
    best: dict[str, tuple[tuple[int, date], Decimal]] = {}
    for row_payer, effective, code, amount in rows:
        if effective is not None and effective > on:
            continue
        rank = (1 if row_payer is not None else 0, effective or date.min)
        if code not in best or rank > best[code][0]:
            best[code] = (rank, amount)
    prices = {code: amount for code, (_rank, amount) in best.items()}
    registered = get_registry().billing_codes
    for code in codes:
        if code not in prices and code in registered and registered[code].default_fee is not None:
            prices[code] = money(registered[code].default_fee)
    return prices
