"""The background worker's queue (huey) and its periodic jobs: the scheduled backup, the
audit chain's anchors and, when a channel is configured, sending the outbox
(``messaging.worker``).

The queue is a SQLite file by default (no extra server); ``VESALIUS_REDIS_URL``
(``redis://host:6379/0``) puts it on Redis instead (huey's RedisHuey).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from huey import Huey, RedisHuey, SqliteHuey, crontab

from ..db import Database
from .claims import tick
from .settings import Settings, schedule_fields

if TYPE_CHECKING:
    from ..messaging.channels import Channel

log = logging.getLogger(__name__)

REDIS_ENV = "VESALIUS_REDIS_URL"


def make_queue(settings: Settings, *, redis_url: str | None = None,
               immediate: bool = False) -> Huey:
    """Huey on Redis when ``redis_url`` is given, else on the SQLite file
    ``settings.worker_store``."""
    if redis_url:
        return RedisHuey("vesalius", url=redis_url, utc=True, immediate=immediate,
                         results=False)
    settings.worker_store.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("vesalius", filename=str(settings.worker_store), utc=True,
                      immediate=immediate, results=False)


def add_anchor_task(huey: Huey, url: str | None, minutes: int) -> None:
    """Anchor the audit chain's head every ``minutes`` (1 to 60) when it moved
    (:mod:`vesalius.services.audit_anchors`). Several workers may each write one: the
    file takes concurrent lines whole, and a repeated anchor is harmless."""
    from ..services import audit_anchors

    @functools.cache
    def db() -> Database:
        return Database(url)

    @huey.periodic_task(crontab(minute=f"*/{minutes}"), name="audit_anchor")
    def audit_anchor() -> None:
        with db().engine.connect() as conn:
            written = audit_anchors.anchor(conn, audit_anchors.data_dir(db().url))
        if written is not None:  # a position and a time, never what the events say
            log.info("audit chain anchored at position %d", written.seq)

    huey.audit_anchor_task = audit_anchor  # type: ignore[attr-defined]


def make_huey(settings: Settings, url: str | None = None, immediate: bool = False, *,
              redis_url: str | None = None, backups: bool = True,
              channels: Mapping[str, Callable[[], Channel]] | None = None,
              anchor_minutes: int = 0) -> Huey:
    """The worker's huey: when ``backups``, a look every minute at the backup schedule
    (``settings.schedule``, cron fields, UTC), claimed in the database so that one of
    several workers takes each due time (:mod:`.claims`); the audit chain's anchor every
    ``anchor_minutes`` (0: none); the outbox every minute when ``channels`` are given; and
    the FHIR Bulk Data exports every minute."""
    huey = make_queue(settings, redis_url=redis_url, immediate=immediate)
    if anchor_minutes:
        add_anchor_task(huey, url, anchor_minutes)
    if backups:
        schedule_fields(settings.schedule)  # a bad schedule fails now, not at the tick

        @functools.cache
        def db() -> Database:  # one engine per worker process, made in the one that uses it
            return Database(url)

        @huey.periodic_task(crontab(minute="*"), name="backup")
        def backup() -> None:
            outcome = tick(settings, db(), url=url).outcome
            if outcome is not None:  # where and how big, never what is inside
                log.info("backup stored at %s (%d bytes, %d older pruned)",
                         outcome.location, outcome.size, len(outcome.pruned))

        huey.backup_task = backup  # type: ignore[attr-defined]
    if channels:
        from ..messaging.worker import add_outbox_task

        add_outbox_task(huey, url, channels)
    from ..fhir.bulk_worker import add_export_task

    add_export_task(huey, url)  # FHIR Bulk Data exports: always (they need no settings)
    return huey
