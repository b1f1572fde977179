"""One scheduled backup: take it, store it at the destination, prune by the retention
policy, record the run. The worker runs this on its schedule; ``vesalius backup now`` runs
it at once."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..db import Database
from ..db.types import utcnow
from . import runs
from .crypto import load_key
from .destinations import Destination, Folder, destination
from .policy import backup_name, taken_at, to_keep
from .service import take
from .settings import Settings


@dataclass(frozen=True)
class Outcome:
    location: str
    size: int
    sha256: str
    encrypted: bool
    pruned: tuple[str, ...]


def prune(dest: Destination, settings: Settings, keep_name: str) -> tuple[str, ...]:
    """Delete what the retention policy no longer keeps (only files named as backups are
    considered; ``keep_name``, the backup just taken, always stays)."""
    dated = {name: when for name in dest.names() if (when := taken_at(name)) is not None}
    keep = to_keep(dated.values(), utcnow().date(), settings.retention)
    doomed = tuple(sorted(n for n, when in dated.items() if when not in keep
                          and n != keep_name))
    for name in doomed:
        dest.delete(name)
    return doomed


def run(settings: Settings, url: str | None = None, trigger: str = "worker") -> Outcome:
    """Raises on failure, after recording it."""
    started = utcnow()
    db = Database(url)
    label = settings.destination_label or "(no destination)"
    try:
        key = load_key()
        dest = destination(settings)
        name = backup_name(started, key is not None)
        if isinstance(dest, Folder):
            result = take(db.url, dest.root / name, key)
            location = str(result.path)
        else:
            staging = settings.staging
            if staging is not None:
                staging.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=staging, prefix=".vesalius-s3-") as tmp:
                result = take(db.url, Path(tmp) / name, key)
                location = dest.put(result.path, name)
        pruned = prune(dest, settings, name)
    except Exception as exc:
        runs.record(db, started_at=started, trigger=trigger, destination=label,
                    error=f"{type(exc).__name__}: {exc}")
        db.dispose()
        raise
    runs.record(db, started_at=started, trigger=trigger, destination=location,
                size=result.size, sha256=result.sha256, encrypted=result.encrypted,
                pruned=len(pruned))
    db.dispose()
    return Outcome(location, result.size, result.sha256, result.encrypted, pruned)
