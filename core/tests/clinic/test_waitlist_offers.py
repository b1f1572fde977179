"""Waitlist offers (issue 15, part 3): a cancellation offers the freed time to the waiting
patients it suits (in the clinic's local time) by message with a link; the first to accept
gets it, a second accept finds it taken, the others are told it is gone; an offer expires
at the earlier of its hours and the start minus the lead time; two accepts at once on
PostgreSQL book it once. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from clinic_factories import patient, practitioner
from sqlalchemy import func, select, update
from vesalius.app import create_app
from vesalius.models import Appointment, OutboxMessage, WaitlistEntry, WaitlistOffer
from vesalius.services import Actor, clinic, practitioners, scheduling, waitlist
from vesalius.services import waitlist_offers as offers

ZONE = ZoneInfo("America/Toronto")
SYSTEM = Actor.system("tests")
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def next_monday(at: time) -> datetime:
    day = datetime.now(ZONE).date() + timedelta(days=3)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, at, ZONE)


@pytest.fixture
def world(db_url, monkeypatch):  # type: ignore[no-untyped-def]
    """A Toronto clinic; Ada booked Monday 14:00; Bob and Cy wait for any afternoon time,
    Dee only for mornings (14:00 Toronto is an afternoon, 19:00 UTC an evening)."""
    monkeypatch.setenv("VESALIUS_PUBLIC_URL", "https://book.clinic.test")
    app = create_app(db_url, config={"TESTING": True})
    db = app.extensions["vesalius.db"]
    ids: dict[str, int] = {}
    with db.session() as s:
        loc = practitioners.create_location(s, SYSTEM, practitioners.LocationIn(
            name="Queen St", timezone="America/Toronto", rooms=["Room 1"]))
        prac = practitioner(s, SYSTEM, location_id=loc.id)
        service = clinic.create_service(s, SYSTEM, clinic.ServiceIn(
            name="Rehab follow-up", discipline="rehab", duration_minutes=45, price="95.00"))
        ada = patient(s, SYSTEM)
        visit = scheduling.book(s, SYSTEM, scheduling.BookingIn(
            patient_id=ada.id, practitioner_id=prac.id, service_id=service.id,
            start=next_monday(time(14))))
        for name, part in (("Bob", "afternoon"), ("Cy", "any"), ("Dee", "morning")):
            person = patient(s, SYSTEM, given=name, family="Waiting")
            entry = waitlist.add(s, SYSTEM, waitlist.WaitlistIn(
                patient_id=person.id, service_id=service.id, part_of_day=part))
            ids[name], ids[f"{name}-entry"] = person.id, entry.id
        ids.update(practitioner=prac.id, service=service.id, ada=ada.id, visit=visit.id)
    yield app, db, ids
    db.dispose()


def cancel(db, ids) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        scheduling.cancel(s, SYSTEM, ids["visit"], "the patient is away")


def messages(db, kind: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """E-mail address -> body of the ``kind`` messages queued."""
    with db.session() as s:
        return {m.recipient: m.body_text for m in s.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind,
                                        OutboxMessage.channel == "email"))}


def link_of(body: str) -> str:
    url = re.search(r"https://book\.clinic\.test(/book/offer/\S+)", body)
    assert url is not None, body
    return url.group(1)


def opened(app, path: str):  # type: ignore[no-untyped-def]
    """Open the link in a browser: the page, and the button that accepts."""
    client = app.test_client()
    page = client.get(path)
    match = TOKEN.search(page.get_data(as_text=True))
    return page, lambda: client.post(path, data={"csrf_token": match.group(1)})


def post(app, path: str):  # type: ignore[no-untyped-def]
    page, press = opened(app, path)
    return page, press()


def test_a_cancellation_offers_the_time_and_the_first_accept_gets_it(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    cancel(db, ids)
    offered = messages(db, "waitlist-offer")
    assert set(offered) == {"bob.waiting@example.org", "cy.waiting@example.org"}  # not Dee
    bob, cy = (link_of(offered[f"{n}.waiting@example.org"]) for n in ("bob", "cy"))
    assert "14:00" in offered["bob.waiting@example.org"]  # the clinic's wall clock
    cy_page, cy_accepts = opened(app, cy)  # Cy opens the link, Bob is quicker to accept
    page, accepted = post(app, bob)
    assert page.status_code == 200 and "Take this time" in page.get_data(as_text=True)
    assert cy_page.status_code == 200 and "Take this time" in cy_page.get_data(as_text=True)
    assert accepted.status_code == 200 and "You are booked" in accepted.get_data(as_text=True)
    late = cy_accepts()
    assert late.status_code == 409 and "taken" in late.get_data(as_text=True)
    with db.session() as s:
        booked = s.scalars(select(Appointment).where(Appointment.status == "booked")).all()
        assert [(a.patient_id, a.booked_via, a.start_at) for a in booked] == [
            (ids["Bob"], "online", next_monday(time(14)))]
        entries = {e.patient_id: e.status for e in s.scalars(select(WaitlistEntry))}
        assert entries == {ids["Bob"]: "booked", ids["Cy"]: "waiting", ids["Dee"]: "waiting"}
        assert {o.patient_id: o.status for o in s.scalars(select(WaitlistOffer))} == {
            ids["Bob"]: "accepted", ids["Cy"]: "gone"}
    assert set(messages(db, "waitlist-gone")) == {"cy.waiting@example.org"}
    # Bob opening his link again sees his booking; Cy's shows the time was taken.
    assert "You are booked" in app.test_client().get(bob).get_data(as_text=True)
    again = app.test_client().get(cy)
    assert again.status_code == 409 and "taken" in again.get_data(as_text=True)


def test_a_time_booked_by_the_desk_meanwhile_is_gone_for_everyone(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    cancel(db, ids)
    with db.session() as s:
        scheduling.book(s, SYSTEM, scheduling.BookingIn(
            patient_id=ids["Dee"], practitioner_id=ids["practitioner"],
            service_id=ids["service"], start=next_monday(time(14))))
    bob = link_of(messages(db, "waitlist-offer")["bob.waiting@example.org"])
    _page, refused = post(app, bob)
    assert refused.status_code == 409 and "taken" in refused.get_data(as_text=True)
    assert set(messages(db, "waitlist-gone")) == {"cy.waiting@example.org"}


def test_an_offer_expires(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    monkeypatch.setenv("VESALIUS_WAITLIST_OFFER_HOURS", "2")
    before = datetime.now(ZONE)
    cancel(db, ids)
    after = datetime.now(ZONE)
    with db.session() as s:
        offer = s.scalars(select(WaitlistOffer)).first()
        assert before <= offer.expires_at - timedelta(hours=2) <= after
        s.execute(update(WaitlistOffer).values(expires_at=datetime.now(ZONE)
                                               - timedelta(minutes=1)))
    bob = link_of(messages(db, "waitlist-offer")["bob.waiting@example.org"])
    page = app.test_client().get(bob)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)
                        .where(Appointment.status == "booked")) == 0


def test_the_offer_ends_at_the_lead_time_before_the_start(world) -> None:  # type: ignore[no-untyped-def]
    _app, db, ids = world
    with db.session() as s:  # Ada's visit moved to in three hours: the lead time is two
        soon = datetime.now(ZONE).replace(microsecond=0) + timedelta(hours=3)
        appointment = s.get(Appointment, ids["visit"])
        appointment.start_at, appointment.end_at = soon, soon + timedelta(minutes=45)
    cancel(db, ids)
    with db.session() as s:
        found = s.scalars(select(WaitlistOffer)).all()
        for offer in found:
            assert offer.expires_at == soon - timedelta(hours=2)


def test_a_wrong_secret_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    cancel(db, ids)
    bob = link_of(messages(db, "waitlist-offer")["bob.waiting@example.org"])
    head, _, _secret = bob.rpartition("/")
    assert app.test_client().get(f"{head}/guessed").status_code == 404
    offer_id = int(urlsplit(bob).path.split("/")[3])
    assert app.test_client().get(f"/book/offer/{offer_id + 100}/x").status_code == 404


def test_cancelling_twice_offers_once_per_entry(world) -> None:  # type: ignore[no-untyped-def]
    _app, db, ids = world
    cancel(db, ids)
    with db.session() as s:  # the same time freed again (rebooked by Ada, cancelled again)
        again = scheduling.book(s, SYSTEM, scheduling.BookingIn(
            patient_id=ids["ada"], practitioner_id=ids["practitioner"],
            service_id=ids["service"], start=next_monday(time(14))))
        scheduling.cancel(s, SYSTEM, again.id, "away again")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WaitlistOffer)) == 2


@pytest.mark.postgres
def test_two_accepts_at_once_book_the_time_once(world, db_url) -> None:  # type: ignore[no-untyped-def]
    _app, db, ids = world
    if not db_url.startswith("postgresql"):
        pytest.skip("the race is PostgreSQL's (SQLite's writers queue on one lock)")
    cancel(db, ids)
    found = messages(db, "waitlist-offer")
    links = [link_of(found[f"{n}.waiting@example.org"]) for n in ("bob", "cy")]
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def accept(link: str) -> None:
        _, _, offer_id, secret = link.strip("/").split("/")
        barrier.wait()
        with db.session() as s:
            answers.append(offers.accept(s, int(offer_id), secret).state)

    threads = [threading.Thread(target=accept, args=(link,)) for link in links]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == ["accepted", "gone"]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)
                        .where(Appointment.status == "booked")) == 1
        assert sorted(o.status for o in s.scalars(select(WaitlistOffer))) == [
            "accepted", "gone"]


def test_destroying_a_patient_takes_their_offers_and_requests(world) -> None:  # type: ignore[no-untyped-def]
    """Retention's destruction removes a patient's offers (and the booking they made) in
    foreign-key order."""
    from vesalius.services import retention

    app, db, ids = world
    cancel(db, ids)
    post(app, link_of(messages(db, "waitlist-offer")["bob.waiting@example.org"]))
    with db.session() as s:
        for _kind, _count, statement in retention._steps([ids["Bob"]]):
            s.execute(statement)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WaitlistOffer)
                        .where(WaitlistOffer.patient_id == ids["Bob"])) == 0
        assert s.scalar(select(func.count()).select_from(Appointment)
                        .where(Appointment.patient_id == ids["Bob"])) == 0
        assert s.scalar(select(func.count()).select_from(WaitlistOffer)) == 1  # Cy's
