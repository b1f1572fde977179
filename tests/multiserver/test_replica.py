"""Reports read from the streaming replica; every write, a report's audit events included,
goes to the primary. Server B has ``VESALIUS_DATABASE_REPLICA_URL``; the replica's WAL
replay is paused to tell the two databases apart: B's reports then show the clinic as it
was, while B's other pages and server A show it as it is."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from multiserver_kit import OWNER, Browser, Clinic, required, revenue
from sqlalchemy import create_engine, event, func, select, text

pytestmark = pytest.mark.postgres


@pytest.fixture
def replica(clinic: Clinic) -> str:
    """The replica's URL (in the tests' schema), once it has replayed all the primary wrote
    so far (the suites before this one may have left it behind)."""
    required("VESALIUS_TEST_REPLICA_URL", 'eval "$(bash .ci/replica)" after .ci/postgres')
    assert clinic.replica_url
    primary, standby = create_engine(clinic.url), create_engine(clinic.replica_url)
    try:
        with primary.connect() as conn:
            written = conn.scalar(text("SELECT pg_current_wal_lsn()"))
        deadline = time.monotonic() + 120
        with standby.connect() as conn:
            while not conn.scalar(text("SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)"),
                                  {"lsn": written}):
                assert time.monotonic() < deadline, "the replica is not catching up"
                time.sleep(0.1)
    finally:
        primary.dispose()
        standby.dispose()
    return clinic.replica_url


@contextmanager
def replay_paused(replica_url: str) -> Iterator[None]:
    """The replica stops applying the primary's WAL inside the block (it still receives
    it), then catches up."""
    engine = create_engine(replica_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_pause()"))
            # Paused for real once replay stopped (not merely asked to stop).
            while conn.scalar(text("SELECT pg_get_wal_replay_pause_state()")) != "paused":
                time.sleep(0.05)
        yield
    finally:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
        engine.dispose()


def names(rows: list[dict[str, object]]) -> set[object]:
    return {row["practitioner_name"] for row in rows}


def test_the_replica_is_a_standby_of_the_primary(clinic: Clinic, replica: str) -> None:
    for url, recovering in ((clinic.url, False), (replica, True)):
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT pg_is_in_recovery()")) is recovering
        engine.dispose()


def test_reports_on_b_read_the_replica_and_write_the_primary(servers, clinic: Clinic,
                                                              replica: str) -> None:
    a, b = servers
    from vesalius.models import AuditEvent, Practitioner

    primary = create_engine(clinic.url)
    with primary.connect() as conn:
        old_name = conn.scalar(select(Practitioner.display_name)
                               .where(Practitioner.id == clinic.practitioner_id))
    assert old_name in names(revenue(b, clinic.token)), "the demo issued invoices"
    new_name = f"{old_name} (renamed on A)"
    owner = Browser()
    assert owner.login(a, OWNER).status_code == 302

    def report_reads() -> int:
        with primary.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.resource_type == "report")) or 0)

    with replay_paused(replica):
        owner.get(a, "/admin/locations")
        renamed = owner.post(a, f"/admin/practitioners/{clinic.practitioner_id}",
                             {"display_name": new_name})
        assert renamed.status_code == 302
        assert new_name in names(revenue(a, clinic.token))  # A reads the primary
        on_b = names(revenue(b, clinic.token))  # B's report reads the paused replica
        assert old_name in on_b and new_name not in on_b
        # B's report page reads the replica too, and audits the read on the primary (the
        # replica, a hot standby, would refuse the write: the page would fail).
        reads = report_reads()
        page = owner.get(b, "/reports/")
        assert page.status_code == 200, page.text[:300]
        assert old_name in page.text and new_name not in page.text
        assert report_reads() > reads
        # Anything but a report reads the primary on B as well.
        assert new_name in owner.get(b, "/admin/locations").text

    deadline = time.monotonic() + 15
    while new_name not in names(revenue(b, clinic.token)):  # the replica caught up
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.2)
    primary.dispose()


def test_a_report_session_sends_only_plain_reads_to_the_replica(
        clinic: Clinic, replica: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """In process: every statement a report runs, by the database it ran on."""
    from vesalius.db import Database
    from vesalius.db import replica as replicas
    from vesalius.services import clinic_reports, reports
    from vesalius.services.actor import Actor

    monkeypatch.setenv(replicas.REPLICA_ENV, replica)
    db = Database(clinic.url)
    standby = replicas.replica_engine()
    assert standby is not None
    ran: dict[str, list[str]] = {"primary": [], "replica": []}
    for name, engine in (("primary", db.engine), ("replica", standby)):
        event.listen(engine, "before_cursor_execute",
                     lambda _c, _cur, sql, *_a, name=name: ran[name].append(sql))
    try:
        today = date.today()
        with replicas.report_session(db) as session:
            who = Actor.system("tests")
            assert reports.revenue_by_practitioner(session, who, today - timedelta(days=60),
                                                   today)
            clinic_reports.attendance(session, who, today - timedelta(days=60), today)
            assert session.scalar(text("SELECT pg_is_in_recovery()")) is False  # raw: primary
            assert session.scalar(select(func.pg_is_in_recovery())) is True
    finally:
        replicas.dispose()
        db.dispose()
    assert ran["replica"] and all(sql.lstrip().upper().startswith("SELECT")
                                  for sql in ran["replica"]), ran["replica"]
    assert any(sql.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS")
               for sql in ran["primary"]), ran["primary"]
