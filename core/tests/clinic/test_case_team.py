"""The case team the clinic sets, and a case's clinical details limited to the care team
(issue 13). The owner or front desk add practitioners to a case (audited); they are then in
the care team of its patient. A practitioner outside the care team reads a case only in
lists, without its complaint, diagnoses, injury date or close reason, and reads or changes
no single case, notes or measures without breaking the glass. Services and the JSON API,
on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from clinic_factories import MONDAY, at, case, clinic_setup, practitioner, visit_document
from sqlalchemy import select
from vesalius.app import create_app
from vesalius.errors import Conflict, Forbidden, Invalid, NotFound
from vesalius.models import AuditEvent, CaseTeamMember, User
from vesalius.services import Actor, access, case_team, cases, notes, scheduling, users
from vesalius.services.scheduling import BookingIn


def _actor(prac) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)


@pytest.fixture
def api(db_url):  # type: ignore[no-untyped-def]
    """A chiropractor who saw the patient and signed a note on her case; a covering
    colleague who never saw her; an owner, front desk and billing."""
    app = create_app(db_url)
    app.config["TESTING"] = True
    db = app.extensions["vesalius.db"]
    system = Actor.system("tests")
    client = app.test_client()
    tokens: dict[str, str] = {}
    ids: dict[str, int] = {}
    with db.session() as s:
        c = clinic_setup(s, system)
        chiro = c["practitioner"]
        cover = practitioner(s, system, email="cover@example.org",
                             location_id=c["location"].id)
        other_case = case(s, system, c["patient"].id, title="Right knee pain",
                          diagnosis_codes=["M25.561"])
        appt = scheduling.book(s, system, BookingIn(
            patient_id=c["patient"].id, practitioner_id=chiro.id, case_id=c["case"].id,
            start=at(MONDAY, 10), end=at(MONDAY, 10, 45)))
        scheduling.set_status(s, system, appt.id, "arrived")
        note = notes.create_draft(s, _actor(chiro), notes.DraftIn(
            appointment_id=appt.id, template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"])))
        notes.sign(s, _actor(chiro), note.id)
        ids.update(patient=c["patient"].id, case=c["case"].id, other_case=other_case.id,
                   chiro=chiro.id, cover=cover.id, note=note.id)
        tokens["chiro"] = users.issue_token(s, system, s.get(User, chiro.user_id))
        tokens["cover"] = users.issue_token(s, system, s.get(User, cover.user_id))
        for email, role in (("owner@clinic.test", "owner"), ("desk@clinic.test", "front-desk"),
                            ("billing@clinic.test", "billing")):
            user = users.create_user(s, system, users.UserIn(email=email, role=role,
                                                             name=role))
            tokens[role] = users.issue_token(s, system, user)

    def call(method: str, path: str, role: str, **kw):  # type: ignore[no-untyped-def]
        response = client.open("/api/v1" + path, method=method, **kw, headers={
            "Authorization": f"Bearer {tokens[role]}"})
        return response.status_code, response.get_json()

    yield call, ids, db
    db.dispose()


CLINICAL = ("title", "diagnosis_codes", "injury_date", "close_reason")


def test_outside_the_care_team_a_case_is_closed(api):  # type: ignore[no-untyped-def]
    call, ids, _db = api
    case_id, patient_id = ids["case"], ids["patient"]
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/timeline",
                 f"/cases/{case_id}/notes", f"/cases/{case_id}/measures",
                 f"/notes/{ids['note']}"):
        status, body = call("GET", path, "cover")
        assert status == 403, (path, body)
        assert "break the glass" in body["error"], (path, body)
    assert call("PATCH", f"/cases/{case_id}", "cover",
                json={"diagnosis_codes": ["M54.2"]})[0] == 403
    assert call("POST", f"/cases/{case_id}/close", "cover", json={})[0] == 403
    # Lists show the cases without their clinical fields.
    status, listed = call("GET", f"/patients/{patient_id}/cases", "cover")
    assert status == 200 and len(listed) == 2
    for row in listed:
        assert row["restricted"] is True
        assert (row["title"], row["diagnosis_codes"], row["injury_date"],
                row["close_reason"]) == (None, [], None, None)
        assert row["discipline"] == "rehab" and row["status"] == "open"
    # The care team and the non-clinical roles read them whole.
    status, listed = call("GET", f"/patients/{patient_id}/cases", "chiro")
    assert {r["title"] for r in listed} == {"Low back pain", "Right knee pain"}
    assert not any(r["restricted"] for r in listed)
    for role in ("chiro", "owner", "front-desk", "billing"):
        status, body = call("GET", f"/cases/{case_id}", role)
        assert status == 200 and body["diagnosis_codes"] == ["M54.50"], (role, body)
    assert call("GET", f"/cases/{case_id}/notes", "front-desk")[0] == 403  # no notes.read


def test_the_clinic_adds_a_practitioner_to_the_case_team(api):  # type: ignore[no-untyped-def]
    call, ids, db = api
    case_id = ids["case"]
    status, member = call("POST", f"/cases/{case_id}/team", "front-desk",
                          json={"practitioner_id": ids["cover"]})
    assert status == 201, member
    assert member["practitioner_id"] == ids["cover"] and member["practitioner_name"]
    status, team = call("GET", f"/cases/{case_id}/team", "cover")
    assert status == 200 and [m["practitioner_id"] for m in team] == [ids["cover"]]
    # Now in the care team: the case, its notes and measures open.
    status, body = call("GET", f"/cases/{case_id}", "cover")
    assert status == 200 and body["title"] == "Low back pain"
    assert call("GET", f"/cases/{case_id}/notes", "cover")[0] == 200
    assert call("GET", f"/notes/{ids['note']}", "cover")[0] == 200
    assert call("GET", f"/cases/{case_id}/measures", "cover")[0] == 200
    # The patient's care team: the other case of hers opens too.
    assert call("GET", f"/cases/{ids['other_case']}", "cover")[0] == 200
    # Twice is a 409 naming the field; an unknown practitioner a 422.
    status, body = call("POST", f"/cases/{case_id}/team", "owner",
                        json={"practitioner_id": ids["cover"]})
    assert status == 409 and body["field"] == "practitioner_id"
    status, body = call("POST", f"/cases/{case_id}/team", "owner",
                        json={"practitioner_id": 99999})
    assert status == 422 and body["field"] == "practitioner_id"
    # Removed: closed again.
    assert call("DELETE", f"/cases/{case_id}/team/{ids['cover']}", "owner")[0] == 204
    assert call("DELETE", f"/cases/{case_id}/team/{ids['cover']}", "owner")[0] == 404
    assert call("GET", f"/cases/{case_id}", "cover")[0] == 403
    assert call("GET", f"/notes/{ids['note']}", "cover")[0] == 403
    with db.session() as s:
        events = s.execute(select(AuditEvent.action, AuditEvent.detail, AuditEvent.patient_id)
                           .where(AuditEvent.action.in_(("team-add", "team-remove")))
                           .order_by(AuditEvent.id)).all()
    assert [(a, d) for a, d, _p in events] == [
        ("team-add", f"practitioner {ids['cover']}"),
        ("team-remove", f"practitioner {ids['cover']}")]
    assert {p for _a, _d, p in events} == {ids["patient"]}


@pytest.mark.parametrize("role", ["chiro", "cover", "billing"])
def test_only_owner_and_front_desk_set_the_team(api, role):  # type: ignore[no-untyped-def]
    call, ids, db = api
    status, _body = call("POST", f"/cases/{ids['case']}/team", role,
                         json={"practitioner_id": ids["cover"]})
    assert status == 403
    with db.session() as s:
        assert s.scalar(select(CaseTeamMember.id)) is None


def test_case_team_services(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = clinic_setup(s, system)
        cover = practitioner(s, system, email="cover@example.org",
                             location_id=c["location"].id)
        cover_actor = _actor(cover)
        patient_id, case_id = c["patient"].id, c["case"].id
        desk = Actor(user_id=None, role="front-desk")
        assert not access.in_care(s, cover_actor, patient_id)
        listed = cases.of_patient(s, cover_actor, patient_id)
        assert [x.restricted for x in listed] == [True]  # type: ignore[union-attr]
        assert all(getattr(listed[0], f) in (None, ()) for f in CLINICAL)
        case_team.add(s, desk, case_id, case_team.TeamMemberIn(practitioner_id=cover.id))
        assert access.in_care(s, cover_actor, patient_id)
        assert cases.read(s, cover_actor, case_id).title == "Low back pain"
        with pytest.raises(Conflict):
            case_team.add(s, desk, case_id, case_team.TeamMemberIn(practitioner_id=cover.id))
        cover.active = False
        other = practitioner(s, system, email="third@example.org")
        other.active = False
        with pytest.raises(Invalid):
            case_team.add(s, desk, case_id, case_team.TeamMemberIn(practitioner_id=other.id))
        case_team.remove(s, desk, case_id, cover.id)
        with pytest.raises(NotFound):
            case_team.remove(s, desk, case_id, cover.id)
        assert not access.in_care(s, cover_actor, patient_id)
        with pytest.raises(Forbidden):
            cases.read(s, cover_actor, case_id)
        with pytest.raises(Forbidden):
            case_team.add(s, cover_actor, case_id,
                          case_team.TeamMemberIn(practitioner_id=cover.id))


def test_a_practitioners_new_case_keeps_them_in_the_care_team(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = clinic_setup(s, system)
        cover = practitioner(s, system, email="cover@example.org")
        opened = cases.open_case(s, _actor(cover), cases.CaseIn(
            patient_id=c["patient"].id, discipline="rehab", title="Neck pain"))
        assert opened.primary_practitioner_id == cover.id
        assert cases.read(s, _actor(cover), opened.id).title == "Neck pain"


def test_the_care_team_check_stays_one_query(db, system, count_queries):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = clinic_setup(s, system)
        cover = practitioner(s, system, email="cover@example.org")
        for n in range(5):
            case(s, system, c["patient"].id, title=f"Case {n}")
        patient_id = c["patient"].id
    with db.session() as s, count_queries() as counter:
        listed = cases.of_patient(s, _actor(cover), patient_id)
    assert len(listed) == 6
    # The cases, the care-team probe, the audit rows: never one query per case.
    assert counter.count <= 4, counter.statements


def test_the_migration_goes_down_and_up_with_data(db, system):  # type: ignore[no-untyped-def]
    """The case-team and policy migration is undone and redone on a database holding rows
    in its tables; the rest of the data stays."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import func, inspect
    from vesalius.db.migrate import alembic_config, current, head
    from vesalius.models import Case, OnlineBookingPolicy
    from vesalius.services import online_booking

    with db.session() as s:
        c = clinic_setup(s, system)
        cover = practitioner(s, system, email="cover@example.org")
        case_team.add(s, system, c["case"].id, case_team.TeamMemberIn(practitioner_id=cover.id))
        online_booking.set_policy(s, system, online_booking.OnlineBookingPolicyIn(max_future=2))
    config = alembic_config()
    ours = next(r for r in ScriptDirectory.from_config(config).walk_revisions()
                if 'create_table(\n        "case_team_members"'
                in Path(r.path).read_text(encoding="utf-8"))
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, ours.down_revision)
    tables = set(inspect(db.engine).get_table_names())
    assert {"case_team_members", "online_booking_policy"}.isdisjoint(tables)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
    db.upgrade()
    assert current(db.engine) == head()
    with db.session() as s:
        assert s.scalar(select(CaseTeamMember.id)) is None
        assert s.get(OnlineBookingPolicy, 1) is None
        case_team.add(s, system, c["case"].id, case_team.TeamMemberIn(practitioner_id=cover.id))


def test_destroying_a_record_takes_its_case_team_with_it(db, system):  # type: ignore[no-untyped-def]
    """Retention's destruction deletes the case-team rows of the cases it deletes (the
    foreign keys would refuse it otherwise), on both engines."""
    from datetime import date

    from vesalius.services import retention

    with db.session() as s:
        c = clinic_setup(s, system)
        cover = practitioner(s, system, email="cover@example.org")
        case_team.add(s, system, c["case"].id, case_team.TeamMemberIn(practitioner_id=cover.id))
        patient_id = c["patient"].id
    with db.session() as s:
        retention.destroy(s, system, retention.DestroyIn(
            patient_ids=[patient_id], reason="retention period ended"), as_of=date(2100, 1, 1))
    with db.session() as s:
        assert s.scalar(select(CaseTeamMember.id)) is None
