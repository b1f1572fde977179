"""Portal invitations: a signed, expiring, single-use link that lets a patient set the
password of their portal account. Only the link's SHA-256 is kept (a database leak opens no
account); re-inviting revokes the links sent before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import created_at


class PortalInvitation(Base):
    __tablename__ = "portal_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    #: The patient's portal account (made, without a password, when first invited).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The address the link went to.
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set when the patient chose their password with it (a link works once).
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when staff revoked it or sent a newer one.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
