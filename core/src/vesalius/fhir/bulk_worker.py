"""Bulk Data exports on the worker's queue: a periodic huey task (every minute, and once as
the worker starts) that runs the queued exports and removes expired ones' files."""

from __future__ import annotations

import functools

from huey import Huey, crontab

from ..db import Database
from .bulk import run_pending


def add_export_task(huey: Huey, url: str | None) -> None:
    """Add the task ``fhir-export`` to ``huey``; ``huey.fhir_export_task()`` queues a run
    now. A second worker running at the same time takes other exports (see ``bulk``)."""
    @functools.cache
    def db() -> Database:  # one engine per worker process, made in the process that uses it
        return Database(url)

    @huey.periodic_task(crontab(minute="*"), name="fhir-export")
    def fhir_export() -> None:
        run_pending(db())

    huey.fhir_export_task = fhir_export  # type: ignore[attr-defined]
