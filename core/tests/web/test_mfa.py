"""Required second factor for owner and billing accounts, and recovery codes (issue 13).

ASVS 5.0 6.3.3 (a second factor), 6.5.x (recovery codes: single use, stored hashed,
throttled like the codes they stand in for)."""

from __future__ import annotations

import re

import pyotp
import pytest
from click.testing import CliRunner
from sqlalchemy import select, update
from vesalius.cli import main
from vesalius.models import AuditEvent, User
from vesalius.services import users
from vesalius.services.actor import Actor
from vesalius.web.models import RecoveryCode, UserMfa, WebSetting

PASSWORD = "correct horse battery staple"
CODES = re.compile(r"<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code></li>")
SECRET = re.compile(r'class="secret">([A-Z2-7]+)<')


class Browser:
    """Set by the autouse fixture below from the conftest's kit."""


@pytest.fixture(autouse=True)
def _kit(kit, db):  # type: ignore[no-untyped-def]
    global Browser
    Browser = kit.Browser
    yield
    with db.session() as s:  # every test starts with the requirement off
        row = s.get(WebSetting, "mfa_required")
        if row is not None:
            row.value = "no"


def _user(db, email: str, role: str) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return users.create_user(s, Actor.system("tests"), users.UserIn(
            email=email, role=role, name=email.split("@")[0], password=PASSWORD)).id


