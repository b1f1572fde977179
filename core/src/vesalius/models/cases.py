"""Cases: one patient's episode of care for one problem."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base
from ._common import created_at, json_list, updated_at
from .patients import Patient
from .payers import Coverage, Payer


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_patient_status", "patient_id", "status"),
                      Index("ix_cases_external_id", "external_id", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    discipline: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open / closed
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(String(200))
    primary_practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    # Referral.
    referral_source: Mapped[str | None] = mapped_column(String(100))  # GP, self, surgeon...
    referral_date: Mapped[date | None] = mapped_column(Date)
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    referrer_npi: Mapped[str | None] = mapped_column(String(10))
    injury_date: Mapped[date | None] = mapped_column(Date)
    #: ICD-10 diagnosis codes, primary first.
    diagnosis_codes: Mapped[list[str]] = json_list()
    # Who pays for this case: empty payer means self-pay.
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverages.id"))
    authorised_visits: Mapped[int | None] = mapped_column(Integer)
    authorisation_number: Mapped[str | None] = mapped_column(String(80))
    plan_of_care_start: Mapped[date | None] = mapped_column(Date)
    plan_of_care_end: Mapped[date | None] = mapped_column(Date)
    #: The case's id in the system the clinic imported it from (unique when set).
    external_id: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    patient: Mapped[Patient] = relationship()
    payer: Mapped[Payer | None] = relationship()
    coverage: Mapped[Coverage | None] = relationship()
