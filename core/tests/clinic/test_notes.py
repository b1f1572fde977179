"""Notes: drafts, validation naming the field, signing, immutability in the service and in
the database, addenda, entered in error, measures and their trend."""

from __future__ import annotations

from datetime import timedelta

import clinic_testpack as testpack
import pytest
from clinic_factories import MONDAY, at, clinic_setup, visit_document
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from vesalius.errors import Conflict, Forbidden, Invalid
from vesalius.models import AuditEvent, Invoice, MeasureResult, Note
from vesalius.services import Actor, notes, outcomes, scheduling
from vesalius.services.scheduling import BookingIn


@pytest.fixture
def visit(db, system):  # type: ignore[no-untyped-def]
    """A booked, arrived appointment and the acting practitioner."""
    with db.session() as s:
        c = clinic_setup(s, system)
        appt = scheduling.book(s, system, BookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            case_id=c["case"].id, start=at(MONDAY, 10), end=at(MONDAY, 10, 45)))
        scheduling.set_status(s, system, appt.id, "arrived")
        prac = c["practitioner"]
        actor = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id,
                      ip="127.0.0.1")
        return {"appointment": appt.id, "actor": actor, "case": c["case"].id,
                "patient": c["patient"].id, "practitioner": prac.id, "clinic": c}


def draft(db, visit, document=None):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return notes.create_draft(s, visit["actor"], notes.DraftIn(
            appointment_id=visit["appointment"], template_id="rehab.visit",
            document=document or {})).id


def test_draft_validation_names_the_field(db, visit):  # type: ignore[no-untyped-def]
    note_id = draft(db, visit)
    bad = visit_document()
    bad["subjective"]["pain"] = {"responses": [14]}  # type: ignore[index]
    with pytest.raises(Invalid) as caught, db.session() as s:
        notes.update_draft(s, visit["actor"], note_id, bad)
    assert caught.value.field == "subjective.pain"
    with pytest.raises(Invalid) as caught, db.session() as s:
        notes.update_draft(s, visit["actor"], note_id, {"subjective": {"histroy": "x"}})
    assert caught.value.field == "subjective.histroy"
    with pytest.raises(Invalid) as caught, db.session() as s:
        notes.update_draft(s, visit["actor"], note_id, {"plan": {"procedures": [
            {"code": "97530", "minutes": 10}]}})
    assert caught.value.field == "plan.procedures"
    with db.session() as s:
        assert s.get(Note, note_id).document == {}
    with pytest.raises(Invalid) as caught, db.session() as s:
        notes.create_draft(s, visit["actor"], notes.DraftIn(
            appointment_id=visit["appointment"], template_id="nope.template"))
    assert caught.value.field == "template_id"


def test_sign_runs_pack_rules_then_locks_and_bills(db, visit):  # type: ignore[no-untyped-def]
    note_id = draft(db, visit, visit_document())
    # The pack's own rule: a billed visit needs a diagnosis.
    with pytest.raises(Invalid) as caught, db.session() as s:
        notes.sign(s, visit["actor"], note_id)
    assert caught.value.field == "assessment.diagnosis"
    with db.session() as s:
        assert s.get(Note, note_id).status == "draft"
        assert s.scalar(select(func.count()).select_from(Invoice)) == 0
    # Required field missing.
    with db.session() as s:
        notes.update_draft(s, visit["actor"], note_id, {"assessment": {"diagnosis": ["M54.50"]}})
    with pytest.raises(Invalid) as caught, db.session() as s:
        notes.sign(s, visit["actor"], note_id)
    assert caught.value.field == "subjective.history"

    testpack.SIGNED.clear()
    with db.session() as s:
        notes.update_draft(s, visit["actor"], note_id, visit_document(diagnosis=["M54.50"]))
        note, invoice = notes.sign(s, visit["actor"], note_id)
        assert testpack.SIGNED == []  # the event waits for the commit
    assert [str(note_id)] == testpack.SIGNED
    with db.session() as s:
        note = s.get(Note, note_id)
        assert note.status == "signed" and note.signed_by == visit["actor"].user_id
        assert note.template_version == 3 and note.pack == "rehab"
        assert len(note.content_sha256) == 64 and notes.verify(note)
        assert "Sore back after lifting" in note.rendered and "<h1>Rehab visit</h1>" \
            in note.rendered
        assert "NPRS" in note.rendered or "Numeric" in note.rendered
        invoice = s.scalar(select(Invoice).where(Invoice.note_id == note_id))
        # 23 + 10 timed minutes = 33 -> 2 units (CMS): one each (97140 has more leftover)
        assert [(ln.code, ln.units, str(ln.unit_price), str(ln.amount))
                for ln in invoice.lines] == [("97110", 1, "45.00", "45.00"),
                                             ("97140", 1, "42.50", "42.50")]
        assert str(invoice.total) == "87.50" and invoice.status == "draft"
        result = s.scalar(select(MeasureResult).where(MeasureResult.note_id == note_id))
        assert (result.measure_id, result.value, result.responses) == ("nprs", 6.0, [6])
        from vesalius.models import Appointment
        assert s.get(Appointment, visit["appointment"]).status == "completed"


