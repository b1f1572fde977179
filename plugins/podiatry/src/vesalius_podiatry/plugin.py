"""The podiatry pack, declared once: the entry point
``podiatry = "vesalius_podiatry.plugin:pack"``."""

from __future__ import annotations

from vesalius_sdk import Pack

from . import billing, validation
from .charts import FEET_CHART
from .discipline import PODIATRY
from .measures import MEASURES
from .printouts import PRINTOUTS
from .templates import TEMPLATES

pack = Pack(
    disciplines=(PODIATRY,),
    note_templates=TEMPLATES,
    charts=(FEET_CHART,),
    measures=MEASURES,
    billing_codes=billing.CODES,
    printouts=PRINTOUTS,
    validate_note=validation.validate,
    charge_lines=billing.charge_lines,
)
