"""Migrations keep the clinic's data and are all or nothing, on both engines.

A small clinic is seeded through the services (bookings, signed notes, invoices, payments,
claims, audit) plus a row in each table a later migration made; every migration is then
taken down one step at a time and up again, and each step must keep every row of every
table it does not drop, in the columns it does not drop. A migration that fails half-way
must leave the old revision, the old schema and the old rows.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, select, text
from vesalius.db import Database
from vesalius.db.base import Base
from vesalius.db.migrate import (
    MIGRATIONS,
    MigrationFailed,
    current,
    downgrade,
    head,
    upgrade,
)
from vesalius.demo import seed_demo
from vesalius.models import Patient

#: Every core revision, head first, down to the first: a new migration joins the walk.
CORE_STEPS = [rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()]
WEB_MIGRATIONS = MIGRATIONS.parent / "web" / "migrations"
#: Recomputed from the rows they summarise when 0003 is upgraded again; and cache_versions,
#: counters rather than the clinic's data: writes bump them, and a migration that starts
#: caching a table adds its counter (test_cache checks each is there).
DERIVED = {("revenue_months", None), ("invoices", "claim_state"), ("cache_versions", None)}


def _rows(engine: Engine) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """Every table's rows, column by column: {table: {column: values in key order}}."""
    out: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    with engine.connect() as conn:  # one connection: SQLite's BEGIN IMMEDIATE locks
        found = inspect(conn)
        for table in found.get_table_names():
            if table.startswith("alembic_version"):
                continue
            columns = [c["name"] for c in found.get_columns(table)]
            key = found.get_pk_constraint(table)["constrained_columns"] or columns
            order = ", ".join(f'"{c}"' for c in key)
            rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY {order}')).all()
            out[table] = {c: [row[i] for row in rows] for i, c in enumerate(columns)}
    return out


