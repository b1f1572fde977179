"""The record of each backup run: when, where to, how big, its SHA-256, and whether it
worked. The admin page reads it to show the last good backup and to warn when there is none
recent or the last run failed. And the scheduled runs' claims: which worker took which due
time (``backup_claims``), so that several workers take one backup per due time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime

BACKUP_TRIGGERS = ("command", "worker", "upgrade")


class BackupRun(Base):
    __tablename__ = "backup_runs"
    __table_args__ = (Index("ix_backup_runs_started", "started_at"),
                      Index("ix_backup_runs_ok_started", "ok", "started_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: command (``vesalius backup``), worker (the schedule) or upgrade (``db upgrade``).
    trigger: Mapped[str] = mapped_column(String(10))
    #: Where it went: a path or ``s3://bucket/key`` (never credentials).
    destination: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    #: SHA-256 of the backup file as written.
    sha256: Mapped[str | None] = mapped_column(String(64))
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(String(500))
    #: Older backups the retention policy deleted after this run.
    pruned: Mapped[int] = mapped_column(default=0)


#: A claim's states: a worker is taking it, it was taken, or the attempt failed.
CLAIM_STATES = ("running", "done", "failed")


class BackupClaim(Base):
    """One due time of the backup schedule, claimed by the worker that takes it (see
    :mod:`vesalius.backup.claims`). ``due_at`` is unique: the claim is its insert."""

    __tablename__ = "backup_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The minute the schedule named (UTC).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), unique=True)
    state: Mapped[str] = mapped_column(String(10))
    #: Who holds it: ``host:pid`` of the worker (never credentials).
    worker: Mapped[str] = mapped_column(String(100))
    #: Attempts so far (a failed or abandoned one is taken again, up to a limit).
    attempts: Mapped[int] = mapped_column(default=1)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The holder's heartbeat while it runs: older than the timeout, the claim is retaken.
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
