"""Take a backup of a running clinic, and restore one into an empty database, verified."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..db.engine import database_url, make_engine
from ..db.types import utcnow
from ..services import audit_anchors
from . import archive
from .crypto import CorruptBackup
from .engines import (
    BackupError,
    engine_name,
    pg_restore,
    pg_snapshot,
    pg_tables,
    sqlite_path,
    sqlite_put_in_place,
    sqlite_reader,
    sqlite_snapshot,
    sqlite_tables,
)
from .manifest import BALANCES, FORMAT, FORMAT_VERSION, NOTES, Verification, collect, verify

log = logging.getLogger(__name__)


class NotEmpty(BackupError):
    """The restore target already holds tables; nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    encrypted: bool
    manifest: dict[str, Any]


def take(url: str | None, out: Path, key: bytes | None) -> BackupResult:
    """Back up the database at ``url`` (the clinic may keep working) into the new file
    ``out``: compressed, encrypted when ``key`` is given. Work files go beside ``out``
    (one copy of the database; the system's temporary folder may be too small)."""
    url = database_url(url)
    engine = engine_name(url)
    out = out.absolute()
    if out.exists():
        raise BackupError(f"{out} already exists: choose another file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".vesalius-backup-") as tmp:
        work = Path(tmp)
        if engine == "sqlite":
            snapshot = work / "database.sqlite3"
            sqlite_snapshot(url, snapshot)
            reader = sqlite_reader(snapshot)
            try:
                with reader.connect() as conn:
                    collected = collect(conn, engine, work)
                    head = audit_anchors.head(conn, check_schema=True)
            finally:
                reader.dispose()
        else:
            snapshot = work / "database.pgdump"
            live = make_engine(url, pool_size=1, max_overflow=0)
            try:
                with pg_snapshot(live, url, snapshot) as conn:
                    collected = collect(conn, engine, work)
                    head = audit_anchors.head(conn, check_schema=True)
            finally:
                live.dispose()
        manifest = collected.manifest | _anchored(url, head) | {
            "created_at": utcnow().isoformat(),
            "database": {"member": snapshot.name, "size": snapshot.stat().st_size,
                         "sha256": archive.file_sha256(snapshot)},
        }
        written = archive.write(out, manifest, [
            (snapshot.name, snapshot), (NOTES, collected.notes),
            (BALANCES, collected.balances)], key)
    return BackupResult(written.path, written.size, written.sha256, written.encrypted,
                        manifest)


def _anchored(url: str, head: audit_anchors.Anchor | None) -> dict[str, Any]:
    """The snapshot's chain head, signed, for the manifest, and appended to the clinic's
    anchors file (:mod:`vesalius.services.audit_anchors`). A backup is worth more than an
    anchor: one that cannot be written is logged and the backup goes on without it."""
    if head is None:
        return {}
    root = audit_anchors.data_dir(url)
    try:
        key = audit_anchors.load_key(root, create=True)
        assert key is not None  # made when missing
        path = root / audit_anchors.ANCHORS_FILE
        if audit_anchors.last_seq(path) != head.seq:
            audit_anchors.append(path, head, key)
    except (audit_anchors.AnchorError, OSError) as exc:
        log.warning("the backup carries no audit anchor: %s", exc)
        return {}
    return {"audit_anchor": head.signed(key)}


def anchor_key(url: str) -> bytes | None:
    """The key that checks a backup's anchor where it is restored (None: none here)."""
    try:
        return audit_anchors.load_key(audit_anchors.data_dir(url))
    except audit_anchors.AnchorError as exc:
        log.warning("the backup's audit anchor cannot be checked: %s", exc)
        return None


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    verification: Verification
    #: False when a SQLite copy failed verification and was not put in place.
    restored: bool


def target_tables(url: str) -> list[str]:
    if engine_name(url) == "sqlite":
        return sqlite_tables(sqlite_path(url))
    live = make_engine(url, pool_size=1, max_overflow=0)
    try:
        return pg_tables(live)
    finally:
        live.dispose()


def _refuse_non_empty(url: str) -> None:
    tables = target_tables(url)
    if tables:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
        raise NotEmpty(f"{shown} is not empty ({len(tables)} tables): a backup is restored "
                       "only into an empty database, so nothing was changed. Point "
                       "--database at a new SQLite file or an empty PostgreSQL database.")


def _check_manifest(manifest: dict[str, Any], engine: str,
                    members: dict[str, tuple[Path, str]]) -> Path:
    if manifest.get("format") != FORMAT:
        raise CorruptBackup("this is not a Vesalius backup (its manifest says otherwise)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"backup format {manifest.get('format_version')} is not known to "
                          f"this version of Vesalius (it reads format {FORMAT_VERSION})")
    if manifest["engine"] != engine:
        raise BackupError(f"this is a backup of a {manifest['engine']} database; restoring "
                          f"it into {engine} is not supported (restore it into "
                          f"{manifest['engine']})")
    database = manifest["database"]
    for name in (database["member"], NOTES, BALANCES):
        if name not in members:
            raise CorruptBackup(f"the backup has no {name}")
    path, digest = members[database["member"]]
    if digest != database["sha256"]:
        raise CorruptBackup(f"the database in the backup ({database['member']}) does not "
                            "match the SHA-256 in its manifest")
    return path


def restore(file: Path, url: str | None, key: bytes | None) -> RestoreResult:
    """Restore ``file`` into the empty database at ``url`` and verify it against the
    backup's manifest. A non-empty target is refused before anything is read
    (:class:`NotEmpty`); a damaged file before anything is written. On SQLite the copy is
    checked before it is moved into place, so a failed check changes nothing."""
    url = database_url(url)
    engine = engine_name(url)
    _refuse_non_empty(url)
    signer = anchor_key(url)
    if engine == "sqlite":
        target = sqlite_path(url).absolute()
        target.parent.mkdir(parents=True, exist_ok=True)
        workroot: Path | None = target.parent  # same file system: the final move is atomic
    else:
        workroot = None
    with tempfile.TemporaryDirectory(dir=workroot, prefix=".vesalius-restore-") as tmp:
        extracted = archive.extract(file, key, Path(tmp))
        manifest = extracted.manifest
        database = _check_manifest(manifest, engine, extracted.members)
        notes, balances = extracted.members[NOTES][0], extracted.members[BALANCES][0]
        if engine == "sqlite":
            reader = sqlite_reader(database)
            try:
                with reader.connect() as conn:
                    verification = verify(conn, manifest, notes, balances, signer)
            finally:
                reader.dispose()
            if verification.ok:
                sqlite_put_in_place(database, target)
            return RestoreResult(manifest, verification, verification.ok)
        live = make_engine(url, pool_size=1, max_overflow=0)
        try:
            pg_restore(live, url, database)
            with live.connect() as conn:
                verification = verify(conn, manifest, notes, balances, signer)
        finally:
            live.dispose()
        return RestoreResult(manifest, verification, True)
