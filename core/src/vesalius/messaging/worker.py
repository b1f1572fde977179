"""The outbox on the worker's queue: a periodic huey task that sends what is due, every
minute (and once as the worker starts)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from huey import Huey, crontab

from ..db import Database
from .channels import Channel
from .sender import send_due

#: Seconds a periodic run keeps starting new batches.
RUN_BUDGET = 45.0


def add_outbox_task(huey: Huey, url: str | None,
                    channels: Mapping[str, Callable[[], Channel]]) -> None:
    """Add the task ``outbox`` (every minute) to ``huey``; ``huey.outbox_task()`` queues a
    run now. A run sends until nothing due is left; a second worker running at the same
    time takes other rows (see ``sender``)."""
    database: list[Database] = []
    lock = threading.Lock()

    def db() -> Database:
        with lock:  # one engine per worker process, made in the process that uses it
            if not database:
                database.append(Database(url))
            return database[0]

    @huey.periodic_task(crontab(minute="*"), name="outbox")
    def outbox() -> None:
        # Within the minute: runs do not pile up, and a worker asked to stop finishes soon.
        send_due(db(), channels, budget=RUN_BUDGET)

    huey.outbox_task = outbox  # type: ignore[attr-defined]
