"""Sending what the outbox holds, at most once.

A run takes the due pending rows (``send_after <= now``) oldest first, a small batch at a
time. Each batch is *claimed* (status "sending", ``claimed_at``, one more attempt) and
committed before any network call, and each message is marked "sent" as soon as its channel
took it. A worker that dies mid-batch therefore leaves at most the rows it had claimed in
"sending", and nothing ever sends a "sending" row again by itself: the outbox page shows
them so that someone checks with the patient before re-queueing. Two workers never take the
same row: the claim is one conditional UPDATE (``status = 'pending'``), with ``FOR UPDATE
SKIP LOCKED`` on PostgreSQL so that a second worker skips rather than waits, and SQLite's
``BEGIN IMMEDIATE`` serialising claimers.

Failures: temporary ones (a busy server) go back to pending with ``send_after`` moved on by
:data:`BACKOFF`; permanent ones, uncertain ones (the connection broke after the message was
handed over) and the last of :data:`MAX_ATTEMPTS` become "failed" with ``last_error``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, aliased

from ..db import Database
from ..db.types import utcnow
from ..models.messages import OutboxMessage
from .channels import (
    Channel,
    ChannelDown,
    Outgoing,
    SendFailure,
    TemporaryFailure,
    short,
)

log = logging.getLogger(__name__)

#: After the first, second, ... failed attempt, wait this long before the next one.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=12))
#: The first attempt and a retry after each wait: then it is "failed".
MAX_ATTEMPTS = len(BACKOFF) + 1
#: Rows claimed at once: the most a worker killed mid-batch can leave "sending".
BATCH = 20
#: Seconds a sent message may wait to be marked "sent" (marks are written together).
MARK_EVERY = 0.25
#: A "sending" row older than this is one whose worker stopped (sending one message takes
#: seconds): the outbox page offers to re-queue it.
STALE_AFTER = timedelta(minutes=10)

OM = OutboxMessage
#: The claim's own alias: its subquery must not correlate with the UPDATE's table.
_PICK = aliased(OM)
_COLUMNS = (OM.id, OM.kind, OM.recipient, OM.subject, OM.body_text, OM.body_html,
            OM.dedupe_key, OM.channel, OM.send_after, OM.attachments)


@dataclass
class Outcome:
    """What one run did, by count (never what was in the messages)."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    #: Claimed and put back untouched because their channel could not be reached.
    released: int = 0
    #: Channels that could not be reached in this run, with why.
    down: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        words = (f"sent {self.sent}, to retry {self.retry}, failed {self.failed}")
        for channel, why in self.down.items():
            words += f"; {channel} unreachable: {why}"
        return words


def backoff(attempts: int) -> timedelta | None:
    """The wait after ``attempts`` failed attempts, or None when none is left."""
    return BACKOFF[attempts - 1] if attempts < MAX_ATTEMPTS else None


def claim(session: Session, *, now: datetime, channels: Iterable[str],
          limit: int = BATCH) -> list[tuple[str, Outgoing]]:
    """Take up to ``limit`` due pending rows on ``channels`` for this worker: (channel,
    message) pairs, oldest first. The caller commits before sending any of them."""
    channels = list(channels)
    if not channels:
        return []
    # A CTE, computed once: as a plain IN-subquery PostgreSQL may rescan it for each row
    # (a nested-loop semi-join), and each rescan locks the next rows: the limit is lost.
    pick = _PICK
    due = (select(pick.id)
           .where(pick.status == "pending", pick.send_after <= now,
                  pick.channel.in_(channels))
           .order_by(pick.send_after, pick.id).limit(limit)
           .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's BEGIN IMMEDIATE locks
           .cte("due").prefix_with("MATERIALIZED"))
    rows = session.execute(
        update(OM).where(OM.id.in_(select(due.c.id)), OM.status == "pending")
        .values(status="sending", claimed_at=now, attempts=OM.attempts + 1)
        .returning(*_COLUMNS)
        .execution_options(synchronize_session=False)).all()
    rows = sorted(rows, key=lambda r: (r.send_after, r.id))
    return [(r.channel, Outgoing(id=r.id, kind=r.kind, recipient=r.recipient,
                                 subject=r.subject, body_text=r.body_text,
                                 body_html=r.body_html, dedupe_key=r.dedupe_key,
                                 attachments=_attachments(session, r.attachments)))
            for r in rows]


