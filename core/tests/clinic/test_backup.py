"""Backups: taken while the clinic books, signs and takes payments, they restore and verify
on both engines; encrypted ones need their key; the scheduled run stores them in a folder or
an S3 store (moto's server, over HTTP) and prunes them; each run is recorded;
``vesalius db upgrade`` takes one first."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from clinic_backups import empty_target, insured_clinic, visit
from sqlalchemy import func, inspect, select
from vesalius.backup import (
    BackupError,
    BackupKeyError,
    CorruptBackup,
    crypto,
    restore,
    runs,
    scheduled,
    take,
)
from vesalius.backup.policy import Retention, backup_name
from vesalius.backup.settings import Settings, SettingsError, from_env
from vesalius.backup.worker import make_huey
from vesalius.cli import main
from vesalius.db import Database
from vesalius.db.migrate import alembic_config, current, head
from vesalius.models import BackupClaim, BackupRun, Note, Patient


def test_backup_under_load_restores_and_verifies(db, db_url, system, tmp_path):  # type: ignore[no-untyped-def]
    """Another thread keeps booking, signing, issuing and taking payments while the backup
    runs; the backup is one consistent moment, and restores and verifies."""
    clinic = insured_clinic(db, system)
    done, stop, errors = [0], threading.Event(), []

    def clinic_at_work() -> None:
        try:
            while not stop.is_set():
                visit(db, system, clinic, done[0])
                done[0] += 1
        except Exception as exc:  # surfaced below
            errors.append(exc)

    worker = threading.Thread(target=clinic_at_work)
    worker.start()
    try:
        while done[0] < 3 and not errors:
            stop.wait(0.05)
        before = done[0]
        result = take(db_url, tmp_path / "under-load.tar.gz", key=None)
        after_backup = done[0]
        while done[0] < after_backup + 2 and not errors:
            stop.wait(0.05)
    finally:
        stop.set()
        worker.join()
    assert not errors, errors
    assert before >= 3 and done[0] >= after_backup + 2
    signed = result.manifest["signed_notes"]
    assert before <= signed <= after_backup + 1  # a moment between the two
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Note)) > signed  # work went on

    with empty_target(db_url, tmp_path) as target:
        restored = restore(result.path, target, key=None)
        assert restored.verification.ok, restored.verification.lines()
        names = [c.name for c in restored.verification.checks]
        assert names == ["schema", "row counts", "signed notes", "balances", "audit chain"]
        copy = Database(target)
        try:
            with copy.session() as s:
                assert s.scalar(select(func.count()).select_from(Note).where(
                    Note.content_sha256.is_not(None))) == signed
                assert s.scalar(select(func.count()).select_from(Patient)) == 3
            assert current(copy.engine) == head()
        finally:
            copy.dispose()


def test_encrypted_round_trip_and_the_wrong_key(db, db_url, system, tmp_path):  # type: ignore[no-untyped-def]
    clinic = insured_clinic(db, system, patients=1)
    visit(db, system, clinic, 0)
    key, other = crypto.new_key(), crypto.new_key()
    result = take(db_url, tmp_path / "b.tar.gz.enc", key)
    raw = result.path.read_bytes()
    assert raw[:8] == crypto.MAGIC and result.encrypted
    assert b"Visit 0" not in raw and b"Backup" not in raw  # no clear text of the clinic
    with empty_target(db_url, tmp_path) as target:
        with pytest.raises(BackupKeyError, match=f"key id {crypto.key_id(key)}.*"
                                                  f"{crypto.key_id(other)}"):
            restore(result.path, target, other)
        with pytest.raises(BackupKeyError, match="encrypted"):
            restore(result.path, target, None)
        assert restore(result.path, target, key).verification.ok


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 300, 1000])
def test_stream_encryption_at_chunk_edges(size: int) -> None:
    import io

    key, plain = crypto.new_key(), bytes(range(256)) * 4
    plain = plain[:size]
    sink = io.BytesIO()
    writer = crypto.EncryptingWriter(sink, key, chunk=100)
    for start in range(0, size, 37):  # odd write sizes
        writer.write(plain[start:start + 37])
    writer.close()
    sealed = sink.getvalue()
    chunks = max(1, -(-size // 100))
    assert len(sealed) == crypto.HEADER.size + size + 16 * chunks
    reader = crypto.open_reader(io.BytesIO(sealed), key)
    assert reader.read() == plain
    if size:  # dropping the last chunk, or any byte, is caught
        cut = crypto.open_reader(io.BytesIO(sealed[:-(size % 100 or 100) - 16]), key)
        with pytest.raises(crypto.CorruptBackup):
            cut.read()
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    with pytest.raises(crypto.CorruptBackup):
        crypto.open_reader(io.BytesIO(bytes(flipped)), key).read()


def test_key_files(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "backup.key"
    runner = CliRunner()
    made = runner.invoke(main, ["backup", "keygen", str(path)])
    assert made.exit_code == 0, made.output
    assert path.stat().st_mode & 0o777 == 0o600
    key = crypto.load_key(path)
    assert key is not None and len(key) == 32 and crypto.key_id(key) in made.output
    again = runner.invoke(main, ["backup", "keygen", str(path)])
    assert again.exit_code != 0 and "never overwritten" in again.output
    assert crypto.load_key(path) == key
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(crypto.KEY_ENV, crypto.key_text(key))
    assert crypto.load_key() == key
    monkeypatch.setenv(crypto.KEY_ENV, "not a key")
    with pytest.raises(BackupKeyError, match="VESALIUS_BACKUP_KEY"):
        crypto.load_key()


def test_backup_command_records_the_run(db, db_url, system, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    insured_clinic(db, system, patients=1)
    out = tmp_path / "one.tar.gz"
    done = CliRunner().invoke(main, ["backup", "-o", str(out), "--database", db_url])
    assert done.exit_code == 0, done.output
    assert str(out) in done.output and "NOT encrypted" in done.output
    again = CliRunner().invoke(main, ["backup", "-o", str(out), "--database", db_url])
    assert again.exit_code == 1 and "already exists" in again.output
    with db.session() as s:
        found = list(s.scalars(select(BackupRun).order_by(BackupRun.id)))
    assert [(r.trigger, r.ok, r.destination) for r in found] == [
        ("command", True, str(out)), ("command", False, str(out))]
    assert found[0].sha256 == crypto.hashlib.sha256(out.read_bytes()).hexdigest()
    assert found[0].size_bytes == out.stat().st_size
    assert "already exists" in (found[1].error or "")


def test_status_for_the_admin_page(db, system) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    with db.session() as s:
        assert "No backup has been taken yet" in (runs.status(s, now).warning or "")

    def add(hours_ago: float, ok: bool) -> None:
        when = now - timedelta(hours=hours_ago)
        with db.session() as s:
            s.add(BackupRun(started_at=when, finished_at=when, trigger="worker",
                            destination="/backups/x", ok=ok, encrypted=True,
                            error=None if ok else "disk full"))

    add(30, True)
    with db.session() as s:
        state = runs.status(s, now)
        assert state.last_good is not None and state.warning == \
            "The last good backup is 30 hours old."
    add(2, False)
    with db.session() as s:
        state = runs.status(s, now)
        assert state.warning == "The last backup failed: disk full."
        assert state.last_good is not None and state.last_good.ok
    add(1, True)
    with db.session() as s:
        state = runs.status(s, now)
        assert state.warning is None and state.last is state.last_good


def _settings(tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {"directory": tmp_path / "backups",
                                 "worker_store": tmp_path / "worker.sqlite3",
                                 "retention": Retention(daily=2, weekly=0, monthly=0)}
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


def test_worker_backs_up_to_a_folder_and_prunes(db, db_url, system, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(crypto.KEY_ENV, crypto.key_text(crypto.new_key()))
    insured_clinic(db, system, patients=1)
    settings = _settings(tmp_path, schedule="* * * * *")  # due now, whenever this runs
    folder = settings.directory
    assert folder is not None
    folder.mkdir()
    today = datetime.now(UTC)
    old = [backup_name(today - timedelta(days=d), True) for d in (1, 2, 5)]
    for name in [*old, "notes.txt"]:
        (folder / name).write_bytes(b"older")
    huey = make_huey(settings, db_url, immediate=True)
    huey.backup_task()  # type: ignore[attr-defined]
    kept = sorted(p.name for p in folder.iterdir())
    # Keep 2 daily: today's (new) and yesterday's; 2 and 5 days ago go; other files stay.
    assert len(kept) == 3 and old[0] in kept and "notes.txt" in kept
    new = next(n for n in kept if n not in (old[0], "notes.txt"))
    assert new.endswith(".tar.gz.enc")
    with db.session() as s:
        (run,) = s.scalars(select(BackupRun))
        assert (run.trigger, run.ok, run.pruned, run.encrypted) == ("worker", True, 2, True)
        assert run.destination == str(folder / new)
        # The run claimed its due time (the settings' cron, UTC: this minute) first.
        (claim,) = s.scalars(select(BackupClaim))
        assert (claim.state, claim.attempts) == ("done", 1)
        assert today.replace(second=0, microsecond=0) <= claim.due_at <= datetime.now(UTC)
    # The task looks every minute (backup_claims decides whether a backup is due).
    task = huey.backup_task.task_class()  # type: ignore[attr-defined]
    assert task.validate_datetime(datetime(2026, 12, 4, 2, 31))


def test_a_failed_scheduled_run_is_recorded(db, db_url, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    with pytest.raises(OSError):
        scheduled.run(_settings(tmp_path, directory=blocker / "backups"), db_url)
    with db.session() as s:
        (run,) = s.scalars(select(BackupRun))
        assert not run.ok and "NotADirectoryError" in (run.error or "")
        assert "failed" in (runs.status(s).warning or "")


def test_settings_from_the_environment(tmp_path) -> None:
    env = {"VESALIUS_BACKUP_DIR": str(tmp_path), "VESALIUS_BACKUP_SCHEDULE": "15 3 * * 1-5",
           "VESALIUS_BACKUP_KEEP_DAILY": "10", "VESALIUS_BACKUP_KEEP_WEEKLY": "0"}
    settings = from_env(env, f"sqlite:///{tmp_path / 'clinic.sqlite3'}")
    assert settings.retention == Retention(daily=10, weekly=0, monthly=12)
    assert settings.worker_store == tmp_path / "vesalius-worker.sqlite3"
    assert settings.schedule == "15 3 * * 1-5"
    for bad, field in ((("VESALIUS_BACKUP_SCHEDULE", "every night"), "SCHEDULE"),
                       (("VESALIUS_BACKUP_SCHEDULE", "61 2 * * *"), "SCHEDULE"),
                       (("VESALIUS_BACKUP_KEEP_DAILY", "-1"), "KEEP_DAILY"),
                       (("VESALIUS_BACKUP_S3_URL", "http://x"), "S3_URL")):
        with pytest.raises(SettingsError, match=field):
            from_env({**env, bad[0]: bad[1]}, "sqlite:///x.sqlite3")


# -- S3-compatible store: moto's server over HTTP --------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():  # type: ignore[no-untyped-def]
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_s3_round_trip(db, db_url, system, tmp_path, monkeypatch, s3_endpoint):  # type: ignore[no-untyped-def]
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    key = crypto.new_key()
    monkeypatch.setenv(crypto.KEY_ENV, crypto.key_text(key))
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    bucket = f"clinic-{abs(hash(db_url)) % 10**8}"
    client.create_bucket(Bucket=bucket)
    stale = backup_name(datetime.now(UTC) - timedelta(days=40), True)
    client.put_object(Bucket=bucket, Key=f"nightly/{stale}", Body=b"old")
    client.put_object(Bucket=bucket, Key="elsewhere/keep-me", Body=b"other")

    clinic = insured_clinic(db, system, patients=2)
    visit(db, system, clinic, 0)
    settings = _settings(tmp_path, directory=None, s3_url=f"s3://{bucket}/nightly",
                         s3_endpoint=s3_endpoint, staging=tmp_path / "staging")
    outcome = scheduled.run(settings, db_url)
    assert outcome.location.startswith(f"s3://{bucket}/nightly/vesalius-")
    assert outcome.pruned == (stale,)
    listed = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"])
    assert listed == ["elsewhere/keep-me", outcome.location.split("/", 3)[3]]
    assert not list((tmp_path / "staging").iterdir())  # nothing left behind locally

    with empty_target(db_url, tmp_path) as target:
        done = CliRunner().invoke(main, ["restore", outcome.location, "--database", target,
                                         "--s3-endpoint", s3_endpoint])
        assert done.exit_code == 0, done.output
        assert "signed notes: 1 SHA-256 match" in done.output
        assert "Restored into" in done.output


# -- vesalius db upgrade ---------------------------------------------------------------------


def _before_backup_runs() -> str:
    """The migration before the one that adds ``backup_runs`` (whatever it is numbered)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    (ours,) = [r for r in script.walk_revisions() if r.revision.endswith("_backup_runs")]
    assert isinstance(ours.down_revision, str)
    return ours.down_revision


