"""Bulk Data exports (FHIR ``$export``): one row per kick-off, with its state and, when
done, the files written under the data directory (never in the database)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import JSONType, created_at

#: queued (waiting for the worker), running, done (files ready), failed, cancelled (the
#: client deleted it, or it expired: its files are gone).
EXPORT_STATUSES = ("queued", "running", "done", "failed", "cancelled")


class FhirExport(Base):
    __tablename__ = "fhir_exports"
    __table_args__ = (Index("ix_fhir_exports_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The export's public name in its status and file URLs (random, not the row id).
    key: Mapped[str] = mapped_column(String(32), unique=True)
    #: Who kicked it off: only they read its status and files.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    #: "system" (``/$export``) or "patient" (``/Patient/$export``: every patient's
    #: compartment).
    level: Mapped[str] = mapped_column(String(10), default="system")
    #: The kick-off request URL, as the manifest repeats it.
    request: Mapped[str] = mapped_column(Text)
    #: The FHIR base URL the kick-off came to (the builders' canonical URLs).
    base: Mapped[str] = mapped_column(String(500))
    types: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="queued")
    #: What the worker is at ("Claim: 2,000 resources"), for X-Progress.
    progress: Mapped[str | None] = mapped_column(String(100))
    #: [{"type": ..., "file": ..., "count": ...}], in the order written.
    output: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list,
                                                         nullable=False)
    #: Why it failed (no clinical content: the type and the kind of error).
    error: Mapped[str | None] = mapped_column(String(500))
    #: When the worker began reading: nothing changed after it is in the files.
    transaction_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The worker's last sign of life: a "running" export silent for long is taken again.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: After this the files are removed and the export answers 404.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
