"""The front desk's and the billing clerk's pages at scale (issue 14), on SQLite and
PostgreSQL, at 10k and 1M appointments.

    uv run python bench/frontdesk.py                                # 10k and 1M, SQLite
    uv run python bench/frontdesk.py --sizes 10000                  # a quick look
    uv run python bench/frontdesk.py --postgres postgresql+psycopg://...   # and PostgreSQL (wiped)

Each size is seeded with ``vesalius.demo.bulk_seed`` (the seed bench.py uses: 20
practitioners a location, a third of the patients insured, drafts of the last two days on
the worklist, a few claims and payments made through the services; 1M appointments is ten
locations and 100k patients), its issued invoices numbered as the service numbers them.
Then every page is requested through the web app in-process (Flask's test client, signed
in as the owner, one request at a time, each in its own transaction as a browser's
request is), and the quick search is timed through its service as bench/search.py does.

Per row: median and 95th percentile in ms over the runs, and the SQL statements of one
request (every engine the app uses; the same at both sizes means no N+1). Targets: every
median <= 50 ms (quick search: <= 20 ms, at 100k patients; the bulk issue of 50: <= 250 ms,
5 ms an invoice, each on its own savepoint with its number, revenue and audit row), at 1M
within 2x of 10k, the statement count the same at both sizes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from search import number_invoices, queries, time_one  # bench/search.py
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from vesalius.db import Database
from vesalius.demo import bulk_seed
from vesalius.models import Claim, Invoice, InvoiceLine, Location, Payer, Payment, Practitioner
from vesalius.services import Actor, users

from bench import fresh  # bench/bench.py, beside this script: a wiped, migrated database

MEDIAN_TARGET_MS = 50.0
SEARCH_TARGET_MS = 20.0
BULK_TARGET_MS = 250.0
OWNER, PASSWORD = "bench.owner@example.org", "bench owner passphrase 2026"
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
BULK = 50


@dataclass
class Row:
    name: str
    median_ms: float
    p95_ms: float
    statements: int
    detail: str = ""
    #: Median CPU time of this process per request (the app runs in it; PostgreSQL's own
    #: work is in the server, not counted): what a request costs, whatever the machine's load.
    cpu_ms: float | None = None


class Statements:
    """SQL statements run while active, on every engine (the app keeps more than one)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1

    def __enter__(self) -> Statements:
        event.listen(Engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self)


@dataclass
class Clinic:
    """What the pages are asked for: a location's busiest recent working day, a
    practitioner there, the payer, a draft invoice with a line, a claim, a payment, and
    batches of drafts to issue."""

    location_id: int
    day: date
    practitioner_id: int
    payer_id: int
    draft_id: int
    line_id: int
    claim_id: int
    payment_id: int
    batches: list[list[int]]


def clinic(db: Database, today: date, runs: int) -> Clinic:
    with db.session() as s:
        location_id = s.scalar(select(func.min(Location.id)))
        practitioner_id = s.scalar(select(func.min(Practitioner.id)).where(
            Practitioner.default_location_id == location_id))
        day = today - timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        drafts = list(s.scalars(select(Invoice.id).where(Invoice.status == "draft")
                                .order_by(Invoice.id)))
        draft_id, batch_ids = drafts[0], drafts[1:]
        line_id = s.scalar(select(InvoiceLine.id).where(InvoiceLine.invoice_id == draft_id))
        return Clinic(
            location_id=location_id, day=day, practitioner_id=practitioner_id,
            payer_id=s.scalar(select(func.min(Payer.id))), draft_id=draft_id, line_id=line_id,
            claim_id=s.scalar(select(func.min(Claim.id))),
            payment_id=s.scalar(select(func.min(Payment.id))),
            batches=[batch_ids[i * BULK:(i + 1) * BULK] for i in range(runs)
                     if len(batch_ids) >= (i + 1) * BULK])


