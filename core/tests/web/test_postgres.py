"""The pages on PostgreSQL: the same clinic day (book, check in, chart, sign, pay) and the
session and scope checks, in a schema of their own so that the core's PostgreSQL tests and
these never touch each other's tables. Skipped without ``VESALIUS_TEST_POSTGRES_URL``
locally; a failure in CI, where PostgreSQL must be there."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select
from vesalius.db import Database
from vesalius.models import Invoice, Practitioner, Service, User

pytestmark = pytest.mark.postgres

SCHEMA = "vesalius_web_tests"


@pytest.fixture(scope="module")
def pg_app(kit) -> Iterator[object]:
    base = os.environ.get("VESALIUS_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("VESALIUS_TEST_POSTGRES_URL is not set: CI runs the PostgreSQL tests")
        pytest.skip('VESALIUS_TEST_POSTGRES_URL not set (run: eval "$(bash .ci/postgres)")')
    from vesalius.app import create_app
    from vesalius.demo import seed_demo
    from vesalius.plugins import reset_registry
    from vesalius.services import users
    from vesalius.services.actor import Actor

    admin = Database(base)
    with admin.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
    admin.dispose()
    joiner = "&" if "?" in base else "?"
    url = f"{base}{joiner}options={quote(f'-csearch_path={SCHEMA}')}"
    reset_registry()
    db = Database(url)
    db.upgrade()
    seed_demo(db, patients_count=16, days_back=2, days_ahead=2, per_day=3, today=date.today())
    with db.session() as session:
        for role, email in kit.ROLES.items():
            users.create_user(session, Actor.system("tests"), users.UserIn(
                email=email, role=role, name=role.title(), password=kit.PASSWORD,
                disciplines=["physio"] if role == "practitioner" else []))
    db.dispose()
    app = create_app(url, config={"TESTING": True})
    yield app
    app.extensions["vesalius.web"].db.dispose()
    admin = Database(base)
    with admin.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    admin.dispose()
    reset_registry()


def _as(app, kit, role):
    b = kit.Browser(app.test_client())
    assert b.login(kit.ROLES[role]).status_code == 302
    return b


def test_clinic_day_on_postgres(pg_app, kit):
    db = pg_app.extensions["vesalius.web"].db
    assert db.dialect == "postgresql"
    with db.session() as s:
        practitioner = s.scalar(select(Practitioner.id).join(User, User.id == Practitioner.user_id)
                                .where(User.email == kit.ROLES["practitioner"]))
        service = s.scalar(select(Service.id).where(Service.discipline == "physio").limit(1))
    desk = _as(pg_app, kit, "front-desk")
    registered = desk.post("/patients/new", {"given_name": "Marie", "family_name": "Curie",
                                             "preferred_contact": "email", "confirmed": "yes"})
    patient_id = int(re.search(r"/patients/(\d+)", registered.headers["Location"]).group(1))
    day = (date.today() + timedelta(days=1)).isoformat()
    booked = desk.post("/calendar/book", {"patient_id": patient_id,
                                          "practitioner_id": practitioner,
                                          "service_id": service, "date": day, "time": "06:00",
                                          "case_id": "new", "case_title": "Neck pain"})
    assert booked.status_code == 302, booked.get_data(as_text=True)[:500]
    clash = desk.post("/calendar/book", {"patient_id": patient_id,
                                         "practitioner_id": practitioner,
                                         "service_id": service, "date": day, "time": "06:15"})
    assert clash.status_code == 422  # the exclusion constraint's refusal, worded on the form
    assert "Marie Curie" in desk.get(f"/calendar/?date={day}").get_data(as_text=True)
    with db.session() as s:
        from vesalius.models import Appointment

        appt = s.scalar(select(Appointment.id).where(Appointment.patient_id == patient_id))
    desk.post(f"/calendar/appointments/{appt}/status", {"status": "arrived"})
    physio = _as(pg_app, kit, "practitioner")
    created = physio.post(f"/chart/visit/{appt}", {"template_id": "physio.follow-up"})
    note_id = int(re.search(r"/chart/notes/(\d+)", created.headers["Location"]).group(1))
    assert physio.get(f"/chart/notes/{note_id}").status_code == 200
    saved = physio.post_json(f"/chart/notes/{note_id}", {"document": {
        "subjective": {"report": "Better.", "nprs": {"responses": [4]}},
        "treatment": {"procedures": [{"code": "97110", "minutes": 30}]},
        "assessment": {"assessment": "Improving."}, "plan": {"plan": "Continue."}}})
    assert saved.status_code == 200, saved.get_json()
    assert physio.post(f"/chart/notes/{note_id}/sign", {"confirm": "yes"}).status_code == 302
    with db.session() as s:
        invoice = s.scalar(select(Invoice).where(Invoice.note_id == note_id))
    paid = desk.post(f"/billing/payments/new?patient={patient_id}", {
        "amount": str(invoice.total), "method": "cash", "invoice": str(invoice.id)})
    assert paid.status_code == 302
    profile = desk.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert re.search(r"Patient owes</dt><dd class=\"num\"><strong>0.00</strong>", profile)


def test_logout_ends_the_session_on_postgres(pg_app, kit):
    b = _as(pg_app, kit, "billing")
    cookie = b.client.get_cookie("vesalius").value
    b.post("/logout")
    thief = pg_app.test_client()
    thief.set_cookie("vesalius", cookie)
    assert thief.get("/account").status_code == 302


def test_portal_on_postgres(pg_app, kit):
    """The portal's invitation, sign-in, cancel and its scope, on PostgreSQL."""
    from datetime import UTC, datetime

    from vesalius.models import Appointment, OutboxMessage, Patient
    from vesalius.services import Actor, scheduling

    db = pg_app.extensions["vesalius.web"].db
    desk = _as(pg_app, kit, "front-desk")
    registered = desk.post("/patients/new", {"given_name": "Ida", "family_name": "Portal",
                                             "email": "ida.portal@example.org",
                                             "preferred_contact": "email", "confirmed": "yes"})
    patient_id = int(re.search(r"/patients/(\d+)", registered.headers["Location"]).group(1))
    with db.session() as s:
        practitioner = s.scalar(select(Practitioner.id).limit(1))
        other = s.scalar(select(Patient.id).where(Patient.id != patient_id).limit(1))
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=6)
        mine, theirs = (scheduling.book(s, Actor.system("tests"), scheduling.BookingIn(
            patient_id=pid, practitioner_id=practitioner, start=start + timedelta(hours=h),
            end=start + timedelta(hours=h, minutes=30))).id for pid, h in ((patient_id, 0),
                                                                            (other, 1)))
    desk.get(f"/patients/{patient_id}")
    assert desk.post(f"/portal/patients/{patient_id}/invite").status_code == 302
    with db.session() as s:
        body = s.scalar(select(OutboxMessage.body_text).where(
            OutboxMessage.patient_id == patient_id))
    path = re.search(r"/portal/invitation/\S+", body).group(0)
    b = kit.Browser(pg_app.test_client())
    b.get(path)
    password = "a long enough pass phrase"
    assert b.post(path, {"password": password, "confirm_password": password}).status_code == 302
    assert b.login("ida.portal@example.org", password).status_code == 302
    assert "Ida" in b.get("/portal/").get_data(as_text=True)
    assert b.post(f"/portal/appointments/{theirs}/cancel").status_code == 404
    assert b.post(f"/portal/appointments/{mine}/cancel").status_code == 302
    with db.session() as s:
        assert s.get(Appointment, mine).status == "cancelled"
        assert s.get(Appointment, theirs).status == "booked"
