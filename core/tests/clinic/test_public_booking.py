"""Online booking from the public page (issue 15, part 1): the slots API (no sign-in, no
patient data, rate-limited across processes, its input checked), a new visitor's booking
held until the link e-mailed to them is followed (read from the outbox), the duplicate
check whose answers are identical, a returning patient's booking through the portal
sign-in, and the calendar's "online" mark. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time as clock
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from clinic_factories import patient, practitioner
from sqlalchemy import func, select
from vesalius.app import create_app
from vesalius.models import Appointment, OnlineBookingRequest, OutboxMessage, Patient, User
from vesalius.services import Actor, clinic, online_booking, practitioners, scheduling, users

ZONE = ZoneInfo("America/Toronto")
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
PASSWORD = "correct horse battery staple"
SYSTEM = Actor.system("tests")


def next_monday(at: time) -> datetime:
    """A Monday at least two days away, at ``at`` Toronto time."""
    day = datetime.now(ZONE).date() + timedelta(days=2)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, at, ZONE)


class Browser:
    """A test client that sends the page's CSRF token with its forms, as a browser does."""

    def __init__(self, app, address: str = "198.51.100.7") -> None:  # type: ignore[no-untyped-def]
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": address}
        self.token = ""

    def get(self, url: str, **kw):  # type: ignore[no-untyped-def]
        response = self.client.get(url, environ_base=self.environ, **kw)
        if match := TOKEN.search(response.get_data(as_text=True)):
            self.token = match.group(1)
        return response

    def post(self, url: str, data: dict | None = None, **kw):  # type: ignore[no-untyped-def]
        if not self.token:
            self.get("/book/")
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})},
                                environ_base=self.environ, **kw)


@pytest.fixture
def world(db_url, monkeypatch):  # type: ignore[no-untyped-def]
    """A Toronto clinic: a practitioner working Mon-Fri 9-17 (lunch 12-13), an online
    45-minute service and one booked by phone only, Ada (a patient with a portal
    account), and an owner."""
    monkeypatch.delenv("VESALIUS_PUBLIC_RATE", raising=False)
    app = create_app(db_url, config={"TESTING": True})
    db = app.extensions["vesalius.db"]
    ids: dict[str, int] = {}
    with db.session() as s:
        loc = practitioners.create_location(s, SYSTEM, practitioners.LocationIn(
            name="Queen St Clinic", timezone="America/Toronto", rooms=["Room 1"]))
        prac = practitioner(s, SYSTEM, location_id=loc.id)
        online = clinic.create_service(s, SYSTEM, clinic.ServiceIn(
            name="Rehab follow-up", discipline="rehab", duration_minutes=45, price="95.00"))
        offline = clinic.create_service(s, SYSTEM, clinic.ServiceIn(
            name="Rehab assessment", discipline="rehab", duration_minutes=60,
            price="140.00", online_bookable=False))
        ada = patient(s, SYSTEM)
        for email, role, extra in (("owner@clinic.test", "owner", {}),
                                   (ada.email, "patient", {"patient_id": ada.id})):
            users.create_user(s, SYSTEM, users.UserIn(email=email, role=role, name=role,
                                                      password=PASSWORD, **extra))
        ids.update(location=loc.id, practitioner=prac.id, online=online.id,
                   offline=offline.id, ada=ada.id)
    yield app, db, ids
    db.dispose()


def count(db, model=Appointment, *where) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def slots_of(app, ids, start: datetime, end: datetime, **extra):  # type: ignore[no-untyped-def]
    query = {"service_id": ids["online"], "from": start.isoformat(), "to": end.isoformat(),
             **extra}
    return app.test_client().get("/api/v1/public/slots", query_string=query)


# -- the slots API ----------------------------------------------------------------------