def _attachments(session: Session, stored: list[dict[str, Any]] | None
                 ) -> tuple[dict[str, str], ...]:
    """A row's attachments as sent (an .ics is made now, from its visits: :mod:`.ics`)."""
    from . import ics  # the scheduling services it reads: only once a row has attachments

    made = (ics.made(session, attachment) for attachment in stored or ())
    return tuple(attachment for attachment in made if attachment is not None)


def _settle(session: Session, row_id: int, **values: object) -> None:
    # Only a row still "sending" (as this worker left it) is settled.
    session.execute(update(OM).where(OM.id == row_id, OM.status == "sending").values(**values)
                    .execution_options(synchronize_session=False))


def _failed(session: Session, row_id: int, now: datetime, failure: SendFailure,
            outcome: Outcome) -> None:
    attempts = session.scalar(select(OM.attempts).where(OM.id == row_id)) or MAX_ATTEMPTS
    wait = backoff(attempts) if isinstance(failure, TemporaryFailure) else None
    if wait is None:
        _settle(session, row_id, status="failed", last_error=short(str(failure)))
        outcome.failed += 1
    else:
        _settle(session, row_id, status="pending", send_after=now + wait,
                last_error=short(str(failure)), claimed_at=None)
        outcome.retry += 1


def _release(session: Session, ids: list[int]) -> int:
    """Put claimed rows back as they were (their channel is down: not an attempt)."""
    if not ids:
        return 0
    session.execute(update(OM).where(OM.id.in_(ids), OM.status == "sending")
                    .values(status="pending", claimed_at=None, attempts=OM.attempts - 1)
                    .execution_options(synchronize_session=False))
    return len(ids)


class _SentMarks:
    """Rows a channel took, waiting to be marked "sent". Marked at the latest every
    :data:`MARK_EVERY` (and with the next claim, a failure, or the run's end): one commit per
    batch when sending is fast, one per message when it is slow. A worker killed meanwhile
    leaves those rows "sending", as at-most-once wants: they were in its claimed batch."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.since = time.monotonic()

    def add(self, row_id: int, at: datetime) -> None:
        if not self.rows:
            self.since = time.monotonic()
        self.rows.append({"row_id": row_id, "at": at})

    def due(self) -> bool:
        return bool(self.rows) and time.monotonic() - self.since >= MARK_EVERY

    def write(self, session: Session) -> None:
        if self.rows:
            table = OM.__table__
            session.connection().execute(
                update(table).where(table.c.id == bindparam("row_id"),
                                    table.c.status == "sending")
                .values(status="sent", sent_at=bindparam("at"), last_error=None), self.rows)
            self.rows = []


def send_due(db: Database, channels: Mapping[str, Callable[[], Channel]], *,
             now: datetime | None = None, batch: int = BATCH,
             clock: Callable[[], datetime] = utcnow, budget: float | None = None) -> Outcome:
    """Send everything due at ``now`` (default: the clock at each batch) on the configured
    ``channels`` (factories by channel name) until nothing due is left, or, with ``budget``
    (seconds), until no new batch should start (the next run goes on from there)."""
    started = time.monotonic()
    outcome = Outcome()
    open_channels: dict[str, Channel] = {}
    live = set(channels)
    marks = _SentMarks()
    try:
        while live and (budget is None or time.monotonic() - started < budget):
            moment = now or clock()
            with db.session() as s:
                marks.write(s)
                claimed = claim(s, now=moment, channels=sorted(live), limit=batch)
            if not claimed:
                break
            for index, (name, message) in enumerate(claimed):
                if name not in live:
                    continue
                channel = open_channels.get(name) or open_channels.setdefault(
                    name, channels[name]())
                try:
                    channel.send(message)
                except ChannelDown as exc:
                    live.discard(name)
                    outcome.down[name] = str(exc)
                    log.warning("outbox: %s channel unreachable: %s", name, exc)
                    rest = [m.id for n, m in claimed[index + 1:] if n == name]
                    with db.session() as s:
                        marks.write(s)
                        _failed(s, message.id, moment, exc, outcome)
                        outcome.released += _release(s, rest)
                    continue
                except SendFailure as exc:
                    with db.session() as s:
                        marks.write(s)
                        _failed(s, message.id, moment, exc, outcome)
                    continue
                marks.add(message.id, now or clock())
                outcome.sent += 1
                if marks.due():
                    with db.session() as s:
                        marks.write(s)
    finally:
        for channel in open_channels.values():
            channel.close()
        if marks.rows:
            with db.session() as s:
                marks.write(s)
    if outcome.sent or outcome.retry or outcome.failed:
        log.info("outbox: %s", outcome.line())
    return outcome
