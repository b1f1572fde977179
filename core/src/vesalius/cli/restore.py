"""``vesalius restore FILE``: restore a backup into an empty database, then verify it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from ..backup import BackupError, BackupKeyError, CorruptBackup, NotEmpty, restore
from ..backup.crypto import load_key
from ..db.engine import database_url
from .backup import DATABASE_HELP
from .output import fail


@click.command("restore")
@click.argument("file")
@click.option("--database", "url", metavar="URL", help=DATABASE_HELP)
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False),
              help="The key of an encrypted backup (default: VESALIUS_BACKUP_KEY_FILE, "
                   "else VESALIUS_BACKUP_KEY).")
@click.option("--s3-endpoint", metavar="URL", envvar="VESALIUS_BACKUP_S3_ENDPOINT",
              help="For FILE as s3://bucket/key: the store's address when it is not AWS.")
def command(file: str, url: str | None, key_file: Path | None, s3_endpoint: str | None
            ) -> None:
    """Restore the backup FILE (a path or s3://bucket/key) into an EMPTY database and
    verify it: row counts, every signed note's SHA-256, balances per patient, the audit
    chain. A database that already has tables is refused and left untouched. Backups are
    restored into the engine they came from (SQLite to SQLite, PostgreSQL to PostgreSQL)."""
    shown = make_url(database_url(url)).render_as_string(hide_password=True)
    try:
        key = load_key(key_file)
        with tempfile.TemporaryDirectory(prefix="vesalius-fetch-") as tmp:
            path = Path(file)
            if file.startswith("s3://"):
                from ..backup.destinations import from_location

                store, name = from_location(file, s3_endpoint)
                path = Path(tmp) / name
                store.get(name, path)
            elif not path.is_file():
                fail(f"there is no backup file {file}")
            result = restore(path, url, key)
    except NotEmpty as exc:
        fail(str(exc), 1)
    except (BackupError, BackupKeyError, CorruptBackup) as exc:
        fail(f"nothing was restored into {shown}: {exc}", 1)
    manifest = result.manifest
    click.echo(f"Backup of {manifest['created_at']} ({manifest['engine']}, schema "
               f"{manifest['revisions'].get('core')}):")
    for line in result.verification.lines():
        click.echo(f"  {line}")
    if not result.verification.ok:
        if result.restored:
            fail(f"restored into {shown}, but it does NOT match the backup (above): do not "
                 "use it; empty the database before trying again", 1)
        fail(f"the backup does not verify (above): nothing was restored into {shown}", 1)
    click.echo(f"Restored into {shown} and verified.")
