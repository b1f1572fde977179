"""Bulk Data export (HL7 FHIR Bulk Data Access 2.0, "Bulk Data Export"): the job behind
``GET /fhir/R4/$export`` and ``GET /fhir/R4/Patient/$export``.

A kick-off (:func:`kick_off`) stores a queued :class:`~vesalius.models.FhirExport` and
returns at once; the background worker (:func:`run_pending`, every few seconds on the huey
worker, see :mod:`.bulk_worker`) takes it, writes one ndjson file per type under the data
directory (:func:`data_dir`, never the database) with :mod:`.bulk_ndjson`, and marks it
done. The client polls :func:`status` (running: progress; done: the manifest) and fetches
each file (:func:`file_path`) with the same bearer token; only the user who kicked an export
off sees it. ``DELETE`` (:func:`delete`) cancels a running export or removes a finished
one's files. Files expire :data:`KEEP_FOR` after the export finished.

Two workers never run one export: taking it is one conditional UPDATE (``status =
'queued'``). A worker that dies mid-export leaves it "running" with an old heartbeat; after
:data:`STALE_AFTER` another worker takes it again from the start.

Audited: the kick-off, each file download and each delete (who, which export, which type;
never what the files hold).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ..db import Database, is_sqlite
from ..db.types import utcnow
from ..errors import Forbidden, Invalid, NotFound, TooMany
from ..models import FhirExport
from ..services import audit
from ..services.actor import Actor
from . import bulk_ndjson, registry
from .registry import Ctx, FhirType

log = logging.getLogger(__name__)

#: The permission that kicks off an export and reads its files (owner only).
PERMISSION = "exports.run"
DATA_ENV = "VESALIUS_DATA_DIR"
#: How long a finished export's files stay for the client to fetch.
KEEP_FOR = timedelta(days=1)
#: A "running" export whose worker has been silent this long is taken again.
STALE_AFTER = timedelta(minutes=10)
#: Seconds between a running export's progress writes (and its checks for a cancel).
PROGRESS_EVERY = 2.0
#: Unfinished exports one user may have at once (more: 429, as the specification suggests).
MAX_ACTIVE = 2
#: The output formats the specification names for ndjson; we write only this one.
FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
PARAMETERS = ("_type", "_since", "_outputFormat")
NDJSON = "application/fhir+ndjson"


def data_dir(url: str | None = None) -> Path:
    """Where the clinic keeps files: ``VESALIUS_DATA_DIR``, else a ``vesalius-data`` folder
    beside a SQLite database's file, else ``./vesalius-data``."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    if url and is_sqlite(url) and make_url(url).database not in (None, "", ":memory:"):
        return Path(str(make_url(url).database)).parent / "vesalius-data"
    return Path("vesalius-data")


def export_dir(root: Path, key: str) -> Path:
    return root / "fhir-exports" / key


# -- kick-off --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A kick-off's parameters as they came (the HTTP layer passes its query string)."""

    level: str  # "system" or "patient"
    url: str
    base: str
    params: Mapping[str, list[str]]


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Invalid(f"_since: {text!r} is not a FHIR instant (e.g. 2026-01-31T08:00:00Z, "
                      "with its time zone)", field="_since")
    return moment.astimezone(UTC)