BEFORE = _before_backup_runs()


def _before_with_data(url: str, system) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from clinic_factories import patient

    db = Database(url)
    # The data first: today's services write today's schema (the audit chain's columns
    # are newer than BEFORE), and the downgrade keeps the rows.
    with db.session() as s:
        patient(s, system)
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, BEFORE)
    db.dispose()


def test_db_upgrade_backs_up_first(db_url, system, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv(crypto.KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    monkeypatch.delenv("VESALIUS_BACKUP_DIR", raising=False)
    _before_with_data(db_url, system)
    runner = CliRunner()
    # A backup that cannot be written: nothing is migrated.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    refused = runner.invoke(main, ["db", "upgrade", "--database", db_url,
                                   "--backup-to", str(blocker / "sub")])
    assert refused.exit_code == 1 and "Nothing was migrated" in refused.output
    db = Database(db_url)
    assert current(db.engine) == BEFORE
    done = runner.invoke(main, ["db", "upgrade", "--database", db_url,
                                "--backup-to", str(tmp_path / "safety")])
    assert done.exit_code == 0, done.output
    (made,) = (tmp_path / "safety").iterdir()
    assert made.name.startswith(f"vesalius-before-{BEFORE}-") and str(made) in done.output
    assert current(db.engine) == head()
    with db.session() as s:  # the run is recorded once the table exists
        (run,) = s.scalars(select(BackupRun))
        assert (run.trigger, run.ok, run.destination) == ("upgrade", True, str(made))
    db.dispose()
    with empty_target(db_url, tmp_path) as target:
        restored = restore(made, target, None)
        assert restored.verification.ok and restored.manifest["revisions"]["core"] == BEFORE
    again = runner.invoke(main, ["db", "upgrade", "--database", db_url])
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_db_upgrade_without_backup(db_url, system, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    _before_with_data(db_url, system)
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, ["db", "upgrade", "--database", db_url, "--no-backup"])
    assert done.exit_code == 0 and "No backup taken" in done.output
    assert not (tmp_path / "backups").exists()


