"""Killing the server mid-burst leaves no half-written record.

The real server (gunicorn with two workers, :func:`vesalius.web.server.serve`) runs on a
seeded clinic; a thread pool drives visits through the JSON API (book, arrive, draft, sign:
snapshot, hash and invoice lines, issue, take a payment allocated to the invoice); at a
random moment the whole process group (master and workers) gets SIGKILL. After a restart
the database must pass its own checks and hold no half-written record: no invoice without
lines, no signed note without its hash or its charges, no payment without its allocation,
and every answer the client saw as a success is in the database.

SQLite: 50 kills in a row on one database file. PostgreSQL (``VESALIUS_TEST_POSTGRES_URL``):
10 kills (the server's data survives the app's death whatever the app does; what is tested
is the app's transaction boundaries), then ``pg_amcheck`` on the tables and indexes.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

SQLITE_KILLS = 50
POSTGRES_KILLS = 10
THREADS = 4
#: Visits made before the first burst: a third each drafted, signed, issued.
STAGED = 12
PG_ENV = "VESALIUS_TEST_POSTGRES_URL"

class Slots:
    """A new hour for each visit, on past days within the clinic's hours (never two at
    once; the demo clinic is in Toronto, open 08:00-17:00)."""

    def __init__(self) -> None:
        self.n = 0
        self.lock = threading.Lock()
        self.first = datetime.combine(date.today() - timedelta(days=900), datetime.min.time(),
                                      UTC)

    def next(self) -> datetime:
        with self.lock:
            n, self.n = self.n, self.n + 1
        return self.first + timedelta(days=n // 6, hours=14 + n % 6)


@dataclass
class Clinic:
    """What the burst needs from the seeded clinic, and the ids it had before any burst."""

    url: str
    tokens: dict[str, str]
    practitioner_id: int
    patient_id: int
    case_id: int
    service_id: int
    template_id: str
    document: Any
    baseline: dict[str, int] = field(default_factory=dict)
    slots: Slots = field(default_factory=lambda: Slots())

    def money(self, stored: Any) -> Decimal:
        """An amount as the database column holds it (SQLite: integer cents)."""
        if self.url.startswith("sqlite"):
            return Decimal(int(stored)) / 100
        return Decimal(str(stored))


def _seed(url: str) -> Clinic:
    from sqlalchemy import func, select
    from vesalius.db import Database
    from vesalius.demo import seed_demo
    from vesalius.models import Appointment, Invoice, Note, Payment, User
    from vesalius.plugins import reset_registry
    from vesalius.services import Actor, billing, notes, scheduling, users

    db = Database(url)
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    db.upgrade()
    reset_registry()
    seed_demo(db, patients_count=10, days_back=3, days_ahead=1, per_day=2,
              today=date.today())
    system = Actor.system("tests")
    with db.session() as s:
        note = s.scalar(select(Note).where(Note.status == "signed").order_by(Note.id).limit(1))
        assert note is not None
        appt = s.get(Appointment, note.appointment_id)
        assert appt is not None and appt.service_id is not None
        owner = s.scalar(select(User).where(User.role == "owner"))
        practitioner = s.scalar(select(User).where(User.practitioner.has(id=appt.practitioner_id)))
        tokens = {"owner": users.issue_token(s, system, owner),
                  "practitioner": users.issue_token(s, system, practitioner)}
        baseline = {name: s.scalar(select(func.coalesce(func.max(model.id), 0))) or 0
                    for name, model in (("appointments", Appointment), ("notes", Note),
                                        ("invoices", Invoice), ("payments", Payment))}
        clinic = Clinic(url, tokens, appt.practitioner_id, note.patient_id, note.case_id,
                        appt.service_id, note.template_id, note.document, baseline)
        doctor = Actor(user_id=practitioner.id, role="practitioner",
                       practitioner_id=appt.practitioner_id)
    # Work in every state from the first burst on: drafts to sign, invoices to issue,
    # issued invoices to pay.
    for stage in range(STAGED):
        with db.session() as s:
            booked = scheduling.book(s, system, scheduling.BookingIn(
                patient_id=clinic.patient_id, practitioner_id=clinic.practitioner_id,
                case_id=clinic.case_id, service_id=clinic.service_id,
                start=clinic.slots.next()))
            scheduling.set_status(s, system, booked.id, "arrived")
            draft = notes.create_draft(s, doctor, notes.DraftIn(
                appointment_id=booked.id, template_id=clinic.template_id,
                document=clinic.document))
            if stage % 3:
                invoice = notes.sign(s, doctor, draft.id).invoice
                assert invoice is not None
                if stage % 3 == 2:
                    billing.issue(s, system, invoice.id)
    db.dispose()
    reset_registry()
    return clinic


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, port: int, log: str) -> None:
    """The child: its own session (so one killpg reaches the master and its workers), then
    the product's server. Forked from the test, which imported the app already, so a
    restart costs the server's start, not Python's imports."""
    os.setsid()
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(out, 1)
    os.dup2(out, 2)
    sys.stdout = sys.stderr = open(out, "w", buffering=1, closefd=False)  # noqa: SIM115
    os.environ["VESALIUS_STRICT_PLUGINS"] = "0"
    from vesalius.web.server import serve

    serve(url, "127.0.0.1", port, 2, timeout=30)


def _alive(group: int) -> list[int]:
    """Processes of a process group that are not yet dead (zombies count as dead)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


