"""Hook implementations of the chiropractic pack."""

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
    hookimpl,
)

from . import billing, charts, measures, templates, validation
from .discipline import CHIRO


@hookimpl
def register_disciplines(register: Callable[[Discipline], None]) -> None:
    register(CHIRO)


@hookimpl
def register_note_templates(register: Callable[[NoteTemplate], None]) -> None:
    for template in templates.ALL:
        register(template)


@hookimpl
def register_charts(register: Callable[[ChartDefinition], None]) -> None:
    for chart in charts.ALL:
        register(chart)


@hookimpl
def register_measures(register: Callable[[OutcomeMeasure], None]) -> None:
    for measure in measures.ALL:
        register(measure)


@hookimpl
def register_billing_codes(register: Callable[[BillingCode], None]) -> None:
    for code in billing.CODES:
        register(code)


@hookimpl
def charge_lines(note: NoteContext) -> list[ChargeLine]:
    return billing.charge_lines(note)


@hookimpl
def validate_note(note: NoteContext) -> list[NoteProblem]:
    return validation.validate(note)
