"""A full export as one zip: a CSV per table with a data dictionary, every signed note as
HTML with its hashes, the patients, cases, appointments and balances again in the import
format (``importable``: another Vesalius, or anything reading CSV, takes them straight in),
every FHIR resource type as ndjson (``fhir/<Type>.ndjson``, as Bulk Data ``$export`` writes
them), and a manifest with each file's row (or resource) count and SHA-256. Secrets stay
out (password and token hashes). For one patient (an access request) the same, limited to
rows about that patient (and the FHIR types of their compartment).

Tables are streamed in id order (``yield_per``), so a clinic of millions of rows exports in
bounded memory."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from .. import __version__
from ..db.base import Base
from ..db.types import utcnow
from ..models import Note
from ..services import audit
from ..services.actor import Actor
from . import importable

#: Columns never exported: credentials a stolen export must not carry.
SECRET_SUFFIXES = ("password_hash", "token_hash", "token_sha256", "_secret")
BATCH = 2000


def _secret(name: str) -> bool:
    return name.endswith(SECRET_SUFFIXES)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Hashing(io.RawIOBase):
    """A write-through stream that counts and hashes what goes into a zip member."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


class Export:
    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.files: list[dict[str, Any]] = []

    def csv(self, name: str, header: list[str], rows: Iterable[Iterable[Any]]) -> int:
        count = 0
        with self.zf.open(name, "w", force_zip64=True) as member:
            hashing = _Hashing(member)
            text = io.TextIOWrapper(hashing, encoding="utf-8", newline="", write_through=True)
            writer = csv.writer(text)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(v) for v in row])
                count += 1
            text.flush()
            text.detach()
        self.files.append({"file": name, "rows": count, "bytes": hashing.size,
                           "sha256": hashing.digest.hexdigest()})
        return count

    def ndjson(self, name: str, write: Callable[[IO[bytes]], int]) -> int:
        """A member written by ``write`` (which returns how many resources it wrote)."""
        with self.zf.open(name, "w", force_zip64=True) as member:
            hashing = _Hashing(member)
            count = write(hashing)  # type: ignore[arg-type]
        self.files.append({"file": name, "rows": None, "resources": count,
                           "bytes": hashing.size, "sha256": hashing.digest.hexdigest()})
        return count

    def text(self, name: str, content: str) -> str:
        data = content.encode("utf-8")
        self.zf.writestr(name, data)
        digest = hashlib.sha256(data).hexdigest()
        self.files.append({"file": name, "rows": None, "bytes": len(data), "sha256": digest})
        return digest


def _patient_filter(table: Table, patient_id: int) -> Any | None:
    """A WHERE clause limiting ``table`` to one patient's rows, through a ``patient_id``
    column or a foreign key to a table that has one; None: the table holds no patient's
    rows (staff, services, settings) and is left out of a patient's export."""
    if "patient_id" in table.c:
        return table.c.patient_id == patient_id
    for fk in table.foreign_keys:
        parent = fk.column.table
        # users.patient_id links a portal account, not records: staff tables stay out.
        if "patient_id" in parent.c and parent.name not in (table.name, "users"):
            return fk.parent.in_(select(fk.column).where(parent.c.patient_id == patient_id))
    if table.name == "patients":
        return table.c.id == patient_id
    return None


def _rows(session: Session, table: Table, columns: list[Any],
          where: Any | None) -> Iterator[tuple[Any, ...]]:
    statement = select(*columns)
    if where is not None:
        statement = statement.where(where)
    pk = list(table.primary_key.columns)
    if pk:
        statement = statement.order_by(*pk)
    result = session.execute(statement.execution_options(yield_per=BATCH))
    yield from result


def _tables(patient_id: int | None) -> Iterator[tuple[Table, Any | None]]:
    for table in Base.metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        if patient_id is None:
            yield table, None
            continue
        where = _patient_filter(table, patient_id)
        if where is not None:
            yield table, where


def _dictionary(tables: list[Table]) -> Iterator[tuple[Any, ...]]:
    for table in tables:
        for column in table.columns:
            if _secret(column.name):
                continue
            refs = ", ".join(f"{fk.column.table.name}.{fk.column.name}"
                             for fk in column.foreign_keys)
            yield (f"tables/{table.name}.csv", column.name, str(column.type),
                   "yes" if column.nullable else "no", "yes" if column.primary_key else "",
                   refs)


def _notes(session: Session, export: Export, patient_id: int | None) -> None:
    statement = (select(Note.id, Note.patient_id, Note.date_of_service, Note.template_id,
                        Note.template_version, Note.pack, Note.pack_version, Note.signed_at,
                        Note.content_sha256, Note.rendered)
                 .where(Note.signed_at.is_not(None)))
    if patient_id is not None:
        statement = statement.where(Note.patient_id == patient_id)
    index = []
    for (nid, pid, day, template, version, pack, pack_version, signed, content_sha,
         rendered) in session.execute(statement.order_by(Note.id)
                                      .execution_options(yield_per=200)):
        html = export.text(f"notes/{nid}.html", rendered or "")
        index.append((nid, pid, day, template, version, pack, pack_version, signed,
                      content_sha, html))
    export.csv("notes/index.csv", ["note_id", "patient_id", "date_of_service", "template_id",
                                   "template_version", "pack", "pack_version", "signed_at",
                                   "content_sha256", "html_sha256"], index)


def _fhir(session: Session, actor: Actor, export: Export, patient_id: int | None) -> None:
    """``fhir/<Type>.ndjson`` for every registered FHIR type (one patient's: the types of
    their compartment), written by the Bulk Data export's writer."""
    from ..fhir import bulk_ndjson, registry
    from ..services.public_booking import site_url

    ctx = registry.Ctx(session, actor, site_url() + "/fhir/R4")
    for fhir_type in bulk_ndjson.scope(registry.types(), patients=patient_id is not None):
        export.ndjson(f"fhir/{fhir_type.name}.ndjson", lambda out, t=fhir_type: (
            bulk_ndjson.write(ctx, t, out, patient_id=patient_id)))


def write_export(session: Session, actor: Actor, target: Path | IO[bytes], *,
                 patient_id: int | None = None) -> dict[str, Any]:
    """Write the export to ``target``; returns the manifest (also in the zip)."""
    actor.require("exports.run", patient_id=patient_id)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        export = Export(zf)
        tables = []
        for table, where in _tables(patient_id):
            columns = [c for c in table.columns if not _secret(c.name)]
            export.csv(f"tables/{table.name}.csv", [c.name for c in columns],
                       _rows(session, table, columns, where))
            tables.append(table)
        export.csv("data-dictionary.csv", ["file", "column", "type", "nullable",
                                           "primary_key", "references"], _dictionary(tables))
        importable.write(session, export, patient_id)
        _notes(session, export, patient_id)
        _fhir(session, actor, export, patient_id)
        manifest = {
            "format": "vesalius-export/1", "vesalius": __version__,
            "created_at": utcnow().isoformat(),
            "scope": {"patient_id": patient_id} if patient_id else "clinic",
            "files": export.files,
            "not_included": ["password and token hashes", "web sessions and sign-in records"],
        }
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
    audit.record(session, actor, "export", "patient" if patient_id else "clinic",
                 patient_id, patient_id,
                 detail=f"{len(export.files)} files")
    return manifest
