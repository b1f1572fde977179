"""Reading a CSV export and turning its cells into our fields' values, with every problem
named by row (the spreadsheet's row number: the header is row 1) and field."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .presets import Preset

#: The largest file the web form takes (the command line reads any size).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


class FileProblem(ValueError):
    """The file as a whole cannot be read (encoding, no header, a required column)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Table:
    #: header as written -> our field
    mapping: dict[str, str]
    #: headers nobody maps (reported, not an error: exports carry much we do not keep)
    ignored: list[str]
    #: (row number, {our field: stripped non-empty cell})
    rows: list[tuple[int, dict[str, str]]]


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"the file is not UTF-8 text (byte {exc.start}): save it as "
                          "\"CSV UTF-8\" and try again") from None


def read(text: str, preset: Preset, kind: str, required: tuple[str, ...],
         extra_map: dict[str, str] | None = None) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = next(reader)
    except StopIteration:
        raise FileProblem("the file is empty: the first row must name the columns") from None
    except csv.Error as exc:
        raise FileProblem(f"row 1 is not CSV: {exc}") from None
    mapping = preset.mapping(kind, headers, extra_map)
    fields = set(mapping.values())
    for needed in required:
        if needed not in fields:
            raise FileProblem(f"no column for {needed} (preset {preset.name}; map one with "
                              f"--map HEADER={needed})", field=needed)
    ignored = [h for h in headers if h not in mapping and h.strip()]
    index = [(i, mapping[h]) for i, h in enumerate(headers) if h in mapping]
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue  # blank lines at the end of a spreadsheet export
            values: dict[str, str] = {}
            for i, name in index:
                cell = cells[i].strip() if i < len(cells) else ""
                if cell and name not in values:  # two columns for one field: first wins
                    values[name] = cell
            rows.append((number, values))
    except csv.Error as exc:
        raise FileProblem(f"row {reader.line_num} is not CSV: {exc}") from None
    return Table(mapping=mapping, ignored=ignored, rows=rows)


# -- cells to values -------------------------------------------------------------------

_TRUE = {"true", "yes", "y", "1", "t", "on"}
_FALSE = {"false", "no", "n", "0", "f", "off"}
_SEX = {"f": "female", "female": "female", "w": "female", "woman": "female",
        "m": "male", "male": "male", "man": "male",
        "o": "other", "other": "other", "x": "other", "intersex": "other",
        "non_binary": "other", "nonbinary": "other",
        "u": "unknown", "unknown": "unknown", "not_stated": "unknown",
        "prefer_not_to_say": "unknown"}


def boolean(value: str) -> bool:
    low = value.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError("must be yes or no (true/false, 1/0)")


def sex(value: str) -> str:
    key = re.sub(r"[^a-z]+", "_", value.lower()).strip("_")
    if key not in _SEX:
        raise ValueError("must be female, male, other or unknown (F, M, X, U)")
    return _SEX[key]


def country(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise ValueError("must be the two-letter ISO 3166 code (CA, US, AU, GB, ...)")
    return value.upper()


def day(value: str, date_format: str | None) -> date:
    if date_format:
        try:
            return datetime.strptime(value, date_format).date()
        except ValueError:
            raise ValueError(f"must be a date written {date_format}") from None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD (or give the date format)") from None


def moment(value: str, date_format: str | None, zone: tzinfo) -> datetime:
    """A start or end: ISO 8601 (with an offset, or local time in ``zone``), or
    ``date_format`` followed by a 24-hour time."""
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        if date_format:
            for time_format in (" %H:%M", " %H:%M:%S", " %I:%M %p"):
                try:
                    parsed = datetime.strptime(value, date_format + time_format)
                    break
                except ValueError:
                    continue
    if parsed is None:
        raise ValueError("must be a date and time such as 2026-03-04T14:30 (or give "
                         "the date format for the date part)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def keep_first(checked: dict[str, tuple[int, Any]], external_id: str, number: int,
               data: Any, errors: list[RowError]) -> None:
    """Record a checked row under its external id; the same id on a second row is that
    row's error (the file would say two things about one record)."""
    if external_id in checked:
        errors.append(RowError(number, "external_id", f"also on row {checked[external_id][0]}"))
    else:
        checked[external_id] = (number, data)


def by_external_id(session: Session, model: Any, external_ids: list[str]) -> dict[str, Any]:
    """The rows of ``model`` already imported under these external ids."""
    found: dict[str, Any] = {}
    for chunk in chunks(external_ids):
        found.update((row.external_id, row) for row in session.scalars(
            select(model).where(model.external_id.in_(chunk))))
    return found


def patient_ids(session: Session, external_ids: list[str]) -> dict[str, int]:
    """Patients' ids by the external ids a patient import gave them."""
    from ..models import Patient

    found: dict[str, int] = {}
    for chunk in chunks(sorted({e for e in external_ids if e})):
        found.update(session.execute(
            select(Patient.external_id, Patient.id).where(Patient.external_id.in_(chunk))
        ).all())
    return found


def patient_of(number: int, values: dict[str, str], patient_ids: dict[str, int],
               errors: list[RowError]) -> int | None:
    """The row's patient by its ``patient_external_id`` (an error on the row when none)."""
    patient_id = patient_ids.get(values.get("patient_external_id", ""))
    if patient_id is None:
        errors.append(RowError(number, "patient_external_id", "no patient has this external "
                                                              "id (import the patients first)"))
    return patient_id


def chunks(items: list[str], size: int = 900) -> Iterator[list[str]]:
    """IN-lists small enough for SQLite's variable limit."""
    for i in range(0, len(items), size):
        yield items[i:i + size]
