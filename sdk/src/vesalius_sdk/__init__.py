"""Vesalius SDK: what a discipline pack is written against.

A pack builds frozen contribution models (:class:`Discipline`, :class:`NoteTemplate`,
:class:`ChartDefinition` drawn on :mod:`vesalius_sdk.anatomy`, :class:`OutcomeMeasure`,
:class:`BillingCode`) and small pure rules (a charge rule returns :class:`ChargeLine` s,
a validation rule :class:`NoteProblem` s), and declares them once as a :class:`Pack`
(``pack = Pack(...)``; the entry point names it). :mod:`vesalius_sdk.hookspecs` documents
the hooks a :class:`Pack` implements (a module of ``@hookimpl`` functions, the 0.1 way,
still works); :mod:`vesalius_sdk.safety` has the common safety fields and their rule;
:mod:`vesalius_sdk.testing` is the test kit.
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
    Placement,
    Polygon,
    Rect,
    Region,
)
from .context import (
    AppointmentStatusChange,
    CaseContext,
    NoteContext,
    NoteProblem,
    NoteSummary,
    PayerContext,
    ProcedureSummary,
)
from .disciplines import Discipline
from .documents import (
    DocumentError,
    carried_forward,
    document_model,
    missing_required,
    switched,
    validate_document,
)
from .hookspecs import hookimpl
from .measures import (
    Band,
    MeasureItem,
    MissingRule,
    OutcomeMeasure,
    ResponseError,
    Score,
    Subscale,
    WorkedExample,
)
from .pack import Pack
from .printouts import PrintHeader, Printout
from .rendering import (
    chart_size,
    neighbours,
    region_description,
    region_sizes,
    small_regions,
)
from .templates import (
    VISIT_KINDS,
    BooleanField,
    ChartField,
    ChoiceField,
    CodesField,
    ComputedColumn,
    DateField,
    LongTextField,
    MeasureField,
    MultiChoiceField,
    NoteTemplate,
    NumberField,
    Option,
    ProceduresField,
    RegionColumn,
    ScaleField,
    Section,
    TableField,
    TextField,
    VisitKind,
    mean_of,
    options,
)
from .web import WebAddition

try:
    __version__ = version("vesalius-sdk")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "VISIT_KINDS", "AppointmentStatusChange", "Band", "BillingCode", "BooleanField",
    "CaseContext", "ChargeLine", "ChartDefinition", "ChartField", "ChartMark", "ChartView",
    "ChoiceField", "Circle", "CodesField", "ComputedColumn", "DateField", "Decoration",
    "Discipline", "DocumentError", "Ellipse", "LongTextField", "MarkAttribute", "MarkType",
    "MeasureField", "MeasureItem", "MissingRule", "MultiChoiceField", "NoteContext",
    "NoteProblem", "NoteSummary", "NoteTemplate", "NumberField", "Option", "OutcomeMeasure",
    "Pack", "Path", "PayerContext", "Placement", "Polygon", "PrintHeader", "Printout",
    "ProcedureSummary", "ProceduresField", "Rect", "Region", "RegionColumn", "ResponseError",
    "ScaleField", "Score", "Section", "Subscale", "TableField", "TextField", "VisitKind",
    "WebAddition",
    "WorkedExample", "__version__", "carried_forward", "chart_size", "document_model",
    "hookimpl", "mean_of", "missing_required", "neighbours", "options", "region_description",
    "region_sizes", "small_regions", "switched", "timed_units", "validate_document",
]
