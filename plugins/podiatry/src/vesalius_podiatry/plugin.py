"""Hook implementations of the podiatry pack."""

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
    Printout,
    hookimpl,
)

from . import billing, validation
from .charts import FEET_CHART
from .discipline import PODIATRY
from .measures import MEASURES
from .printouts import PRINTOUTS
from .templates import TEMPLATES


@hookimpl
def register_disciplines(register: Callable[[Discipline], None]) -> None:
    register(PODIATRY)


@hookimpl
def register_note_templates(register: Callable[[NoteTemplate], None]) -> None:
    for template in TEMPLATES:
        register(template)


@hookimpl
def register_charts(register: Callable[[ChartDefinition], None]) -> None:
    register(FEET_CHART)


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
    return validation.validate(note)


@hookimpl
def charge_lines(note: NoteContext) -> list[ChargeLine]:
    return billing.charge_lines(note)


@hookimpl
def register_printouts(register: Callable[[Printout], None]) -> None:
    for printout in PRINTOUTS:
        register(printout)
