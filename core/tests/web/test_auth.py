"""Sign-in, server-side sessions, rate limiting, TOTP (ASVS 6.3, 7.2-7.4)."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select
from vesalius.db.types import utcnow
from vesalius.models import User
from vesalius.web.models import LoginAttempt, UserMfa, WebSession

PASSWORD = "correct horse battery staple"
ROLES = {"owner": "owner@clinic.test", "billing": "billing@clinic.test"}


class Browser:
    """Set by the autouse fixture below from the conftest's kit."""


@pytest.fixture(autouse=True)
def _kit(kit):
    global Browser
    Browser = kit.Browser


def test_anonymous_is_sent_to_login(browser):
    response = browser().get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_and_logout(browser):
    b = browser("front-desk")
    assert b.get("/account").status_code == 200
    response = b.post("/logout")
    assert response.status_code == 302
    assert b.get("/account").status_code == 302


def test_wrong_password(browser):
    b = browser()
    b.get("/login")
    response = b.post("/login", {"email": ROLES["billing"], "password": "not the password"})
    assert response.status_code == 401
    assert "Wrong e-mail or password" in response.get_data(as_text=True)


def test_copied_cookie_is_refused_after_logout(app, browser):
    b = browser("owner")
    cookie = b.client.get_cookie("vesalius")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("vesalius", cookie.value)
    assert thief.get("/account").status_code == 200  # the copy works while signed in
    b.post("/logout")
    replay = thief.get("/account")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_new_session_token_on_login(app, browser):
    b = browser()
    b.get("/login")
    before = b.client.get_cookie("vesalius").value
    b.post("/login", {"email": ROLES["billing"], "password": PASSWORD})
    after = b.client.get_cookie("vesalius").value
    assert before != after
    stale = app.test_client()
    stale.set_cookie("vesalius", before)
    assert stale.get("/account").status_code == 302


def test_idle_timeout(app, db, browser):
    b = browser("billing")
    token = b.client.get_cookie("vesalius").value
    from vesalius.web.sessions import token_hash

    with db.session() as session:
        row = session.scalar(select(WebSession).where(WebSession.token_hash == token_hash(token)))
        row.last_seen_at = utcnow().replace(year=2020)
    assert b.get("/account").status_code == 302


def test_absolute_timeout(app, db, browser):
    b = browser("billing")
    token = b.client.get_cookie("vesalius").value
    from vesalius.web.sessions import token_hash

    with db.session() as session:
        row = session.scalar(select(WebSession).where(WebSession.token_hash == token_hash(token)))
        row.expires_at = utcnow()
    assert b.get("/account").status_code == 302


def test_deactivated_user_loses_session(app, db, browser):
    from vesalius.services import users
    from vesalius.services.actor import Actor

    with db.session() as session:
        users.create_user(session, Actor.system(), users.UserIn(
            email="leaver@clinic.test", role="front-desk", password=PASSWORD))
    b = Browser(app.test_client())
    b.login("leaver@clinic.test")
    assert b.get("/account").status_code == 200
    with db.session() as session:
        session.scalar(select(User).where(User.email == "leaver@clinic.test")).active = False
    assert b.get("/account").status_code == 302


def test_login_rate_limit(app, db, browser):
    b = browser()
    b.get("/login")
    for _ in range(5):
        assert b.post("/login", {"email": "nobody@clinic.test", "password": "x"}).status_code == 401
    response = b.post("/login", {"email": "nobody@clinic.test", "password": "x"})
    assert response.status_code == 429
    with db.session() as session:
        session.execute(LoginAttempt.__table__.delete())


def test_rate_limit_also_stops_the_right_password(app, db, browser):
    b = browser()
    b.get("/login")
    for _ in range(5):
        b.post("/login", {"email": ROLES["billing"], "password": "guess"})
    assert b.post("/login", {"email": ROLES["billing"], "password": PASSWORD}).status_code == 429
    with db.session() as session:
        session.execute(LoginAttempt.__table__.delete())


def test_open_redirect_refused(browser):
    b = browser()
    b.get("/login")
    response = b.post("/login", {"email": ROLES["billing"], "password": PASSWORD,
                                 "next": "//evil.example/x"})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_totp_setup_and_login(app, db):
    from vesalius.services import users
    from vesalius.services.actor import Actor

    with db.session() as session:
        users.create_user(session, Actor.system(), users.UserIn(
            email="mfa@clinic.test", role="owner", password=PASSWORD))
    b = Browser(app.test_client())
    b.login("mfa@clinic.test")
    page = b.get("/account/code").get_data(as_text=True)
    assert "data:image/svg+xml;base64," in page
    import re

    secret = re.search(r'class="secret">([A-Z2-7]+)<', page).group(1)
    wrong = b.post("/account/code", {"password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 200 and "not right" in wrong.get_data(as_text=True)
    b.get("/account/code")  # a new secret on every GET
    page = b.get("/account/code").get_data(as_text=True)
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page).group(1)
    ok = b.post("/account/code", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert ok.status_code == 200 and "Your recovery codes" in ok.get_data(as_text=True)
    with db.session() as session:
        user = session.scalar(select(User).where(User.email == "mfa@clinic.test"))
        assert session.get(UserMfa, user.id) is not None
    b.post("/logout")

    b2 = Browser(app.test_client())
    b2.get("/login")
    step1 = b2.post("/login", {"email": "mfa@clinic.test", "password": PASSWORD})
    assert step1.status_code == 302 and "/login/code" in step1.headers["Location"]
    assert b2.get("/account").status_code == 302  # not signed in before the code
    b2.get("/login/code")
    assert b2.post("/login/code", {"code": "123456"}).status_code == 401
    code = pyotp.TOTP(secret).now()
    with db.session() as session:
        user = session.scalar(select(User).where(User.email == "mfa@clinic.test"))
        mfa = session.get(UserMfa, user.id)
        step = mfa.last_step
    if pyotp.TOTP(secret).timecode(utcnow()) == step:
        # The code that turned the factor on is not accepted a second time.
        assert b2.post("/login/code", {"code": code}).status_code == 401
        with db.session() as session:
            session.get(UserMfa, user.id).last_step = step - 1  # as if a step had passed
    assert b2.post("/login/code", {"code": code}).status_code == 302
    assert b2.get("/account").status_code == 200


def test_password_change_ends_other_sessions(app, db):
    from vesalius.services import users
    from vesalius.services.actor import Actor

    with db.session() as session:
        users.create_user(session, Actor.system(), users.UserIn(
            email="pw@clinic.test", role="billing", password=PASSWORD))
    one, two = Browser(app.test_client()), Browser(app.test_client())
    one.login("pw@clinic.test")
    two.login("pw@clinic.test")
    new = "another long passphrase here"
    one.post("/account/password", {"current_password": PASSWORD, "new_password": new,
                                   "confirm_password": new})
    assert one.get("/account").status_code == 200
    assert two.get("/account").status_code == 302
    assert Browser(app.test_client()).login("pw@clinic.test", new).status_code == 302
