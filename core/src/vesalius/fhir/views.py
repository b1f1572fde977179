"""The FHIR read API's routes: ``metadata``, read, search (a searchset Bundle with paging
links) and ``Patient/{id}/$everything``. Every read and search is audited (a search as one
list event naming the rows it showed, as the JSON API's lists are)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import request
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..services import audit
from ..services.actor import Actor
from . import registry, rows
from .http import base_url, fhir_route, preferences
from .registry import Ctx, FhirType
from .search import Search, parse, row_ids

if TYPE_CHECKING:  # fhir.resources loads on the first FHIR request, not at start-up
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.resource import Resource

#: Audit ``resource_type`` of a FHIR read: ``fhir:Patient`` (fits the column's 30).
AUDIT_PREFIX = "fhir:"


def _type(name: str) -> FhirType:
    fhir_type = registry.get(name)
    if fhir_type is None:
        raise NotFound(f"this server serves no resource type {name!r} (see /metadata)")
    return fhir_type


def _lenient() -> bool:
    """``Prefer: handling=lenient`` (preferences are separated by commas, RFC 7240)."""
    return "handling=lenient" in preferences()


def _entries(base: str, resources: Iterable[Resource], mode: str) -> list[dict[str, Any]]:
    return [{"fullUrl": f"{base}/{r.get_resource_type()}/{r.id}", "resource": r,
             "search": {"mode": mode}} for r in resources]


def _last_updated(resource: Resource) -> Any:
    meta = resource.meta
    value = meta.lastUpdated if meta is not None else None
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _catalogue(ctx: Ctx, fhir_type: FhirType, search: Search) -> list[Resource]:
    """The type's catalogue resources matching the search (patient-free: none match a
    ``patient`` or ``date`` search)."""
    if fhir_type.catalogue is None or search.patients is not None or search.date:
        return []
    found = fhir_type.catalogue(ctx)
    if search.ids is not None:
        found = [r for r in found if r.id in search.ids]
    return [r for r in found if all(b.holds(_last_updated(r)) for b in search.updated)]


def _audit(session: Session, actor: Actor, fhir_type: FhirType, found: Sequence[rows.Row],
           detail: str) -> None:
    kind = AUDIT_PREFIX + fhir_type.name
    if audit.record_list(session, actor, "read", kind, [(r.id, r.patient_id) for r in found],
                         detail=detail) is None:
        audit.record(session, actor, "read", kind, None, None, detail=detail)


@fhir_route("/metadata", public=True)
def metadata(session: Session, actor: Actor) -> Resource:
    """The CapabilityStatement (no token needed, as on any FHIR server)."""
    from .capability import statement

    return statement(base_url())


@fhir_route("/<string:type_name>")
def search_type(session: Session, actor: Actor, type_name: str) -> Resource:
    """Search one type: a searchset Bundle, ``_count`` a page, with self/next/previous."""
    fhir_type = _type(type_name)
    rows.require_role(actor, fhir_type)
    search = parse(fhir_type, request.args, lenient=_lenient())
    ctx = Ctx(session, actor, base_url())
    scoped = rows.scope(session, actor, fhir_type, search.patients)
    listed = _catalogue(ctx, fhir_type, search)
    shown = listed[search.offset:search.offset + search.count]
    skip = max(0, search.offset - len(listed))
    found, total_rows = rows.page(session, fhir_type, search, scoped, skip,
                                  search.count - len(shown))
    built = registry.resources(ctx, fhir_type, [r.obj for r in found])
    if search.ids is not None and fhir_type.row_key is not None:
        built = [r for r in built if r.id in search.ids]  # a row's other resources
    total = len(listed) + total_rows
    _audit(session, actor, fhir_type, found, f"FHIR search, {len(found)} of {total}")
    base = base_url()
    link = [{"relation": "self", "url": _url(base, type_name, search, search.offset)}]
    if search.count and search.offset + search.count < total:
        link.append({"relation": "next",
                     "url": _url(base, type_name, search, search.offset + search.count)})
    if search.count and search.offset > 0:
        link.append({"relation": "previous", "url": _url(
            base, type_name, search, max(0, search.offset - search.count))})
    return _bundle(type="searchset",
                  # Rows, not resources, for a type with several resources per row.
                  total=total if fhir_type.row_key is None else None,
                  link=link, entry=_entries(base, [*shown, *built], "match") or None)


def _bundle(**values: Any) -> Bundle:
    from fhir.resources.R4B.bundle import Bundle

    return Bundle(**values)


def _url(base: str, type_name: str, search: Search, offset: int) -> str:
    return f"{base}/{type_name}?{urlencode(search.link_params(offset))}"


@fhir_route("/<string:type_name>/<string:resource_id>")
def read(session: Session, actor: Actor, type_name: str, resource_id: str) -> Resource:
    """One resource by id: 404 when there is none (or it is not of this type)."""
    fhir_type = _type(type_name)
    rows.require_role(actor, fhir_type)
    ctx = Ctx(session, actor, base_url())
    kind = AUDIT_PREFIX + fhir_type.name
    if fhir_type.catalogue is not None:
        for resource in fhir_type.catalogue(ctx):
            if resource.id == resource_id:
                audit.record(session, actor, "read", kind, None, None,
                             detail=f"FHIR read {resource_id}"[:300])
                return resource
    found = rows.by_ids(session, fhir_type, row_ids(fhir_type, (resource_id,)))
    if found:
        rows.require_patient(session, actor, fhir_type, found[0].patient_id)
        for resource in registry.resources(ctx, fhir_type, [found[0].obj]):
            if resource.id == resource_id:
                audit.record(session, actor, "read", kind, found[0].id, found[0].patient_id,
                             detail="FHIR read")
                return resource
    raise NotFound(f"no {fhir_type.name} with id {resource_id!r}")


#: Rounds of following references to resources outside the compartment (a
#: PractitionerRole names its Practitioner, Organization and Location: two suffice).
FOLLOW_ROUNDS = 3


@fhir_route("/Patient/<string:resource_id>/$everything")
def everything(session: Session, actor: Actor, resource_id: str) -> Resource:
    """The patient and every resource of their compartment that ``actor`` may read, with the
    practitioners, organisations and locations they reference: one query per type, whatever
    the record's size."""
    patient_type = _type("Patient")
    found = rows.by_ids(session, patient_type, row_ids(patient_type, (resource_id,)))
    if not found:
        raise NotFound(f"no Patient with id {resource_id!r}")
    patient_id = found[0].id
    ctx = Ctx(session, actor, base_url())
    compartment = [t for t in registry.types().values()
                   if t.patient is not None and actor.can(t.permission)]
    # Checked once for the patient: their own record (a patient), in the care team (a
    # practitioner, when a clinical type is in the compartment: one query).
    rows.require_patient(session, actor, patient_type, patient_id)
    clinical = next((t for t in compartment if t.clinical), None)
    if clinical is not None:
        rows.require_patient(session, actor, clinical, patient_id)
    out: list[Resource] = []
    for fhir_type in compartment:
        these = [found[0]] if fhir_type is patient_type else \
            rows.of_patient(session, fhir_type, patient_id)
        out += registry.resources(ctx, fhir_type, [r.obj for r in these])
        if these:
            _audit(session, actor, fhir_type, these, "FHIR Patient/$everything")
    included = _follow(session, actor, ctx, out)
    base = base_url()
    return _bundle(type="searchset", total=len(out),
                  link=[{"relation": "self",
                         "url": f"{base}/Patient/{patient_id}/$everything"}],
                  entry=_entries(base, out, "match") + _entries(base, included, "include"))


