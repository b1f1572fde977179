"""When the database cannot store a write: what it means, and the last time it happened.

A write refused for lack of storage (the disk or the database's size cap is full, the
database file or server is read-only, the disk reports an I/O error) is rolled back whole
like any failed unit of work; :func:`cause` names it so the API and the pages can say why
(507 for a full disk, 503 otherwise) instead of a bare 500, and :func:`remember` keeps the
last one for the admin page. Reads go on; a read of a clinical record writes its audit row,
so once not even that row finds room it is refused the same way (a record is never shown
without its access being logged). The status lives in this process and, best effort, in a small
file in the temp directory, so every worker's admin page sees a failure any worker met
(when the temp directory shares the full disk, each process still knows its own).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger("vesalius.storage")

#: What each cause means to the person whose change was refused.
MESSAGES = {
    "disk-full": "The server's disk is full, so this change was not saved (nothing of it "
                 "was half-saved). Ask the administrator to free space.",
    "read-only": "The database is read-only at the moment, so this change was not saved "
                 "(nothing of it was half-saved). Ask the administrator.",
    "io-error": "The server's disk reported an error, so this change was not saved (nothing "
                "of it was half-saved). Ask the administrator to check the disk.",
}
#: The HTTP status of each cause (507 Insufficient Storage, RFC 4918 section 11.5).
STATUS = {"disk-full": 507, "read-only": 503, "io-error": 503}

# SQLite's primary result codes (https://www.sqlite.org/rescode.html).
_SQLITE = {13: "disk-full", 8: "read-only", 10: "io-error"}
# PostgreSQL's SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html):
# 53100 disk_full, 25006 read_only_sql_transaction, 58030 io_error.
_POSTGRES = {"53100": "disk-full", "25006": "read-only", "58030": "io-error"}


@dataclass(frozen=True)
class StorageFailure:
    """One refused write: its cause (a key of :data:`MESSAGES`), when, and which request."""

    cause: str
    at: datetime
    where: str

    @property
    def message(self) -> str:
        return MESSAGES[self.cause]


def cause(exc: BaseException) -> str | None:
    """``disk-full``, ``read-only`` or ``io-error`` when ``exc`` (a SQLAlchemy or driver
    error) means the database could not store a write; None for any other error."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE.get(code & 0xFF)
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _POSTGRES.get(sqlstate)
    return None


_lock = threading.Lock()
_last: StorageFailure | None = None


def _status_file(database_url: str) -> Path:
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"vesalius-storage-{digest}.json"


def remember(database_url: str, failure_cause: str, where: str) -> StorageFailure:
    """Keep this failure as the last one (this process, and the status file if it can)."""
    global _last
    failure = StorageFailure(failure_cause, datetime.now(UTC), where[:200])
    with _lock:
        _last = failure
    log.error("write refused: %s (%s)", failure_cause, failure.where)
    try:
        path = _status_file(database_url)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(failure) | {"at": failure.at.isoformat()}))
        tmp.replace(path)
    except OSError:
        pass  # the temp directory is on the full disk: this process still knows
    return failure


def last(database_url: str) -> StorageFailure | None:
    """The latest failure this process met or the status file records, if any."""
    found = [_last] if _last is not None else []
    try:
        data = json.loads(_status_file(database_url).read_text())
        if data.get("cause") in MESSAGES:
            found.append(StorageFailure(data["cause"], datetime.fromisoformat(data["at"]),
                                        str(data.get("where", ""))))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return max(found, key=lambda f: f.at) if found else None


def forget(database_url: str) -> None:
    """Clear the status (the administrator fixed the disk; tests)."""
    global _last
    with _lock:
        _last = None
    _status_file(database_url).unlink(missing_ok=True)
