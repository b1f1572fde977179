"""Durable commits: every SQLite connection the app opens syncs each commit (WAL with
``synchronous=FULL``), and a write request is one commit, so the audit rows of a booking,
a signature or a payment are made durable by the same sync as the record itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, event, func, select
from vesalius.app import create_app
from vesalius.db import Database
from vesalius.models import Appointment, AuditEvent, Note
from vesalius.services import Actor, users

FULL, WAL = 2, "wal"


def _pragmas(engine: Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        return (conn.exec_driver_sql("PRAGMA synchronous").scalar(),  # type: ignore[return-value]
                conn.exec_driver_sql("PRAGMA journal_mode").scalar())


def test_every_sqlite_connection_syncs_each_commit(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    app = create_app(url)
    db = app.extensions["vesalius.db"]
    state = app.extensions["vesalius.web"]
    engines = {db.engine}
    if state.page_sessions is not None:  # the page views' own engine
        engines.add(state.page_sessions.kw["bind"])
    assert len(engines) == 2
    for engine in engines:
        assert _pragmas(engine) == (FULL, WAL)
    db.dispose()


@pytest.fixture
def api(db_url: str, db: Database) -> Iterator[tuple[Flask, dict[str, str]]]:
    from vesalius.demo import seed_demo

    seed_demo(db, patients_count=4, days_back=3, days_ahead=1, per_day=1)
    with db.session() as session:
        from vesalius.models import User

        system = Actor.system("tests")
        tokens = {role: users.issue_token(session, system, session.scalars(
            select(User).where(User.role == role).order_by(User.id)).first())
            for role in ("owner", "practitioner")}
    app = create_app(db_url)
    yield app, tokens
    app.extensions["vesalius.db"].dispose()


@pytest.fixture
def commits() -> Iterator[Any]:
    """``with commits(engine) as seen: ...``: the COMMITs engine runs inside (the syncs)."""
    from contextlib import contextmanager

    @contextmanager
    def counting(engine: Engine) -> Iterator[list[int]]:
        seen: list[int] = []

        def on_commit(_conn: Any) -> None:
            seen.append(1)

        event.listen(engine, "commit", on_commit)
        try:
            yield seen
        finally:
            event.remove(engine, "commit", on_commit)

    return counting


def test_a_write_request_is_one_commit_with_its_audit_rows(
        api: tuple[Flask, dict[str, str]], db: Database, commits: Any) -> None:
    app, tokens = api
    client = app.test_client()
    engine = app.extensions["vesalius.db"].engine
    with db.session() as session:
        from vesalius.models import Practitioner

        first = session.scalars(select(Practitioner.id).order_by(Practitioner.id)).first()
        note = session.scalar(select(Note).where(Note.status == "signed",
                                                 Note.practitioner_id == first).limit(1))
        appt = session.get(Appointment, note.appointment_id)
        last_audit = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())
                                    .limit(1))
        start = datetime.combine(note.date_of_service - timedelta(days=30),
                                 appt.start_at.timetz())
        body = {"patient_id": note.patient_id, "practitioner_id": appt.practitioner_id,
                "case_id": note.case_id, "service_id": appt.service_id,
                "start": start.isoformat()}
    def write(path: str, payload: Any = None, role: str = "practitioner") -> Any:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        with commits(engine) as seen:
            response = client.post("/api/v1" + path, json=payload, headers=headers)
        assert 200 <= response.status_code < 300, response.get_json()
        assert len(seen) == 1, f"{path}: {len(seen)} commits"
        return response.get_json()

    # A visit from booking to payment: each write request is one commit.
    booked = write("/appointments", body)
    write(f"/appointments/{booked['id']}/status", {"status": "arrived"})
    draft = write("/notes", {"appointment_id": booked["id"], "template_id": note.template_id,
                             "document": note.document})
    signed = write(f"/notes/{draft['id']}/sign")
    assert signed["note"]["content_sha256"] and signed["invoice"]["lines"]
    issued = write(f"/invoices/{signed['invoice']['id']}/issue", role="owner")
    amount = issued["patient_portion"]
    assert Decimal(amount) > 0
    write("/payments", {"patient_id": note.patient_id, "amount": amount, "method": "cash",
                        "received_on": datetime.now(UTC).date().isoformat(),
                        "allocations": [{"invoice_id": issued["id"], "amount": amount}]},
          role="owner")
    # The audit rows came with them, in those same commits.
    with db.session() as session:
        audited = {(a.resource_type, a.resource_id) for a in session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_audit))}
    assert ("appointment", booked["id"]) in audited
    assert ("note", draft["id"]) in audited


def test_a_read_only_database_answers_503_naming_the_cause_on_both_engines(
        api: tuple[Flask, dict[str, str]], db: Database) -> None:
    """PostgreSQL: a read-only transaction (as on a hot standby after a fail-over) is
    SQLSTATE 25006; SQLite: ``query_only``, its SQLITE_READONLY. Nothing is written, reads
    are served."""
    from sqlalchemy.pool import Pool
    from vesalius.models import Patient
    from vesalius.services import storage_health

    app, tokens = api
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens['owner']}"}
    app.extensions["vesalius.db"].engine.dispose()  # every connection from now on

    def read_only(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA query_only = ON" if db.dialect == "sqlite"
                       else "SET default_transaction_read_only = on")
        cursor.close()
        if db.dialect == "postgresql":
            dbapi_conn.commit()

    with db.session() as session:
        patients_before = session.scalar(select(func.count()).select_from(Patient))
    event.listen(Pool, "checkout", read_only)
    try:
        response = client.post("/api/v1/patients", headers=headers, json={
            "given_name": "Read", "family_name": "Only", "birth_date": "1990-01-01"})
        assert response.status_code == 503, response.get_json()
        assert response.get_json()["cause"] == "read-only"
        assert client.get("/api/v1/openapi.json").status_code == 200
    finally:
        event.remove(Pool, "checkout", read_only)
        app.extensions["vesalius.db"].engine.dispose()
        storage_health.forget(db.url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == patients_before
