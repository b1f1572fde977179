"""Retention and erasure in the browser: owner-only pages, the periods form with errors on
their field, the report and its CSV (formula cells neutralised), destroying a record past
its period (and refusing one inside it), bounded queries, erasure requests from the owner's
page and from the portal."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from vesalius.models import AuditEvent, Note, Patient
from vesalius.models.retention import ErasureRequest, RecordDestruction
from vesalius.services import Actor, users

PAGES = ("/retention/", "/retention/report.csv", "/retention/erasure")


def _old_patient(db, family: str = "Oldrecord", given: str = "Otto") -> int:  # type: ignore[no-untyped-def]
    """A patient registered in 2000 who never came back: past every default period."""
    with db.session() as s:
        patient = Patient(given_name=given, family_name=family, birth_date=date(1950, 5, 5),
                          family_name_key=family.lower(), given_name_key=given.lower(),
                          created_at=datetime(2000, 1, 3, 9, tzinfo=UTC),
                          updated_at=datetime(2000, 1, 3, 9, tzinfo=UTC))
        s.add(patient)
        s.flush()
        return patient.id


@pytest.mark.parametrize("role", ["front-desk", "practitioner", "billing"])
def test_only_the_owner_opens_the_pages(browser, role):  # type: ignore[no-untyped-def]
    staff = browser(role)
    for path in PAGES:
        assert staff.get(path).status_code == 403, path
    for path in ("/retention/policy", "/retention/destroy", "/retention/erasure"):
        assert staff.post(path, {}).status_code == 403, path
    assert "/retention/" not in staff.get("/account").get_data(as_text=True)


def test_owner_sets_the_periods(browser, db):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    page = owner.get("/retention/").get_data(as_text=True)
    assert "College of Physiotherapists of Ontario" in page and 'name="adult_years"' in page
    assert 'href="/retention/"' in owner.get("/admin/").get_data(as_text=True)
    form = {"jurisdiction": "England, NHS code 2021", "adult_years": "8", "majority_age": "18",
            "minor_years_after_majority": "7", "minor_years_after_contact": "8",
            "financial_years": "6"}
    bad = owner.post("/retention/policy", {**form, "adult_years": "0"}, follow_redirects=True)
    assert "adult_years" in bad.get_data(as_text=True)
    assert owner.post("/retention/policy", form).status_code == 302
    page = owner.get("/retention/").get_data(as_text=True)
    assert 'value="England, NHS code 2021"' in page and 'value="8"' in page
    owner.post("/retention/policy", {**form, "jurisdiction": "Ontario", "adult_years": "10",
                                     "minor_years_after_majority": "10",
                                     "minor_years_after_contact": "10",
                                     "financial_years": "7"})


def test_report_csv_neutralises_formulas(browser, db):  # type: ignore[no-untyped-def]
    pid = _old_patient(db, given="=HYPERLINK(\"http://x\")")
    response = browser("owner").get("/retention/report.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:2] == ["patient_id", "name"]
    (row,) = [r for r in rows[1:] if r[0] == str(pid)]
    assert row[1] == "'=HYPERLINK(\"http://x\") Oldrecord"
    assert row[4] == "2000-01-03" and row[8] == "2010-01-03"


def test_destroying_from_the_page(browser, db, kit):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    old = _old_patient(db)
    with db.session() as s:  # a demo patient seen this week: inside the period
        recent = s.scalar(select(Note.patient_id).limit(1))
    page = owner.get("/retention/").get_data(as_text=True)
    assert f'name="patient_ids" value="{old}"' in page
    assert f'name="patient_ids" value="{recent}"' not in page
    refused = owner.post("/retention/destroy", {
        "patient_ids": [str(old), str(recent)], "reason": "annual review", "confirm": "yes"},
        follow_redirects=True).get_data(as_text=True)
    assert "kept until" in refused
    unconfirmed = owner.post("/retention/destroy", {
        "patient_ids": [str(old)], "reason": "annual review"}, follow_redirects=True)
    assert "cannot come back" in unconfirmed.get_data(as_text=True)
    with db.session() as s:
        assert s.get(Patient, old).family_name == "Oldrecord"
        assert s.scalar(select(RecordDestruction.id)
                        .where(RecordDestruction.patient_id == old)) is None
    done = owner.post("/retention/destroy", {
        "patient_ids": [str(old)], "reason": "annual review 2026", "confirm": "yes"},
        follow_redirects=True).get_data(as_text=True)
    assert "1 record destroyed" in done and "annual review 2026" in done
    profile = owner.get(f"/patients/{old}")  # the blanked row still opens, empty
    assert profile.status_code == 200 and "Oldrecord" not in profile.get_data(as_text=True)
    with db.session() as s:
        assert s.get(Patient, old).family_name == "record"
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "destroy",
                                                   AuditEvent.patient_id == old)).one()
        assert event.role == "owner"


def test_report_page_queries_are_bounded(browser, db, kit):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    _old_patient(db, family="Firstold")
    owner.get("/retention/")
    with kit.QueryCounter(db) as few:
        assert owner.get("/retention/").status_code == 200
    for n in range(5):
        _old_patient(db, family=f"Moreold{n}")
    owner.get("/retention/")  # the new list's items are written once
    with kit.QueryCounter(db) as many:
        page = owner.get("/retention/")
    assert "Moreold4" in page.get_data(as_text=True)
    assert many.count == few.count <= 14


def test_erasure_from_the_owners_page_and_the_portal(browser, db, kit):  # type: ignore[no-untyped-def]
    with db.session() as s:
        pid, other = s.scalars(select(Note.patient_id).where(Note.status == "signed")
                               .distinct().order_by(Note.patient_id).limit(2)).all()
        users.create_user(s, Actor.system("tests"), users.UserIn(
            email="portal.erasure@example.org", role="patient", password=kit.PASSWORD,
            patient_id=pid))
    me = kit.Browser(browser().client)
    assert me.login("portal.erasure@example.org").status_code == 302
    assert "Erasing your data" in me.get("/portal/").get_data(as_text=True)
    assert me.get("/retention/").status_code == 403
    assert me.post("/portal/erasure", {"scope": "all"}).status_code == 302
    page = me.get("/portal/erasure").get_data(as_text=True)
    assert "Received, in progress" in page and 'name="scope"' not in page  # one at a time
    owner = browser("owner")
    assert owner.post("/retention/erasure", {"patient_id": str(other), "scope": "marketing",
                                             "channel": "letter"}).status_code == 302
    listing = owner.get("/retention/erasure").get_data(as_text=True)
    with db.session() as s:
        mine = s.scalars(select(ErasureRequest).where(ErasureRequest.patient_id == pid)).one()
        assert mine.channel == "portal"
    assert f"/retention/erasure/{mine.id}/process" in listing
    result = owner.post(f"/retention/erasure/{mine.id}/process", follow_redirects=True)
    text = result.get_data(as_text=True)
    assert result.status_code == 200 and "Kept, and why" in text and "signed notes" in text
    assert "portal account" in text
    # The patient's account is closed with the request: their session ends.
    assert me.get("/portal/erasure").status_code in (302, 401, 403)
    with db.session() as s:
        patient = s.get(Patient, pid)
        assert patient.email is None and not patient.active
        assert s.scalar(select(Note.id).where(Note.patient_id == pid)) is not None