class Browser:
    """Flask's test client signed in as the owner, sending the page's CSRF token back."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.token = ""
        self.get("/login")
        response = self.post("/login", {"email": OWNER, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        found = TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data={"csrf_token": self.token, **data})


def timed(name: str, request: Callable[[int], Any], runs: int, expect: int = 200,
          detail: str = "") -> Row:
    """``runs`` requests (``request(i)`` for the i-th); statements of the first."""
    samples, cpu = [], []
    statements = 0
    for i in range(runs):
        counter = Statements()
        with counter:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = request(i)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == expect, (name, response.status_code,
                                                response.get_data(as_text=True)[:300])
        if i == 0:
            statements = counter.count
    samples.sort()
    return Row(name, statistics.median(samples),
               samples[min(len(samples) - 1, int(len(samples) * 0.95))], statements, detail,
               statistics.median(cpu))


def pages(db: Database, url: str, today: date, runs: int) -> list[Row]:
    from vesalius.app import create_app

    with db.session() as s:
        users.create_user(s, Actor.system("bench"), users.UserIn(
            email=OWNER, role="owner", name="Bench owner", password=PASSWORD))
    c = clinic(db, today, runs)
    app = create_app(url, config={"TESTING": True})
    try:
        b = Browser(app)
        day, monday = c.day.isoformat(), c.day - timedelta(days=c.day.weekday())
        week_from, week_to = (monday - timedelta(days=7)).isoformat(), day
        rows = [
            timed("calendar day, all 20 practitioners (status counts included)",
                  lambda _i: b.get(f"/calendar/?location={c.location_id}&date={day}"), runs),
            timed("calendar week, everyone (20 practitioners x 7 days)",
                  lambda _i: b.get(f"/calendar/week/all?location={c.location_id}&date={day}"),
                  runs),
            timed("ready to bill, no filter", lambda _i: b.get("/billing/ready"), runs),
            timed("ready to bill, one practitioner",
                  lambda _i: b.get(f"/billing/ready?practitioner={c.practitioner_id}"), runs),
            timed("ready to bill, the payer",
                  lambda _i: b.get(f"/billing/ready?payer={c.payer_id}"), runs),
            timed("ready to bill, self-pay", lambda _i: b.get("/billing/ready?payer=self"),
                  runs),
            timed("ready to bill, dates of the last two weeks",
                  lambda _i: b.get(f"/billing/ready?from={week_from}&to={week_to}"), runs),
            timed("draft invoice page", lambda _i: b.get(f"/billing/invoices/{c.draft_id}"),
                  runs),
            timed("draft invoice edit: price override with a reason (POST)",
                  lambda i: b.post(f"/billing/invoices/{c.draft_id}/lines/{c.line_id}", {
                      "unit_price": f"{80 + i}.00", "reason": "bench: loyalty rate"}),
                  runs, expect=302),
            timed("claim page", lambda _i: b.get(f"/billing/claims/{c.claim_id}"), runs),
            timed("receipt of a payment of three invoices",
                  lambda _i: b.get(f"/billing/payments/{c.payment_id}/receipt"), runs),
            timed(f"bulk issue of {BULK} drafts (POST)",
                  lambda i: b.post("/billing/ready/issue", {"invoice": c.batches[i]}),
                  len(c.batches), expect=302, detail=f"{len(c.batches)} runs"),
            timed("quick search as you type (JSON), family name prefix",
                  lambda _i: b.get("/search/quick?q=smi"), runs),
        ]
    finally:
        app.extensions["vesalius.db"].dispose()
    with db.session() as s:  # the POSTs did what they say (they answer 302 either way)
        price = s.scalar(select(InvoiceLine.unit_price).where(InvoiceLine.id == c.line_id))
        assert str(price) == f"{80 + runs - 1}.00", price
        issued = s.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.id.in_([i for batch in c.batches for i in batch]),
            Invoice.status == "issued"))
        assert issued == BULK * len(c.batches), issued
    return rows


def searches(db: Database, runs: int) -> list[Row]:
    """bench/search.py's queries, timed the same way (the search, without the commit)."""
    rows = []
    for name, q in queries(db).items():
        median, p95, _with_commit, statements, found = time_one(db, q, runs)
        assert found > 0, name
        rows.append(Row(f"quick search: {name}", median, p95, statements, f"{found} found"))
    return rows


