"""The podiatry pack, declared once: the entry point
``podiatry = "vesalius_podiatry.plugin:pack"``. Each module holds one kind of contribution."""

from __future__ import annotations

from vesalius_sdk import Pack

from . import billing, charts, discipline, measures, printouts, templates, validation

pack = Pack(
    disciplines=(discipline.PODIATRY,),
    note_templates=templates.TEMPLATES,
    charts=(charts.FEET_CHART,),
    measures=measures.MEASURES,
    billing_codes=billing.CODES,
    printouts=printouts.PRINTOUTS,
    validate_note=validation.validate,
    charge_lines=billing.charge_lines,
)
