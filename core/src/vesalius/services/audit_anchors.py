"""Anchors of the audit chain, kept outside the database: they detect a cut tail.

The chain (:mod:`.audit`) shows a changed, deleted or reordered event, but someone who can
write to the database may delete the newest events (the tail) and leave a shorter chain
that holds. An anchor is a signed note of the chain's head at a moment, as tamper-evident
logs publish "signed tree heads" or checkpoints (RFC 6962, section 3.5): its position
``seq``, its ``hash`` and the time ``at``, with an HMAC-SHA256 over them. A later check
that finds no event at ``seq``, or another hash there, shows the log was cut or rewritten
after ``at``. Only positions, hashes and times are anchored: never clinical content.

The HMAC key is not in the database: it is derived (HKDF-SHA256, its own label) from
``VESALIUS_SECRET_KEY`` when set, else from the key file ``audit-anchor.key`` in the
clinic's data folder (``VESALIUS_DATA_DIR``; made once, mode 0600). Anchors go to the
append-only file ``audit-anchors.jsonl`` in that folder (one JSON line each, fsync'd) and
into every backup's manifest. Several workers may append at once: each line is one
``write`` on a file opened ``O_APPEND`` (on Linux one append is not interleaved with
another on a local file system), under an exclusive ``flock`` as well (network file
systems do not honour ``O_APPEND``), so a line is never torn by another writer.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect

from ..db.types import utcnow

ANCHORS_FILE = "audit-anchors.jsonl"
KEY_FILE = "audit-anchor.key"
SECRET_ENV = "VESALIUS_SECRET_KEY"
#: Minutes between the worker's anchors (0: none); an anchor is written only when the
#: head moved since the last one.
MINUTES_ENV = "VESALIUS_AUDIT_ANCHOR_MINUTES"
DEFAULT_MINUTES = 10
_LABEL = b"vesalius-audit-anchor-v1"
_HEAD = "SELECT seq, hash FROM audit_events ORDER BY id DESC LIMIT 1"


class AnchorError(Exception):
    """The anchor key or file cannot be used (named with the path or variable)."""


@dataclass(frozen=True)
class Anchor:
    """The chain's head at ``at``: the event at position ``seq`` had hash ``hash``."""

    seq: int
    hash: str
    at: datetime

    def message(self) -> bytes:
        """What the HMAC covers."""
        at = self.at.astimezone(UTC).isoformat(timespec="microseconds")
        return b"\n".join((_LABEL, str(self.seq).encode(), self.hash.encode(), at.encode()))

    def signed(self, key: bytes) -> dict[str, Any]:
        """The anchor as a JSON object with its key id and HMAC."""
        return {"seq": self.seq, "hash": self.hash,
                "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
                "key": key_id(key), "mac": hmac.new(key, self.message(), "sha256").hexdigest()}


# -- the key ---------------------------------------------------------------------------------


def data_dir(url: str | None = None) -> Path:
    """The clinic's data folder (the FHIR exports' too)."""
    from ..fhir.bulk import data_dir as clinic_data_dir

    return clinic_data_dir(url)


def derive(secret: bytes) -> bytes:
    """The anchors' own key from a secret used for other things too."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(secret)


def key_id(key: bytes) -> str:
    """Names a key without revealing it (an anchor made with another key is told apart
    from a forged one)."""
    return hashlib.sha256(_LABEL + b"\x00key-id\x00" + key).hexdigest()[:16]


def load_key(root: Path, *, create: bool = False) -> bytes | None:
    """The anchor key: from ``VESALIUS_SECRET_KEY``, else from ``root``'s key file (made
    when ``create``; None when absent and not made)."""
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return derive(configured.encode())
    path = root / KEY_FILE
    if not path.exists():
        if not create:
            return None
        _make_key_file(path)
    try:
        secret = base64.b64decode(path.read_text().strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise AnchorError(f"{path}: not an anchor key ({exc})") from None
    if len(secret) != 32:
        raise AnchorError(f"{path}: not an anchor key (32 bytes as base64 expected)")
    return derive(secret)


def _make_key_file(path: Path) -> None:
    """Write the key to a private temporary file, then link it into place: another worker
    making it at the same moment loses the link and both read the one that won."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, base64.b64encode(secrets.token_bytes(32)) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


# -- the file --------------------------------------------------------------------------------


