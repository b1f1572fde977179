"""The care team (issue 13, finding 1): a practitioner reads and writes the clinical record
only of patients in their care; anyone else breaks the glass (a reason, a grant that
expires, an audit event the owner sees). Drafts are changed and signed by their author
only; "entered in error" by the author or the owner; addenda by the care team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from clinic_factories import MONDAY, at, clinic_setup, practitioner, visit_document
from pydantic import ValidationError
from sqlalchemy import select, update
from vesalius.app import create_app
from vesalius.db.types import utcnow
from vesalius.errors import Forbidden
from vesalius.models import AccessGrant, AuditEvent, Note
from vesalius.services import Actor, access, notes, outcomes, scheduling, users
from vesalius.services.scheduling import BookingIn


def _actor(prac) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)


@pytest.fixture
def clinic(db, system):  # type: ignore[no-untyped-def]
    """A chiropractor's patient with a draft and a signed note, and an acupuncturist who
    never saw that patient."""
    with db.session() as s:
        c = clinic_setup(s, system)
        chiro = c["practitioner"]
        acu = practitioner(s, system, email="acu@example.org", location_id=c["location"].id)
        appts = []
        for days in (0, 7):
            appt = scheduling.book(s, system, BookingIn(
                patient_id=c["patient"].id, practitioner_id=chiro.id, case_id=c["case"].id,
                start=at(MONDAY + timedelta(days=days), 10),
                end=at(MONDAY + timedelta(days=days), 10, 45)))
            scheduling.set_status(s, system, appt.id, "arrived")
            appts.append(appt.id)
        chiro_actor, acu_actor = _actor(chiro), _actor(acu)
        owner = users.create_user(s, system, users.UserIn(
            email="owner@example.org", role="owner", name="Owner"))
        signed = notes.create_draft(s, chiro_actor, notes.DraftIn(
            appointment_id=appts[0], template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"])))
        notes.sign(s, chiro_actor, signed.id)
        drafted = notes.create_draft(s, chiro_actor, notes.DraftIn(
            appointment_id=appts[1], template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"], pain=4)))
        return {"chiro": chiro_actor, "acu": acu_actor, "patient": c["patient"].id,
                "case": c["case"].id, "signed": signed.id, "draft": drafted.id,
                "appointments": appts, "acu_prac": acu.id,
                "owner": Actor(user_id=owner.id, role="owner")}


def _refused(db, call) -> Forbidden:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden) as caught, db.session() as s:
        call(s)
    return caught.value


def test_a_practitioner_outside_the_care_team_can_do_nothing_clinical(db, clinic):  # type: ignore[no-untyped-def]
    acu = clinic["acu"]
    denied = _refused(db, lambda s: notes.read(s, acu, clinic["signed"]))
    assert "break the glass" in denied.message
    assert denied.details[0]["code"] == access.BREAK_THE_GLASS
    _refused(db, lambda s: notes.of_case(s, acu, clinic["case"]))
    _refused(db, lambda s: notes.last_signed(s, acu, clinic["case"]))
    _refused(db, lambda s: notes.update_draft(s, acu, clinic["draft"], visit_document()))
    _refused(db, lambda s: notes.sign(s, acu, clinic["draft"]))
    _refused(db, lambda s: notes.discard(s, acu, clinic["draft"]))
    _refused(db, lambda s: notes.add_addendum(s, acu, clinic["signed"],
                                              notes.AddendumIn(text="not mine to add")))
    _refused(db, lambda s: notes.mark_entered_in_error(s, acu, clinic["signed"], "wrong"))
    _refused(db, lambda s: notes.create_draft(s, acu, notes.DraftIn(
        appointment_id=clinic["appointments"][1], template_id="rehab.visit")))
    _refused(db, lambda s: outcomes.case_trends(s, acu, clinic["case"]))
    with db.session() as s:  # nothing changed
        draft = s.get(Note, clinic["draft"])
        assert draft.status == "draft" and draft.signed_by is None
        assert s.get(Note, clinic["signed"]).status == "signed"
        assert access.may(s, clinic["chiro"], "notes.read", clinic["patient"])
        assert not access.may(s, acu, "notes.read", clinic["patient"])


def test_drafts_belong_to_their_author_even_inside_the_care_team(db, clinic, system):  # type: ignore[no-untyped-def]
    acu = clinic["acu"]
    with db.session() as s:  # the acupuncturist now sees the patient too: in the care team
        scheduling.book(s, system, BookingIn(
            patient_id=clinic["patient"], practitioner_id=clinic["acu_prac"],
            case_id=clinic["case"], start=at(MONDAY + timedelta(days=1), 14),
            end=at(MONDAY + timedelta(days=1), 14, 45)))
    with db.session() as s:
        assert notes.read(s, acu, clinic["signed"]).status == "signed"
        added = notes.add_addendum(s, acu, clinic["signed"], notes.AddendumIn(
            text="Seen on Tuesday: needling tolerated."))
        assert added.author_id == acu.user_id
    _refused(db, lambda s: notes.update_draft(s, acu, clinic["draft"], visit_document()))
    _refused(db, lambda s: notes.sign(s, acu, clinic["draft"]))
    _refused(db, lambda s: notes.discard(s, acu, clinic["draft"]))
    _refused(db, lambda s: notes.mark_entered_in_error(s, acu, clinic["signed"], "wrong"))
    owner = clinic["owner"]
    _refused(db, lambda s: notes.update_draft(s, owner, clinic["draft"], visit_document()))
    with db.session() as s:  # the author signs their own draft; the owner flags an error
        signed = notes.sign(s, clinic["chiro"], clinic["draft"]).note
        assert signed.signed_by == clinic["chiro"].user_id
        flagged = notes.mark_entered_in_error(s, owner, clinic["signed"], "wrong patient")
        assert flagged.status == "entered-in-error"


def test_break_the_glass_opens_reading_for_a_while_and_is_audited(db, clinic):  # type: ignore[no-untyped-def]
    acu = clinic["acu"]
    with pytest.raises(ValidationError):
        access.BreakGlassIn(patient_id=clinic["patient"], reason="need")
    with pytest.raises(ValidationError):  # padding is not a reason
        access.BreakGlassIn(patient_id=clinic["patient"], reason="x" + " " * 20 + "y")
    with db.session() as s:
        grant = access.break_glass(s, acu, access.BreakGlassIn(
            patient_id=clinic["patient"], reason="Covering the chiropractor's patient today"))
        assert grant.expires_at - grant.created_at == timedelta(hours=access.GRANT_HOURS)
        grant_id = grant.id
    with db.session() as s:
        assert notes.read(s, acu, clinic["signed"]).id == clinic["signed"]
        assert [n.id for n in notes.of_case(s, acu, clinic["case"])]
    # Reading is not authorship: the draft stays the chiropractor's.
    _refused(db, lambda s: notes.update_draft(s, acu, clinic["draft"], visit_document()))
    _refused(db, lambda s: notes.sign(s, acu, clinic["draft"]))
    with db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "break-the-glass"))
        assert (event.user_id, event.patient_id, event.resource_id) == (
            acu.user_id, clinic["patient"], grant_id)
        assert "Covering" not in (event.detail or "")  # free text stays out of the log
        listed = access.grants(s, clinic["owner"])
        assert [(g.id, u.id, p.id, g.reason) for g, u, p in listed] == [
            (grant_id, acu.user_id, clinic["patient"],
             "Covering the chiropractor's patient today")]
    _refused(db, lambda s: access.grants(s, acu))
    with db.session() as s:  # the grant runs out
        s.execute(update(AccessGrant).where(AccessGrant.id == grant_id)
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    _refused(db, lambda s: notes.read(s, acu, clinic["signed"]))


def test_who_may_break_the_glass(db, clinic):  # type: ignore[no-untyped-def]
    why = access.BreakGlassIn(patient_id=clinic["patient"], reason="Front desk curiosity")
    for actor in (Actor(user_id=5, role="front-desk"), Actor(user_id=6, role="billing"),
                  Actor(user_id=7, role="patient", patient_id=clinic["patient"])):
        _refused(db, lambda s, actor=actor: access.break_glass(s, actor, why))


def test_the_care_team_check_is_one_query(db, clinic, count_queries):  # type: ignore[no-untyped-def]
    with db.session() as s:
        s.connection()
        with count_queries() as counter:
            assert access.in_care(s, clinic["chiro"], clinic["patient"])
            assert not access.in_care(s, clinic["acu"], clinic["patient"])
        assert counter.count == 2


def test_the_api_applies_the_same_rules(db_url, db, clinic, system):  # type: ignore[no-untyped-def]
    """Finding 1 through the API: refused outside the care team, then broken glass."""
    app = create_app(db_url)
    app.config["TESTING"] = True
    client = app.test_client()
    with db.session() as s:
        from vesalius.models import User

        tokens = {name: users.issue_token(s, system, s.get(User, clinic[name].user_id))
                  for name in ("acu", "chiro", "owner")}

    def call(method, path, who, **kw):  # type: ignore[no-untyped-def]
        response = client.open("/api/v1" + path, method=method, **kw,
                               headers={"Authorization": f"Bearer {tokens[who]}"})
        return response.status_code, response.get_json()

    try:
        status, body = call("GET", f"/notes/{clinic['signed']}", "acu")
        assert status == 403 and "break the glass" in body["error"]
        assert call("PATCH", f"/notes/{clinic['draft']}", "acu",
                    json={"document": visit_document()})[0] == 403
        assert call("POST", f"/notes/{clinic['draft']}/sign", "acu")[0] == 403
        assert call("POST", f"/notes/{clinic['signed']}/entered-in-error", "acu",
                    json={"reason": "not mine"})[0] == 403
        assert call("GET", f"/cases/{clinic['case']}/notes", "acu")[0] == 403
        status, body = call("POST", f"/patients/{clinic['patient']}/access-grants", "acu",
                            json={"reason": "short"})
        assert status == 422 and body["field"] == "reason"
        status, grant = call("POST", f"/patients/{clinic['patient']}/access-grants", "acu",
                             json={"reason": "Covering the chiropractor's patient today"})
        assert status == 201, grant
        assert call("GET", f"/notes/{clinic['signed']}", "acu")[0] == 200
        assert call("POST", f"/notes/{clinic['draft']}/sign", "acu")[0] == 403  # author's
        status, listed = call("GET", "/access-grants", "owner")
        assert status == 200 and [g["id"] for g in listed] == [grant["id"]]
        assert call("GET", "/access-grants", "acu")[0] == 403
        assert call("GET", f"/notes/{clinic['signed']}", "chiro")[0] == 200
    finally:
        app.extensions["vesalius.db"].dispose()
