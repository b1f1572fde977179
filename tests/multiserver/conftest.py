"""Two real ``vesalius serve`` processes on one PostgreSQL (and a read replica of it).

The clinic lives in a schema of its own on the test server (``VESALIUS_TEST_POSTGRES_URL``,
from ``.ci/postgres``), so these tests and the core's PostgreSQL tests never touch each
other's tables. Server A runs on the primary alone; server B also has
``VESALIUS_DATABASE_REPLICA_URL``, the streaming replica ``.ci/replica`` started
(``VESALIUS_TEST_REPLICA_URL``), so everything B does besides its reports must still reach
the primary. Without PostgreSQL (or the replica) the tests are skipped locally and fail
when ``CI=true``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).parent))

from multiserver_kit import (
    DESK,
    DESK_NAME,
    OWNER,
    OWNER_NAME,
    PASSWORD,
    SCHEMA,
    TARGET,
    Clinic,
    Server,
    in_schema,
    required,
    server_env,
)


@pytest.fixture(scope="session")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Clinic, Server, Server]]:
    """A small demo clinic in its own schema, with an owner and a front desk of ours, and
    servers A and B on it. The servers start as soon as the schema is there and load while
    the clinic is seeded. No secret key is configured: they must share the one the database
    keeps."""
    base = required("VESALIUS_TEST_POSTGRES_URL", 'eval "$(bash .ci/postgres)"')
    from sqlalchemy import select
    from vesalius.db import Database
    from vesalius.demo import seed_demo
    from vesalius.models import Patient, RevenueMonth, User
    from vesalius.plugins import reset_registry
    from vesalius.services import users
    from vesalius.services.actor import Actor
    from vesalius.web.schema import ensure_web_schema

    admin = Database(base)
    with admin.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
    admin.dispose()
    url = in_schema(base)
    replica = os.environ.get("VESALIUS_TEST_REPLICA_URL")
    replica_url = in_schema(replica) if replica else None
    reset_registry()
    db = Database(url)
    db.upgrade()
    ensure_web_schema(db.engine)
    logs = tmp_path_factory.mktemp("servers")
    # The clinic's files (backups' audit anchors among them) in a folder of the test's own,
    # shared by the two servers as on one host; not ./vesalius-data in the checkout.
    files = {"VESALIUS_DATA_DIR": str(tmp_path_factory.mktemp("data"))}
    extra = {"VESALIUS_DATABASE_REPLICA_URL": replica_url} if replica_url else {}
    a = Server("A", url, server_env(**files), logs / "a.log")
    b = Server("B", url, server_env(**files, **extra), logs / "b.log")
    # Cheap password hashes for the seeded accounts (argon2 keeps its parameters in each
    # hash, so the servers verify them as they are): the default costs most of the seeding.
    cheap = mock.patch.object(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024,
                                                                parallelism=1))
    try:
        with cheap:
            seed_demo(db, patients_count=4, days_back=3, days_ahead=0, per_day=2,
                      today=date.today())
        system = Actor.system("tests")
        with cheap, db.session() as session:
            for role, email, name in (("owner", OWNER, OWNER_NAME),
                                      ("front-desk", DESK, DESK_NAME),
                                      ("billing", TARGET, "Guessed At")):
                users.create_user(session, system, users.UserIn(
                    email=email, role=role, name=name, password=PASSWORD))
            owner = session.scalar(select(User).where(User.email == OWNER))
            token = users.issue_token(session, system, owner, "multiserver")
            # One with issued revenue, for the reports.
            practitioner_id = session.scalar(select(RevenueMonth.practitioner_id)
                                             .order_by(RevenueMonth.id).limit(1))
            patient_ids = list(session.scalars(
                select(Patient.id).where(Patient.email.is_not(None))
                .order_by(Patient.id).limit(4)))
        db.dispose()
        reset_registry()
        a.wait()
        b.wait()
        yield Clinic(url, replica_url, token, practitioner_id, patient_ids), a, b
    finally:
        Server.stop(a, b)
        admin = Database(base)
        with admin.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        admin.dispose()


@pytest.fixture(scope="session")
def clinic(started: tuple[Clinic, Server, Server]) -> Clinic:
    return started[0]


@pytest.fixture(scope="session")
def servers(started: tuple[Clinic, Server, Server]) -> tuple[Server, Server]:
    """Server A (the primary alone) and server B (with the replica when there is one)."""
    return started[1], started[2]
