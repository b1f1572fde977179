"""The export round trip (issue 16, part 5), on both engines: a clinic with insured patients,
cases with diagnosis codes (one closed), visits invoiced and partly paid, a cancelled
visit and a patient's credit is exported with ``vesalius export``; ``vesalius import
archive`` reads the zip's import files into an empty database of the same engine, which
then holds the same patients, cases, appointments and per-patient balances. Plus the rules
of the two new kinds: bad rows named by number and field with nothing written, re-runs by
external id, money never re-written."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from clinic_backups import empty_target, insured_clinic, visit
from clinic_factories import at, case, location, patient, practitioner
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from vesalius.backup.manifest import balances
from vesalius.cli import main
from vesalius.db import Database
from vesalius.exports.archive import write_export
from vesalius.imports.rows import FileProblem
from vesalius.imports.run import run, run_archive
from vesalius.models import Appointment, Case, Invoice, Patient, Payment, Practitioner
from vesalius.services import Actor, billing, cases, scheduling
from vesalius.services.scheduling import BookingIn

SYSTEM = Actor.system("tests")


def _seed(db: Database) -> None:
    clinic = insured_clinic(db, SYSTEM, patients=3)
    for n in range(5):  # five visits over three patients: invoiced, 12.34 paid on each
        visit(db, SYSTEM, clinic, n)
    people = clinic["people"]
    assert isinstance(people, list)
    with db.session() as s:
        first_patient = people[0][0]
        closed = case(s, SYSTEM, first_patient, title="Left ankle sprain",
                      diagnosis_codes=["S93.401A", "M25.572"], authorisation_number="AUTH-7",
                      referrer_name="Dr Who", referral_date=date(2024, 12, 1))
        cases.close(s, SYSTEM, closed.id, "discharged")
        later = scheduling.book(s, SYSTEM, BookingIn(
            patient_id=people[1][0], practitioner_id=clinic["practitioner"],
            case_id=people[1][1], start=at(date(2030, 3, 4), 10),
            end=at(date(2030, 3, 4), 10, 45), booking_note="bring shoes"))
        scheduling.cancel(s, SYSTEM, later.id, "away", at=at(date(2030, 3, 1), 9))
        # A patient with no visit and money on account: a credit.
        quiet = patient(s, SYSTEM, given="Quiet", family="Credit")
        billing.record_payment(s, SYSTEM, billing.PaymentIn(
            patient_id=quiet.id, amount=Decimal("40.00"), method="cash"))
        s.commit()


def _staff(url: str) -> Database:
    """The new clinic, migrated, with its own practitioner and location (same names)."""
    target = Database(url)
    target.upgrade()
    with target.session() as s:
        loc = location(s, SYSTEM)
        practitioner(s, SYSTEM, location_id=loc.id)
        s.commit()
    return target


def _picture(db: Database) -> dict[str, object]:
    """What must survive, keyed by names (ids differ between the two databases)."""
    with db.session() as s:
        names = {p.id: f"{p.given_name} {p.family_name}" for p in s.scalars(select(Patient))}
        people = {(p.given_name, p.family_name, p.birth_date, p.email, p.phone)
                  for p in s.scalars(select(Patient))}
        prac = aliased(Practitioner)
        kinds = {(names[c.patient_id], c.discipline, c.title, c.status, c.opened_on,
                  c.closed_on, c.close_reason, tuple(c.diagnosis_codes),
                  c.authorisation_number, c.referrer_name, c.referral_date, name)
                 for c, name in s.execute(select(Case, prac.display_name).outerjoin(
                     prac, prac.id == Case.primary_practitioner_id))}
        visits = {(names[a.patient_id], a.start_at, a.end_at, a.status, a.cancel_reason,
                   a.booking_note, title)
                  for a, title in s.execute(select(Appointment, Case.title).outerjoin(
                      Case, Case.id == Appointment.case_id))}
        owed = {names[pid]: b for pid, b in balances(s.connection())}
    return {"patients": people, "cases": kinds, "appointments": visits, "balances": owed}


def test_export_then_import_archive_restores_the_clinic(db, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    before = _picture(db)
    owed = before["balances"]
    assert isinstance(owed, dict)
    # The seed is what the test claims: partly paid insured invoices, a credit.
    assert any(b[0] > 0 and b[1] > 0 for b in owed.values())
    assert owed["Quiet Credit"] == (Decimal("0.00"), Decimal("0.00"), Decimal("40.00"))
    out = tmp_path / "clinic.zip"
    result = CliRunner().invoke(main, ["export", "-o", str(out), "--database",
                                       db.engine.url.render_as_string(hide_password=False)])
    assert result.exit_code == 0, result.output
    with empty_target(db_url, tmp_path) as url:
        target = _staff(url)
        try:
            dry = CliRunner().invoke(main, ["import", "archive", str(out), "--dry-run",
                                            "--database", url])
            assert dry.exit_code == 0, dry.output
            assert "would create 4" in dry.output  # patients
            with target.session() as s:
                assert s.scalar(select(func.count()).select_from(Patient)) == 0
            done = CliRunner().invoke(main, ["import", "archive", str(out), "--database",
                                             url])
            assert done.exit_code == 0, done.output
            assert _picture(target) == before
            with target.session() as s:  # the exported row ids became the external ids
                assert {p.external_id for p in s.scalars(select(Patient))} == {
                    f"vesalius-patient-{i}" for i in range(1, 5)}
                opening = s.scalars(select(Invoice)).all()
                assert {i.claim_state for i in opening} == {"none"}
                assert all(i.number == f"INV-{i.id:06d}" for i in opening)
            # Again: nothing changes, nothing is duplicated.
            reports = run_archive(target, SYSTEM, out.read_bytes())
            assert [(r.kind, r.created, r.updated) for r in reports] == [
                ("patients", 0, 0), ("cases", 0, 0), ("appointments", 0, 0),
                ("balances", 0, 0)]
            assert all(r.unchanged == r.rows for r in reports)
            assert _picture(target) == before
        finally:
            target.dispose()


CASES = ("external_id,patient_external_id,discipline,title,status,opened_on,closed_on,"
         "diagnosis_codes,practitioner\n") + """\
