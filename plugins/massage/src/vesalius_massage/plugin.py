"""The massage pack, declared once: the entry point ``massage = "vesalius_massage.plugin:pack"``.

The common measures its templates use (NPRS, PGIC) belong to the core's ``general`` pack.
"""

from __future__ import annotations

from vesalius_sdk import Pack

from . import billing, charts, discipline, templates, validation

pack = Pack(
    disciplines=(discipline.DISCIPLINE,),
    note_templates=templates.TEMPLATES,
    charts=(charts.MUSCLES,),
    billing_codes=billing.CODES,
    validate_note=validation.problems,
    charge_lines=billing.charge_lines,
)
