"""The tamper-evident audit log (issue 13): every event carries the hash of the one before
it; ``verify_chain`` and ``vesalius audit verify`` name the first broken link, whether a row
was changed, deleted or moved, or a list read's items were altered; the chain stays one
line under concurrent writers; the migration links an existing clinic's events."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from itertools import pairwise

import pytest
from click.testing import CliRunner
from clinic_factories import MONDAY, at, clinic_setup, patient
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from vesalius.cli import main
from vesalius.db import Database
from vesalius.db.migrate import alembic_config
from vesalius.models import AuditEvent
from vesalius.services import Actor, audit, patients, scheduling
from vesalius.services.audit import GENESIS, verify_chain
from vesalius.services.scheduling import BookingIn

FRONT_DESK = Actor(user_id=7, role="front-desk", ip="10.0.0.9", user_agent="tests")


def _tamper(db: Database, *statements: str) -> None:
    """Run raw SQL past the append-only guard, as someone with the database would."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER "
                                 "audit_events_append_only")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_events_append_only_update")
            conn.exec_driver_sql("DROP TRIGGER audit_events_append_only_delete")
        for statement in statements:
            conn.exec_driver_sql(statement)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER "
                                 "audit_events_append_only")


def _report(db: Database, **options: int) -> audit.ChainReport:
    with db.session() as s:
        return verify_chain(s, **options)


def _ids(db: Database) -> list[int]:
    with db.session() as s:
        return list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


@pytest.fixture
def logged(db, system):  # type: ignore[no-untyped-def]
    """A clinic whose log holds writes, reads and a list read (with its items)."""
    with db.session() as s:
        c = clinic_setup(s, system)
        for hour in (9, 10, 11):
            scheduling.book(s, system, BookingIn(
                patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
                start=at(MONDAY, hour), end=at(MONDAY, hour, 45)))
        patient_id = c["patient"].id
    with db.session() as s:
        patients.read(s, FRONT_DESK, patient_id)
        scheduling.day_list(s, FRONT_DESK, MONDAY, location_id=c["location"].id)
    return {"patient": patient_id, "location": c["location"].id}


def test_events_are_chained_in_id_order(db, logged):  # type: ignore[no-untyped-def]
    with db.session() as s:
        rows = s.execute(select(AuditEvent.id, AuditEvent.seq, AuditEvent.prev_hash,
                                AuditEvent.hash).order_by(AuditEvent.id)).all()
    assert len(rows) > 10
    assert rows[0].prev_hash == GENESIS
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(rows))
    report = _report(db)
    assert report.ok and report.first_broken_id is None and report.reason is None
    assert report.checked == len(rows) and report.lists_checked == 1
    assert (report.head_id, report.head_hash) == (rows[-1].id, rows[-1].hash)
    # A batch of 3 reads the log in many pieces and finds the same.
    assert _report(db, batch=3) == report