def _signed_in(app, email: str):  # type: ignore[no-untyped-def]
    b = Browser(app.test_client())
    b.get("/login")
    response = b.post("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return b, response


def _fresh_step(db, user_id: int) -> None:  # type: ignore[no-untyped-def]
    """As if a 30-second step had passed since the last code was accepted."""
    with db.session() as s:
        s.execute(update(UserMfa).where(UserMfa.user_id == user_id).values(last_step=0))


def _enrol(app, db, email: str):  # type: ignore[no-untyped-def]
    """Turn the second factor on from the account page: (browser, secret, codes)."""
    b, _ = _signed_in(app, email)
    page = b.get("/account/code").get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    done = b.post("/account/code", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = CODES.findall(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    return b, secret, codes


def _events(db, **where: object) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(s.scalars(query))


def test_required_factor_is_set_up_before_anything_else(app, db):  # type: ignore[no-untyped-def]
    boss = _user(db, "boss@mfa.test", "owner")
    clerk = _user(db, "clerk@mfa.test", "billing")
    _user(db, "desk2@mfa.test", "front-desk")
    owner, _ = _signed_in(app, "boss@mfa.test")
    owner.get("/admin/users")
    # An owner without a factor cannot require one (no lock-out).
    refused = owner.post("/admin/users/second-factor", {"required": "yes"})
    assert refused.status_code == 302
    with db.session() as s:
        assert s.get(WebSetting, "mfa_required") is None
    owner, _, _ = _enrol(app, db, "boss@mfa.test")
    clerk_before, _ = _signed_in(app, "clerk@mfa.test")
    assert clerk_before.get("/account").status_code == 200
    owner.get("/admin/users")
    assert owner.post("/admin/users/second-factor",
                      {"required": "yes"}).status_code == 302
    page = owner.get("/admin/users").get_data(as_text=True)
    assert "second factor off (required)" in page and "second factor on" in page
    assert clerk_before.get("/account").status_code == 302  # their session ended
    assert [e.detail for e in _events(db, resource_type="setting")][-1].startswith(
        "second factor required")

    # The billing clerk gives the right password and is sent to set the factor up.
    clerk_b, step1 = _signed_in(app, "clerk@mfa.test")
    assert step1.headers["Location"].endswith("/login/enrol")
    assert clerk_b.get("/account").status_code == 302  # not signed in yet
    assert clerk_b.get("/billing/invoices").status_code == 302
    page = clerk_b.get("/login/enrol").get_data(as_text=True)
    assert "requires a second factor" in page and 'name="password"' not in page
    secret = SECRET.search(page).group(1)
    assert clerk_b.post("/login/enrol", {"code": "000000"}).status_code == 401
    done = clerk_b.post("/login/enrol", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert len(CODES.findall(done.get_data(as_text=True))) == 10
    assert clerk_b.get("/account").status_code == 200  # signed in now
    with db.session() as s:
        assert s.get(UserMfa, clerk) is not None
        assert len(list(s.scalars(select(RecoveryCode).where(
            RecoveryCode.user_id == clerk)))) == 10

    # Required: the factor cannot be turned off by its user.
    _fresh_step(db, clerk)
    clerk_b.post("/account/code/off", {"password": PASSWORD,
                                       "code": pyotp.TOTP(secret).now()})
    with db.session() as s:
        assert s.get(UserMfa, clerk) is not None
    # Other roles are not asked.
    _, desk = _signed_in(app, "desk2@mfa.test")
    assert not desk.headers["Location"].endswith("/login/enrol")
    assert boss


def test_recovery_code_signs_in_once_and_is_audited(app, db):  # type: ignore[no-untyped-def]
    user_id = _user(db, "rc@mfa.test", "billing")
    _, _, codes = _enrol(app, db, "rc@mfa.test")
    with db.session() as s:
        stored = set(s.scalars(select(RecoveryCode.code_hash)
                               .where(RecoveryCode.user_id == user_id)))
    assert not any(c.replace("-", "") in h for c in codes for h in stored)  # hashed only
    b, step1 = _signed_in(app, "rc@mfa.test")
    assert step1.headers["Location"].endswith("/login/code")
    b.get("/login/code")
    typed = " " + codes[3].upper().replace("-", " ") + " "  # as people type it
    assert b.post("/login/code", {"code": typed}).status_code == 302
    assert b.get("/account").status_code == 200
    assert "Recovery codes left: <strong>9</strong>" in b.get("/account").get_data(as_text=True)
    used = _events(db, resource_type="recovery-code")
    assert len(used) == 1 and used[0].action == "use" and "9 recovery codes left" in (
        used[0].detail or "")
    assert codes[3] not in (used[0].detail or "")
    # The same code a second time is refused.
    again, _ = _signed_in(app, "rc@mfa.test")
    again.get("/login/code")
    assert again.post("/login/code", {"code": codes[3]}).status_code == 401
    assert again.post("/login/code", {"code": codes[4]}).status_code == 302


def test_recovery_codes_are_made_anew_with_a_current_code(app, db):  # type: ignore[no-untyped-def]
    user_id = _user(db, "regen@mfa.test", "owner")
    b, secret, old = _enrol(app, db, "regen@mfa.test")
    b.get("/account")
    wrong = b.post("/account/recovery-codes", {"code": "000000"})
    assert wrong.status_code == 302
    _fresh_step(db, user_id)
    new = b.post("/account/recovery-codes", {"code": pyotp.TOTP(secret).now()})
    assert new.status_code == 200
    fresh = CODES.findall(new.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(old)
    other, _ = _signed_in(app, "regen@mfa.test")
    other.get("/login/code")
    assert other.post("/login/code", {"code": old[0]}).status_code == 401
    assert other.post("/login/code", {"code": fresh[0]}).status_code == 302
    details = [e.detail for e in _events(db, user_id=user_id, resource_type="user")]
    assert any("recovery codes not made" in (d or "") for d in details)
    assert any("new recovery codes" in (d or "") for d in details)


def test_second_step_is_throttled_for_recovery_codes_too(app, db):  # type: ignore[no-untyped-def]
    _user(db, "slow@mfa.test", "billing")
    _, _, codes = _enrol(app, db, "slow@mfa.test")
    b, _ = _signed_in(app, "slow@mfa.test")
    b.get("/login/code")
    for n in range(5):
        assert b.post("/login/code", {"code": f"aaaa-bbbb-cccc-{n:04d}"}).status_code == 401
    refused = b.post("/login/code", {"code": codes[0]})
    assert refused.status_code == 429 and "Too many wrong codes" in refused.get_data(
        as_text=True)
    assert b.get("/account").status_code == 302


def test_enrolment_is_throttled_and_expires(app, db):  # type: ignore[no-untyped-def]
    _user(db, "boss2@mfa.test", "owner")
    owner, _, _ = _enrol(app, db, "boss2@mfa.test")
    owner.get("/admin/users")
    owner.post("/admin/users/second-factor", {"required": "yes"})
    _user(db, "late@mfa.test", "billing")
    b, _ = _signed_in(app, "late@mfa.test")
    b.get("/login/enrol")
    for _ in range(5):
        assert b.post("/login/enrol", {"code": "000000"}).status_code == 401
    assert b.post("/login/enrol", {"code": "000000"}).status_code == 429
    anonymous = Browser(app.test_client())
    anonymous.get("/login")
    assert anonymous.get("/login/enrol").status_code == 302


def test_owner_resets_a_users_factor(app, db):  # type: ignore[no-untyped-def]
    _user(db, "boss3@mfa.test", "owner")
    lost = _user(db, "lost@mfa.test", "billing")
    owner, _, _ = _enrol(app, db, "boss3@mfa.test")
    lost_b, _, _ = _enrol(app, db, "lost@mfa.test")
    owner.get("/admin/users")
    assert owner.post(f"/admin/users/{lost}/second-factor/reset").status_code == 302
    with db.session() as s:
        assert s.get(UserMfa, lost) is None
        assert s.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == lost)) is None
    assert lost_b.get("/account").status_code == 302  # their sessions ended
    reset = _events(db, resource_type="user", resource_id=lost)[-1]
    assert "reset by the owner" in reset.detail and reset.role == "owner"
    # Not oneself, and not by anyone but the owner.
    with db.session() as s:
        me = s.scalar(select(User.id).where(User.email == "boss3@mfa.test"))
    owner.post(f"/admin/users/{me}/second-factor/reset")
    with db.session() as s:
        assert s.get(UserMfa, me) is not None
    _, _, _ = _enrol(app, db, "lost@mfa.test")
    desk = Browser(app.test_client())
    desk.login("desk@clinic.test")
    assert desk.post(f"/admin/users/{lost}/second-factor/reset").status_code == 403
    with db.session() as s:
        assert s.get(UserMfa, lost) is not None


def test_tokens_keep_working_but_are_not_made_without_the_factor(app, db):  # type: ignore[no-untyped-def]
    _user(db, "boss4@mfa.test", "owner")
    _user(db, "api@mfa.test", "billing")
    runner = CliRunner()
    url = db.url
    made = runner.invoke(main, ["users", "token", "api@mfa.test", "--database", url])
    assert made.exit_code == 0, made.output
    token = made.output.strip()
    owner, _, _ = _enrol(app, db, "boss4@mfa.test")
    owner.get("/admin/users")
    owner.post("/admin/users/second-factor", {"required": "yes"})
    refused = runner.invoke(main, ["users", "token", "api@mfa.test", "--database", url])
    assert refused.exit_code == 2 and "second factor" in refused.output
    client = app.test_client()
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200  # the token made before keeps working
    b, step1 = _signed_in(app, "api@mfa.test")
    assert step1.headers["Location"].endswith("/login/enrol")
    secret = SECRET.search(b.get("/login/enrol").get_data(as_text=True)).group(1)
    assert b.post("/login/enrol", {"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert runner.invoke(main, ["users", "token", "api@mfa.test", "--database",
                                url]).exit_code == 0


def test_web_migration_goes_down_and_up_with_codes_stored(db):  # type: ignore[no-untyped-def]
    """w0003 drops the recovery codes table on the way down and makes it again."""
    from alembic import command
    from sqlalchemy import inspect
    from vesalius.web import mfa
    from vesalius.web.schema import _config, ensure_web_schema

    user_id = _user(db, "migrate@mfa.test", "billing")
    with db.session() as s:
        mfa.issue_codes(s, user_id)
    config = _config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "w0002")
    assert "web_recovery_codes" not in inspect(db.engine).get_table_names()
    assert ensure_web_schema(db.engine)
    with db.session() as s:
        assert mfa.remaining(s, user_id) == 0
        assert len(mfa.issue_codes(s, user_id)) == 10
