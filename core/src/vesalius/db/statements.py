"""Statements written once for both databases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def insert_new(table: Table, returning: Sequence[Any],
               index_elements: Sequence[str] | None = None) -> dict[str, Insert]:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING returning`` of ``table``, by dialect
    name: a row whose key (``index_elements``, else any unique constraint) is taken already
    inserts nothing and returns nothing, without an error and without a look-up first, so
    racing transactions need no savepoint. RETURNING says which rows are new (``rowcount``
    is not reliable across drivers here)."""
    return {
        "sqlite": sqlite.insert(table).on_conflict_do_nothing(index_elements=index_elements)
        .returning(*returning),
        "postgresql": postgresql.insert(table)
        .on_conflict_do_nothing(index_elements=index_elements).returning(*returning),
    }
