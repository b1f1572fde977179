"""Fixtures of the clinic tests: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``VESALIUS_TEST_POSTGRES_URL`` (``eval "$(bash .ci/postgres)"``);
without it the PostgreSQL half is skipped locally and fails when ``CI=true``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).parent))

import clinic_testpack as testpack
from clinic_databases import db, db_url, postgres_url, sqlite_template  # noqa: F401
from clinic_dbhelpers import QueryCounter
from vesalius import models  # noqa: F401
from vesalius.db import Database
from vesalius.plugins import build_registry, set_registry
from vesalius.services import Actor


@pytest.fixture(autouse=True)
def registry() -> Iterator[object]:
    """The core's ``general`` pack plus the test pack ``rehab``; installed packs stay out so
    that these tests do not depend on other packs' progress."""
    reg = build_registry(extra_plugins=[(testpack.NAME, testpack)], entry_points=False)
    set_registry(reg)
    yield reg
    set_registry(None)


@pytest.fixture
def system() -> Actor:
    return Actor.system("tests")


@pytest.fixture
def count_queries(db: Database):  # type: ignore[no-untyped-def]  # noqa: F811
    """``with count_queries() as counter: ...`` counts the SQL statements run inside."""
    from contextlib import contextmanager

    @contextmanager
    def counting(engine: Engine | None = None) -> Iterator[QueryCounter]:
        counter = QueryCounter()
        target = engine or db.engine
        event.listen(target, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(target, "before_cursor_execute", counter)

    return counting
