"""Vesalius benchmark: seed N appointments, time the clinic's hot operations, and the CRUD
work a peer system was measured on (through the services and through the HTTP API).

    uv run python bench/bench.py                         # 10k appointments, SQLite
    uv run python bench/bench.py --sizes 10000 1000000   # and 1M
    uv run python bench/bench.py --postgres postgresql+psycopg://...   # PostgreSQL too
    uv run python bench/bench.py --crud-only             # just the CRUD comparison
    uv run python bench/bench.py --peers                 # CRUD beside GNU Health 5.0, one run

Prints one table per engine: median and 95th percentile of each operation, its SQL statement
count, and whether it meets the target (median <= 50 ms; at the largest size <= 2x the
smallest; seeding 1M <= 180 s; CRUD rates >= 5x GNU Health 5.0 on this machine).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from vesalius.db import Database
from vesalius.demo import bulk_seed
from vesalius.models import Appointment, Location, Practitioner, Service
from vesalius.services import (
    Actor,
    availability,
    patients,
    practitioners,
    reports,
    scheduling,
    users,
)

#: PostgreSQL's own booking targets (issue 17), records per second.
POSTGRES_TARGETS = {"appointments (services)": 1700, "appointments (HTTP)": 350}
#: PostgreSQL's median of each operation within this factor of SQLite's (issue 17).
ENGINE_RATIO = 2.0
MEDIAN_TARGET_MS = 50.0
SEED_1M_TARGET_S = 180.0


@dataclass
class Result:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    rows: int


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


def fresh(url: str) -> Database:
    db = Database(url)
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    db.upgrade()
    return db


def timed(db: Database, name: str, fn: Callable[[Any], Any], runs: int) -> Result:
    counter = Counter()
    samples: list[float] = []
    rows = 0
    for i in range(runs):
        if i == 0:
            event.listen(db.engine, "before_cursor_execute", counter)
        start = time.perf_counter()
        with db.session() as session:
            out = fn(session)
        samples.append((time.perf_counter() - start) * 1000)
        if i == 0:
            event.remove(db.engine, "before_cursor_execute", counter)
            rows = len(out) if hasattr(out, "__len__") else 1
    samples.sort()
    return Result(name, statistics.median(samples),
                  samples[min(len(samples) - 1, int(len(samples) * 0.95))], counter.count,
                  rows)


def operations(db: Database, today: date, runs: int) -> list[Result]:
    actor = Actor.system("bench")
    with db.session() as s:
        location_id = s.scalar(select(func.min(Location.id)))
        pracs = list(s.scalars(select(Practitioner.id)
                               .where(Practitioner.default_location_id == location_id)))
        service = s.scalar(select(Service).limit(1))
        # A case of typical length (about ten visits), at either size.
        counts = select(Appointment.case_id, func.count().label("n")).group_by(
            Appointment.case_id).subquery()
        typical_case = s.scalar(select(counts.c.case_id).where(counts.c.n.between(9, 11))
                                .limit(1))
        day = today - timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    start = datetime.combine(today, clock(0), UTC)
    results = [
        timed(db, "day list (1 location, 20 practitioners)",
              lambda s: scheduling.day_list(s, actor, day, location_id=location_id), runs),
        timed(db, "availability (next 10 x 45 min, 20 practitioners, 30 days)",
              lambda s: availability.find_slots(
                  s, actor, s.merge(service), start, start + timedelta(days=30), limit=10,
                  practitioner_ids=pracs), runs),
        timed(db, "patient search by name prefix",
              lambda s: patients.search(s, actor, "smi", limit=25), runs),
        timed(db, "case timeline",
              lambda s: reports.case_timeline(s, actor, typical_case), runs),
        timed(db, "ready-to-bill worklist (1 location, first 100)",
              lambda s: reports.ready_to_bill(s, actor, location_id=location_id, limit=100),
              runs),
        timed(db, "revenue per practitioner per month, 1 year (1 location)",
              lambda s: reports.revenue_by_practitioner(
                  s, actor, today - timedelta(days=365), today + timedelta(days=1),
                  location_id=location_id), runs),
    ]
    return results


# -- CRUD comparison -------------------------------------------------------------------


def _crud_setup(db: Database) -> tuple[list[int], int]:
    system = Actor.system("bench")
    with db.session() as s:
        location = practitioners.create_location(s, system, practitioners.LocationIn(
            name="CRUD clinic", timezone="UTC"))
        ids = []
        for n in range(10):
            user = users.create_user(s, system, users.UserIn(
                email=f"crud{n}@example.org", role="practitioner", name=f"Crud {n}",
                disciplines=["general"]))
            assert user.practitioner is not None
            user.practitioner.default_location_id = location.id
            ids.append(user.practitioner.id)
    return ids, location.id


def _slot(n: int, base: date) -> tuple[int, datetime]:
    """Appointment n: practitioner n % 10, its (n // 10)-th half-hour slot of a workday."""
    index = n // 10
    day = base + timedelta(days=index // 16)
    start = datetime.combine(day, clock(9), UTC) + timedelta(minutes=30 * (index % 16))
    return n % 10, start


def crud_services(db: Database, n_patients: int = 1000,
                  n_appointments: int = 5000) -> dict[str, float]:
    prac_ids, _loc = _crud_setup(db)
    actor = Actor.system("bench")
    started = time.perf_counter()
    patient_ids = []
    for n in range(n_patients):
        with db.session() as s:
            patient_ids.append(patients.create(s, actor, patients.PatientIn(
                given_name=f"Given{n}", family_name=f"Family{n % 97}",
                birth_date=date(1970, 1, 1) + timedelta(days=n), phone=f"555-{n:04d}",
                email=f"p{n}@example.org")).id)
    patient_rate = n_patients / (time.perf_counter() - started)
    base = date(2031, 1, 6)
    started = time.perf_counter()
    for n in range(n_appointments):
        p, start = _slot(n, base)
        with db.session() as s:
            scheduling.book(s, actor, scheduling.BookingIn(
                patient_id=patient_ids[n % n_patients], practitioner_id=prac_ids[p],
                start=start, end=start + timedelta(minutes=30)))
    appointment_rate = n_appointments / (time.perf_counter() - started)
    # The same bookings a year later, all in one transaction (how scripts often batch).
    started = time.perf_counter()
    with db.session() as s:
        for n in range(n_appointments):
            p, start = _slot(n, base + timedelta(days=364))
            scheduling.book(s, actor, scheduling.BookingIn(
                patient_id=patient_ids[n % n_patients], practitioner_id=prac_ids[p],
                start=start, end=start + timedelta(minutes=30)))
    batched_rate = n_appointments / (time.perf_counter() - started)
    started = time.perf_counter()
    with db.session() as s:
        month = datetime.combine(base, clock(0), UTC)
        counts = dict(s.execute(
            select(Appointment.practitioner_id, func.count())
            .where(Appointment.start_at >= month,
                   Appointment.start_at < month + timedelta(days=31))
            .group_by(Appointment.practitioner_id)).all())
    count_ms = (time.perf_counter() - started) * 1000
    assert sum(counts.values()) > 0
    return {"patients (services)": patient_rate, "appointments (services)": appointment_rate,
            "appointments (services, one transaction)": batched_rate,
            "count per practitioner (services) ms": count_ms}


def crud_http(db: Database, url: str, n_patients: int = 1000,
              n_appointments: int = 5000) -> dict[str, float]:
    import logging

    from vesalius.app import create_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    prac_ids, _loc = _crud_setup(db)
    with db.session() as s:
        owner = users.create_user(s, Actor.system("bench"), users.UserIn(
            email="owner@example.org", role="owner"))
        token = users.issue_token(s, Actor.system("bench"), owner)
    app = create_app(url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body: Any = None) -> Any:
        conn.request(method, "/api/v1" + path,
                     body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        data = json.loads(response.read() or b"null")
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data}")
        return data

    try:
        started = time.perf_counter()
        patient_ids = [call("POST", "/patients", {
            "given_name": f"Given{n}", "family_name": f"Family{n % 97}",
            "birth_date": (date(1970, 1, 1) + timedelta(days=n)).isoformat(),
            "phone": f"555-{n:04d}", "email": f"p{n}@example.org"})["id"]
            for n in range(n_patients)]
        patient_rate = n_patients / (time.perf_counter() - started)
        base = date(2031, 1, 6)
        started = time.perf_counter()
        for n in range(n_appointments):
            p, start = _slot(n, base)
            call("POST", "/appointments", {
                "patient_id": patient_ids[n % n_patients], "practitioner_id": prac_ids[p],
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=30)).isoformat()})
        appointment_rate = n_appointments / (time.perf_counter() - started)
        started = time.perf_counter()
        month_from = datetime.combine(base, clock(0), UTC).isoformat().replace("+", "%2B")
        month_to = (datetime.combine(base, clock(0), UTC) + timedelta(days=31)).isoformat() \
            .replace("+", "%2B")
        total = 0
        for pid in prac_ids:
            total += len(call("GET", f"/appointments?practitioner_id={pid}&from={month_from}"
                                     f"&to={month_to}&limit=1000"))
        count_ms = (time.perf_counter() - started) * 1000
        assert total > 0
    finally:
        conn.close()
        server.shutdown()
        app.extensions["vesalius.db"].dispose()
    return {"patients (HTTP)": patient_rate, "appointments (HTTP)": appointment_rate,
            "count per practitioner (HTTP) ms": count_ms}


