"""Importing patients and appointments from CSV (issue 16, part 4), on both engines: every
bad row reported by number and field with nothing written; dry runs write nothing; re-runs
are idempotent by external id; presets read Jane's and Cliniko's column names; local times
of the location; the double-booking guard judges imported visits too."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from click.testing import CliRunner
from clinic_factories import practitioner, service
from sqlalchemy import func, select
from vesalius.imports.rows import FileProblem
from vesalius.imports.run import run
from vesalius.models import Appointment, AuditEvent, Patient
from vesalius.services import Actor, practitioners

SYSTEM = Actor.system("tests")

PATIENTS = """external_id,given_name,family_name,birth_date,sex,email,phone,country
P-1,Ada,Lovelace,1985-12-10,F,ada@example.org,+1 416 555 0101,CA
P-2,Alan,Turing,1912-06-23,male,,416-555-0102,GB
P-3,Grace,Hopper,1906-12-09,,grace@example.org,,US
"""


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def test_patients_import_then_rerun_changes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    report = run(db, SYSTEM, "patients", PATIENTS)
    assert report.ok and (report.created, report.updated, report.unchanged) == (3, 0, 0)
    with db.session() as s:
        ada = s.scalar(select(Patient).where(Patient.external_id == "P-1"))
        assert (ada.given_name, ada.sex, ada.country, ada.reminders_email) == (
            "Ada", "female", "CA", True)
        assert ada.phone_key == "14165550101" and ada.family_name_key == "lovelace"
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "create", AuditEvent.resource_type == "patient")) == 3
    again = run(db, SYSTEM, "patients", PATIENTS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = PATIENTS.replace("416-555-0102", "+44 20 7946 0018")
    third = run(db, SYSTEM, "patients", changed)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    with db.session() as s:
        alan = s.scalar(select(Patient).where(Patient.external_id == "P-2"))
        assert alan.phone_tail_key == "810064970244"
    assert _count(db, Patient) == 3


def test_bad_rows_are_named_and_nothing_is_written(db) -> None:  # type: ignore[no-untyped-def]
    bad = PATIENTS + (
        "P-4,Mary,,1990-01-01,,,,\n"  # no family name
        "P-5,Emmy,Noether,10/03/1882,,not-an-email,,\n"
        "P-1,Ada,Again,1985-12-10,,,,\n"  # external id twice
        "P-6,Rosalind,Franklin,2999-01-01,Q,,,Canada\n")
    for dry_run in (True, False):
        report = run(db, SYSTEM, "patients", bad, dry_run=dry_run)
        found = {(e.row, e.field) for e in report.errors}
        assert found == {(5, "family_name"), (6, "birth_date"), (6, "email"),
                         (7, "external_id"), (8, "birth_date"), (8, "sex"), (8, "country")}
        assert "nothing was imported" in report.summary()
        assert _count(db, Patient) == 0
    with pytest.raises(FileProblem, match="family_name"):
        run(db, SYSTEM, "patients", "external_id,given_name\nX,Y\n")


def test_dry_run_counts_but_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    report = run(db, SYSTEM, "patients", PATIENTS, dry_run=True)
    assert report.ok and report.created == 3 and "would create 3" in report.summary()
    assert _count(db, Patient) == 0 and _count(db, AuditEvent) == 0


def test_jane_and_cliniko_column_names(db) -> None:  # type: ignore[no-untyped-def]
    jane = ("Patient Number,First Name,Last Name,Birth Date,Email,Mobile Phone,Province,"
            "Postal Code,Favourite Colour\n"
            "J-1,Ada,Lovelace,10/12/1985,ada@example.org,416 555 0101,ON,M5V 2T6,green\n")
    report = run(db, SYSTEM, "patients", jane, "jane", date_format="%d/%m/%Y")
    assert report.ok and report.created == 1
    assert report.ignored_columns == ["Favourite Colour"]
    cliniko = ("id,first_name,last_name,date_of_birth,address_1,post_code,country_code\n"
               "77,Alan,Turing,1912-06-23,2 Hampton Rd,TW12 1AB,gb\n")
    assert run(db, SYSTEM, "patients", cliniko, "cliniko").created == 1
    with db.session() as s:
        ada = s.scalar(select(Patient).where(Patient.external_id == "J-1"))
        alan = s.scalar(select(Patient).where(Patient.external_id == "77"))
        assert (ada.birth_date.isoformat(), ada.mobile, ada.region) == (
            "1985-12-10", "416 555 0101", "ON")
        assert (alan.address_line1, alan.postal_code, alan.country) == (
            "2 Hampton Rd", "TW12 1AB", "GB")


def test_appointments_in_local_time_with_the_guard(db) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        loc = practitioners.create_location(s, SYSTEM, practitioners.LocationIn(
            name="Queen St", timezone="America/Toronto", rooms=[]))
        practitioner(s, SYSTEM, email="sam.physio@example.org", location_id=loc.id)
        service(s, SYSTEM, name="Physio follow-up", minutes=30)
        s.commit()
    assert run(db, SYSTEM, "patients", PATIENTS).ok
    csv = ("external_id,patient_external_id,practitioner,service,start,status\n"
           "A-1,P-1,sam.physio@example.org,Physio follow-up,2026-03-02 09:00,Attended\n"
           "A-2,P-2,Sam Physio,Physio follow-up,2026-03-02T14:00:00+00:00,Did not arrive\n"
           "A-3,P-3,sam.physio@example.org,,2026-03-03 10:00,booked\n")
    report = run(db, SYSTEM, "appointments", csv, dry_run=True)
    assert [str(e) for e in report.errors] == [
        "row 4, end: give end, duration_minutes or a service (its length)"]
    fixed = csv.replace("start,status", "start,status,duration_minutes").replace(
        "Attended\n", "Attended,\n").replace("Did not arrive\n", "Did not arrive,\n").replace(
        "booked\n", "booked,45\n")
    report = run(db, SYSTEM, "appointments", fixed)
    assert report.ok and report.created == 3, report.errors
    with db.session() as s:
        rows = {a.external_id: a for a in s.scalars(select(Appointment))}
        # 09:00 in Toronto on 2 March 2026 (EST, UTC-5) is 14:00 UTC; 30 minutes (service).
        assert rows["A-1"].start_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
        assert rows["A-1"].end_at.time() == time(14, 30)
        assert (rows["A-1"].status, rows["A-2"].status) == ("completed", "no-show")
        assert (rows["A-3"].end_at - rows["A-3"].start_at).seconds == 45 * 60
    assert run(db, SYSTEM, "appointments", fixed).unchanged == 3
    clash = ("external_id,patient_external_id,practitioner,start,end\n"
             "A-9,P-2,sam.physio@example.org,2026-03-02 09:15,2026-03-02 09:45\n"
             "A-10,P-9,sam.physio@example.org,2026-03-05 09:15,2026-03-05 09:45\n")
    report = run(db, SYSTEM, "appointments", clash)
    assert [(e.row, e.field) for e in report.errors] == [(3, "patient_external_id")]
    report = run(db, SYSTEM, "appointments", clash.splitlines()[0] + "\n" +
                 clash.splitlines()[1] + "\n")
    assert [(e.row, e.field) for e in report.errors] == [(2, "start")]
    assert "imported appointment A-1" in report.errors[0].message
    assert _count(db, Appointment) == 3


def test_command_line(db, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from vesalius.cli import main

    good = tmp_path / "patients.csv"
    good.write_text(PATIENTS, encoding="utf-8-sig")  # a spreadsheet's byte-order mark
    bad = tmp_path / "bad.csv"
    bad.write_text(PATIENTS + "P-4,Mary,,1990-01-01,,,,\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["import", "patients", str(bad), "--database", db_url])
    assert result.exit_code == 1
    assert "row 5, family_name:" in result.output and "nothing was imported" in result.output
    result = runner.invoke(main, ["import", "patients", str(good), "--dry-run",
                                  "--database", db_url])
    assert result.exit_code == 0 and "would create 3" in result.output
    assert _count(db, Patient) == 0
    result = runner.invoke(main, ["import", "patients", str(good), "--database", db_url])
    assert result.exit_code == 0 and "created 3" in result.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("external_id,given_name,family_name\nX,Zoë,Ångström\n".encode("cp1252"))
    result = runner.invoke(main, ["import", "patients", str(latin), "--database", db_url])
    assert result.exit_code == 2 and "not UTF-8" in result.output
