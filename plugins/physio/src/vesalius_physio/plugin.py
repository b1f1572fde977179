"""The physio pack, declared: its contributions and its rules (entry point
``vesalius_physio.plugin:pack``)."""

from vesalius_sdk import Pack

from . import billing, validation
from .charts import CHARTS
from .discipline import PHYSIO
from .measures import MEASURES
from .printouts import PRINTOUTS
from .templates import TEMPLATES

pack = Pack(disciplines=(PHYSIO,), note_templates=TEMPLATES, charts=CHARTS, measures=MEASURES,
            billing_codes=billing.CODES, printouts=PRINTOUTS,
            validate_note=validation.problems, charge_lines=billing.charge_lines)
