"""A resource type's resources as FHIR ndjson (one resource per line), streamed in batches.

The one writer of FHIR files: Bulk Data ``$export`` and ``vesalius export`` both call
:func:`write`. Rows are read by keyset (``id > last ORDER BY id LIMIT n``), each batch goes
through the type's builder (:func:`registry.resources`, a fixed number of queries a batch)
and is written out before the next is read, so memory stays bounded however big the clinic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import IO, Any

from fhir.resources.R4B.resource import Resource
from sqlalchemy import select

from . import registry
from .registry import Ctx, FhirType

#: Rows read and built at once.
BATCH = 500


def in_compartment(fhir_type: FhirType) -> bool:
    """Does the type belong to patients' compartments (has a patient column)?"""
    return fhir_type.patient is not None


def scope(types: Mapping[str, FhirType], *, patients: bool) -> list[FhirType]:
    """The types an export writes, in name order: every one, or (``patients``: a patient-level
    export, or one patient's) those in patients' compartments."""
    return [t for _, t in sorted(types.items()) if not patients or in_compartment(t)]


def batches(ctx: Ctx, fhir_type: FhirType, *, since: datetime | None = None,
            patient_id: int | None = None, patients: bool = False,
            size: int = BATCH) -> Iterator[list[Resource]]:
    """The type's resources, a batch at a time: changed after ``since`` (types without an
    updated column: all of them, as nothing says when they changed), of one patient
    (``patient_id``) or of any patient (``patients``)."""
    # Resources not read from rows (a type's whole catalogue, or the clinic beside the
    # payers' Organizations): patient-free and without an update time, so always written.
    if fhir_type.catalogue is not None and patient_id is None and not patients:
        listed = fhir_type.catalogue(ctx)
        if listed:
            yield listed
    if fhir_type.model is None:
        return
    model = fhir_type.model
    key = model.__mapper__.primary_key[0]
    statement = select(model)
    if fhir_type.where is not None:
        statement = statement.where(fhir_type.where())
    if since is not None and fhir_type.updated is not None:
        statement = statement.where(fhir_type.updated > since)
    if patient_id is not None or patients:
        if fhir_type.patient is None:
            return
        statement = statement.where(fhir_type.patient == patient_id if patient_id is not None
                                    else fhir_type.patient.is_not(None))
    last: Any = None
    while True:
        page = statement if last is None else statement.where(key > last)
        rows = ctx.session.scalars(page.order_by(key).limit(size)).all()
        if not rows:
            return
        last = getattr(rows[-1], key.key)
        built = registry.resources(ctx, fhir_type, rows)
        if built:
            yield built
        if len(rows) < size:
            return


def write(ctx: Ctx, fhir_type: FhirType, out: IO[bytes], *,
          on_batch: Callable[[int], None] | None = None, **filters: Any) -> int:
    """Write the type's resources to ``out`` as ndjson (UTF-8, ``\\n`` after each line);
    returns how many. ``on_batch(count so far)`` runs after each batch (progress, and a
    chance to stop by raising). ``filters`` are :func:`batches`'."""
    count = 0
    for built in batches(ctx, fhir_type, **filters):
        out.write("".join(r.model_dump_json() + "\n" for r in built).encode("utf-8"))
        count += len(built)
        if on_batch is not None:
            on_batch(count)
    return count
