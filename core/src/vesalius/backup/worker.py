"""The background worker's queue (huey, stored in a SQLite file: no extra server) and its
periodic backup."""

from __future__ import annotations

import logging

from huey import SqliteHuey, crontab

from .scheduled import run
from .settings import Settings, schedule_fields

log = logging.getLogger(__name__)


def make_huey(settings: Settings, url: str | None = None, immediate: bool = False
              ) -> SqliteHuey:
    """A huey instance with the backup task on ``settings.schedule`` (cron fields, UTC)."""
    settings.worker_store.parent.mkdir(parents=True, exist_ok=True)
    huey = SqliteHuey("vesalius", filename=str(settings.worker_store), utc=True,
                      immediate=immediate, results=False)

    @huey.periodic_task(crontab(*schedule_fields(settings.schedule), strict=True),
                        name="backup", retries=2, retry_delay=600)
    def backup() -> None:
        outcome = run(settings, url, trigger="worker")
        # Where and how big, never what is inside.
        log.info("backup stored at %s (%d bytes, %d older pruned)", outcome.location,
                 outcome.size, len(outcome.pruned))

    huey.backup_task = backup  # type: ignore[attr-defined]
    return huey
