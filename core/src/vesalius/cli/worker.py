"""``vesalius worker``: the background worker (huey), which takes the scheduled backups."""

from __future__ import annotations

import logging

import click

from ..backup.settings import SettingsError, from_env
from .backup import DATABASE_HELP
from .output import fail


@click.command("worker")
@click.option("--database", "url", metavar="URL", help=DATABASE_HELP)
def command(url: str | None) -> None:
    """Run the background worker until stopped (Ctrl-C, SIGTERM). It backs up on
    VESALIUS_BACKUP_SCHEDULE (cron fields, UTC; default 30 2 * * *) to VESALIUS_BACKUP_DIR
    or VESALIUS_BACKUP_S3_URL and prunes by VESALIUS_BACKUP_KEEP_DAILY/WEEKLY/MONTHLY. Its
    queue is a SQLite file (VESALIUS_WORKER_STORE; default beside the clinic's database)."""
    from ..backup.destinations import destination
    from ..backup.worker import make_huey

    try:
        settings = from_env(url=url)
        destination(settings)  # a missing or malformed destination fails now, not at 02:30
    except SettingsError as exc:
        fail(str(exc))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    huey = make_huey(settings, url)
    click.echo(f"Worker: backups on '{settings.schedule}' (UTC) to "
               f"{settings.destination_label}; keep {settings.retention.daily} daily, "
               f"{settings.retention.weekly} weekly, {settings.retention.monthly} monthly; "
               f"queue {settings.worker_store}")
    huey.create_consumer(workers=1, periodic=True).run()
