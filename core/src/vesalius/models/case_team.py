"""The case team a clinic sets: practitioners the owner or front desk add to a case, who are
then in the care team of its patient (next to those with an appointment or the case's
primary practitioner). Rows are added and removed; the audit log keeps the history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ._common import created_at


class CaseTeamMember(Base):
    """One practitioner on one case. ``patient_id`` repeats the case's patient (a case never
    changes patient) so that the care-team check is one index probe."""

    __tablename__ = "case_team_members"
    __table_args__ = (
        UniqueConstraint("case_id", "practitioner_id",
                         name="uq_case_team_members_case_practitioner"),
        Index("ix_case_team_members_patient_practitioner", "patient_id", "practitioner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = created_at()
