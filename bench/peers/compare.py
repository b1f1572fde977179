"""Vesalius beside a peer system, in one run: ``bench/bench.py --peers``.

The peer (GNU Health 5.0, ``bench/peers/gnuhealth``) runs in its own virtual environment,
as a child process that prints its rates and its database settings as JSON; ours are
measured in this process by bench.py's own CRUD functions with the same record counts. The
table gives both, their ratio, whether it reaches ``TARGET_RATIO``, and each side's
durability settings read back from its own database connection.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from vesalius.db import Database
from vesalius.models import Patient
from vesalius.services import Actor, patients

HERE = Path(__file__).resolve().parent
GNUHEALTH = HERE / "gnuhealth"
PEER_PYTHON = GNUHEALTH / ".venv" / "bin" / "python"
TARGET_RATIO = 10.0

#: The rows compared, in order: (measure, True if higher is better).
ROWS = (
    ("patients (services)", True),
    ("patients (services, one transaction)", True),
    ("appointments (services)", True),
    ("appointments (services, one transaction)", True),
    ("count per practitioner (services) ms", False),
    ("patients (HTTP)", True),
    ("appointments (HTTP)", True),
    ("count per practitioner (HTTP) ms", False),
)


def server_uri(sqlalchemy_url: str) -> str:
    """A libpq URI of the PostgreSQL server of ``sqlalchemy_url``, without a database."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql", database="")
    return url.render_as_string(hide_password=False).rstrip("/") + "/"


def run_peer(n_patients: int, n_appointments: int, http_patients: int,
             http_appointments: int, *, postgres_url: str | None = None,
             http: bool = True) -> dict[str, Any]:
    """Run the GNU Health peer's work in its own environment; its JSON answer."""
    if not PEER_PYTHON.exists():
        raise SystemExit("the GNU Health peer is not installed: "
                         "bash bench/peers/gnuhealth/setup.sh")
    command = [str(PEER_PYTHON), "-W", "ignore", str(GNUHEALTH / "run.py"), "--json",
               "--patients", str(n_patients), "--appointments", str(n_appointments),
               "--http-patients", str(http_patients),
               "--http-appointments", str(http_appointments)]
    if postgres_url:
        command += ["--postgres", server_uri(postgres_url)]
    if not http:
        command.append("--no-http")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the GNU Health peer failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def our_settings(db: Database) -> dict[str, str]:
    """The durability settings of one of our connections, read back from it."""
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            level = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            return {"journal_mode": str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()),
                    "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
                        level, str(level))}  # type: ignore[call-overload]
        return {name: str(conn.exec_driver_sql(f"SHOW {name}").scalar())
                for name in ("synchronous_commit", "fsync", "wal_sync_method")}


def commit_floor(db: Database, count: int = 2000) -> float:
    """Commits per second of the barest write on ``db``'s connections: one short row
    inserted and committed straight through the driver (no SQLAlchemy, no service), at the
    settings our connections use (``synchronous=FULL`` on SQLite: durable). No booking of
    any system, ours or the peer's, can be committed one by one faster than this here: it
    tells whether a booking target is out of the disk's (or server's) reach or the code's."""
    with db.engine.connect() as conn:
        key = "INTEGER" if db.dialect == "sqlite" else "SERIAL"
        conn.exec_driver_sql(f"CREATE TABLE bench_floor (id {key} PRIMARY KEY, at TEXT)")
        conn.commit()
    try:
        with db.engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            sqlite = db.dialect == "sqlite"
            insert = ("INSERT INTO bench_floor (at) VALUES (?)" if sqlite
                      else "INSERT INTO bench_floor (at) VALUES (%s)")
            cursor = raw.cursor()
            started = time.perf_counter()
            for n in range(count):
                if sqlite and not raw.in_transaction:
                    cursor.execute("BEGIN IMMEDIATE")
                cursor.execute(insert, (f"2031-01-06T09:{n % 60:02d}",))
                raw.commit()
            rate = count / (time.perf_counter() - started)
            cursor.close()
    finally:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("DROP TABLE bench_floor")
            conn.commit()
    return rate


def patients_one_transaction(db: Database, n_patients: int) -> float:
    """N patients created in one transaction through the service, as the peer's row."""
    actor = Actor.system("bench")
    started = time.perf_counter()
    with db.session() as s:
        for n in range(n_patients):
            patients.create(s, actor, patients.PatientIn(
                given_name=f"Batch{n}", family_name=f"Family{n % 97}",
                birth_date=date(1970, 1, 1) + timedelta(days=n_patients + n),
                phone=f"556-{n:04d}", email=f"b{n}@example.org"))
    rate = n_patients / (time.perf_counter() - started)
    with db.session() as s:
        assert s.query(Patient).filter(Patient.given_name.like("Batch%")).count() == n_patients
    return rate


def print_peers(engine: str, ours: dict[str, float], peer: dict[str, Any],
                settings: dict[str, str], counts: tuple[int, int, int, int],
                floor: float | None = None) -> bool:
    """The side-by-side table; True when every rate row reaches ``TARGET_RATIO``.
    ``floor``: :func:`commit_floor`'s rate, printed with what the booking target asks."""
    n_patients, n_appointments, http_patients, http_appointments = counts
    name = f"GNU Health {peer['version']}"
    print(f"\n## {engine}: Vesalius beside {name} (trytond {peer['trytond']}), one run\n")
    print(f"Services / Python API: {n_patients:,} patients, {n_appointments:,} appointments; "
          f"HTTP (our JSON API / proteus): {http_patients:,} patients, "
          f"{http_appointments:,} appointments; 10 practitioners.\n")
    print("| durability | Vesalius | " + name + " |")
    print("|---|---|---|")
    for key in sorted(set(settings) | set(peer["settings"])):
        print(f"| {key} | {settings.get(key, '-')} | {peer['settings'].get(key, '-')} |")
    if floor:
        booking = peer["rates"].get("appointments (services)")
        durable = (settings.get("synchronous") == "FULL"
                   or (settings.get("fsync"), settings.get("synchronous_commit")) == ("on", "on"))
        what = "This disk's durable commit floor" if durable else (
            "Commit floor (not durable: see the settings above)")
        print(f"\n{what}: {floor:,.0f} commits/s (one short row inserted and committed "
              "straight through the driver, at our settings). "
              + (f"{TARGET_RATIO:.0f}x {name}'s bookings one transaction each is "
                 f"{TARGET_RATIO * booking:,.0f}/s: "
                 + ("above" if TARGET_RATIO * booking > floor else "below")
                 + " the floor." if booking else ""))
    print(f"\n| measure | Vesalius | {name} | ratio | >= {TARGET_RATIO:.0f}x |")
    print("|---|---|---|---|---|")
    ok_all = True
    for key, higher in ROWS:
        if key not in ours or key not in peer["rates"]:
            continue
        mine, theirs = ours[key], peer["rates"][key]
        unit = " ms" if key.endswith("ms") else " /s"
        ratio = mine / theirs if higher else theirs / mine
        if higher:
            ok = ratio >= TARGET_RATIO
            ok_all &= ok
            verdict = "yes" if ok else "NO"
        else:
            verdict = ""  # a timing of 10 reads, shown for the record; no target
        print(f"| {key} | {mine:,.1f}{unit} | {theirs:,.1f}{unit} | {ratio:.1f}x | "
              f"{verdict} |")
    return ok_all
