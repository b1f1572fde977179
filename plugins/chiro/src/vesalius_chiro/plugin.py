"""The chiropractic pack, declared (entry point ``vesalius_chiro.plugin:pack``)."""

from vesalius_sdk import Pack

from . import billing, charts, measures, templates, validation
from .discipline import CHIRO

pack = Pack(disciplines=(CHIRO,), note_templates=templates.ALL, charts=charts.ALL,
            measures=measures.ALL, billing_codes=billing.CODES,
            charge_lines=billing.charge_lines, validate_note=validation.validate)
