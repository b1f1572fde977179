"""Database helpers shared by the clinic tests' fixtures and tests."""

from __future__ import annotations

from sqlalchemy import text
from vesalius import models  # noqa: F401  (every table on the metadata)
from vesalius.db import Database
from vesalius.db.base import Base


def truncate_postgres(url: str) -> None:
    db = Database(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.strip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT")):
            return
        self.count += 1
        self.statements.append(statement)
