"""Bulk Data export's job on both engines (HL7 FHIR Bulk Data Access 2.0, "Bulk Data
Export"): kick-off checks its parameters and queues; the worker writes one ndjson file per
type under the data directory; every line parses and passes the checks, and references
resolve across the files; ``_type`` and ``_since`` filter; only the owner who kicked it off
reads it; DELETE cancels and removes the files; the huey task runs it; a dead worker's
export is taken again."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from bulk_clinic import SYSTEM, billed_clinic
from checks import check_resource, references
from huey import MemoryHuey
from sqlalchemy import select, update
from vesalius.db.types import utcnow
from vesalius.errors import Forbidden, Invalid, NotFound, TooMany
from vesalius.fhir import bulk, bulk_ndjson, registry
from vesalius.fhir.bulk_worker import add_export_task
from vesalius.models import AuditEvent, Claim, FhirExport, Invoice
from vesalius.services import Actor, users

BASE = "http://clinic.test/fhir/R4"


def served() -> dict[str, registry.FhirType]:
    """Every type whose module is in this tree (all five once the FHIR branches meet)."""
    return dict(registry.types())


def _owner(db) -> Actor:  # type: ignore[no-untyped-def]
    with db.session() as s:
        user = users.create_user(s, SYSTEM, users.UserIn(
            email="owner@clinic.test", role="owner", name="Olive Owner"))
        return Actor(user_id=user.id, role="owner")


def _request(level: str = "system", **params: str) -> bulk.Request:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    path = "Patient/$export" if level == "patient" else "$export"
    return bulk.Request(level=level, url=f"{BASE}/{path}" + (f"?{query}" if query else ""),
                        base=BASE, params={k: [v] for k, v in params.items()})


def _kick(db, actor, level: str = "system", **params: str) -> str:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return bulk.kick_off(s, actor, _request(level, **params), served()).key


def _files(root: Path, manifest: dict) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    out = {}
    for entry in manifest["output"]:
        name = entry["url"].rsplit("/", 1)[1]
        lines = (bulk.export_dir(root, entry["url"].split("/")[-2]) / name).read_text(
            encoding="utf-8").splitlines()
        assert len(lines) == entry["count"]
        out[entry["type"]] = [json.loads(line) for line in lines]
    return out


def _status(db, actor, key):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return bulk.status(s, actor, key, base=BASE)


def test_kick_off_status_run_manifest_files(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = billed_clinic(db)
    owner = _owner(db)
    key = _kick(db, owner)
    assert _status(db, owner, key).state == "queued"
    with db.session() as s:  # the kick-off is audited
        assert s.scalar(select(AuditEvent.action).where(
            AuditEvent.resource_type == "fhir_export")) == "export"
    assert bulk.run_pending(db, root=tmp_path, types=served()) == ["done"]
    done = _status(db, owner, key)
    manifest = done.manifest
    assert done.state == "done" and manifest["requiresAccessToken"] is True
    assert manifest["request"] == f"{BASE}/$export" and manifest["error"] == []
    assert manifest["transactionTime"].endswith("Z")
    files = _files(tmp_path, manifest)
    assert {"Coverage", "Claim", "Invoice"} <= set(files)
    assert [e["url"] for e in manifest["output"]] == [
        f"{BASE}/$export-file/{key}/{e['type']}.ndjson" for e in manifest["output"]]
    present = {f"{r['resourceType']}/{r['id']}" for lines in files.values() for r in lines}
    for kind, lines in files.items():
        for line in lines:
            assert line["resourceType"] == kind
            check_resource(line)
    assert {r["id"] for r in files["Invoice"]} == {str(ids[k]) for k in
                                                   ("invoice", "paid", "voided")}
    for lines in files.values():  # references resolve across the files
        for line in lines:
            for ref in references(line):
                assert ref in present, ref
    with db.session() as s:  # a download is audited
        path = bulk.file_path(s, owner, key, "Claim.ndjson", root=tmp_path)
        assert path.read_bytes().count(b"\n") == 1
    with db.session() as s:
        assert s.scalar(select(AuditEvent.detail).where(AuditEvent.action == "download")) \
            == "Claim: 1 resource"


def test_type_and_since_filter(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = billed_clinic(db)
    owner = _owner(db)
    only = _kick(db, owner, _type="Claim,Invoice")
    bulk.run_pending(db, root=tmp_path, types=served())
    assert [e["type"] for e in _status(db, owner, only).manifest["output"]] == [
        "Claim", "Invoice"]
    # _since: only what changed after it (Invoice and Claim carry meta.lastUpdated).
    cut = utcnow()
    with db.session() as s:
        s.execute(update(Invoice).where(Invoice.id == ids["paid"])
                  .values(updated_at=cut + timedelta(seconds=5)))
        s.execute(update(Invoice).where(Invoice.id != ids["paid"])
                  .values(updated_at=cut - timedelta(days=1)))
        s.execute(update(Claim).values(updated_at=cut - timedelta(days=1)))
    since = _kick(db, owner, _type="Invoice,Claim", _since=cut.isoformat())
    bulk.run_pending(db, root=tmp_path, types=served())
    files = _files(tmp_path, _status(db, owner, since).manifest)
    assert set(files) == {"Invoice"}  # no Claim changed: no file
    assert [r["id"] for r in files["Invoice"]] == [str(ids["paid"])]


def test_patient_level_export_holds_compartment_types_only(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    billed_clinic(db)
    owner = _owner(db)
    key = _kick(db, owner, level="patient")
    with db.session() as s:
        types = s.scalar(select(FhirExport.types).where(FhirExport.key == key))
    assert all(served()[t].patient is not None for t in types)
    assert bulk.run_pending(db, root=tmp_path, types=served()) == ["done"]


@pytest.mark.parametrize(("params", "field"), [
    ({"_type": "Claim,Spaceship"}, "_type"),
    ({"_since": "yesterday"}, "_since"),
    ({"_since": "2026-01-01T00:00:00"}, "_since"),  # an instant has its zone
    ({"_outputFormat": "text/csv"}, "_outputFormat"),
    ({"_typeFilter": "Claim?status=active"}, "_typeFilter"),
])
def test_bad_parameters_are_named(db, params, field) -> None:  # type: ignore[no-untyped-def]
    owner = _owner(db)
    with pytest.raises(Invalid) as refused, db.session() as s:
        bulk.kick_off(s, owner, _request(**params), served())
    assert refused.value.field == field and field in refused.value.message
    with db.session() as s:
        assert s.scalar(select(FhirExport.id)) is None


def test_only_the_owner_who_asked_reads_it(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    billed_clinic(db)
    owner = _owner(db)
    for role in ("billing", "front-desk", "practitioner", "patient"):
        with pytest.raises(Forbidden), db.session() as s:
            bulk.kick_off(s, Actor(user_id=owner.user_id, role=role), _request(), served())
    key = _kick(db, owner)
    bulk.run_pending(db, root=tmp_path, types=served())
    with db.session() as s:
        other = users.create_user(s, SYSTEM, users.UserIn(
            email="second@clinic.test", role="owner", name="Second Owner"))
        second = Actor(user_id=other.id, role="owner")
    with pytest.raises(NotFound), db.session() as s:
        bulk.status(s, second, key, base=BASE)
    with pytest.raises(NotFound), db.session() as s:
        bulk.file_path(s, second, key, "Claim.ndjson", root=tmp_path)
    with pytest.raises(Forbidden), db.session() as s:
        bulk.file_path(s, Actor(user_id=owner.user_id, role="billing"), key, "Claim.ndjson",
                       root=tmp_path)


def test_delete_cancels_and_removes_files(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    billed_clinic(db)
    owner = _owner(db)
    key = _kick(db, owner)
    bulk.run_pending(db, root=tmp_path, types=served())
    assert any(bulk.export_dir(tmp_path, key).iterdir())
    with db.session() as s:
        bulk.delete(s, owner, key, root=tmp_path)
    assert not bulk.export_dir(tmp_path, key).exists()
    with pytest.raises(NotFound), db.session() as s:
        bulk.status(s, owner, key, base=BASE)
    # Deleted before the worker came: it never runs.
    queued = _kick(db, owner)
    with db.session() as s:
        bulk.delete(s, owner, queued, root=tmp_path)
    assert bulk.run_pending(db, root=tmp_path, types=served()) == []


def test_a_running_export_stops_when_deleted(db, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    billed_clinic(db)
    owner = _owner(db)
    key = _kick(db, owner)
    monkeypatch.setattr(bulk, "PROGRESS_EVERY", 0.0)
    real = bulk._Progress.__call__

    def delete_midway(self, text, *, force=False):  # type: ignore[no-untyped-def]
        if "Invoice" in text:  # the client deletes it while Invoice is being written
            with db.session() as s:
                bulk.delete(s, owner, key, root=tmp_path)
        return real(self, text, force=force)

    monkeypatch.setattr(bulk._Progress, "__call__", delete_midway)
    assert bulk.run_pending(db, root=tmp_path, types=served()) == ["cancelled"]
    assert not bulk.export_dir(tmp_path, key).exists()


def test_too_many_at_once(db) -> None:  # type: ignore[no-untyped-def]
    owner = _owner(db)
    for _ in range(bulk.MAX_ACTIVE):
        _kick(db, owner)
    with pytest.raises(TooMany):
        _kick(db, owner)


def test_a_dead_workers_export_is_taken_again_and_old_files_expire(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    billed_clinic(db)
    owner = _owner(db)
    key = _kick(db, owner)
    with db.session() as s:  # a worker took it, then died
        s.execute(update(FhirExport).values(status="running",
                                            heartbeat_at=utcnow() - timedelta(minutes=5)))
    assert bulk.run_pending(db, root=tmp_path, types=served()) == []  # not stale yet
    with db.session() as s:
        s.execute(update(FhirExport).values(heartbeat_at=utcnow() - timedelta(minutes=11)))
    assert bulk.run_pending(db, root=tmp_path, types=served()) == ["done"]
    later = utcnow() + bulk.KEEP_FOR + timedelta(minutes=1)
    assert bulk.expire(db, root=tmp_path, now=later) == 1
    assert not bulk.export_dir(tmp_path, key).exists()
    with pytest.raises(NotFound), db.session() as s:
        bulk.status(s, owner, key, base=BASE)


def test_a_failing_type_fails_the_export_without_its_content(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    billed_clinic(db)
    owner = _owner(db)
    key = _kick(db, owner, _type="Claim")

    def broken(ctx, rows):  # type: ignore[no-untyped-def]
        raise RuntimeError("Ada Lovelace's claim")

    types = {**served(), "Claim": registry.FhirType(
        name="Claim", permission="claims.read", build=broken, model=Claim,
        patient=Claim.patient_id)}
    assert bulk.run_pending(db, root=tmp_path, types=types) == ["failed"]
    failed = _status(db, owner, key)
    assert failed.state == "failed" and failed.error == "could not export Claim: RuntimeError"
    assert not bulk.export_dir(tmp_path, key).exists()


def test_the_worker_task_runs_queued_exports(db, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    billed_clinic(db)
    owner = _owner(db)
    key = _kick(db, owner, _type="Invoice")
    monkeypatch.setenv(bulk.DATA_ENV, str(tmp_path))
    huey = MemoryHuey("test", immediate=True)
    add_export_task(huey, db.url)
    huey.fhir_export_task()  # type: ignore[attr-defined]
    assert _status(db, owner, key).state == "done"
    assert (bulk.export_dir(tmp_path, key) / "Invoice.ndjson").is_file()


def test_data_dir(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(bulk.DATA_ENV, raising=False)
    assert bulk.data_dir(f"sqlite:///{tmp_path}/clinic.sqlite3") == tmp_path / "vesalius-data"
    assert bulk.data_dir("postgresql+psycopg://x@h/db") == Path("vesalius-data")
    monkeypatch.setenv(bulk.DATA_ENV, str(tmp_path / "files"))
    assert bulk.data_dir(None) == tmp_path / "files"



def test_rows_are_read_in_batches_with_the_same_queries_each(db, count_queries) -> None:  # type: ignore[no-untyped-def]
    billed_clinic(db)
    invoice = served()["Invoice"]
    with db.session() as s:
        ctx = registry.Ctx(s, SYSTEM, BASE)
        counts, sizes = [], []
        with count_queries() as counter:
            for batch in bulk_ndjson.batches(ctx, invoice, size=1):
                counts.append(counter.count)
                sizes.append(len(batch))
        every = [b - a for a, b in zip([0, *counts], counts, strict=False)]
    assert sizes == [1, 1, 1]
    assert len(set(every)) == 1, every  # one page of rows plus the builder's fixed queries


def test_worker_once_runs_the_exports_waiting(db, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Cron's ``vesalius worker --once`` runs the exports a client is waiting for, with no
    message channel set (the messages wait in the outbox; it says so)."""
    from click.testing import CliRunner
    from vesalius.cli import main

    for name in ("VESALIUS_SMTP_URL", "VESALIUS_SMS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(bulk.DATA_ENV, str(tmp_path))
    billed_clinic(db)
    owner = _owner(db)
    key = _kick(db, owner)
    done = CliRunner().invoke(main, ["worker", "--once", "--database",
                                     db.engine.url.render_as_string(hide_password=False)])
    assert done.exit_code == 0, done.output
    assert "FHIR exports: 1 run (1 done)" in done.output and "no message channel" in done.output
    assert _status(db, owner, key).state == "done"
    assert any(bulk.export_dir(tmp_path, key).iterdir())
