"""The outbox: every message to a patient (e-mail or SMS), written in the same transaction
as the change that caused it and sent later by the worker. A row is rendered when it is
queued (no clinical content ever goes into one) and ``dedupe_key`` keeps the same message
from being queued twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import created_at

CHANNELS = ("email", "sms")
#: pending -> sending -> sent | failed (retries exhausted); pending -> cancelled.
STATUSES = ("pending", "sending", "sent", "failed", "cancelled")


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'sms')", name="channel"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')", name="status"),
        # The worker's scan: what is pending and due, oldest first.
        Index("ix_outbox_messages_status_send_after", "status", "send_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The message kind's key (``messaging.kinds``), e.g. "appointment-reminder".
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    #: An e-mail address or an E.164 phone number.
    recipient: Mapped[str] = mapped_column(String(320))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"),
                                                       index=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    #: Files sent with an e-mail, each ``{"filename", "content_type", "text"}``, or what a
    #: confirmation's .ics is of, made when sent (``messaging.ics``); never clinical
    #: content, like the rest of the row. None is SQL NULL (not JSON null), so that
    #: ``IS NOT NULL`` finds the rows that carry one.
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql"))
    #: Not before this time (UTC); a retry moves it on.
    send_after: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The last failure, in the channel's words (never the message's content).
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: Unique: queueing the same message twice (a retried request, a replayed event) is a
    #: no-op. E.g. "reminder:appointment:42:1440".
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = created_at()
    #: When a worker took it (status "sending"): a row left "sending" by a worker that died
    #: is never sent again by itself (at most once); the outbox page shows it.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
