"""Throttling sign-in without lock-out (issue 13, finding 5), after OWASP's "Slowing down
online guessing attacks with device cookies": an attacker who knows only an e-mail cannot
stop its owner signing in from a browser that signed in before; untrusted browsers are held
back per account and per address; X-Forwarded-For counts only through trusted proxies."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from vesalius.models import User
from vesalius.web import throttle
from vesalius.web.models import LoginAttempt, TrustedDevice
from vesalius.web.proxies import trusted_proxies

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER_HOME = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def _clean(db):
    yield
    with db.session() as session:
        session.execute(LoginAttempt.__table__.delete())
        session.execute(TrustedDevice.__table__.delete())


@pytest.fixture
def kitb(kit, app):
    """A new browser (its own cookies) at an address."""

    def make(environ: dict[str, str] | None = None):
        b = kit.Browser(app.test_client())
        if environ:
            b.client.environ_base.update(environ)
        b.get("/login")
        return b

    return make


def _signs_in(b, email: str, password: str) -> bool:
    response = b.post("/login", {"email": email, "password": password})
    return response.status_code == 302 and b.get("/account").status_code == 200


def _device_cookie(b, db, email: str):
    with db.session() as session:
        user_id = session.scalar(select(User.id).where(User.email == email))
    return user_id, b.client.get_cookie(f"vesalius-device-{user_id}")


def _error_of(response) -> str:
    page = response.get_data(as_text=True)
    start = page.index('role="alert">') + len('role="alert">')
    return page[start:page.index("</p>", start)]


def test_fifty_failures_elsewhere_do_not_stop_the_owners_browser(kit, kitb):
    owner = kit.ROLES["owner"]
    mine = kitb(OWNER_HOME)
    assert _signs_in(mine, owner, kit.PASSWORD)  # this browser now carries a device cookie
    mine.post("/logout")

    attacker = kitb(ATTACKER)
    statuses = [attacker.post("/login", {"email": owner, "password": f"guess {n}"}).status_code
                for n in range(50)]
    assert statuses[:throttle.ACCOUNT_BUDGET] == [401] * throttle.ACCOUNT_BUDGET
    assert set(statuses[throttle.ACCOUNT_BUDGET:]) == {429}
    # Even the right password is refused to a browser the account was never used on.
    assert attacker.post("/login", {"email": owner, "password": kit.PASSWORD}).status_code \
        == 429

    mine.get("/login")
    assert _signs_in(mine, owner, kit.PASSWORD)


def test_untrusted_browser_is_refused_with_a_retry_time_and_no_enumeration(kit, kitb):
    answers = {}
    for email in (kit.ROLES["billing"], "nobody-here@clinic.test"):
        b = kitb(ATTACKER)
        wrong = [b.post("/login", {"email": email, "password": "guess"})
                 for _ in range(throttle.ACCOUNT_BUDGET)]
        assert {r.status_code for r in wrong} == {401}
        refused = b.post("/login", {"email": email, "password": "guess"})
        assert refused.status_code == 429
        retry = int(refused.headers["Retry-After"])
        assert 0 < retry <= throttle.WINDOW.total_seconds()
        assert "Try again in 15 minutes" in _error_of(refused)
        answers[email] = (_error_of(wrong[0]), _error_of(refused), refused.status_code)
    # An existing account and an unknown e-mail get the same answers.
    assert len(set(answers.values())) == 1


def test_trusted_failures_lock_nothing_else(kit, kitb):
    owner = kit.ROLES["front-desk"]
    mine = kitb(OWNER_HOME)
    assert _signs_in(mine, owner, kit.PASSWORD)
    mine.post("/logout")
    mine.get("/login")
    for _ in range(throttle.DEVICE_BUDGET):  # the owner mistypes, from a trusted browser
        assert mine.post("/login", {"email": owner, "password": "typo"}).status_code == 401
    # Counted against that browser, not the account: a new browser still may try.
    assert _signs_in(kitb(ATTACKER), owner, kit.PASSWORD)


def test_a_trusted_browser_that_keeps_failing_counts_as_untrusted(kit, kitb):
    owner = kit.ROLES["practitioner"]
    mine = kitb(OWNER_HOME)
    assert _signs_in(mine, owner, kit.PASSWORD)
    mine.post("/logout")
    attacker = kitb(ATTACKER)
    for _ in range(throttle.ACCOUNT_BUDGET):
        attacker.post("/login", {"email": owner, "password": "guess"})
    mine.get("/login")
    for _ in range(throttle.DEVICE_BUDGET):
        assert mine.post("/login", {"email": owner, "password": "typo"}).status_code == 401
    assert mine.post("/login", {"email": owner, "password": kit.PASSWORD}).status_code == 429


def test_forged_or_foreign_device_cookies_are_not_trusted(kit, kitb, db):
    owner, other = kit.ROLES["owner"], kit.ROLES["billing"]
    theirs = kitb(OWNER_HOME)
    assert _signs_in(theirs, other, kit.PASSWORD)
    other_id, other_cookie = _device_cookie(theirs, db, other)
    assert other_cookie is not None
    owner_id, _ = _device_cookie(theirs, db, owner)

    attacker = kitb(ATTACKER)
    for _ in range(throttle.ACCOUNT_BUDGET):
        attacker.post("/login", {"email": owner, "password": "guess"})

    def refused_with(name: str, value: str) -> bool:
        b = kitb(ATTACKER)
        b.client.set_cookie(name, value)
        return b.post("/login", {"email": owner, "password": kit.PASSWORD}).status_code == 429

    _, nonce, signature = other_cookie.value.split(".")
    assert refused_with(f"vesalius-device-{owner_id}", f"{owner_id}.{nonce}.{signature}")
    assert refused_with(f"vesalius-device-{owner_id}", f"{owner_id}.{nonce}.{'0' * 64}")
    assert refused_with(f"vesalius-device-{owner_id}", f"{owner_id}.made-up.{signature}")
    assert refused_with(f"vesalius-device-{other_id}", other_cookie.value)  # another account's
    # The other account's own browser is no more trusted for the owner's account.
    theirs.post("/logout")
    theirs.get("/login")
    assert theirs.post("/login", {"email": owner, "password": kit.PASSWORD}).status_code == 429


def test_device_cookies_are_renewed_and_can_be_withdrawn(kit, kitb, db):
    owner = kit.ROLES["owner"]
    mine = kitb(OWNER_HOME)
    assert _signs_in(mine, owner, kit.PASSWORD)
    owner_id, first = _device_cookie(mine, db, owner)
    mine.post("/logout")
    mine.get("/login")
    assert _signs_in(mine, owner, kit.PASSWORD)
    _, second = _device_cookie(mine, db, owner)
    assert first.value != second.value
    page = mine.get("/account").get_data(as_text=True)
    assert "Trusted browsers" in page

    attacker = kitb(ATTACKER)
    for _ in range(throttle.ACCOUNT_BUDGET):
        attacker.post("/login", {"email": owner, "password": "guess"})
    replay = kitb(ATTACKER)  # a copy of the replaced cookie is no longer trusted
    replay.client.set_cookie(f"vesalius-device-{owner_id}", first.value)
    assert replay.post("/login", {"email": owner, "password": kit.PASSWORD}).status_code == 429

    assert mine.post("/account/browsers/forget").status_code == 302
    mine.post("/logout")
    mine.get("/login")
    assert mine.post("/login", {"email": owner, "password": kit.PASSWORD}).status_code == 429


def test_per_address_budget_ignores_x_forwarded_for_without_trusted_proxies(
        kit, kitb, monkeypatch):
    monkeypatch.setattr(throttle, "ADDRESS_BUDGET", 4)
    neighbour = kitb(ATTACKER)  # someone at the same address who signed in before
    assert _signs_in(neighbour, kit.ROLES["billing"], kit.PASSWORD)
    neighbour.post("/logout")
    b = kitb(ATTACKER)
    for n in range(4):  # a new e-mail each time, and a made-up forwarded address
        response = b.post("/login", {"email": f"guess{n}@clinic.test", "password": "x"},
                          headers={"X-Forwarded-For": f"192.0.2.{n}"})
        assert response.status_code == 401
    refused = b.post("/login", {"email": "guess9@clinic.test", "password": "x"},
                     headers={"X-Forwarded-For": "192.0.2.99"})
    assert refused.status_code == 429
    assert "from your network" in _error_of(refused)
    assert "Retry-After" in refused.headers
    # Another address is not held back, and a trusted browser at this one is not either.
    assert kitb(OWNER_HOME).post("/login", {"email": "guess9@clinic.test",
                                            "password": "x"}).status_code == 401
    neighbour.get("/login")
    assert _signs_in(neighbour, kit.ROLES["billing"], kit.PASSWORD)


@pytest.fixture
def proxied_app(db_url) -> Flask:
    from vesalius.app import create_app

    app = create_app(db_url, upgrade=False, config={
        "TESTING": True, "VESALIUS_TRUSTED_PROXIES": 1, "VESALIUS_PACKS_RECHECK_SECONDS": 3600})
    yield app
    app.extensions["vesalius.db"].dispose()


def test_per_address_budget_behind_one_trusted_proxy(kit, proxied_app, db, monkeypatch):
    monkeypatch.setattr(throttle, "ADDRESS_BUDGET", 3)

    def client(forwarded: str):
        b = kit.Browser(proxied_app.test_client())
        b.client.environ_base.update({"REMOTE_ADDR": "10.0.0.2",
                                      "HTTP_X_FORWARDED_FOR": forwarded})
        b.get("/login")
        return b

    # The proxy appends the address it saw; anything the client sent before it is ignored.
    one = client("6.6.6.6, 192.0.2.10")
    for n in range(3):
        assert one.post("/login", {"email": f"p{n}@clinic.test", "password": "x"}
                        ).status_code == 401
    with db.session() as session:
        keys = set(session.scalars(select(LoginAttempt.key).where(
            LoginAttempt.key.like("ip:%"))))
    assert keys == {"ip:192.0.2.10"}
    assert one.post("/login", {"email": "p9@clinic.test", "password": "x"}).status_code == 429
    # Another clinic user behind the same proxy has a budget of their own.
    two = client("192.0.2.20")
    assert two.post("/login", {"email": "p9@clinic.test", "password": "x"}).status_code == 401
    assert _signs_in(two, kit.ROLES["owner"], kit.PASSWORD)


@pytest.mark.parametrize("value", ["-1", "two", "11"])
def test_trusted_proxies_setting_is_checked(value):
    app = Flask("x")
    app.config["VESALIUS_TRUSTED_PROXIES"] = value
    with pytest.raises(ValueError, match="VESALIUS_TRUSTED_PROXIES"):
        trusted_proxies(app)


def test_trusted_proxies_default_is_none(monkeypatch):
    monkeypatch.delenv("VESALIUS_TRUSTED_PROXIES", raising=False)
    assert trusted_proxies(Flask("x")) == 0
    monkeypatch.setenv("VESALIUS_TRUSTED_PROXIES", "2")
    assert trusted_proxies(Flask("x")) == 2


def test_device_cookie_over_https_is_host_bound_and_secure(kit, app):
    b = kit.Browser(app.test_client())
    b.get("/login", base_url="https://clinic.test")
    response = b.post("/login", {"email": kit.ROLES["owner"], "password": kit.PASSWORD},
                      base_url="https://clinic.test",
                      headers={"Referer": "https://clinic.test/login"})
    assert response.status_code == 302
    device = next(c for c in response.headers.getlist("Set-Cookie") if "-device-" in c)
    assert device.startswith("__Host-vesalius-device-")
    assert "Secure" in device and "HttpOnly" in device and "Path=/" in device
    assert "Domain" not in device
