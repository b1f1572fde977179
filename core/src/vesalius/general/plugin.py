"""Hook implementations of the core's default pack ``general``."""

from __future__ import annotations

from collections.abc import Callable

from vesalius_sdk import (
    ChargeLine,
    ChartDefinition,
    Discipline,
    NoteContext,
    NoteTemplate,
    OutcomeMeasure,
    hookimpl,
)

from . import charges, chart, measures, templates


@hookimpl
def register_disciplines(register: Callable[[Discipline], None]) -> None:
    register(Discipline(id="general", title="General practice",
                        description="Discipline-agnostic notes and measures."))


@hookimpl
def register_note_templates(register: Callable[[NoteTemplate], None]) -> None:
    register(templates.SOAP)


@hookimpl
def register_charts(register: Callable[[ChartDefinition], None]) -> None:
    register(chart.BODY)


@hookimpl
def register_measures(register: Callable[[OutcomeMeasure], None]) -> None:
    for measure in measures.ALL:
        register(measure)


@hookimpl
def charge_lines(note: NoteContext) -> list[ChargeLine]:
    return charges.from_procedures(note)
