"""Fixtures of the web tests: one clinic database per module, a Flask app on it, a user per
role, and a client that signs in the way a browser does (CSRF token from the form)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
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
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def make_app(db: Database) -> Flask:
    from vesalius.web import init_app

    app = Flask("vesalius-test")
    app.config.update(TESTING=True, SECRET_KEY="test-secret-key-not-for-production")
    init_app(app, db)
    return app


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    reset_registry()
    path: Path = tmp_path_factory.mktemp("web") / "clinic.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    system = Actor.system("tests")
    with database.session() as session:
        for role, email in ROLES.items():
            users.create_user(session, system, users.UserIn(
                email=email, role=role, name=role.replace("-", " ").title(),
                password=PASSWORD, disciplines=["general"] if role == "practitioner" else []))
    yield database
    database.dispose()
    reset_registry()


@pytest.fixture(scope="module")
def app(db: Database) -> Flask:
    return make_app(db)


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


class Kit:
    """Constants and helpers for the test modules (importlib mode: no conftest imports)."""

    PASSWORD = PASSWORD
    ROLES = ROLES
    Browser = Browser
    make_app = staticmethod(make_app)
    csrf_of = staticmethod(csrf_of)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit
