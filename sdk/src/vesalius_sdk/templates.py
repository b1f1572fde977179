"""Note templates: sections of typed fields from which a note document is filled.

A template is data. The host renders it (the web editor draws any template generically from
its fields), validates documents against it (:func:`vesalius_sdk.documents.document_model`),
and stores a filled note as a JSON document shaped ``{section_id: {field_id: value}}``.

Every field is optional in a draft; ``required=True`` fields must be filled before the note
can be signed (:func:`vesalius_sdk.documents.missing_required`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from ._base import Frozen, KeyId, Label, NamespacedId, ShortId, unique


class Option(Frozen):
    """One choice of a ``choice`` or ``multi-choice`` field; ``value`` is what is stored."""

    value: Annotated[str, Field(min_length=1, max_length=64)]
    label: Label


class _FieldBase(Frozen):
    id: KeyId
    label: Label
    help: str | None = None
    #: Must be filled before the note can be signed. Drafts may leave it empty.
    required: bool = False


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
    """Yes or no (a red-flag screen item, say)."""

    kind: Literal["boolean"] = "boolean"


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


#: The field kinds a table column may have: one value per cell.
ColumnField = Annotated[
    Union[TextField, NumberField, BooleanField, ChoiceField, MultiChoiceField, ScaleField,
          DateField],
    Field(discriminator="kind"),
]


class TableField(_FieldBase):
    """Rows of typed columns: a range-of-motion table, strength grades, special tests.

    ``rows`` pre-fills a new note's table with fixed rows (for example the movements of a
    joint: ``({"joint": "knee", "movement": "flexion"}, ...)``); the document is still a list
    of row objects keyed by column id, and the practitioner may add or remove rows.
    """

    kind: Literal["table"] = "table"
    columns: tuple[ColumnField, ...] = Field(min_length=1)
    max_rows: int = Field(default=100, ge=1, le=1000)
    rows: tuple[Mapping[str, str | int | float | bool], ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> TableField:
        unique([c.id for c in self.columns], f"column of table {self.id!r}")
        columns = {c.id for c in self.columns}
        for n, row in enumerate(self.rows, start=1):
            unknown = set(row) - columns
            if unknown:
                first = sorted(unknown)[0]
                raise ValueError(f"table {self.id!r} row {n}: unknown column {first!r}")
        if len(self.rows) > self.max_rows:
            raise ValueError(f"table {self.id!r}: more rows than max_rows")
        return self


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

    @model_validator(mode="after")
    def _unique(self) -> NoteTemplate:
        unique([s.id for s in self.sections], f"section of template {self.id!r}")
        return self

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
