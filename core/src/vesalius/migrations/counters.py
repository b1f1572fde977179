"""Cache counters for migrations: a counter row per table in ``cache_versions`` and the
triggers that bump it on every write (see ``vesalius.services.cache``). The table and, on
PostgreSQL, the triggers' function are ``0026_cache_versions``'s."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

OPS = ("INSERT", "UPDATE", "DELETE")


def count_writes(tables: tuple[str, ...]) -> None:
    """A counter for each of ``tables`` (kept if there is one already) and its triggers."""
    for name in tables:
        op.execute(sa.text("INSERT INTO cache_versions (key, version) SELECT :key, 1 WHERE NOT "
                           "EXISTS (SELECT 1 FROM cache_versions WHERE key = :key)")
                   .bindparams(key=name))
    stop_counting(tables)  # made again, as 0026 makes them
    if op.get_bind().dialect.name == "postgresql":  # once per statement, whatever the rows
        for name in tables:
            op.execute(f"""
                CREATE TRIGGER cache_versions_{name} AFTER INSERT OR UPDATE OR DELETE
                OR TRUNCATE ON {name} FOR EACH STATEMENT EXECUTE FUNCTION cache_versions_bump()
            """)
        return
    for name in tables:  # SQLite has row triggers only
        for op_name in OPS:
            op.execute(f"""
                CREATE TRIGGER cache_versions_{name}_{op_name.lower()} AFTER {op_name}
                ON {name} BEGIN
                    UPDATE cache_versions SET version = version + 1 WHERE key = '{name}';
                END
            """)


def stop_counting(tables: tuple[str, ...]) -> None:
    """Drop the triggers of ``tables`` (their counter rows stay: a caller removes them)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in tables:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS cache_versions_{name} ON {name}")
        else:
            for op_name in OPS:
                op.execute(f"DROP TRIGGER IF EXISTS cache_versions_{name}_{op_name.lower()}")
