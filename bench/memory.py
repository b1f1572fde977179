"""Memory leak check: ``vesalius serve --workers 2`` answers 10,000 requests across the main
pages and the API, and each worker's resident memory after 10,000 requests is compared with
its size after the first 100 (the warm-up: templates compiled, caches filled).

    uv run python bench/memory.py                            # 10k appointments, SQLite
    uv run python bench/memory.py --requests 2000            # a quick look
    uv run python bench/memory.py --postgres postgresql+psycopg://USER@127.0.0.1:PORT/DB

Each request is a fresh connection from one of two client threads (so both workers serve),
round-robin over the routes: the calendar day of a location (20 practitioners), a patient's
chart, the chart editor of a draft note, the patient list with a search, the ready-to-bill
worklist, and the API's appointment list and patient search (bearer token). Every answer
must be 200. The resident size is ``VmRSS`` of ``/proc/<pid>/status`` of each worker (the
children of the serve process). Target: growth <= 10 %.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "web"))

import bench_web  # the web bench's seeding and sign-in

GROWTH_TARGET = 0.10
WARM_UP = 100


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def workers(server_pid: int) -> list[int]:
    """The serve process's worker processes (its children), waited for until there are
    two or more: the serve command forks them after it starts."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found: list[int] = []
        for task in Path(f"/proc/{server_pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
        if len(found) >= 2:
            return sorted(found)
        time.sleep(0.2)
    raise RuntimeError("the server's workers did not start")


def api_token(url: str) -> tuple[str, int, int]:
    """A bearer token of the bench owner, a patient with appointments, a practitioner."""
    from sqlalchemy import func, select
    from vesalius.db import Database
    from vesalius.models import Appointment, User
    from vesalius.services import users
    from vesalius.services.actor import Actor

    db = Database(url)
    with db.session() as s:
        owner = s.scalar(select(User).where(User.email == bench_web.EMAIL))
        token = users.issue_token(s, Actor.system("bench"), owner)
        patient = s.scalar(select(func.min(Appointment.patient_id)))
        practitioner = s.scalar(select(func.min(Appointment.practitioner_id)))
    db.dispose()
    return token, patient, practitioner


def routes(url: str) -> tuple[list[tuple[str, str, dict[str, str]]], str]:
    day, location, note, _largest = bench_web.targets(url)
    token, patient, practitioner = api_token(url)
    start = datetime.combine(date.fromisoformat(str(day)), datetime.min.time(), UTC)
    span = (f"from={start.isoformat().replace('+', '%2B')}"
            f"&to={(start + timedelta(days=7)).isoformat().replace('+', '%2B')}")
    bearer = {"Authorization": f"Bearer {token}"}
    return [
        ("calendar day", f"/calendar/?date={day}&location={location}", {}),
        ("patient chart", f"/patients/{patient}", {}),
        ("chart editor", f"/chart/notes/{note}", {}),
        ("patient list, search", "/patients/?q=smi", {}),
        ("ready to bill", "/billing/ready", {}),
        ("API: appointments of a week", f"/api/v1/appointments?practitioner_id={practitioner}"
                                        f"&{span}", bearer),
        ("API: patient search", "/api/v1/patients?q=smi", bearer),
    ], str(day)


def drive(port: int, plan: list[tuple[str, str, dict[str, str]]], cookie: str, count: int,
          counter: itertools.count, failures: list[str]) -> None:  # type: ignore[type-arg]
    """Send requests until ``count`` have been sent by all threads together."""
    while True:
        n = next(counter)
        if n >= count:
            return
        _name, path, headers = plan[n % len(plan)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request("GET", path, headers={"Cookie": cookie, **headers})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"{path}: {response.status}")
        finally:
            conn.close()


def run(port: int, plan: list[tuple[str, str, dict[str, str]]], cookie: str, count: int,
        threads: int) -> list[str]:
    counter = itertools.count()
    failures: list[str] = []
    pool = [threading.Thread(target=drive, args=(port, plan, cookie, count, counter, failures))
            for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2, help="client threads")
    parser.add_argument("--postgres", help="Run on this PostgreSQL database (it is wiped).")
    args = parser.parse_args()
    bench_web.RESULTS.mkdir(exist_ok=True)
    if args.postgres:
        from vesalius.db import Database

        url = args.postgres
        db = Database(url)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        db.dispose()
    else:
        path = bench_web.RESULTS / f"memory-{args.appointments}.sqlite3"
        url = f"sqlite:///{path}"
    bench_web.seed(url, args.appointments)
    plan, day = routes(url)
    port = bench_web.free_port()
    env = {**os.environ, "VESALIUS_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "vesalius", "serve", "--port", str(port), "--workers",
         str(args.workers)], env=env, stdout=subprocess.DEVNULL,
        stderr=(bench_web.RESULTS / "memory-server.log").open("w"), start_new_session=True)
    try:
        bench_web.wait_up(port)
        pids = workers(server.pid)
        cookie = bench_web.sign_in(port)
        for _name, path, headers in plan:
            if not headers:
                bench_web.check_signed_in(port, path, cookie)
        started = time.perf_counter()
        failures = run(port, plan, cookie, WARM_UP, args.clients)
        after_warm_up = {pid: rss_kib(pid) for pid in pids}
        failures += run(port, plan, cookie, args.requests - WARM_UP, args.clients)
        after_all = {pid: rss_kib(pid) for pid in pids}
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"# Memory, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {engine}, "
          f"{args.appointments:,} appointments, {args.workers} workers, "
          f"{args.requests:,} requests in {elapsed:.0f} s from {args.clients} clients, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("Routes, round-robin: " + "; ".join(f"{name} ({path.split('?')[0]})"
                                             for name, path, _ in plan) + f"; day {day}\n")
    print(f"| worker | RSS after {WARM_UP} requests | RSS after {args.requests:,} | growth |")
    print("|---|---|---|---|")
    ok = not failures
    for pid in pids:
        growth = (after_all[pid] - after_warm_up[pid]) / after_warm_up[pid]
        ok &= growth <= GROWTH_TARGET
        print(f"| {pid} | {after_warm_up[pid] / 1024:.1f} MiB | {after_all[pid] / 1024:.1f} MiB"
              f" | {growth * 100:+.1f} % |")
    print(f"\nNon-200 answers: {len(failures)}" + (f" (first: {failures[0]})" if failures else ""))
    print(f"Growth <= {GROWTH_TARGET * 100:.0f} % on every worker, every answer 200: "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
