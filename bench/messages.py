"""Outbox bench: queue N appointment reminders, run the real worker (``vesalius worker
--once``, a separate process) against a local SMTP server (aiosmtpd on 127.0.0.1, the tests'
``core/tests/clinic/clinic_mail.py``), and print the time taken and what the server received.

    uv run python bench/messages.py                      # 10,000 reminders, SQLite
    uv run python bench/messages.py --workers 2          # two workers at once
    uv run python bench/messages.py --postgres postgresql+psycopg://...  # (the DB is wiped)

Target: 10,000 in under 60 s on this machine, and no message received twice (checked by
Message-ID, which is stable per outbox row).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, insert, select
from vesalius.db import Database
from vesalius.db.types import utcnow
from vesalius.messaging.kinds import MessageKind
from vesalius.messaging.render import render
from vesalius.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[1]
REMINDER = MessageKind(
    key="bench-reminder", label="Reminder (bench)", description="The bench's reminder.",
    subject="Your appointment on {{ date }} at {{ time }}",
    text="Dear {{ given_name }},\n\nThis is a reminder of your appointment with "
         "{{ practitioner }} on {{ date }} at {{ time }} at {{ location }}.\n\n"
         "To cancel or change it, call us or use the patient portal.")


def _mail_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "clinic_mail", ROOT / "core" / "tests" / "clinic" / "clinic_mail.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def queue(db: Database, count: int) -> float:
    """Queue ``count`` rendered reminders in one transaction; seconds taken."""
    started = time.perf_counter()
    now = utcnow()
    rows = []
    for n in range(count):
        message = render(REMINDER, {"given_name": f"Patient {n}", "date": "Monday 7 December",
                                    "time": f"{8 + n % 10:02d}:00", "practitioner": "Sam Lee",
                                    "location": "Riverside"})
        rows.append({"kind": REMINDER.key, "channel": "email",
                     "recipient": f"patient{n}@example.org", "subject": message.subject,
                     "body_text": message.text, "send_after": now, "status": "pending",
                     "attempts": 0, "dedupe_key": f"bench:reminder:{n}", "created_at": now})
    with db.session() as s:
        s.execute(insert(OutboxMessage), rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL")
    args = parser.parse_args()

    mail = _mail_module()
    with tempfile.TemporaryDirectory() as folder, mail.running_mail_server() as server:
        url = args.postgres or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        db = Database(url)
        if args.postgres:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        db.upgrade()
        queued = queue(db, args.count)
        env = {**os.environ, "VESALIUS_SMTP_URL": server.url,
               "VESALIUS_MAIL_FROM": "Riverside Physio <reception@riverside.example>"}
        command = [sys.executable, "-m", "vesalius", "worker", "--once", "--database", url]
        load = os.getloadavg()[0]
        started, server_cpu = time.perf_counter(), time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
                   for _ in range(args.workers)]
        outputs = [w.communicate()[0].strip() for w in workers]
        took = time.perf_counter() - started
        # CPU seconds, which a busy machine does not inflate as it does the wall clock: the
        # worker processes' (start-up included) and this process's (the SMTP server's).
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime
                                                          + children.ru_stime)
        server_cpu = time.process_time() - server_cpu
        received = Counter(m["Message-ID"] for m in server.messages)
        with db.session() as s:
            statuses = dict(s.execute(select(OutboxMessage.status, func.count())
                                      .group_by(OutboxMessage.status)).all())
        db.dispose()
    twice = sum(1 for c in received.values() if c > 1)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print("| engine | workers | queued | queue time | send time | rate | worker CPU | "
          "server CPU | load | received | twice | rows |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {engine} | {args.workers} | {args.count:,} | {queued:.1f} s | {took:.1f} s | "
          f"{args.count / took:,.0f} /s | {worker_cpu:.1f} s | {server_cpu:.1f} s | "
          f"{load:.1f} | {sum(received.values()):,} | {twice} | "
          f"{', '.join(f'{k} {v:,}' for k, v in sorted(statuses.items()))} |")
    for line in outputs:
        print(f"worker: {line}")
    target = took < 60 and twice == 0 and sum(received.values()) == args.count
    print(f"target (all {args.count:,} in < 60 s, none twice): {'met' if target else 'MISSED'}")
    sys.exit(0 if target else 1)


if __name__ == "__main__":
    main()
