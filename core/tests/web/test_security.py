"""The gate, attacked the way OpenEMR was (OWASP ASVS 5.0, 3.5, 8.2, 16.5):
every route refuses anonymous requests, every state change needs a CSRF token, GET changes
nothing, other roles and other patients are refused, error pages carry no patient data, and
script in names and note text is escaped."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from vesalius.models import Appointment, Case, Invoice, Note, Patient, Payment
from vesalius.services import users
from vesalius.services.actor import Actor
from werkzeug.routing import IntegerConverter

PUBLIC = {"web.health", "auth.login", "auth.login_totp", "auth.login_enrol",
          "calendar_feed.feed",  # the feed: its secret token is the credential
          "portal.invitation",  # the invitation: its link is the credential
          "intake.by_link",  # its token is the credential (tested in test_intake_pages)
          # Online booking (issue 15): the page, the e-mailed link, a waitlist offer's link.
          *(f"public_booking.{view}" for view in (
              "services", "times", "confirm", "new", "sent", "verify", "rebook", "account",
              "offer"))}
PAYLOADS = ('<script>alert("x")</script>', '"><svg onload=alert(1)>',
            "<img src=x onerror=alert(1)>")


def _web_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        if rule.endpoint.startswith(("api.", "fhir.")):
            continue  # the JSON and FHIR APIs check their own bearer tokens (core tests)
        yield rule


def _url(rule, **ids):
    values = {}
    for arg in rule.arguments:
        numeric = isinstance(rule._converters[arg], IntegerConverter)
        values[arg] = ids.get(arg, 1 if numeric else "x")
    return rule.build(values, append_unknown=False)[1]


def test_every_route_is_declared(app):
    """Deny by default: every view is public, or names a permission of the one table."""
    for rule in _web_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "vesalius_public", False) or getattr(
            view, "vesalius_permission", None), rule.endpoint


def test_every_route_refuses_anonymous(app, kit):
    anonymous = kit.Browser(app.test_client())
    anonymous.get("/login")  # a CSRF token of an anonymous session: the gate, not CSRF, answers
    checked = 0
    for rule in _web_rules(app):
        if rule.endpoint in PUBLIC:
            continue
        url = _url(rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method == "GET":
                response = anonymous.client.get(url)
                assert response.status_code == 302, (url, response.status_code)
                assert "/login" in response.headers["Location"], url
            else:
                response = anonymous.post(url) if method == "POST" else \
                    anonymous.client.open(url, method=method)
                assert response.status_code in (400, 401), (method, url, response.status_code)
            checked += 1
    assert checked > 50


def test_every_state_change_needs_csrf(app, browser, db):
    owner = browser("owner")
    before = _fingerprint(db)
    checked = 0
    for rule in _web_rules(app):
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}:
            response = owner.client.open(_url(rule), method=method, data={"status": "arrived"})
            assert response.status_code == 400, (method, rule.rule, response.status_code)
            assert "expired" in response.get_data(as_text=True)
            checked += 1
    assert checked > 30
    assert _fingerprint(db) == before


def _fingerprint(db):
    with db.session() as s:
        return tuple(
            s.execute(select(func.count(), func.max(getattr(model, "updated_at", model.id)))
                      .select_from(model)).one()
            for model in (Appointment, Case, Invoice, Note, Patient, Payment))


def _real_ids(db):
    with db.session() as s:
        note = s.scalar(select(Note).where(Note.status == "signed").limit(1))
        draft = s.scalar(select(Note).where(Note.status == "draft").limit(1))
        return {
            "patient_id": note.patient_id, "case_id": note.case_id,
            "note_id": note.id, "appointment_id": note.appointment_id,
            "invoice_id": s.scalar(select(Invoice.id).where(Invoice.note_id == note.id)),
            "draft_id": draft.id if draft else note.id,
        }


def test_get_changes_nothing(app, browser, db):
    """No state change on GET (ASVS 3.5.3): every page, opened with real ids."""
    owner = browser("owner")
    ids = _real_ids(db)
    before = _fingerprint(db)
    for rule in _web_rules(app):
        if "GET" not in rule.methods or rule.endpoint in ("auth.login_totp",):
            continue
        url = _url(rule, **ids)
        response = owner.client.get(url)
        assert response.status_code < 500, url
    assert _fingerprint(db) == before


@pytest.fixture(scope="module")
def portal(app, db, kit):
    """Two patients with portal accounts."""
    with db.session() as s:
        first, second = s.scalars(select(Patient).order_by(Patient.id).limit(2)).all()
        for patient in (first, second):
            users.create_user(s, Actor.system(), users.UserIn(
                email=f"patient{patient.id}@clinic.test", role="patient",
                password=kit.PASSWORD, patient_id=patient.id))
        return first.id, second.id


def test_portal_session_cannot_reach_staff_pages(app, db, kit, portal):
    mine, _other = portal
    b = kit.Browser(app.test_client())
    assert b.login(f"patient{mine}@clinic.test").status_code == 302
    assert b.get("/portal/").status_code == 200
    ids = _real_ids(db)
    with db.session() as s:
        names = [p.family_name for p in s.scalars(select(Patient))]
    for rule in _web_rules(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "vesalius_public", False) or "GET" not in rule.methods:
            continue
        if getattr(view, "vesalius_audience", "staff") != "staff":
            continue
        response = b.client.get(_url(rule, **ids))
        assert response.status_code == 403, rule.rule
        body = response.get_data(as_text=True)
        assert not any(name in body for name in names), rule.rule  # no PHI on a 403


def test_patient_cannot_touch_another_patients_appointment(app, db, kit, portal):
    mine, other = portal
    with db.session() as s:
        theirs = s.scalar(select(Appointment).where(
            Appointment.patient_id == other, Appointment.status == "booked").limit(1))
    if theirs is None:  # give the other patient a booking of their own
        from datetime import UTC, datetime, timedelta

        from vesalius.models import Practitioner
        from vesalius.services import scheduling

        with db.session() as s:
            practitioner = s.scalar(select(Practitioner.id).limit(1))
            start = datetime.now(UTC).replace(hour=5, minute=0, second=0, microsecond=0) \
                + timedelta(days=9)
            theirs = scheduling.book(s, Actor.system(), scheduling.BookingIn(
                patient_id=other, practitioner_id=practitioner, start=start,
                end=start + timedelta(minutes=30)))
    b = kit.Browser(app.test_client())
    b.login(f"patient{mine}@clinic.test")
    response = b.post(f"/portal/appointments/{theirs.id}/cancel", {"reason": "x"})
    assert response.status_code in (403, 404)
    with db.session() as s:
        assert s.get(Appointment, theirs.id).status == "booked"


@pytest.mark.parametrize(("role", "path"), [
    ("front-desk", "/chart/"), ("front-desk", "/chart/notes/{note_id}/view"),
    ("front-desk", "/admin/"), ("front-desk", "/reports/"),
    ("billing", "/calendar/book"), ("billing", "/chart/notes/{note_id}"),
    ("practitioner", "/admin/users"), ("practitioner", "/billing/ready"),
    ("practitioner", "/reports/revenue.csv"),
])
def test_other_roles_are_refused(browser, db, role, path):
    response = browser(role).get(path.format(**_real_ids(db)))
    assert response.status_code == 403
    assert "No access" in response.get_data(as_text=True)


def test_denials_are_audited(browser, db):
    from vesalius.models import AuditEvent

    browser("front-desk").get("/admin/")
    with db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.outcome == "denied")
                         .order_by(AuditEvent.id.desc()).limit(1))
    assert event is not None and "admin.index" in event.detail


def test_security_headers(browser):
    response = browser("owner").get("/calendar/")
    h = response.headers
    assert "script-src 'self'" in h["Content-Security-Policy"]
    assert "unsafe-inline" not in h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Cache-Control"] == "no-store"
    cookie = response.headers.get("Set-Cookie") or ""
    assert "vesalius" not in cookie or "HttpOnly" in cookie


def test_session_cookie_flags(app, kit):
    b = kit.Browser(app.test_client())
    b.get("/login")
    response = b.post("/login", {"email": kit.ROLES["owner"], "password": kit.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    https = app.test_client()
    page = https.get("/login", base_url="https://clinic.test")
    assert "__Host-vesalius=" in page.headers["Set-Cookie"]
    assert "Secure" in page.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in page.headers


def test_script_in_patient_names_is_escaped(browser):
    desk = browser("front-desk")
    response = desk.post("/patients/new", {"given_name": PAYLOADS[0], "family_name": PAYLOADS[1],
                                           "preferred_contact": "email",
                                           "admin_note": PAYLOADS[2], "confirmed": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    patient_id = int(re.search(r"/patients/(\d+)", response.headers["Location"]).group(1))
    for url in (f"/patients/{patient_id}", f"/patients/{patient_id}/edit",
                "/patients/?q=%22", f"/calendar/book?patient={patient_id}"):
        body = desk.get(url).get_data(as_text=True)
        for payload in PAYLOADS:
            assert payload not in body, url
    assert "&lt;script&gt;" in desk.get(f"/patients/{patient_id}").get_data(as_text=True)
    lookup = desk.client.get("/patients/lookup?q=%22%3E%3Csvg",
                             headers={"Accept": "application/json"})
    assert lookup.mimetype == "application/json"  # never HTML: the page builds text nodes


def test_script_in_note_text_is_escaped(app, browser, db, kit):
    from vesalius.models import User
    from vesalius.plugins import get_registry

    with db.session() as s:
        note = s.scalar(select(Note).where(Note.status == "draft").order_by(Note.id).limit(1))
        assert note is not None, "the demo seed leaves drafts for today's arrived visits"
        author_email = s.get(User, note.author_id).email  # drafts are their author's
        document = dict(note.document)
        template = get_registry().template(note.template_id)
        path = next(p for p, f in template.iter_fields() if f.kind == "long-text")
    section, field = path.split(".")
    document[section] = {**document.get(section, {}), field: PAYLOADS[0] + PAYLOADS[2]}
    author = browser()
    author.login(author_email, kit.DEMO_PASSWORD)
    assert author.post_json(f"/chart/notes/{note.id}", {"document": document}).status_code == 200
    for url in (f"/chart/notes/{note.id}",):
        body = author.get(url).get_data(as_text=True)
        assert PAYLOADS[0] not in body and PAYLOADS[2] not in body
        assert "&lt;script&gt;alert" in body
    signed = author.post(f"/chart/notes/{note.id}/sign", {"confirm": "yes"})
    if signed.status_code == 302:  # the demo draft was complete: the signed views too
        for url in (f"/chart/notes/{note.id}/view", f"/chart/notes/{note.id}/print"):
            body = author.get(url).get_data(as_text=True)
            assert PAYLOADS[0] not in body and PAYLOADS[2] not in body, url
            assert "&lt;script&gt;" in body, url
