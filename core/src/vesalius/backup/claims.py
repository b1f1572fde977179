"""The backup schedule claimed in the database: one run per due time, whichever worker gets
there first.

Every worker looks each minute for the latest due time of ``VESALIUS_BACKUP_SCHEDULE``
(within :func:`lookback`) and claims it by inserting its row in ``backup_claims`` (the due
time is unique: ``INSERT ... ON CONFLICT DO NOTHING``, so of two workers exactly one
inserts; SQLite's ``BEGIN IMMEDIATE`` and PostgreSQL's unique index decide). The other
worker finds the row and does nothing. While it backs up, the holder renews the claim
(``renewed_at``) every third of the timeout. A claim whose holder stopped renewing it (the
worker crashed, or its host went away) for longer than the timeout is retaken by the next
worker that looks, with one conditional ``UPDATE`` (again only one wins); so is a failed
attempt after :data:`RETRY_DELAY`, up to :data:`MAX_ATTEMPTS` attempts in all. A due time
missed while no worker ran is taken when one starts, if it is within the look-back.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from huey import crontab
from sqlalchemy import and_, delete, or_, update

from ..db import Database
from ..db.statements import insert_new
from ..db.types import utcnow
from ..models import BackupClaim
from .scheduled import Outcome, run
from .settings import Settings, schedule_fields

log = logging.getLogger(__name__)

#: Attempts at one due time in all (the first and two retries, as the queue's retries were).
MAX_ATTEMPTS = 3
#: How long a failed attempt waits before another worker (or the same) tries again.
RETRY_DELAY = timedelta(minutes=10)
#: Claims older than this are deleted when a new one is made (the runs' record stays).
KEEP = timedelta(days=90)

_TABLE = BackupClaim.__table__
_INSERT = insert_new(_TABLE, [_TABLE.c.id], ["due_at"])


def worker_name() -> str:
    """This worker, as a claim names it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def lookback(settings: Settings) -> timedelta:
    """How far back a worker looks for a due time not yet taken: six hours, and at least
    three timeouts (room for a crashed claim to be retaken twice)."""
    return max(timedelta(hours=6), 3 * settings.claim_timeout)


def due_time(schedule: str, now: datetime, within: timedelta) -> datetime | None:
    """The latest minute at or before ``now`` that ``schedule`` (cron, UTC) names, no
    older than ``within``; None when there is none."""
    matches = crontab(*schedule_fields(schedule), strict=True)
    minute = now.replace(second=0, microsecond=0)
    for _ in range(int(within.total_seconds() // 60) + 1):
        if matches(minute):
            return minute
        minute -= timedelta(minutes=1)
    return None


@dataclass(frozen=True)
class Claim:
    """A due time this worker holds, at its ``attempt``."""

    due_at: datetime
    worker: str
    attempt: int
    claimed_at: datetime


def _held(claim: Claim) -> list[object]:
    return [BackupClaim.due_at == claim.due_at, BackupClaim.worker == claim.worker,
            BackupClaim.attempts == claim.attempt]


def claim(db: Database, due_at: datetime, *, worker: str, now: datetime,
          timeout: timedelta) -> Claim | None:
    """Claim ``due_at`` for ``worker``: a new claim, or one abandoned longer than
    ``timeout`` or failed longer than :data:`RETRY_DELAY` ago with attempts left. None when
    another worker holds it or it was taken. Atomic on both engines."""
    with db.session() as s:
        row = s.execute(_INSERT[db.dialect].values(
            due_at=due_at, state="running", worker=worker, attempts=1, claimed_at=now,
            renewed_at=now)).first()
        if row is not None:
            s.execute(delete(BackupClaim).where(BackupClaim.due_at < now - KEEP))
            return Claim(due_at, worker, 1, now)
        retaken = s.execute(
            update(BackupClaim)
            .where(BackupClaim.due_at == due_at, BackupClaim.attempts < MAX_ATTEMPTS,
                   or_(and_(BackupClaim.state == "running",
                            BackupClaim.renewed_at < now - timeout),
                       and_(BackupClaim.state == "failed",
                            BackupClaim.finished_at <= now - RETRY_DELAY)))
            .values(state="running", worker=worker, attempts=BackupClaim.attempts + 1,
                    claimed_at=now, renewed_at=now, finished_at=None)
            .returning(BackupClaim.attempts)
            .execution_options(synchronize_session=False)).first()
    return Claim(due_at, worker, retaken.attempts, now) if retaken is not None else None


def renew(db: Database, claim: Claim, at: datetime) -> bool:
    """The holder's heartbeat; False when the claim is no longer its own (retaken)."""
    with db.session() as s:
        done = s.execute(update(BackupClaim).where(*_held(claim),
                                                   BackupClaim.state == "running")
                         .values(renewed_at=at)
                         .execution_options(synchronize_session=False))
    return bool(done.rowcount)  # type: ignore[attr-defined]


def finish(db: Database, claim: Claim, *, ok: bool, at: datetime) -> bool:
    """Mark the claim done (or failed: it may be retried); False when another worker had
    retaken it meanwhile (this worker stalled longer than the timeout)."""
    with db.session() as s:
        done = s.execute(update(BackupClaim).where(*_held(claim))
                         .values(state="done" if ok else "failed", finished_at=at)
                         .execution_options(synchronize_session=False))
    return bool(done.rowcount)  # type: ignore[attr-defined]


@contextmanager
def holding(db: Database, claim: Claim, timeout: timedelta) -> Iterator[None]:
    """Renew ``claim`` every third of ``timeout`` while the block runs (a thread: the
    backup is one long call). The heartbeat keeps the claim's own clock: claimed-at plus
    the time elapsed."""
    stop = threading.Event()
    started = time.monotonic()

    def beat() -> None:
        while not stop.wait(timeout.total_seconds() / 3):
            at = claim.claimed_at + timedelta(seconds=time.monotonic() - started)
            try:
                if not renew(db, claim, at):
                    log.warning("the backup claim for %s was retaken by another worker",
                                claim.due_at.isoformat())
                    return
            except Exception:  # a database hiccup: try again at the next beat
                log.exception("the backup claim could not be renewed")

    thread = threading.Thread(target=beat, name="backup-claim", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@dataclass(frozen=True)
class Tick:
    """What one look at the schedule did: ``due_at`` (None: nothing due in the look-back)
    and, when this worker took the backup, its ``attempt`` (else 0) and ``outcome``."""

    due_at: datetime | None
    attempt: int = 0
    outcome: Outcome | None = None


def tick(settings: Settings, db: Database, *, now: datetime | None = None,
         worker: str | None = None, url: str | None = None) -> Tick:
    """One worker's look at the schedule: claim the latest due time and, when this worker
    got it, take the backup (:func:`vesalius.backup.scheduled.run`). A failed backup marks
    the claim failed and raises (it is retried by whichever worker looks after
    :data:`RETRY_DELAY`)."""
    now = now or utcnow()
    due = due_time(settings.schedule, now, lookback(settings))
    if due is None:
        return Tick(None)
    held = claim(db, due, worker=worker or worker_name(), now=now,
                 timeout=settings.claim_timeout)
    if held is None:
        return Tick(due)
    ok, started = False, time.monotonic()
    try:
        with holding(db, held, settings.claim_timeout):
            outcome = run(settings, url or db.url, trigger="worker")
        ok = True
    finally:
        at = held.claimed_at + timedelta(seconds=time.monotonic() - started)
        if not finish(db, held, ok=ok, at=at):
            log.warning("the backup for %s finished after its claim was retaken",
                        due.isoformat())
    return Tick(due, held.attempt, outcome)
