"""The patient portal's services (issue 15, part 5), on both engines: invitations (a link
that works once, until it expires, replaced by a newer one, ended by a revocation), the
patient's visits in the location's clock, cancelling inside the clinic's portal window
(late: the service's fee stated and billed), moving to a time the online rules offer, and
only ever the patient's own records (another patient's ids are not found)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from clinic_factories import MONDAY, at, case, location, patient, practitioner
from sqlalchemy import select
from vesalius.errors import Conflict, Forbidden, Invalid, NotFound
from vesalius.models import Invoice, OutboxMessage, Patient, PortalInvitation, User
from vesalius.services import Actor, clinic, online_booking, portal, portal_accounts, users
from vesalius.services.scheduling import BookingIn, book

LINK = "https://clinic.example/portal/invitation"
PASSWORD = "a long enough pass phrase"
#: The clinic's clock in the tests: the Friday before MONDAY, 09:00 UTC.
NOW = at(MONDAY - timedelta(days=3), 9)


def _token(session, patient_id: int) -> str:  # type: ignore[no-untyped-def]
    body = session.scalars(select(OutboxMessage.body_text).where(
        OutboxMessage.patient_id == patient_id, OutboxMessage.kind == "portal-invitation")
        .order_by(OutboxMessage.id.desc())).first()
    found = re.search(re.escape(LINK) + r"/(\S+)", body)
    assert found, body
    return found.group(1)


@pytest.fixture
def clinic_day(db, system):  # type: ignore[no-untyped-def]
    """A Toronto location, a practitioner working weekdays 9-17 local, an online service
    with a late-cancellation fee, two patients each with a case, and front-desk staff."""
    with db.session() as s:
        loc = location(s, system)
        loc.timezone = "America/Toronto"
        prac = practitioner(s, system)
        from vesalius.services import practitioners as staff

        prac.default_location_id = loc.id
        staff.set_hours(s, system, prac.id, [
            staff.HoursIn(location_id=loc.id, weekday=d, start_time=time(9),
                          end_time=time(17)) for d in range(5)])
        service = clinic.create_service(s, system, clinic.ServiceIn(
            name="Rehab follow-up", discipline="rehab", duration_minutes=45,
            price=Decimal("95.00"), late_cancel_fee=Decimal("40.00")))
        me, other = patient(s, system), patient(s, system, given="Grace", family="Hopper")
        ids = {"location": loc.id, "practitioner": prac.id, "service": service.id,
               "me": me.id, "other": other.id,
               "my_case": case(s, system, me.id).id, "other_case": case(s, system, other.id).id}
        desk = users.create_user(s, system, users.UserIn(
            email="desk@clinic.test", role="front-desk", name="Desk", password=PASSWORD))
        ids["desk"] = desk.id
    return ids


def _desk(ids) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user_id=ids["desk"], role="front-desk")


def _patient_actor(db, ids, key: str = "me") -> Actor:  # type: ignore[no-untyped-def]
    with db.session() as s:
        user = s.scalar(select(User).where(User.patient_id == ids[key]))
        if user is None:
            pat = s.get(Patient, ids[key])
            user = portal_accounts.open_account(s, Actor.system("tests"), pat, pat.email,
                                                PASSWORD)
        return Actor(user_id=user.id, role="patient", patient_id=ids[key])


def _book(db, ids, start: datetime, key: str = "me") -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return book(s, Actor.system("tests"), BookingIn(
            patient_id=ids[key], practitioner_id=ids["practitioner"], start=start,
            service_id=ids["service"], case_id=ids[f"{'my' if key == 'me' else key}_case"],
            location_id=ids["location"])).id


# -- invitations --------------------------------------------------------------------------


def test_an_invitation_link_sets_the_password_once(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    with db.session() as s:
        row = portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        assert row.email == "ada.lovelace@example.org"
        assert portal_accounts.state(s, _desk(ids), ids["me"]).state == "invited"
        message = s.scalar(select(OutboxMessage).where(OutboxMessage.patient_id == ids["me"]))
        assert message.channel == "email" and message.recipient == row.email
        assert message.status == "pending" and message.subject == "Your patient portal at Main St"
        token = _token(s, ids["me"])
        # Only the link's hash is stored.
        assert token not in {r.token_hash for r in s.scalars(select(PortalInvitation))}
    with db.session() as s:
        user = portal_accounts.accept(s, token, PASSWORD, PASSWORD)
        assert user.patient_id == ids["me"] and user.role == "patient"
    with db.session() as s:
        assert users.authenticate(s, "ada.lovelace@example.org", PASSWORD).id == user.id
        assert portal_accounts.state(s, _desk(ids), ids["me"]).state == "active"
        with pytest.raises(NotFound, match="used already"):
            portal_accounts.accept(s, token, PASSWORD, PASSWORD)


def test_password_rules_on_the_invitation_page_name_the_field(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    with db.session() as s:
        portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        token = _token(s, ids["me"])
    with db.session() as s:
        with pytest.raises(Invalid) as short:
            portal_accounts.accept(s, token, "short", "short")
        assert short.value.field == "password"
        with pytest.raises(Invalid) as differ:
            portal_accounts.accept(s, token, PASSWORD, PASSWORD + "x")
        assert differ.value.field == "confirm_password"
    with db.session() as s:  # refusals used nothing up
        assert portal_accounts.accept(s, token, PASSWORD, PASSWORD).active


def test_a_new_invitation_replaces_the_old_link_and_links_expire(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    with db.session() as s:
        portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        first = _token(s, ids["me"])
        portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        second = _token(s, ids["me"])
        assert first != second
        assert s.scalar(select(User.id).where(User.patient_id == ids["me"])) is not None
        assert len(list(s.scalars(select(User).where(User.patient_id == ids["me"])))) == 1
    with db.session() as s:
        with pytest.raises(NotFound, match="replaced"):
            portal_accounts.accept(s, first, PASSWORD, PASSWORD)
        later = datetime.now(UTC) + timedelta(days=portal_accounts.INVITATION_DAYS, hours=1)
        with pytest.raises(NotFound, match="expired"):
            portal_accounts.accept(s, second, PASSWORD, PASSWORD, now=later)
        assert portal_accounts.state(s, _desk(ids), ids["me"], now=later).state == "expired"


def test_revoking_closes_the_account_and_a_new_invitation_reopens_it(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    with db.session() as s:
        portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        portal_accounts.accept(s, _token(s, ids["me"]), PASSWORD, PASSWORD)
    with db.session() as s:
        portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        pending = _token(s, ids["me"])
        user = portal_accounts.revoke(s, _desk(ids), ids["me"])
        assert user is not None and not user.active
    with db.session() as s:
        assert portal_accounts.state(s, _desk(ids), ids["me"]).state == "revoked"
        with pytest.raises(NotFound, match="withdrawn"):
            portal_accounts.accept(s, pending, PASSWORD, PASSWORD)
        with pytest.raises(Exception, match="wrong e-mail or password"):
            users.authenticate(s, "ada.lovelace@example.org", PASSWORD)
    with db.session() as s:
        portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        assert portal_accounts.accept(s, _token(s, ids["me"]), PASSWORD, PASSWORD).active


def test_who_may_invite_and_what_an_invitation_needs(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    with db.session() as s:
        for role in ("practitioner", "billing"):
            with pytest.raises(Forbidden):
                portal_accounts.invite(s, Actor(user_id=None, role=role), ids["me"], LINK)
        with pytest.raises(Forbidden):
            portal_accounts.invite(s, Actor(user_id=None, role="patient",
                                            patient_id=ids["me"]), ids["me"], LINK)
        with pytest.raises(Invalid) as bad:
            portal_accounts.invite(s, _desk(ids), ids["me"], LINK, email="not an address")
        assert bad.value.field == "email"
        with pytest.raises(Conflict) as taken:  # staff's address: never shared
            portal_accounts.invite(s, _desk(ids), ids["me"], LINK, email="desk@clinic.test")
        assert taken.value.field == "email"
        with pytest.raises(NotFound):
            portal_accounts.invite(s, _desk(ids), 999999, LINK)
    with db.session() as s:  # nothing half-written by the refusals above
        assert s.scalar(select(User.id).where(User.patient_id == ids["me"])) is None


# -- visits --------------------------------------------------------------------------------


def test_visits_in_the_locations_clock_with_names(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    monday_10_toronto = at(MONDAY, 15)  # 10:00 EST
    _book(db, ids, monday_10_toronto)
    _book(db, ids, at(MONDAY, 16), key="other")
    me = _patient_actor(db, ids)
    with db.session() as s:
        upcoming, past = portal.visits(s, me, now=NOW)
    assert past == [] and len(upcoming) == 1
    visit = upcoming[0]
    assert (visit.start.hour, visit.start.minute, visit.end.minute) == (10, 0, 45)
    assert visit.service == "Rehab follow-up" and visit.location == "Main St"
    assert visit.practitioner == "Pat Rehab" and visit.changeable and not visit.late
    with db.session() as s:
        upcoming, past = portal.visits(s, me, now=at(MONDAY, 20))
    assert upcoming == [] and [v.id for v in past] == [visit.id]


def test_cancelling_early_is_free_and_late_costs_the_fee_stated(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    me = _patient_actor(db, ids)
    early = _book(db, ids, at(MONDAY, 15))
    late = _book(db, ids, at(MONDAY, 17))
    with db.session() as s:
        done = portal.cancel(s, me, early, "", now=NOW)
        assert done.status == "cancelled"
    the_day_before = at(MONDAY, 17) - timedelta(hours=10)
    with db.session() as s:
        found = portal.visit(s, me, late, now=the_day_before)
        assert found.late and found.fee == Decimal("40.00") and found.changeable
        done = portal.cancel(s, me, late, "flu", now=the_day_before)
        assert done.status == "late-cancelled"
    with db.session() as s:
        fees = list(s.scalars(select(Invoice).where(Invoice.patient_id == ids["me"])))
        assert [(i.appointment_id, i.total) for i in fees] == [(late, Decimal("40.00"))]


def test_inside_the_portal_window_the_patient_calls_the_clinic(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    me = _patient_actor(db, ids)
    with db.session() as s:
        online_booking.set_policy(s, Actor.system("tests"),
                                  online_booking.OnlineBookingPolicyIn(portal_change_hours=6))
    soon = _book(db, ids, at(MONDAY, 15))
    five_hours_before = at(MONDAY, 10)
    with db.session() as s:
        assert not portal.visit(s, me, soon, now=five_hours_before).changeable
        with pytest.raises(Invalid, match="up to 6 hours before"):
            portal.cancel(s, me, soon, now=five_hours_before)
        with pytest.raises(Invalid, match="up to 6 hours before"):
            portal.reschedule(s, me, soon, at(MONDAY + timedelta(days=1), 15),
                              now=five_hours_before)
    with db.session() as s:
        assert portal.visit(s, me, soon, now=NOW).status == "booked"


def test_moving_goes_only_to_a_time_the_online_rules_offer(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    me = _patient_actor(db, ids)
    mine = _book(db, ids, at(MONDAY, 15))
    _book(db, ids, at(MONDAY, 17), key="other")  # 12:00 Toronto is taken
    with db.session() as s:
        offered = portal.offers(s, me, mine, start=at(MONDAY, 14), now=NOW)
        starts = {o.start for o in offered}
        assert at(MONDAY, 17) not in starts and at(MONDAY, 15) not in starts
        assert at(MONDAY, 18) in starts  # 13:00 Toronto
        assert all(o.practitioner_id == ids["practitioner"] for o in offered)
    with db.session() as s:
        with pytest.raises(Invalid) as taken:
            portal.reschedule(s, me, mine, at(MONDAY, 17), now=NOW)
        assert taken.value.field == "start"
        with pytest.raises(Invalid, match="at least 120 minutes"):
            portal.reschedule(s, me, mine, NOW + timedelta(minutes=30), now=NOW)
    with db.session() as s:
        moved = portal.reschedule(s, me, mine, at(MONDAY, 18), now=NOW)
        assert moved.start_at == at(MONDAY, 18) and moved.end_at == at(MONDAY, 18, 45)
        assert moved.room_id is None


def test_another_patients_records_are_not_found(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    me = _patient_actor(db, ids)
    theirs = _book(db, ids, at(MONDAY, 16), key="other")
    with db.session() as s:
        for call in (lambda: portal.visit(s, me, theirs, now=NOW),
                     lambda: portal.cancel(s, me, theirs, now=NOW),
                     lambda: portal.offers(s, me, theirs, now=NOW),
                     lambda: portal.reschedule(s, me, theirs, at(MONDAY, 18), now=NOW),
                     lambda: portal.invoice(s, me, 1),
                     lambda: portal.receipt(s, me, 1),
                     lambda: portal.handout_page(s, me, 1, "x.y", lambda *a: None)):
            with pytest.raises(NotFound):
                call()
    with db.session() as s:
        assert portal.visit(s, _patient_actor(db, ids, "other"), theirs,
                            now=NOW).status == "booked"


def test_messages_received_are_the_patients_sent_ones(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    ids = clinic_day
    me = _patient_actor(db, ids)
    with db.session() as s:
        portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        portal_accounts.invite(s, _desk(ids), ids["other"], LINK)
        assert portal.messages(s, me) == []  # queued, not sent yet
        for row in s.scalars(select(OutboxMessage)):
            row.status, row.sent_at = "sent", NOW
    with db.session() as s:
        received = portal.messages(s, me)
    assert [(m.label, m.channel) for m in received] == [("Portal invitation", "email")]
    assert received[0].subject and "Main St" in received[0].subject


def test_an_erasure_request_removes_the_invitations(db, clinic_day) -> None:  # type: ignore[no-untyped-def]
    from vesalius.services import retention

    ids = clinic_day
    owner = Actor(user_id=None, role="owner")
    with db.session() as s:
        portal_accounts.invite(s, _desk(ids), ids["me"], LINK)
        token = _token(s, ids["me"])
        made = retention.request_erasure(s, owner, ids["me"], retention.ErasureIn())
        done = retention.process(s, owner, made.id)
        assert {"item": "portal invitations", "count": 1} in done.outcome["removed"]
    with db.session() as s:
        assert s.scalar(select(PortalInvitation.id)) is None
        with pytest.raises(NotFound):
            portal_accounts.accept(s, token, PASSWORD, PASSWORD)
