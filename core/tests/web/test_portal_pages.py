"""The patient portal's pages (issue 15, part 5): the front desk invites a patient from
their page, the link sets a password, the patient signs in and lands in the portal, cancels
(the late fee said before confirming), moves a visit to an offered time, opens their home
exercise programme, invoices and receipts, changes consents, and turns on a second factor.
Every portal route tried with another patient's ids answers 404."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyotp
import pytest
from sqlalchemy import select
from vesalius.models import (
    Appointment,
    Case,
    Invoice,
    Note,
    OutboxMessage,
    Patient,
    Payment,
    Practitioner,
    User,
)
from vesalius.services import Actor, availability, billing, cases, clinic, notes, scheduling

PASSWORD = "a long enough pass phrase"
#: Days ahead (from a visit) no other test books: each extra visit gets its own.
_SPARE_DAYS = itertools.count(1)


def _link(db, patient_id: int) -> str:  # type: ignore[no-untyped-def]
    with db.session() as s:
        body = s.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.patient_id == patient_id,
            OutboxMessage.kind == "portal-invitation").order_by(OutboxMessage.id.desc())).first()
    found = re.search(r"https?://\S+/portal/invitation/\S+", body or "")
    assert found, body
    return found.group(0)


@pytest.fixture(scope="module")
def clinic_(app, db):  # type: ignore[no-untyped-def]
    """Two patients with physio cases; an online physio service with a late fee; each
    patient booked with a demo physiotherapist who keeps working hours."""
    system = Actor.system("tests")
    with db.session() as s:
        me, other = s.scalars(select(Patient).order_by(Patient.id).offset(4).limit(2)).all()
        me.email, other.email = "portal.me@example.org", "portal.other@example.org"
        service = clinic.create_service(s, system, clinic.ServiceIn(
            name="Physio portal visit", discipline="physio", duration_minutes=30,
            price=Decimal("90.00"), late_cancel_fee=Decimal("35.00")))
        slots = availability.find_slots(s, system, service,
                                        datetime.now(UTC) + timedelta(days=3),
                                        datetime.now(UTC) + timedelta(days=20), limit=100)
        prac_id = slots[0].practitioner_id
        mine = [sl for sl in slots if sl.practitioner_id == prac_id]
        ids = {"me": me.id, "other": other.id, "service": service.id, "practitioner": prac_id}
        for key, slot in (("me", mine[0]), ("other", mine[5])):
            case = s.scalar(select(Case).where(Case.patient_id == ids[key],
                                               Case.discipline == "physio").limit(1)) or \
                cases.open_case(s, system, cases.CaseIn(patient_id=ids[key],
                                                        discipline="physio", title="Knee"))
            ids[f"{key}_case"] = case.id
            ids[f"{key}_appt"] = scheduling.book(s, system, scheduling.BookingIn(
                patient_id=ids[key], practitioner_id=prac_id, start=slot.start,
                service_id=service.id, location_id=slot.location_id, case_id=case.id)).id
    return ids


def _signed_in_patient(app, db, kit, ids, key: str = "me"):  # type: ignore[no-untyped-def]
    """Invite (front desk, from the patient page), set the password by the link, sign in."""
    desk = kit.Browser(app.test_client())
    desk.login(kit.ROLES["front-desk"])
    with db.session() as s:
        account = s.scalar(select(User).where(User.patient_id == ids[key]))
    if account is None or not account.password_hash:
        desk.get(f"/patients/{ids[key]}")
        assert desk.post(f"/portal/patients/{ids[key]}/invite",
                         {"email": ""}).status_code == 302
        link = _link(db, ids[key])
        b = kit.Browser(app.test_client())
        path = link[link.index("/portal/"):]
        assert b.get(path).status_code == 200
        done = b.post(path, {"password": PASSWORD, "confirm_password": PASSWORD})
        assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    b = kit.Browser(app.test_client())
    with db.session() as s:
        email = s.get(Patient, ids[key]).email
    response = b.login(email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/")
    return b


def test_the_patient_page_invites_and_shows_the_account_state(app, db, kit, clinic_,  # type: ignore[no-untyped-def]
                                                              monkeypatch):
    # The link is on the clinic's public address, as every other message link.
    monkeypatch.setenv("VESALIUS_PUBLIC_URL", "https://clinic.example.org/")
    desk = kit.Browser(app.test_client())
    desk.login(kit.ROLES["front-desk"])
    page = desk.get(f"/patients/{clinic_['other']}").get_data(as_text=True)
    assert "Patient portal: No portal account" in page and "Invite to the portal" in page
    response = desk.post(f"/portal/patients/{clinic_['other']}/invite",
                         {"email": "portal.other@example.org"})
    assert response.status_code == 302
    page = desk.get(f"/patients/{clinic_['other']}").get_data(as_text=True)
    assert "Invitation sent to portal.other@example.org" in page
    assert "Invited, no password yet" in page and "Revoke portal access" in page
    assert _link(db, clinic_["other"]).startswith("https://clinic.example.org/portal/invitation/")
    assert desk.post(f"/portal/patients/{clinic_['other']}/revoke").status_code == 302
    assert "Access revoked" in desk.get(f"/patients/{clinic_['other']}").get_data(as_text=True)
    # Practitioners and billing clerks do not invite, nor see the section.
    physio = kit.Browser(app.test_client())
    physio.login(kit.ROLES["practitioner"])
    assert physio.post(f"/portal/patients/{clinic_['other']}/invite").status_code == 403
    bad = desk.post(f"/portal/patients/{clinic_['other']}/invite", {"email": "nope"},
                    follow_redirects=True)
    assert "not an e-mail address" in bad.get_data(as_text=True)


def test_an_invitation_link_works_once(app, db, kit, clinic_):  # type: ignore[no-untyped-def]
    _signed_in_patient(app, db, kit, clinic_)
    used = _link(db, clinic_["me"])
    page = kit.Browser(app.test_client()).get(used[used.index("/portal/"):])
    assert page.status_code == 404 and "used already" in page.get_data(as_text=True)
    unknown = kit.Browser(app.test_client()).get("/portal/invitation/made-up")
    assert unknown.status_code == 404


def test_cancel_says_the_late_fee_before_confirming(app, db, kit, clinic_):  # type: ignore[no-untyped-def]
    b = _signed_in_patient(app, db, kit, clinic_)
    appointment_id = clinic_["me_appt"]
    home = b.get("/portal/").get_data(as_text=True)
    assert "Physio portal visit with" in home
    page = b.get(f"/portal/appointments/{appointment_id}/cancel").get_data(as_text=True)
    assert "late cancellation" not in page  # three days ahead: no fee
    with db.session() as s:  # now it is tomorrow (inside the 24-hour window)
        appointment = s.get(Appointment, appointment_id)
        original = appointment.start_at, appointment.end_at
        appointment.start_at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=20)
        appointment.end_at = appointment.start_at + timedelta(minutes=30)
    page = b.get(f"/portal/appointments/{appointment_id}/cancel").get_data(as_text=True)
    assert "This is a late cancellation: the clinic charges a fee of" in page
    assert "Cancel (fee" in page and "35.00" in page
    done = b.post(f"/portal/appointments/{appointment_id}/cancel", {"reason": ""},
                  follow_redirects=True)
    assert "as a late cancellation" in done.get_data(as_text=True)
    with db.session() as s:
        assert s.get(Appointment, appointment_id).status == "late-cancelled"
        fee = s.scalar(select(Invoice).where(Invoice.appointment_id == appointment_id))
        assert fee is not None and fee.total == Decimal("35.00")
        # Give the test clinic its booking back for the tests that follow.
        appointment = scheduling.book(s, Actor.system("tests"), scheduling.BookingIn(
            patient_id=clinic_["me"], practitioner_id=clinic_["practitioner"],
            start=original[0], service_id=clinic_["service"], case_id=clinic_["me_case"]))
        clinic_["me_appt"] = appointment.id


def test_move_offers_free_times_and_moves(app, db, kit, clinic_):  # type: ignore[no-untyped-def]
    b = _signed_in_patient(app, db, kit, clinic_)
    appointment_id = clinic_["me_appt"]
    page = b.get(f"/portal/appointments/{appointment_id}/move").get_data(as_text=True)
    starts = re.findall(r'name="start" value="([^"]+)"', page)
    assert len(starts) > 3
    with db.session() as s:
        theirs = s.get(Appointment, clinic_["other_appt"]).start_at.isoformat()
    assert theirs not in starts
    refused = b.post(f"/portal/appointments/{appointment_id}/move", {"start": theirs})
    assert refused.status_code == 422 and "not free" in refused.get_data(as_text=True)
    moved = b.post(f"/portal/appointments/{appointment_id}/move", {"start": starts[2]})
    assert moved.status_code == 302
    with db.session() as s:
        assert s.get(Appointment, appointment_id).start_at == datetime.fromisoformat(starts[2])


def test_the_home_exercise_programme_is_in_the_portal(app, db, kit, clinic_):  # type: ignore[no-untyped-def]
    with db.session() as s:
        appointment = s.get(Appointment, clinic_["me_appt"])
        prac = s.get(Practitioner, appointment.practitioner_id)
        author = s.get(User, prac.user_id)
        actor = Actor(user_id=author.id, role="practitioner", practitioner_id=prac.id)
        draft = notes.create_draft(s, actor, notes.DraftIn(
            appointment_id=appointment.id, template_id="physio.exercise-programme",
            document={"programme": {"title": "Knee programme", "exercises": [
                {"exercise": "chin-tuck", "sets": 2, "reps": 8}]}}))
        notes.sign(s, actor, draft.id)
        note_id = draft.id
    b = _signed_in_patient(app, db, kit, clinic_)
    listing = b.get("/portal/exercises").get_data(as_text=True)
    assert f"/portal/exercises/{note_id}/physio.home-programme" in listing
    page = b.get(f"/portal/exercises/{note_id}/physio.home-programme")
    assert page.status_code == 200 and "Chin tuck" in page.get_data(as_text=True)
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    with db.session() as s:
        assert s.get(Note, note_id).status == "signed"
        staff_email = s.get(User, author.id).email
    # The staff printout of the same note (the same header and page).
    staff = kit.Browser(app.test_client())
    assert staff.login(staff_email, kit.DEMO_PASSWORD).status_code == 302
    printed = staff.get(f"/chart/notes/{note_id}/printouts/physio.home-programme")
    assert printed.status_code == 200 and "Chin tuck" in printed.get_data(as_text=True)
    assert "script-src 'none'" in printed.headers["Content-Security-Policy"]


def test_invoices_receipts_messages_and_consents(app, db, kit, clinic_):  # type: ignore[no-untyped-def]
    system = Actor.system("tests")
    with db.session() as s:
        appointment = s.get(Appointment, clinic_["me_appt"])
        invoice = billing.draft_fee_invoice(s, system, appointment)
        billing.issue(s, system, invoice.id)
        payment = billing.record_payment(s, system, billing.PaymentIn(
            patient_id=clinic_["me"], amount=Decimal("35.00"), method="card",
            allocations=[billing.AllocationIn(invoice_id=invoice.id,
                                              amount=Decimal("35.00"))]))
        invoice_id, payment_id = invoice.id, payment.id
    b = _signed_in_patient(app, db, kit, clinic_)
    listing = b.get("/portal/invoices").get_data(as_text=True)
    assert f"/portal/invoices/{invoice_id}" in listing
    assert f"/portal/receipts/{payment_id}" in listing
    invoice_page = b.get(f"/portal/invoices/{invoice_id}").get_data(as_text=True)
    assert "Late cancellation fee" in invoice_page
    assert "Receipt" in b.get(f"/portal/receipts/{payment_id}").get_data(as_text=True)
    with db.session() as s:
        for row in s.scalars(select(OutboxMessage).where(
                OutboxMessage.patient_id.in_([clinic_["me"], clinic_["other"]]))):
            row.status, row.sent_at = "sent", datetime.now(UTC)
    messages = b.get("/portal/messages").get_data(as_text=True)
    assert messages.count("Portal invitation") >= 1
    assert "portal.other" not in messages
    details = b.get("/portal/details").get_data(as_text=True)
    assert 'name="reminders_sms"' in details
    saved = b.post("/portal/details", {"email": "portal.me@example.org",
                                       "preferred_contact": "sms", "reminders_sms": "on",
                                       "marketing_opt_in": "on"})
    assert saved.status_code == 302
    with db.session() as s:
        me = s.get(Patient, clinic_["me"])
        assert (me.reminders_email, me.reminders_sms, me.marketing_opt_in) == (False, True, True)


def test_a_patient_turns_on_a_second_factor(app, db, kit, clinic_):  # type: ignore[no-untyped-def]
    b = _signed_in_patient(app, db, kit, clinic_, key="other")
    page = b.get("/account/code").get_data(as_text=True)
    secret = re.search(r"[A-Z2-7]{32}", page).group(0)
    done = b.post("/account/code", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "recovery" in done.get_data(as_text=True).lower()
    again = kit.Browser(app.test_client())
    response = again.login("portal.other@example.org", PASSWORD)
    assert response.headers["Location"].endswith("/login/code")


def test_every_portal_route_answers_404_for_another_patients_ids(app, db, kit, clinic_):  # type: ignore[no-untyped-def]
    """Each patient route of the portal, with the ids of the other patient's records."""
    b = _signed_in_patient(app, db, kit, clinic_)
    system = Actor.system("tests")
    with db.session() as s:
        appointment = s.get(Appointment, clinic_["other_appt"])
        invoice = billing.draft_fee_invoice(s, system, appointment)
        billing.issue(s, system, invoice.id)
        payment = billing.record_payment(s, system, billing.PaymentIn(
            patient_id=clinic_["other"], amount=Decimal("5.00"), method="cash"))
        note = s.scalar(select(Note.id).where(Note.patient_id == clinic_["other"]).limit(1))
        before = (appointment.status, appointment.start_at)
    theirs = {"appointment_id": clinic_["other_appt"], "invoice_id": invoice.id,
              "payment_id": payment.id, "note_id": note or 1, "patient_id": clinic_["other"],
              # intake's form: another patient's own request is tested in test_intake_pages
              "request_id": 10**6}
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if not rule.rule.startswith("/portal/") or getattr(view, "vesalius_audience",
                                                             "") != "patient":
            continue
        if not rule.arguments - {"printout_id"}:
            continue
        values = {a: theirs.get(a, "physio.home-programme") for a in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = b.get(url) if method == "GET" else b.post(
                url, {"start": datetime.now(UTC).isoformat(), "reason": "x"})
            assert response.status_code == 404, (method, url, response.status_code)
            body = response.get_data(as_text=True)
            with db.session() as s:
                assert s.get(Patient, clinic_["other"]).family_name not in body
            checked += 1
    assert checked >= 7
    with db.session() as s:
        appointment = s.get(Appointment, clinic_["other_appt"])
        assert (appointment.status, appointment.start_at) == before
        assert s.scalar(select(Payment.id).where(Payment.id == payment.id))


@pytest.mark.parametrize("path", ["/portal/", "/portal/visits", "/portal/exercises",
                                  "/portal/invoices", "/portal/messages"])
def test_portal_pages_run_as_many_queries_with_more_visits(app, db, kit, clinic_, path):  # type: ignore[no-untyped-def]
    """No query per visit, handout, invoice or message: five more visits, same count."""
    b = _signed_in_patient(app, db, kit, clinic_)
    b.get(path)  # warm caches (packs, settings)

    def count() -> int:
        with kit.QueryCounter(db) as counter:
            assert b.get(path).status_code == 200
        return counter.count

    before = count()
    with db.session() as s:
        appointment = s.get(Appointment, clinic_["me_appt"])
        for _ in range(5):
            start = appointment.start_at + timedelta(days=30 + next(_SPARE_DAYS))
            scheduling.book(s, Actor.system("tests"), scheduling.BookingIn(
                patient_id=clinic_["me"], practitioner_id=appointment.practitioner_id,
                start=start, end=start + timedelta(minutes=30),
                service_id=clinic_["service"], case_id=clinic_["me_case"]))
    assert count() == before, path


def test_the_owner_sets_the_window_and_requires_a_second_factor_of_patients(app, db, kit, clinic_):  # type: ignore[no-untyped-def]
    from vesalius.services import online_booking

    owner = kit.Browser(app.test_client())
    owner.login(kit.ROLES["owner"])
    page = owner.get("/admin/online-booking/").get_data(as_text=True)
    assert 'name="portal_change_hours"' in page and 'name="mfa_patients"' in page
    bad = owner.post("/admin/online-booking/", {"lead_minutes": "120", "horizon_days": "90",
                                                "max_future": "4", "portal_change_hours": "-1"})
    assert bad.status_code == 422
    _signed_in_patient(app, db, kit, clinic_)  # the account exists, with its password
    saved = owner.post("/admin/online-booking/", {
        "lead_minutes": "120", "horizon_days": "90", "max_future": "4",
        "portal_change_hours": "12", "mfa_patients": "on"})
    assert saved.status_code == 302
    try:
        with db.session() as s:
            assert online_booking.policy(s).portal_change_hours == 12
            email = s.get(Patient, clinic_["me"]).email
        b = kit.Browser(app.test_client())
        response = b.login(email, PASSWORD)
        assert response.headers["Location"].endswith("/login/enrol")
        assert b.get("/portal/").status_code == 302  # not signed in before the factor is set
    finally:
        owner.post("/admin/online-booking/", {"lead_minutes": "120", "horizon_days": "90",
                                              "max_future": "4", "portal_change_hours": "2"})