# -- reporting ---------------------------------------------------------------------------


def print_operations(engine: str, sizes: list[int], seeds: dict[int, float],
                     table: dict[int, list[Result]]) -> bool:
    ok_all = True
    smallest, largest = min(sizes), max(sizes)
    print(f"\n## {engine}: operations (median / p95 ms over the runs; SQL statements per call)\n")
    header = "| operation | " + " | ".join(f"{n:,} appts" for n in sizes) + \
        " | queries | target met |"
    print(header)
    print("|" + "---|" * (len(sizes) + 3))
    for i, first in enumerate(table[smallest]):
        cells = []
        queries = {table[n][i].queries for n in sizes}
        for n in sizes:
            r = table[n][i]
            cells.append(f"{r.median_ms:.1f} / {r.p95_ms:.1f}")
        ok = all(table[n][i].median_ms <= MEDIAN_TARGET_MS for n in sizes)
        if len(sizes) > 1:
            ok = ok and table[largest][i].median_ms <= 2 * max(table[smallest][i].median_ms,
                                                                1.0)
        ok = ok and len(queries) == 1
        ok_all &= ok
        print(f"| {first.name} | " + " | ".join(cells) +
              f" | {'/'.join(str(q) for q in sorted(queries))} | {'yes' if ok else 'NO'} |")
    print("\nSeeding: " + ", ".join(f"{n:,} appointments in {seeds[n]:.1f} s" for n in sizes))
    if 1_000_000 in seeds:
        met = seeds[1_000_000] <= SEED_1M_TARGET_S
        ok_all &= met
        print(f"Seeding 1M target <= {SEED_1M_TARGET_S:.0f} s: {'met' if met else 'MISSED'}")
    return ok_all


