"""Which rows of a type an actor reads, and reading them: the permission table's role check,
a patient's own compartment, the care team for a practitioner on a clinical type (checked
once per patient named, or as one SQL filter for a list across patients: never per row),
and the queries (one for a page's rows, one for its total, whatever the data size).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from ..errors import Forbidden
from ..permissions import PRACTITIONER
from ..services import access
from ..services.actor import Actor
from .registry import FhirType
from .search import Search, row_ids


@dataclass(frozen=True)
class Row:
    """A row of a type's model with its id and the patient it belongs to (None: nobody's)."""

    obj: Any
    id: int
    patient_id: int | None


def require_role(actor: Actor, fhir_type: FhirType) -> None:
    if not actor.can(fhir_type.permission):
        raise Forbidden(f"your role ({actor.role}) may not read {fhir_type.name} "
                        f"({fhir_type.permission})")


def _care_team_applies(actor: Actor, fhir_type: FhirType) -> bool:
    return actor.role == PRACTITIONER and fhir_type.clinical and fhir_type.patient is not None


def require_patient(session: Session, actor: Actor, fhir_type: FhirType,
                    patient_id: int | None) -> None:
    """403 unless ``actor`` may read ``fhir_type`` of this patient: their own (a patient),
    or in their care (a practitioner, clinical types; the 403 says to break the glass)."""
    require_role(actor, fhir_type)
    if fhir_type.patient is None:
        return
    if actor.is_patient and (patient_id is None or patient_id != actor.patient_id):
        raise Forbidden("this record belongs to another patient")
    if patient_id is not None and _care_team_applies(actor, fhir_type) \
            and not access.in_care(session, actor, patient_id):
        raise Forbidden("this patient is not in your care: break the glass (state a reason) "
                        "to open their clinical record",
                        details=[{"code": access.BREAK_THE_GLASS}])


def scope(session: Session, actor: Actor, fhir_type: FhirType,
          patients: Sequence[int] | None) -> ColumnElement[bool] | None:
    """The filter limiting a search to what ``actor`` may see (None: everything). Patients
    named in the search are checked one by one (403 for one not theirs to see)."""
    require_role(actor, fhir_type)
    column = fhir_type.patient
    if column is None:
        return None
    for patient_id in patients or ():
        require_patient(session, actor, fhir_type, patient_id)
    if patients is not None:
        return None  # the search's own patient filter is the scope
    if actor.is_patient:
        return column == actor.patient_id
    if _care_team_applies(actor, fhir_type):
        return access.in_care_clause(actor, column)
    return None


def _pk(fhir_type: FhirType) -> ColumnElement[Any]:
    assert fhir_type.model is not None
    return inspect(fhir_type.model).primary_key[0]  # type: ignore[no-any-return]


def _select(fhir_type: FhirType) -> Select[Any]:
    assert fhir_type.model is not None
    patient = fhir_type.patient
    query = select(fhir_type.model, _pk(fhir_type), *([patient] if patient is not None else []))
    if fhir_type.where is not None:
        query = query.where(fhir_type.where())
    return query


def _rows(session: Session, fhir_type: FhirType, query: Select[Any]) -> list[Row]:
    has_patient = fhir_type.patient is not None
    return [Row(found[0], found[1], found[2] if has_patient else None)
            for found in session.execute(query)]


def by_ids(session: Session, fhir_type: FhirType, ids: set[int]) -> list[Row]:
    """The rows with these ids (one query), in id order."""
    if not ids or fhir_type.model is None:
        return []
    pk = _pk(fhir_type)
    return _rows(session, fhir_type, _select(fhir_type).where(pk.in_(sorted(ids)))
                 .order_by(pk))


def of_patient(session: Session, fhir_type: FhirType, patient_id: int) -> list[Row]:
    """Every row of one patient (``$everything``), in id order: one query."""
    assert fhir_type.patient is not None
    return _rows(session, fhir_type, _select(fhir_type)
                 .where(fhir_type.patient == patient_id).order_by(_pk(fhir_type)))


def _filters(fhir_type: FhirType, search: Search,
             scoped: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [] if scoped is None else [scoped]
    if search.ids is not None:
        out.append(_pk(fhir_type).in_(sorted(row_ids(fhir_type, search.ids))))
    if search.patients is not None and fhir_type.patient is not None:
        out.append(fhir_type.patient.in_(search.patients))
    if fhir_type.date is not None:
        out += [bound.clause(fhir_type.date) for bound in search.date]
    if fhir_type.updated is not None:
        out += [bound.clause(fhir_type.updated) for bound in search.updated]
    return out


def page(session: Session, fhir_type: FhirType, search: Search,
         scoped: ColumnElement[bool] | None, offset: int, limit: int,
         ) -> tuple[list[Row], int]:
    """One page of matching rows in id order and how many match in all (two queries;
    none for a type with no table, or a page of nothing but its total)."""
    if fhir_type.model is None:
        return [], 0
    if fhir_type.updated is None and search.updated:
        return [], 0  # rows with no update time match no _lastUpdated condition
    filters = _filters(fhir_type, search, scoped)
    if fhir_type.where is not None:
        filters.append(fhir_type.where())
    pk = _pk(fhir_type)
    total = session.scalar(select(func.count(pk)).where(*filters)) or 0
    if limit <= 0 or offset >= total:
        return [], total
    return _rows(session, fhir_type, _select(fhir_type).where(*filters).order_by(pk)
                 .offset(offset).limit(limit)), total