def test_slots_need_no_sign_in_and_carry_no_patient_data(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    monday = next_monday(time(0))
    with db.session() as s:
        scheduling.book(s, SYSTEM, scheduling.BookingIn(
            patient_id=ids["ada"], practitioner_id=ids["practitioner"],
            service_id=ids["online"], start=monday.replace(hour=10),
            booking_note="Ada's note"))
    response = slots_of(app, ids, monday, monday + timedelta(days=1))
    assert response.status_code == 200, response.get_json()
    found = response.get_json()
    assert found and all(set(s) == {"start", "end", "practitioner_id", "practitioner_name",
                                    "location_id", "location_name"} for s in found)
    text = response.get_data(as_text=True)
    assert "Ada" not in text and "Lovelace" not in text and "busy" not in text
    starts = [datetime.fromisoformat(s["start"]).astimezone(ZONE) for s in found]
    assert starts[0].time() == time(9) and all(
        datetime.fromisoformat(s["end"]).astimezone(ZONE).time() <= time(17) for s in found)
    booked = (monday.replace(hour=10), monday.replace(hour=10, minute=45))
    for start in starts:  # not over Ada's visit, not in the lunch break
        end = start + timedelta(minutes=45)
        assert not (start < booked[1] and end > booked[0]), start
        assert not (start.time() < time(13) and end.time() > time(12)), start
    assert found[0]["location_name"] == "Queen St Clinic"


def test_the_default_window_and_the_lead_time_and_horizon(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    with db.session() as s:
        online_booking.set_policy(s, SYSTEM, online_booking.OnlineBookingPolicyIn(
            lead_minutes=3 * 24 * 60, horizon_days=9))
    now = datetime.now(ZONE)
    found = app.test_client().get(f"/api/v1/public/slots?service_id={ids['online']}"
                                  ).get_json()
    assert found
    starts = [datetime.fromisoformat(s["start"]) for s in found]
    assert min(starts) >= now + timedelta(days=3)
    assert max(starts) <= now + timedelta(days=9)
    # Asking for a window wholly inside the lead time: nothing, not an error.
    response = slots_of(app, ids, now, now + timedelta(days=1))
    assert response.status_code == 200 and response.get_json() == []


@pytest.mark.parametrize(("query", "status", "field"), [
    ({"service_id": "offline"}, 404, "service_id"),
    ({"service_id": 99999}, 404, "service_id"),
    ({}, 422, "service_id"),
    ({"service_id": "online", "from": "next tuesday"}, 422, "from"),
    ({"service_id": "online", "from": "2030-03-05T10:00:00", "to": "2030-03-06T10:00:00Z"},
     422, "from"),
    ({"service_id": "online", "from": "2030-03-05T10:00:00Z", "to": "2030-03-04T10:00:00Z"},
     422, "to"),
    ({"service_id": "online", "from": "2030-03-05T10:00:00Z", "to": "2030-05-05T10:00:00Z"},
     422, "to"),
    ({"service_id": "online", "colour": "blue"}, 422, "colour"),
])
def test_bad_queries_name_the_field(world, query, status, field) -> None:  # type: ignore[no-untyped-def]
    app, _db, ids = world
    if query.get("service_id") in ("online", "offline"):
        query = query | {"service_id": ids[query["service_id"]]}
    response = app.test_client().get("/api/v1/public/slots", query_string=query)
    body = response.get_json()
    assert response.status_code == status and body["field"] == field, body


def test_the_rate_limit_holds_across_processes(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app, _db, ids = world
    monkeypatch.setenv("VESALIUS_PUBLIC_RATE", "3")
    other_process = create_app(app.extensions["vesalius.db"].url, upgrade=False,
                               config={"TESTING": True})
    url = f"/api/v1/public/slots?service_id={ids['online']}"
    here = {"REMOTE_ADDR": "203.0.113.9"}
    answers = [app.test_client().get(url, environ_base=here).status_code for _ in range(2)]
    answers.append(other_process.test_client().get("/api/v1/public/services",
                                                   environ_base=here).status_code)
    assert answers == [200, 200, 200]
    for client in (app.test_client(), other_process.test_client()):
        refused = client.get(url, environ_base=here)
        assert refused.status_code == 429, refused.get_json()
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "try again" in refused.get_json()["error"]
    elsewhere = app.test_client().get(url, environ_base={"REMOTE_ADDR": "203.0.113.10"})
    assert elsewhere.status_code == 200
    other_process.extensions["vesalius.db"].dispose()


def test_the_services_list_and_the_openapi_document(world) -> None:  # type: ignore[no-untyped-def]
    app, _db, ids = world
    listed = app.test_client().get("/api/v1/public/services").get_json()
    assert [s["id"] for s in listed] == [ids["online"]]
    assert listed[0]["price"] == "95.00" and listed[0]["duration_minutes"] == 45
    assert [p["id"] for p in listed[0]["practitioners"]] == [ids["practitioner"]]
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    slots = doc["paths"]["/api/v1/public/slots"]["get"]
    assert "security" not in slots and {"404", "422", "429"} <= set(slots["responses"])
    assert {p["name"] for p in slots["parameters"]} == {"service_id", "from", "to",
                                                        "practitioner_id"}


# -- a new visitor ----------------------------------------------------------------------


def _choose(browser: Browser, ids: dict[str, int], at: time = time(10)) -> tuple[str, datetime]:
    """Walk the page to a time: services, the day, the time; the confirm page's URL."""
    start = next_monday(at)
    services = browser.get("/book/")
    assert services.status_code == 200 and "Rehab follow-up" in services.get_data(as_text=True)
    assert "Rehab assessment" not in services.get_data(as_text=True)
    page = browser.get(f"/book/{ids['online']}?day={start.date().isoformat()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    links = re.findall(r'href="(/book/\d+/confirm\?[^"]+)"', html)
    link = next(h for h in (h.replace("&amp;", "&") for h in links)
                if datetime.fromisoformat(parse_qs(urlsplit(h).query)["start"][0]) == start)
    return link, start


def _details(start: datetime, **person: str) -> dict[str, str]:
    return {"given_name": "Grace", "family_name": "Hopper", "birth_date": "1986-12-09",
            "email": "grace@example.org", "phone": "+1 416 555 0199",
            **person}


def _request(browser: Browser, ids: dict[str, int], at: time = time(10),
             **person: str):  # type: ignore[no-untyped-def]
    link, start = _choose(browser, ids, at)
    confirm = browser.get(link)
    assert confirm.status_code == 200, confirm.get_data(as_text=True)[:500]
    html = confirm.get_data(as_text=True)
    practitioner_id = re.search(r'name="practitioner" value="(\d+)"', html).group(1)
    start_value = re.search(r'name="start" value="([^"]+)"', html).group(1)
    return browser.post(f"/book/{ids['online']}/new", {
        "practitioner": practitioner_id, "start": start_value, **_details(start, **person)})


def _link(db, email: str) -> str:  # type: ignore[no-untyped-def]
    with db.session() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email,
                                                   OutboxMessage.kind == "email-verification")
                       .order_by(OutboxMessage.id.desc()))
    assert row is not None and row.channel == "email"
    url = re.search(r"https?://\S+", row.body_text).group(0)
    return urlsplit(url).path


def test_a_new_patient_books_once_the_email_is_verified(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    visitor = Browser(app)
    sent = _request(visitor, ids)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/book/sent")
    assert count(db) == 0  # nothing booked, nothing held
    assert count(db, Patient) == 1
    link = _link(db, "grace@example.org")
    opened = visitor.get(link)  # a mail scanner opening the link books nothing
    assert opened.status_code == 200 and "Book this time" in opened.get_data(as_text=True)
    assert count(db) == 0
    booked = visitor.post(link)
    assert booked.status_code == 200, booked.get_data(as_text=True)[:800]
    assert "You are booked" in booked.get_data(as_text=True)
    again = visitor.post(link)  # following it twice books once
    assert again.status_code == 200 and count(db) == 1
    with db.session() as s:
        grace = s.scalar(select(Patient).where(Patient.email_key == "grace@example.org"))
        appointment = s.scalar(select(Appointment))
        assert grace is not None and grace.birth_date == date(1986, 12, 9)
        assert grace.admin_note is None
        assert (appointment.patient_id, appointment.booked_via, appointment.status) == (
            grace.id, "online", "booked")
        assert appointment.start_at == next_monday(time(10))
    # A portal password, once: long enough, typed twice the same.
    short = visitor.post(link + "/account", {"password": "short", "password_again": "short"})
    assert short.status_code == 422 and 'id="password-error"' in short.get_data(as_text=True)
    differ = visitor.post(link + "/account", {"password": "a long enough secret 1",
                                              "password_again": "a long enough secret 2"})
    assert differ.status_code == 422 and "differ" in differ.get_data(as_text=True)
    assert count(db, User, User.email == "grace@example.org") == 0
    made = visitor.post(link + "/account", {"password": "a long enough secret 1",
                                            "password_again": "a long enough secret 1"})
    assert made.status_code == 200 and "portal account is ready" in made.get_data(as_text=True)
    with db.session() as s:
        user = s.scalar(select(User).where(User.email == "grace@example.org"))
        assert user is not None and user.role == "patient" and user.patient_id == grace.id
    twice = visitor.post(link + "/account", {"password": "another long secret 2",
                                             "password_again": "another long secret 2"})
    assert twice.status_code == 422 and "already" in twice.get_data(as_text=True)


def test_the_duplicate_check_answers_the_same_whoever_asks(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    answers = []
    # Ada's own e-mail and birth date; a namesake of Ada with another e-mail; a stranger.
    for n, person in enumerate((
            {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1985-12-10",
             "email": "ada.lovelace@example.org"},
            {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1985-12-10",
             "email": "countess@example.org"},
            {"email": "nobody@example.org"})):
        response = _request(Browser(app, f"192.0.2.{n + 1}"), ids, time(9 + n), **person)
        page = Browser(app).get(response.headers["Location"])
        answers.append((response.status_code, urlsplit(response.headers["Location"]).path,
                        page.status_code, re.sub(TOKEN, "", page.get_data(as_text=True))))
    assert answers[0] == answers[1] == answers[2]
    assert count(db, Patient) == 1 and count(db) == 0
    # Verified: Ada's e-mail and birth date are Ada (no new patient) ...
    Browser(app).post(_link(db, "ada.lovelace@example.org"))
    assert count(db, Patient) == 1
    with db.session() as s:
        assert s.scalar(select(Appointment.patient_id)) == ids["ada"]
    # ... the namesake with another e-mail is a new patient flagged for the front desk.
    Browser(app).post(_link(db, "countess@example.org"))
    with db.session() as s:
        namesake = s.scalar(select(Patient).where(Patient.email_key == "countess@example.org"))
        assert namesake is not None and namesake.id != ids["ada"]
        assert f"#{ids['ada']}" in namesake.admin_note and "duplicate" in namesake.admin_note
    assert count(db, Patient) == 2 and count(db) == 2


def test_a_time_taken_before_the_link_is_followed(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    visitor = Browser(app)
    _request(visitor, ids)
    with db.session() as s:  # the front desk books the time meanwhile
        scheduling.book(s, SYSTEM, scheduling.BookingIn(
            patient_id=ids["ada"], practitioner_id=ids["practitioner"],
            service_id=ids["online"], start=next_monday(time(10))))
    link = _link(db, "grace@example.org")
    taken = visitor.post(link)
    html = taken.get_data(as_text=True)
    assert taken.status_code == 409 and "no longer free" in html
    assert count(db) == 1
    other = re.search(r'name="start" value="([^"]+)"', html).group(1)
    practitioner_id = re.search(r'name="practitioner" value="(\d+)"', html).group(1)
    rebooked = visitor.post(link + "/rebook", {"start": other, "practitioner": practitioner_id})
    assert rebooked.status_code == 200 and "You are booked" in rebooked.get_data(as_text=True)
    with db.session() as s:
        row = s.scalar(select(OnlineBookingRequest))
        assert row.status == "booked"
        assert s.get(Appointment, row.appointment_id).start_at == datetime.fromisoformat(other)


def test_a_forged_or_expired_link(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    visitor = Browser(app)
    _request(visitor, ids)
    link = _link(db, "grace@example.org")
    forged = visitor.get(link[:-3] + ("abc" if not link.endswith("abc") else "xyz"))
    assert forged.status_code == 404 and "does not work" in forged.get_data(as_text=True)
    from vesalius.services import public_booking

    monkeypatch.setattr(public_booking, "VERIFY_HOURS", 0)
    clock.sleep(1.1)
    expired = visitor.post(link)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert count(db) == 0


def test_new_visitors_details_are_checked(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    response = _request(Browser(app), ids, email="not an address", birth_date="2999-01-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and 'id="birth_date-error"' in html
    assert count(db, OnlineBookingRequest) == 0 and count(db, OutboxMessage) == 0


# -- a returning patient, and the calendar --------------------------------------------------


def test_a_returning_patient_signs_in_and_books(world) -> None:  # type: ignore[no-untyped-def]
    app, db, ids = world
    ada = Browser(app)
    link, start = _choose(ada, ids)
    confirm = ada.get(link).get_data(as_text=True)
    mine = ada.get(re.search(r'href="(/book/\d+/mine\?[^"]+)"', confirm).group(1)
                   .replace("&amp;", "&"))
    assert mine.status_code == 302 and "/login" in mine.headers["Location"]
    target = urlsplit(mine.headers["Location"]).query.split("next=")[1]
    from urllib.parse import unquote

    ada.get("/login")
    signed = ada.post("/login", {"email": "ada.lovelace@example.org", "password": PASSWORD,
                                 "next": unquote(target)})
    assert signed.status_code == 302 and "/book/" in signed.headers["Location"]
    page = ada.get(signed.headers["Location"])
    assert page.status_code == 200 and "Book this time" in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    done = ada.post(urlsplit(signed.headers["Location"]).path, {
        "practitioner": re.search(r'name="practitioner" value="(\d+)"', html).group(1),
        "start": re.search(r'name="start" value="([^"]+)"', html).group(1)})
    assert done.status_code == 200 and "You are booked" in done.get_data(as_text=True)
    with db.session() as s:
        appointment = s.scalar(select(Appointment))
        assert (appointment.patient_id, appointment.booked_via, appointment.start_at) == (
            ids["ada"], "online", start)
    # The practitioner's calendar says "online" on the block, and the appointment page too.
    owner = Browser(app)
    owner.get("/login")
    owner.post("/login", {"email": "owner@clinic.test", "password": PASSWORD})
    day = owner.get(f"/calendar/?date={start.date().isoformat()}&location={ids['location']}")
    block = re.search(r'<a class="appt [^"]*"[^>]*>.*?</a>', day.get_data(as_text=True), re.S)
    assert block is not None and "online" in block.group(0)
    appt_page = owner.get(f"/calendar/appointments/{appointment.id}")
    assert "online, by the patient" in appt_page.get_data(as_text=True)
