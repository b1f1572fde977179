"""The backup file: a gzip-compressed tar stream, optionally encrypted (see :mod:`.crypto`).

Members, in this order: ``manifest.json``, the database (``database.sqlite3`` or
``database.pgdump``), ``signed-notes.tsv``, ``balances.tsv``. An unencrypted backup opens with
``tar xzf``. Everything is streamed in blocks, both ways; a reader authenticates (or checks
the gzip CRC of) the whole file before anything is restored.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tarfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .crypto import CorruptBackup, EncryptingWriter, open_reader
from .manifest import MANIFEST

BLOCK = 1024 * 1024


class _Digest:
    """A write-through file object that counts and hashes what passes (the file's SHA-256
    is recorded with each run)."""

    def __init__(self, sink: BinaryIO) -> None:
        self._sink, self.sha256, self.size = sink, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self._sink.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self._sink.flush()


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    sha256: str
    encrypted: bool


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _add(tar: tarfile.TarFile, name: str, path: Path | None = None,
         data: bytes | None = None) -> None:
    info = tarfile.TarInfo(name)
    info.mtime, info.mode = int(time.time()), 0o600
    if data is not None:
        import io

        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        return
    assert path is not None
    info.size = path.stat().st_size
    with path.open("rb") as handle:
        tar.addfile(info, handle)


def write(out: Path, manifest: dict[str, Any], members: list[tuple[str, Path]],
          key: bytes | None) -> Written:
    """Write the backup to ``out`` through ``out.partial`` (renamed only once complete and
    on disk, so a file with the final name is never half-written)."""
    partial = out.with_name(out.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            digest = _Digest(raw)  # type: ignore[arg-type]
            sealed = EncryptingWriter(digest, key) if key else None  # type: ignore[arg-type]
            target = sealed or digest
            with gzip.GzipFile(fileobj=target, mode="wb", compresslevel=6, mtime=0) as gz, \
                    tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, MANIFEST, data=json.dumps(manifest, indent=2,
                                                    sort_keys=True).encode())
                for name, path in members:
                    _add(tar, name, path)
            if sealed:
                sealed.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
        fd = os.open(out.parent, os.O_RDONLY)  # the rename itself, on disk
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Written(out, digest.size, digest.sha256.hexdigest(), key is not None)


@dataclass(frozen=True)
class Extracted:
    manifest: dict[str, Any]
    #: Each member after the manifest: its file in the work folder and its SHA-256.
    members: dict[str, tuple[Path, str]]


def extract(path: Path, key: bytes | None, workdir: Path) -> Extracted:
    """Unpack a backup into ``workdir``, reading it to the very end: the gzip CRC and (when
    encrypted) every chunk's tag are checked, so a damaged, truncated or altered file fails
    here, before anything is restored."""
    members: dict[str, tuple[Path, str]] = {}
    try:
        with path.open("rb") as raw:
            gz = gzip.GzipFile(fileobj=open_reader(raw, key), mode="rb")  # type: ignore[arg-type]
            tar = tarfile.open(fileobj=gz, mode="r|")  # noqa: SIM115  (closed with raw)
            manifest: dict[str, Any] | None = None
            for info in tar:
                handle = tar.extractfile(info)
                if handle is None or "/" in info.name or info.name.startswith("."):
                    raise CorruptBackup(f"unexpected member {info.name!r} in the backup")
                if manifest is None:
                    if info.name != MANIFEST:
                        raise CorruptBackup("the backup does not start with its manifest")
                    manifest = json.loads(handle.read())
                    continue
                target, digest = workdir / info.name, hashlib.sha256()
                with target.open("wb") as out:
                    while block := handle.read(BLOCK):
                        digest.update(block)
                        out.write(block)
                members[info.name] = (target, digest.hexdigest())
            while gz.read(BLOCK):  # the end: CRC and the last chunk's tag
                pass
    except (tarfile.TarError, gzip.BadGzipFile, zlib.error, EOFError, ValueError) as exc:
        raise CorruptBackup(f"the backup file is damaged: {exc}") from None
    if manifest is None:
        raise CorruptBackup("the backup is empty")
    return Extracted(manifest, members)
