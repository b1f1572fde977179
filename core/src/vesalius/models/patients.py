"""Patients: demographics, contacts, communication preferences and consents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base
from ._common import created_at, updated_at

#: Binary ordering on PostgreSQL too, so that prefix search is an index range scan.
SearchKey = String(254).with_variant(String(254, collation="C"), "postgresql")


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (
        Index("ix_patients_family_given", "family_name_key", "given_name_key"),
        Index("ix_patients_given_family", "given_name_key", "family_name_key"),
        Index("ix_patients_phone_key", "phone_key"),
        Index("ix_patients_phone_tail_key", "phone_tail_key"),
        Index("ix_patients_email_key", "email_key"),
        Index("ix_patients_birth_date", "birth_date"),
        Index("ix_patients_external_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(20))  # administrative sex for claims
    gender_identity: Mapped[str | None] = mapped_column(String(50))
    pronouns: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    mobile: Mapped[str | None] = mapped_column(String(40))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    emergency_contact_name: Mapped[str | None] = mapped_column(String(200))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(40))
    emergency_contact_relationship: Mapped[str | None] = mapped_column(String(50))
    # Communication preferences.
    preferred_contact: Mapped[str] = mapped_column(String(10), default="email")
    reminders_email: Mapped[bool] = mapped_column(Boolean, default=True)
    reminders_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    marketing_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(20))
    # Front-desk remarks (not clinical content: "prefers mornings", "uses a wheelchair").
    admin_note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The patient's id in the system the clinic imported them from (unique when set).
    external_id: Mapped[str | None] = mapped_column(String(100))
    # Normalised search keys, kept by the service: lower-case names, phone digits.
    family_name_key: Mapped[str] = mapped_column(SearchKey)
    given_name_key: Mapped[str] = mapped_column(SearchKey)
    phone_key: Mapped[str | None] = mapped_column(SearchKey)
    #: The phone digits reversed, so that a number's end is an index prefix.
    phone_tail_key: Mapped[str | None] = mapped_column(SearchKey)
    email_key: Mapped[str | None] = mapped_column(SearchKey)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    consents: Mapped[list[Consent]] = relationship(
        back_populates="patient", order_by="Consent.recorded_at"
    )

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.given_name
        return f"{given} {self.family_name}"


class Consent(Base):
    """A consent given or withdrawn (treatment, privacy notice, SMS, telehealth, ...).

    Rows are appended: withdrawing adds a row with ``granted=False``; the latest row of a
    kind is in force.
    """

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    granted: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = created_at()
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))

    patient: Mapped[Patient] = relationship(back_populates="consents")
