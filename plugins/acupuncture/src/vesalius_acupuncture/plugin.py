"""The acupuncture pack, declared once: the entry point
``acupuncture = "vesalius_acupuncture.plugin:pack"``."""

from __future__ import annotations

from vesalius_sdk import Pack

from . import billing, validation
from .charts import MERIDIAN_CHART
from .discipline import ACUPUNCTURE
from .measures import MEASURES
from .templates import TEMPLATES

pack = Pack(
    disciplines=(ACUPUNCTURE,),
    note_templates=TEMPLATES,
    charts=(MERIDIAN_CHART,),
    measures=MEASURES,
    billing_codes=billing.CODES,
    validate_note=validation.validate,
    charge_lines=billing.charge_lines,
)
