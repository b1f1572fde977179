"""What fhir.resources does not check: required code bindings, reference target types, and
references that must resolve inside a bundle.

The R4B models validate datatypes, cardinality and unknown fields, but accept
``Patient(gender="f")`` and a ``Patient.managingOrganization`` pointing at a Location
(https://github.com/nazrulworld/fhir.resources/issues/76). The allowed values are on the
models (``json_schema_extra["enum_values"]`` and ``["enum_reference_types"]``); this walks
a parsed resource and enforces them. Every FHIR test runs its output through here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from fhir_core.fhirabstractmodel import FHIRAbstractModel


class FhirCheckError(AssertionError):
    """A resource broke a rule the models do not enforce (the message says where)."""


def parse(obj: dict[str, Any] | Resource) -> Resource:
    """A resource from its JSON (a dict) or a model, validated by fhir.resources R4B."""
    if isinstance(obj, FHIRAbstractModel):
        obj = obj.model_dump(mode="json", exclude_none=True)
    if not isinstance(obj, dict) or "resourceType" not in obj:
        raise FhirCheckError(f"not a FHIR resource: {str(obj)[:80]}")
    model = get_fhir_model_class(obj["resourceType"])
    return model.model_validate(obj)  # type: ignore[no-any-return]


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _walk(model: FHIRAbstractModel, path: str) -> Iterator[tuple[str, str, Any, dict]]:
    """``(path, field, value, json_schema_extra)`` for every set element, depth first."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name, None)
        if value is None:
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        for i, item in enumerate(_values(value)):
            where = f"{path}.{name}" + (f"[{i}]" if isinstance(value, list) else "")
            yield where, name, item, extra
            if isinstance(item, FHIRAbstractModel):
                yield from _walk(item, where)


def _ref_type(reference: str) -> str | None:
    """``"Patient"`` of ``"Patient/42"`` (relative or absolute), None for ``#contained``."""
    if reference.startswith("#"):
        return None
    parts = reference.split("/_history/")[0].rstrip("/").split("/")
    return parts[-2] if len(parts) >= 2 else None


def references(obj: dict[str, Any] | Resource) -> list[str]:
    """Every ``Reference.reference`` in a resource (a bundle's entries included)."""
    resource = parse(obj)
    return [item.reference for _w, _n, item, _e in _walk(resource, resource.get_resource_type())
            if isinstance(item, Reference) and item.reference]


def check_resource(obj: dict[str, Any] | Resource) -> Resource:
    """Parse ``obj`` with fhir.resources R4B and enforce required code bindings and
    reference target types everywhere in it; returns the parsed resource."""
    resource = parse(obj)
    for where, _name, item, extra in _walk(resource, resource.get_resource_type()):
        allowed = extra.get("enum_values")
        # A trailing "+" marks a value set with more codes than those listed (R4
        # Observation.status "registered | preliminary | final | amended +" also takes
        # corrected, cancelled, entered-in-error and unknown): not a closed list.
        if allowed and "+" not in allowed and isinstance(item, str) and item not in allowed:
            raise FhirCheckError(f"{where}: {item!r} is not one of {allowed}")
        targets = extra.get("enum_reference_types")
        if targets and isinstance(item, Reference) and item.reference \
                and "Resource" not in targets:
            kind = _ref_type(item.reference)
            if kind is not None and kind not in targets:
                raise FhirCheckError(
                    f"{where}: {item.reference!r} must reference one of {targets}")
    return resource


def check_bundle(obj: dict[str, Any] | Bundle, *, closed: bool = True) -> Bundle:
    """:func:`check_resource` on a bundle, plus: every entry has a ``fullUrl`` ending in
    ``Type/id`` of its resource, no entry twice, and (``closed``, e.g. for
    ``$everything``) every relative reference names an entry of the bundle."""
    bundle = check_resource(obj)
    if not isinstance(bundle, Bundle):
        raise FhirCheckError(f"not a Bundle but a {bundle.get_resource_type()}")
    present: set[str] = set()
    for i, entry in enumerate(bundle.entry or []):
        if entry.resource is None:
            continue
        key = f"{entry.resource.get_resource_type()}/{entry.resource.id}"
        if not (entry.fullUrl or "").endswith("/" + key):
            raise FhirCheckError(f"Bundle.entry[{i}].fullUrl {entry.fullUrl!r} is not {key}")
        if key in present:
            raise FhirCheckError(f"Bundle.entry[{i}]: {key} appears twice")
        present.add(key)
    if closed:
        for reference in references(bundle):
            if reference.startswith("#") or "://" in reference:
                continue
            if reference not in present:
                raise FhirCheckError(f"reference {reference!r} resolves to no entry")
    return bundle
