"""``vesalius demo``: a realistic demo clinic, or a large seed for benchmarks."""

from __future__ import annotations

import time

import click


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
    N appointments for benchmarks.
    """
    from ..db import Database
    from ..demo import bulk_seed, seed_demo

    db = Database(url)
    db.upgrade()
    started = time.perf_counter()
    if appointments is not None:
        counts = bulk_seed(db, appointments=appointments, seed=random_seed)
    else:
        counts = seed_demo(db, seed=random_seed)
    elapsed = time.perf_counter() - started
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items() if not k.startswith("login"))
               + f" seeded in {elapsed:.1f} s")
    for key, value in counts.items():
        if key.startswith("login"):
            click.echo(f"{key}: {value}")
    db.dispose()
    if not seed_only:
        from ..app import create_app

        app = create_app(url)
        click.echo(f"Vesalius demo on http://{host}:{port}/")
        app.run(host=host, port=port, threaded=True, use_reloader=False)
