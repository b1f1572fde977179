"""The worker sends the outbox: ``vesalius worker --once`` (cron, tests) and the running
worker on both queue back ends (huey on its SQLite file, and on Redis); killed mid-batch
and restarted, it sends no message twice and leaves at most its claimed batch "sending".
Both engines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from clinic_mail import MailServer, running_mail_server
from clinic_outbox import queue, redis_url, rows, statuses
from vesalius.cli import main
from vesalius.messaging.sender import BATCH

FROM = "Riverside Physio <reception@riverside.example>"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with running_mail_server() as server:
        yield server


@pytest.fixture
def mail_env(mail: MailServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"VESALIUS_SMTP_URL": mail.url, "VESALIUS_MAIL_FROM": FROM}
    for name in ("VESALIUS_SMS_URL", "VESALIUS_BACKUP_DIR", "VESALIUS_BACKUP_S3_URL",
                 "VESALIUS_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _worker(db_url: str, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vesalius", "worker", "--database", db_url, *args],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)


def test_once_sends_what_is_due_at_the_given_time(db, db_url, mail, mail_env) -> None:  # type: ignore[no-untyped-def]
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    queue(db, 2, send_after=monday - timedelta(days=1))  # the day-before reminders
    done = CliRunner().invoke(main, ["worker", "--once", "--database", db_url,
                                     "--now", "2026-12-06T08:59:00Z"])
    assert done.exit_code == 0, done.output
    assert "Outbox: sent 0, to retry 0, failed 0" in done.output and mail.messages == []
    done = CliRunner().invoke(main, ["worker", "--once", "--database", db_url,
                                     "--now", "2026-12-06T09:00:00Z"])
    assert done.exit_code == 0, done.output
    assert "Outbox: sent 2, to retry 0, failed 0" in done.output
    assert len(mail.messages) == 2 and statuses(db) == {"sent": 2}


def test_once_says_what_is_wrong(db_url, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("VESALIUS_SMTP_URL", "VESALIUS_SMS_URL"):
        monkeypatch.delenv(name, raising=False)
    # No channel: nothing to send with (the FHIR exports still run); the messages wait.
    done = CliRunner().invoke(main, ["worker", "--once", "--database", db_url])
    assert done.exit_code == 0 and "no message channel" in done.output
    monkeypatch.setenv("VESALIUS_SMTP_URL", "mail.example.org")
    done = CliRunner().invoke(main, ["worker", "--once", "--database", db_url])
    assert done.exit_code == 2 and "VESALIUS_SMTP_URL" in done.output
    monkeypatch.setenv("VESALIUS_SMTP_URL", "smtp://localhost")
    monkeypatch.setenv("VESALIUS_MAIL_FROM", FROM)
    done = CliRunner().invoke(main, ["worker", "--once", "--now", "Monday"])
    assert done.exit_code == 2 and "--now" in done.output
    done = CliRunner().invoke(main, ["worker", "--now", "2026-12-06T09:00:00Z"])
    assert done.exit_code == 2 and "--now is for --once" in done.output


def test_killed_mid_batch_nothing_is_sent_twice(db, db_url, mail, mail_env) -> None:  # type: ignore[no-untyped-def]
    count = 100
    queue(db, count)
    mail.delay = 0.03  # about 0.6 s a batch: time to kill it inside one
    worker = _worker(db_url, "--once", env=mail_env)
    try:
        mail.wait_for(BATCH + 5, timeout=60)  # well into the second batch
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    time.sleep(0.3)  # a message whose DATA was in flight may still land
    at_kill = statuses(db)
    stranded = {i for i, r in rows(db).items() if r.status == "sending"}
    assert 0 < len(stranded) <= BATCH, at_kill  # at most the batch it had claimed
    assert at_kill.get("pending", 0) > 0 and at_kill.get("sent", 0) >= BATCH

    again = _worker(db_url, "--once", env=mail_env)
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output
    final = rows(db)
    # The stranded rows stay "sending" (never re-sent by themselves); all else went.
    assert {i for i, r in final.items() if r.status == "sending"} == stranded
    assert statuses(db) == {"sent": count - len(stranded), "sending": len(stranded)}
    received = Counter(m["Message-ID"] for m in mail.messages)
    assert max(received.values()) == 1  # never twice
    ids = {int(mid.split("-")[1].split(".")[0]) for mid in received}
    sent = {i for i, r in final.items() if r.status == "sent"}
    # Every sent row arrived; of the stranded, some may have (taken by the server in the last
    # quarter second before the kill, not yet marked): the page asks to check with them.
    assert sent <= ids <= sent | stranded


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_the_running_worker_sends_on_both_queues(db, db_url, mail, mail_env, tmp_path,
                                                 backend) -> None:  # type: ignore[no-untyped-def]
    env = {**mail_env, "VESALIUS_WORKER_STORE": str(tmp_path / "queue.sqlite3")}
    if backend == "redis":
        from vesalius.backup.settings import Settings
        from vesalius.backup.worker import make_queue

        env["VESALIUS_REDIS_URL"] = redis_url()
        make_queue(Settings(), redis_url=env["VESALIUS_REDIS_URL"]).flush()  # a clean queue
    queue(db, 5)
    worker = _worker(db_url, env=env)
    try:
        got = mail.wait_for(5, timeout=60)
    finally:
        worker.send_signal(signal.SIGTERM)  # graceful: the run at hand finishes
        output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, output
    assert [m["Subject"] for m in got] == [f"Reminder {n}" for n in range(5)]
    assert statuses(db) == {"sent": 5}
    assert "Worker: no backups" in output and "Worker: the outbox every minute" in output
    assert ("Worker: queue Redis" in output) == (backend == "redis")
    if backend == "sqlite":
        assert Path(env["VESALIUS_WORKER_STORE"]).exists()
    assert "See you" not in output  # no message content in the log


def test_the_outbox_task_runs_every_minute(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from vesalius.backup.settings import Settings
    from vesalius.backup.worker import make_huey

    huey = make_huey(Settings(worker_store=tmp_path / "q.sqlite3"), "sqlite:///x.sqlite3",
                     backups=False, channels={"email": lambda: None})  # type: ignore[dict-item]
    task = huey.outbox_task.task_class()  # type: ignore[attr-defined]
    assert task.validate_datetime(datetime(2026, 12, 4, 2, 30))
    assert task.validate_datetime(datetime(2026, 12, 4, 2, 31))
    assert not hasattr(huey, "backup_task")
