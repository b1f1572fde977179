"""Retention and erasure: the clinic's retention periods, the register of destroyed
records, and patients' erasure requests (GDPR Art. 17 with its 17(3) exemptions).

See :mod:`vesalius.services.retention` for the rules; these tables only hold their inputs
and their outcomes. None of them holds clinical content.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import JSONType, created_at, updated_at

DESTRUCTION_STATUSES = ("in-progress", "done")
ERASURE_STATUSES = ("open", "completed", "refused")
ERASURE_SCOPES = ("all", "marketing")
ERASURE_CHANNELS = ("portal", "in-person", "phone", "letter", "email")


class RetentionPolicy(Base):
    """The clinic's retention periods, in whole years: one row (id 1); without it the
    defaults of :data:`vesalius.services.retention.DEFAULT_POLICY` apply."""

    __tablename__ = "retention_policy"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: Whose rule this is ("Ontario, physiotherapy"): shown beside the periods.
    jurisdiction: Mapped[str] = mapped_column(String(200))
    #: A patient who was an adult at their last contact: years kept after it.
    adult_years: Mapped[int] = mapped_column(Integer)
    #: A patient younger than this at their last contact is a minor.
    majority_age: Mapped[int] = mapped_column(Integer)
    #: A minor's record: kept until this many years after the day they come of age ...
    minor_years_after_majority: Mapped[int] = mapped_column(Integer)
    #: ... or this many years after their last contact, whichever is later.
    minor_years_after_contact: Mapped[int] = mapped_column(Integer)
    #: Invoices, payments and claims: years kept after the last of them.
    financial_years: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = updated_at()
    updated_by: Mapped[int | None] = mapped_column(Integer)  # no FK: outlives accounts


class RecordDestruction(Base):
    """One patient's record destroyed at the end of its retention period: who, when, why,
    under which periods, and how many rows of each kind went. The register outlives the
    record (the audit log keeps the ids too). ``in-progress`` exists only inside the
    destroying transaction: the database guards let a signed note, its addenda and its
    measure results be deleted only while their patient has such a row."""

    __tablename__ = "record_destructions"
    __table_args__ = (Index("ix_record_destructions_patient_status", "patient_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(Integer)  # no FK: the row is blanked
    status: Mapped[str] = mapped_column(String(12), default="in-progress")
    reason: Mapped[str] = mapped_column(String(500))
    destroyed_at: Mapped[datetime] = created_at()
    destroyed_by: Mapped[int | None] = mapped_column(Integer)
    last_contact: Mapped[date] = mapped_column(Date)
    #: The day the whole record's retention ended (clinical and financial).
    retained_until: Mapped[date] = mapped_column(Date)
    #: The periods applied (a copy of the policy at the time).
    policy: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: ``{kind: rows removed}``.
    removed: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)


class ErasureRequest(Base):
    """A patient's request to erase their data: who asked and how, its scope and status,
    and when processed, what was removed and what was kept and why."""

    __tablename__ = "erasure_requests"
    __table_args__ = (Index("ix_erasure_requests_patient", "patient_id"),
                      Index("ix_erasure_requests_status", "status", "requested_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(Integer)  # no FK: outlives a destroyed record
    requested_at: Mapped[datetime] = created_at()
    #: The user who recorded it: the patient (portal) or a staff member.
    recorded_by: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(12))
    scope: Mapped[str] = mapped_column(String(12), default="all")
    #: A short non-clinical remark ("asked at the desk, ID checked").
    note: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), default="open")
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processed_by: Mapped[int | None] = mapped_column(Integer)
    #: ``{"removed": [{"item", "count"}], "kept": [{"item", "count", "why"}]}``.
    outcome: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    refusal_reason: Mapped[str | None] = mapped_column(String(500))
