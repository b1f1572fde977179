"""Bulk Data ``$export`` over HTTP on both engines, the flow of HL7 FHIR Bulk Data Access
2.0 ("Bulk Data Export"): kick-off needs ``Prefer: respond-async`` (400 without) and
answers 202 with ``Content-Location``; the status URL answers 202 with ``X-Progress`` until
the worker has run, then 200 with the manifest; each file is ``application/fhir+ndjson``
whose every line parses, passes the checks, and whose references resolve across the
files; ``_type`` and ``_since`` filter; only the owner's token reads any of it; DELETE
answers 202 and the export is gone; the CapabilityStatement lists ``$export``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from bulk_clinic import SYSTEM, billed_clinic
from checks import check_resource, references
from sqlalchemy import select, update
from vesalius.db.types import utcnow
from vesalius.fhir import bulk, registry
from vesalius.models import AuditEvent, Invoice, Practitioner
from vesalius.services import users

ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}


@dataclass
class Clinic:
    app: Any
    tokens: dict[str, str]
    ids: dict[str, int]


@pytest.fixture
def clinic(db_url, tmp_path) -> Iterator[Clinic]:  # type: ignore[no-untyped-def]
    """The billed clinic on an app whose files go to ``tmp_path``, with a token for the
    owner, the front desk, billing, the treating practitioner and patient Ada."""
    from vesalius.app import create_app

    app = create_app(db_url)
    app.config.update(TESTING=True, VESALIUS_DATA_DIR=str(tmp_path))
    database = app.extensions["vesalius.db"]
    ids = billed_clinic(database)
    tokens: dict[str, str] = {}
    with database.session() as s:
        for email, role, extra in (("owner@clinic.test", "owner", {}),
                                   ("desk@clinic.test", "front-desk", {}),
                                   ("billing@clinic.test", "billing", {}),
                                   ("ada@portal.test", "patient", {"patient_id": ids["ada"]})):
            user = users.create_user(s, SYSTEM, users.UserIn(email=email, role=role,
                                                              name=role, **extra))
            tokens[role] = users.issue_token(s, SYSTEM, user)
        treating = s.get(Practitioner, ids["practitioner"])
        tokens["practitioner"] = users.issue_token(s, SYSTEM, treating.user)
    yield Clinic(app, tokens, ids)
    database.dispose()


def _send(fhir, method: str, url: str, role: str | None = "owner",  # type: ignore[no-untyped-def]
          headers: dict[str, str] | None = None):
    sent = {"User-Agent": "pytest-fhir", **(headers or {})}
    if role is not None:
        sent["Authorization"] = f"Bearer {fhir.tokens[role]}"
    path = url.split("://", 1)[1].split("/", 1)[1] if "://" in url else "fhir/R4" + url
    return fhir.app.test_client().open("/" + path, method=method, headers=sent)


def _run(fhir, tmp_path) -> list[str]:  # type: ignore[no-untyped-def]
    return bulk.run_pending(fhir.app.extensions["vesalius.db"], root=tmp_path)


def _export(fhir, tmp_path, query: str = "", level: str = "") -> dict:  # type: ignore[no-untyped-def, type-arg]
    kicked = _send(fhir, "GET", f"{level}/$export{query}", headers=ASYNC)
    assert kicked.status_code == 202, kicked.get_data(as_text=True)
    status_url = kicked.headers["Content-Location"]
    assert status_url.startswith("http://localhost/fhir/R4/$export-status/")
    waiting = _send(fhir, "GET", status_url)
    assert waiting.status_code == 202 and waiting.headers["X-Progress"]
    assert int(waiting.headers["Retry-After"]) > 0
    assert _run(fhir, tmp_path) == ["done"]
    done = _send(fhir, "GET", status_url)
    assert done.status_code == 200 and done.mimetype == "application/json"
    manifest = done.get_json()
    manifest["status_url"] = status_url
    return manifest


def _download(fhir, manifest) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def, type-arg]
    files = {}
    for entry in manifest["output"]:
        got = _send(fhir, "GET", entry["url"])
        assert got.status_code == 200 and got.mimetype == "application/fhir+ndjson"
        lines = got.get_data(as_text=True).splitlines()
        assert len(lines) == entry["count"]
        files[entry["type"]] = [json.loads(line) for line in lines]
    return files


def test_the_whole_flow(clinic, tmp_path) -> None:  # type: ignore[no-untyped-def]
    refused = _send(clinic, "GET", "/$export")  # no Prefer: respond-async
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["resourceType"] == "OperationOutcome"
    assert "respond-async" in body["issue"][0]["diagnostics"]
    manifest = _export(clinic, tmp_path)
    assert manifest["requiresAccessToken"] is True and manifest["error"] == []
    assert manifest["request"] == "http://localhost/fhir/R4/$export"
    files = _download(clinic, manifest)
    served = registry.types()
    assert {"Patient", "Practitioner", "Organization", "Coverage", "Claim", "Invoice"} <= \
        set(files) <= set(served)
    present = {f"{r['resourceType']}/{r['id']}" for lines in files.values() for r in lines}
    assert "Organization/clinic" in present
    for kind, lines in files.items():
        assert len({r["id"] for r in lines}) == len(lines), kind  # no resource twice
        for line in lines:
            assert line["resourceType"] == kind
            check_resource(line)
            for ref in references(line):  # every reference names a line of the files
                assert ref in present, (kind, line["id"], ref)
    assert {r["id"] for r in files["Claim"]} == {str(clinic.ids["claim"])}
    with clinic.app.extensions["vesalius.db"].session() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(
            AuditEvent.resource_type == "fhir_export").order_by(AuditEvent.id)))
    assert actions == ["export"] + ["download"] * len(files)


def test_metadata_lists_export(clinic) -> None:  # type: ignore[no-untyped-def]
    got = _send(clinic, "GET", "/metadata", role=None)
    assert got.status_code == 200
    body = got.get_json()
    (rest,) = body["rest"]
    assert "export" in {op["name"] for op in rest.get("operation", [])}
    patient = next(r for r in rest["resource"] if r["type"] == "Patient")
    assert "export" in {op["name"] for op in patient.get("operation", [])}


def test_type_and_since(clinic, tmp_path) -> None:  # type: ignore[no-untyped-def]
    manifest = _export(clinic, tmp_path, "?_type=Invoice,Coverage")
    assert [e["type"] for e in manifest["output"]] == ["Coverage", "Invoice"]
    cut = utcnow()
    db = clinic.app.extensions["vesalius.db"]
    with db.session() as s:
        s.execute(update(Invoice).values(updated_at=cut - timedelta(hours=1)))
        s.execute(update(Invoice).where(Invoice.id == clinic.ids["voided"])
                  .values(updated_at=cut + timedelta(seconds=1)))
    since = quote(cut.isoformat().replace("+00:00", "Z"))
    manifest = _export(clinic, tmp_path, f"?_type=Invoice&_since={since}")
    files = _download(clinic, manifest)
    assert [r["id"] for r in files["Invoice"]] == [str(clinic.ids["voided"])]
    bad = _send(clinic, "GET", "/$export?_type=Spaceship", headers=ASYNC)
    assert bad.status_code == 400
    assert bad.get_json()["issue"][0]["expression"] == ["_type"]
    strict = _send(clinic, "GET", "/$export?_typeFilter=Claim%3Fstatus%3Dactive", headers=ASYNC)
    assert strict.status_code == 400
    assert strict.get_json()["issue"][0]["expression"] == ["_typeFilter"]
    lenient = _send(clinic, "GET", "/$export?_type=Claim&_typeFilter=Claim%3Fstatus%3Dactive",
                    headers={"Prefer": "respond-async, handling=lenient"})
    assert lenient.status_code == 202  # the unsupported parameter ignored, as asked


def test_patient_level(clinic, tmp_path) -> None:  # type: ignore[no-untyped-def]
    manifest = _export(clinic, tmp_path, level="/Patient")
    assert manifest["request"] == "http://localhost/fhir/R4/Patient/$export"
    kinds = {e["type"] for e in manifest["output"]}
    assert {"Patient", "Claim", "Invoice", "Coverage"} <= kinds
    assert "Organization" not in kinds and "Practitioner" not in kinds


def test_only_the_owner_who_asked(clinic, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for role in ("billing", "front-desk", "practitioner", "patient"):
        denied = _send(clinic, "GET", "/$export", role=role, headers=ASYNC)
        assert denied.status_code == 403, role
        assert denied.get_json()["resourceType"] == "OperationOutcome"
    assert _send(clinic, "GET", "/$export", role=None, headers=ASYNC).status_code == 401
    manifest = _export(clinic, tmp_path, "?_type=Claim")
    (entry,) = manifest["output"]
    for role in ("billing", "patient"):
        assert _send(clinic, "GET", manifest["status_url"], role=role).status_code == 403
        assert _send(clinic, "GET", entry["url"], role=role).status_code == 403
    assert _send(clinic, "GET", entry["url"], role=None).status_code == 401


def test_delete(clinic, tmp_path) -> None:  # type: ignore[no-untyped-def]
    manifest = _export(clinic, tmp_path, "?_type=Claim")
    (entry,) = manifest["output"]
    gone = _send(clinic, "DELETE", manifest["status_url"])
    assert gone.status_code == 202
    assert _send(clinic, "GET", manifest["status_url"]).status_code == 404
    assert _send(clinic, "GET", entry["url"]).status_code == 404
    assert not any((tmp_path / "fhir-exports").iterdir())
