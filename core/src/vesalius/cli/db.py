"""``vesalius db``: create or upgrade the clinic database."""

from __future__ import annotations

import os
from pathlib import Path

import click
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from ..db import Database
from ..db.engine import is_sqlite
from ..db.migrate import current, head, upgrade
from ..db.types import utcnow
from .output import emit_json, fail


@click.group("db")
def command() -> None:
    """The clinic database (SQLite by default; VESALIUS_DATABASE_URL for PostgreSQL)."""


def _default_backup_folder(url: str) -> Path:
    """VESALIUS_BACKUP_DIR, else ``backups/`` beside the SQLite file, else ``./backups``."""
    if os.environ.get("VESALIUS_BACKUP_DIR"):
        return Path(os.environ["VESALIUS_BACKUP_DIR"])
    if is_sqlite(url):
        name = make_url(url).database
        if name and name != ":memory:":
            return Path(name).absolute().parent / "backups"
    return Path("backups")


@command.command("upgrade")
@click.option("--database", "url", metavar="URL", help="Database URL (default: "
              "VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
@click.option("--backup-to", type=click.Path(path_type=Path), metavar="PATH",
              help="Where the backup taken first goes: a folder, or a file name ending in "
                   ".tar.gz / .tar.gz.enc (default: VESALIUS_BACKUP_DIR, else backups/ "
                   "beside the SQLite file, else ./backups).")
@click.option("--no-backup", is_flag=True, help="Migrate without taking a backup first.")
def upgrade_command(url: str | None, backup_to: Path | None, no_backup: bool) -> None:
    """Create the schema, or bring it to the newest migration, after a backup (encrypted
    when VESALIUS_BACKUP_KEY_FILE or VESALIUS_BACKUP_KEY is set)."""
    migrate_with_backup(url, backup_to, no_backup)


def migrate_with_backup(url: str | None, backup_to: Path | None = None,
                        no_backup: bool = False, *, quiet: bool = False) -> None:
    """Bring the database to the newest migration, taking a backup first when it holds a
    clinic (``vesalius db upgrade``, and ``vesalius serve`` before its workers start);
    ``quiet`` says nothing when there is nothing to do."""
    db = Database(url)
    before = current(db.engine)
    shown = db.engine.url.render_as_string(hide_password=True)
    has_tables = bool(inspect(db.engine).get_table_names())
    if before == head():
        if not quiet:
            click.echo(f"{shown}: already at {before}, nothing to do")
        db.dispose()
        return
    if no_backup:
        click.echo("No backup taken (--no-backup).")
    elif not has_tables:
        click.echo("Empty database: nothing to back up.")
    else:
        from ..backup import BackupError, BackupKeyError
        from ..backup.crypto import load_key
        from ..backup.policy import backup_name
        from .backup import backup_to as take_backup

        target = backup_to or _default_backup_folder(db.url)
        if target.suffix not in (".gz", ".enc"):
            try:
                encrypted = load_key() is not None
            except BackupKeyError as exc:
                db.dispose()
                fail(f"{exc}; nothing was migrated", 1)
            target = target / backup_name(utcnow(), encrypted).replace(
                "vesalius-", f"vesalius-before-{before}-", 1)
        try:
            taken = take_backup(db.url, target, None, False, "upgrade")
        except (BackupError, BackupKeyError, OSError) as exc:
            db.dispose()
            fail(f"the backup before the upgrade failed: {exc}. Nothing was migrated; fix "
                 "the backup, or migrate without one: vesalius db upgrade --no-backup", 1)
        click.echo(f"Backup before the upgrade: {taken.line}")
    upgrade(db.engine)
    if not no_backup and has_tables and not taken.recorded:
        taken.record()  # the run table came with this upgrade
    after = current(db.engine)
    click.echo(f"{shown}: {before or 'empty'} -> {after}")
    db.dispose()


@command.command("status")
@click.option("--database", "url", metavar="URL")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def status_command(url: str | None, as_json: bool) -> None:
    """Show the database's migration and the newest one."""
    db = Database(url)
    data = {"url": db.engine.url.render_as_string(hide_password=True),
            "current": current(db.engine), "head": head()}
    db.dispose()
    if as_json:
        emit_json(data)
    else:
        state = "up to date" if data["current"] == data["head"] else "needs `vesalius db upgrade`"
        click.echo(f"{data['url']}: at {data['current'] or 'nothing'}, newest {data['head']} "
                   f"({state})")
