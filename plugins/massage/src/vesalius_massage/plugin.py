"""Hook implementations of the massage pack: each calls into the module named for what it
holds. The hook reference is ``vesalius_sdk.hookspecs``."""

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

from . import billing, charts, discipline, measures, templates, validation


@hookimpl
def register_disciplines(register: Callable[[Discipline], None]) -> None:
    register(discipline.DISCIPLINE)


@hookimpl
def register_note_templates(register: Callable[[NoteTemplate], None]) -> None:
    for template in templates.TEMPLATES:
        register(template)


@hookimpl
def register_charts(register: Callable[[ChartDefinition], None]) -> None:
    register(charts.MUSCLES)


@hookimpl
def register_measures(register: Callable[[OutcomeMeasure], None]) -> None:
    register(measures.PGIC)


@hookimpl
def register_billing_codes(register: Callable[[BillingCode], None]) -> None:
    for code in billing.CODES:
        register(code)


@hookimpl
def charge_lines(note: NoteContext) -> list[ChargeLine]:
    return billing.charge_lines(note)


@hookimpl
def validate_note(note: NoteContext) -> list[NoteProblem]:
    return validation.problems(note)
