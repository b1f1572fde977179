"""``vesalius demo``: a realistic demo clinic, or a large seed for benchmarks."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click


def _summary(counts: dict[str, Any]) -> str:
    return ", ".join(f"{v:,} {k}" for k, v in counts.items()
                     if isinstance(v, int) and not k.startswith("login"))


@contextmanager
def _progress() -> Iterator[Callable[[int, int, dict[str, Any]], None]]:
    """Seeding's progress: a bar with the counts so far on a terminal, else a plain line
    at every tenth of the work (logs, CI)."""
    if sys.stdout.isatty():
        shown: dict[str, Any] = {}
        with click.progressbar(length=1, label="Seeding the demo clinic", show_pos=True,
                               item_show_func=lambda _item: _summary(shown)) as bar:
            def tell(done: int, total: int, counts: dict[str, Any]) -> None:
                shown.clear()
                shown.update(counts)
                bar.length = total
                bar.update(done - bar.pos, done)

            yield tell
        return
    yield _lines()


def _lines() -> Callable[[int, int, dict[str, Any]], None]:
    """A plain line at every tenth of the work."""
    last = [-1]

    def line(done: int, total: int, counts: dict[str, Any]) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth != last[0]:
            last[0] = tenth
            click.echo(f"Seeding the demo clinic: {done * 100 // max(total, 1)}% "
                       f"({_summary(counts)})")

    return line


#: After each transaction (the patients, then each day of visits) the background seeding
#: waits this long before its next: SQLite's busy handler retries a waiting writer at most
#: every 100 ms, so without a pause the server's writes (a sign-in, a booking) could wait
#: for the whole seed.
YIELD_S = 0.12


def _seed_child(url: str | None, seed: int, ready: Callable[[], None]) -> None:
    """The whole demo seed (the same clinic as in the foreground), telling ``ready`` once
    the clinic's people are committed, and pausing between days for the server's writes."""
    from ..db import Database
    from ..demo import seed_demo

    db = Database(url)
    started = time.perf_counter()
    try:
        counts = seed_demo(db, seed=seed, progress=_lines(), ready=ready,
                           between=lambda: time.sleep(YIELD_S))
    finally:
        db.dispose()
    click.echo("The demo clinic's history is in: " + _summary(counts)
               + f", seeded in {time.perf_counter() - started:.1f} s")


def _seed_in_background(url: str | None, seed: int) -> bool:
    """Fork a process that seeds the demo and wait until the clinic can be served (its
    staff, logins, patients and cases committed); the visits follow while it serves, with
    their progress printed. False when the seeding failed before that.

    A bare fork, not multiprocessing: the server's workers are forked from this process
    too, and must not inherit a child to join at their exit."""
    import os
    import traceback

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the seeding process: never returns into the command
        os.close(read_end)
        status = 0
        try:
            _seed_child(url, seed, lambda: os.write(write_end, b"1") and None)
        except KeyboardInterrupt:  # Ctrl+C stops the server and this with it
            status = 130
        except BaseException:
            traceback.print_exc()
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        return pipe.read(1) == b"1"  # empty: the child ended before the clinic was in


@click.command("demo")
@click.option("--seed-only", is_flag=True, help="Seed and exit instead of serving.")
@click.option("--appointments", type=int, default=None, metavar="N",
              help="Bulk-seed N appointments for benchmarks (SQLAlchemy Core inserts).")
@click.option("--database", "url", metavar="URL",
              help="Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--seed", "random_seed", default=7, show_default=True, type=int,
              help="Random seed, for a repeatable clinic.")
def command(seed_only: bool, appointments: int | None, url: str | None, host: str, port: int,
            random_seed: int) -> None:
    """Seed a demo clinic into the database, then serve it.

    Without --appointments: several practitioners across the installed disciplines, a few
    hundred patients with cases, three months of appointments with signed notes, measures,
    invoices and payments, and demo logins (printed). With --appointments N: a bulk seed of
    N appointments for benchmarks. An empty database is served as soon as the clinic's
    staff and patients are in, and its visits are seeded in the background meanwhile, with
    their progress printed (--seed-only seeds everything, then exits).
    """
    from ..db import Database
    from ..demo import bulk_seed, seed_demo
    from ..web.server import demo_logins, is_empty, serve

    db = Database(url)
    db.upgrade()
    started = time.perf_counter()
    counts: dict[str, object] = {}
    if appointments is not None:
        counts = bulk_seed(db, appointments=appointments, seed=random_seed)
    elif is_empty(db) and not seed_only:
        db.dispose()  # the child opens its own connections
        click.echo("Seeding the demo clinic's staff and patients; its visits follow in "
                   "the background while it is served.")
        if not _seed_in_background(url, random_seed):
            raise click.ClickException("seeding the demo clinic failed (see above)")
    elif is_empty(db):
        with _progress() as tell:
            counts = seed_demo(db, seed=random_seed, progress=tell)
    else:
        click.echo("The database already holds a clinic: nothing seeded.")
    if counts:
        elapsed = time.perf_counter() - started
        click.echo(", ".join(f"{v} {k}" for k, v in counts.items()
                             if not k.startswith("login")) + f" seeded in {elapsed:.1f} s")
    logins = {k: v for k, v in counts.items() if k.startswith("login")} or demo_logins(db)
    db.dispose()
    if not seed_only:
        click.echo(f"Vesalius demo on http://{host}:{port}/ (Ctrl+C stops it)")
        click.echo("Sign in as:")
        for key, value in logins.items():
            click.echo(f"  {key.removeprefix('login ')}: {value}")
        serve(url, host, port, workers=2)
    else:
        for key, value in logins.items():
            click.echo(f"{key}: {value}")
