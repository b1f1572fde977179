"""The patient portal in a real browser, on a phone (390x844): the front desk invites a
patient from their page, the patient opens the link read from the outbox, sets a password,
signs in, cancels a visit inside the late-cancellation window with the fee shown before
confirming, and moves another visit to an offered time. Then the portal's pages pass axe and
fit the window at 390x844, 1024x768 and 1440x900 (screenshots in test-artifacts/browser/)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser

DESK = ("desk@demo.vesalius.test", "vesalius-demo-2026")
PASSWORD = "a long enough pass phrase"
SIZES = [(390, 844), (1024, 768), (1440, 900)]


@pytest.fixture
def portal_patient(live_app):  # type: ignore[no-untyped-def]
    """A patient of their own (unique e-mail), a physiotherapist of their own working every
    day 07:00-21:00, an online service with a 35.00 late-cancellation fee, and two visits:
    one 20 hours away (inside the 24-hour late window), one four days away."""
    from sqlalchemy import select
    from vesalius.models import Appointment, Location
    from vesalius.services import cases, clinic, patients, practitioners, scheduling, users
    from vesalius.services.actor import Actor

    db = live_app[0].extensions["vesalius.db"]
    system = Actor.system("tests")
    tag = uuid.uuid4().hex[:8]
    with db.session() as s:
        location_id = s.scalar(select(Location.id).order_by(Location.id).limit(1))
        prac = users.create_user(s, system, users.UserIn(
            email=f"physio.{tag}@clinic.test", role="practitioner", name=f"Robin {tag}",
            password=PASSWORD, disciplines=["physio"])).practitioner
        practitioners.set_hours(s, system, prac.id, [
            practitioners.HoursIn(location_id=location_id, weekday=d, start_time=time(7),
                                  end_time=time(21)) for d in range(7)])
        service = clinic.create_service(s, system, clinic.ServiceIn(
            name=f"Portal visit {tag}", discipline="physio", duration_minutes=30,
            price=Decimal("90.00"), late_cancel_fee=Decimal("35.00")))
        patient = patients.create(s, system, patients.PatientIn(
            given_name="Portia", family_name=f"Browser{tag}", birth_date="1990-05-01",
            email=f"portia.{tag}@example.org"))
        case = cases.open_case(s, system, cases.CaseIn(patient_id=patient.id,
                                                      discipline="physio", title="Knee"))
        ids = {"patient": patient.id, "email": patient.email}
        for key, days in (("late", 1), ("later", 4)):
            day = datetime.now(UTC).date() + timedelta(days=days)
            start = datetime.combine(day, time(12, 0), UTC)
            appointment = scheduling.book(s, system, scheduling.BookingIn(
                patient_id=patient.id, practitioner_id=prac.id, start=start,
                service_id=service.id, case_id=case.id, location_id=location_id))
            ids[key] = appointment.id
        late = s.get(Appointment, ids["late"])
        late.start_at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=20)
        late.end_at = late.start_at + timedelta(minutes=30)
    return ids


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1


def _invitation_link(live_app, patient_id: int) -> str:  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from vesalius.models import OutboxMessage

    with live_app[0].extensions["vesalius.db"].session() as s:
        body = s.scalar(select(OutboxMessage.body_text).where(
            OutboxMessage.patient_id == patient_id,
            OutboxMessage.kind == "portal-invitation").order_by(OutboxMessage.id.desc()))
    found = re.search(r"http://\S+/portal/invitation/\S+", body or "")
    assert found, body
    return found.group(0)


def test_invited_patient_sets_a_password_cancels_late_and_moves(
        page_as, chromium, live_app, portal_patient, shot, axe):  # type: ignore[no-untyped-def]
    _app, base = live_app
    desk = page_as(*DESK, width=1024, height=768)
    desk.goto(f"{base}/patients/{portal_patient['patient']}")
    desk.click("#portal summary")
    desk.click("#portal button:has-text('Invite to the portal')")
    desk.wait_for_load_state()
    assert "Invitation sent to" in desk.inner_text("main")
    assert "Invited, no password yet" in desk.inner_text("#portal summary")

    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(_invitation_link(live_app, portal_patient["patient"]))
        assert not (found := axe.run_axe(page)), axe.describe(found)
        shot(page, "portal-390-invitation")
        page.fill("#f-password", PASSWORD)
        page.fill("#f-confirm_password", PASSWORD)
        _fits(page)
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/login$"))
        page.fill("#email", portal_patient["email"])
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/portal/$"))
        assert "Hello Portia" in page.inner_text("h1")
        _fits(page)

        page.goto(f"{base}/portal/visits")
        page.click(f"a[href='/portal/appointments/{portal_patient['late']}/cancel']")
        page.wait_for_load_state()
        warning = page.inner_text(".fee-warning")
        assert "late cancellation" in warning and "35.00" in warning
        _fits(page)
        shot(page, "portal-390-cancel-late")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/portal/visits$"))
        assert "as a late cancellation" in page.inner_text(".flash")

        page.click(f"a[href='/portal/appointments/{portal_patient['later']}/move']")
        page.wait_for_load_state()
        _fits(page)
        shot(page, "portal-390-move")
        choice = page.locator("input[name=start]").nth(3)
        chosen = choice.get_attribute("value")
        choice.check()
        page.click("main form.slot-picker button[type=submit]")
        page.wait_for_url(re.compile(r"/portal/visits$"))
        assert "Your appointment is moved." in page.inner_text(".flash")
        assert not errors, errors
    finally:
        context.close()

    from vesalius.models import Appointment

    with live_app[0].extensions["vesalius.db"].session() as s:
        assert s.get(Appointment, portal_patient["late"]).status == "late-cancelled"
        moved = s.get(Appointment, portal_patient["later"])
        assert moved.start_at == datetime.fromisoformat(chosen)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_portal_pages_pass_axe_and_fit(page_as, live_app, axe, shot, portal_patient, size):  # type: ignore[no-untyped-def]
    from vesalius.models import User
    from vesalius.services import portal_accounts
    from vesalius.services.actor import Actor

    app, base = live_app
    with app.extensions["vesalius.db"].session() as s:
        from vesalius.models import Patient

        patient = s.get(Patient, portal_patient["patient"])
        user = portal_accounts.open_account(s, Actor.system("tests"), patient, patient.email,
                                            PASSWORD)
        assert isinstance(user, User)
    page = page_as(portal_patient["email"], PASSWORD, width=size[0], height=size[1])
    problems: list[str] = []
    late, later = portal_patient["late"], portal_patient["later"]
    for path in ["/portal/", "/portal/visits", f"/portal/appointments/{late}/cancel",
                 f"/portal/appointments/{later}/move", "/portal/exercises",
                 "/portal/invoices", "/portal/messages", "/portal/details", "/account"]:
        response = page.goto(base + path)
        page.wait_for_load_state()
        assert response is not None and response.status == 200, path
        if violations := axe.run_axe(page):
            problems.append(f"{path}:\n{axe.describe(violations)}")
        wider = int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
        if wider > 1:
            problems.append(f"{path}: {wider} px wider than the {size[0]} px window")
        name = path.strip("/").replace("/", "-") or "home"
        shot(page, f"portal-{size[0]}-{name}")
    assert not page.errors, page.errors
    assert not problems, "\n".join(problems)
