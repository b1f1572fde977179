"""``vesalius worker``: the background worker (huey), which takes the scheduled backups and
sends the outbox."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

import click

from ..backup.settings import SettingsError, from_env
from .backup import DATABASE_HELP
from .output import fail


def _channels() -> dict:  # type: ignore[type-arg]
    from ..messaging.channels import ChannelSettingsError, factories

    try:
        return factories()
    except ChannelSettingsError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--now: {text!r} is not an ISO date and time (e.g. 2026-12-07T08:00:00Z)")
        raise
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@click.command("worker")
@click.option("--database", "url", metavar="URL", help=DATABASE_HELP)
@click.option("--once", is_flag=True,
              help="Run the FHIR exports waiting and send the outbox's due messages now, "
                   "then exit (for cron and tests).")
@click.option("--now", "now_text", metavar="ISO",
              help="With --once: what counts as due is judged at this time (UTC unless "
                   "the time says otherwise), e.g. 2026-12-07T08:00:00Z.")
def command(url: str | None, once: bool, now_text: str | None) -> None:
    """Run the background worker until stopped (Ctrl-C, SIGTERM).

    It sends the outbox every minute on the configured channels (e-mail: VESALIUS_SMTP_URL
    and VESALIUS_MAIL_FROM; SMS: VESALIUS_SMS_URL and VESALIUS_SMS_FROM), backs up on
    VESALIUS_BACKUP_SCHEDULE (cron fields, UTC; default 30 2 * * *) to VESALIUS_BACKUP_DIR
    or VESALIUS_BACKUP_S3_URL, pruning by VESALIUS_BACKUP_KEEP_DAILY/WEEKLY/MONTHLY (several
    workers on one database take one backup per due time: each claims it there),
    every minute runs the FHIR Bulk Data exports clients asked for (files under
    VESALIUS_DATA_DIR), and every VESALIUS_AUDIT_ANCHOR_MINUTES (default 10; 0: never)
    anchors the audit chain's head in VESALIUS_DATA_DIR/audit-anchors.jsonl when it moved.
    Its queue is a SQLite file (VESALIUS_WORKER_STORE; default beside the clinic's
    database), or Redis when VESALIUS_REDIS_URL is set.
    """
    from ..backup.destinations import destination
    from ..backup.worker import REDIS_ENV, make_huey

    if now_text is not None and not once:
        fail("--now is for --once (the running worker follows the clock)")
    channels = _channels()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if once:
        _run_once(url, channels, _moment(now_text))
        return
    try:
        settings = from_env(url=url)
    except SettingsError as exc:
        fail(str(exc))
    backups = bool(settings.directory or settings.s3_url)
    if backups:
        try:
            destination(settings)  # a malformed destination fails now, not at 02:30
        except SettingsError as exc:
            fail(str(exc))
    from ..services.audit_anchors import AnchorError, minutes

    try:
        anchor_minutes = minutes()
    except AnchorError as exc:
        fail(str(exc))
    redis_url = os.environ.get(REDIS_ENV) or None
    huey = make_huey(settings, url, redis_url=redis_url, backups=backups, channels=channels,
                     anchor_minutes=anchor_minutes)
    if backups:
        click.echo(f"Worker: backups on '{settings.schedule}' (UTC) to "
                   f"{settings.destination_label}; keep {settings.retention.daily} daily, "
                   f"{settings.retention.weekly} weekly, {settings.retention.monthly} "
                   "monthly; each due time claimed in the database (one run across workers)")
    else:
        click.echo("Worker: no backups (no VESALIUS_BACKUP_DIR or VESALIUS_BACKUP_S3_URL)")
    if channels:
        labels = "; ".join(f"{name}: {make().label}" for name, make in channels.items())
        click.echo(f"Worker: the outbox every minute ({labels})")
        huey.outbox_task()  # type: ignore[attr-defined]  # what is due now, not at :00
    else:
        click.echo("Worker: no messages sent (no VESALIUS_SMTP_URL or VESALIUS_SMS_URL); "
                   "they wait in the outbox")
    if anchor_minutes:
        click.echo(f"Worker: the audit chain anchored every {anchor_minutes} minutes when it "
                   "moved")
        huey.audit_anchor_task()  # type: ignore[attr-defined]  # one now, not at :00
    else:
        click.echo("Worker: no audit anchors (VESALIUS_AUDIT_ANCHOR_MINUTES=0)")
    click.echo("Worker: FHIR Bulk Data exports every minute")
    huey.fhir_export_task()  # type: ignore[attr-defined]  # one queued now, not at :00
    click.echo(f"Worker: queue {'Redis' if redis_url else settings.worker_store}")
    # SIGTERM (systemd's stop, docker stop) lets the task at hand finish: a run stops
    # starting batches within a minute, so nothing is left "sending" by a routine restart.
    huey.create_consumer(workers=1, periodic=True, graceful_signal="TERM").run()


def _run_once(url: str | None, channels: dict, now: datetime | None) -> None:  # type: ignore[type-arg]
    """One run for cron: the FHIR exports clients are waiting for, then the outbox's due
    messages (when a channel is set; else they wait, and it says so)."""
    from ..db import Database
    from ..fhir.bulk import run_pending
    from ..messaging.sender import send_due

    database = Database(url)
    try:
        exports = run_pending(database)  # by the clock: --now judges messages only
        outcome = send_due(database, channels, now=now) if channels else None
    finally:
        database.dispose()
    if exports:
        click.echo(f"FHIR exports: {len(exports)} run ("
                   + ", ".join(f"{exports.count(s)} {s}" for s in sorted(set(exports))) + ")")
    if outcome is None:
        click.echo("Outbox: no message channel (set VESALIUS_SMTP_URL and VESALIUS_MAIL_FROM, "
                   "or VESALIUS_SMS_URL and VESALIUS_SMS_FROM); messages wait in the outbox")
        return
    click.echo(f"Outbox: {outcome.line()}")
    if outcome.down:
        raise SystemExit(1)  # cron mails the operator: a channel is down