def test_serve_backs_up_before_it_migrates(db_url, system, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """``vesalius serve`` on a clinic whose schema is behind takes the same backup first."""
    from vesalius.web.server import prepare

    for name in (crypto.KEY_FILE_ENV, crypto.KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VESALIUS_BACKUP_DIR", str(tmp_path / "safety"))
    _before_with_data(db_url, system)
    prepare(db_url)
    (made,) = (tmp_path / "safety").iterdir()
    assert made.name.startswith(f"vesalius-before-{BEFORE}-")
    db = Database(db_url)
    assert current(db.engine) == head()
    db.dispose()
    prepare(db_url)  # at the head: no second backup
    assert len(list((tmp_path / "safety").iterdir())) == 1


def test_migration_backup_runs_down_and_up_with_data(db, system) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from clinic_factories import patient

    with db.session() as s:
        patient(s, system)
        now = datetime.now(UTC)
        s.add(BackupRun(started_at=now, finished_at=now, trigger="command",
                        destination="/b/x.tar.gz", ok=True, encrypted=False))
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, BEFORE)
    assert "backup_runs" not in inspect(db.engine).get_table_names()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 1
    db.upgrade()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(BackupRun)) == 0
        assert s.scalar(select(func.count()).select_from(Patient)) == 1


def test_engine_errors_are_clear(tmp_path) -> None:
    with pytest.raises(BackupError, match="no database"):
        take(f"sqlite:///{tmp_path / 'missing.sqlite3'}", tmp_path / "x.tar.gz", None)
    with pytest.raises(BackupError, match="in-memory"):
        take("sqlite://", tmp_path / "y.tar.gz", None)
    with pytest.raises(CorruptBackup, match="not a Vesalius backup"):
        (tmp_path / "junk").write_bytes(b"hello world, not a backup at all")
        restore(tmp_path / "junk", f"sqlite:///{tmp_path / 'r.sqlite3'}", None)
    assert not (tmp_path / "r.sqlite3").exists()