def print_crud(engine: str, rates: dict[str, float]) -> bool:
    """Our CRUD rates; the comparison with GNU Health is run beside them by ``--peers``
    (never a figure typed in here). PostgreSQL's rows have their own targets."""
    print(f"\n## {engine}: CRUD (1,000 patients, 5,000 appointments with overlap checks, "
          "10 practitioners; one transaction / one request per record)\n")
    own = POSTGRES_TARGETS if engine == "PostgreSQL" else {}
    print("| measure | Vesalius |" + (" PostgreSQL target | met |" if own else ""))
    print("|---|---|" + ("---|---|" if own else ""))
    ok_all = True
    for key, value in rates.items():
        line = (f"| {key} | {value:.1f} ms |" if key.endswith("ms")
                else f"| {key} | {value:,.0f} /s |")
        if own:
            if key in own:
                met = value >= own[key]
                ok_all &= met
                line += f" {own[key]:,} /s | {'yes' if met else 'NO'} |"
            else:
                line += " | |"
        print(line)
    if not own:
        print("\nBeside GNU Health, in the same run: `bench.py --peers` (bench/peers/).")
    return ok_all


def print_engines(sizes: list[int], tables: dict[str, dict[int, list[Result]]]) -> bool:
    """PostgreSQL's median of each operation against SQLite's, at each size."""
    if not {"SQLite", "PostgreSQL"} <= tables.keys():
        return True
    lite, pg = tables["SQLite"], tables["PostgreSQL"]
    print(f"\n## PostgreSQL against SQLite (median ms; target: within {ENGINE_RATIO:g}x)\n")
    print("| operation | " + " | ".join(f"{n:,} appts: SQLite / PostgreSQL / ratio"
                                        for n in sizes) + " | within 2x |")
    print("|" + "---|" * (len(sizes) + 2))
    ok_all = True
    for i, first in enumerate(lite[sizes[0]]):
        cells, ok = [], True
        for n in sizes:
            a, b = lite[n][i].median_ms, pg[n][i].median_ms
            ratio = b / max(a, 0.01)
            ok &= ratio <= ENGINE_RATIO
            cells.append(f"{a:.1f} / {b:.1f} / {ratio:.1f}x")
        ok_all &= ok
        print(f"| {first.name} | " + " | ".join(cells) + f" | {'yes' if ok else 'NO'} |")
    return ok_all


