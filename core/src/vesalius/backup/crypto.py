"""Backup encryption: a key the clinic holds, and a streaming AES-256-GCM file format.

A backup never sits whole in memory, so it is encrypted in chunks (the STREAM construction
of Hoang, Reyhanitabar, Rogaway and Vizár, "Online Authenticated-Encryption and its
Nonce-Reuse Misuse-Resistance", CRYPTO 2015, as Tink's streaming AEAD uses it). The file is::

    offset  size  field
    0       8     magic  b"VESBAK\\x00\\x01"  (format 1)
    8       8     key id: SHA-256(b"vesalius-backup-key-id\\x00" + key)[:8]
    16      32    salt (random): this file's key = HKDF-SHA256(key, salt, b"vesalius-backup-v1")
    48      7     nonce prefix (random)
    55      4     chunk size in plaintext bytes, big-endian (65536)
    59      ...   chunks: AES-256-GCM(ciphertext || 16-byte tag) of each plaintext chunk

Chunk ``i`` (from 0) is sealed with the nonce ``prefix || i (4 bytes, big-endian) || last``
(``last`` is 1 for the final chunk, else 0) and the 59-byte header as associated data. Every
chunk but the last holds exactly the chunk size; the last holds 0 to chunk-size bytes. So a
changed byte, a changed header, reordered, dropped or appended chunks and a truncated file
all fail authentication, and a wrong key is named before any decryption (by the key id).

The key is 32 random bytes written as base64 (``vesalius backup keygen``); keep a copy away
from the backups, or they cannot be read.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"VESBAK\x00\x01"
CHUNK = 64 * 1024
TAG = 16
HEADER = struct.Struct(">8s8s32s7sI")  # 59 bytes
KEY_ENV = "VESALIUS_BACKUP_KEY"
KEY_FILE_ENV = "VESALIUS_BACKUP_KEY_FILE"


class BackupKeyError(Exception):
    """The key is missing, malformed, or not the one a backup was made with."""


class CorruptBackup(Exception):
    """The file is damaged or was changed after it was written."""


def new_key() -> bytes:
    return secrets.token_bytes(32)


def key_text(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"vesalius-backup-key-id\x00" + key).digest()[:8].hex()


def write_key_file(path: Path, key: bytes) -> None:
    """Write a new key file readable by its owner only; never overwrite one (a lost key
    loses every backup made with it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("# Vesalius backup key (AES-256). Backups made with it cannot be read\n"
                  "# without it: keep a copy somewhere else than the backups.\n"
                  f"# key id {key_id(key)}\n{key_text(key)}\n")


def parse_key(text: str, where: str) -> bytes:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    try:
        key = base64.urlsafe_b64decode(lines[0]) if len(lines) == 1 else b""
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BackupKeyError(f"{where} does not hold a backup key (32 bytes in base64, as "
                             "`vesalius backup keygen` writes)")
    return key


def load_key(path: str | Path | None = None) -> bytes | None:
    """The key from ``path``, else ``VESALIUS_BACKUP_KEY_FILE``, else ``VESALIUS_BACKUP_KEY``
    (the base64 text itself); None when none is configured (backups are then not
    encrypted)."""
    path = path or os.environ.get(KEY_FILE_ENV)
    if path:
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise BackupKeyError(f"cannot read the key file {path}: {exc.strerror}") from None
        return parse_key(text, f"the key file {path}")
    if os.environ.get(KEY_ENV):
        return parse_key(os.environ[KEY_ENV], KEY_ENV)
    return None


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                   info=b"vesalius-backup-v1").derive(key)
    return AESGCM(derived)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 2**32:
        raise ValueError("backup too large for one file (2^32 chunks)")
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class EncryptingWriter:
    """A write-only file object that encrypts into ``sink``; ``close()`` seals the last
    chunk (it does not close ``sink``)."""

    def __init__(self, sink: BinaryIO, key: bytes, chunk: int = CHUNK) -> None:
        salt, prefix = secrets.token_bytes(32), secrets.token_bytes(7)
        self._header = HEADER.pack(MAGIC, bytes.fromhex(key_id(key)), salt, prefix, chunk)
        self._aead, self._prefix, self._chunk = _file_key(key, salt), prefix, chunk
        self._sink, self._buffer, self._index, self.closed = sink, bytearray(), 0, False
        sink.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back: only close() knows which chunk is the last.
        while len(self._buffer) > self._chunk:
            self._seal(bytes(self._buffer[:self._chunk]), last=False)
            del self._buffer[:self._chunk]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index, last)
        self._sink.write(self._aead.encrypt(nonce, plain, self._header))
        self._index += 1

    def flush(self) -> None:
        self._sink.flush()

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self.closed = True


class DecryptingReader:
    """A read-only file object over an encrypted backup (header already checked by
    :func:`open_reader`). A chunk is returned only once it has been authenticated."""

    def __init__(self, source: BinaryIO, key: bytes, header: bytes) -> None:
        _magic, _kid, salt, prefix, chunk = HEADER.unpack(header)
        self._aead, self._prefix, self._header = _file_key(key, salt), prefix, header
        self._source, self._size = source, chunk + TAG
        self._index, self._done = 0, False
        self._pending = self._read_block()
        self._plain = b""

    def readable(self) -> bool:
        return True

    def _read_block(self) -> bytes:
        data = bytearray()
        while len(data) < self._size:
            more = self._source.read(self._size - len(data))
            if not more:
                break
            data += more
        return bytes(data)

    def _next(self) -> bytes:
        block = self._pending
        following = self._read_block() if len(block) == self._size else b""
        last = not following
        if len(block) < TAG:
            raise CorruptBackup("the backup file is truncated")
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._index, last), block,
                                       self._header)
        except InvalidTag:
            start = HEADER.size + self._index * self._size
            raise CorruptBackup(f"the backup file is damaged or was changed (chunk "
                                f"{self._index}, from byte {start})") from None
        self._index += 1
        self._pending, self._done = following, last
        return plain

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._plain) < size) and not self._done:
            self._plain += self._next()
        if size < 0:
            size = len(self._plain)
        out, self._plain = self._plain[:size], self._plain[size:]
        return out


def open_reader(source: BinaryIO, key: bytes | None) -> BinaryIO:
    """``source`` as plain bytes: decrypted when it starts with the encrypted header, else
    as it is (an unencrypted backup is a gzip stream)."""
    head = source.read(HEADER.size)
    if head[:8] != MAGIC:
        if head[:2] != b"\x1f\x8b":
            raise CorruptBackup("this is not a Vesalius backup file")
        return _Prefixed(head, source)  # type: ignore[return-value]
    if len(head) < HEADER.size:
        raise CorruptBackup("the backup file is truncated")
    wanted = head[8:16].hex()
    if key is None:
        raise BackupKeyError(f"the backup is encrypted (key id {wanted}): give its key "
                             f"(--key-file, {KEY_FILE_ENV} or {KEY_ENV})")
    if key_id(key) != wanted:
        raise BackupKeyError(f"the backup was encrypted with another key (key id {wanted}; "
                             f"the key given has id {key_id(key)})")
    return DecryptingReader(source, key, head)  # type: ignore[return-value]


class _Prefixed:
    """Bytes already read from a stream, then the rest of it."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            out, self._head = self._head + self._rest.read(), b""
            return out
        if self._head:
            out, self._head = self._head[:size], self._head[size:]
            return out if len(out) == size else out + self._rest.read(size - len(out))
        return self._rest.read(size)
