"""Vesalius SDK: what a discipline pack is written against.

A pack author writes ``from vesalius_sdk import hookimpl`` and implements the hooks in
:mod:`vesalius_sdk.hookspecs` (their docstrings are the reference), building frozen
contribution models: :class:`Discipline`, :class:`NoteTemplate`, :class:`ChartDefinition`,
:class:`OutcomeMeasure`, :class:`BillingCode`; a charge rule returns :class:`ChargeLine` s.
"""

from importlib.metadata import PackageNotFoundError, version

from .billing import BillingCode, ChargeLine, timed_units
from .charts import (
    ChartDefinition,
    ChartMark,
    ChartView,
    Circle,
    Decoration,
    Ellipse,
    MarkAttribute,
    MarkType,
    Path,
    Polygon,
    Rect,
    Region,
)
from .context import (
    AppointmentStatusChange,
    CaseContext,
    NoteContext,
    NoteProblem,
    PayerContext,
)
from .disciplines import Discipline
from .documents import DocumentError, document_model, missing_required, validate_document
from .hookspecs import hookimpl
from .measures import (
    Band,
    MeasureItem,
    OutcomeMeasure,
    ResponseError,
    Score,
    WorkedExample,
)
from .printouts import PrintHeader, Printout
from .templates import (
    BooleanField,
    ChartField,
    ChoiceField,
    CodesField,
    DateField,
    LongTextField,
    MeasureField,
    MultiChoiceField,
    NoteTemplate,
    NumberField,
    Option,
    ProceduresField,
    ScaleField,
    Section,
    TableField,
    TextField,
)
from .web import WebAddition

try:
    __version__ = version("vesalius-sdk")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AppointmentStatusChange", "Band", "BillingCode", "BooleanField", "CaseContext",
    "ChargeLine", "ChartDefinition", "ChartField", "ChartMark", "ChartView", "ChoiceField",
    "Circle", "CodesField", "DateField", "Decoration", "Discipline", "DocumentError",
    "Ellipse", "LongTextField", "MarkAttribute", "MarkType", "MeasureField", "MeasureItem",
    "MultiChoiceField", "NoteContext", "NoteProblem", "NoteTemplate", "NumberField", "Option",
    "OutcomeMeasure", "Path", "PayerContext", "Polygon", "PrintHeader", "Printout",
    "ProceduresField", "Rect", "Region",
    "ResponseError", "ScaleField", "Score", "Section", "TableField", "TextField", "WebAddition",
    "WorkedExample", "__version__", "document_model", "hookimpl", "missing_required",
    "timed_units", "validate_document",
]