def _schema(engine: Engine) -> dict[str, Any]:
    """Tables with their columns, indexes, foreign keys and triggers."""
    with engine.connect() as conn:
        found = inspect(conn)
        if engine.dialect.name == "sqlite":
            triggers = conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        else:
            triggers = conn.execute(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
        trigger_names = sorted(triggers)
        tables = {t: (sorted(c["name"] for c in found.get_columns(t)),
                      sorted(i["name"] or "" for i in found.get_indexes(t)),
                      sorted(str(f["referred_table"]) for f in found.get_foreign_keys(t)))
                  for t in found.get_table_names()}
    return {"tables": tables, "triggers": trigger_names}


def _assert_kept(before: dict[str, Any], after: dict[str, Any], step: str) -> None:
    """Every table in both snapshots kept its rows in every column both have."""
    for table in set(before) & set(after):
        for column in set(before[table]) & set(after[table]):
            if (table, column) in DERIVED or (table, None) in DERIVED:
                continue
            assert after[table][column] == before[table][column], \
                f"{step}: {table}.{column} changed"


def _totals(rows: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Revenue per practitioner and month (the ids are new when 0003 recomputes them)."""
    months = rows["revenue_months"]
    return sorted(zip(months["practitioner_id"], months["month"], months["total"],
                      months["visits"], strict=True))


def _seed(db: Database, registry: Any) -> None:
    from vesalius.web.schema import ensure_web_schema

    seed_demo(db, patients_count=8, days_back=6, days_ahead=2, per_day=2,
              today=date.today())
    ensure_web_schema(db.engine)
    from vesalius.web.models import WebBase

    now = datetime.now(UTC)
    tables = Base.metadata.tables | WebBase.metadata.tables
    with db.engine.begin() as conn:
        user_id = conn.execute(select(tables["users"].c.id).limit(1)).scalar_one()
        patient_id = conn.execute(select(tables["patients"].c.id).limit(1)).scalar_one()
        # A row in each table a later migration made, so each downgrade drops data.
        conn.execute(insert(tables["access_grants"]).values(
            user_id=user_id, patient_id=patient_id, reason="cover", created_at=now,
            expires_at=now + timedelta(hours=1)))
        conn.execute(insert(tables["pack_memory"]).values(
            pack="general", seq=1, first_enabled_at=now))
        conn.execute(insert(tables["audit_lists"]).values(
            digest="d" * 64, resource_type="patient", size=1))
        conn.execute(insert(tables["audit_list_items"]).values(
            list_digest="d" * 64, position=0, resource_id=patient_id, patient_id=patient_id))
        conn.execute(insert(tables["web_settings"]).values(key="k", value="v"))
        conn.execute(insert(tables["web_sessions"]).values(
            token_hash="s" * 64, user_id=user_id, data={}, created_at=now, last_seen_at=now,
            expires_at=now + timedelta(hours=1)))
        conn.execute(insert(tables["web_trusted_devices"]).values(
            user_id=user_id, nonce_hash="n" * 64, created_at=now,
            expires_at=now + timedelta(days=30)))


def _drop_web(engine: Engine) -> None:
    downgrade(engine, "base", location=WEB_MIGRATIONS)


def test_each_core_migration_down_and_up_keeps_the_data(db: Database, registry: Any) -> None:
    _seed(db, registry)
    try:
        original, schema_at_head = _rows(db.engine), _schema(db.engine)
        assert len(original["invoice_lines"]["id"]) > 0
        assert len(original["payment_allocations"]["id"]) > 0
        assert len(original["access_grants"]["id"]) == 1
        snapshots = {CORE_STEPS[0]: original}
        for step, target in pairwise(CORE_STEPS):
            downgrade(db.engine, target)
            assert current(db.engine) == target
            snapshots[target] = _rows(db.engine)
            _assert_kept(snapshots[step], snapshots[target], f"down {step} -> {target}")
        assert set(snapshots[CORE_STEPS[-1]]) < set(original)  # the later tables went
        last = snapshots[CORE_STEPS[-1]]
        for previous, target in pairwise(CORE_STEPS[::-1]):
            upgrade(db.engine, target)
            assert current(db.engine) == target
            after = _rows(db.engine)
            _assert_kept(last, after, f"up {previous} -> {target}")
            if target == "0003":  # the migration's own data step
                assert _totals(after) == _totals(original)
                assert after["invoices"]["claim_state"] == original["invoices"]["claim_state"]
            last = after
        assert current(db.engine) == head()
        assert _schema(db.engine) == schema_at_head
        # Rows of the tables 0001 made are all back, with every column 0001 had.
        _assert_kept(snapshots[CORE_STEPS[-1]], _rows(db.engine), "down to 0001 and up again")
    finally:
        upgrade(db.engine)
        _drop_web(db.engine)


def test_down_to_an_empty_schema_and_up_again_with_data(db: Database, registry: Any) -> None:
    _seed(db, registry)
    schema_at_head = _schema(db.engine)
    try:
        _drop_web(db.engine)
        downgrade(db.engine, "base")
        assert current(db.engine) is None
        assert not [t for t in inspect(db.engine).get_table_names()
                    if not t.startswith("alembic_version")]
    finally:
        upgrade(db.engine)
    from vesalius.web.schema import ensure_web_schema

    ensure_web_schema(db.engine)
    assert _schema(db.engine) == schema_at_head
    _drop_web(db.engine)


def test_web_migrations_down_and_up_keep_the_data(db: Database, registry: Any) -> None:
    _seed(db, registry)
    try:
        original, schema = _rows(db.engine), _schema(db.engine)
        assert len(original["web_trusted_devices"]["id"]) == 1
        downgrade(db.engine, "w0001", location=WEB_MIGRATIONS)
        at_w0001 = _rows(db.engine)
        assert "web_trusted_devices" not in at_w0001
        _assert_kept(original, at_w0001, "down w0002 -> w0001")
        upgrade(db.engine, location=WEB_MIGRATIONS)
        _assert_kept(at_w0001, _rows(db.engine), "up w0001 -> w0002")
        assert _schema(db.engine) == schema
    finally:
        _drop_web(db.engine)


# -- a migration that fails half-way ---------------------------------------------------------

FAILING = '''
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def REBUILD() -> str:  # SQLite's batch copy of the table, with its rows (PostgreSQL: ALTER)
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    op.create_table("half_{revision}", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO half_{revision} (id) VALUES (1)")
    with op.batch_alter_table("patients", recreate=REBUILD()) as batch:
        batch.add_column(sa.Column("half_{revision}", sa.String(10), nullable=True))
    op.execute("UPDATE patients SET given_name = 'changed'")
    {up}


def downgrade() -> None:
    op.execute("UPDATE patients SET given_name = 'changed'")
    with op.batch_alter_table("patients", recreate=REBUILD()) as batch:
        batch.drop_column("half_{revision}")
    op.drop_table("half_{revision}")
    {down_fail}
'''
RAISE = 'raise RuntimeError("the migration fails half-way")'


def _scripts(tmp_path: Path, *extra: tuple[str, str, str, str]) -> Path:
    """A copy of the migrations with extra scripts: (revision, down_revision, what the
    upgrade does last, what the downgrade does last)."""
    location = tmp_path / "migrations"
    if not location.exists():
        shutil.copytree(MIGRATIONS, location, ignore=shutil.ignore_patterns("__pycache__"))
    for revision, down, up, down_fail in extra:
        (location / "versions" / f"{revision}.py").write_text(
            FAILING.format(revision=revision, down=down, up=up, down_fail=down_fail))
    return location


def _state(db: Database) -> tuple[Any, ...]:
    with db.session() as session:
        names = sorted(session.scalars(select(Patient.given_name)))
    return current(db.engine), _schema(db.engine), names


def _seed_small(db: Database) -> None:
    seed_demo(db, patients_count=4, days_back=2, days_ahead=1, per_day=1,
              today=date.today())


@pytest.mark.parametrize("steps", [1, 2], ids=["one-step", "second-of-two"])
def test_a_failed_upgrade_leaves_the_old_revision_schema_and_rows(
        db: Database, registry: Any, tmp_path: Path, steps: int) -> None:
    _seed_small(db)
    before = _state(db)
    if steps == 1:
        location = _scripts(tmp_path, ("x1", head(), RAISE, "pass"))
    else:  # the first succeeds, the second fails: neither is kept
        location = _scripts(tmp_path, ("x1", head(), "pass", "pass"),
                            ("x2", "x1", RAISE, "pass"))
    with pytest.raises(RuntimeError, match="half-way"):
        upgrade(db.engine, location=location)
    assert _state(db) == before
    assert not {"half_x1", "half_x2"} & set(inspect(db.engine).get_table_names())
    if db.dialect == "sqlite":  # foreign keys were off during the run: on again
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_alembic_run_by_hand_is_all_or_nothing_too(
        db: Database, registry: Any, tmp_path: Path) -> None:
    """Alembic's own command on a URL (no connection handed over) gets the same one
    transaction from the environment script."""
    from alembic import command
    from vesalius.db.migrate import alembic_config

    _seed_small(db)
    before = _state(db)
    location = _scripts(tmp_path, ("x1", head(), "pass", "pass"), ("x2", "x1", RAISE, "pass"))
    with pytest.raises(RuntimeError, match="half-way"):
        command.upgrade(alembic_config(db.url, location=location), "head")
    assert _state(db) == before


def test_a_failed_downgrade_leaves_the_newer_revision(
        db: Database, registry: Any, tmp_path: Path) -> None:
    _seed_small(db)
    location = _scripts(tmp_path, ("x1", head(), "pass", "pass"),
                        ("x2", "x1", "pass", RAISE))
    upgrade(db.engine, location=location)
    try:
        assert current(db.engine) == "x2"
        before = _state(db)
        with pytest.raises(RuntimeError, match="half-way"):
            downgrade(db.engine, head(), location=location)
        assert _state(db) == before
    finally:
        _scripts(tmp_path, ("x2", "x1", "pass", "pass"))
        downgrade(db.engine, head(), location=location)
    assert current(db.engine) == head()


def test_broken_references_fail_the_run_on_sqlite(
        db: Database, registry: Any, tmp_path: Path) -> None:
    """Foreign keys are off while SQLite migrates (table rebuilds need it); a migration that
    would leave rows pointing nowhere is refused as a whole."""
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL checks each reference as the statement runs")
    _seed_small(db)
    before = _state(db)
    location = _scripts(tmp_path, ("x1", head(), "op.execute('DELETE FROM patients')",
                                   "pass"))
    with pytest.raises(MigrationFailed, match="broken references"):
        upgrade(db.engine, location=location)
    assert _state(db) == before
