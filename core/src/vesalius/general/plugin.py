"""The core's default pack ``general``, declared once as a :class:`~vesalius_sdk.Pack`.

The host registers this *module* (``DEFAULT_PLUGINS`` names a module, not an object), so
the module-level names below are the pack's own hook implementations, taken from ``pack``.
"""

from __future__ import annotations

from vesalius_sdk import Discipline, Pack

from . import charges, chart, measures, templates

GENERAL = Discipline(id="general", title="General practice",
                     description="Discipline-agnostic notes and measures.")

pack = Pack(
    disciplines=(GENERAL,),
    note_templates=templates.TEMPLATES,
    charts=(chart.BODY,),
    measures=measures.ALL,
    charge_lines=charges.from_procedures,
)

# What pluggy finds on this module: the same functions as on ``pack``.
register_disciplines = pack.register_disciplines
register_note_templates = pack.register_note_templates
register_charts = pack.register_charts
register_measures = pack.register_measures
charge_lines = pack.charge_lines
