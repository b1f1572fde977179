"""Fixtures of the clinic tests: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``VESALIUS_TEST_POSTGRES_URL`` (``eval "$(bash .ci/postgres)"``);
without it the PostgreSQL half is skipped locally and fails when ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).parent))

import clinic_testpack as testpack
from clinic_dbhelpers import QueryCounter, truncate_postgres
from vesalius import models  # noqa: F401
from vesalius.db import Database
from vesalius.plugins import build_registry, set_registry
from vesalius.services import Actor

PG_ENV = "VESALIUS_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{PG_ENV} is not set: CI must run the PostgreSQL half of the tests")
        pytest.skip(f"{PG_ENV} not set (run: eval \"$(bash .ci/postgres)\")")
    db = Database(url)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    db.upgrade()
    db.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "clinic.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    truncate_postgres(url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The clinic's data folder (audit anchors and their key, FHIR exports) in the test's
    own folder: a PostgreSQL clinic's default is ./vesalius-data, the working directory."""
    folder = tmp_path / "vesalius-data"
    monkeypatch.setenv("VESALIUS_DATA_DIR", str(folder))
    monkeypatch.delenv("VESALIUS_SECRET_KEY", raising=False)
    return folder


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
def count_queries(db: Database):  # type: ignore[no-untyped-def]
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
