"""An owner who treats signs their own notes as a practitioner does (their draft, a patient
in their care, the draft naming their practitioner record); an owner without a practitioner
record is refused with a message that says why."""

from __future__ import annotations

import pytest
from clinic_factories import MONDAY, at, case, clinic_setup, patient, practitioner, visit_document
from vesalius.errors import Forbidden, Invalid
from vesalius.models import Invoice, Note
from vesalius.services import Actor, access, notes, scheduling, users
from vesalius.services.scheduling import BookingIn


def _arrived(s, system, c, prac_id: int, hour: int) -> int:  # type: ignore[no-untyped-def]
    appt = scheduling.book(s, system, BookingIn(
        patient_id=c["patient"].id, practitioner_id=prac_id, case_id=c["case"].id,
        start=at(MONDAY, hour), end=at(MONDAY, hour, 45)))
    scheduling.set_status(s, system, appt.id, "arrived")
    return appt.id


@pytest.fixture
def clinic(db, system):  # type: ignore[no-untyped-def]
    """A practitioner, an owner who treats (a practitioner record of their own), an owner
    who does not, and a visit with each practitioner record."""
    with db.session() as s:
        c = clinic_setup(s, system)
        treating = practitioner(s, system, email="olive.owner@example.org", role="owner",
                                location_id=c["location"].id)
        plain = users.create_user(s, system, users.UserIn(
            email="mo.manager@example.org", role="owner", name="Mo Manager"))
        return {
            "treating": Actor(user_id=treating.user_id, role="owner",
                              practitioner_id=treating.id),
            "plain": Actor(user_id=plain.id, role="owner"),
            "practitioner": Actor(user_id=c["practitioner"].user_id, role="practitioner",
                                  practitioner_id=c["practitioner"].id),
            "owners_visit": _arrived(s, system, c, treating.id, 10),
            "practitioners_visit": _arrived(s, system, c, c["practitioner"].id, 11),
            "treating_practitioner": treating.id, "patient": c["patient"].id,
            "case": c["case"].id,
        }


