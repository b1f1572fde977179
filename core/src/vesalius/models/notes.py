"""Clinical notes, their addenda, and outcome-measure results.

A signed note is immutable: the service refuses to change it and a database trigger
refuses too (see the migrations). Nothing clinical is deleted: a wrong note is marked
"entered-in-error" with a reason. A draft (never signed, never attested) may be discarded:
it is deleted with an audit row naming its template and a hash of its content, so that no
reader of a visit's notes has to skip it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import JSONType, created_at, updated_at

NOTE_STATUSES = ("draft", "signed", "entered-in-error")


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_case_created", "case_id", "created_at"),
        Index("ix_notes_patient", "patient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"),
                                                       index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    template_id: Mapped[str] = mapped_column(String(128))
    template_version: Mapped[int] = mapped_column(Integer)
    pack: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str | None] = mapped_column(String(40))
    date_of_service: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    document: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    # Set once, at signing.
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    #: The note as it read when signed (HTML), so it stays readable without its pack.
    rendered: Mapped[str | None] = mapped_column(Text)
    # "Entered in error": a status with a reason, never a delete.
    error_reason: Mapped[str | None] = mapped_column(String(500))
    error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Copy-forward: the case's signed note this one started from (same patient and case).
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"))
    #: The same, by the name the JSON API gives it.
    copied_from: Mapped[int | None] = synonym("copied_from_id")
    #: Copy-forward: ``{path: date of service of the source}`` for each carried value still
    #: as copied; a path leaves when the practitioner changes its value.
    carried: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict,
                                                    server_default=text("'{}'"))
    #: Intake: ``{path: date the patient submitted}`` for each answer the patient reported
    #: before the visit that is still as they gave it; a path leaves when it is changed.
    reported: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict,
                                                     server_default=text("'{}'"))

    addenda: Mapped[list[NoteAddendum]] = relationship(
        back_populates="note", order_by="NoteAddendum.created_at"
    )


class NoteAddendum(Base):
    """Text appended to a signed note, with its own author and time (CMS PIM 3.3.2.5)."""

    __tablename__ = "note_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    #: addendum, correction, late-entry.
    kind: Mapped[str] = mapped_column(String(20), default="addendum")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()
    reason: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))

    note: Mapped[Note] = relationship(back_populates="addenda")


class MeasureResult(Base):
    """One outcome-measure result with the score and the scoring version that produced it."""

    __tablename__ = "measure_results"
    __table_args__ = (Index("ix_measure_results_case_measure", "case_id", "measure_id",
                            "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), index=True)
    #: ``section.field`` of the note the responses came from.
    field_path: Mapped[str | None] = mapped_column(String(130))
    measure_id: Mapped[str] = mapped_column(String(64))
    measure_version: Mapped[str] = mapped_column(String(32))
    pack: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str | None] = mapped_column(String(40))
    taken_on: Mapped[date] = mapped_column(Date)
    responses: Mapped[list[int | None]] = mapped_column(JSONType)
    value: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(200))
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    subscores: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()
    #: Who gave the responses: "clinic" (charted or entered by staff) or "patient" (filled
    #: by the patient before the visit).
    source: Mapped[str] = mapped_column(String(12), default="clinic",
                                        server_default=text("'clinic'"))
