"""Browser tests: a demo clinic served on 127.0.0.1 by a thread, driven by Playwright with
Debian's Chromium (``/usr/bin/chromium``; ``playwright install`` is never run).

Without Chromium the tests are skipped with the reason, except in CI (``CI=true``), where a
missing browser is a failure: the run must not pass by testing nothing.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("VESALIUS_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "vesalius-demo-2026"
PASSWORD = "correct horse battery staple"
PHYSIO = "physio.browser@clinic.test"


def _chromium() -> str:
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}: CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database URL of the seeded demo clinic the live server serves (tests that need
    records the UI cannot make quickly, such as a draft of every template, add them here)."""
    from vesalius.db import Database
    from vesalius.demo import seed_demo
    from vesalius.plugins import reset_registry
    from vesalius.services import users
    from vesalius.services.actor import Actor

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
    database.dispose()
    return url


@pytest.fixture(scope="session")
def live_server(live_db_url: str) -> Iterator[str]:
    """The core's app on a small seeded demo clinic, served on a free local port."""
    from vesalius.app import create_app
    from vesalius.plugins import reset_registry
    from werkzeug.serving import make_server

    app = create_app(live_db_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["vesalius.db"].dispose()
    reset_registry()


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
        context = chromium.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
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
