"""The worker's cache of what changes rarely (services.cache): two apps on one database (two
workers, or two hosts) see each other's changes at their next request, whoever wrote and
however (services, Core, a pack switch); a writer sees its own change inside its
transaction; and the calendar day reads a fixed number of statements, fewer than before."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import Engine, event, select, update
from vesalius.db import Database
from vesalius.models import Location, Practitioner, WorkingHours
from vesalius.services import cache, practitioners
from vesalius.services.actor import Actor

OWNER = "owner@clinic.test"


class Statements:
    """Every SQL statement run in this process while active (every engine of every app)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def _count(self, _conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        self.seen.append(statement)

    def __enter__(self) -> Statements:
        event.listen(Engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._count)


def _second_app(url: str) -> Flask:
    """Another worker on the same database: its own app, engines and cache."""
    from vesalius.app import create_app

    return create_app(url, config={"TESTING": True})


def _busy_day(db: Database) -> tuple[int, date, str]:
    """A location, a day with hours there, and a practitioner working it."""
    with db.session() as s:
        hours = s.scalars(select(WorkingHours).order_by(WorkingHours.id)).first()
        name = s.get(Practitioner, hours.practitioner_id).display_name
        day = date.today() + timedelta(days=(hours.weekday - date.today().weekday()) % 7)
        return hours.location_id, day, name


def _calendar(browser, location: int, day: date) -> str:  # type: ignore[no-untyped-def]
    response = browser.get(f"/calendar/?date={day}&location={location}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def two(app: Flask, db_url: str, kit) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    other = _second_app(db_url)
    a, b = kit.Browser(app.test_client()), kit.Browser(other.test_client())
    for browser in (a, b):
        assert browser.login(OWNER, kit.PASSWORD).status_code == 302
    yield a, b, other
    other.extensions["vesalius.db"].dispose()


def test_a_rename_through_one_worker_shows_on_the_others_next_page(two, db) -> None:  # type: ignore[no-untyped-def]
    a, b, other = two
    location, day, name = _busy_day(db)
    assert name in _calendar(a, location, day) and name in _calendar(b, location, day)
    with db.session() as s:  # through the services (ORM), in another "worker"
        practitioner = s.scalar(select(Practitioner).where(Practitioner.display_name == name))
        practitioners.update_practitioner(s, Actor.system("tests"), practitioner.id,
                                          practitioners.PractitionerUpdate(
                                              display_name="Dr Renamed Once"))
    assert "Dr Renamed Once" in _calendar(b, location, day)
    assert "Dr Renamed Once" in _calendar(a, location, day)
    # A Core statement outside any service (no ORM event): the trigger still bumps.
    other_db = other.extensions["vesalius.db"]
    with other_db.engine.begin() as conn:
        conn.execute(update(Practitioner).where(Practitioner.id == practitioner.id)
                     .values(display_name="Dr Renamed Twice"))
    page = _calendar(a, location, day)
    assert "Dr Renamed Twice" in page and "Dr Renamed Once" not in page
    with db.session() as s:  # put it back for the other tests of the module
        s.execute(update(Practitioner).where(Practitioner.id == practitioner.id)
                  .values(display_name=name))
    assert name in _calendar(b, location, day)


def test_working_hours_changed_elsewhere_redraw_the_grid(two, db) -> None:  # type: ignore[no-untyped-def]
    a, b, _other = two
    location, day, _name = _busy_day(db)
    before = _calendar(b, location, day)
    with db.session() as s:
        hours = s.scalars(select(WorkingHours).where(
            WorkingHours.location_id == location,
            WorkingHours.weekday == day.weekday(), WorkingHours.kind == "work")).all()
        saved = [(h.id, h.start_time, h.end_time) for h in hours]
        for h in hours:
            h.start_time, h.end_time = time(6), time(21)
    after = _calendar(b, location, day)
    assert "06:00" in after and "06:00" not in before
    with db.session() as s:
        for hid, start, end in saved:
            s.execute(update(WorkingHours).where(WorkingHours.id == hid)
                      .values(start_time=start, end_time=end))
    assert "06:00" not in _calendar(a, location, day)


def test_a_pack_switched_off_on_one_worker_is_off_on_the_other(two, app) -> None:  # type: ignore[no-untyped-def]
    a, b, other = two
    b.get("/calendar/")
    assert "chiro" in other.extensions["vesalius.web"].registry.enabled
    page = a.get("/admin/")
    assert page.status_code == 200
    response = a.post("/admin/packs/chiro", {"enabled": "no", "reason": "cache test"})
    assert response.status_code == 302
    assert "chiro" not in app.extensions["vesalius.web"].registry.enabled  # at once here
    b.get("/calendar/")
    assert "chiro" not in other.extensions["vesalius.web"].registry.enabled  # next request
    a.post("/admin/packs/chiro", {"enabled": "yes"})
    b.get("/calendar/")
    assert "chiro" in other.extensions["vesalius.web"].registry.enabled


def test_the_writer_sees_its_change_before_it_commits(db) -> None:  # type: ignore[no-untyped-def]
    loads = []

    def names(s) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
        loads.append(1)
        return tuple(s.scalars(select(Location.name).order_by(Location.id)))

    with db.session() as s:
        first = cache.cached(s, "test.names", ("locations",), lambda: names(s))
        assert cache.cached(s, "test.names", ("locations",), lambda: names(s)) == first
        assert len(loads) == 1  # the second came from memory
        s.execute(update(Location).where(Location.id == s.scalar(select(func_min_id(Location))))
                  .values(name="Renamed in this transaction"))
        inside = cache.cached(s, "test.names", ("locations",), lambda: names(s))
        assert "Renamed in this transaction" in inside and len(loads) == 2
        s.rollback()
        again = cache.cached(s, "test.names", ("locations",), lambda: names(s))
        assert again == first  # the rolled-back name was never filed


def func_min_id(model):  # type: ignore[no-untyped-def]
    from sqlalchemy import func

    return func.min(model.id)


def test_a_table_without_a_counter_is_never_cached(db) -> None:  # type: ignore[no-untyped-def]
    calls = []
    with db.session() as s:
        for _ in range(3):
            cache.cached(s, "test.uncounted", ("no_such_table",), lambda: calls.append(1))
    assert len(calls) == 3


def test_calendar_day_statements_are_fixed_and_fewer(browser, db) -> None:  # type: ignore[no-untyped-def]
    """Session look-up (with the counters), the day's bookings, the list read's audit
    (digest and event): 4 statements with a warm cache, whatever the clinic's size (8
    before the cache). A change of a table reloads what was built from it, once per worker:
    the staff and their hours (2 more) after a practitioner's change, the locations and
    their rooms (2 more) after a location's."""
    owner = browser("owner")
    location, day, _name = _busy_day(db)
    url = f"/calendar/?date={day}&location={location}"
    owner.get(url)
    with Statements() as warm:
        assert owner.get(url).status_code == 200
    assert len(warm.seen) == 4, warm.seen
    assert not any("cache_versions" in s.split("FROM", 1)[-1][:40] for s in warm.seen[1:])
    for model, extra in ((Practitioner, 2), (Location, 2)):
        with db.session() as s:  # any write, even one that changes nothing
            s.execute(update(model).where(model.id == s.scalar(select(func_min_id(model))))
                      .values(active=model.active))
        with Statements() as cold:
            assert owner.get(url).status_code == 200
        assert len(cold.seen) == 4 + extra, (model, cold.seen)
        with Statements() as warm_again:
            owner.get(url)
        assert len(warm_again.seen) == 4


@pytest.fixture(scope="module")
def pg_url(kit) -> Iterator[str]:  # type: ignore[no-untyped-def]
    base = os.environ.get("VESALIUS_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("VESALIUS_TEST_POSTGRES_URL is not set: CI runs the PostgreSQL tests")
        pytest.skip('VESALIUS_TEST_POSTGRES_URL not set (run: eval "$(bash .ci/postgres)")')
    from vesalius.demo import seed_demo
    from vesalius.plugins import reset_registry
    from vesalius.services import users

    schema = "vesalius_cache_tests"
    admin = Database(base)
    with admin.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
    joiner = "&" if "?" in base else "?"
    url = f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"
    reset_registry()
    db = Database(url)
    db.upgrade()
    seed_demo(db, patients_count=8, days_back=1, days_ahead=1, per_day=2, today=date.today())
    with db.session() as s:
        users.create_user(s, Actor.system("tests"), users.UserIn(
            email=OWNER, role="owner", name="Owner", password=kit.PASSWORD))
    db.dispose()
    yield url
    with admin.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    admin.dispose()


@pytest.mark.postgres
def test_two_workers_on_postgresql(pg_url, kit) -> None:  # type: ignore[no-untyped-def]
    first, second = _second_app(pg_url), _second_app(pg_url)
    try:
        a, b = kit.Browser(first.test_client()), kit.Browser(second.test_client())
        for browser in (a, b):
            assert browser.login(OWNER, kit.PASSWORD).status_code == 302
        db = first.extensions["vesalius.db"]
        location, day, name = _busy_day(db)
        assert name in _calendar(b, location, day)
        with db.session() as s:
            s.execute(update(Practitioner).where(Practitioner.display_name == name)
                      .values(display_name="Dr Renamed On PostgreSQL"))
        assert "Dr Renamed On PostgreSQL" in _calendar(b, location, day)
        assert "Dr Renamed On PostgreSQL" in _calendar(a, location, day)
        a.post("/admin/packs/chiro", {"enabled": "no"})
        b.get("/calendar/")
        assert "chiro" not in second.extensions["vesalius.web"].registry.enabled
        with db.session() as s:  # one bump per statement, not per row
            before = dict(s.execute(select(cache.cache_versions.c.key,
                                           cache.cache_versions.c.version)).all())
            s.execute(update(WorkingHours).values(kind=WorkingHours.kind))
            after = dict(s.execute(select(cache.cache_versions.c.key,
                                          cache.cache_versions.c.version)).all())
        assert after["working_hours"] == before["working_hours"] + 1
        assert {k: v for k, v in after.items() if k != "working_hours"} == {
            k: v for k, v in before.items() if k != "working_hours"}
    finally:
        first.extensions["vesalius.db"].dispose()
        second.extensions["vesalius.db"].dispose()


def test_counters_only_grow(db) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        before = dict(s.execute(select(cache.cache_versions.c.key,
                                       cache.cache_versions.c.version)).all())
        s.add(Location(name=f"Cache test {datetime.now().timestamp()}", timezone="UTC"))
    with db.session() as s:
        after = dict(s.execute(select(cache.cache_versions.c.key,
                                      cache.cache_versions.c.version)).all())
    assert set(before) >= set(cache.WATCHED)
    assert after["locations"] == before["locations"] + 1
    assert all(after[k] == before[k] for k in before if k != "locations")