def peers(engine: str, pg_url: str | None, workdir: Path, counts: list[int], *,
          http: bool) -> bool:
    """Our CRUD work and GNU Health's, one after the other, and the table with ratios."""
    from peers import compare

    n_patients, n_appointments, http_patients, http_appointments = counts
    loads = [os.getloadavg()[0]]
    url = pg_url or f"sqlite:///{workdir / 'peers.sqlite3'}"
    db = fresh(url)
    settings = compare.our_settings(db)
    floor = compare.commit_floor(db)
    ours = crud_services(db, n_patients, n_appointments)
    ours["patients (services, one transaction)"] = compare.patients_one_transaction(
        db, n_patients)
    db.dispose()
    if http:
        url = pg_url or f"sqlite:///{workdir / 'peers-http.sqlite3'}"
        ours |= crud_http(fresh(url), url, http_patients, http_appointments)
    loads.append(os.getloadavg()[0])
    print(f"  (Vesalius done, {engine}; now GNU Health)", file=sys.stderr, flush=True)
    peer = compare.run_peer(n_patients, n_appointments, http_patients, http_appointments,
                            postgres_url=pg_url, http=http)
    loads.append(os.getloadavg()[0])
    print("\nLoad average (1 min) before Vesalius, between, after GNU Health: "
          + ", ".join(f"{x:.1f}" for x in loads))
    return compare.print_peers(engine, ours, peer, settings, tuple(counts),  # type: ignore[arg-type]
                               floor)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--postgres", default=os.environ.get("VESALIUS_BENCH_POSTGRES_URL"),
                        help="Also run on this PostgreSQL database (it is wiped).")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-crud-only", action="store_true",
                        help="Only PostgreSQL's CRUD rows (the booking targets).")
    parser.add_argument("--crud-only", action="store_true")
    parser.add_argument("--no-crud", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Keep the SQLite files.")
    parser.add_argument("--peers", action="store_true",
                        help="Only the CRUD work, beside GNU Health 5.0 run in the same go "
                        "(bash bench/peers/gnuhealth/setup.sh first).")
    parser.add_argument("--peer-counts", type=int, nargs=4, default=[1000, 5000, 200, 500],
                        metavar=("PATIENTS", "APPOINTMENTS", "HTTP_PATIENTS",
                                 "HTTP_APPOINTMENTS"),
                        help="Records each side creates with --peers (default: %(default)s).")
    args = parser.parse_args()
    os.environ.setdefault("VESALIUS_STRICT_PLUGINS", "0")
    today = date.today()
    workdir = Path(tempfile.mkdtemp(prefix="vesalius-bench-"))
    engines = [("SQLite", None)]
    if args.postgres and not args.sqlite_only:
        engines.append(("PostgreSQL", args.postgres))
    if args.postgres_crud_only:
        if not args.postgres:
            parser.error("--postgres-crud-only needs --postgres")
        engines, args.crud_only = [("PostgreSQL", args.postgres)], True
    ok = True
    print(f"# Vesalius benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    tables: dict[str, dict[int, list[Result]]] = {}
    if args.peers:
        for engine, pg_url in engines:
            ok &= peers(engine, pg_url, workdir, args.peer_counts, http=not args.no_http)
        engines = []
    for engine, pg_url in engines:
        if not args.crud_only:
            table: dict[int, list[Result]] = {}
            seeds: dict[int, float] = {}
            for size in args.sizes:
                url = pg_url or f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"
                db = fresh(url)
                started = time.perf_counter()
                bulk_seed(db, appointments=size, today=today)
                seeds[size] = time.perf_counter() - started
                if db.dialect == "postgresql":
                    with db.engine.connect().execution_options(
                            isolation_level="AUTOCOMMIT") as conn:
                        conn.exec_driver_sql("VACUUM ANALYZE")
                else:
                    with db.engine.connect() as conn:
                        conn.exec_driver_sql("ANALYZE")
                        conn.commit()
                table[size] = operations(db, today, args.runs)
                db.dispose()
                print(f"  ({engine} {size:,}: seeded in {seeds[size]:.1f} s)", file=sys.stderr)
            ok &= print_operations(engine, args.sizes, seeds, table)
            tables[engine] = table
        if not args.no_crud:
            url = pg_url or f"sqlite:///{workdir / 'crud.sqlite3'}"
            rates = crud_services(fresh(url))
            if not args.no_http:
                url = pg_url or f"sqlite:///{workdir / 'crud-http.sqlite3'}"
                rates |= crud_http(fresh(url), url)
            ok &= print_crud(engine, rates)
    ok &= print_engines(args.sizes, tables)
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")
    print(f"\nAll targets met: {'yes' if ok else 'no'}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    # The bench is about the core: only the default pack, so results do not depend on
    # which discipline packs happen to be installed.
    from vesalius.plugins import build_registry, set_registry

    set_registry(build_registry(entry_points=False))
    raise SystemExit(main())