C-1,P-1,rehab,Low back pain,open,2025-01-02,,M54.50 M54.16,pat.rehab@example.org
C-2,P-1,rehab,Old knee,closed,2024-01-02,2024-03-01,M17.11,
"""
PATIENTS = "external_id,given_name,family_name\nP-1,Ada,Lovelace\nP-2,Alan,Turing\n"


def _people(db: Database) -> None:
    with db.session() as s:
        practitioner(s, SYSTEM, location_id=location(s, SYSTEM).id)
        s.commit()
    assert run(db, SYSTEM, "patients", PATIENTS).ok


def test_cases_import_checks_rows_and_reruns_by_external_id(db) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    bad = CASES + ("C-3,P-9,rehab,Nobody,,,,,\n"
                   "C-4,P-2,dentistry,Teeth,,,,99X,\n"
                   "C-5,P-2,rehab,,closed,,,,nobody@example.org\n"
                   "C-1,P-2,rehab,Again,,,,,\n")
    for dry_run in (True, False):
        report = run(db, SYSTEM, "cases", bad, dry_run=dry_run)
        assert {(e.row, e.field) for e in report.errors} == {
            (4, "patient_external_id"), (5, "discipline"), (5, "diagnosis_codes"),
            (6, "title"), (6, "closed_on"), (6, "practitioner"), (7, "external_id")}
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Case)) == 0
    report = run(db, SYSTEM, "cases", CASES)
    assert report.ok and report.created == 2, report.errors
    with db.session() as s:
        first = s.scalar(select(Case).where(Case.external_id == "C-1"))
        assert first.diagnosis_codes == ["M54.50", "M54.16"]
        assert first.primary_practitioner_id is not None
        assert s.scalar(select(Case.status).where(Case.external_id == "C-2")) == "closed"
    again = run(db, SYSTEM, "cases", CASES.replace("Low back pain", "Lumbar pain"))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    with pytest.raises(FileProblem, match="generic preset only"):
        run(db, SYSTEM, "cases", CASES, preset="jane")


def test_appointments_name_their_case(db) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    assert run(db, SYSTEM, "cases", CASES).ok
    rows = ("external_id,patient_external_id,practitioner,start,end,case_external_id\n"
            "A-1,P-1,pat.rehab@example.org,2025-01-06T09:00Z,2025-01-06T09:45Z,C-1\n"
            "A-2,P-2,pat.rehab@example.org,2025-01-06T10:00Z,2025-01-06T10:45Z,C-1\n")
    report = run(db, SYSTEM, "appointments", rows)
    assert [(e.row, e.field) for e in report.errors] == [(3, "case_external_id")]
    report = run(db, SYSTEM, "appointments", rows.rsplit("A-2", 1)[0])
    assert report.ok and report.created == 1
    with db.session() as s:
        assert s.scalar(select(Case.external_id).join(
            Appointment, Appointment.case_id == Case.id)) == "C-1"


BALANCES = """patient_external_id,patient_balance,insurer_balance,credit,as_of
P-1,120.50,80.00,0.00,2025-02-01
P-2,0.00,0.00,15.25,2025-02-01
"""


def test_balances_are_exact_and_never_rewritten(db) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    bad = BALANCES + "P-9,1.00,,,\nP-2,1.005,-3,abc,\n"
    report = run(db, SYSTEM, "balances", bad)
    assert {(e.row, e.field) for e in report.errors} == {
        (4, "patient_external_id"), (5, "patient_balance"), (5, "insurer_balance"),
        (5, "credit")}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 0
    report = run(db, SYSTEM, "balances", BALANCES)
    assert report.ok and report.created == 2, report.errors
    with db.session() as s:
        ada, alan = (s.scalar(select(Patient.id).where(Patient.external_id == e))
                     for e in ("P-1", "P-2"))
        account = billing.account(s, SYSTEM, ada)
        assert (account.patient_balance, account.insurer_balance, account.credit) == (
            Decimal("120.50"), Decimal("80.00"), Decimal("0.00"))
        assert billing.account(s, SYSTEM, alan).credit == Decimal("15.25")
        assert s.scalar(select(Payment.received_on)) == date(2025, 2, 1)
    again = run(db, SYSTEM, "balances", BALANCES)
    assert (again.created, again.unchanged) == (0, 2)
    changed = run(db, SYSTEM, "balances", BALANCES.replace("120.50", "99.00"))
    assert [(e.row, e.field) for e in changed.errors] == [(2, "patient_balance")]
    assert "void it" in changed.errors[0].message


def test_an_archive_with_a_bad_file_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        zf.writestr("import/patients.csv", PATIENTS.replace("P-2", "P-3"))
        zf.writestr("import/cases.csv", CASES)
        zf.writestr("import/balances.csv", BALANCES.replace("P-2", "P-4"))  # no such
    reports = run_archive(db, SYSTEM, data.getvalue())
    assert [r.kind for r in reports] == ["patients", "cases", "balances"]
    assert [(e.row, e.field) for e in reports[-1].errors] == [(3, "patient_external_id")]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 2  # P-3 rolled back
        assert s.scalar(select(func.count()).select_from(Invoice)) == 0
        assert s.scalar(select(func.count()).select_from(Case)) == 0
    with pytest.raises(FileProblem, match="not a zip"):
        run_archive(db, SYSTEM, b"external_id\n")


def test_a_patients_export_carries_their_balance(db) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    assert run(db, SYSTEM, "balances", BALANCES).ok
    with db.session() as s:
        alan = s.scalar(select(Patient.id).where(Patient.external_id == "P-2"))
        out = io.BytesIO()
        write_export(s, SYSTEM, out, patient_id=alan)
    text = zipfile.ZipFile(out).read("import/balances.csv").decode()
    assert text.splitlines()[1:] == [f"P-2,0.00,0.00,15.25,{date.today().isoformat()}"]
