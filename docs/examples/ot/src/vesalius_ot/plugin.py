"""Everything the ot pack contributes, declared once.

The entry point in pyproject.toml names ``pack``; the host registers each collection and
calls each rule for notes made from this pack's templates.
"""

from vesalius_sdk import Pack

from . import billing, charts, discipline, measures, templates

pack = Pack(
    disciplines=(discipline.DISCIPLINE,),
    note_templates=templates.TEMPLATES,
    charts=(charts.HANDS,),
    measures=(measures.BCTQ,),
    billing_codes=billing.CODES,
    validate_note=templates.problems,
    charge_lines=billing.charge_lines,
)