def append(path: Path, anchor: Anchor, key: bytes) -> None:
    """Add ``anchor`` to the file at ``path`` as one line, synced to disk."""
    line = (json.dumps(anchor.signed(key), separators=(",", ":")) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.write(fd, line) != len(line):  # a regular file takes it whole, or raises
            raise AnchorError(f"{path}: short write")
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock
    if created:  # the new name itself must survive a power cut
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


@dataclass(frozen=True)
class Loaded:
    """What an anchors file holds: the anchors whose HMAC holds under this key, the lines
    refused (tampered, torn or not anchors: never trusted), and the anchors made with
    another key (not checked)."""

    path: Path
    present: bool
    anchors: tuple[Anchor, ...] = ()
    refused: tuple[str, ...] = ()
    other_key: int = 0


def parse(item: Mapping[str, Any], key: bytes) -> Anchor | None:
    """The anchor in ``item`` when its HMAC holds under ``key``; None when it was made
    with another key. Raises ValueError naming why it is refused."""
    if not isinstance(item, Mapping):
        raise ValueError("not an anchor")
    try:
        seq, digest, at = item["seq"], item["hash"], datetime.fromisoformat(item["at"])
        kid, mac = item["key"], item["mac"]
    except (KeyError, TypeError, ValueError):
        raise ValueError("not an anchor (a field is missing or malformed)") from None
    if (type(seq) is not int or seq < 1 or not isinstance(digest, str)
            or not isinstance(mac, str) or at.tzinfo is None):
        raise ValueError("not an anchor (a field is malformed)")
    if kid != key_id(key):
        return None
    anchor = Anchor(seq, digest, at)
    if not hmac.compare_digest(anchor.signed(key)["mac"], mac):
        raise ValueError("tampered: its HMAC does not match its fields")
    return anchor


def read(path: Path, key: bytes | None) -> Loaded:
    """Every line of the file at ``path``, checked under ``key`` (None: no key found, so
    no line can be trusted)."""
    if not path.exists():
        return Loaded(path, present=False)
    anchors: list[Anchor] = []
    refused: list[str] = []
    other = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
                if key is None:
                    raise ValueError("no anchor key to check it with (VESALIUS_SECRET_KEY "
                                     f"or {KEY_FILE} in the data folder)")
                anchor = parse(item, key)
            except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are too
                reason = str(exc) if not isinstance(exc, json.JSONDecodeError) \
                    else "not an anchor (torn or edited line)"
                refused.append(f"line {number}: {reason}")
                continue
            if anchor is None:
                other += 1
            else:
                anchors.append(anchor)
    return Loaded(path, True, tuple(anchors), tuple(refused), other)


def last_seq(path: Path) -> int | None:
    """The position the file's last line anchors (unchecked: it only spares a line)."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 4096))
            lines = handle.read().splitlines()
        return int(json.loads(lines[-1])["seq"]) if lines else None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


# -- taking one ------------------------------------------------------------------------------


def head(conn: Connection, *, check_schema: bool = False) -> Anchor | None:
    """The chain's head now, as an anchor (None: the log is empty, or, looked at when
    ``check_schema``, the database predates the chain: a backup before a migration)."""
    if check_schema:
        inspector = inspect(conn)
        if not inspector.has_table("audit_events") or "seq" not in {
                c["name"] for c in inspector.get_columns("audit_events")}:
            return None
    row = conn.exec_driver_sql(_HEAD).first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return Anchor(int(row[0]), str(row[1]), utcnow())


def anchor(conn: Connection, root: Path, *, only_if_moved: bool = True,
           file_name: str = ANCHORS_FILE) -> Anchor | None:
    """Write the head of the chain behind ``conn`` to ``root``'s anchors file (the key
    file beside it); returns the anchor, or None when the log is empty or
    (``only_if_moved``) the file's last line anchors that position already."""
    taken = head(conn)
    if taken is None:
        return None
    path = root / file_name
    if only_if_moved and last_seq(path) == taken.seq:
        return None
    key = load_key(root, create=True)
    assert key is not None  # made when missing
    append(path, taken, key)
    return taken


def minutes(env: Mapping[str, str] | None = None) -> int:
    """The worker's anchor interval from ``VESALIUS_AUDIT_ANCHOR_MINUTES`` (0: none)."""
    text = (os.environ if env is None else env).get(MINUTES_ENV, "").strip()
    if not text:
        return DEFAULT_MINUTES
    if not text.isdigit() or int(text) > 60:
        raise AnchorError(f"{MINUTES_ENV}: {text!r} is not a number of minutes (0 to 60)")
    return int(text)
