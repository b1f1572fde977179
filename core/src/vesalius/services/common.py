"""Helpers shared by the services."""

from __future__ import annotations

import os
import re
import types
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from sqlalchemy.orm import Session

from ..errors import Invalid, NotFound

T = TypeVar("T")


#: Integers the database stores: ids and counts are ``Integer`` columns, 32-bit on
#: PostgreSQL (SQLite's 64 bits are wider), so every integer input stays inside this range.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
#: Dates (and the days of datetimes) accepted anywhere: wide enough for any birth date or
#: booking, narrow enough that arithmetic on them (zones, series, reports) never overflows.
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)
#: The largest amount a ``Numeric(12, 2)`` column holds.
MONEY_MAX = Decimal("9999999999.99")

_INTEGER = re.compile(r"-?[0-9]+")
_MONEY = re.compile(r"[+-]?[0-9]{1,10}(?:\.[0-9]{1,2})?")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _kinds_of(annotation: Any) -> frozenset[type]:
    if get_origin(annotation) in (Union, types.UnionType):
        return frozenset().union(*(_kinds_of(a) for a in get_args(annotation)))
    if get_origin(annotation) is not None and get_origin(annotation).__name__ == "Annotated":
        return _kinds_of(get_args(annotation)[0])
    return frozenset({annotation}) if isinstance(annotation, type) else frozenset()


_known_kinds: dict[Any, frozenset[type]] = {}


def _kinds(annotation: Any) -> frozenset[type]:
    """The scalar types a field's annotation admits (``int | None`` -> ``{int}``); kept per
    annotation, as every field of every input asks it on every validation."""
    try:
        return _known_kinds[annotation]
    except KeyError:
        kinds = _known_kinds[annotation] = _kinds_of(annotation)
        return kinds
    except TypeError:  # an unhashable annotation
        return _kinds_of(annotation)


def raw_problem(annotation: Any, value: Any) -> str | None:
    """Why ``value``, as sent, cannot be the field's input: integers and amounts in ASCII
    digits only (no ``1_000``, Arabic-Indic digits, ``1E+2``), text without NUL or lone
    surrogates (neither database stores them)."""
    if isinstance(value, str):
        if "\x00" in value or _SURROGATE.search(value):
            return "must not contain NUL characters or unpaired surrogates"
        kinds = _kinds(annotation)
        if kinds & {int} and not kinds & {str} and not _INTEGER.fullmatch(value.strip()):
            return "must be a whole number in ASCII digits"
        if Decimal in kinds and not _MONEY.fullmatch(value.strip()):
            return "must be an amount such as 12.50 (digits, at most 2 decimals)"
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, str) and ("\x00" in item or _SURROGATE.search(item)):
                return "must not contain NUL characters or unpaired surrogates"
    return None


def value_problem(value: Any) -> str | None:
    """Why a parsed value is out of the range the database and the calendar handle."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            return f"must be between {INT_MIN} and {INT_MAX}"
    elif isinstance(value, Decimal):
        if not value.is_finite() or abs(value) > MONEY_MAX or value != round(value, 2):
            return f"must be an amount of at most {MONEY_MAX} with at most 2 decimals"
    elif isinstance(value, (date, datetime)):
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST <= day <= LATEST:
            return f"must be between {EARLIEST} and {LATEST}"
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            if problem := value_problem(item):
                return problem
    return None


def check_fields(model: type[BaseModel], raw: dict[str, Any]) -> None:
    """Refuse ``raw`` input to ``model`` (a query string) that :func:`raw_problem` refuses,
    with a 422 naming the field; call before validating."""
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in raw and (problem := raw_problem(info.annotation, raw[key])):
            raise Invalid(f"{key}: {problem}", field=key)


def check_values(model: BaseModel) -> None:
    """Refuse a validated ``model`` whose values :func:`value_problem` refuses (422)."""
    for name, info in type(model).model_fields.items():
        if problem := value_problem(getattr(model, name)):
            key = info.alias or name
            raise Invalid(f"{key}: {problem}", field=key)


class Input(BaseModel):
    """Base of service inputs: unknown keys are an error, not silently dropped; integers,
    amounts and dates are bounded (:func:`raw_problem`, :func:`value_problem`) so that no
    input reaches the database or the calendar arithmetic out of range."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strict(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and (problem := raw_problem(field.annotation, value)):
            raise ValueError(problem)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: Any) -> Any:
        if problem := value_problem(value):
            raise ValueError(problem)
        return value


def bounded_date(text: str | None) -> date | None:
    """An ISO date typed into a web form or a query string, or ``None`` when it is not one
    or lies outside :data:`EARLIEST`..:data:`LATEST` (pages fall back to their default)."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    if not text or not text.strip().isascii() or not EARLIEST <= day <= LATEST:
        return None
    return day


def parse_id(text: str | None) -> int | None:
    """A record id typed into a form or a query string: ASCII digits within the id range
    (1..2^31-1), else ``None``. ``int()`` alone accepts Arabic-Indic digits and ``" 1_0 "``."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 1 <= value <= INT_MAX else None


def get(session: Session, model: type[T], ident: int | None, what: str,
        field: str | None = None) -> T:
    """The row with primary key ``ident``; 404 (or 422 naming ``field``) when missing."""
    row = session.get(model, ident) if ident is not None else None
    if row is None:
        if field:
            raise Invalid(f"no {what} with id {ident}", field=field)
        raise NotFound(f"no {what} with id {ident}")
    return row


def aware(value: datetime, field: str) -> datetime:
    """``value`` in UTC; a naive datetime is refused (its zone would be a guess)."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise Invalid("give a time zone offset (ISO 8601, e.g. 2026-03-02T09:00:00+01:00)",
                      field=field)
    return value.astimezone(UTC)


def clinic_timezone(name: str | None = None) -> tzinfo:
    """A location's zone, else ``VESALIUS_TIMEZONE``, else UTC."""
    name = name or os.environ.get("VESALIUS_TIMEZONE") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown time zone {name!r} (use an IANA name such as "
                      "America/Toronto)", field="timezone") from None
    return name


def changes(row: Any, data: dict[str, Any]) -> list[str]:
    """Set attributes of ``row`` from ``data``; return the names that changed."""
    changed = []
    for key, value in data.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed.append(key)
    return changed
