"""The full export (issue 16, part 5) on both engines: a CSV per table with a data
dictionary, signed notes as HTML whose hashes the index and manifest carry, no password or
token hash anywhere; a patient's export holds only their rows; and the round trip: the
export's import files, read by ``vesalius import`` into an empty clinic with the same
staff, services and locations, give back the same patients and appointments."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta

from click.testing import CliRunner
from clinic_factories import (
    MONDAY,
    at,
    clinic_setup,
    patient,
    practitioner,
    service,
    visit_document,
)
from sqlalchemy import select
from vesalius.cli import main
from vesalius.db import Database
from vesalius.exports.archive import write_export
from vesalius.imports.run import run
from vesalius.models import Appointment, Patient, User
from vesalius.services import Actor, notes, practitioners, scheduling, users
from vesalius.services.scheduling import BookingIn

SYSTEM = Actor.system("tests")


def _clinic(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = clinic_setup(s, SYSTEM)
        prac = c["practitioner"]
        me = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)
        grace = patient(s, SYSTEM, given="Grace", family="Hopper")
        users.issue_token(s, SYSTEM, s.get(User, prac.user_id))
        first = scheduling.book(s, SYSTEM, BookingIn(
            patient_id=c["patient"].id, practitioner_id=prac.id, case_id=c["case"].id,
            service_id=c["service"].id, start=at(MONDAY, 10)))
        scheduling.set_status(s, SYSTEM, first.id, "arrived")
        note = notes.create_draft(s, me, notes.DraftIn(
            appointment_id=first.id, template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"])))
        notes.sign(s, me, note.id)
        second = scheduling.book(s, SYSTEM, BookingIn(
            patient_id=grace.id, practitioner_id=prac.id, service_id=c["service"].id,
            start=at(MONDAY, 14)))
        scheduling.cancel(s, SYSTEM, second.id, "unwell", at=at(MONDAY, 14) - timedelta(days=3))
        s.commit()
        return {"ada": c["patient"].id, "grace": grace.id, "note": note.id}


def _read(data: bytes) -> tuple[zipfile.ZipFile, dict]:  # type: ignore[type-arg]
    zf = zipfile.ZipFile(io.BytesIO(data))
    return zf, json.loads(zf.read("manifest.json"))


def _csv(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8"))))


def test_whole_clinic(db) -> None:  # type: ignore[no-untyped-def]
    ids = _clinic(db)
    out = io.BytesIO()
    with db.session() as s:
        write_export(s, SYSTEM, out)
        s.commit()
    zf, manifest = _read(out.getvalue())
    names = set(zf.namelist())
    assert {"tables/patients.csv", "tables/appointments.csv", "tables/notes.csv",
            "tables/audit_events.csv", "data-dictionary.csv", "import/patients.csv",
            "import/appointments.csv", f"notes/{ids['note']}.html",
            "notes/index.csv"} <= names
    for entry in manifest["files"]:  # every file's hash and row count are right
        data = zf.read(entry["file"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        if entry["rows"] is not None:
            assert len(list(csv.reader(io.StringIO(data.decode())))) - 1 == entry["rows"]
    everything = b"".join(zf.read(n) for n in names)
    assert b"argon2" not in everything and b"password_hash" not in everything
    assert b"token_hash" not in everything
    (row,) = _csv(zf, "notes/index.csv")
    html = zf.read(f"notes/{ids['note']}.html")
    assert row["html_sha256"] == hashlib.sha256(html).hexdigest() and row["content_sha256"]
    dictionary = {(r["file"], r["column"]): r for r in _csv(zf, "data-dictionary.csv")}
    assert dictionary[("tables/appointments.csv", "patient_id")]["references"] == "patients.id"
    # No link's or password's hash in any table (they would outlive the export's purpose).
    assert not {c for _, c in dictionary if c.endswith(("password_hash", "token_hash",
                                                         "token_sha256"))}
    assert ("tables/intake_requests.csv", "patient_id") in dictionary


def test_a_patients_access_request_holds_only_their_rows(db) -> None:  # type: ignore[no-untyped-def]
    ids = _clinic(db)
    out = io.BytesIO()
    with db.session() as s:
        write_export(s, SYSTEM, out, patient_id=ids["grace"])
    zf, manifest = _read(out.getvalue())
    assert manifest["scope"] == {"patient_id": ids["grace"]}
    assert [r["id"] for r in _csv(zf, "tables/patients.csv")] == [str(ids["grace"])]
    assert {r["patient_id"] for r in _csv(zf, "tables/appointments.csv")} == {str(ids["grace"])}
    assert "tables/practitioners.csv" not in zf.namelist()
    assert _csv(zf, "notes/index.csv") == []  # Ada's note stays out
    assert b"Lovelace" not in b"".join(zf.read(n) for n in zf.namelist())


def test_round_trip_through_import(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _clinic(db)
    out = tmp_path / "clinic.zip"
    result = CliRunner().invoke(main, ["export", "-o", str(out), "--database",
                                       db.engine.url.render_as_string(hide_password=False)])
    assert result.exit_code == 0, result.output
    zf = zipfile.ZipFile(out)
    target = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    target.upgrade()
    with target.session() as s:  # the new clinic's staff, services and locations
        loc = practitioners.create_location(s, SYSTEM, practitioners.LocationIn(
            name="Main St", timezone="UTC", rooms=[]))
        practitioner(s, SYSTEM, location_id=loc.id)
        service(s, SYSTEM)
        s.commit()
    for kind, rows in (("patients", 2), ("cases", 1), ("appointments", 2)):
        report = run(target, SYSTEM, kind, zf.read(f"import/{kind}.csv").decode())
        assert report.ok and report.created == rows, report.errors

    def picture(database: Database) -> tuple[set, set]:  # type: ignore[type-arg]
        with database.session() as s:
            people = {(p.given_name, p.family_name, p.birth_date, p.email, p.phone)
                      for p in s.scalars(select(Patient))}
            visits = {(a.start_at, a.end_at, a.status, a.cancel_reason)
                      for a in s.scalars(select(Appointment))}
            return people, visits

    assert picture(target) == picture(db)
    target.dispose()
