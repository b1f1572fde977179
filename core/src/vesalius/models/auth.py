"""API tokens and the append-only audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import created_at


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters, to tell tokens apart in listings.
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = created_at()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Who did what to which record, when and from where (HIPAA 164.312(b)).

    Append-only: triggers refuse UPDATE and DELETE. ``detail`` never holds clinical content.
    Tamper-evident: each event carries the SHA-256 of its fields and of the event before it
    (``prev_hash``) and its position in the chain (``seq``; unique, so the chain stays one
    line), checked by
    :func:`vesalius.services.audit.verify_chain`.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_patient_at", "patient_id", "at"),
        Index("ix_audit_user_at", "user_id", "at"),
        Index("ix_audit_resource", "resource_type", "resource_id"),
        Index("ix_audit_list", "list_digest"),
        Index("uq_audit_events_seq", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at()
    user_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the log outlives accounts
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))  # read, create, update, sign, ...
    resource_type: Mapped[str] = mapped_column(String(30))
    resource_id: Mapped[int | None] = mapped_column(Integer)
    patient_id: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10), default="ok")  # ok / denied
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(String(300))
    #: A list read (one event for a page of records): the records it showed are the items
    #: of this :class:`AuditList`.
    list_digest: Mapped[str | None] = mapped_column(String(64))
    #: The event's position in the chain: 1, 2, 3, ... (a gap is a deleted event).
    seq: Mapped[int | None] = mapped_column(Integer)
    #: The ``hash`` of the event before this one (64 zeros for the first event).
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    #: SHA-256 over ``prev_hash`` and this event's fields (:func:`vesalius.services.audit.link`).
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditList(Base):
    """The records one list read showed, as ids, stored once per distinct list.

    A calendar is read again and again while its bookings stay the same: each read is its
    own :class:`AuditEvent` (who, when, from where) naming the list by the SHA-256 of its
    ``(resource_id, patient_id)`` pairs, and the pairs are written only the first time.
    Append-only like the events.
    """

    __tablename__ = "audit_lists"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_type: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)


class AuditListItem(Base):
    """One record of an :class:`AuditList`, in the order shown (traceable by patient and by
    record through their indexes)."""

    __tablename__ = "audit_list_items"
    __table_args__ = (
        Index("ix_audit_list_items_patient", "patient_id"),
        Index("ix_audit_list_items_resource", "resource_id"),
    )

    list_digest: Mapped[str] = mapped_column(ForeignKey("audit_lists.digest"),
                                             primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    resource_id: Mapped[int | None] = mapped_column(Integer)
    patient_id: Mapped[int | None] = mapped_column(Integer)
