"""A patient books online only through the online-booking rules (issue 13, finding 2):
an online service at its own duration, a free slot availability offers inside the
practitioner's hours, at least the lead time and at most the horizon ahead, under the cap
of future bookings, no status or room choice, no series. The clinic's policy is edited by
the owner. Staff booking is unchanged. Through the JSON API, on both engines."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from clinic_factories import patient, practitioner
from sqlalchemy import func, select
from vesalius.app import create_app
from vesalius.models import Appointment, AuditEvent
from vesalius.services import Actor, clinic, practitioners, users

ZONE = ZoneInfo("America/Toronto")


def next_monday(at: time, weeks: int = 0) -> datetime:
    """A Monday at least two days away, at ``at`` Toronto time (an aware datetime)."""
    day = datetime.now(ZONE).date() + timedelta(days=2)
    day += timedelta(days=(7 - day.weekday()) % 7 + 7 * weeks)
    return datetime.combine(day, at, ZONE)


@pytest.fixture
def api(db_url):  # type: ignore[no-untyped-def]
    """A Toronto clinic: a practitioner working Mon-Fri 9-17 (lunch 12-13), an online
    45-minute service and one that is not booked online, a patient with a token, staff."""
    app = create_app(db_url)
    app.config["TESTING"] = True
    db = app.extensions["vesalius.db"]
    system = Actor.system("tests")
    client = app.test_client()
    tokens: dict[str, str] = {}
    ids: dict[str, int] = {}
    with db.session() as s:
        loc = practitioners.create_location(s, system, practitioners.LocationIn(
            name="Queen St", timezone="America/Toronto", rooms=["Room 1"]))
        prac = practitioner(s, system, location_id=loc.id)
        online = clinic.create_service(s, system, clinic.ServiceIn(
            name="Rehab follow-up", discipline="rehab", duration_minutes=45, price="95.00"))
        offline = clinic.create_service(s, system, clinic.ServiceIn(
            name="Rehab assessment", discipline="rehab", duration_minutes=60,
            price="140.00", online_bookable=False))
        me = patient(s, system)
        ids.update(location=loc.id, room=loc.rooms[0].id, practitioner=prac.id,
                   online=online.id, offline=offline.id, patient=me.id)
        for email, role, extra in (("owner@clinic.test", "owner", {}),
                                   ("desk@clinic.test", "front-desk", {}),
                                   ("ada@example.org", "patient", {"patient_id": me.id})):
            user = users.create_user(s, system, users.UserIn(email=email, role=role,
                                                             name=role, **extra))
            tokens[role] = users.issue_token(s, system, user)

    def call(method: str, path: str, role: str = "patient", **kw):  # type: ignore[no-untyped-def]
        response = client.open("/api/v1" + path, method=method, **kw, headers={
            "Authorization": f"Bearer {tokens[role]}"})
        return response.status_code, response.get_json()

    def book(start: datetime | str, role: str = "patient", **extra: object):  # type: ignore[no-untyped-def]
        body = {"patient_id": ids["patient"], "practitioner_id": ids["practitioner"],
                "service_id": ids["online"],
                "start": start if isinstance(start, str) else start.isoformat()}
        body.update(extra)
        return call("POST", "/appointments", role, json=body)

    def count() -> int:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(Appointment)) or 0

    yield call, book, count, ids
    db.dispose()


def _refused(result, field: str, status: int = 422) -> dict:  # type: ignore[no-untyped-def]
    code, body = result
    assert code == status and body["field"] == field, body
    return body


def test_a_patient_books_a_free_online_slot(api):  # type: ignore[no-untyped-def]
    _call, book, count, ids = api
    start = next_monday(time(10))
    status, body = book(start)
    assert status == 201, body
    assert datetime.fromisoformat(body["start"]) == start
    assert datetime.fromisoformat(body["end"]) == start + timedelta(minutes=45)
    assert (body["status"], body["room_id"], body["location_id"]) == (
        "booked", None, ids["location"])
    # An explicit "booked" and the service's own end are fine too.
    status, body = book(start + timedelta(hours=1), status="booked",
                        end=(start + timedelta(hours=1, minutes=45)).isoformat())
    assert status == 201, body
    assert count() == 2


def test_in_the_past_is_refused(api):  # type: ignore[no-untyped-def]
    _call, book, count, _ids = api
    body = _refused(book("1999-03-01T10:00:00-05:00"), "start")
    assert "past" in body["error"]
    assert count() == 0


def test_outside_the_practitioners_hours_is_refused(api):  # type: ignore[no-untyped-def]
    _call, book, count, _ids = api
    body = _refused(book(next_monday(time(22))), "start")  # 22:00 local
    assert "GET /availability" in body["error"]
    _refused(book(next_monday(time(12, 15))), "start")  # the lunch break
    _refused(book(next_monday(time(10, 7))), "start")  # off the availability grid
    saturday = next_monday(time(10)) + timedelta(days=5)
    _refused(book(saturday), "start")
    assert count() == 0


def test_a_24_hour_block_is_refused(api):  # type: ignore[no-untyped-def]
    _call, book, count, _ids = api
    start = next_monday(time(9))
    body = _refused(book(start, end=(start + timedelta(hours=24)).isoformat()), "end")
    assert "45 minutes" in body["error"]
    assert count() == 0


def test_a_daily_series_is_refused(api):  # type: ignore[no-untyped-def]
    call, _book, count, ids = api
    status, body = call("POST", "/appointment-series", json={
        "patient_id": ids["patient"], "practitioner_id": ids["practitioner"],
        "service_id": ids["online"], "start": next_monday(time(9)).isoformat(),
        "recurrence": {"frequency": "daily", "count": 20}})
    assert status == 403 and "appointments.series" in body["error"], body
    assert count() == 0


@pytest.mark.parametrize("start", ["9999-12-31T10:00:00+00:00", "9999-12-31T23:00:00-05:00",
                                   "2200-12-31T23:59:00+00:00", "0001-01-01T00:00:00+00:00"])
def test_extreme_dates_are_a_422(api, start):  # type: ignore[no-untyped-def]
    _call, book, count, _ids = api
    _refused(book(start), "start")
    assert count() == 0


def test_lead_time_and_horizon(api):  # type: ignore[no-untyped-def]
    _call, book, _count, _ids = api
    soon = datetime.now(ZONE) + timedelta(hours=1)
    body = _refused(book(soon.replace(microsecond=0)), "start")
    assert "at least 2 hours" in body["error"]
    body = _refused(book(next_monday(time(10), weeks=14)), "start")  # > 90 days
    assert "90 days" in body["error"]


def test_only_online_services_at_their_duration(api):  # type: ignore[no-untyped-def]
    call, book, count, ids = api
    start = next_monday(time(10))
    _refused(book(start, service_id=ids["offline"]), "service_id")
    _refused(call("POST", "/appointments", json={
        "patient_id": ids["patient"], "practitioner_id": ids["practitioner"],
        "start": start.isoformat(), "end": (start + timedelta(minutes=30)).isoformat()}),
        "service_id")
    _refused(book(start, end=(start + timedelta(minutes=90)).isoformat()), "end")
    assert count() == 0
    # A patient lists the services they can book online, and nothing else.
    status, services = call("GET", "/services")
    assert status == 200 and [s["id"] for s in services] == [ids["online"]]
    status, services = call("GET", "/services", "front-desk")
    assert status == 200 and len(services) == 2


def test_no_status_or_room_choice(api):  # type: ignore[no-untyped-def]
    _call, book, count, ids = api
    start = next_monday(time(10))
    _refused(book(start, status="confirmed"), "status")
    _refused(book(start, room_id=ids["room"]), "room_id")
    assert count() == 0


def test_a_taken_slot_is_not_offered(api):  # type: ignore[no-untyped-def]
    _call, book, count, _ids = api
    start = next_monday(time(10))
    assert book(start, "front-desk")[0] == 201
    _refused(book(start + timedelta(minutes=15)), "start")
    assert count() == 1


def test_the_cap_on_future_bookings(api):  # type: ignore[no-untyped-def]
    call, book, count, _ids = api
    status, body = call("PATCH", "/settings/online-booking", "owner", json={"max_future": 2})
    assert status == 200 and body["max_future"] == 2, body
    start = next_monday(time(9))
    assert book(start)[0] == 201
    assert book(start + timedelta(days=1))[0] == 201
    body = _refused(book(start + timedelta(days=2)), "patient_id")
    assert "2 upcoming" in body["error"]
    assert count() == 2
    # Staff still book the patient beyond the cap.
    assert book(start + timedelta(days=2), "front-desk")[0] == 201


def test_no_waitlist_for_patients(api):  # type: ignore[no-untyped-def]
    call, _book, _count, ids = api
    status, _body = call("POST", "/waitlist", json={"patient_id": ids["patient"],
                                                   "practitioner_id": ids["practitioner"]})
    assert status == 403


def test_staff_booking_is_unchanged(api):  # type: ignore[no-untyped-def]
    _call, book, count, ids = api
    start = next_monday(time(22))
    status, body = book(start, "front-desk", end=(start + timedelta(hours=2)).isoformat(),
                        service_id=ids["offline"], room_id=ids["room"], status="confirmed")
    assert status == 201 and body["status"] == "confirmed", body
    assert count() == 1


def test_the_policy_is_the_owners(api):  # type: ignore[no-untyped-def]
    call, book, _count, _ids = api
    status, body = call("GET", "/settings/online-booking", "front-desk")
    assert status == 200 and (body["lead_minutes"], body["horizon_days"],
                              body["max_future"]) == (120, 90, 4)
    assert call("GET", "/settings/online-booking")[0] == 403
    assert call("PATCH", "/settings/online-booking", "front-desk",
                json={"lead_minutes": 0})[0] == 403
    _refused(call("PATCH", "/settings/online-booking", "owner",
                  json={"lead_minutes": -5}), "lead_minutes")
    _refused(call("PATCH", "/settings/online-booking", "owner",
                  json={"horizon_days": 10**12}), "horizon_days")
    status, body = call("PATCH", "/settings/online-booking", "owner",
                        json={"horizon_days": 7, "lead_minutes": 30})
    assert status == 200 and (body["lead_minutes"], body["horizon_days"]) == (30, 7)
    body = _refused(book(next_monday(time(10), weeks=2)), "start")
    assert "7 days" in body["error"]


def test_the_policy_change_is_audited(api, db_url):  # type: ignore[no-untyped-def]
    call, _book, _count, _ids = api
    assert call("PATCH", "/settings/online-booking", "owner", json={"max_future": 3})[0] == 200
    from vesalius.db import Database

    db = Database(db_url)
    with db.session() as s:
        details = s.scalars(select(AuditEvent.detail).where(
            AuditEvent.resource_type == "online-booking-policy")).all()
    db.dispose()
    assert details == ["fields: max_future"]


def test_racing_bookings_respect_the_cap(db, system):  # type: ignore[no-untyped-def]
    """Four bookings of one patient at once, with room for one more: exactly one is made
    (PostgreSQL counts them one after the other under a per-patient advisory lock; SQLite's
    write lock already queues them)."""
    import threading

    from vesalius.errors import Invalid
    from vesalius.services import online_booking, scheduling
    from vesalius.services.scheduling import BookingIn

    with db.session() as s:
        loc = practitioners.create_location(s, system, practitioners.LocationIn(
            name="Queen St", timezone="America/Toronto"))
        prac = practitioner(s, system, location_id=loc.id)
        service = clinic.create_service(s, system, clinic.ServiceIn(
            name="Rehab follow-up", discipline="rehab", duration_minutes=45, price="95.00"))
        me = patient(s, system)
        online_booking.set_policy(s, system, online_booking.OnlineBookingPolicyIn(max_future=1))
        me_id, prac_id, service_id = me.id, prac.id, service.id
    actor = Actor(user_id=None, role="patient", patient_id=me_id)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        start = next_monday(time(10)) + timedelta(days=i)  # Monday to Thursday: no overlap
        barrier.wait()
        try:
            with db.session() as s:
                scheduling.book(s, actor, BookingIn(patient_id=me_id, practitioner_id=prac_id,
                                                    service_id=service_id, start=start))
            result = "booked"
        except Invalid as exc:
            result = f"refused {exc.field}"
        except Exception as exc:  # anything else is a failure of the test
            result = f"error {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert sorted(outcomes) == ["booked"] + ["refused patient_id"] * 3, outcomes
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1
