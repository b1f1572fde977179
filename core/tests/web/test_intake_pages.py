"""Intake pages: who may send, the link as the one request's credential (CSRF still on its
form), the portal's own route in the patient's scope, errors named by field, the licensed
wording page (owner only, errors on their input), and the draft's marks in the editor."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from vesalius.models import Appointment, Case, IntakeRequest, OutboxMessage, Patient
from vesalius.plugins import get_registry
from vesalius.services import intake, measure_wording, notes, users
from vesalius.services.actor import Actor

PASSWORD = "correct horse battery staple"
ODI_ITEMS = ("pain_intensity", "personal_care", "lifting", "walking", "sitting", "standing",
             "sleeping", "sex_life", "social_life", "travelling")


def _odi_wording() -> measure_wording.WordingIn:
    """Test wording of our own, entered as a licensed clinic would."""
    return measure_wording.WordingIn(
        licence_holder="Harbour St Physio Ltd", licence_reference="MAPI-TEST-0001",
        licensed_on=date(2026, 1, 15),
        items={item: measure_wording.ItemWordingIn(
            text=f"Section {n} wording loaded by the clinic",
            options={str(v): f"Statement {v + 1} of section {n}" for v in range(6)})
            for n, item in enumerate(ODI_ITEMS, start=1)})


@pytest.fixture(scope="module")
def sent(db: Any) -> dict[str, Any]:
    """An upcoming physio visit (with a case, a patient with e-mail) and an intake request
    of its Subjective section and the ODI (wording loaded), with the patient's portal login."""
    system = Actor.system("tests")
    with db.session() as s:
        appt = s.scalars(select(Appointment).join(Case, Case.id == Appointment.case_id)
                         .join(Patient, Patient.id == Appointment.patient_id)
                         .where(Case.discipline == "physio",
                                Appointment.status.in_(("booked", "confirmed")),
                                Appointment.start_at > datetime.now(UTC),
                                Patient.email.is_not(None))
                         .order_by(Appointment.start_at).limit(1)).one()
        measure_wording.record(s, system, "odi", _odi_wording())
        # The visit's own template (the one its note opens with), its first section a
        # patient fills.
        template = notes.visit_template(s, get_registry(), appt).template
        section, fields = intake.patient_fields(template, [x.id for x in template.sections])[0]
        result = intake.send(s, system, appt.id, intake.SendIn(
            template_id=template.id, sections=[section.id], measures=["odi"]),
            "http://localhost/")
        users.create_user(s, system, users.UserIn(
            email="intake.patient@example.org", role="patient", name="Intake Patient",
            password=PASSWORD, patient_id=appt.patient_id))
        other = s.scalars(select(Patient.id).where(Patient.id != appt.patient_id)
                          .limit(1)).one()
        users.create_user(s, system, users.UserIn(
            email="other.patient@example.org", role="patient", name="Other Patient",
            password=PASSWORD, patient_id=other))
        return {"appointment": appt.id, "request": result.request.id, "fields": fields,
                "path": "/portal/intake/" + result.link.rsplit("/", 1)[1]}


def test_who_may_send(browser, sent) -> None:  # type: ignore[no-untyped-def]
    url = f"/appointments/{sent['appointment']}/forms"
    assert browser("billing").get(url).status_code == 403
    page = browser("front-desk").get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Oswestry" in html and "does not let Vesalius show its questions" in html
    # A measure not offered cannot be sent by posting its id anyway: 422 naming it.
    desk = browser("front-desk")
    desk.get(url)
    response = desk.post(url, {"measures": "ndi"})
    assert response.status_code == 422
    assert "licence does not let Vesalius" in response.get_data(as_text=True)


def test_the_link_is_the_credential(browser, sent) -> None:  # type: ignore[no-untyped-def]
    anonymous = browser(None)
    page = anonymous.get(sent["path"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Section 1 wording loaded by the clinic" in html
    assert 'name="m:odi.pain_intensity"' in html
    assert anonymous.get(sent["path"][:-3] + "abc").status_code == 404
    # Its form is CSRF-protected like any other.
    bare = anonymous.client.post(sent["path"], data={"m:odi.lifting": "1"})
    assert bare.status_code == 400
    text = next(path for path, f in sent["fields"] if f.kind in ("text", "long-text"))
    saved = anonymous.post(sent["path"], {f"f:{text}": "Back pain",
                                          "m:odi.lifting": "7", "action": "save"})
    assert saved.status_code == 422  # the one bad answer is named; the rest is kept
    assert "choose one of the answers" in saved.get_data(as_text=True)
    assert "Back pain" in anonymous.get(sent["path"]).get_data(as_text=True)


def test_the_portal_route_is_the_patients_own(browser, app, sent) -> None:  # type: ignore[no-untyped-def]
    url = f"/portal/forms/{sent['request']}"
    mine = browser(None)
    mine.login("intake.patient@example.org")
    assert mine.get(url).status_code == 200
    # The portal's home lists the open request under "Forms to fill", linked.
    home = mine.get("/portal/").get_data(as_text=True)
    assert f'href="{url}"' in home and "Forms and questionnaires before your visit" in home
    other = browser(None)
    other.login("other.patient@example.org")
    assert other.get(url).status_code == 404  # another patient's: not there (portal rule)
    assert url not in other.get("/portal/").get_data(as_text=True)
    assert browser("owner").get(url).status_code == 403  # a portal page


def test_wording_page(browser, sent) -> None:  # type: ignore[no-untyped-def]
    assert browser("practitioner").get("/admin/measures").status_code == 403
    owner = browser("owner")
    listing = owner.get("/admin/measures").get_data(as_text=True)
    assert "MAPI-TEST-0001" in listing
    owner.get("/admin/measures/ndi/wording")
    response = owner.post("/admin/measures/ndi/wording", {
        "licence_holder": "Clinic", "licence_reference": "NDI-1",
        "licensed_on": "2026-01-15", "text:pain_intensity": "Pain?"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="f-option-pain_intensity-0"[^>]*aria-invalid="true"', html), html


def test_submitted_answers_in_the_editor(browser, db, sent) -> None:  # type: ignore[no-untyped-def]
    anonymous = browser(None)
    anonymous.get(sent["path"])
    data = {f"m:odi.{item}": "1" for item in ODI_ITEMS}
    texts = [path for path, f in sent["fields"] if f.kind in ("text", "long-text")]
    data |= {f"f:{path}": "Told by the patient" for path in texts}
    data["action"] = "submit"
    response = anonymous.post(sent["path"], data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    done = anonymous.get(sent["path"]).get_data(as_text=True)
    assert "your answers were sent" in done and 'id="intake-form"' not in done
    with db.session() as s:
        found = s.get(IntakeRequest, sent["request"])
        assert found.status == "submitted" and found.note_id is not None, found.outcome
        note_id = found.note_id
        queued = s.scalar(select(OutboxMessage.id).where(
            OutboxMessage.kind == "intake-request"))
        assert queued is not None
    # The treating practitioner's note: the marks and the panel.
    with db.session() as s:
        from vesalius.models import Note, Practitioner, User

        note = s.get(Note, note_id)
        email = s.scalar(select(User.email).join(Practitioner, Practitioner.user_id == User.id)
                         .where(Practitioner.id == note.practitioner_id))
    page = browser(None)
    page.login(email, "vesalius-demo-2026")
    html = page.get(f"/chart/notes/{note_id}").get_data(as_text=True)
    assert html.count(">reported by the patient<") == len(texts) + (
        1 if 'data-path="outcome_measures.odi"' in html else 0)
    assert 'id="from-patient"' in html and "20" in html  # ODI 10/50 = 20 %
