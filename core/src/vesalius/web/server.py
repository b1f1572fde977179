"""Serving the app with gunicorn: several worker processes, each with its own app and
database pool (made after the fork), behind one listening socket.

The schema is brought up to date once, in the master, before the workers start.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, url: str | None, options: dict[str, Any]) -> None:
        self.url = url
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key == "control_socket_disable" and key not in self.cfg.settings:
                continue  # gunicorn before 25 has no control socket
            self.cfg.set(key, value)

    def load(self) -> Any:
        from ..app import create_app

        return create_app(self.url, upgrade=False)


def default_workers() -> int:
    return max(2, min(8, multiprocessing.cpu_count() * 2))


def prepare(url: str | None) -> None:
    """Upgrade the clinic's schema (after a backup, as ``vesalius db upgrade`` does) and the
    web tables once, before any worker starts."""
    from ..cli.db import migrate_with_backup
    from ..db import Database
    from .schema import ensure_web_schema

    migrate_with_backup(url, quiet=True)
    db = Database(url)
    try:
        ensure_web_schema(db.engine)
    finally:
        db.dispose()


def default_threads(url: str | None) -> int:
    """Threads per worker: 1 on SQLite, 4 on PostgreSQL.

    Measured on the 1M-appointment bench (2 workers, 2 CPUs): threads inside one process
    that all use SQLite slow each other down (the calendar did 75 pages/s with 4 threads in
    one process against 113 with 1, in-process), while separate processes do not; so on
    SQLite each worker serves one request at a time (gunicorn's sync worker, meant to sit
    behind a buffering reverse proxy) and concurrency comes from the worker processes.
    """
    from ..db.engine import database_url, is_sqlite

    return 1 if is_sqlite(database_url(url)) else 4


def serve(url: str | None, host: str, port: int, workers: int, *,
          threads: int | None = None, timeout: int = 60, access_log: bool = False) -> None:
    """Run gunicorn in the foreground until interrupted."""
    prepare(url)
    threads = threads or default_threads(url)
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 10,
        "keepalive": 5,
        # Behind a reverse proxy on this host, trust its X-Forwarded-Proto (HTTPS cookies).
        "forwarded_allow_ips": "127.0.0.1,::1",
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "info",
        # No control socket: its one path per user (~/.gunicorn/gunicorn.ctl) would be
        # taken over by each server started on the host, and nothing here uses it.
        "control_socket_disable": True,
    }
    _Gunicorn(url, {k: v for k, v in options.items() if v is not None}).run()


def is_empty(db: Any) -> bool:
    """True when the clinic has no patients yet (the demo seeds only an empty clinic)."""
    from sqlalchemy import func, select

    from ..models import Patient

    with db.session() as session:
        return not session.scalar(select(func.count()).select_from(Patient))


def demo_logins(db: Any) -> dict[str, str]:
    """The demo's sign-ins, one per role, when the demo clinic was seeded earlier."""
    from sqlalchemy import select

    from ..demo import DEMO_PASSWORD
    from ..models import User

    logins: dict[str, str] = {}
    with db.session() as session:
        for role, email in session.execute(
                select(User.role, User.email).where(User.email.like("%@demo.vesalius.test"),
                                                    User.active.is_(True))
                .order_by(User.id)):
            logins.setdefault(f"login {role}", f"{email} / {DEMO_PASSWORD}")
    return logins
