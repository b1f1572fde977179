"""Redirects after sign-in go only to paths on this site (issue 13, finding 6)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from vesalius.web.redirects import same_site_path

#: The payloads of the issue, and their usual cousins.
HOSTILE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "//evil.example",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/x\\..\\\\evil.example",
    "https://evil.example",
    "HTTPS://evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "\x00//evil.example",
    "/\x7f/evil.example",
    "/\u2028/evil.example",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert same_site_path(target) is None


@pytest.mark.parametrize("target", ["/", "/patients", "/patients/3?tab=notes#top",
                                    "/calendar/day?date=2026-12-04&location=",
                                    "/search?q=%2F%2Fx"])
def test_site_paths_are_kept(target):
    assert same_site_path(target) == target


def test_non_strings_are_refused():
    assert same_site_path(None) is None
    assert same_site_path(["/x"]) is None
    assert same_site_path("/" + "a" * 5000) is None


def _same_site(location: str) -> bool:
    parts = urlsplit(location)
    return (not parts.scheme and not parts.netloc and location.startswith("/")
            and not location.startswith("//") and "\\" not in location
            and location.isprintable())


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_never_leaves_the_site(kit, app, target):
    b = kit.Browser(app.test_client())
    b.get("/login")
    response = b.post("/login", {"email": kit.ROLES["front-desk"], "password": kit.PASSWORD,
                                 "next": target})
    assert response.status_code == 302
    assert _same_site(response.headers["Location"]), response.headers["Location"]
    assert urlsplit(response.headers["Location"]).path == "/"


def test_the_issues_query_string_payload(kit, app):
    b = kit.Browser(app.test_client())
    page = b.get("/login?next=%2F%09%2Fevil.example").get_data(as_text=True)
    assert "evil.example" not in page  # not carried in the form either
    response = b.post("/login?next=%2F%09%2Fevil.example",
                      {"email": kit.ROLES["front-desk"], "password": kit.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("raw", ["%2F%2Fevil.example", "%2F%5Cevil.example",
                                 "https%3A%2F%2Fevil.example", "javascript%3Aalert(1)",
                                 "%2F%0a%2Fevil.example", "%2F%0d%2Fevil.example"])
def test_encoded_payloads_in_the_query(kit, app, raw):
    b = kit.Browser(app.test_client())
    b.get("/login")
    response = b.post(f"/login?next={raw}",
                      {"email": kit.ROLES["front-desk"], "password": kit.PASSWORD})
    assert response.headers["Location"] == "/"


def test_a_page_asked_for_before_sign_in_is_reached_after_it(kit, app):
    b = kit.Browser(app.test_client())
    first = b.get("/patients/?q=an")
    assert first.status_code == 302
    login_url = first.headers["Location"]
    assert login_url.startswith("/login?next=")
    b.get(login_url)
    response = b.post(login_url, {"email": kit.ROLES["front-desk"],
                                  "password": kit.PASSWORD})
    assert response.headers["Location"] == "/patients/?q=an"


def test_second_factor_step_keeps_only_a_safe_target(kit, app, db):
    import pyotp
    from sqlalchemy import select
    from vesalius.models import User
    from vesalius.services import users
    from vesalius.services.actor import Actor
    from vesalius.web.models import UserMfa

    secret = pyotp.random_base32(32)
    with db.session() as session:
        users.create_user(session, Actor.system(), users.UserIn(
            email="mfa-next@clinic.test", role="owner", password=kit.PASSWORD))
        user_id = session.scalar(select(User.id).where(User.email == "mfa-next@clinic.test"))
        session.add(UserMfa(user_id=user_id, secret=secret, last_step=0))
    b = kit.Browser(app.test_client())
    b.get("/login")
    step1 = b.post(f"/login?next={quote('//evil.example', safe='')}",
                   {"email": "mfa-next@clinic.test", "password": kit.PASSWORD})
    assert "/login/code" in step1.headers["Location"]
    b.get("/login/code")
    done = b.post("/login/code", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and done.headers["Location"] == "/"
