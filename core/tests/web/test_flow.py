"""The day of a clinic through the pages (the test client; the browser test drives the same
flow with Chromium): the front desk registers and books a patient and checks them in, the
practitioner charts and signs, the front desk takes the payment and the balance is zero."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from vesalius.models import Appointment, Invoice, Location, Note, Practitioner, Service, User
from vesalius.services.common import clinic_timezone


@pytest.fixture(scope="module")
def physio(db, kit):
    """The test physio, with the clinic's physio follow-up service."""
    with db.session() as s:
        practitioner = s.scalar(select(Practitioner).join(User, User.id == Practitioner.user_id)
                                .where(User.email == kit.ROLES["practitioner"]))
        service = s.scalar(select(Service).where(Service.discipline == "physio",
                                                 Service.name.like("%follow-up%")))
        zone = clinic_timezone(s.scalar(select(Location.timezone).limit(1)))
        return practitioner.id, service.id, zone


def _register(desk, given, family):
    response = desk.post("/patients/new", {"given_name": given, "family_name": family,
                                           "birth_date": "1980-04-02", "mobile": "+1 416 555 0199",
                                           "preferred_contact": "sms", "confirmed": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/patients/(\d+)", response.headers["Location"]).group(1))


def test_registration_warns_of_duplicates(browser):
    desk = browser("front-desk")
    _register(desk, "Ada", "Lovelace")
    again = desk.post("/patients/new", {"given_name": "Ada", "family_name": "Lovelace",
                                        "birth_date": "1980-04-02",
                                        "preferred_contact": "email"})
    assert again.status_code == 200
    assert "Possible duplicates" in again.get_data(as_text=True)
    confirmed = desk.post("/patients/new", {"given_name": "Ada", "family_name": "Lovelace",
                                            "birth_date": "1980-04-02",
                                            "preferred_contact": "email", "confirmed": "yes"})
    assert confirmed.status_code == 302


def test_registration_errors_show_on_the_field(browser):
    response = browser("front-desk").post("/patients/new", {
        "given_name": "", "family_name": "X", "email": "not-an-address",
        "preferred_contact": "email"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in body and "not an e-mail address" in body
    assert 'id="given_name-error"' in body


def test_booking_to_payment(browser, db, physio, kit):
    practitioner_id, service_id, zone = physio
    desk = browser("front-desk")
    patient_id = _register(desk, "Grace", "Hopper")
    day = date.today() + timedelta(days=1)
    booked = desk.post("/calendar/book", {
        "patient_id": patient_id, "practitioner_id": practitioner_id,
        "service_id": service_id, "date": day.isoformat(), "time": "06:30",
        "case_id": "new", "case_title": "Left knee pain"})
    assert booked.status_code == 302, booked.get_data(as_text=True)[:800]
    with db.session() as s:
        appt = s.scalar(select(Appointment).where(Appointment.patient_id == patient_id))
        assert appt.start_at == datetime(day.year, day.month, day.day, 6, 30, tzinfo=zone)
        assert appt.case_id is not None
    # The calendar shows it; an overlapping booking is refused on the form, not with a 500.
    page = desk.get(f"/calendar/?date={day.isoformat()}").get_data(as_text=True)
    assert "Grace Hopper" in page
    clash = desk.post("/calendar/book", {
        "patient_id": patient_id, "practitioner_id": practitioner_id,
        "service_id": service_id, "date": day.isoformat(), "time": "06:45"})
    assert clash.status_code == 422
    assert "flash-error" in clash.get_data(as_text=True)
    # Check-in.
    assert desk.post(f"/calendar/appointments/{appt.id}/status",
                     {"status": "arrived"}).status_code == 302
    # The practitioner charts it.
    physio_user = browser("practitioner")
    day_list = physio_user.get(f"/chart/?date={day.isoformat()}").get_data(as_text=True)
    assert "Grace Hopper" in day_list
    created = physio_user.post(f"/chart/visit/{appt.id}", {"template_id": "physio.follow-up"})
    assert created.status_code == 302
    note_id = int(re.search(r"/chart/notes/(\d+)", created.headers["Location"]).group(1))
    editor = physio_user.get(f"/chart/notes/{note_id}").get_data(as_text=True)
    assert 'data-kind="chart"' in editor and 'data-kind="measure"' in editor
    assert 'data-kind="procedures"' in editor and 'data-kind="table"' in editor
    # A bad value is named on its field.
    bad = physio_user.post_json(f"/chart/notes/{note_id}", {"document": {
        "subjective": {"nprs": {"responses": [11]}}}})
    assert bad.status_code == 422
    assert bad.get_json()["problems"][0]["field"].startswith("subjective.nprs")
    # Live score and a good draft.
    score = physio_user.post_json("/chart/measures/nprs/score", {"responses": [6]})
    assert score.get_json()["value"] == 6
    document = {
        "subjective": {"report": "Knee better on stairs.", "nprs": {"responses": [6]}},
        "objective": {"body_chart": [
            {"region": "knee-front-left", "type": "aching", "attributes": {"intensity": 6}},
            {"region": "thigh-front-left", "type": "sharp", "attributes": {}},
        ]},
        "treatment": {"procedures": [{"code": "97110", "minutes": 23},
                                     {"code": "97140", "minutes": 15}]},
        "assessment": {"assessment": "Improving."},
        "plan": {"plan": "Progress loading."},
    }
    saved = physio_user.post_json(f"/chart/notes/{note_id}", {"document": document})
    assert saved.status_code == 200, saved.get_json()
    preview = physio_user.post_json(f"/chart/notes/{note_id}/charges", {}).get_json()
    # CMS 8-minute rule: 38 timed minutes are 3 units; 97110 keeps the leftover unit.
    assert {(line["code"], line["units"]) for line in preview["lines"]} == {
        ("97110", 2), ("97140", 1)}
    drawn = physio_user.client.post(
        "/chart/charts/physio.body/render", json={"marks": document["objective"]["body_chart"]},
        headers={"X-CSRFToken": physio_user.token})
    assert drawn.mimetype == "image/svg+xml" and b"mark-aching" in drawn.data
    # Signing needs the confirmation, then locks the note.
    assert physio_user.post(f"/chart/notes/{note_id}/sign", {}).status_code == 302
    with db.session() as s:
        assert s.get(Note, note_id).status == "draft"
    signed = physio_user.post(f"/chart/notes/{note_id}/sign", {"confirm": "yes"})
    assert signed.status_code == 302
    with db.session() as s:
        note = s.get(Note, note_id)
        assert note.status == "signed"
        invoice = s.scalar(select(Invoice).where(Invoice.note_id == note_id))
        assert invoice is not None and invoice.total > 0
    view = physio_user.get(f"/chart/notes/{note_id}/view").get_data(as_text=True)
    assert "content verified" in view
    again = physio_user.post_json(f"/chart/notes/{note_id}", {"document": document})
    assert again.status_code == 409
    added = physio_user.post(f"/chart/notes/{note_id}/addenda",
                             {"kind": "addendum", "text": "Phoned: pain settled."})
    assert added.status_code == 302
    assert "Phoned: pain settled." in physio_user.get(
        f"/chart/notes/{note_id}/view").get_data(as_text=True)
    # The front desk sees it ready to bill and takes the payment.
    ready = desk.get("/billing/ready").get_data(as_text=True)
    assert "Grace Hopper" in ready
    paid = desk.post(f"/billing/payments/new?patient={patient_id}&invoice={invoice.id}", {
        "amount": str(invoice.total), "method": "card", "invoice": str(invoice.id)})
    assert paid.status_code == 302, paid.get_data(as_text=True)[:800]
    profile = desk.get(f"/patients/{patient_id}").get_data(as_text=True)
    owes = re.search(r"Patient owes</dt><dd class=\"num\"><strong>([^<]+)</strong>", profile)
    assert owes and owes.group(1) == "0.00"
    assert "Grace Hopper" not in desk.get("/billing/ready").get_data(as_text=True)


def test_cancel_with_reason_and_no_show(browser, db, physio):
    practitioner_id, service_id, _zone = physio
    desk = browser("front-desk")
    patient_id = _register(desk, "Alan", "Turing")
    day = (date.today() + timedelta(days=20)).isoformat()
    for clock in ("05:00", "05:45"):
        assert desk.post("/calendar/book", {
            "patient_id": patient_id, "practitioner_id": practitioner_id,
            "service_id": service_id, "date": day, "time": clock}).status_code == 302
    with db.session() as s:
        first, second = s.scalars(select(Appointment).where(
            Appointment.patient_id == patient_id).order_by(Appointment.start_at)).all()
    no_reason = desk.post(f"/calendar/appointments/{first.id}/cancel", {"reason": ""})
    assert no_reason.status_code == 302
    with db.session() as s:
        assert s.get(Appointment, first.id).status == "booked"
    desk.post(f"/calendar/appointments/{first.id}/cancel", {"reason": "Unwell"})
    desk.post(f"/calendar/appointments/{second.id}/status", {"status": "no-show"})
    with db.session() as s:
        assert s.get(Appointment, first.id).status == "cancelled"
        assert s.get(Appointment, first.id).cancel_reason == "Unwell"
        assert s.get(Appointment, second.id).status == "no-show"
    # A disallowed move is a message, not an error page.
    undo = desk.post(f"/calendar/appointments/{second.id}/status", {"status": "arrived"})
    assert undo.status_code == 302
    assert "cannot become" in desk.get(undo.headers["Location"]).get_data(as_text=True)


def test_reschedule_by_drop(browser, db, physio):
    practitioner_id, service_id, zone = physio
    desk = browser("front-desk")
    patient_id = _register(desk, "Barbara", "Liskov")
    day = date.today() + timedelta(days=21)
    desk.post("/calendar/book", {"patient_id": patient_id, "practitioner_id": practitioner_id,
                                 "service_id": service_id, "date": day.isoformat(),
                                 "time": "05:00"})
    with db.session() as s:
        appt = s.scalar(select(Appointment).where(Appointment.patient_id == patient_id))
    target = datetime(day.year, day.month, day.day, 7, 15, tzinfo=zone)
    moved = desk.client.post(f"/calendar/appointments/{appt.id}/reschedule",
                             data={"start_iso": target.isoformat(), "minutes": "45"},
                             headers={"X-CSRFToken": desk.token, "Accept": "application/json"})
    assert moved.status_code == 200, moved.get_data(as_text=True)
    with db.session() as s:
        assert s.get(Appointment, appt.id).start_at == target


def test_waitlist(browser, db, physio):
    _practitioner_id, service_id, _zone = physio
    desk = browser("front-desk")
    patient_id = _register(desk, "Edsger", "Dijkstra")
    added = desk.post("/calendar/waitlist", {"patient_id": patient_id,
                                             "service_id": service_id,
                                             "part_of_day": "morning", "weekdays": "0"})
    assert added.status_code == 302
    page = desk.get("/calendar/waitlist").get_data(as_text=True)
    assert "Edsger Dijkstra" in page
