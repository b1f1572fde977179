"""Column types: money as exact decimals, datetimes always timezone-aware UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, DateTime, Dialect, Numeric, String, type_coerce
from sqlalchemy.types import TypeDecorator, TypeEngine

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """``value`` as a Decimal of whole cents (half-up, as an invoice rounds).

    Floats are refused: money never passes through binary floating point.
    """
    if isinstance(value, float):
        raise TypeError("money is never a float: give a Decimal or a string such as '85.00'")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Money(TypeDecorator[Decimal]):
    """An amount of money: ``NUMERIC(12, 2)`` on PostgreSQL, integer cents on SQLite.

    SQLite has no decimal type (a NUMERIC column there is stored as a binary float), so it
    stores cents in an integer; sums stay exact on both engines.
    """

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(12, 2, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = money(value)
        if dialect.name == "sqlite":
            return int(amount * 100)
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / 100).quantize(CENT)
        return money(Decimal(value))


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and always returned timezone-aware.

    Naive datetimes are refused: a naive value's zone is a guess, and a wrong guess books a
    patient at the wrong hour. SQLite stores fixed-width text, which sorts and compares in
    time order (the overlap trigger relies on it).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(DateTime(timezone=False))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else _aware(value)


def _aware(value: datetime) -> datetime:
    """A stored instant, aware and in UTC (SQLite's are stored naive, in UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _DriverValue(TypeDecorator[Any]):
    """A column read as the database driver returns it, without SQLAlchemy's processing of
    each value (see :func:`as_stored`)."""

    impl = String
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> None:
        return None


def as_stored(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """``column`` selected as the driver reads it: for a list of hundreds of rows, whose
    :class:`UTCDateTime` values :func:`instants` converts (each distinct value once)."""
    return type_coerce(column, _DriverValue())


def instants() -> Callable[[Any], datetime | None]:
    """A reader of stored instants as :class:`UTCDateTime` returns them (aware, UTC) from
    the driver's value (SQLite's text, PostgreSQL's datetime), converting each distinct
    value once: many rows of a list share their times (a day's bookings, their slots)."""
    seen: dict[Any, datetime | None] = {None: None}

    def instant(value: Any) -> datetime | None:
        try:
            return seen[value]
        except KeyError:
            found = seen[value] = _aware(
                datetime.fromisoformat(value) if isinstance(value, str) else value)
            return found

    return instant


def utcnow() -> datetime:
    return datetime.now(UTC)