def test_pg_dump_missing_or_too_old_is_named(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vesalius.backup.engines import PG_BINDIR_ENV, pg_tool

    monkeypatch.setenv(PG_BINDIR_ENV, str(tmp_path))
    with pytest.raises(BackupError, match=r"pg_dump was not found: install the PostgreSQL "
                                          r"client \(postgresql-client-15\)"):
        pg_tool("pg_dump", 15)
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.16 (Debian 13.16-0+deb11u1)'\n")
    old.chmod(0o755)
    with pytest.raises(BackupError, match=r"pg_dump 15 or newer is needed for this "
                                          r"PostgreSQL 15 server; found only .*pg_dump \(13\)"):
        pg_tool("pg_dump", 15)
    assert pg_tool("pg_dump", 13) == old


def test_backup_now_runs_the_scheduled_job_once(db, db_url, system, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    for name in (crypto.KEY_FILE_ENV, crypto.KEY_ENV, "VESALIUS_BACKUP_S3_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VESALIUS_BACKUP_DIR", str(tmp_path / "nightly"))
    insured_clinic(db, system, patients=1)
    done = CliRunner().invoke(main, ["backup", "now", "--database", db_url])
    assert done.exit_code == 0, done.output
    (made,) = (tmp_path / "nightly").iterdir()
    assert f"Backed up to {made} (" in done.output and "NOT encrypted" in done.output
    with db.session() as s:
        assert [(r.trigger, r.ok) for r in s.scalars(select(BackupRun))] == [("command", True)]
