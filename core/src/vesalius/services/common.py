"""Helpers shared by the services."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from ..errors import Invalid, NotFound

T = TypeVar("T")


class Input(BaseModel):
    """Base of service inputs: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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
