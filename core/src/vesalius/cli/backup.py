"""``vesalius backup``: back up the running clinic; make a key; run a scheduled backup now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from ..backup import BackupError, BackupKeyError, take
from ..backup.crypto import key_id, load_key, new_key, write_key_file
from ..backup.settings import SettingsError
from ..db import Database
from ..db.engine import database_url
from ..db.types import utcnow
from .output import fail

DATABASE_HELP = "Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3)."
KEY_HELP = ("Encrypt with the key in this file (default: VESALIUS_BACKUP_KEY_FILE, else "
            "VESALIUS_BACKUP_KEY; without a key the backup is not encrypted).")


def size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def describe(manifest: dict[str, object]) -> str:
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    return (f"{len(tables)} tables, {sum(tables.values())} rows, "
            f"{manifest['signed_notes']} signed notes, "
            f"{manifest['patients_with_balances']} patients with balances")


@dataclass(frozen=True)
class Taken:
    line: str
    #: False when the run could not be recorded (a database from before the table).
    recorded: bool
    record: Callable[[], bool]


def backup_to(url: str | None, output: Path, key_file: Path | None, no_encrypt: bool,
              trigger: str) -> Taken:
    """Take a backup to ``output`` and record the run. Raises :class:`BackupError` /
    :class:`BackupKeyError` on failure (recorded too)."""
    from ..backup import runs

    started = utcnow()
    db = Database(url)
    try:
        key = None if no_encrypt else load_key(key_file)
        result = take(db.url, output, key)
    except Exception as exc:
        runs.record(db, started_at=started, trigger=trigger, destination=str(output),
                    error=f"{type(exc).__name__}: {exc}")
        db.dispose()
        raise

    def record() -> bool:
        later = Database(db.url)
        try:
            return runs.record(later, started_at=started, trigger=trigger,
                               destination=str(result.path), size=result.size,
                               sha256=result.sha256, encrypted=result.encrypted)
        finally:
            later.dispose()

    db.dispose()
    how = f"encrypted, key id {key_id(key)}" if key else "NOT encrypted"
    return Taken(f"{result.path} ({size_text(result.size)}, {how}): "
                 f"{describe(result.manifest)}; sha256 {result.sha256}", record(), record)


@click.group("backup", invoke_without_command=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="The backup file to write (it must not exist yet).")
@click.option("--database", "url", metavar="URL", help=DATABASE_HELP)
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False), help=KEY_HELP)
@click.option("--no-encrypt", is_flag=True, help="Do not encrypt, even with a key set.")
@click.pass_context
def command(ctx: click.Context, output: Path | None, url: str | None, key_file: Path | None,
            no_encrypt: bool) -> None:
    """Back up the clinic database while it runs: `vesalius backup -o FILE`.

    The file is a compressed tar stream (encrypted with AES-256-GCM when a key is given)
    holding the database and a manifest that `vesalius restore` verifies against."""
    if ctx.invoked_subcommand is not None:
        return
    if output is None:
        fail("give the file to write: vesalius backup -o FILE")
    shown = make_url(database_url(url)).render_as_string(hide_password=True)
    try:
        line = backup_to(url, output, key_file, no_encrypt, "command").line
    except (BackupError, BackupKeyError) as exc:
        fail(f"the backup of {shown} failed: {exc}", 1)
    click.echo(f"Backed up {shown} to {line}")
    if "NOT encrypted" in line:
        click.echo("The file holds patient records unencrypted: keep it as safe as the "
                   "database, or make a key with `vesalius backup keygen`.", err=True)


@command.command("keygen")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def keygen_command(path: Path) -> None:
    """Write a new random backup key to PATH (readable by you only; never overwritten)."""
    key = new_key()
    try:
        write_key_file(path, key)
    except FileExistsError:
        fail(f"{path} already exists: a key is never overwritten (backups made with it "
             "could no longer be read)")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}")
    click.echo(f"Wrote backup key {path} (key id {key_id(key)}). Use it with "
               f"VESALIUS_BACKUP_KEY_FILE={path}, and keep a copy away from the backups: "
               "without it they cannot be restored.")


@command.command("now")
@click.option("--database", "url", metavar="URL", help=DATABASE_HELP)
def now_command(url: str | None) -> None:
    """Run the worker's scheduled backup at once: to VESALIUS_BACKUP_DIR or
    VESALIUS_BACKUP_S3_URL, then prune by the VESALIUS_BACKUP_KEEP_* policy."""
    from ..backup import scheduled, settings

    try:
        outcome = scheduled.run(settings.from_env(url=url), url, trigger="command")
    except (BackupError, BackupKeyError, SettingsError) as exc:
        fail(f"the backup failed: {exc}", 1)
    except Exception as exc:  # the store's own errors (network, permissions)
        fail(f"the backup failed: {type(exc).__name__}: {exc}", 1)
    click.echo(f"Backed up to {outcome.location} ({size_text(outcome.size)}, "
               f"{'encrypted' if outcome.encrypted else 'NOT encrypted'}); "
               f"pruned {len(outcome.pruned)} older backups")
    for name in outcome.pruned:
        click.echo(f"  deleted {name}")
