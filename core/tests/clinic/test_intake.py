"""Intake before a visit (issue 15, part 4), on both engines: the licence gate of measures
whose wording may not ship, sending by message with a link that is the credential for one
request, resumable answers, submit validation (required fields, the measure's missing-item
rule), and the answers landing in the draft note marked "reported by the patient" without
overwriting the practitioner, each measure scored and stored with source "patient".

ODI scoring: Fairbank JC, Pynsent PB. The Oswestry Disability Index. Spine
2000;25(22):2940-52 (sum of the answered sections / (5 x answered) x 100).
"""

from __future__ import annotations

from datetime import date

import pytest
from clinic_factories import MONDAY, at, clinic_setup, patient
from sqlalchemy import func, select, update
from vesalius.errors import Conflict, Forbidden, Invalid, NotFound
from vesalius.models import IntakeRequest, MeasureResult, Note, OutboxMessage
from vesalius.services import Actor, intake, measure_wording, notes, outcomes, reports, scheduling
from vesalius.services.scheduling import BookingIn

#: Test wording of our own, entered as a licensed clinic would (never the published text).
ODI_WORDING = measure_wording.WordingIn(
    licence_holder="Harbour St Physio Ltd", licence_reference="MAPI-TEST-0001",
    licensed_on=date(2026, 1, 15),
    items={f"s{n}": measure_wording.ItemWordingIn(
        text=f"Section {n} wording loaded by the clinic",
        options={str(v): f"Statement {v + 1} of section {n}" for v in range(6)})
        for n in range(1, 11)})
ODI_ITEMS = ("pain_intensity", "personal_care", "lifting", "walking", "sitting", "standing",
             "sleeping", "sex_life", "social_life", "travelling")


def odi_wording() -> measure_wording.WordingIn:
    """:data:`ODI_WORDING` keyed by the ODI's item ids."""
    return ODI_WORDING.model_copy(update={"items": {
        item: ODI_WORDING.items[f"s{n}"] for n, item in enumerate(ODI_ITEMS, start=1)}})


NPRS_WORDING = measure_wording.WordingIn(
    licence_holder="Harbour St Physio Ltd", licence_reference="own wording",
    licensed_on=date(2026, 1, 15),
    items={"pain": measure_wording.ItemWordingIn(
        text="Your pain right now, 0 to 10",
        options={str(v): str(v) for v in range(11)})})


def _visit(s, system):  # type: ignore[no-untyped-def]
    c = clinic_setup(s, system)
    appt = scheduling.book(s, system, BookingIn(
        patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
        service_id=c["service"].id, case_id=c["case"].id, start=at(MONDAY, 14)))
    return c, appt


def _odi(*responses: int | None) -> dict[str, list[str]]:
    return {f"m:odi.{item}": ["" if r is None else str(r)]
            for item, r in zip(ODI_ITEMS, responses, strict=False)}


def test_licence_gate(db, system) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        _c, appt = _visit(s, system)
        offer = measure_wording.offer(s, "odi")
        assert not offer.offered and offer.reason == measure_wording.NOT_LICENSED
        # A generic scale has nothing to license, and says so.
        assert measure_wording.offer(s, "nprs").reason == measure_wording.NO_WORDING
        with pytest.raises(Invalid) as exc:
            intake.send(s, system, appt.id, intake.SendIn(measures=["odi"]), "http://x")
        assert exc.value.field == "measures[0]" and "licence" in exc.value.message
        # Loading: every item's question and every response's wording, named when missing.
        bad = odi_wording()
        items = dict(bad.items)
        items.pop("lifting")
        with pytest.raises(Invalid) as exc:
            measure_wording.record(s, system, "odi", bad.model_copy(update={"items": items}))
        assert exc.value.field == "items.lifting.text"
        items["lifting"] = measure_wording.ItemWordingIn(text="Lifting?", options={"0": "a"})
        with pytest.raises(Invalid) as exc:
            measure_wording.record(s, system, "odi", bad.model_copy(update={"items": items}))
        assert exc.value.field == "items.lifting.options.1"
        desk = Actor(user_id=None, role="front-desk")
        with pytest.raises(Forbidden):
            measure_wording.record(s, desk, "odi", odi_wording())
        measure_wording.record(s, system, "odi", odi_wording())
        assert measure_wording.offer(s, "odi").offered
        shown = measure_wording.patient_measure(s, "odi")
        assert shown.wording == "clinic"
        assert shown.items[0].text == "Section 1 wording loaded by the clinic"
        assert shown.items[0].choices[5] == (5, "Statement 6 of section 1")
        sent = intake.send(s, system, appt.id, intake.SendIn(measures=["odi"]),
                           "http://clinic.test")
        assert sent.request.measures == ["odi"]
        # The clinic's licence ended: the measure is not offered any more.
        measure_wording.remove(s, system, "odi")
        assert not measure_wording.offer(s, "odi").offered