def print_table(engine: str, sizes: list[int], seeds: dict[int, float],
                patients: dict[int, int], table: dict[int, list[Row]]) -> bool:
    smallest, largest = min(sizes), max(sizes)
    print(f"\n## {engine}: front desk and billing (wall median / p95 ms, CPU median ms; SQL "
          "statements per request)\n")
    print("| page or query | " + " | ".join(f"{n:,} appts ({patients[n]:,} patients)"
                                          for n in sizes)
          + " | statements | target met (wall) | target met (CPU) |")
    print("|" + "---|" * (len(sizes) + 4))
    ok_all = True
    for i, first in enumerate(table[smallest]):
        target = SEARCH_TARGET_MS if first.name.startswith("quick search:") else \
            BULK_TARGET_MS if first.name.startswith("bulk issue") else MEDIAN_TARGET_MS
        statements = {table[n][i].statements for n in sizes}
        ok = all(table[n][i].median_ms <= target for n in sizes) and len(statements) == 1
        if len(sizes) > 1:
            ok &= table[largest][i].median_ms <= 2 * max(table[smallest][i].median_ms, 1.0)
        ok_all &= ok
        cpus = [table[n][i].cpu_ms for n in sizes]
        cpu_ok = "-" if None in cpus else "yes" if (
            all(c is not None and c <= target for c in cpus) and len(statements) == 1
            and (len(sizes) == 1 or (cpus[-1] or 0) <= 2 * max(cpus[0] or 0, 1.0))) else "NO"
        cells = " | ".join(f"{table[n][i].median_ms:.1f} / {table[n][i].p95_ms:.1f}"
                           + (f" ({table[n][i].cpu_ms:.1f})" if table[n][i].cpu_ms is not None
                              else "") for n in sizes)
        print(f"| {first.name} | {cells} | {'/'.join(map(str, sorted(statements)))} | "
              f"{'yes' if ok else 'NO'} | {cpu_ok} |")
    print("\nSeeding: " + ", ".join(f"{n:,} appointments in {seeds[n]:.1f} s" for n in sizes))
    return ok_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--postgres", default=os.environ.get("VESALIUS_BENCH_POSTGRES_URL"),
                        help="Also run on this PostgreSQL database (it is wiped).")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("VESALIUS_STRICT_PLUGINS", "0")
    today = date.today()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# Front desk and billing, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average "
          f"{load:.1f} at the start")
    engines: list[tuple[str, str | None]] = [] if args.postgres_only else [("SQLite", None)]
    if args.postgres and not args.sqlite_only:
        engines.append(("PostgreSQL", args.postgres))
    workdir = Path(tempfile.mkdtemp(prefix="vesalius-frontdesk-"))
    ok = True
    try:
        for engine, pg_url in engines:
            table: dict[int, list[Row]] = {}
            seeds: dict[int, float] = {}
            patients: dict[int, int] = {}
            for size in args.sizes:
                url = pg_url or f"sqlite:///{workdir / f'frontdesk-{size}.sqlite3'}"
                db = fresh(url)
                started = time.perf_counter()
                patients[size] = bulk_seed(db, appointments=size, today=today)["patients"]
                seeds[size] = time.perf_counter() - started
                number_invoices(db)  # and ANALYZE
                table[size] = searches(db, args.runs * 2 + 1) + \
                    pages(db, url, today, args.runs)
                db.dispose()
                if pg_url is None:
                    (workdir / f"frontdesk-{size}.sqlite3").unlink()
                print(f"  ({engine} {size:,}: seeded in {seeds[size]:.0f} s)", file=sys.stderr,
                      flush=True)
                for row in table[size]:  # as it goes, in case a larger size never ends
                    print(f"  {engine} {size:,} | {row.name} | {row.median_ms:.1f} / "
                          f"{row.p95_ms:.1f} ({row.cpu_ms}) | {row.statements}",
                          file=sys.stderr, flush=True)
            ok &= print_table(engine, args.sizes, seeds, patients, table)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nAll targets met: {'yes' if ok else 'no'}")
    return 0 if ok else 1


if __name__ == "__main__":
    # As bench.py: only the core's own pack, whatever discipline packs are installed.
    from vesalius.plugins import build_registry, set_registry

    set_registry(build_registry(entry_points=False))
    sys.exit(main())
