"""The record of backup runs (table ``backup_runs``) and what the admin page says of it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from ..db import Database
from ..db.types import utcnow
from ..models import BackupRun
from ..services import audit
from ..services.actor import Actor

log = logging.getLogger(__name__)
#: Older than this, the last good backup is a warning on the admin page.
STALE = timedelta(days=1)


def record(db: Database, *, started_at: datetime, trigger: str, destination: str,
           size: int | None = None, sha256: str | None = None, encrypted: bool = False,
           error: str | None = None, pruned: int = 0) -> bool:
    """Record one run (and an audit event: a backup copies every record). False when it
    cannot be recorded (a database from before the table existed, a full disk): the backup
    itself stands or falls on its own."""
    try:
        if not inspect(db.engine).has_table(BackupRun.__tablename__):
            return False
        with db.session() as session:
            run = BackupRun(started_at=started_at, finished_at=utcnow(), trigger=trigger,
                            destination=destination[:500], size_bytes=size, sha256=sha256,
                            encrypted=encrypted, ok=error is None,
                            error=error[:500] if error else None, pruned=pruned)
            session.add(run)
            session.flush()
            audit.record(session, Actor.system("backup"), "backup", "database", run.id, None,
                         detail=f"{trigger}: {'ok' if error is None else 'failed'}",
                         outcome="ok" if error is None else "error")
        return True
    except Exception:  # never let the record hide the backup's own outcome
        log.exception("the backup run could not be recorded")
        return False


@dataclass(frozen=True)
class BackupStatus:
    last_good: BackupRun | None
    last: BackupRun | None
    #: Why the owner should look, or None when the last backup is recent and good.
    warning: str | None


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} days" if hours >= 48 else f"{hours} hours"


def status(session: Session, now: datetime | None = None) -> BackupStatus:
    """The last run and the last good one (one query, on the started-at indexes)."""
    now = now or utcnow()
    newest = (BackupRun.started_at.desc(), BackupRun.id.desc())
    last_id = select(BackupRun.id).order_by(*newest).limit(1).scalar_subquery()
    good_id = (select(BackupRun.id).where(BackupRun.ok.is_(True)).order_by(*newest)
               .limit(1).scalar_subquery())
    found = list(session.scalars(select(BackupRun).where(
        or_(BackupRun.id == last_id, BackupRun.id == good_id)).order_by(*newest)))
    last = found[0] if found else None
    good = next((run for run in found if run.ok), None)
    if last is None:
        warning = ("No backup has been taken yet. Run `vesalius backup -o FILE`, or start "
                   "`vesalius worker` with a backup destination.")
    elif not last.ok:
        warning = f"The last backup failed: {last.error or 'no reason recorded'}."
    elif good is not None and now - good.finished_at > STALE:
        warning = f"The last good backup is {_age(now - good.finished_at)} old."
    else:
        warning = None
    return BackupStatus(good, last, warning)
