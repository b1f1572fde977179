"""Two-factor sign-in in a real browser: with the clinic requiring a second factor, a billing
clerk gives their password, is sent to set up an authenticator app, is shown ten recovery
codes once, and later signs in from another browser with one of them (accepted once)."""

from __future__ import annotations

import re
import uuid

import pyotp
import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def clerk(live_app):  # type: ignore[no-untyped-def]
    """A billing clerk of their own, with the requirement on for this test only."""
    from vesalius.services import users
    from vesalius.services.actor import Actor
    from vesalius.web.models import WebSetting

    db = live_app[0].extensions["vesalius.db"]
    email = f"clerk.{uuid.uuid4().hex[:8]}@clinic.test"
    with db.session() as s:
        users.create_user(s, Actor.system("tests"), users.UserIn(
            email=email, role="billing", name="Clerk Browser", password=PASSWORD))
        row = s.get(WebSetting, "mfa_required")
        if row is None:
            s.add(WebSetting(key="mfa_required", value="yes"))
        else:
            row.value = "yes"
    yield email
    with db.session() as s:
        s.get(WebSetting, "mfa_required").value = "no"


def _context(chromium, width: int = 1024, height: int = 768):  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport={"width": width, "height": height},
                                   locale="en-US")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    return context, page


def _password(page, live_server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1


def test_enrol_then_sign_in_with_a_recovery_code(chromium, live_server, clerk, shot):  # type: ignore[no-untyped-def]
    context, page = _context(chromium)
    try:
        _password(page, live_server, clerk)
        assert page.url.endswith("/login/enrol")
        assert "requires a second factor" in page.inner_text("main")
        _fits(page)
        shot(page, "mfa-01-enrol-1024")
        secret = page.inner_text("code.secret").strip()
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("main button[type=submit]")
        page.wait_for_selector("ol.recovery-codes")
        codes = [c.strip() for c in page.locator("ol.recovery-codes code").all_inner_texts()]
        assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-z]{4}(-[0-9a-z]{4}){3}", c)
                                        for c in codes)
        _fits(page)
        shot(page, "mfa-02-codes-1024")
        page.set_viewport_size({"width": 1440, "height": 900})
        _fits(page)
        shot(page, "mfa-03-codes-1440")
        page.click("text=I have saved them: continue")
        page.wait_for_load_state()
        assert "/login" not in page.url
        assert page.errors == []
    finally:
        context.close()

    # Another browser (the phone is lost): password, then a recovery code.
    context, page = _context(chromium, 1440, 900)
    try:
        _password(page, live_server, clerk)
        assert page.url.endswith("/login/code")
        page.fill("#code", codes[0].upper())
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url
        assert "recovery code; 9 left" in page.inner_text("body")
        page.goto(f"{live_server}/account")
        assert "Recovery codes left: 9" in page.inner_text("main")
        _fits(page)
        shot(page, "mfa-04-account-1440")
        assert page.errors == []
    finally:
        context.close()

    # The same code again is refused.
    context, page = _context(chromium)
    try:
        _password(page, live_server, clerk)
        page.fill("#code", codes[0])
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert page.url.endswith("/login/code")
        assert "not right" in page.inner_text("main")
    finally:
        context.close()
