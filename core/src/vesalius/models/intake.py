"""Intake before a visit: forms and outcome measures sent to a patient, and the wording of
licensed measures a clinic loads itself.

An :class:`IntakeRequest` names what the patient is asked to fill (sections of a note
template, measures) for one appointment. Its link carries a random token of which only the
SHA-256 is kept: the link alone is the credential for that one request, until it expires or
the answers are submitted (then it is locked). Answers are saved as the patient goes
(``answers``) and, on submit, written into the visit's draft note and the case's measure
results.

A :class:`MeasureWording` is a clinic's own copy of a measure's item and option wording,
entered under the licence it holds (who, reference, date): never shipped with Vesalius.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import JSONType, created_at, json_list, updated_at

#: sent -> submitted (locked); sent -> cancelled.
INTAKE_STATUSES = ("sent", "submitted", "cancelled")


class IntakeRequest(Base):
    __tablename__ = "intake_requests"
    __table_args__ = (
        CheckConstraint("status IN ('sent', 'submitted', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    #: The template whose sections are asked (None: measures only).
    template_id: Mapped[str | None] = mapped_column(String(128))
    template_version: Mapped[int | None] = mapped_column(Integer)
    #: Section ids of the template, in template order.
    sections: Mapped[list[str]] = json_list()
    #: Measure ids, in the order they are shown.
    measures: Mapped[list[str]] = json_list()
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default="sent")
    #: ``{"form": {section: {field: value}}, "measures": {measure: {item: value}}}``.
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The draft note the answers went into (None: no note could take them).
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"))
    #: Per path of the form, what became of the answer: "written" into the draft, or
    #: "kept" (the practitioner had already written there; the note keeps theirs).
    outcome: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    #: The ids of the measure results the submission stored (source "patient").
    result_ids: Mapped[list[int]] = json_list()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()


class MeasureWording(Base):
    """A licensed measure's wording as the clinic entered it, with its licence record."""

    __tablename__ = "measure_wordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(64), unique=True)
    #: The measure version the wording was entered for (a new version asks again).
    measure_version: Mapped[str] = mapped_column(String(32))
    licence_holder: Mapped[str] = mapped_column(String(200))
    licence_reference: Mapped[str] = mapped_column(String(200))
    licensed_on: Mapped[date] = mapped_column(Date)
    instructions: Mapped[str | None] = mapped_column(Text)
    #: ``{item_id: {"text": ..., "options": {"0": ..., "1": ...}}}``.
    items: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = updated_at()
