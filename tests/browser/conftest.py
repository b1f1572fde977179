"""Browser tests: a demo clinic served on 127.0.0.1 by a thread, driven by Playwright with
Debian's Chromium (``/usr/bin/chromium``; ``playwright install`` is never run).

Without Chromium the tests are skipped with the reason, except in CI (``CI=true``), where a
missing browser is a failure: the run must not pass by testing nothing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("VESALIUS_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "vesalius-demo-2026"
PASSWORD = "correct horse battery staple"
PHYSIO = "physio.browser@clinic.test"
PORTAL = "portal.browser@clinic.test"  # a patient's portal login, made by live_app


def _chromium() -> str:
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}: CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """The core's app on a small seeded demo clinic, served on a free local port:
    (the Flask app, its base URL)."""
    from vesalius.app import create_app
    from vesalius.db import Database
    from vesalius.demo import seed_demo
    from vesalius.plugins import reset_registry
    from vesalius.services import users
    from vesalius.services.actor import Actor
    from werkzeug.serving import make_server

    reset_registry()
    path = tmp_path_factory.mktemp("browser") / "clinic.sqlite3"
    url = f"sqlite:///{path}"
    database = Database(url)
    database.upgrade()
    seed_demo(database, patients_count=20, days_back=3, days_ahead=2, per_day=3,
              today=date.today())
    with database.session() as session:  # a physio of our own, with an empty diary
        users.create_user(session, Actor.system("tests"), users.UserIn(
            email=PHYSIO, role="practitioner", name="Pat Browser", password=PASSWORD,
            disciplines=["physio"]))
    with database.session() as session:  # the portal login of a patient with visits
        from sqlalchemy import select
        from vesalius.models import Appointment

        patient_id = session.scalar(select(Appointment.patient_id).order_by(
            Appointment.start_at.desc()).limit(1))
        users.create_user(session, Actor.system("tests"), users.UserIn(
            email=PORTAL, role="patient", name="Portal Browser", password=PASSWORD,
            patient_id=patient_id))
    database.dispose()
    app = create_app(url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["vesalius.db"].dispose()
    reset_registry()


@pytest.fixture(scope="session")
def live_server(live_app: tuple[Any, str]) -> str:
    """The base URL of :func:`live_app`."""
    return live_app[1]


@pytest.fixture(scope="session")
def axe() -> ModuleType:
    """tests/browser/axe.py: ``axe.assert_accessible(page, context=None)`` and friends."""
    spec = importlib.util.spec_from_file_location("vesalius_browser_axe",
                                                  Path(__file__).with_name("axe.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page_as(chromium: object, live_server: str) -> Iterator[Callable[..., object]]:
    """A new browser context signed in as a user (tablet-sized unless told otherwise)."""
    contexts = []

    def open_as(email: str, password: str = DEMO_PASSWORD, width: int = 1280,
                height: int = 900) -> object:
        context = chromium.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": height}, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))  # type: ignore[attr-defined]
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))  # type: ignore[attr-defined]
        page.goto(f"{live_server}/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shot() -> Callable[[object, str], None]:
    """Save a screenshot as a test artifact (test-artifacts/browser/, git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: object, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]

    return take