def test_send_resume_submit(db, system) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        c, appt = _visit(s, system)
        measure_wording.record(s, system, "odi", odi_wording())
        measure_wording.record(s, system, "nprs", NPRS_WORDING)
        with pytest.raises(Invalid) as exc:
            intake.send(s, system, appt.id, intake.SendIn(template_id="rehab.visit",
                                                          sections=["plan"]), "http://x")
        assert exc.value.field == "sections"  # procedures only: nothing for a patient
        sent = intake.send(s, system, appt.id, intake.SendIn(
            template_id="rehab.visit", sections=["subjective"], measures=["odi", "nprs"]),
            "http://clinic.test/")
        assert sent.queued == 1 and sent.link.startswith("http://clinic.test/portal/intake/")
        message = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "intake-request"))
        assert message is not None and sent.link in message.body_text
        assert message.recipient == c["patient"].email
        token = sent.link.rsplit("/", 1)[1]
        stored = s.scalar(select(IntakeRequest.token_sha256))
        assert token not in stored  # only the hash is kept
        s.commit()
    with db.session() as s:
        request, who = intake.by_token(s, token)
        assert who.role == "patient" and who.patient_id == request.patient_id
        view = intake.form(s, who, request)
        assert [p for _s, fields in view.sections for p, _f in fields] == ["subjective.history"]
        errors = intake.save(s, who, request, {"f:subjective.history": ["Back pain, 3 weeks"],
                                               **_odi(2, 1, 3, 2, 9)})
        assert list(errors) == ["m:odi.sitting"]  # 9 is not an answer; the rest is kept
        s.commit()
    with db.session() as s:  # leaving and coming back: the answers are there
        request, who = intake.by_token(s, token)
        view = intake.form(s, who, request)
        assert view.value("subjective.history") == "Back pain, 3 weeks"
        assert view.response("odi", "lifting") == 3 and view.response("odi", "sitting") is None
        # Submit validates: the ODI's missing-item rule says which questions are missing.
        problems = intake.submit(s, who, request, _odi(2, 1, 3, 2, None, 1, 2, None))
        assert "m:odi.sitting" in problems and "5, 9, 10 not answered" in problems[
            "m:odi.sitting"]
        assert "m:nprs.pain" in problems
        assert request.status == "sent"
        s.commit()
    with db.session() as s:
        request, who = intake.by_token(s, token)
        problems = intake.submit(s, who, request, {**_odi(2, 1, 3, 2, 2, 1, 2, 1, 1, 1),
                                                   "m:nprs.pain": ["6"]})
        assert problems == {}
        assert request.status == "submitted"
        s.commit()
    with db.session() as s:
        request = s.scalar(select(IntakeRequest))
        note = s.get(Note, request.note_id)
        assert note is not None and note.status == "draft"
        assert note.document["subjective"]["history"] == "Back pain, 3 weeks"
        assert note.document["subjective"]["pain"] == {"responses": [6]}
        assert set(note.reported) == {"subjective.history", "subjective.pain"}
        results = {r.measure_id: r for r in s.scalars(select(MeasureResult))}
        assert results["odi"].value == 32.0 and results["odi"].source == "patient"
        assert results["odi"].band == "moderate disability"
        assert results["nprs"].value == 6 and results["nprs"].note_id is None
        trend = {t.measure_id: t for t in outcomes.case_trends(s, system, c["case"].id)}
        assert trend["odi"].points[0].source == "patient"
        timeline = reports.case_timeline(s, system, c["case"].id)
        assert any("reported by the patient" in e.summary for e in timeline
                   if e.kind == "measure")
        # Single use: the link shows the submitted request, which no longer changes.
        request, who = intake.by_token(s, token)
        with pytest.raises(Conflict):
            intake.save(s, who, request, {"f:subjective.history": ["changed"]})
        # The practitioner edits the history: its mark leaves; the pain's stays.
        prac = Actor(user_id=c["practitioner"].user_id, role="practitioner",
                     practitioner_id=c["practitioner"].id)
        document = dict(note.document)
        document["subjective"] = {**document["subjective"], "history": "Back pain, 3/52"}
        document["plan"] = {"procedures": [{"code": "97110", "minutes": 23}]}
        document["assessment"] = {"diagnosis": ["M54.50"]}
        notes.update_draft(s, prac, note.id, document)
        assert set(note.reported) == {"subjective.pain"}
        # Signing stores no second NPRS: the patient's, source "patient", is the result.
        notes.sign(s, prac, note.id)
        assert s.scalar(select(func.count()).select_from(MeasureResult)
                        .where(MeasureResult.measure_id == "nprs")) == 1


def test_the_practitioners_words_are_never_overwritten(db, system) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        c, appt = _visit(s, system)
        sent = intake.send(s, system, appt.id, intake.SendIn(template_id="rehab.visit"),
                           "http://clinic.test")
        prac = Actor(user_id=c["practitioner"].user_id, role="practitioner",
                     practitioner_id=c["practitioner"].id)
        draft = notes.create_draft(s, prac, notes.DraftIn(
            appointment_id=appt.id, document={"subjective": {"history": "Seen: low back"}}))
        request, who = intake.by_token(s, sent.link.rsplit("/", 1)[1])
        assert intake.submit(s, who, request, {"f:subjective.history": ["My back hurts"]}) == {}
        assert request.note_id == draft.id
        assert draft.document["subjective"]["history"] == "Seen: low back"
        assert request.outcome == {"subjective.history": "kept"}
        assert not draft.reported
        shown = intake.reported_for(s, prac, appt.id)
        assert shown[0].answers == [("History", "My back hurts", "kept")]


def test_links_and_scope(db, system) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        c, appt = _visit(s, system)
        measure_wording.record(s, system, "odi", odi_wording())
        sent = intake.send(s, system, appt.id, intake.SendIn(measures=["odi"]),
                           "http://clinic.test")
        token = sent.link.rsplit("/", 1)[1]
        with pytest.raises(NotFound):
            intake.by_token(s, token[:-2] + "xx")
        other = patient(s, system, given="Grace", family="Hopper")
        grace = Actor(user_id=None, role="patient", patient_id=other.id)
        with pytest.raises(NotFound):  # another patient's request is not there for her
            intake.for_patient(s, grace, sent.request.id)
        ada = Actor(user_id=None, role="patient", patient_id=c["patient"].id)
        assert [r.id for r in intake.open_for_patient(s, ada, c["patient"].id)] == [
            sent.request.id]
        with pytest.raises(Forbidden):
            intake.open_for_patient(s, grace, c["patient"].id)
        desk = Actor(user_id=None, role="front-desk")
        assert len(intake.of_appointment(s, desk, appt.id)) == 1
        s.execute(update(IntakeRequest).values(expires_at=at(date(2020, 1, 6), 9)))
        s.expire_all()
        with pytest.raises(NotFound):
            intake.by_token(s, token)
        assert intake.open_for_patient(s, ada, c["patient"].id) == []
