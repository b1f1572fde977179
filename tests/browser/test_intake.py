"""Issue 15's "Done when" for intake: the owner loads the ODI's wording as a licensed clinic
would (test wording of our own: the published statements never ship), the practitioner
sends the intake form and the ODI from the appointment, the patient fills both at 390x844
through the message's link alone (leaving half-way and coming back keeps the answers), and
the practitioner opens the draft note: the answers are marked "reported by the patient" and
the ODI's score is in the case's timeline with its source.

ODI score: 16 of 50 -> 32 % (Fairbank JC, Pynsent PB. Spine 2000;25(22):2940-52).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO = "vesalius-demo-2026"
OWNER = "owner@demo.vesalius.test"
PASSWORD = "correct horse battery staple"
ODI = (2, 1, 3, 2, 2, 1, 2, 1, 1, 1)  # 16 of 50: 32 %, "moderate disability"


@pytest.fixture
def visit(live_app: tuple[Any, str]) -> dict[str, Any]:
    """A physio of our own (empty diary), a new patient with an e-mail address, a physio
    case and a visit tomorrow at 10:00 in the clinic's wall clock."""
    from sqlalchemy import select
    from vesalius.models import Location
    from vesalius.services import cases, patients, scheduling, users
    from vesalius.services.actor import Actor
    from vesalius.services.common import clinic_timezone

    system = Actor.system("tests")
    tag = uuid.uuid4().hex[:8]
    with live_app[0].extensions["vesalius.db"].session() as session:
        location = session.scalars(select(Location).where(Location.active.is_(True))
                                   .order_by(Location.id).limit(1)).one()
        zone = clinic_timezone(location.timezone)
        user = users.create_user(session, system, users.UserIn(
            email=f"intake.{tag}@clinic.test", role="practitioner", name="Ira Intake",
            password=PASSWORD, disciplines=["physio"]))
        practitioner = user.practitioner
        practitioner.default_location_id = location.id
        patient = patients.create(session, system, patients.PatientIn(
            given_name="Olive", family_name=f"Intake{tag}", birth_date=date(1979, 5, 2),
            email=f"olive.{tag}@example.org"))
        case = cases.open_case(session, system, cases.CaseIn(
            patient_id=patient.id, discipline="physio", title="Low back pain"))
        start = datetime.combine(datetime.now(zone).date() + timedelta(days=1), time(10),
                                 tzinfo=zone)
        appt = scheduling.book(session, system, scheduling.BookingIn(
            patient_id=patient.id, practitioner_id=practitioner.id, case_id=case.id,
            start=start, end=start + timedelta(minutes=45)))
        return {"email": user.email, "appointment": appt.id, "case": case.id,
                "patient": patient.id}


def _load_odi_wording(page: Any, base: str) -> None:
    """The owner records the clinic's licence and types the wording in, item by item."""
    page.goto(f"{base}/admin/measures")
    row = page.locator("tr", has_text="Oswestry")
    row.get_by_role("link").click()
    page.fill("#f-licence_holder", "Harbour St Physio Ltd")
    page.fill("#f-licence_reference", "MAPI-TEST-0001")
    page.fill("#f-licensed_on", "2026-01-15")
    items = page.locator("fieldset.wording-item")
    for n in range(items.count()):
        item = items.nth(n)
        inputs = item.locator("input")
        inputs.nth(0).fill(f"Section {n + 1} wording loaded by the clinic")
        for v in range(1, inputs.count()):
            inputs.nth(v).fill(f"Statement {v} of section {n + 1}")
    page.get_by_role("button", name="Save the licence and wording").click()
    page.wait_for_load_state()
    assert "can now be sent to patients" in page.inner_text("main")


def _link(live_app: tuple[Any, str], patient_id: int) -> str:
    """The link in the message queued for the patient (what the e-mail carries)."""
    from sqlalchemy import select
    from vesalius.models import OutboxMessage

    with live_app[0].extensions["vesalius.db"].session() as session:
        body = session.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.patient_id == patient_id,
            OutboxMessage.kind == "intake-request")).one()
    found = re.search(r"https?://\S+/portal/intake/\S+", body)
    assert found, body
    return found.group(0)


