"""The osteopathy pack, declared (entry point ``vesalius_osteo.plugin:pack``)."""

from vesalius_sdk import Pack

from . import billing, charts, measures, templates, validation
from .discipline import OSTEO

pack = Pack(disciplines=(OSTEO,), note_templates=templates.ALL, charts=charts.ALL,
            measures=measures.ALL, billing_codes=billing.CODES,
            charge_lines=billing.charge_lines, validate_note=validation.validate)