def test_a_changed_row_breaks_the_chain_at_it(db, logged):  # type: ignore[no-untyped-def]
    ids = _ids(db)
    target = ids[len(ids) // 2]
    _tamper(db, f"UPDATE audit_events SET user_id = 99 WHERE id = {target}")
    report = _report(db)
    assert not report.ok and report.first_broken_id == target
    assert report.reason.startswith("changed")
    assert report.checked == ids.index(target)


def test_a_changed_and_rehashed_row_breaks_the_next_link(db, logged):  # type: ignore[no-untyped-def]
    ids = _ids(db)
    target = ids[4]
    _tamper(db, f"UPDATE audit_events SET hash = '{'f' * 64}' WHERE id = {target}")
    report = _report(db)
    assert report.first_broken_id == target and report.reason.startswith("changed")


def test_a_deleted_row_breaks_the_chain_after_it(db, logged):  # type: ignore[no-untyped-def]
    ids = _ids(db)
    _tamper(db, f"DELETE FROM audit_events WHERE id = {ids[3]}")
    report = _report(db)
    assert not report.ok and report.first_broken_id == ids[4]
    assert report.reason.startswith("deleted") and str(ids[2]) in report.reason


def test_deleting_the_first_events_is_seen(db, logged):  # type: ignore[no-untyped-def]
    ids = _ids(db)
    _tamper(db, f"DELETE FROM audit_events WHERE id <= {ids[1]}")
    report = _report(db)
    assert report.first_broken_id == ids[2] and report.reason.startswith("deleted")


def test_reordered_rows_are_named(db, logged):  # type: ignore[no-untyped-def]
    ids = _ids(db)
    a, b = ids[5], ids[6]
    _tamper(db, f"UPDATE audit_events SET id = -1 WHERE id = {a}",
            f"UPDATE audit_events SET id = {a} WHERE id = {b}",
            f"UPDATE audit_events SET id = {b} WHERE id = -1")
    report = _report(db)
    assert report.first_broken_id == a
    assert report.reason.startswith("reordered") and f"event {b}" in report.reason


def test_a_changed_list_breaks_the_chain_at_its_read(db, logged):  # type: ignore[no-untyped-def]
    with db.session() as s:
        read = s.scalar(select(AuditEvent.id).where(AuditEvent.list_digest.is_not(None)))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_list_items DISABLE TRIGGER "
                                 "audit_list_items_append_only")
            conn.exec_driver_sql("UPDATE audit_list_items SET patient_id = 999")
            conn.exec_driver_sql("ALTER TABLE audit_list_items ENABLE TRIGGER "
                                 "audit_list_items_append_only")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_list_items_append_only_update")
            conn.exec_driver_sql("UPDATE audit_list_items SET patient_id = 999")
    report = _report(db)
    assert report.first_broken_id == read and report.reason.startswith("changed: the list")
    assert report.checked == _ids(db).index(read)


def test_the_chain_cannot_fork(db, logged):  # type: ignore[no-untyped-def]
    """Two events linking to the same predecessor are refused by the database itself."""
    with db.session() as s:
        head = s.execute(select(AuditEvent.seq, AuditEvent.prev_hash)
                         .order_by(AuditEvent.id.desc()).limit(1)).one()
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(insert(AuditEvent).values(
            action="read", resource_type="patient", outcome="ok",
            at=at(MONDAY, 9), seq=head.seq, prev_hash=head.prev_hash, hash="0" * 64))


def test_rolled_back_work_leaves_no_events(db, logged, system):  # type: ignore[no-untyped-def]
    before = len(_ids(db))
    with pytest.raises(RuntimeError), db.session() as s:
        patients.read(s, FRONT_DESK, logged["patient"])
        raise RuntimeError("the request failed")
    assert len(_ids(db)) == before
    with db.session() as s:
        with pytest.raises(RuntimeError), s.begin_nested():
            audit.record(s, FRONT_DESK, "read", "patient", 1, 1, detail="dropped")
            raise RuntimeError("savepoint rolled back")
        audit.record(s, FRONT_DESK, "read", "patient", 1, 1, detail="kept")
    with db.session() as s:
        details = list(s.scalars(select(AuditEvent.detail).where(AuditEvent.id > max(
            _ids(db)[:before]))))
    assert details == ["kept"]
    assert _report(db).ok


def test_events_read_back_in_their_own_transaction(db, logged):  # type: ignore[no-untyped-def]
    owner = Actor(user_id=1, role="owner")
    with db.session() as s:
        audit.record(s, FRONT_DESK, "read", "patient", 5, logged["patient"], detail="fresh")
        assert audit.events(s, owner, patient_id=logged["patient"])[0].detail == "fresh"
    assert _report(db).ok


def _hammer(db: Database, engine_sessions: sessionmaker, worker: int, n: int,
            errors: list[BaseException]) -> None:
    try:
        for i in range(n):
            with engine_sessions() as s:
                audit.record(s, FRONT_DESK, "read", "patient", worker, i,
                             detail=f"worker {worker}")
                if i % 3 == 0:
                    audit.record_list(s, FRONT_DESK, "read", "appointment",
                                      [(worker, i), (i, worker)])
                s.commit()
    except BaseException as exc:  # reported by the test
        errors.append(exc)


def test_concurrent_writers_keep_one_line(db, logged):  # type: ignore[no-untyped-def]
    """Threads writing at once (on SQLite half of them through a page view's deferred
    engine, whose transaction begins at the first write) still make one chain."""
    from vesalius.web.sessions import deferred_engine

    before = len(_ids(db))
    makers = [db.sessions, sessionmaker(deferred_engine(db), expire_on_commit=False)]
    workers, each = 8, 40
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_hammer, args=(db, makers[w % 2], w, each, errors))
               for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = _report(db)
    assert report.ok, report.summary()
    added = workers * each + workers * len(range(0, each, 3))
    assert report.checked == before + added


