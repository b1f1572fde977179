"""Backup settings, from environment variables (documented in the README's "Backups")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from ..db.engine import database_url, is_sqlite
from .policy import Retention

DEFAULT_SCHEDULE = "30 2 * * *"  # 02:30 UTC every day


class SettingsError(ValueError):
    """A backup setting that cannot be used, naming the variable."""


@dataclass(frozen=True)
class Settings:
    #: ``VESALIUS_BACKUP_DIR``: a folder to keep backups in.
    directory: Path | None = None
    #: ``VESALIUS_BACKUP_S3_URL``: ``s3://bucket/prefix`` in an S3-compatible store.
    s3_url: str | None = None
    #: ``VESALIUS_BACKUP_S3_ENDPOINT``: the store's address when it is not AWS.
    s3_endpoint: str | None = None
    #: ``VESALIUS_BACKUP_SCHEDULE``: when the worker backs up, as cron's five fields (UTC).
    schedule: str = DEFAULT_SCHEDULE
    retention: Retention = field(default_factory=Retention)
    #: ``VESALIUS_WORKER_STORE``: the worker's own queue file (SQLite).
    worker_store: Path = Path("vesalius-worker.sqlite3")
    #: ``VESALIUS_BACKUP_STAGING``: where an S3 backup is written before it is uploaded.
    staging: Path | None = None
    #: ``VESALIUS_BACKUP_CLAIM_TIMEOUT`` (minutes): a scheduled run's claim not renewed for
    #: this long (its worker died) is retaken by another worker (``backup.claims``).
    claim_timeout: timedelta = timedelta(minutes=15)

    @property
    def destination_label(self) -> str | None:
        return self.s3_url or (str(self.directory) if self.directory else None)


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise SettingsError(f"{name}={text!r}: give a whole number of 0 or more")
    return int(text)


def schedule_fields(text: str) -> tuple[str, str, str, str, str]:
    """Cron's five fields (minute hour day month weekday), checked by huey's crontab."""
    from huey import crontab

    fields = text.split()
    if len(fields) != 5:
        raise SettingsError(f"VESALIUS_BACKUP_SCHEDULE={text!r}: give five fields, "
                            "minute hour day month weekday (e.g. '30 2 * * *')")
    try:
        crontab(*fields, strict=True)
    except ValueError as exc:
        raise SettingsError(f"VESALIUS_BACKUP_SCHEDULE={text!r}: {exc}") from None
    return fields[0], fields[1], fields[2], fields[3], fields[4]


def from_env(env: Mapping[str, str] | None = None, url: str | None = None) -> Settings:
    env = os.environ if env is None else env
    directory = env.get("VESALIUS_BACKUP_DIR") or None
    s3_url = env.get("VESALIUS_BACKUP_S3_URL") or None
    if s3_url and not s3_url.startswith("s3://"):
        raise SettingsError(f"VESALIUS_BACKUP_S3_URL={s3_url!r}: give s3://bucket/prefix")
    if directory and s3_url:
        raise SettingsError("set VESALIUS_BACKUP_DIR or VESALIUS_BACKUP_S3_URL, not both")
    schedule = env.get("VESALIUS_BACKUP_SCHEDULE") or DEFAULT_SCHEDULE
    schedule_fields(schedule)
    url = database_url(url)
    store = env.get("VESALIUS_WORKER_STORE")
    if not store:
        # Beside the clinic's SQLite file; else in the working folder.
        parent = (Path(str(make_url(url).database)).parent if is_sqlite(url)
                  and make_url(url).database not in (None, "", ":memory:") else Path("."))
        store = str(parent / "vesalius-worker.sqlite3")
    return Settings(
        directory=Path(directory) if directory else None, s3_url=s3_url,
        s3_endpoint=env.get("VESALIUS_BACKUP_S3_ENDPOINT") or None, schedule=schedule,
        retention=Retention(daily=_count(env, "VESALIUS_BACKUP_KEEP_DAILY", 7),
                            weekly=_count(env, "VESALIUS_BACKUP_KEEP_WEEKLY", 4),
                            monthly=_count(env, "VESALIUS_BACKUP_KEEP_MONTHLY", 12)),
        worker_store=Path(store),
        staging=Path(env["VESALIUS_BACKUP_STAGING"]) if env.get("VESALIUS_BACKUP_STAGING")
        else None,
        claim_timeout=timedelta(minutes=max(1, _count(env, "VESALIUS_BACKUP_CLAIM_TIMEOUT",
                                                      15))))
