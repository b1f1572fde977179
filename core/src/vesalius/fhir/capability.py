"""The CapabilityStatement at ``/fhir/R4/metadata``, made from what is there: every
registered type with its search parameters, and every ``$operation`` route of the FHIR
blueprint (``Patient/$everything``; Bulk Data ``$export`` once mounted), never a hand list.
"""

from __future__ import annotations

import re
from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from flask import current_app

from .. import __version__
from . import registry
from .http import PREFIX
from .search import parameters

#: The canonical definitions of the operations this server may offer.
OPERATIONS = {
    "everything": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
    "export": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
}
_OPERATION = re.compile(r"^" + re.escape(PREFIX) + r"/(?:(?P<type>[A-Z][A-Za-z]+)/)?"
                        r"(?:<[^>]+>/)?\$(?P<name>[a-z][A-Za-z-]*)$")
SECURITY = ("Bearer tokens issued by the clinic (Authorization: Bearer <token>), the same "
            "as its JSON API; no SMART on FHIR. A patient's token reads only their own "
            "compartment; a practitioner reads clinical resources only of patients in "
            "their care. Every read and search is audited.")


def operations() -> dict[str | None, list[str]]:
    """``$name`` routes of the FHIR blueprint by resource type (None: system level)."""
    found: dict[str | None, list[str]] = {}
    for rule in current_app.url_map.iter_rules():
        match = _OPERATION.match(rule.rule)
        if match and match["name"] not in found.get(match["type"], []):
            found.setdefault(match["type"], []).append(match["name"])
    return found


def _operation(name: str) -> dict[str, str]:
    definition = OPERATIONS.get(name, f"{PREFIX}/OperationDefinition/{name}")
    return {"name": name, "definition": definition}


def statement(base: str) -> CapabilityStatement:
    ops = operations()
    resources: list[dict[str, Any]] = []
    for name, fhir_type in sorted(registry.types().items()):
        entry: dict[str, Any] = {
            "type": name,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": param, "type": kind}
                            for param, kind in parameters(fhir_type).items()],
        }
        if ops.get(name):
            entry["operation"] = [_operation(op) for op in ops[name]]
        resources.append(entry)
    rest: dict[str, Any] = {
        "mode": "server",
        "security": {"description": SECURITY},
        "resource": resources,
    }
    if ops.get(None):
        rest["operation"] = [_operation(op) for op in ops[None]]
    return CapabilityStatement(
        status="active", date=_today(), kind="instance", fhirVersion=registry.FHIR_VERSION,
        format=["json"], publisher="Vesalius",
        software={"name": "Vesalius", "version": __version__},
        implementation={"description": "Vesalius clinic FHIR R4 read API", "url": base},
        rest=[rest])


def _today() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).date().isoformat()
