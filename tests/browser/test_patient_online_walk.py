"""Issue 15's "Done when", through the real post: a new patient books online on a phone and
verifies the e-mail read from a real SMTP server (aiosmtpd) that ``vesalius worker --once``
delivered to; the confirmation arrives, and the reminder when the worker runs a day before
the visit (``--now``); the clinic sends the ODI (its wording loaded as a licensed clinic
would) and the patient fills it on the phone from the e-mailed link; the practitioner finds
the score in the case's timeline; a waitlist offer e-mailed after a cancellation is taken
from its link and books the time. (The intake form's fields in the draft note are walked in
test_intake.py; here every link comes out of a delivered e-mail, not the outbox table.)

ODI score: all ten sections answered with the second statement (1 point each): 10 of 50 ->
20 % (Fairbank JC, Pynsent PB. Spine 2000;25(22):2940-52).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
EMAIL = "marie.walk@example.org"
ODI_ITEMS = ("pain_intensity", "personal_care", "lifting", "walking", "sitting", "standing",
             "sleeping", "sex_life", "social_life", "travelling")


def _mail_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "clinic_mail", ROOT / "core/tests/clinic/clinic_mail.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("clinic_mail", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def mail() -> Iterator[Any]:
    with _mail_module().running_mail_server() as server:
        yield server


def _worker(app: Any, mail: Any, now: datetime | None = None) -> None:
    """``vesalius worker --once``: what is due (at ``now``) goes to the SMTP server."""
    url = app.extensions["vesalius.db"].engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "VESALIUS_SMTP_URL": mail.url,
           "VESALIUS_MAIL_FROM": "Harbour St Clinic <clinic@example.org>"}
    args = [sys.executable, "-m", "vesalius", "worker", "--once", "--database", url]
    if now is not None:
        args += ["--now", now.astimezone(UTC).isoformat()]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]


def _received(mail: Any, subject: str) -> list[EmailMessage]:
    return [m for m in mail.messages if EMAIL in str(m["To"])
            and subject.lower() in str(m["Subject"]).lower()]


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _link(message: EmailMessage, path: str) -> str:
    found = re.search(r"https?://\S+" + re.escape(path) + r"\S*", _text(message))
    assert found, _text(message)
    return urlsplit(found.group(0)).path


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
        page.url


def test_book_verify_remind_fill_and_take_an_offer_by_email(  # type: ignore[no-untyped-def]
        chromium, live_app, mail, monkeypatch, shot):
    app, base = live_app
    monkeypatch.setenv("VESALIUS_PUBLIC_URL", base)  # links made outside a request
    db = app.extensions["vesalius.db"]
    context = chromium.new_context(viewport=PHONE, locale="en-US", is_mobile=True,
                                   has_touch=True)
    phone = context.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # 1. A new patient books on the phone: service, time, details.
        phone.goto(f"{base}/book/")
        phone.locator(".book-choice").first.click()
        phone.wait_for_load_state()
        for _ in range(14):
            if phone.locator(".book-times a").count():
                break
            nxt = phone.get_by_role("link", name=re.compile("The next free times"))
            if nxt.count():
                nxt.click()
            else:
                phone.locator(".book-days a[aria-current] + a").click()
            phone.wait_for_load_state()
        phone.locator(".book-times a").first.click()
        phone.wait_for_load_state()
        phone.fill("#f-given_name", "Marie")
        phone.fill("#f-family_name", "Walker")
        phone.fill("#f-birth_date", "1984-11-07")
        phone.fill("#f-email", EMAIL)
        phone.fill("#f-phone", "+1 416 555 0177")
        phone.get_by_role("button", name="Send me the link").click()
        phone.wait_for_load_state()
        assert phone.get_by_role("heading", name="Check your e-mail").is_visible()

        # 2. The worker delivers the verification; its link books the time.
        _worker(app, mail)
        (verification,) = [m for m in mail.messages if EMAIL in str(m["To"])]
        phone.goto(base + _link(verification, "/book/"))
        phone.get_by_role("button", name="Book this time").click()
        phone.wait_for_load_state()
        assert phone.get_by_role("heading", name="You are booked").is_visible()
        _fits(phone)
        shot(phone, "walk-booked-phone")

        from sqlalchemy import select
        from vesalius.models import Appointment, Case, Patient

        with db.session() as s:
            patient = s.scalars(select(Patient).where(Patient.email_key == EMAIL)).one()
            appt = s.scalars(select(Appointment).where(
                Appointment.patient_id == patient.id)).one()
            start, patient_id = appt.start_at, patient.id

        # 3. The confirmation now; the reminder when the worker runs a day before.
        _worker(app, mail)
        (confirmation,) = _received(mail, "confirm")
        assert "Marie" in _text(confirmation)
        assert not _received(mail, "remind")
        _worker(app, mail, now=start - timedelta(hours=23))
        (reminder,) = _received(mail, "remind")
        assert "Marie" in _text(reminder)

        # 4. The clinic sends the ODI (wording loaded under its licence); the patient fills
        #    it on the phone from the e-mailed link.
        from vesalius.services import cases, intake, measure_wording
        from vesalius.services.actor import Actor

        system = Actor.system("tests")
        with db.session() as s:
            if s.scalar(select(Case.id).where(Case.patient_id == patient_id)) is None:
                case = cases.open_case(s, system, cases.CaseIn(
                    patient_id=patient_id, discipline="physio", title="Low back pain"))
                s.get(Appointment, appt.id).case_id = case.id
            measure_wording.record(s, system, "odi", measure_wording.WordingIn(
                licence_holder="Harbour St Physio Ltd", licence_reference="MAPI-TEST-2",
                licensed_on=date(2026, 1, 15),
                items={item: measure_wording.ItemWordingIn(
                    text=f"Section {n} wording loaded by the clinic",
                    options={str(v): f"Statement {v + 1} of section {n}"
                             for v in range(6)})
                    for n, item in enumerate(ODI_ITEMS, start=1)}))
            intake.send(s, system, appt.id, intake.SendIn(measures=["odi"]), base + "/")
            s.commit()
        _worker(app, mail)
        (request,) = [m for m in mail.messages if EMAIL in str(m["To"])
                      and "/portal/intake/" in _text(m)]
        phone.goto(base + _link(request, "/portal/intake/"))
        phone.wait_for_selector("#intake-form")
        questions = phone.locator("#measure-odi fieldset.intake-item")
        assert questions.count() == 10
        for n in range(10):
            questions.nth(n).get_by_label(f"Statement 2 of section {n + 1}",
                                          exact=True).check()
        _fits(phone)
        phone.get_by_role("button", name="Send my answers").click()
        phone.wait_for_selector("#intake-done")
        shot(phone, "walk-odi-sent-phone")

        from vesalius.models import MeasureResult

        with db.session() as s:
            result = s.scalars(select(MeasureResult).where(
                MeasureResult.patient_id == patient_id,
                MeasureResult.measure_id == "odi")).one()
            assert result.source == "patient" and float(result.value) == 20.0

        # 5. A waitlist offer: a visit of another patient a week later, same service, is
        #    cancelled (a visit of our own: the demo's are other tests'); Marie, waiting for
        #    that service, takes it from the e-mailed link.
        from vesalius.services import patients, scheduling, waitlist

        with db.session() as s:
            mine = s.get(Appointment, appt.id)
            someone = patients.create(s, system, patients.PatientIn(
                given_name="Wes", family_name="Walker", birth_date=date(1970, 1, 2)))
            other = scheduling.book(s, system, scheduling.BookingIn(
                patient_id=someone.id, practitioner_id=mine.practitioner_id,
                service_id=mine.service_id, location_id=mine.location_id,
                start=mine.start_at + timedelta(days=7)))
            waitlist.add(s, system, waitlist.WaitlistIn(
                patient_id=patient_id, service_id=mine.service_id))
            freed = (other.id, other.practitioner_id, other.start_at)
            scheduling.cancel(s, system, other.id, "the patient is away")
            s.commit()
        _worker(app, mail)
        offers = [m for m in mail.messages if EMAIL in str(m["To"])
                  and "/book/offer/" in _text(m)]
        assert len(offers) == 1
        phone.goto(base + _link(offers[0], "/book/offer/"))
        phone.get_by_role("button", name="Take this time").click()
        phone.wait_for_load_state()
        assert phone.get_by_role("heading", name="You are booked").is_visible()
        _fits(phone)
        with db.session() as s:
            taken = s.scalars(select(Appointment).where(
                Appointment.patient_id == patient_id,
                Appointment.practitioner_id == freed[1],
                Appointment.start_at == freed[2],
                Appointment.status == "booked")).one()
            assert taken.booked_via == "online"
        assert errors == []
    finally:
        context.close()
