"""Quick search at scale: seed a clinic with ``bulk_seed`` (one patient per ten appointments,
so 1M appointments is 100k patients), number its issued invoices as the service does
(``INV-`` and six digits), then time ``services.search.quick_search`` (checks, queries and
its audit rows, in one transaction each) for each kind of query the header box answers.

    uv run python bench/search.py                          # 100k patients, SQLite
    uv run python bench/search.py --appointments 100000    # 10k patients
    uv run python bench/search.py --postgres postgresql+psycopg://...   # PostgreSQL (wiped)

Target: median <= 20 ms per search at 100k patients (the search: its queries and audit
inserts; the commit, one fsync on SQLite, is shown beside it). Prints a markdown table (median and
95th percentile in ms, SQL statements, results) and exits 1 when a median misses it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select, text
from vesalius.db import Database
from vesalius.demo import bulk_seed
from vesalius.models import Invoice, Patient
from vesalius.services import Actor
from vesalius.services.search import quick_search

from bench import fresh  # bench/bench.py, beside this script: a wiped, migrated database

TARGET_MS = 20.0
FRONT_DESK = Actor(user_id=1, role="front-desk", user_agent="bench")


def number_invoices(db: Database) -> None:
    """Issued invoices get their number (the bulk seed leaves it empty)."""
    padded = ("'INV-' || lpad(id::text, 6, '0')" if db.dialect == "postgresql"
              else "'INV-' || substr('000000' || id, -6)")
    with db.engine.begin() as conn:
        conn.execute(text(f"UPDATE invoices SET number = {padded} WHERE status = 'issued'"))
        conn.exec_driver_sql("ANALYZE")  # both engines: plan with the seeded sizes


def queries(db: Database) -> dict[str, str]:
    """One real query of each kind, taken from the seeded register (a patient near the
    middle, so nothing is found by luck at the start of an index)."""
    with db.session() as s:
        count = s.scalar(select(func.count()).select_from(Patient)) or 0
        p = s.scalar(select(Patient).order_by(Patient.id).offset(count // 2).limit(1))
        number = s.scalar(select(Invoice.number).where(Invoice.number.is_not(None))
                          .order_by(Invoice.id.desc()).limit(1))
        assert p is not None and p.birth_date and p.phone and p.email and number
        phone = p.phone
        born = p.birth_date
        return {
            "name prefix (3 letters)": p.family_name[:3],
            "given + family prefix": f"{p.given_name} {p.family_name[:3]}",
            "birth date ISO": born.isoformat(),
            "birth date dd/mm/yyyy": born.strftime("%d/%m/%Y"),
            "phone as stored (+1 ...)": phone,
            "phone without country code": phone.removeprefix("+1 "),
            "e-mail up to the @": p.email.split("@")[0] + "@",
            "invoice number": number,
            "invoice number, digits only": number.removeprefix("INV-"),
        }


def time_one(db: Database, q: str, runs: int) -> tuple[float, float, float, int, int]:
    """(median and p95 of the search itself: its queries and audit inserts; median with the
    commit too, which on SQLite is one fsync of the audit rows; statements; results)."""
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    samples, committed = [], []
    found = 0
    for i in range(runs):
        if i == 0:
            event.listen(db.engine, "before_cursor_execute", count)
        start = time.perf_counter()
        with db.session() as s:
            s.connection()  # the transaction is open before the clock starts
            searched = time.perf_counter()
            found = len(quick_search(s, FRONT_DESK, q))
            samples.append((time.perf_counter() - searched) * 1000)
        committed.append((time.perf_counter() - start) * 1000)
        if i == 0:
            event.remove(db.engine, "before_cursor_execute", count)
    samples.sort()
    return (statistics.median(samples), samples[min(runs - 1, int(runs * 0.95))],
            statistics.median(committed), statements, found)


def run(engine: str, db: Database, appointments: int, runs: int) -> bool:
    started = time.perf_counter()
    bulk_seed(db, appointments=appointments)
    number_invoices(db)
    with db.session() as s:
        patients = s.scalar(select(func.count()).select_from(Patient))
        invoices = s.scalar(select(func.count()).select_from(Invoice)
                            .where(Invoice.number.is_not(None)))
    print(f"\n## {engine}: quick search, {patients:,} patients, {invoices:,} numbered invoices "
          f"(seeded in {time.perf_counter() - started:.0f} s); {runs} runs each\n")
    print("| query | median ms | p95 ms | median with commit | statements | results "
          "| <= 20 ms |")
    print("|---|---|---|---|---|---|---|")
    ok_all = True
    for name, q in queries(db).items():
        median, p95, with_commit, statements, found = time_one(db, q, runs)
        ok = median <= TARGET_MS and found > 0
        ok_all &= ok
        print(f"| {name} | {median:.2f} | {p95:.2f} | {with_commit:.2f} | {statements} | "
              f"{found} | "
              f"{'yes' if ok else 'NO'} |")
    return ok_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=51)
    parser.add_argument("--postgres", default=os.environ.get("VESALIUS_BENCH_POSTGRES_URL"))
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    ok = True
    folder = Path(tempfile.mkdtemp(prefix="vesalius-search-bench-"))
    try:
        db = fresh(f"sqlite:///{folder / 'bench.sqlite3'}")
        ok &= run("SQLite", db, args.appointments, args.runs)
        db.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.postgres and not args.sqlite_only:
        db = fresh(args.postgres)
        ok &= run("PostgreSQL", db, args.appointments, args.runs)
        db.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