def test_cli_verify(db, logged):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    ok = runner.invoke(main, ["audit", "verify", "--database", db.url])
    assert ok.exit_code == 0
    assert ok.output.startswith("audit chain intact: ") and ok.output.count("\n") == 2
    assert "anchors: no anchors file at " in ok.output
    as_json = json.loads(runner.invoke(main, ["audit", "verify", "--json", "--database",
                                              db.url]).output)
    assert as_json["ok"] is True and as_json["first_broken_id"] is None
    assert as_json["head_hash"] in ok.output
    ids = _ids(db)
    _tamper(db, f"UPDATE audit_events SET detail = 'edited' WHERE id = {ids[2]}")
    broken = runner.invoke(main, ["audit", "verify", "--database", db.url])
    assert broken.exit_code == 1
    assert f"broken at event {ids[2]}: changed" in broken.output


def test_migration_links_existing_events(db, logged):  # type: ignore[no-untyped-def]
    """Down to the revision before the chain (the columns go), more events as an older
    release wrote them, up again: the chain starts at the clinic's first event and covers
    them all."""
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    chain = next(r for r in ScriptDirectory.from_config(config).walk_revisions()
                 if r.revision.endswith("_audit_chain"))
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, chain.down_revision)
    with db.engine.begin() as conn:
        columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(audit_events)")} \
            if conn.dialect.name == "sqlite" else set(conn.exec_driver_sql(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'audit_events'").scalars())
        assert "hash" not in columns and "prev_hash" not in columns
        conn.execute(text("INSERT INTO audit_events (at, role, action, resource_type, outcome,"
                          " detail) VALUES (:at, 'owner', 'read', 'patient', 'ok', :d)"),
                     [{"at": at(MONDAY, 8, n).replace(tzinfo=None), "d": f"old {n}"}
                      for n in range(5)])
        total = conn.execute(text("SELECT count(*) FROM audit_events")).scalar()
    db.dispose()
    db.upgrade()
    report = _report(db)
    assert report.ok, report.summary()
    assert report.checked == total
    with db.session() as s:
        first = s.scalar(select(AuditEvent.prev_hash).order_by(AuditEvent.id).limit(1))
        assert first == GENESIS
        with pytest.raises(IntegrityError):  # the append-only guard is back
            s.execute(text("UPDATE audit_events SET detail = 'x'"))
    # New events continue the migrated chain.
    with db.session() as s:
        patient(s, Actor.system("tests"), "Grace", "Hopper")
    with db.session() as s:
        assert verify_chain(s).checked > total
        assert s.scalar(select(func.count()).select_from(AuditEvent)) > total


def test_bookings_in_one_transaction_chain_in_order(db, logged, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        for week in range(1, 4):
            scheduling.book(s, system, BookingIn(
                patient_id=logged["patient"], practitioner_id=1,
                start=at(MONDAY + timedelta(weeks=week), 9),
                end=at(MONDAY + timedelta(weeks=week), 9, 45)))
    assert _report(db).ok


def test_the_cli_check_does_not_hold_the_write_lock(db, logged, monkeypatch):  # type: ignore[no-untyped-def]
    """While ``vesalius audit verify`` reads the log, the clinic keeps writing (SQLite:
    it reads outside the core's BEGIN IMMEDIATE)."""
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL readers never block writers")
    import sqlite3

    from vesalius.cli import audit as audit_cli

    writes: list[str] = []

    def verify_while_writing(session, **options):  # type: ignore[no-untyped-def]
        session.execute(select(AuditEvent.id).limit(1)).all()  # reading has begun
        with sqlite3.connect(db.engine.url.database, timeout=0.2) as other:
            other.execute("INSERT INTO audit_lists (digest, resource_type, size) "
                          "VALUES ('x', 'test', 0)")
            writes.append("written")
        return verify_chain(session, **options)

    monkeypatch.setattr(audit_cli, "verify_chain", verify_while_writing)
    result = CliRunner().invoke(main, ["audit", "verify", "--database", db.url])
    assert writes == ["written"]
    assert result.exit_code == 0, result.output
