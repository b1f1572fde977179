"""Per engine: a consistent copy of a running database, whether a target is empty, and
putting a copy back.

SQLite: the online backup API (``sqlite3.Connection.backup`` in one step holds a read
transaction, which in WAL mode never blocks the clinic's writers). PostgreSQL: ``pg_dump``
in custom format from a snapshot exported by our own repeatable-read transaction, so the
manifest is counted from exactly what is dumped; ``pg_restore`` in one transaction.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, inspect
from sqlalchemy.engine import URL, make_url

from ..db.engine import database_url

PG_BINDIR_ENV = "VESALIUS_PG_BINDIR"


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with a message for the person running it."""


def sqlite_path(url: str) -> Path:
    name = make_url(url).database
    if name in (None, "", ":memory:") or str(name).startswith("file:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(str(name))


def engine_name(url: str) -> str:
    backend = make_url(database_url(url)).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {backend} databases are not supported")
    return backend


# -- SQLite ----------------------------------------------------------------------------------


def sqlite_snapshot(url: str, dest: Path) -> None:
    """Copy the live database at ``url`` into the new file ``dest``, consistently."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        src.backup(dst)  # pages=-1: one step, one read snapshot
        # The copy is one self-contained file (the source's WAL mode would need a -wal).
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def sqlite_reader(path: Path) -> Engine:
    """A read-only engine on a SQLite file (a snapshot or a restore being checked)."""
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(
        f"file:{path}?mode=ro", uri=True, check_same_thread=False))


def sqlite_tables(path: Path) -> list[str]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    finally:
        conn.close()


def sqlite_put_in_place(restored: Path, target: Path) -> None:
    """Move a checked copy onto ``target`` (which must still be empty), durably."""
    if sqlite_tables(target):
        raise BackupError(f"{target} gained tables during the restore: nothing was changed")
    for stale in (Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")):
        stale.unlink(missing_ok=True)  # left by the empty database; would corrupt the copy
    os.chmod(restored, 0o600)
    with restored.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(restored, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- PostgreSQL ------------------------------------------------------------------------------


def _major(text: str) -> int:
    """The major version in ``pg_dump (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)``."""
    found = re.search(r"\)\s*(\d+)", text) or re.search(r"(\d+)", text)
    if not found:
        raise BackupError(f"cannot read a PostgreSQL version from {text!r}")
    return int(found.group(1))


def _candidates(tool: str) -> Iterator[Path]:
    if os.environ.get(PG_BINDIR_ENV):
        yield Path(os.environ[PG_BINDIR_ENV]) / tool
        return
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                timeout=10).stdout.strip()
        if bindir:
            yield Path(bindir) / tool
    except (OSError, subprocess.SubprocessError):
        pass
    for found in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True):
        yield Path(found)
    on_path = shutil.which(tool)
    if on_path:
        yield Path(on_path)


def pg_tool(tool: str, major: int) -> Path:
    """The newest ``pg_dump`` / ``pg_restore`` found (``VESALIUS_PG_BINDIR``, ``pg_config
    --bindir``, ``/usr/lib/postgresql/*/bin``, ``PATH``) that is at least the server's
    major version: an older one refuses to dump a newer server."""
    seen: dict[Path, int] = {}
    for path in _candidates(tool):
        if path in seen or not os.access(path, os.X_OK):
            continue
        try:
            out = subprocess.run([str(path), "--version"], capture_output=True, text=True,
                                 timeout=10).stdout
            seen[path] = _major(out)
        except (OSError, subprocess.SubprocessError, BackupError):
            continue
    usable = sorted(((v, p) for p, v in seen.items() if v >= major), reverse=True)
    if usable:
        return usable[0][1]
    if not seen:
        raise BackupError(f"{tool} was not found: install the PostgreSQL client "
                          f"(postgresql-client-{major}) or set {PG_BINDIR_ENV}")
    found = ", ".join(f"{p} ({v})" for p, v in seen.items())
    raise BackupError(f"{tool} {major} or newer is needed for this PostgreSQL {major} "
                      f"server; found only {found}: install postgresql-client-{major} or "
                      f"set {PG_BINDIR_ENV}")


def server_major(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the tools, and the environment carrying the password
    (never on a command line, where other users of the machine could read it)."""
    parsed: URL = make_url(database_url(url))
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: " + ("; ".join(detail[-3:]) or
                                                f"exit code {done.returncode}"))


@contextmanager
def pg_snapshot(engine: Engine, url: str, dest: Path) -> Iterator[Connection]:
    """Dump the database into ``dest`` from one snapshot and yield a connection that sees
    that same snapshot (for the manifest)."""
    with engine.connect() as probe:
        tool = pg_tool("pg_dump", server_major(probe))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            target, env = libpq(url)
            # -Z0: the archive is gzip-compressed as a whole.
            _run([str(tool), "--format=custom", "-Z0", f"--snapshot={snapshot}",
                  f"--file={dest}", f"--dbname={target}"], env, "pg_dump")
            yield conn


def pg_tables(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return inspect(conn).get_table_names()


def pg_restore(engine: Engine, url: str, dump: Path) -> None:
    with engine.connect() as conn:
        tool = pg_tool("pg_restore", server_major(conn))
    target, env = libpq(url)
    # One transaction: a failure leaves the (empty) database as it was. Roles of the source
    # server need not exist here: objects belong to the user restoring them.
    _run([str(tool), "--single-transaction", "--exit-on-error", "--no-owner",
          "--no-privileges", f"--dbname={target}", str(dump)], env, "pg_restore")
