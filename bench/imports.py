"""Importing patients from CSV at scale (issue 16: 100,000 patients in under 60 s on SQLite):
write a generic-preset file of N patients, then time ``vesalius.imports.run`` on an empty
migrated database: once for real, once again (the idempotent re-run: every row unchanged).

    uv run python bench/imports.py                     # 100,000 patients, SQLite
    uv run python bench/imports.py --patients 10000
    uv run python bench/imports.py --postgres postgresql+psycopg://...   # PostgreSQL (wiped)

Prints a markdown table (seconds, rows per second) and exits 1 when the first run misses
60 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from vesalius.imports.run import run
from vesalius.services import Actor

from bench import fresh  # bench/bench.py, beside this script: a wiped, migrated database

TARGET_S = 60.0
GIVEN = ("Ada", "Alan", "Grace", "Emmy", "Rosalind", "Marie", "Niels", "Lise", "Chien-Shiung",
         "Srinivasa", "Mary", "Katherine", "Dorothy", "Tim", "Barbara", "Edsger")
FAMILY = ("Lovelace", "Turing", "Hopper", "Noether", "Franklin", "Curie", "Bohr", "Meitner",
          "Wu", "Ramanujan", "Jackson", "Johnson", "Vaughan", "Berners-Lee", "Liskov",
          "Dijkstra")


def patients_csv(count: int, seed: int = 16) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "given_name", "family_name", "birth_date", "sex", "email",
                     "mobile", "city", "postal_code", "country"])
    born = date(1930, 1, 1)
    for i in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        writer.writerow([f"P-{i:07d}", given, family,
                         (born + timedelta(days=rng.randrange(30000))).isoformat(),
                         rng.choice(("F", "M", "X", "")),
                         f"{given.lower()}.{family.lower()}.{i}@example.org",
                         f"+1 416 555 {i % 10000:04d}", "Toronto", "M5V 2T6", "CA"])
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL URL (it is wiped)")
    args = parser.parse_args()
    text = patients_csv(args.patients)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = fresh(url)
        rows = []
        for label in ("first import", "re-run (all unchanged)"):
            start = time.perf_counter()
            report = run(db, Actor.system("bench"), "patients", text)
            seconds = time.perf_counter() - start
            assert report.ok, report.errors[:5]
            rows.append((label, seconds, report))
        db.dispose()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"| {engine}, {args.patients:,} patients | seconds | rows/s | created | unchanged |")
    print("|---|---:|---:|---:|---:|")
    for label, seconds, report in rows:
        print(f"| {label} | {seconds:.1f} | {args.patients / seconds:,.0f} | "
              f"{report.created:,} | {report.unchanged:,} |")
    return 0 if rows[0][1] < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
