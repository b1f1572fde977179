"""Persistence: engine and sessions, the declarative base, column types, schema upgrades."""

from .base import Base
from .engine import Database, database_url, is_postgres, is_sqlite
from .types import Money, UTCDateTime, money

__all__ = [
    "Base", "Database", "Money", "UTCDateTime", "database_url", "is_postgres", "is_sqlite",
    "money",
]