def _draft(db, actor: Actor, appointment: int) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return notes.create_draft(s, actor, notes.DraftIn(
            appointment_id=appointment, template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"]))).id


def test_an_owner_given_disciplines_has_a_practitioner_record(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        owner = users.create_user(s, system, users.UserIn(
            email="treats@example.org", role="owner", disciplines=["rehab"]))
        assert owner.practitioner is not None and owner.practitioner.disciplines == ["rehab"]
        assert users.actor_for_user(s, owner).practitioner_id == owner.practitioner.id
        plain = users.create_user(s, system, users.UserIn(email="runs@example.org",
                                                          role="owner"))
        assert plain.practitioner is None
    with pytest.raises(Invalid) as caught, db.session() as s:
        users.create_user(s, system, users.UserIn(
            email="desk@example.org", role="front-desk", disciplines=["rehab"]))
    assert caught.value.field == "disciplines"


def test_an_owner_who_treats_signs_their_own_note(db, clinic):  # type: ignore[no-untyped-def]
    owner = clinic["treating"]
    note_id = _draft(db, owner, clinic["owners_visit"])
    with db.session() as s:
        signed = notes.sign(s, owner, note_id)
        assert signed.invoice is not None
    with db.session() as s:
        note = s.get(Note, note_id)
        assert note.status == "signed" and note.signed_by == owner.user_id
        assert note.practitioner_id == clinic["treating_practitioner"]
        assert "Olive Owner" in note.rendered  # the signature names their record
        assert notes.verify(note)
        assert s.get(Invoice, signed.invoice.id).practitioner_id == \
            clinic["treating_practitioner"]


def test_an_owner_who_treats_signs_only_their_own_draft(db, clinic):  # type: ignore[no-untyped-def]
    note_id = _draft(db, clinic["practitioner"], clinic["practitioners_visit"])
    with pytest.raises(Forbidden, match="only the note's author"), db.session() as s:
        notes.sign(s, clinic["treating"], note_id)
    with db.session() as s:
        assert s.get(Note, note_id).status == "draft"


def test_an_owner_who_treats_signs_only_for_patients_in_their_care(db, clinic, system):  # type: ignore[no-untyped-def]
    """The owner may draft on another practitioner's visit of a patient they never saw (the
    role writes every record), but signs, as a practitioner does, only for a patient in
    their care, or after breaking the glass."""
    owner = clinic["treating"]
    with db.session() as s:
        other = patient(s, system, given="Grace", family="Hopper")
        other_case = case(s, system, other.id)
        prac_id = clinic["practitioner"].practitioner_id
        appt = scheduling.book(s, system, BookingIn(
            patient_id=other.id, practitioner_id=prac_id, case_id=other_case.id,
            start=at(MONDAY, 14), end=at(MONDAY, 14, 45)))
        scheduling.set_status(s, system, appt.id, "arrived")
    note_id = _draft(db, owner, appt.id)
    with pytest.raises(Forbidden) as caught, db.session() as s:
        notes.sign(s, owner, note_id)
    assert caught.value.details[0]["code"] == access.BREAK_THE_GLASS
    with db.session() as s:  # the owner breaks the glass, as a practitioner would
        access.break_glass(s, owner, access.BreakGlassIn(
            patient_id=other.id, reason="Covering the visit for a colleague"))
    with db.session() as s:
        notes.sign(s, owner, note_id)
    with db.session() as s:
        assert s.get(Note, note_id).status == "signed"


def test_an_owner_without_a_practitioner_record_cannot_sign(db, clinic):  # type: ignore[no-untyped-def]
    """They may write a draft (notes.write) but not sign it: a 403 that says why, before
    the note is looked at, and the draft stays a draft."""
    owner = clinic["plain"]
    note_id = _draft(db, owner, clinic["practitioners_visit"])
    with pytest.raises(Forbidden) as caught, db.session() as s:
        notes.sign(s, owner, note_id)
    assert "no practitioner record" in caught.value.message
    assert caught.value.details[0]["code"] == notes.NO_PRACTITIONER_RECORD
    with db.session() as s:
        note = s.get(Note, note_id)
        assert note.status == "draft" and note.signed_at is None
    with pytest.raises(Forbidden, match="no practitioner record"), db.session() as s:
        notes.sign(s, owner, 10**6)  # the same answer whatever the note: nothing is probed


def test_a_draft_naming_another_practitioner_is_not_signed(db, clinic):  # type: ignore[no-untyped-def]
    """A draft the owner started before they had a practitioner record names the visit's
    practitioner; once the owner treats, they still may not sign it under their name."""
    plain = clinic["plain"]
    note_id = _draft(db, plain, clinic["owners_visit"])
    with db.session() as s:
        assert s.get(Note, note_id).practitioner_id == clinic["treating_practitioner"]
    now_treating = Actor(user_id=plain.user_id, role="owner",
                         practitioner_id=clinic["practitioner"].practitioner_id)
    with pytest.raises(Forbidden, match="names another practitioner"), db.session() as s:
        notes.sign(s, now_treating, note_id)


def test_roles_without_the_permission_hear_the_role_refusal(db, clinic):  # type: ignore[no-untyped-def]
    note_id = _draft(db, clinic["practitioner"], clinic["practitioners_visit"])
    for role in ("front-desk", "billing"):
        with pytest.raises(Forbidden, match=r"may not do this \(notes.sign\)"), \
                db.session() as s:
            notes.sign(s, Actor(user_id=99, role=role), note_id)
    with pytest.raises(Forbidden, match=r"notes.sign"), db.session() as s:
        notes.sign(s, Actor(user_id=98, role="patient", patient_id=clinic["patient"]), note_id)


def test_an_existing_owner_starts_to_treat_then_signs(db, db_url, clinic, system):  # type: ignore[no-untyped-def]
    """``vesalius users treat`` gives an owner without one a practitioner record (refused
    for other roles, and a second time); with it, their next draft is theirs to sign."""
    from click.testing import CliRunner
    from vesalius.cli import main
    from vesalius.errors import Conflict

    runner = CliRunner()
    result = runner.invoke(main, ["users", "treat", "mo.manager@example.org", "--discipline",
                                  "rehab", "--database", db_url])
    assert result.exit_code == 0, result.output
    assert "mo.manager@example.org treats: practitioner" in result.output
    again = runner.invoke(main, ["users", "treat", "mo.manager@example.org", "--discipline",
                                 "rehab", "--database", db_url])
    assert again.exit_code != 0 and "has a practitioner record already" in again.output
    with db.session() as s:
        desk = users.create_user(s, system, users.UserIn(email="desk@example.org",
                                                         role="front-desk"))
        with pytest.raises(Invalid) as caught:
            users.add_practitioner_record(s, system, desk, ["rehab"])
        assert caught.value.field == "role"
        with pytest.raises(Conflict):
            users.add_practitioner_record(s, system, users.by_email(
                s, "olive.owner@example.org"), ["rehab"])
        owner = users.actor_for_user(s, users.by_email(s, "mo.manager@example.org"))
    assert owner.role == "owner" and owner.practitioner_id is not None
    with db.session() as s:  # a visit with them: the patient is in their care
        appointment = scheduling.book(s, system, BookingIn(
            patient_id=clinic["patient"], practitioner_id=owner.practitioner_id,
            case_id=clinic["case"], start=at(MONDAY, 15), end=at(MONDAY, 15, 45)))
    note_id = _draft(db, owner, appointment.id)
    with db.session() as s:
        notes.sign(s, owner, note_id)
    with db.session() as s:
        assert s.get(Note, note_id).signed_by == owner.user_id