def _follow(session: Session, actor: Actor, ctx: Ctx, found: list[Resource]) -> list[Resource]:
    """The resources ``found`` references that are not in it, of types with no patient
    (practitioners, organisations, locations): one query per type and round."""
    have = {f"{r.get_resource_type()}/{r.id}" for r in found}
    included: list[Resource] = []
    latest = found
    for _round in range(FOLLOW_ROUNDS):
        wanted: dict[str, set[str]] = defaultdict(set)
        for resource in latest:
            for ref in _references(resource):
                kind, _, rid = ref.partition("/")
                if ref not in have and rid and "/" not in rid:
                    wanted[kind].add(rid)
        latest = []
        for kind, ids in sorted(wanted.items()):
            fhir_type = registry.get(kind)
            if fhir_type is None or fhir_type.patient is not None \
                    or not actor.can(fhir_type.permission):
                continue
            if fhir_type.catalogue is not None:
                latest += [r for r in fhir_type.catalogue(ctx) if r.id in ids]
            these = rows.by_ids(session, fhir_type, row_ids(fhir_type, tuple(ids)))
            latest += [r for r in registry.resources(ctx, fhir_type, [t.obj for t in these])
                       if r.id in ids]
        latest = [r for r in latest if f"{r.get_resource_type()}/{r.id}" not in have]
        have |= {f"{r.get_resource_type()}/{r.id}" for r in latest}
        included += latest
        if not latest:
            break
    return included


def _references(resource: Any) -> Iterable[str]:
    """Every relative ``Reference.reference`` in a resource, depth first."""
    from fhir.resources.R4B.reference import Reference
    from fhir_core.fhirabstractmodel import FHIRAbstractModel

    stack: list[Any] = [resource]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Reference):
            if item.reference and "://" not in item.reference \
                    and not item.reference.startswith("#"):
                yield item.reference
        elif isinstance(item, FHIRAbstractModel):
            stack.extend(getattr(item, name) for name in type(item).model_fields
                         if getattr(item, name, None) is not None)

