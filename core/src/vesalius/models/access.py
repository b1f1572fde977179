"""Break-the-glass grants: a user outside a patient's care team who gave a reason may read
that patient's clinical record until the grant expires. Rows are added, never changed.

The care-team test itself reads appointments and cases; the index below makes its
appointment half one index probe (patient, practitioner)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import created_at
from .scheduling import Appointment


class AccessGrant(Base):
    """One emergency access: who, to which patient, why, from when until when."""

    __tablename__ = "access_grants"
    __table_args__ = (
        Index("ix_access_grants_user_patient", "user_id", "patient_id", "expires_at"),
        Index("ix_access_grants_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


#: The care-team probe: "has this practitioner an appointment with this patient?"
Index("ix_appointments_patient_practitioner", Appointment.patient_id,
      Appointment.practitioner_id)
