"""Where scheduled backups go: a folder, or a bucket in any S3-compatible store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Protocol

from .settings import Settings, SettingsError


class Destination(Protocol):
    label: str

    def put(self, path: Path, name: str) -> str:
        """Store the finished file ``path`` as ``name``; returns where it went."""

    def names(self) -> list[str]:
        """Every file name held (backups and anything else)."""

    def get(self, name: str, dest: Path) -> None:
        """Copy ``name`` into the local file ``dest``."""

    def delete(self, name: str) -> None: ...


class Folder:
    def __init__(self, root: Path) -> None:
        self.root, self.label = root, str(root)

    def put(self, path: Path, name: str) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / name
        if path.resolve() != target.resolve():
            shutil.copyfile(path, target)
            with target.open("rb") as handle:
                os.fsync(handle.fileno())
        return str(target)

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file())

    def get(self, name: str, dest: Path) -> None:
        shutil.copyfile(self.root / name, dest)

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ``("bucket", "some/prefix/")``."""
    if not url.startswith("s3://") or not url[5:].split("/", 1)[0]:
        raise SettingsError(f"{url!r}: give s3://bucket or s3://bucket/prefix")
    bucket, _, prefix = url[5:].partition("/")
    prefix = prefix.strip("/")
    return bucket, (prefix + "/") if prefix else ""


class S3:
    """A bucket (and key prefix) reached with boto3: credentials come from boto3's usual
    places (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_DEFAULT_REGION``, a
    profile, an instance role); ``endpoint`` names a store other than AWS (MinIO, Ceph...)."""

    def __init__(self, url: str, endpoint: str | None = None, client: Any = None) -> None:
        import boto3

        self.bucket, self.prefix = parse_s3_url(url)
        self.label = f"s3://{self.bucket}/{self.prefix}"
        self.client = client or boto3.client("s3", endpoint_url=endpoint)

    def put(self, path: Path, name: str) -> str:
        # upload_file streams from disk, in parts for large files.
        self.client.upload_file(str(path), self.bucket, self.prefix + name)
        return f"s3://{self.bucket}/{self.prefix}{name}"

    def names(self) -> list[str]:
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                rest = item["Key"][len(self.prefix):]
                if rest and "/" not in rest:
                    found.append(rest)
        return sorted(found)

    def get(self, name: str, dest: Path) -> None:
        self.client.download_file(self.bucket, self.prefix + name, str(dest))

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)


def destination(settings: Settings) -> Destination:
    if settings.s3_url:
        return S3(settings.s3_url, settings.s3_endpoint)
    if settings.directory:
        return Folder(settings.directory)
    raise SettingsError("no backup destination: set VESALIUS_BACKUP_DIR (a folder) or "
                        "VESALIUS_BACKUP_S3_URL (s3://bucket/prefix)")


def from_location(location: str, endpoint: str | None = None) -> tuple[Destination, str]:
    """A destination and file name for ``s3://bucket/.../name`` or a local path."""
    if location.startswith("s3://"):
        head, _, name = location.rpartition("/")
        return S3(head, endpoint), name
    path = Path(location)
    return Folder(path.parent), path.name
