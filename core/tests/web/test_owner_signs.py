"""An owner who treats signs their note in the editor as a practitioner does; an owner
without a practitioner record is told why they cannot, on their draft, and it stays a
draft."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from vesalius.models import Note, Service, User
from vesalius.services import cases, patients, scheduling, users
from vesalius.services.actor import Actor

TREATS = "treats@clinic.test"


@pytest.fixture(scope="module")
def visits(db, kit):
    """An owner who treats (physio) and two visits of one patient with them, tomorrow."""
    system = Actor.system("tests")
    with db.session() as s:
        owner = users.create_user(s, system, users.UserIn(
            email=TREATS, role="owner", name="Olive Owner", password=kit.PASSWORD,
            disciplines=["physio"]))
        patient = patients.create(s, system, patients.PatientIn(
            given_name="Rosalind", family_name="Franklin", birth_date=date(1980, 7, 25)))
        case = cases.open_case(s, system, cases.CaseIn(
            patient_id=patient.id, discipline="physio", title="Left shoulder pain"))
        service_id = s.scalar(select(Service.id).where(
            Service.discipline == "physio", Service.name.like("%follow-up%")))
        tomorrow = date.today() + timedelta(days=1)
        ids = [scheduling.book(s, system, scheduling.BookingIn(
            patient_id=patient.id, practitioner_id=owner.practitioner.id, case_id=case.id,
            service_id=service_id,
            start=datetime.combine(tomorrow, time(hour), UTC))).id for hour in (5, 6)]
    return ids


def _draft(who, appointment_id: int) -> int:
    created = who.post(f"/chart/visit/{appointment_id}", {"template_id": "physio.follow-up"})
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    note_id = int(re.search(r"/chart/notes/(\d+)", created.headers["Location"]).group(1))
    saved = who.post_json(f"/chart/notes/{note_id}", {"document": {
        "subjective": {"report": "Shoulder easier overhead."},
        "treatment": {"procedures": [{"code": "97110", "minutes": 23}]},
        "assessment": {"assessment": "Improving."}, "plan": {"plan": "Progress loading."}}})
    assert saved.status_code == 200, saved.get_data(as_text=True)[:500]
    return note_id


def test_an_owner_who_treats_signs_in_the_editor(app, db, kit, visits):
    owner = kit.Browser(app.test_client())
    assert owner.login(TREATS).status_code == 302
    note_id = _draft(owner, visits[0])
    assert 'id="sign-form"' in owner.get(f"/chart/notes/{note_id}").get_data(as_text=True)
    signed = owner.post(f"/chart/notes/{note_id}/sign", {"confirm": "yes"})
    assert signed.status_code == 302, signed.get_data(as_text=True)[:800]
    assert signed.headers["Location"].endswith(f"/chart/notes/{note_id}/view")
    page = owner.get(signed.headers["Location"]).get_data(as_text=True)
    assert "Signed." in page and "Olive Owner" in page
    with db.session() as s:
        note = s.get(Note, note_id)
        assert note.status == "signed" and note.signed_by == note.author_id
        assert s.scalar(select(User.email).where(
            User.id == note.signed_by)) == TREATS


def test_an_owner_without_a_practitioner_record_is_told_why(browser, db, visits):
    owner = browser("owner")
    note_id = _draft(owner, visits[1])
    refused = owner.post(f"/chart/notes/{note_id}/sign", {"confirm": "yes"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "You cannot sign notes: your account has no practitioner record." in body
    assert "Shoulder easier overhead." in body  # their draft
    # The editor offers no signature it would refuse, and says who signs.
    assert 'id="sign-form"' not in body and 'id="sign-unavailable"' in body
    assert 'id="sign-form"' not in owner.get(f"/chart/notes/{note_id}").get_data(as_text=True)
    assert "Traceback" not in body
    with db.session() as s:
        note = s.get(Note, note_id)
        assert note.status == "draft" and note.signed_at is None
