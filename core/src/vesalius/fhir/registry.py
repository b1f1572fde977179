"""The FHIR resource types the clinic serves: one :class:`FhirType` each.

A type is data: the table its resources come from, the columns searches filter on, the
permission that reads it, and ``build``, which turns a batch of rows into resources with a
bounded number of queries for the whole batch (never one per row). Everything that serves
FHIR (the read API, ``$everything``, Bulk Data ``$export``, the full export) reads types from
:func:`types` and calls :func:`resources`; none builds a resource itself.

Ids: a resource's id is its row's id (``"42"``) unless the type sets ``row_key`` (a type
with several resources per row, e.g. one Condition per diagnosis code of a case,
``"7-2"``), in which case ``row_key`` maps a resource id back to its row id.
References are relative (``"Patient/42"``) and must name a resource this server serves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..services.actor import Actor

if TYPE_CHECKING:  # fhir.resources is imported when a type is built, not at start-up
    from fhir.resources.R4B.resource import Resource

#: The FHIR version every resource and the CapabilityStatement declare.
FHIR_VERSION = "4.0.1"


@dataclass(frozen=True)
class Ctx:
    """What a builder may use: the session (read only), who asks (for what they may see
    of a row), and the server's base URL (for ``fullUrl`` and canonical URLs)."""

    session: Session
    actor: Actor
    base: str


@dataclass(frozen=True)
class FhirType:
    #: The FHIR resource type, e.g. ``"Appointment"``.
    name: str
    #: The permission (from the permission table) a reader needs.
    permission: str
    #: Rows -> resources, for a batch (order kept; a row may give several resources or none).
    build: Callable[[Ctx, Sequence[Any]], list[Resource]]
    #: The ORM class whose rows ``build`` takes; ``None`` for a type not stored in a table
    #: (Questionnaire, made from the packs' contributions): ``catalogue`` gives those.
    model: type | None = None
    #: The patient a row belongs to (compartment, ``patient=``, the care-team rules).
    patient: ColumnElement[Any] | None = None
    #: The column ``date=`` searches.
    date: ColumnElement[Any] | None = None
    #: The column behind ``meta.lastUpdated`` and ``_lastUpdated=``.
    updated: ColumnElement[Any] | None = None
    #: Only rows this is true of are resources of the type (e.g. signed notes only).
    where: Callable[[], ColumnElement[bool]] | None = None
    #: Resource id -> row id, for types with several resources per row (else ``int(id)``).
    row_key: Callable[[str], int | None] | None = None
    #: Resources not read from rows: for a type with no table, every resource of it; for a
    #: type with one, those it serves besides its rows (Organization: the clinic itself,
    #: id ``clinic``, beside the payers' rows). Few and patient-free; searched in memory.
    catalogue: Callable[[Ctx], list[Resource]] | None = None
    #: Is this a clinical type (the care-team rules apply to a practitioner reading it)?
    clinical: bool = False


_TYPES: dict[str, FhirType] = {}


def register(*fhir_types: FhirType) -> None:
    """Add types (each resource module calls this at import, with its module-level types)."""
    for fhir_type in fhir_types:
        if fhir_type.name in _TYPES:
            raise ValueError(f"FHIR type {fhir_type.name} registered twice")
        _TYPES[fhir_type.name] = fhir_type


#: Whether :func:`types` has imported every module in :data:`MODULES` (a list: no global).
_LOADED: list[bool] = []

#: The modules that register types, imported on first use (keeps start-up light).
MODULES = ("people", "scheduling", "clinical", "questionnaires", "billing")


def types() -> dict[str, FhirType]:
    """Every registered type by name."""
    # Every module, even when one was imported on its own before (a resource module
    # importing another's helpers registers that one's types, not the rest).
    if not _LOADED:
        from importlib import import_module

        for name in MODULES:
            import_module(f"{__package__}.resources.{name}")
        _LOADED.append(True)
    return _TYPES


def get(name: str) -> FhirType | None:
    return types().get(name)


def resources(ctx: Ctx, fhir_type: FhirType, rows: Sequence[Any]) -> list[Resource]:
    """The resources of ``rows`` (all of one type's model)."""
    return fhir_type.build(ctx, rows) if rows else []


def reference(resource_type: str, row_id: int | str) -> dict[str, str]:
    """A relative reference, ``{"reference": "Patient/42"}``."""
    return {"reference": f"{resource_type}/{row_id}"}
