"""Note templates: sections of typed fields from which a note document is filled.

A template is data. The host renders it (the web editor draws any template generically from
its fields), validates documents against it (:func:`vesalius_sdk.documents.document_model`),
and stores a filled note as a JSON document shaped ``{section_id: {field_id: value}}``.

Every field is optional in a draft; ``required=True`` fields must be filled before the note
can be signed (:func:`vesalius_sdk.documents.missing_required`).

Daily charting (since 0.2): a template says for which visit kinds it is its discipline's
default (:attr:`NoteTemplate.default_for`), and each field whether a new note copies it
forward from the case's last signed note (:attr:`carry_forward <TextField.carry_forward>`,
see :meth:`NoteTemplate.carried_paths` for the default policy).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import Field, model_validator

from ._base import Frozen, KeyId, Label, NamespacedId, ShortId, unique


class Option(Frozen):
    """One choice of a ``choice`` or ``multi-choice`` field; ``value`` is what is stored."""

    value: Annotated[str, Field(min_length=1, max_length=64)]
    label: Label


#: The visit kinds a template can be the default for: the first visit of a case (no signed
#: note yet) is ``initial``; every later visit is ``follow-up``.
VisitKind = Literal["initial", "follow-up"]
VISIT_KINDS: tuple[str, ...] = ("initial", "follow-up")


def options(*choices: str | tuple[str, str]) -> tuple[Option, ...]:
    """Options of a choice field: a ``(value, label)`` pair each, or a value alone whose
    label is the value in words (``"lateral-flexion"`` -> "Lateral flexion")."""
    return tuple(
        Option(value=c, label=c.replace("-", " ").replace("_", " ").capitalize())
        if isinstance(c, str) else Option(value=c[0], label=c[1])
        for c in choices
    )


class _FieldBase(Frozen):
    id: KeyId
    label: Label
    help: str | None = None
    #: Must be filled before the note can be signed. Drafts may leave it empty.
    required: bool = False
    #: Whether a new note copies this field from the case's last signed note (copy-forward).
    #: ``None`` follows the default policy (:meth:`NoteTemplate.carried_paths`): chart and
    #: diagnosis-code fields, and fields named ``goals`` or ``plan``, carry forward.
    carry_forward: bool | None = None
    #: Other paths (``section.field``) to copy from when the last signed note has nothing at
    #: this field's own path: where another template of the pack keeps the same thing (a
    #: follow-up's ``plan.diagnosis`` from the initial assessment's
    #: ``assessment.diagnosis``). Tried in order; giving any makes the field carry forward
    #: unless ``carry_forward=False``.
    carry_forward_from: tuple[str, ...] = ()


class TextField(_FieldBase):
    """One line of free text."""

    kind: Literal["text"] = "text"
    max_length: int = Field(default=500, ge=1, le=5000)


class LongTextField(_FieldBase):
    """Free text over several lines (a SOAP section, say)."""

    kind: Literal["long-text"] = "long-text"
    max_length: int = Field(default=20000, ge=1, le=200000)


class NumberField(_FieldBase):
    """A number with an optional unit and range (``integer=True`` for counts)."""

    kind: Literal["number"] = "number"
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _range(self) -> NumberField:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"field {self.id!r}: minimum is above maximum")
        return self


class BooleanField(_FieldBase):
    """Yes or no (a red-flag screen item, say).

    ``must_be_true=True`` makes signing need the box ticked (informed consent, say): an
    unticked or empty box is an error before signing, named by the field's label.
    """

    kind: Literal["boolean"] = "boolean"
    must_be_true: bool = False


class ChoiceField(_FieldBase):
    """One value out of ``options``."""

    kind: Literal["choice"] = "choice"
    options: tuple[Option, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ChoiceField:
        unique([o.value for o in self.options], f"option of field {self.id!r}")
        return self


class MultiChoiceField(_FieldBase):
    """Any number of distinct values out of ``options``."""

    kind: Literal["multi-choice"] = "multi-choice"
    options: tuple[Option, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> MultiChoiceField:
        unique([o.value for o in self.options], f"option of field {self.id!r}")
        return self


class ScaleField(_FieldBase):
    """A whole-number rating scale, 0-10 by default (pain now, say)."""

    kind: Literal["scale"] = "scale"
    minimum: int = 0
    maximum: int = 10
    low_label: str | None = None
    high_label: str | None = None

    @model_validator(mode="after")
    def _range(self) -> ScaleField:
        if self.minimum >= self.maximum:
            raise ValueError(f"field {self.id!r}: a scale needs minimum below maximum")
        return self


class DateField(_FieldBase):
    """A calendar date (ISO 8601 in the document)."""

    kind: Literal["date"] = "date"


class CodesField(_FieldBase):
    """A list of codes of one code system, ICD-10-CM diagnosis codes by default."""

    kind: Literal["codes"] = "codes"
    system: Literal["ICD-10-CM", "ICD-10-CA", "ICD-10"] = "ICD-10-CM"
    max_items: int = Field(default=12, ge=1, le=50)


class RegionColumn(_FieldBase):
    """A table column whose cell picks a region of a chart (``physio.body``'s ``knee-left``).

    The editor offers the chart's regions (searchable by label); the document stores the
    region's own id, whatever alias was typed. When the chart's pack is not installed the
    column accepts what is stored.
    """

    kind: Literal["region"] = "region"
    chart: NamespacedId


#: The field kinds a table column may have: one value per cell.
ColumnField = Annotated[
    Union[TextField, NumberField, BooleanField, ChoiceField, MultiChoiceField, ScaleField,
          DateField, RegionColumn],
    Field(discriminator="kind"),
]

RowValue = str | int | float | bool | None
#: A computed column's function: the row's entered values by column id -> the cell's value.
RowFunction = Callable[[Mapping[str, Any]], RowValue]


class ComputedColumn(Frozen):
    """A read-only table column worked out from the rest of its row by a pure function.

    The mean of three grip trials, a side-to-side deficit. ``compute`` receives the row's
    ENTERED values by column id (a missing cell is ``None``; other computed cells are not
    passed, so a deficit of two means works the means out itself, e.g. with
    :func:`mean_of`'s function) and returns the value, or ``None`` when the row does not
    have what it needs. Exceptions of missing or non-numeric inputs (``TypeError``,
    ``ValueError``, ``ArithmeticError``, ``KeyError``) leave the cell empty. The host stores the
    computed value in the document whenever the note is saved, so a signed note keeps the
    figure the practitioner saw; a value sent by a client is replaced. ``decimals`` rounds
    a number for storage and display (``decimals=0`` stores a whole number).
    """

    id: KeyId
    label: Label
    compute: RowFunction = Field(exclude=True)
    unit: str | None = None
    decimals: int = Field(default=1, ge=0, le=6)
    help: str | None = None

    def value(self, row: Mapping[str, Any]) -> RowValue:
        """The cell's value for ``row``; ``None`` when the function cannot work it out."""
        try:
            result = self.compute(row)
        except (TypeError, ValueError, ArithmeticError, KeyError):
            return None  # inputs missing or not numbers yet: an empty cell, not an error
        if isinstance(result, float):
            if not math.isfinite(result):
                return None
            return round(result) if self.decimals == 0 else round(result, self.decimals)
        return result


def mean_of(*columns: str) -> RowFunction:
    """A computed column's function: the mean of the given columns' entered numbers."""

    def compute(row: Mapping[str, Any]) -> float | None:
        values = [row[c] for c in columns if isinstance(row.get(c), int | float)
                  and not isinstance(row.get(c), bool)]
        return sum(values) / len(values) if values else None

    return compute


class TableField(_FieldBase):
    """Rows of typed columns: a range-of-motion table, strength grades, special tests.

    ``rows`` pre-fills a new note's table with fixed rows (for example the movements of a
    joint: ``({"joint": "knee", "movement": "flexion"}, ...)``); the document is still a list
    of row objects keyed by column id, and the practitioner may add or remove rows.
    """

    kind: Literal["table"] = "table"
    columns: tuple[ColumnField, ...] = Field(min_length=1)
    #: Read-only columns worked out from each row (:class:`ComputedColumn`), shown after
    #: the entered columns.
    computed: tuple[ComputedColumn, ...] = ()
    max_rows: int = Field(default=100, ge=1, le=1000)
    rows: tuple[Mapping[str, str | int | float | bool], ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> TableField:
        unique([c.id for c in (*self.columns, *self.computed)], f"column of table {self.id!r}")
        columns = {c.id for c in self.columns}
        for n, row in enumerate(self.rows, start=1):
            unknown = set(row) - columns
            if unknown:
                first = sorted(unknown)[0]
                raise ValueError(f"table {self.id!r} row {n}: unknown column {first!r}")
        if len(self.rows) > self.max_rows:
            raise ValueError(f"table {self.id!r}: more rows than max_rows")
        return self

    def prefilled_rows(self) -> list[dict[str, Any]]:
        """The rows a new note's table starts with (``rows``), computed columns filled in."""
        return [self.compute_row(dict(row)) for row in self.rows]

    def compute_row(self, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` with its computed columns worked out (empty results left out)."""
        entered = {c.id: row.get(c.id) for c in self.columns}
        for column in self.computed:
            row.pop(column.id, None)
            value = column.value(entered)
            if value is not None:
                row[column.id] = value
        return row


class ChartField(_FieldBase):
    """Marks on a chart (body, spine, meridian, foot), by chart id.

    The chart may belong to another pack: when that pack is not installed the field is shown
    as unavailable, naming the pack to install (its id prefix), and the rest of the note works.
    A required chart field whose chart is missing disables the template's pack instead.
    """

    kind: Literal["chart"] = "chart"
    chart: NamespacedId


class MeasureField(_FieldBase):
    """An outcome measure's responses, by measure id (``odi``, ``ndi``, ...).

    ``pack`` names the pack that provides the measure, so that the notice for a missing
    measure can say what to install; leave it empty for a measure of your own pack.
    """

    kind: Literal["measure"] = "measure"
    measure: ShortId
    pack: ShortId | None = None
    #: Open in a new note. Other measure fields start folded as "add a measure" unless the
    #: case has already recorded the measure; a template with many measures marks the one
    #: or two most notes need.
    default: bool = False

    @model_validator(mode="after")
    def _not_carried(self) -> MeasureField:
        if self.carry_forward:
            raise ValueError(f"field {self.id!r}: a measure is scored anew at every visit; "
                             "it cannot carry forward")
        return self


class ProceduresField(_FieldBase):
    """What was done at the visit, as ``{code, minutes}`` or ``{code, units}`` entries.

    This is what a charge rule reads. ``codes`` limits the entries to a pack's billing codes
    (empty: any registered code); ``record`` says whether the practitioner records minutes
    (timed therapy codes) or units/counts (nails, regions). With ``record="minutes"`` a
    timed code needs its minutes; an untimed code may be listed alone (one unit).
    """

    kind: Literal["procedures"] = "procedures"
    codes: tuple[str, ...] = ()
    record: Literal["minutes", "units"] = "minutes"

    @model_validator(mode="after")
    def _not_carried(self) -> ProceduresField:
        if self.carry_forward:
            raise ValueError(f"field {self.id!r}: procedures are what was done at this visit; "
                             "they cannot carry forward")
        return self


NoteField = Annotated[
    Union[
        TextField,
        LongTextField,
        NumberField,
        BooleanField,
        ChoiceField,
        MultiChoiceField,
        ScaleField,
        DateField,
        CodesField,
        TableField,
        ChartField,
        MeasureField,
        ProceduresField,
    ],
    Field(discriminator="kind"),
]

#: The kinds of field a template may use, by their ``kind`` value.
FIELD_KINDS: tuple[str, ...] = (
    "text",
    "long-text",
    "number",
    "boolean",
    "choice",
    "multi-choice",
    "scale",
    "date",
    "codes",
    "table",
    "chart",
    "measure",
    "procedures",
)


class Section(Frozen):
    """A titled group of fields: ``subjective``, ``objective``, ..."""

    id: KeyId
    title: Label
    fields: tuple[NoteField, ...] = Field(min_length=1)
    #: Start folded in the editor (a section most visits do not need); a section holding a
    #: required field or a value is shown open whatever this says.
    collapsed: bool = False

    @model_validator(mode="after")
    def _unique(self) -> Section:
        unique([f.id for f in self.fields], f"field of section {self.id!r}")
        return self


class NoteTemplate(Frozen):
    """A note template. ``id`` is namespaced by the pack (``physio.follow-up``).

    ``version`` is bumped whenever the fields change meaning; a signed note records the
    version it was made with, so historic notes keep their shape.
    """

    id: NamespacedId
    version: int = Field(default=1, ge=1)
    title: Label
    discipline: ShortId
    kind: Literal[
        "initial", "follow-up", "re-assessment", "discharge", "treatment", "intake", "other"
    ] = "other"
    description: str | None = None
    sections: tuple[Section, ...] = Field(min_length=1)
    #: The visit kinds for which this template is its discipline's default: the host opens
    #: it without asking for the first visit of a case (``"initial"``) or a later one
    #: (``"follow-up"``), unless the clinic's service names another template. One template
    #: per discipline and visit kind; a second one is a conflict.
    default_for: tuple[VisitKind, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> NoteTemplate:
        unique([s.id for s in self.sections], f"section of template {self.id!r}")
        unique(list(self.default_for), f"visit kind of template {self.id!r}")
        return self

    def carried_paths(self) -> list[str]:
        """The paths a new note copies from the case's last signed note (copy-forward).

        A field's ``carry_forward`` decides when set; otherwise chart fields, diagnosis
        codes and fields whose id is ``goals`` or ``plan`` carry forward. Measures and
        procedures never do: they record this visit.
        """
        carried = []
        for path, field in self.iter_fields():
            if isinstance(field, MeasureField | ProceduresField):
                continue
            default = (isinstance(field, ChartField | CodesField)
                       or field.id in ("goals", "plan") or bool(field.carry_forward_from))
            if field.carry_forward if field.carry_forward is not None else default:
                carried.append(path)
        return carried

    def new_document(self) -> dict[str, Any]:
        """The document a new note starts with: tables pre-filled with their ``rows``."""
        document: dict[str, dict[str, Any]] = {}
        for section in self.sections:
            for field in section.fields:
                if isinstance(field, TableField) and field.rows:
                    document.setdefault(section.id, {})[field.id] = field.prefilled_rows()
        return document

    def iter_fields(self) -> list[tuple[str, NoteField]]:
        """Every field with its dotted path (``section.field``), in template order."""
        return [(f"{s.id}.{f.id}", f) for s in self.sections for f in s.fields]

    def field(self, path: str) -> NoteField:
        """The field at ``section.field``; ``KeyError`` naming the path when there is none."""
        for one_path, one in self.iter_fields():
            if one_path == path:
                return one
        raise KeyError(f"template {self.id!r} has no field {path!r}")

    def references(self) -> list[tuple[str, ChartField | MeasureField]]:
        """The chart and measure fields, which refer to other contributions by id."""
        return [(p, f) for p, f in self.iter_fields() if isinstance(f, ChartField | MeasureField)]
