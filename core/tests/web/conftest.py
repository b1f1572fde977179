"""Fixtures of the web tests: a small demo clinic seeded once per session and copied per
module, the core's app on it, a user per role, and a client that signs in the way a browser
does (CSRF token from the page)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from vesalius.db import Database
from vesalius.plugins import reset_registry
from vesalius.services import users
from vesalius.services.actor import Actor

PASSWORD = "correct horse battery staple"
ROLES = {
    "owner": "owner@clinic.test",
    "front-desk": "desk@clinic.test",
    "practitioner": "physio@clinic.test",
    "billing": "billing@clinic.test",
}
DEMO_PASSWORD = "vesalius-demo-2026"
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo clinic (a few days of a six-practitioner clinic), seeded once."""
    from vesalius.demo import seed_demo

    reset_registry()
    path = tmp_path_factory.mktemp("seed") / "clinic.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    seed_demo(database, patients_count=24, days_back=4, days_ahead=3, per_day=4,
              today=date.today())
    system = Actor.system("tests")
    with database.session() as session:
        for role, email in ROLES.items():
            users.create_user(session, system, users.UserIn(
                email=email, role=role, name=role.replace("-", " ").title(),
                password=PASSWORD, disciplines=["physio"] if role == "practitioner" else []))
    database.dispose()
    return path


@pytest.fixture(scope="module")
def db_url(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("web") / "clinic.sqlite3"
    shutil.copy(seeded, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def app(db_url: str) -> Iterator[Flask]:
    from vesalius.app import create_app

    reset_registry()
    # Pack settings are re-read only when this worker changes them: counts stay exact.
    flask_app = create_app(db_url, config={"TESTING": True,
                                           "VESALIUS_PACKS_RECHECK_SECONDS": 3600})
    _states.append(flask_app.extensions["vesalius.web"])
    yield flask_app
    flask_app.extensions["vesalius.db"].dispose()
    reset_registry()


@pytest.fixture(scope="module")
def db(app: Flask) -> Database:
    return app.extensions["vesalius.db"]  # type: ignore[no-any-return]


def csrf_of(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """A test client that keeps the page's CSRF token, as a browser form would send it."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def get(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        response = self.client.get(url, **kwargs)
        match = TOKEN.search(response.get_data(as_text=True))
        if match:
            self.token = match.group(1)
        return response

    def post(self, url: str, data: dict | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        if not self.token:
            self.get("/login")
        payload = {"csrf_token": self.token, **(data or {})}
        return self.client.post(url, data=payload, **kwargs)

    def post_json(self, url: str, payload: object):  # type: ignore[no-untyped-def]
        if not self.token:
            self.get("/login")
        return self.client.post(url, json=payload, headers={"X-CSRFToken": self.token,
                                                            "Accept": "application/json"})

    def login(self, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        self.get("/login")
        response = self.post("/login", {"email": email, "password": password})
        self.get("/account")
        return response


@pytest.fixture
def browser(app: Flask) -> Callable[[str | None], Browser]:
    def make(role: str | None = None) -> Browser:
        b = Browser(app.test_client())
        if role is not None:
            response = b.login(ROLES[role])
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return b

    return make


class QueryCounter:
    """Counts the SQL statements the app runs while active, on every engine it uses (the
    core's, and the page views' and session look-ups' own engines on SQLite)."""

    def __init__(self, db: Database) -> None:
        self.engines = {db.engine}
        for app_state in _states:
            if app_state.db is db:
                self.engines.add(app_state.page_sessions.kw["bind"]
                                 if app_state.page_sessions else db.engine)
        self.count = 0

    def _count(self, *_args: object) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: object) -> None:
        for engine in self.engines:
            event.remove(engine, "before_cursor_execute", self._count)


_states: list[object] = []


def book_physio_visits(app: Flask, patient: dict[str, str],
                       visits: list[tuple[int, str, str | None]]) -> tuple[int, list[int]]:
    """The front desk registers ``patient`` (the new-patient form's fields) and books the
    demo physiotherapist's physio follow-up service for each ``(days from today, time,
    case title)``: a title opens a new case, ``None`` books into the previous visit's case.
    Returns the patient's id and the appointments' ids in order."""
    from sqlalchemy import select
    from vesalius.models import Appointment, Practitioner, Service, User

    db: Database = app.extensions["vesalius.db"]
    with db.session() as s:
        practitioner_id = s.scalar(select(Practitioner.id).join(
            User, User.id == Practitioner.user_id).where(User.email == ROLES["practitioner"]))
        service_id = s.scalar(select(Service.id).where(
            Service.discipline == "physio", Service.name.like("%follow-up%")))
    desk = Browser(app.test_client())
    desk.login(ROLES["front-desk"])
    made = desk.post("/patients/new", {"preferred_contact": "sms", "confirmed": "yes",
                                       **patient})
    patient_id = int(re.search(r"/patients/(\d+)", made.headers["Location"]).group(1))
    ids: list[int] = []
    for days, at, case_title in visits:
        form: dict[str, object] = {
            "patient_id": patient_id, "practitioner_id": practitioner_id,
            "service_id": service_id, "time": at,
            "date": (date.today() + timedelta(days=days)).isoformat()}
        if case_title is not None:
            form.update(case_id="new", case_title=case_title)
        else:
            with db.session() as s:
                form["case_id"] = s.scalar(select(Appointment.case_id).where(
                    Appointment.id == ids[-1]))
        booked = desk.post("/calendar/book", form)
        assert booked.status_code == 302, booked.get_data(as_text=True)[:500]
        with db.session() as s:
            ids.append(s.scalar(select(Appointment.id).where(
                Appointment.patient_id == patient_id).order_by(Appointment.id.desc()).limit(1)))
    return patient_id, ids


class Kit:
    """Constants and helpers for the test modules (importlib mode: no conftest imports)."""

    PASSWORD = PASSWORD
    DEMO_PASSWORD = DEMO_PASSWORD
    ROLES = ROLES
    Browser = Browser
    QueryCounter = QueryCounter
    csrf_of = staticmethod(csrf_of)
    book_physio_visits = staticmethod(book_physio_visits)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit
