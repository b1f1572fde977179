"""The printable home exercise programme: HTML from a filled ``physio.exercise-programme``.

A pure function of the document (and of the names the caller chooses to print): it reads
the prescription rows, fills any dosage the physiotherapist left blank from the exercise's
defaults, and renders ``printouts/home_programme.html`` with Jinja2 (autoescaped: free-text
fields such as progression notes are the clinician's and must print as text, never markup).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from .library import FREQUENCIES, Exercise, exercise

SECTION = "programme"
SIDES = {"left": "left side", "right": "right side", "both": "both sides"}


@dataclass(frozen=True, slots=True)
class PrescribedExercise:
    """One row of the programme, with the blanks filled from the library's defaults."""

    exercise: Exercise
    sets: int
    reps: int
    hold_seconds: int
    frequency: str
    load: str | None
    side: str | None
    progression: str | None

    @property
    def dosage(self) -> str:
        """The dosage as the patient reads it: ``3 sets of 10, hold 5 seconds``."""
        parts = [f"{self.sets} {'set' if self.sets == 1 else 'sets'} of {self.reps}"]
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} seconds")
        if self.load:
            parts.append(f"with {self.load}")
        return ", ".join(parts)


def prescribed(row: Mapping[str, Any], number: int) -> PrescribedExercise:
    """One table row as a :class:`PrescribedExercise`; ``ValueError`` for a row without one."""
    if not row.get("exercise"):
        raise ValueError(f"exercise row {number} names no exercise")
    chosen = exercise(row["exercise"])
    default = chosen.dosage
    frequency = row.get("frequency") or default.frequency
    return PrescribedExercise(
        exercise=chosen,
        sets=row.get("sets") or default.sets,
        reps=row.get("reps") or default.reps,
        hold_seconds=default.hold_seconds if row.get("hold_seconds") is None
        else row["hold_seconds"],
        frequency=FREQUENCIES.get(frequency, frequency),
        load=row.get("load") or None,
        side=SIDES.get(row.get("side") or ""),
        progression=row.get("progression") or None,
    )


if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def _environment() -> Environment:
    # Jinja is imported on the first printout, not when the pack loads (every start).
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("vesalius_physio.exercises", "printouts"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _date(value: Any) -> str | None:
    if not value:
        return None
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.day} {day:%B %Y}"


def render_home_programme(
    document: Mapping[str, Any],
    *,
    patient_name: str | None = None,
    practitioner_name: str | None = None,
    clinic_name: str | None = None,
    clinic_phone: str | None = None,
) -> str:
    """The home exercise programme of ``document`` as a printable HTML page.

    ``document`` is a ``physio.exercise-programme`` note document. The names are printed as
    given (and escaped); leave them out for an anonymous copy.
    """
    section = document.get(SECTION) or {}
    rows = section.get("exercises") or []
    if not rows:
        raise ValueError("the programme has no exercises")
    items = [prescribed(row, number) for number, row in enumerate(rows, start=1)]
    return _environment().get_template("home_programme.html").render(
        title=section.get("title") or "Your home exercise programme",
        start=_date(section.get("start_date")),
        review=_date(section.get("review_date")),
        advice=section.get("advice"),
        precautions=section.get("precautions"),
        items=items,
        patient_name=patient_name,
        practitioner_name=practitioner_name,
        clinic_name=clinic_name,
        clinic_phone=clinic_phone,
    )
