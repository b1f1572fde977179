"""The backup schedule claimed in the database, on SQLite and PostgreSQL: two workers looking
at the same minutes take one backup per due time between them; a claim whose worker died is
retaken after the timeout (not before), a failed run is retried after the delay up to the
attempt limit, and a holder's heartbeat keeps its claim."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from clinic_backups import insured_clinic
from sqlalchemy import select
from vesalius.backup import claims, crypto
from vesalius.backup.policy import Retention
from vesalius.backup.settings import Settings, from_env
from vesalius.db import Database
from vesalius.models import BackupClaim, BackupRun

DAY = datetime(2030, 3, 4, tzinfo=UTC)


def _at(hour: int, minute: int, second: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute, second=second)


def _settings(tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "directory": tmp_path / "backups", "worker_store": tmp_path / "worker.sqlite3",
        "retention": Retention(daily=30, weekly=0, monthly=0), "schedule": "30,40 2 * * *"}
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_key(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)


def _claims(db: Database) -> list[tuple[datetime, str, str, int]]:
    with db.session() as s:
        return [(c.due_at, c.state, c.worker, c.attempts) for c in
                s.scalars(select(BackupClaim).order_by(BackupClaim.due_at))]


def _runs(db: Database) -> list[tuple[str, bool]]:
    with db.session() as s:
        return [(r.trigger, r.ok) for r in s.scalars(select(BackupRun).order_by(BackupRun.id))]


def test_the_due_time_is_the_latest_the_schedule_names() -> None:
    six = timedelta(hours=6)
    assert claims.due_time("30 2 * * *", _at(2, 30, 59), six) == _at(2, 30)
    assert claims.due_time("30 2 * * *", _at(8, 30), six) == _at(2, 30)  # a late worker
    assert claims.due_time("30 2 * * *", _at(8, 31), six) is None  # too late: skipped
    assert claims.due_time("30 2 * * *", _at(2, 29), six) is None
    assert claims.due_time("30,40 2 * * *", _at(2, 45), six) == _at(2, 40)
    # Six hours, and at least three timeouts (a dead claim is retaken twice within it).
    assert claims.lookback(Settings(claim_timeout=timedelta(hours=3))) == timedelta(hours=9)
    assert from_env({"VESALIUS_BACKUP_CLAIM_TIMEOUT": "40"}, "sqlite:///x.sqlite3") \
        .claim_timeout == timedelta(minutes=40)


def test_two_worker_loops_take_one_backup_per_due_time(db, db_url, system, tmp_path):  # type: ignore[no-untyped-def]
    """Two workers (each its own engine, as two processes) look at the same simulated
    minutes at the same moment; each due time is backed up once, by one of them."""
    insured_clinic(db, system, patients=1)
    settings = _settings(tmp_path)
    minutes = [_at(2, 28) + timedelta(minutes=m) for m in range(16)]  # 02:28 to 02:43
    together = threading.Barrier(2, timeout=60)
    taken: dict[str, list[datetime]] = {"a": [], "b": []}
    failures: list[BaseException] = []

    def loop(name: str) -> None:
        database = Database(db_url)
        try:
            for now in minutes:
                together.wait()  # both look at this minute at once
                done = claims.tick(settings, database, now=now, worker=name)
                if done.attempt:
                    assert done.outcome is not None
                    taken[name].append(done.due_at)  # type: ignore[arg-type]
                    time.sleep(1.1)  # backups are named by the second they were taken
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
            together.abort()
        finally:
            database.dispose()

    workers = [threading.Thread(target=loop, args=(n,)) for n in taken]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not failures, failures
    assert sorted(taken["a"] + taken["b"]) == [_at(2, 30), _at(2, 40)]
    assert [(due, state, attempts) for due, state, _w, attempts in _claims(db)] == [
        (_at(2, 30), "done", 1), (_at(2, 40), "done", 1)]
    assert _runs(db) == [("worker", True), ("worker", True)]
    assert len(list((tmp_path / "backups").iterdir())) >= 1


def test_a_dead_workers_claim_is_retaken_after_the_timeout(db, db_url, system, tmp_path):  # type: ignore[no-untyped-def]
    insured_clinic(db, system, patients=1)
    settings = _settings(tmp_path, schedule="30 2 * * *")
    dead = claims.claim(db, _at(2, 30), worker="host-a:1", now=_at(2, 30),
                        timeout=settings.claim_timeout)
    assert dead is not None and dead.attempt == 1  # then host-a dies: no renewal, no finish
    for minute in (31, 40, 45):  # within 15 minutes of its last renewal: left alone
        assert claims.tick(settings, db, now=_at(2, minute), worker="host-b:2").attempt == 0
    assert _runs(db) == []
    done = claims.tick(settings, db, now=_at(2, 45, 30), worker="host-b:2")
    assert done.attempt == 2 and done.outcome is not None
    assert _claims(db) == [(_at(2, 30), "done", "host-b:2", 2)]
    assert _runs(db) == [("worker", True)]
    # host-a comes back and reports: its claim is no longer its own; nothing changes.
    assert not claims.finish(db, dead, ok=True, at=_at(2, 50))
    assert _claims(db) == [(_at(2, 30), "done", "host-b:2", 2)]
    assert claims.tick(settings, db, now=_at(3, 5), worker="host-a:1").attempt == 0


def test_a_failed_run_is_retried_after_the_delay_up_to_the_limit(db, tmp_path):  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = _settings(tmp_path, schedule="30 2 * * *", directory=blocker / "backups")
    with pytest.raises(OSError):
        claims.tick(settings, db, now=_at(2, 30), worker="a")
    assert _claims(db) == [(_at(2, 30), "failed", "a", 1)]
    assert claims.tick(settings, db, now=_at(2, 35), worker="b").attempt == 0  # too soon
    with pytest.raises(OSError):
        claims.tick(settings, db, now=_at(2, 41), worker="b")
    with pytest.raises(OSError):
        claims.tick(settings, db, now=_at(2, 52), worker="a")
    assert _claims(db) == [(_at(2, 30), "failed", "a", 3)]
    assert claims.tick(settings, db, now=_at(3, 30), worker="b").attempt == 0  # no more
    assert _runs(db) == [("worker", False)] * 3


def test_the_holders_heartbeat_keeps_its_claim(db) -> None:  # type: ignore[no-untyped-def]
    timeout = timedelta(seconds=0.3)
    held = claims.claim(db, _at(2, 30), worker="a", now=_at(2, 30), timeout=timeout)
    assert held is not None
    with claims.holding(db, held, timeout):
        time.sleep(0.5)  # a backup longer than the timeout: renewed every 0.1 s
    with db.session() as s:
        renewed = s.scalar(select(BackupClaim.renewed_at))
    assert renewed >= _at(2, 30) + timedelta(seconds=0.3)
    # Another worker looking at 02:30:00.5 finds it renewed within the timeout.
    assert claims.claim(db, _at(2, 30), worker="b", now=renewed + timedelta(seconds=0.2),
                        timeout=timeout) is None
    assert claims.finish(db, held, ok=True, at=renewed)
    assert _claims(db) == [(_at(2, 30), "done", "a", 1)]