def _types(level: str, values: list[str], known: Mapping[str, FhirType]) -> list[str]:
    scope = {t.name for t in bulk_ndjson.scope(known, patients=level == "patient")}
    if not values:
        return sorted(scope)
    asked = [name.strip() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise Invalid(f"_type: no resource type {', '.join(unknown)} is served here",
                      field="_type")
    outside = [name for name in asked if name not in scope]
    if outside:
        raise Invalid(f"_type: {', '.join(outside)} is not in a patient's compartment "
                      "(Patient/$export)", field="_type")
    return sorted(dict.fromkeys(asked))


def kick_off(session: Session, actor: Actor, request: Request,
             types: Mapping[str, FhirType] | None = None) -> FhirExport:
    """Check the kick-off's parameters (400 naming the one that is wrong) and queue the
    export; the caller commits. ``types`` defaults to every registered type."""
    actor.require(PERMISSION)
    known = registry.types() if types is None else types
    unknown = sorted(set(request.params) - set(PARAMETERS))
    if unknown:
        raise Invalid(f"{unknown[0]}: not a parameter this server's $export takes (it takes "
                      f"{', '.join(PARAMETERS)})", field=unknown[0])
    for fmt in request.params.get("_outputFormat", []):
        if fmt not in FORMATS:
            raise Invalid(f"_outputFormat: {fmt!r} is not offered; use {NDJSON}",
                          field="_outputFormat")
    since_values = request.params.get("_since", [])
    if len(since_values) > 1:
        raise Invalid("_since: give it once", field="_since")
    since = _instant(since_values[0]) if since_values else None
    names = _types(request.level, request.params.get("_type", []), known)
    denied = [n for n in names if not actor.can(known[n].permission)]
    if denied:
        raise Forbidden(f"your role ({actor.role}) may not read {', '.join(denied)}")
    active = session.scalar(select(func.count()).select_from(FhirExport).where(
        FhirExport.user_id == actor.user_id, FhirExport.status.in_(("queued", "running"))))
    if (active or 0) >= MAX_ACTIVE:
        raise TooMany(f"you have {active} exports under way: wait for one to finish or "
                      "delete it", retry_after=60)
    job = FhirExport(key=secrets.token_hex(16), user_id=actor.user_id, role=actor.role,
                     level=request.level, request=request.url[:4000], base=request.base,
                     types=names, since=since, status="queued", output=[])
    session.add(job)
    session.flush()
    audit.record(session, actor, "export", "fhir_export", job.id, None,
                 detail=f"$export {request.level}: {len(names)} types"
                 + (f" since {since.isoformat()}" if since else ""))
    return job


# -- the client's view -----------------------------------------------------------------------


def _own(session: Session, actor: Actor, key: str) -> FhirExport:
    actor.require(PERMISSION)
    job = session.scalar(select(FhirExport).where(FhirExport.key == key))
    # Another user's export is as unknown as a made-up one (its key names nothing to them).
    if job is None or job.status == "cancelled" or (
            actor.role != "system" and job.user_id != actor.user_id):
        raise NotFound("no such export (finished exports are kept for a day)")
    return job


@dataclass(frozen=True)
class Status:
    #: "queued", "running", "done" or "failed".
    state: str
    progress: str | None = None
    manifest: dict[str, Any] | None = None
    error: str | None = None


def file_url(base: str, key: str, file: str) -> str:
    return f"{base}/$export-file/{key}/{file}"


def manifest(job: FhirExport, base: str) -> dict[str, Any]:
    """The completion manifest (Bulk Data Access 2.0): files with their counts."""
    return {
        "transactionTime": (job.transaction_time or job.created_at).astimezone(UTC)
        .isoformat().replace("+00:00", "Z"),
        "request": job.request,
        "requiresAccessToken": True,
        "output": [{"type": o["type"], "url": file_url(base, job.key, o["file"]),
                    "count": o["count"]} for o in job.output],
        "error": [],
    }


def status(session: Session, actor: Actor, key: str, *, base: str) -> Status:
    """Where the export is; ``base`` is the FHIR base URL the files are served under."""
    job = _own(session, actor, key)
    if job.status == "done":
        return Status("done", manifest=manifest(job, base))
    if job.status == "failed":
        return Status("failed", error=job.error or "the export failed")
    if job.status == "queued":
        return Status("queued", progress="waiting for the worker")
    return Status("running", progress=job.progress or "started")


def file_path(session: Session, actor: Actor, key: str, file: str, *,
              root: Path) -> Path:
    """The path of one of a finished export's files, audited as a download."""
    job = _own(session, actor, key)
    entry = next((o for o in job.output if o["file"] == file), None)
    if job.status != "done" or entry is None:
        raise NotFound(f"the export has no file {file}")
    path = export_dir(root, key) / entry["file"]
    if not path.is_file():
        raise NotFound(f"the file {file} is gone (finished exports are kept for a day)")
    audit.record(session, actor, "download", "fhir_export", job.id, None,
                 detail=f"{entry['type']}: {entry['count']} "
                 + ("resource" if entry["count"] == 1 else "resources"))
    return path


def delete(session: Session, actor: Actor, key: str, *, root: Path) -> None:
    """Cancel the export (a running one stops at its next batch) and remove its files."""
    job = _own(session, actor, key)
    was = job.status
    job.status, job.finished_at = "cancelled", job.finished_at or utcnow()
    audit.record(session, actor, "delete", "fhir_export", job.id, None, detail=f"was {was}")
    if was != "running":  # a running worker removes what it wrote when it sees this
        shutil.rmtree(export_dir(root, key), ignore_errors=True)


# -- the worker ------------------------------------------------------------------------------


def _take(db: Database, now: datetime) -> FhirExport | None:
    """Claim the oldest queued export (or a running one whose worker went silent)."""
    with db.session() as session:
        for job in session.scalars(
                select(FhirExport).where(or_(
                    FhirExport.status == "queued",
                    (FhirExport.status == "running")
                    & (FhirExport.heartbeat_at < now - STALE_AFTER)))
                .order_by(FhirExport.id).limit(5)):
            taken = session.execute(
                update(FhirExport).where(FhirExport.id == job.id,
                                         FhirExport.status == job.status,
                                         FhirExport.heartbeat_at.is_(None)
                                         if job.heartbeat_at is None
                                         else FhirExport.heartbeat_at == job.heartbeat_at)
                .values(status="running", heartbeat_at=now, transaction_time=now,
                        progress="started", output=[], error=None)
                .execution_options(synchronize_session=False))
            if taken.rowcount == 1:
                session.expunge(job)
                job.transaction_time = now
                return job
    return None


class _Cancelled(Exception):
    pass


class _Progress:
    """Writes where the export is (throttled) and notices a cancel."""

    def __init__(self, db: Database, job_id: int) -> None:
        self.db, self.job_id, self.last = db, job_id, 0.0

    def __call__(self, text: str, *, force: bool = False) -> None:
        if not force and time.monotonic() - self.last < PROGRESS_EVERY:
            return
        self.last = time.monotonic()
        with self.db.session() as session:
            moved = session.execute(
                update(FhirExport).where(FhirExport.id == self.job_id,
                                         FhirExport.status == "running")
                .values(progress=text[:100], heartbeat_at=utcnow())
                .execution_options(synchronize_session=False))
            if moved.rowcount != 1:
                raise _Cancelled


def _reader(db: Database) -> tuple[Session, Any]:
    """A read-only session for the whole export: on PostgreSQL one REPEATABLE READ snapshot
    (every file as of one moment); on SQLite one that never takes the write lock (the
    clinic keeps booking while it runs)."""
    if is_sqlite(db.url):
        from ..web.sessions import deferred_engine

        engine = deferred_engine(db, read_only=True)
        session = Session(engine)
        return session, engine
    session = db.sessions()
    session.connection(execution_options={"isolation_level": "REPEATABLE READ",
                                          "postgresql_readonly": True})
    return session, None


def run_one(db: Database, job: FhirExport, *, root: Path,
            types: Mapping[str, FhirType] | None = None) -> str:
    """Write a taken export's files and mark it done (or failed); returns its status."""
    known = registry.types() if types is None else types
    target = export_dir(root, job.key)
    shutil.rmtree(target, ignore_errors=True)  # a retry starts clean
    target.mkdir(parents=True)
    progress = _Progress(db, job.id)
    output: list[dict[str, Any]] = []
    session, engine = _reader(db)
    failed_on: str | None = None
    try:
        ctx = Ctx(session, Actor(user_id=job.user_id, role=job.role), job.base)
        for n, name in enumerate(job.types, start=1):
            failed_on = name
            fhir_type = known.get(name)
            if fhir_type is None:  # a pack removed since the kick-off
                continue
            progress(f"{name} ({n} of {len(job.types)})", force=True)
            part = target / f"{name}.ndjson.part"
            with part.open("wb") as out:
                count = bulk_ndjson.write(
                    ctx, fhir_type, out, since=job.since, patients=job.level == "patient",
                    on_batch=lambda c, name=name, n=n: progress(
                        f"{name} ({n} of {len(job.types)}): {c:,} resources"))
            if count:
                part.replace(target / f"{name}.ndjson")
                output.append({"type": name, "file": f"{name}.ndjson", "count": count})
            else:
                part.unlink()
        failed_on = None
    except _Cancelled:
        shutil.rmtree(target, ignore_errors=True)
        return "cancelled"
    except Exception as exc:  # the client is told it failed; the log says why
        log.exception("FHIR export %s failed on %s", job.key, failed_on)
        shutil.rmtree(target, ignore_errors=True)
        reason = f"could not export {failed_on}: {type(exc).__name__}"
        with db.session() as s:
            s.execute(update(FhirExport).where(FhirExport.id == job.id,
                                               FhirExport.status == "running")
                      .values(status="failed", error=reason, finished_at=utcnow(),
                              expires_at=utcnow() + KEEP_FOR)
                      .execution_options(synchronize_session=False))
        return "failed"
    finally:
        session.close()
        if engine is not None:
            engine.dispose()
    now = utcnow()
    with db.session() as s:
        done = s.execute(update(FhirExport).where(FhirExport.id == job.id,
                                                  FhirExport.status == "running")
                         .values(status="done", output=output, finished_at=now,
                                 progress=None, expires_at=now + KEEP_FOR)
                         .execution_options(synchronize_session=False))
    if done.rowcount != 1:  # deleted while the last file was written
        shutil.rmtree(target, ignore_errors=True)
        return "cancelled"
    return "done"


def expire(db: Database, *, root: Path, now: datetime | None = None) -> int:
    """Remove the files of exports past their time; returns how many."""
    now = now or utcnow()
    with db.session() as session:
        keys = list(session.scalars(select(FhirExport.key).where(
            FhirExport.status.in_(("done", "failed")), FhirExport.expires_at <= now)))
        if keys:
            session.execute(update(FhirExport).where(FhirExport.key.in_(keys))
                            .values(status="cancelled", output=[])
                            .execution_options(synchronize_session=False))
    for key in keys:
        shutil.rmtree(export_dir(root, key), ignore_errors=True)
    return len(keys)


def run_pending(db: Database, *, root: Path | None = None, now: datetime | None = None,
                types: Mapping[str, FhirType] | None = None) -> list[str]:
    """Run every export waiting for a worker, one after the other, and expire old ones;
    returns the statuses the runs ended in."""
    root = root or data_dir(db.url)
    expire(db, root=root, now=now)
    ended = []
    while (job := _take(db, now or utcnow())) is not None:
        ended.append(run_one(db, job, root=root, types=types))
    return ended
