"""A write the database cannot store (disk full, read-only) fails cleanly: 507/503 with a
message naming the cause, nothing half-written, reads go on (a read that must log its
access is refused like a write once its audit row finds no room), and the admin page says
why.

The full disk is SQLite's size cap (``PRAGMA max_page_count`` at the database's current
size, set on every connection the app takes from its pools): writes go on while the
database's pages have room and fail the moment it must grow, as on a full disk, without
needing rights to mount a small file system. Read-only is ``PRAGMA query_only`` (SQLite
answers it with the same ``SQLITE_READONLY`` as a file it cannot write).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.pool import Pool
from vesalius.db import Database
from vesalius.models import AuditEvent, Patient, User
from vesalius.services import storage_health, users
from vesalius.services.actor import Actor


@contextmanager
def pragma_on_every_connection(name: str, value: Callable[[sqlite3.Connection], int]
                               ) -> Iterator[None]:
    """Set a pragma on every SQLite connection checked out of any pool while active; each
    connection gets its old value back afterwards."""
    touched: dict[int, tuple[sqlite3.Connection, Any]] = {}

    def checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        if not isinstance(dbapi_conn, sqlite3.Connection) or id(dbapi_conn) in touched:
            return
        old = dbapi_conn.execute(f"PRAGMA {name}").fetchone()[0]
        if name == "query_only" and old:
            return  # a reader engine that is query-only by design
        touched[id(dbapi_conn)] = (dbapi_conn, old)
        dbapi_conn.execute(f"PRAGMA {name} = {value(dbapi_conn)}")

    event.listen(Pool, "checkout", checkout)
    try:
        yield
    finally:
        event.remove(Pool, "checkout", checkout)
        for conn, old in touched.values():
            with suppress(sqlite3.Error):  # closed since
                conn.execute(f"PRAGMA {name} = {old}")


def disk_full() -> Any:
    """No page beyond those the database has now (its free space still takes rows)."""
    return pragma_on_every_connection(
        "max_page_count", lambda conn: conn.execute("PRAGMA page_count").fetchone()[0])


def read_only() -> Any:
    return pragma_on_every_connection("query_only", lambda conn: 1)


@pytest.fixture
def api(app: Flask, db: Database, kit: Any) -> Callable[..., Any]:
    with db.session() as session:
        owner = session.scalar(select(User).where(User.email == kit.ROLES["owner"]))
        token = users.issue_token(session, Actor.system("tests"), owner)
    client = app.test_client()

    def call(method: str, path: str, body: Any = None) -> Any:
        return client.open("/api/v1" + path, method=method, json=body,
                           headers={"Authorization": f"Bearer {token}"})

    return call


@pytest.fixture(autouse=True)
def clean_status(db: Database) -> Iterator[None]:
    storage_health.forget(db.url)
    yield
    storage_health.forget(db.url)


def _patient(n: int) -> dict[str, Any]:
    # Long-ish fields, so the free space of the database's pages runs out within a few
    # hundred records.
    return {"given_name": f"Full{n}", "family_name": "Disk" + "x" * 60,
            "birth_date": "1980-01-01", "address_line1": f"{n} " + "Long Street " * 12,
            "email": f"full{n}@example.org"}


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(Patient)) or 0,
                session.scalar(select(func.count()).select_from(AuditEvent).where(
                    AuditEvent.action == "create", AuditEvent.resource_type == "patient"))
                or 0)


def test_api_writes_on_a_full_disk_fail_cleanly_and_reads_go_on(
        api: Callable[..., Any], db: Database, browser: Any) -> None:
    owner = browser("owner")  # signed in before the disk fills (a sign-in is a write)
    patients_before, audits_before = _counts(db)
    known = api("GET", "/patients?q=a&limit=5").get_json()[0]["id"]
    stored = 0
    with disk_full():
        for n in range(3000):
            response = api("POST", "/patients", _patient(n))
            if response.status_code != 201:
                break
            stored += 1
        assert response.status_code == 507, response.get_data(as_text=True)
        body = response.get_json()
        assert body["cause"] == "disk-full"
        assert "disk is full" in body["error"] and "not saved" in body["error"]
        # Nothing half-written: every 201 is one patient and its audit row, the 507 none.
        assert _counts(db) == (patients_before + stored, audits_before + stored)
        # The refused write is remembered; the admin pages say why.
        page = owner.get("/admin/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Storage:" in html and "disk is full" in html and "POST /api/v1/patients" in html
        # Reads go on. A read of a record logs its access: it is served while its audit
        # row finds room, else refused like a write (a record is never shown unlogged).
        assert api("GET", "/openapi.json").status_code == 200
        read = api("GET", f"/patients/{known}")
        assert read.status_code in (200, 507)
        if read.status_code == 507:
            assert read.get_json()["cause"] == "disk-full"
    # Space again: the next write is stored.
    assert api("POST", "/patients", _patient(9999)).status_code == 201


def test_a_web_form_on_a_full_disk_answers_507_with_a_page(
        browser: Any, db: Database) -> None:
    desk = browser("front-desk")
    desk.get("/patients/new")
    before = _counts(db)
    with disk_full():
        for n in range(3000):
            form = _patient(n) | {"confirmed": "yes"}
            response = desk.post("/patients/new", form)
            if response.status_code != 302:
                break
        assert response.status_code == 507
        html = response.get_data(as_text=True)
        assert "Disk full" in html and "not saved" in html
        assert "Traceback" not in html
        registered = n
    assert _counts(db) == (before[0] + registered, before[1] + registered)
    assert storage_health.last(db.url).cause == "disk-full"  # type: ignore[union-attr]


def test_a_read_only_database_refuses_writes_with_503_and_serves_reads(
        api: Callable[..., Any], db: Database, browser: Any) -> None:
    owner = browser("owner")
    desk = browser("front-desk")
    desk.get("/patients/new")
    before = _counts(db)
    with read_only():
        response = api("POST", "/patients", _patient(1))
        assert response.status_code == 503
        assert response.get_json()["cause"] == "read-only"
        assert "read-only" in response.get_json()["error"]
        page = desk.post("/patients/new", _patient(2) | {"confirmed": "yes"})
        assert page.status_code == 503
        assert "read-only" in page.get_data(as_text=True)
        assert api("GET", "/openapi.json").status_code == 200
        admin = owner.get("/admin/")
        assert admin.status_code == 200
        assert "database is read-only" in admin.get_data(as_text=True)
    assert _counts(db) == before


def test_only_storage_errors_are_named_storage() -> None:
    class Orig(Exception):
        def __init__(self, **kw: Any) -> None:
            self.__dict__.update(kw)

    class Wrapped(Exception):
        def __init__(self, orig: Exception) -> None:
            self.orig = orig

    assert storage_health.cause(Wrapped(Orig(sqlite_errorcode=13))) == "disk-full"
    assert storage_health.cause(Wrapped(Orig(sqlite_errorcode=8 | (3 << 8)))) == "read-only"
    assert storage_health.cause(Wrapped(Orig(sqlite_errorcode=5))) is None  # busy
    assert storage_health.cause(Wrapped(Orig(sqlstate="53100"))) == "disk-full"
    assert storage_health.cause(Wrapped(Orig(sqlstate="25006"))) == "read-only"
    assert storage_health.cause(Wrapped(Orig(sqlstate="23505"))) is None  # unique
    assert storage_health.cause(ValueError("x")) is None
