"""FHIR search parameters: which a type supports, reading them from a query string (400
naming an unknown or malformed one, unless the client asked for lenient handling), and
turning them into SQL on the type's columns or a test on catalogue resources.

Supported: ``_id``, ``patient`` (``Patient/12`` or ``12``) when the type has a patient
column, ``date`` and ``_lastUpdated`` with the prefixes ``eq ne ge gt le lt`` (a value is
the range its precision covers: ``ge2024-03`` is from March 1st), ``_count`` (default 50,
at most 500; 0 gives the total only) and ``_offset`` (paging, in rows, in a stable order).
Commas mean "any of" (``_id=1,2``); a parameter repeated means "all of"
(``date=ge2024-01-01&date=lt2024-02-01``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, and_, not_
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.datastructures import MultiDict

from ..errors import Invalid
from ..services.common import INT_MAX
from .registry import FhirType

DEFAULT_COUNT = 50
MAX_COUNT = 500
#: Most values one parameter may list (``_id=1,2,...``): a search, not a bulk export.
MAX_VALUES = 100
#: Parameters about the answer, not the match; ``_format`` is checked by the HTTP layer.
CONTROL = ("_count", "_offset", "_format")
PREFIXES = ("eq", "ne", "ge", "gt", "le", "lt")

_DATE = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2})"
                   r"(?P<time>T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                   r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$")


def parameters(fhir_type: FhirType) -> dict[str, str]:
    """The search parameters ``fhir_type`` supports, with their FHIR search type."""
    params = {"_id": "token"}
    if fhir_type.updated is not None or fhir_type.catalogue is not None:
        params["_lastUpdated"] = "date"
    if fhir_type.patient is not None:
        params["patient"] = "reference"
    if fhir_type.date is not None:
        params["date"] = "date"
    return params


@dataclass(frozen=True)
class DateBound:
    """One ``date``/``_lastUpdated`` condition: a prefix and the range its value covers."""

    prefix: str
    start: datetime
    end: datetime  # exclusive

    def clause(self, column: ColumnElement[Any]) -> ColumnElement[bool]:
        start, end = (self.start, self.end) if _is_datetime(column) else (
            self.start.date(), _ceil_date(self.end))
        match self.prefix:
            case "eq":
                return and_(column >= start, column < end)
            case "ne":
                return not_(and_(column >= start, column < end))
            case "ge":
                return column >= start
            case "gt":
                return column >= end
            case "le":
                return column < end
            case _:  # lt
                return column < start

    def holds(self, value: datetime | None) -> bool:
        """The same test on a value in memory (a catalogue resource's lastUpdated)."""
        if value is None:
            return False
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        inside = self.start <= value < self.end
        return {"eq": inside, "ne": not inside, "ge": value >= self.start,
                "gt": value >= self.end, "le": value < self.end,
                "lt": value < self.start}[self.prefix]


@dataclass(frozen=True)
class Search:
    """A parsed search. ``ids``/``patients`` are None when not asked for."""

    ids: tuple[str, ...] | None = None
    patients: tuple[int, ...] | None = None
    date: tuple[DateBound, ...] = ()
    updated: tuple[DateBound, ...] = ()
    count: int = DEFAULT_COUNT
    offset: int = 0
    #: The parameters used, as sent (for the self and paging links).
    used: tuple[tuple[str, str], ...] = field(default=())

    def link_params(self, offset: int) -> list[tuple[str, str]]:
        return [*self.used, ("_count", str(self.count)), ("_offset", str(offset))]


def _is_datetime(column: ColumnElement[Any]) -> bool:
    """False for a ``Date`` column (compared with dates), else a timestamp."""
    kind = column.type
    return not isinstance(getattr(kind, "impl", kind), Date)


def _ceil_date(moment: datetime) -> date:
    day = moment.date()
    return day if moment.time() == time(0) else day + timedelta(days=1)


def parse_date(name: str, raw: str) -> DateBound:
    """``ge2024-03-01`` -> a :class:`DateBound`; :class:`Invalid` naming ``name``."""
    prefix, value = (raw[:2], raw[2:]) if raw[:2] in PREFIXES else ("eq", raw)
    match = _DATE.match(value)
    if match is None:
        raise Invalid(f"{name}: {raw!r} is not a FHIR date or dateTime with an optional "
                      f"prefix ({', '.join(PREFIXES)})", field=name)
    year, month, day, clock = (match["year"], match["month"], match["day"], match["time"])
    try:
        if clock:
            if not clock.endswith("Z") and clock[-6] not in "+-":
                raise Invalid(f"{name}: a time needs a time zone (Z or +hh:mm)", field=name)
            start = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
            hms = clock[1:].removesuffix("Z")[:-6 if clock[-6] in "+-" else None]
            step = timedelta(microseconds=1) if "." in hms else (
                timedelta(seconds=1) if hms.count(":") == 2 else timedelta(minutes=1))
            return DateBound(prefix, start, start + step)
        if day:
            start = datetime(int(year), int(month), int(day), tzinfo=UTC)
            return DateBound(prefix, start, start + timedelta(days=1))
        if month:
            start = datetime(int(year), int(month), 1, tzinfo=UTC)
            end = start.replace(year=start.year + (start.month == 12),
                                month=start.month % 12 + 1)
            return DateBound(prefix, start, end)
        start = datetime(int(year), 1, 1, tzinfo=UTC)
        return DateBound(prefix, start, start.replace(year=start.year + 1))
    except ValueError:  # 2024-02-30, year 9999 + 1
        raise Invalid(f"{name}: {raw!r} is not a valid date", field=name) from None


def _patient_id(raw: str) -> int | None:
    """The patient id of ``Patient/12`` or ``12`` (None for one no row can have)."""
    value = raw.removeprefix("Patient/")
    if not value.isascii() or not value.isdigit():
        raise Invalid(f"patient: {raw!r} is not a patient reference (Patient/12 or 12)",
                      field="patient")
    return _in_range(int(value))


def _in_range(row_id: int | None) -> int | None:
    """A row id the database's columns can hold (32-bit on PostgreSQL), else None."""
    return row_id if row_id is not None and 1 <= row_id <= INT_MAX else None


def _int(name: str, raw: str, low: int, high: int | None = None) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise Invalid(f"{name}: {raw!r} is not a whole number", field=name)
    value = int(raw)
    if value < low:
        raise Invalid(f"{name}: at least {low}", field=name)
    return min(value, high) if high is not None else value


def parse(fhir_type: FhirType, args: MultiDict[str, str], *, lenient: bool = False) -> Search:
    """Read a search of ``fhir_type`` from the query string. An unknown parameter is a
    :class:`Invalid` naming it, or ignored when ``lenient`` (``Prefer: handling=lenient``)."""
    known = parameters(fhir_type)
    unknown = sorted({name for name in args if name not in known and name not in CONTROL})
    if unknown and not lenient:
        raise Invalid(f"unknown search parameter{'s' if len(unknown) > 1 else ''} for "
                      f"{fhir_type.name}: {', '.join(unknown)} (supported: "
                      f"{', '.join([*known, '_count', '_offset'])})", field=unknown[0])
    values: dict[str, Any] = {}
    used: list[tuple[str, str]] = []
    for name in known:
        if sum(raw.count(",") + 1 for raw in args.getlist(name)) > MAX_VALUES:
            raise Invalid(f"{name}: at most {MAX_VALUES} values", field=name)
    for name in known:
        raws = args.getlist(name)
        if not raws:
            continue
        used += [(name, raw) for raw in raws]
        if name == "_id":
            ids = None
            for raw in raws:  # repeated: all of (an intersection)
                these = {part.strip() for part in raw.split(",") if part.strip()}
                ids = these if ids is None else ids & these
            values["ids"] = tuple(sorted(ids or ()))
        elif name == "patient":
            chosen: set[int] | None = None
            for raw in raws:
                these = {p for part in raw.split(",")
                         if (p := _patient_id(part.strip())) is not None}
                chosen = these if chosen is None else chosen & these
            values["patients"] = tuple(sorted(chosen or ()))
        else:
            bounds = tuple(parse_date(name, raw.strip()) for raw in raws)
            values["date" if name == "date" else "updated"] = bounds
    if "_count" in args:
        values["count"] = _int("_count", args["_count"], 0, MAX_COUNT)
    if "_offset" in args:
        values["offset"] = _int("_offset", args["_offset"], 0)
    return Search(**values, used=tuple(used))


def row_ids(fhir_type: FhirType, ids: tuple[str, ...]) -> set[int]:
    """The rows of resource ids (ids no row can have are left out: they match nothing)."""
    out: set[int] = set()
    for resource_id in ids:
        if fhir_type.row_key is not None:
            row = fhir_type.row_key(resource_id)
        else:
            row = int(resource_id) if resource_id.isascii() and resource_id.isdigit() \
                and len(resource_id) <= 10 else None
        if (row := _in_range(row)) is not None:
            out.add(row)
    return out