def test_signed_note_is_immutable_in_service_and_database(db, visit):  # type: ignore[no-untyped-def]
    note_id = draft(db, visit, visit_document(diagnosis=["M54.50"]))
    with db.session() as s:
        notes.sign(s, visit["actor"], note_id)
    with pytest.raises(Conflict), db.session() as s:
        notes.update_draft(s, visit["actor"], note_id, visit_document(history="changed"))
    with pytest.raises(Conflict), db.session() as s:
        notes.sign(s, visit["actor"], note_id)
    # Around the service, straight at the database: refused by the trigger.
    doc = '{"subjective": {"history": "rewritten"}}'
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("UPDATE notes SET document = :d WHERE id = :i"),
                  {"d": doc, "i": note_id})
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("UPDATE notes SET signed_at = NULL, status = 'draft' WHERE id = :i"),
                  {"i": note_id})
    # Nor its record of what the patient reported before the visit (intake).
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("""UPDATE notes SET reported = '{"subjective.history": "2025-01-01"}'
                          WHERE id = :i"""), {"i": note_id})
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("DELETE FROM notes WHERE id = :i"), {"i": note_id})
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("DELETE FROM measure_results WHERE note_id = :i"), {"i": note_id})
    with db.session() as s:
        note = s.get(Note, note_id)
        assert note.document["subjective"]["history"].startswith("Sore back")
        assert notes.verify(note)


def test_addenda_and_entered_in_error(db, visit):  # type: ignore[no-untyped-def]
    note_id = draft(db, visit, visit_document(diagnosis=["M54.50"]))
    with pytest.raises(Conflict), db.session() as s:
        notes.add_addendum(s, visit["actor"], note_id, notes.AddendumIn(text="too early"))
    with db.session() as s:
        notes.sign(s, visit["actor"], note_id)
    with db.session() as s:
        added = notes.add_addendum(s, visit["actor"], note_id, notes.AddendumIn(
            text="Patient phoned: pain settled overnight.", kind="late-entry"))
        assert added.author_id == visit["actor"].user_id and added.created_at is not None
        addendum_id = added.id
    with pytest.raises(Invalid), db.session() as s:
        notes.add_addendum(s, visit["actor"], note_id, notes.AddendumIn(
            text="x", kind="correction"))
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("UPDATE note_addenda SET text = 'edited' WHERE id = :i"),
                  {"i": addendum_id})
    with db.session() as s:
        note = notes.mark_entered_in_error(s, visit["actor"], note_id, "wrong patient")
        assert note.status == "entered-in-error"
    with db.session() as s:
        note = s.get(Note, note_id)
        assert [a.text for a in note.addenda] == ["Patient phoned: pain settled overnight."]
        invoice = s.scalar(select(Invoice).where(Invoice.note_id == note_id))
        assert invoice.status == "void"
        assert notes.verify(note)  # flagged, never rewritten
    with pytest.raises(IntegrityError), db.session() as s:  # and never back to signed
        s.execute(text("UPDATE notes SET status = 'signed' WHERE id = :i"), {"i": note_id})


def test_only_practitioners_sign_and_front_desk_cannot_read(db, visit):  # type: ignore[no-untyped-def]
    note_id = draft(db, visit, visit_document(diagnosis=["M54.50"]))
    desk = Actor(user_id=99, role="front-desk")
    owner_without_practice = Actor(user_id=98, role="owner")
    with pytest.raises(Forbidden), db.session() as s:
        notes.read(s, desk, note_id)
    with pytest.raises(Forbidden), db.session() as s:
        notes.sign(s, owner_without_practice, note_id)


def test_measure_trend_and_mcid(db, visit, system):  # type: ignore[no-untyped-def]
    first = draft(db, visit, visit_document(diagnosis=["M54.50"], pain=7))
    with db.session() as s:
        notes.sign(s, visit["actor"], first)
        second_appt = scheduling.book(s, system, BookingIn(
            patient_id=visit["patient"], practitioner_id=visit["practitioner"],
            case_id=visit["case"], start=at(MONDAY + timedelta(days=7), 10),
            end=at(MONDAY + timedelta(days=7), 10, 45)))
        scheduling.set_status(s, system, second_appt.id, "arrived")
        second = notes.create_draft(s, visit["actor"], notes.DraftIn(
            appointment_id=second_appt.id, template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"], pain=4)))
        notes.sign(s, visit["actor"], second.id)
    with db.session() as s:
        trends = outcomes.case_trends(s, visit["actor"], visit["case"])
    (nprs,) = trends
    assert [p.value for p in nprs.points] == [7.0, 4.0]
    assert nprs.change == -3.0 and nprs.mcid == 2.0 and nprs.reached_mcid is True


def test_audit_rows_written_without_clinical_content(db, visit):  # type: ignore[no-untyped-def]
    note_id = draft(db, visit, visit_document(diagnosis=["M54.50"]))
    with db.session() as s:
        notes.read(s, visit["actor"], note_id)
        notes.sign(s, visit["actor"], note_id)
    with db.session() as s:
        rows = list(s.scalars(select(AuditEvent).where(AuditEvent.resource_type == "note")))
    assert [r.action for r in rows] == ["create", "read", "sign"]
    assert all(r.user_id == visit["actor"].user_id and r.ip == "127.0.0.1" for r in rows)
    assert all(r.patient_id == visit["patient"] for r in rows)
    with db.session() as s:
        details = " ".join(d or "" for d in s.scalars(select(AuditEvent.detail)))
    assert "Sore back" not in details and "M54" not in details
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("DELETE FROM audit_events"))
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("UPDATE audit_events SET user_id = 1"))
