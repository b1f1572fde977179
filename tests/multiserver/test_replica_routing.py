"""The read-replica routing on its own, without a server: two SQLite files stand for the
primary and a replica that has not caught up, so which one a statement ran on shows in
what it returns. (The PostgreSQL half, with a real streaming replica, is test_replica.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from vesalius.db import Database
from vesalius.db import replica as replicas
from vesalius.models import AuditEvent, Patient
from vesalius.services import audit, patients
from vesalius.services.actor import Actor


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    primary_path, replica_path = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    primary = Database(f"sqlite:///{primary_path}")
    primary.upgrade()
    primary.dispose()
    shutil.copy(primary_path, replica_path)  # the replica, as of now
    with primary.session() as session:  # then the primary moves on
        patients.create(session, Actor.system("tests"),
                        patients.PatientIn(given_name="Ada", family_name="Lovelace"))
    yield primary, replica_path
    replicas.dispose()
    primary.dispose()


def count(session, model) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.count()).select_from(model)))


def test_without_a_replica_reports_use_the_primary(two, monkeypatch) -> None:
    primary, _ = two
    monkeypatch.delenv(replicas.REPLICA_ENV, raising=False)
    assert replicas.replica_engine() is None
    assert replicas.report_sessions(primary) is primary.sessions
    with replicas.report_session(primary) as session:
        assert count(session, Patient) == 1


def test_reads_go_to_the_replica_and_writes_to_the_primary(two, monkeypatch) -> None:
    primary, replica_path = two
    monkeypatch.setenv(replicas.REPLICA_ENV, f"sqlite:///{replica_path}")
    with primary.session() as session:
        events = count(session, AuditEvent)
    with replicas.report_session(primary) as session:
        assert count(session, Patient) == 0  # the replica has not seen Ada
        with replicas.on_primary(session):
            assert count(session, Patient) == 1
        assert count(session, Patient) == 0
        # A locking read and raw SQL are the primary's (either may be part of a write).
        assert len(session.scalars(select(Patient.id).with_for_update()).all()) == 1
        assert session.scalar(text("SELECT count(*) FROM patients")) == 1
        audit.record(session, Actor.system("tests"), "read", "report", detail="test")
    with primary.session() as session:
        assert count(session, AuditEvent) == events + 1  # the audit event: primary
    replica = Database(f"sqlite:///{replica_path}")
    with replica.session() as session:
        assert count(session, AuditEvent) == 0 and count(session, Patient) == 0
    replica.dispose()


def test_on_primary_leaves_other_sessions_alone(two) -> None:
    primary, _ = two
    with primary.session() as session, replicas.on_primary(session) as same:
        assert same is session and count(session, Patient) == 1