class Server:
    """:func:`vesalius.web.server.serve` (gunicorn, two workers) in its own process group,
    killed with SIGKILL."""

    def __init__(self, url: str, log: Path) -> None:
        self.url, self.log = url, log
        self.port = 0
        self.proc: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        import vesalius.app  # noqa: F401  (imported once, here, before the fork)
        from vesalius.plugins import get_registry

        get_registry()
        self.port = _free_port()
        self.proc = multiprocessing.get_context("fork").Process(
            target=_serve, args=(self.url, self.port, str(self.log)))
        self.proc.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.is_alive(), self.log.read_text()[-3000:]
            try:
                status, _ = request(self.port, "GET", "/api/v1/openapi.json")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("the server did not start: " + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.proc is not None and self.proc.pid is not None
        os.killpg(self.proc.pid, signal.SIGKILL)  # the master and its workers at once
        self.proc.join(timeout=30)
        deadline = time.monotonic() + 30
        while _alive(self.proc.pid):
            assert time.monotonic() < deadline, "workers outlived SIGKILL"
            time.sleep(0.01)

    def running(self) -> bool:
        return self.proc is not None and self.proc.is_alive()


def request(port: int, method: str, path: str, body: Any = None,
            token: str | None = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        conn.close()


@dataclass
class Seen:
    """Successes the client saw: (kind, id, extra)."""

    items: list[tuple[str, int, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, record_id: int, extra: Any = None) -> None:
        with self.lock:
            self.items.append((kind, record_id, extra))


class Work:
    """What the burst can do next, read from the database after each restart: book a new
    visit (book, arrive, draft), sign a draft of the burst, issue an invoice a signature
    drafted, take the payment of an issued invoice. Each item goes to one thread."""

    def __init__(self, clinic: Clinic, query: Any) -> None:
        params = {"notes": clinic.baseline["notes"], "invoices": clinic.baseline["invoices"],
                  "id": 0}
        self.lock = threading.Lock()
        self.drafts = [r[0] for r in query(
            "SELECT id FROM notes WHERE status = 'draft' AND id > :notes", params)]
        self.to_issue = [r[0] for r in query(
            "SELECT id FROM invoices WHERE status = 'draft' AND id > :invoices", params)]
        self.to_pay = [(r[0], f"{clinic.money(r[1]):.2f}") for r in query(
            "SELECT i.id, i.patient_portion FROM invoices i WHERE i.status = 'issued' "
            "AND i.id > :invoices AND i.patient_portion > 0 AND NOT EXISTS ("
            "SELECT 1 FROM payment_allocations a WHERE a.invoice_id = i.id)", params)]

    def take(self, rng: random.Random) -> tuple[str, Any]:
        with self.lock:
            kinds = [k for k in ("drafts", "to_issue", "to_pay") if getattr(self, k)]
            kind = rng.choice([*kinds, "book"]) if kinds else "book"
            if kind == "book":
                return kind, None
            pool = getattr(self, kind)
            return kind, pool.pop(rng.randrange(len(pool)))


def step(port: int, clinic: Clinic, slots: Slots, seen: Seen, kind: str, item: Any) -> None:
    """One piece of work through the API; raises at the first failure (the kill)."""
    doc, owner = clinic.tokens["practitioner"], clinic.tokens["owner"]

    def call(method: str, path: str, body: Any = None, token: str = doc) -> Any:
        status, data = request(port, method, "/api/v1" + path, body, token)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path}: {status} {data}")
        return data

    if kind == "book":
        appt = call("POST", "/appointments", {
            "patient_id": clinic.patient_id, "practitioner_id": clinic.practitioner_id,
            "case_id": clinic.case_id, "service_id": clinic.service_id,
            "start": slots.next().isoformat()})
        seen.add("appointment", appt["id"])
        call("POST", f"/appointments/{appt['id']}/status", {"status": "arrived"})
        seen.add("arrived", appt["id"])
        note = call("POST", "/notes", {"appointment_id": appt["id"],
                                       "template_id": clinic.template_id,
                                       "document": clinic.document})
        seen.add("note", note["id"])
    elif kind == "drafts":
        signed = call("POST", f"/notes/{item}/sign")
        seen.add("signed", item, signed["note"]["content_sha256"])
    elif kind == "to_issue":
        issued = call("POST", f"/invoices/{item}/issue", token=owner)
        seen.add("issued", item, issued["number"])
    else:
        invoice_id, amount = item
        payment = call("POST", "/payments", {
            "patient_id": clinic.patient_id, "amount": amount, "method": "card",
            "received_on": date.today().isoformat(),
            "allocations": [{"invoice_id": invoice_id, "amount": amount}]}, token=owner)
        seen.add("payment", payment["id"], (invoice_id, amount))


def burst(port: int, clinic: Clinic, slots: Slots, seen: Seen, work: Work,
          stop: threading.Event, seed: int) -> list[threading.Thread]:
    def worker(rng: random.Random) -> None:
        while not stop.is_set():
            kind, item = work.take(rng)
            try:
                step(port, clinic, slots, seen, kind, item)
            except (OSError, http.client.HTTPException, RuntimeError) as exc:
                if stop.is_set():
                    return
                seen.refused.append(str(exc)[:200])
                time.sleep(0.01)  # refused (a 409, 422): on to other work

    threads = [threading.Thread(target=worker, args=(random.Random(seed + n),), daemon=True)
               for n in range(THREADS)]
    for t in threads:
        t.start()
    return threads


# -- the checks ---------------------------------------------------------------------------

HALF_WRITTEN = {
    "invoice without lines": """
        SELECT i.id FROM invoices i
        WHERE NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id)""",
    "signed note without its hash, snapshot or signer": """
        SELECT id FROM notes WHERE status = 'signed' AND (content_sha256 IS NULL
        OR rendered IS NULL OR signed_at IS NULL OR signed_by IS NULL)""",
    "issued invoice without number": """
        SELECT id FROM invoices WHERE status = 'issued' AND (number IS NULL
        OR issued_on IS NULL)""",
    "payment without its allocation": """
        SELECT p.id FROM payments p WHERE p.refund_of_id IS NULL AND NOT EXISTS (
            SELECT 1 FROM payment_allocations a WHERE a.payment_id = p.id)""",
    "signed note of the burst without its charges": """
        SELECT n.id FROM notes n WHERE n.status = 'signed' AND n.id > :notes
        AND NOT EXISTS (SELECT 1 FROM invoices i JOIN invoice_lines l
                        ON l.invoice_id = i.id WHERE i.note_id = n.id)""",
    "note of the burst whose visit is not arrived or completed": """
        SELECT n.id FROM notes n JOIN appointments a ON a.id = n.appointment_id
        WHERE n.id > :notes AND a.status NOT IN ('arrived', 'in-session', 'completed')""",
}


def check(query: Any, clinic: Clinic, seen: Seen) -> None:
    """``query(sql, params) -> rows`` on the restarted clinic's database."""
    for what, sql in HALF_WRITTEN.items():
        rows = query(sql, {"notes": clinic.baseline["notes"]})
        assert not rows, f"{what}: {rows}"
    wanted = {
        "appointment": "SELECT id FROM appointments WHERE id = :id",
        "arrived": "SELECT id FROM appointments WHERE id = :id AND status IN "
                   "('arrived', 'in-session', 'completed')",
        "note": "SELECT id FROM notes WHERE id = :id",
        "signed": "SELECT content_sha256 FROM notes WHERE id = :id AND status = 'signed'",
        "issued": "SELECT number FROM invoices WHERE id = :id AND status = 'issued'",
        "payment": "SELECT a.invoice_id, a.amount FROM payments p JOIN payment_allocations a "
                   "ON a.payment_id = p.id WHERE p.id = :id",
    }
    for kind, record_id, extra in seen.items:
        rows = query(wanted[kind], {"id": record_id, "notes": 0})
        assert rows, f"the client saw {kind} {record_id} succeed; the database lost it"
        if kind in ("signed", "issued"):
            assert rows[0][0] == extra, f"{kind} {record_id}: {rows[0][0]} != {extra}"
        if kind == "payment":
            invoice_id, amount = extra
            assert (rows[0][0], clinic.money(rows[0][1])) == (invoice_id, Decimal(amount))


def run_kills(clinic: Clinic, kills: int, log: Path, query: Any,
              after_restart: Any = None) -> int:
    rng = random.Random(int(os.environ.get("VESALIUS_CRASH_SEED", "0")) or None)
    slots, seen = clinic.slots, Seen()
    server = Server(clinic.url, log)
    server.start()
    successes = 0
    kinds: set[str] = set()
    try:
        for _ in range(kills):
            stop = threading.Event()
            before = len(seen.items)
            threads = burst(server.port, clinic, slots, seen, Work(clinic, query), stop,
                            rng.randrange(1 << 30))
            time.sleep(rng.uniform(0.05, 1.2))  # the random moment
            stop.set()  # no new work; what is in flight meets the kill
            server.kill()
            for t in threads:
                t.join(timeout=30)
            successes += len(seen.items) - before
            kinds |= {kind for kind, _id, _extra in seen.items[before:]}
            server.start()  # the restart (SQLite recovers its WAL on the first open)
            check(query, clinic, seen)
            if after_restart:
                after_restart()
    finally:
        if server.running():
            server.kill()
    # Bookings, signatures, invoice issues and payments all happened across the bursts.
    assert {"appointment", "signed", "issued", "payment"} <= kinds, (kinds, seen.refused[:10])
    return successes


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Clinic]:
    path = tmp_path_factory.mktemp("crash-template") / "clinic.sqlite3"
    clinic = _seed(f"sqlite:///{path}")
    return path, clinic


def test_sqlite_survives_50_random_kills(sqlite_template: tuple[Path, Clinic],
                                         tmp_path: Path) -> None:
    template, seeded = sqlite_template
    path = tmp_path / "clinic.sqlite3"
    shutil.copy(template, path)
    clinic = Clinic(**{**seeded.__dict__, "url": f"sqlite:///{path}"})

    def query(sql: str, params: dict[str, Any]) -> list[Any]:
        conn = sqlite3.connect(path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def integrity() -> None:
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            conn.close()

    successes = run_kills(clinic, SQLITE_KILLS, tmp_path / "server.log", query, integrity)
    assert successes > SQLITE_KILLS  # the bursts did real work between the kills


@pytest.mark.postgres
def test_postgres_survives_random_kills(tmp_path: Path) -> None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{PG_ENV} is not set: CI must run the PostgreSQL half")
        pytest.skip(f"{PG_ENV} not set (run: eval \"$(bash .ci/postgres)\")")
    clinic = _seed(url)
    from sqlalchemy import create_engine, text
    from vesalius.db.engine import database_url

    engine = create_engine(database_url(url))

    def query(sql: str, params: dict[str, Any]) -> list[Any]:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())

    try:
        successes = run_kills(clinic, POSTGRES_KILLS, tmp_path / "server.log", query)
        assert successes > POSTGRES_KILLS
        _amcheck(engine)
    finally:
        engine.dispose()


def _amcheck(engine: Any) -> None:
    """``pg_amcheck`` over every table and B-tree index of the clinic's database."""
    binary = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_amcheck"))), None)
    found = shutil.which("pg_amcheck") or (str(binary) if binary else None)
    if found is None:
        pytest.skip("pg_amcheck is not installed")
    url = engine.url
    result = subprocess.run(
        [found, "--install-missing", "--heapallindexed", "-h", url.host, "-p", str(url.port),
         "-U", url.username, "-d", url.database],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

