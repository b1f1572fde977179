"""A read replica that refuses connections: the reports read from the primary instead (the
API's revenue report and the reports page, on a SQLite and a PostgreSQL primary), the
replica is not tried again for a while, and the warning, which names the replica's host and
nothing of the report, is logged once per interval, not per request."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from clinic_factories import patient
from sqlalchemy import func, select
from vesalius.app import create_app
from vesalius.db import replica as replicas
from vesalius.models import AuditEvent, Patient
from vesalius.services import Actor, users

PASSWORD = "correct horse battery staple"
LOGGER = "vesalius.db.replica"


def _refusing_url() -> str:
    """A PostgreSQL URL on a local port nothing listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+psycopg://reports:secret@127.0.0.1:{port}/clinic"


@pytest.fixture
def refused(monkeypatch) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = _refusing_url()
    monkeypatch.setenv(replicas.REPLICA_ENV, url)
    replicas.dispose()
    yield url
    replicas.dispose()


@contextmanager
def _counting_connects(monkeypatch, engine):  # type: ignore[no-untyped-def]
    tries: list[int] = []
    real = engine.connect

    def connect():  # type: ignore[no-untyped-def]
        tries.append(1)
        return real()

    monkeypatch.setattr(engine, "connect", connect)
    yield tries


def _warnings(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in caplog.records
            if r.name == LOGGER and r.levelno == logging.WARNING]


def test_a_report_reads_the_primary_when_the_replica_refuses(db, system, refused, caplog,
                                                             monkeypatch):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=LOGGER)
    with db.session() as s:
        patient(s, system)
    engine = replicas.replica_engine()
    assert engine is not None
    with _counting_connects(monkeypatch, engine) as tries:
        for _ in range(3):  # three reports: the first finds the replica down
            with replicas.report_session(db) as session:
                assert session.scalar(select(func.count()).select_from(Patient)) == 1
        assert len(tries) == 1  # the next two did not try the replica again
    (warning,) = _warnings(caplog)
    port = re.search(r":(\d+)/", refused).group(1)  # type: ignore[union-attr]
    assert f"127.0.0.1:{port}" in warning and "reports read from the primary" in warning
    assert "secret" not in warning and "reports:" not in warning and "Ada" not in warning


def test_the_replica_is_tried_again_after_the_interval_and_warned_of_rarely(refused, caplog,
                                                                           monkeypatch):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=LOGGER)
    engine = replicas.replica_engine()
    assert engine is not None
    start = 1000.0
    with _counting_connects(monkeypatch, engine) as tries:
        assert not replicas.reachable(engine, now=start)
        assert not replicas.reachable(engine, now=start + replicas.RETRY_AFTER - 1)
        assert len(tries) == 1
        assert not replicas.reachable(engine, now=start + replicas.RETRY_AFTER)  # tried
        assert len(tries) == 2
        assert len(_warnings(caplog)) == 1  # still within the warning interval
        assert not replicas.reachable(engine, now=start + replicas.WARN_EVERY)
        assert len(tries) == 3 and len(_warnings(caplog)) == 2

    @contextmanager
    def answers():  # type: ignore[no-untyped-def]
        yield SimpleNamespace(connection=SimpleNamespace(dbapi_connection=None))

    monkeypatch.setattr(engine, "connect", answers)  # the replica is back
    monkeypatch.setattr(engine.dialect, "do_ping", lambda _conn: True)
    later = start + replicas.WARN_EVERY + replicas.RETRY_AFTER
    assert replicas.reachable(engine, now=later)
    assert replicas.reachable(engine, now=later + 1)
    back = _warnings(caplog)[2:]
    assert len(back) == 1 and "reachable again" in back[0]  # said once


def _owner(db) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    system = Actor.system("tests")
    with db.session() as s:
        user = users.create_user(s, system, users.UserIn(
            email="owner@clinic.test", role="owner", name="Owner", password=PASSWORD))
        patient(s, system)
        return users.issue_token(s, system, user), user.email


def test_the_api_and_the_reports_page_answer_from_the_primary(db, db_url, refused, caplog):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger=LOGGER)
    token, email = _owner(db)
    app = create_app(db_url)
    app.config["TESTING"] = True
    with db.session() as s:
        audited = s.scalar(select(func.count()).select_from(AuditEvent))
    client = app.test_client()
    today = date.today()
    for _ in range(3):
        answer = client.get("/api/v1/reports/revenue", headers={
            "Authorization": f"Bearer {token}"}, query_string={
            "from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()})
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    signed_in = client.post("/login", data={"csrf_token": csrf, "email": email,
                                            "password": PASSWORD})
    assert signed_in.status_code == 302
    reports = client.get("/reports/")
    assert reports.status_code == 200, reports.get_data(as_text=True)[:300]
    assert "Revenue" in reports.get_data(as_text=True)
    with db.session() as s:  # the reports' audit events reached the primary
        assert s.scalar(select(func.count()).select_from(AuditEvent)) > audited
    assert len(_warnings(caplog)) == 1  # four reports, one warning
    app.extensions["vesalius.db"].dispose()
