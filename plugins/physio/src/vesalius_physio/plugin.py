"""Hook implementations of the physio pack: each hands the host data from a module named
for what it holds, or calls a pure rule with the note's template."""

from __future__ import annotations

from collections.abc import Callable

from vesalius_sdk import (
    BillingCode,
    ChargeLine,
    ChartDefinition,
    Discipline,
    NoteContext,
    NoteProblem,
    NoteTemplate,
    OutcomeMeasure,
    PrintHeader,
    Printout,
    hookimpl,
)

from . import billing, validation
from .charts import CHARTS
from .discipline import PHYSIO
from .exercises.programme import render_home_programme
from .measures import MEASURES
from .templates import BY_ID, TEMPLATES


@hookimpl
def register_disciplines(register: Callable[[Discipline], None]) -> None:
    register(PHYSIO)


@hookimpl
def register_note_templates(register: Callable[[NoteTemplate], None]) -> None:
    for template in TEMPLATES:
        register(template)


@hookimpl
def register_charts(register: Callable[[ChartDefinition], None]) -> None:
    for chart in CHARTS:
        register(chart)


@hookimpl
def register_measures(register: Callable[[OutcomeMeasure], None]) -> None:
    for measure in MEASURES:
        register(measure)


@hookimpl
def register_billing_codes(register: Callable[[BillingCode], None]) -> None:
    for code in billing.CODES:
        register(code)


@hookimpl
def validate_note(note: NoteContext) -> list[NoteProblem]:
    return validation.problems(note, BY_ID[note.template_id])


@hookimpl
def charge_lines(note: NoteContext) -> list[ChargeLine]:
    return billing.charge_lines(note, BY_ID[note.template_id])


@hookimpl
def register_printouts(register: Callable[[Printout], None]) -> None:
    register(Printout(
        id="physio.home-programme",
        title="Home exercise programme",
        templates=("physio.exercise-programme",),
        render=_home_programme,
    ))


def _home_programme(note: NoteContext, header: PrintHeader) -> str:
    return render_home_programme(
        note.document, patient_name=header.patient_name,
        practitioner_name=header.practitioner_name, clinic_name=header.clinic_name,
        clinic_phone=header.clinic_phone)