def _viewport_shot(page: Any, name: str) -> None:
    """What the screen shows (not the whole page), as a test artifact."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def _no_wider_than_the_window(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_intake_and_odi_before_the_visit(chromium, page_as, live_app, live_server, visit,
                                         shot) -> None:  # type: ignore[no-untyped-def]
    owner = page_as(OWNER, DEMO, width=1440, height=900)
    _load_odi_wording(owner, live_server)

    # The practitioner sends the form's Subjective section and the ODI from the appointment.
    staff = page_as(visit["email"], PASSWORD, width=1024, height=768)
    staff.goto(f"{live_server}/calendar/appointments/{visit['appointment']}")
    staff.get_by_role("button", name="Send forms").click()
    staff.wait_for_selector("#send-form")
    _no_wider_than_the_window(staff)
    checked = staff.locator('#send-form input[name="sections"]:checked')
    while checked.count():
        checked.first.uncheck()
    staff.check('#send-form input[name="sections"][value="subjective"]')
    staff.check('#send-form input[name="measures"][value="odi"]')
    # A measure without wording says why it is not offered.
    staff.locator("details.not-offered summary").click()
    assert "does not let Vesalius show its questions" in staff.inner_text(
        "details.not-offered")
    shot(staff, "intake-send-1024")
    staff.get_by_role("button", name="Send to the patient").click()
    staff.wait_for_load_state()
    assert "The forms are sent" in staff.inner_text("main")
    assert staff.errors == []

    # The patient opens the link on a phone, without any account.
    link = _link(live_app, visit["patient"])
    phone_context = chromium.new_context(viewport={"width": 390, "height": 844},
                                         locale="en-US", is_mobile=True, has_touch=True)
    try:
        phone = phone_context.new_page()
        errors: list[str] = []
        phone.on("pageerror", lambda exc: errors.append(str(exc)))
        phone.goto(link)
        phone.wait_for_selector("#intake-form")
        _no_wider_than_the_window(phone)
        _viewport_shot(phone, "intake-phone-top")
        phone.locator('[name="f:subjective.chief_complaint"]').fill("Low back pain, 3 weeks")
        phone.locator('[name="f:subjective.history"]').fill("Lifted a box at work.")
        questions = phone.locator("#measure-odi fieldset.intake-item")
        assert questions.count() == 10
        assert "Section 1 wording loaded by the clinic" in questions.nth(0).inner_text()
        for n in range(5):  # half the ODI, then leave
            questions.nth(n).get_by_label(f"Statement {ODI[n] + 1} of section {n + 1}",
                                          exact=True).check()
        phone.wait_for_selector("#intake-form:not([data-pending])", state="attached")
        expect(phone.locator("#intake-saved")).to_have_text("Saved.")
        shot(phone, "intake-phone-half")
        phone.goto("about:blank")
        phone.goto(link)  # coming back: the answers are there
        phone.wait_for_selector("#intake-form")
        assert phone.locator('[name="f:subjective.history"]').input_value() == \
            "Lifted a box at work."
        questions = phone.locator("#measure-odi fieldset.intake-item")
        assert questions.nth(2).get_by_label("Statement 4 of section 3", exact=True) \
            .is_checked()
        # Submitting with questions left: the ODI's missing-item rule names them.
        phone.get_by_role("button", name="Send my answers").click()
        phone.wait_for_selector("#intake-problems")
        _viewport_shot(phone, "intake-phone-problems")
        problems = phone.inner_text("#intake-problems")
        assert "6, 7, 9, 10 not answered" in problems, problems
        questions = phone.locator("#measure-odi fieldset.intake-item")
        for n in range(5, 10):
            questions.nth(n).get_by_label(f"Statement {ODI[n] + 1} of section {n + 1}",
                                          exact=True).check()
        phone.locator('fieldset[id="f-subjective-night_pain"] input[type=radio]').first.check()
        phone.keyboard.press("Tab")
        _no_wider_than_the_window(phone)
        shot(phone, "intake-phone-filled")
        questions.nth(7).scroll_into_view_if_needed()
        _viewport_shot(phone, "intake-phone-odi")
        phone.get_by_role("button", name="Send my answers").click()
        phone.wait_for_selector("#intake-done")
        _viewport_shot(phone, "intake-phone-done")
        assert phone.locator("#intake-form").count() == 0  # locked
        assert errors == []
    finally:
        phone_context.close()

    # The practitioner opens the visit's note: the draft holds the answers, marked.
    for width, height in ((1024, 768), (1440, 900)):
        staff.set_viewport_size({"width": width, "height": height})
        staff.goto(f"{live_server}/chart/visit/{visit['appointment']}")
        staff.wait_for_selector("#note-editor")
        complaint = staff.locator('.note-field[data-path="subjective.chief_complaint"]')
        assert complaint.locator(".carried.reported").inner_text() == \
            "reported by the patient"
        assert complaint.locator(".v").input_value() == "Low back pain, 3 weeks"
        odi = staff.locator('.note-field[data-path="outcome_measures.odi"]')
        assert odi.locator(".carried.reported").count() == 1
        panel = staff.inner_text("#from-patient")
        assert "Oswestry" in panel and "32" in panel and "moderate disability" in panel
        _no_wider_than_the_window(staff)
        shot(staff, f"intake-editor-{width}")
        _viewport_shot(staff, f"intake-editor-view-{width}")
    # Editing a reported value drops its mark (as copy-forward's).
    complaint.locator(".v").fill("Low back pain, 3/52, worse sitting")
    assert complaint.locator(".carried.reported").count() == 0

    staff.goto(f"{live_server}/cases/{visit['case']}")
    timeline = staff.inner_text("ol.timeline")
    assert re.search(r"Oswestry[^\n]*32[^\n]*reported by the patient", timeline), timeline
    assert staff.errors == []


def test_intake_pages_pass_axe(chromium, page_as, live_app, live_server, visit,
                               axe) -> None:  # type: ignore[no-untyped-def]
    """The send form, the patient's form (empty, then showing its problems) and the locked
    form have no WCAG A/AA violation axe finds."""
    from vesalius.services import intake, measure_wording
    from vesalius.services.actor import Actor

    system = Actor.system("tests")
    with live_app[0].extensions["vesalius.db"].session() as session:
        if not measure_wording.offer(session, "odi").offered:
            from vesalius.plugins import get_registry

            items = {i.id: measure_wording.ItemWordingIn(
                text=f"{i.label}: wording loaded by the clinic",
                options={str(v): f"Statement {v + 1}" for v in range(6)})
                for i in get_registry().measures["odi"].items}
            measure_wording.record(session, system, "odi", measure_wording.WordingIn(
                licence_holder="Harbour St Physio Ltd", licence_reference="MAPI-TEST-0001",
                licensed_on=date(2026, 1, 15), items=items))
        link = intake.send(session, system, visit["appointment"], intake.SendIn(
            template_id="physio.initial-assessment", sections=["subjective"],
            measures=["odi"]), live_server).link
    staff = page_as(visit["email"], PASSWORD, width=1024, height=768)
    staff.goto(f"{live_server}/appointments/{visit['appointment']}/forms")
    staff.wait_for_selector("#send-form")
    axe.assert_accessible(staff, label="the send form")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-US",
                                   is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(link)
        phone.wait_for_selector("#intake-form")
        axe.assert_accessible(phone, label="the patient's form")
        phone.get_by_role("button", name="Send my answers").click()
        phone.wait_for_selector("#intake-problems")
        axe.assert_accessible(phone, label="the patient's form with its problems")
        # Keyboard: the first problem's link moves to its field.
        assert phone.evaluate("document.activeElement.id") == "intake-problems"
        phone.locator('[name="f:subjective.chief_complaint"]').fill("Sore back")
        phone.locator('[name="f:subjective.history"]').fill("Two weeks")
        for n in range(10):
            phone.locator("#measure-odi fieldset.intake-item").nth(n).locator(
                "input[type=radio]").first.check()
        phone.get_by_role("button", name="Send my answers").click()
        phone.wait_for_selector("#intake-done")
        _no_wider_than_the_window(phone)
        axe.assert_accessible(phone, label="the submitted form")
    finally:
        context.close()
