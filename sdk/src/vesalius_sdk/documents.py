"""Note documents: the pydantic model derived from a template, and what signing requires.

A document is ``{section_id: {field_id: value}}``. :func:`document_model` builds a pydantic
model for one template, given the charts and measures it may refer to; a filled document is
checked with :func:`validate_document`, whose :class:`DocumentError` names each offending
field by its path (``objective.rom[2].active``). Drafts may leave any field empty;
:func:`missing_required` lists what must be filled before signing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    create_model,
    model_validator,
)

from .billing import BillingCode
from .charts import ChartDefinition, ChartMark
from .context import NoteProblem
from .measures import OutcomeMeasure, ResponseError
from .templates import (
    BooleanField,
    ChartField,
    ChoiceField,
    CodesField,
    DateField,
    LongTextField,
    MeasureField,
    MultiChoiceField,
    NoteField,
    NoteTemplate,
    NumberField,
    ProceduresField,
    RegionColumn,
    ScaleField,
    TableField,
    TextField,
)

ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


class DocumentError(ValueError):
    """A document that does not fit its template; ``problems`` name each field."""

    def __init__(self, problems: list[NoteProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProcedureEntry(_Strict):
    """One procedure done at the visit: a code with minutes or units (or both)."""

    code: Annotated[str, Field(pattern=r"^[A-Z0-9]{5}$")]
    minutes: Annotated[int, Field(ge=0, le=600)] | None = None
    units: Annotated[int, Field(ge=1, le=99)] | None = None
    modifiers: list[Annotated[str, Field(pattern=r"^[A-Z0-9]{2}$")]] = Field(
        default_factory=list, max_length=4
    )
    #: Where it was done: a region id of the note's chart, a digit, a side (free text).
    site: Annotated[str, Field(max_length=64)] | None = None


class MeasureResponses(_Strict):
    responses: list[int | None]


def _unique_values(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise ValueError("values must not repeat")
    return values


def _icd10(code: str) -> str:
    code = code.strip().upper()
    if not ICD10.match(code):
        raise ValueError(f"{code!r} is not an ICD-10 code (such as M54.5 or S83.511A)")
    return code


def _value_type(field: NoteField, charts: Mapping[str, ChartDefinition],
                measures: Mapping[str, OutcomeMeasure],
                codes: Mapping[str, BillingCode] | None = None) -> Any:
    """The python type (with constraints) of one field's value."""
    if isinstance(field, TextField | LongTextField):
        return Annotated[str, Field(max_length=field.max_length)]
    if isinstance(field, NumberField):
        base = int if field.integer else float
        return Annotated[base, Field(ge=field.minimum, le=field.maximum, allow_inf_nan=False)
                         if not field.integer else Field(ge=field.minimum, le=field.maximum)]
    if isinstance(field, BooleanField):
        return StrictBool
    if isinstance(field, ChoiceField):
        return Literal[tuple(o.value for o in field.options)]  # type: ignore[misc]
    if isinstance(field, MultiChoiceField):
        item = Literal[tuple(o.value for o in field.options)]  # type: ignore[misc]
        return Annotated[list[item], AfterValidator(_unique_values)]  # type: ignore[valid-type]
    if isinstance(field, ScaleField):
        return Annotated[int, Field(ge=field.minimum, le=field.maximum)]
    if isinstance(field, DateField):
        return date
    if isinstance(field, CodesField):
        return Annotated[
            list[Annotated[str, AfterValidator(_icd10)]],
            Field(max_length=field.max_items),
            AfterValidator(_unique_values),
        ]
    if isinstance(field, RegionColumn):
        chart = charts.get(field.chart)

        def check_region(value: str) -> str:
            if chart is None:  # chart's pack not installed: keep what was recorded
                return value
            region = chart.resolve(value)
            if region is None:
                raise ValueError(f"{value!r} is not a region of chart {field.chart}")
            return region.id

        return Annotated[str, Field(max_length=64), AfterValidator(check_region)]
    if isinstance(field, TableField):
        table = field

        def compute(row: BaseModel) -> BaseModel:
            # Computed cells are the host's to fill: whatever a client sent is replaced.
            values = table.compute_row({c.id: getattr(row, c.id) for c in table.columns})
            for column in table.computed:
                setattr(row, column.id, values.get(column.id))
            return row

        row = create_model(  # type: ignore[call-overload]
            f"Row_{field.id}",
            __base__=_Strict,
            __validators__={"_computed": model_validator(mode="after")(compute)},
            **{c.id: (_value_type(c, charts, measures, codes) | None, None)
               for c in field.columns},
            # Whatever a client sends for a computed cell is replaced, never refused.
            **{c.id: (Any, None) for c in field.computed},
        )
        return Annotated[list[row], Field(max_length=field.max_rows)]  # type: ignore[valid-type]
    if isinstance(field, ChartField):
        chart = charts.get(field.chart)

        def check_marks(marks: list[ChartMark]) -> list[ChartMark]:
            if chart is None:  # chart's pack not installed: keep what was recorded
                return marks
            for i, mark in enumerate(marks):
                problems = chart.check_mark(mark)
                if problems:
                    raise ValueError(f"mark {i + 1}: {'; '.join(problems)}")
            # Stored by the regions' own ids, whatever alias or case was typed.
            return [chart.canonical(mark) for mark in marks]

        return Annotated[list[ChartMark], Field(max_length=500), AfterValidator(check_marks)]
    if isinstance(field, MeasureField):
        measure = measures.get(field.measure)

        def check_responses(value: MeasureResponses) -> MeasureResponses:
            if measure is not None:
                try:
                    checked = measure.check_responses(value.responses)
                except ResponseError as exc:
                    raise ValueError(str(exc)) from None
                return MeasureResponses(responses=list(checked))
            return value

        return Annotated[MeasureResponses, AfterValidator(check_responses)]
    if isinstance(field, ProceduresField):
        allowed = set(field.codes)

        def check_codes(entries: list[ProcedureEntry]) -> list[ProcedureEntry]:
            for i, entry in enumerate(entries):
                if allowed and entry.code not in allowed:
                    raise ValueError(f"entry {i + 1}: code {entry.code} is not offered here")
                if codes is not None and entry.code not in codes:
                    raise ValueError(f"entry {i + 1}: code {entry.code} is not a registered code")
                # Without the code list every entry needs minutes or units; with it, only a
                # timed code needs its minutes (an untimed one is a single service).
                timed = codes[entry.code].timed if codes is not None else True
                if field.record == "minutes" and timed and entry.minutes is None and (
                    codes is not None or entry.units is None
                ):
                    raise ValueError(f"entry {i + 1}: give minutes for {entry.code}")
            return entries

        return Annotated[list[ProcedureEntry], Field(max_length=50), AfterValidator(check_codes)]
    raise TypeError(f"unknown field kind {field!r}")  # pragma: no cover - union is closed


def document_model(
    template: NoteTemplate,
    charts: Mapping[str, ChartDefinition] | None = None,
    measures: Mapping[str, OutcomeMeasure] | None = None,
    billing_codes: Mapping[str, BillingCode] | None = None,
) -> type[BaseModel]:
    """A pydantic model of ``template``'s documents; every field may be empty (a draft).

    ``charts`` and ``measures`` are the registered contributions by id: marks and responses
    are checked against them. A field that refers to one not given accepts what is stored.
    ``billing_codes`` (by code), when given, limits procedures to registered codes and asks
    minutes only of timed codes.
    """
    charts = charts or {}
    measures = measures or {}
    sections = {}
    for section in template.sections:
        model = create_model(  # type: ignore[call-overload]
            f"Section_{section.id}",
            __base__=_Strict,
            **{
                f.id: (_value_type(f, charts, measures, billing_codes) | None, None)
                for f in section.fields
            },
        )
        sections[section.id] = (model | None, None)
    name = "Document_" + re.sub(r"\W", "_", template.id)
    return create_model(name, __base__=_Strict, **sections)  # type: ignore[call-overload]


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "list[", "literal[", "constrained-")) or "[" in part:
            continue  # pydantic's names of union members, not document keys
        else:
            out += f".{part}" if out else part
    return out or "document"


def problems_from(error: ValidationError) -> list[NoteProblem]:
    """Turn a pydantic error into problems named by document path."""
    problems = []
    for item in error.errors(include_url=False):
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "is not a field of this template"
        problems.append(NoteProblem(field=_path(tuple(item["loc"])), message=message))
    return problems


def validate_document(model: type[BaseModel], document: Any) -> dict[str, Any]:
    """Validate ``document`` against a :func:`document_model`; return it as plain JSON data.

    Raises :class:`DocumentError` whose problems name each offending field.
    """
    if not isinstance(document, Mapping):
        raise DocumentError([NoteProblem(field="document", message="must be an object")])
    try:
        parsed = model.model_validate(document)
    except ValidationError as exc:
        raise DocumentError(problems_from(exc)) from None
    return parsed.model_dump(mode="json", exclude_none=True)


def _empty(value: Any) -> bool:
    if value is None or value == "" or value == []:
        return True
    if isinstance(value, Mapping) and "responses" in value:
        return all(r is None for r in value["responses"])
    return False


def missing_required(template: NoteTemplate, document: Mapping[str, Any],
                     unavailable: Mapping[str, str] | None = None) -> list[NoteProblem]:
    """What signing needs and the document lacks, skipping unavailable fields: required
    fields left empty, and ``must_be_true`` boxes not ticked."""
    unavailable = unavailable or {}
    problems = []
    for path, field in template.iter_fields():
        section, _, key = path.partition(".")
        value = (document.get(section) or {}).get(key)
        if path in unavailable:
            continue
        if isinstance(field, BooleanField) and field.must_be_true and value is not True:
            problems.append(NoteProblem(field=path, message=f"{field.label}: tick to confirm "
                                                            "before signing"))
        elif field.required and _empty(value):
            problems.append(NoteProblem(field=path, message=f"{field.label} is required"))
    return problems


def carried_forward(template: NoteTemplate, previous: Mapping[str, Any],
                    model: type[BaseModel] | None = None) -> dict[str, Any]:
    """The part of ``previous`` (the case's last signed note's document, possibly made with
    another template) that a new note of ``template`` starts with (copy-forward).

    A value is copied where its path is one of :meth:`NoteTemplate.carried_paths` and it is
    not empty, from the same path in ``previous`` or else from the field's
    ``carry_forward_from`` paths. Given ``model`` (the template's :func:`document_model`), a
    value that does not fit the new template's field (the same path with another kind) is
    left out.
    """
    out: dict[str, dict[str, Any]] = {}
    for path in template.carried_paths():
        section, _, key = path.partition(".")
        for source in (path, *template.field(path).carry_forward_from):
            from_section, _, from_key = source.partition(".")
            value = (previous.get(from_section) or {}).get(from_key)
            if _empty(value):
                continue
            if model is not None:
                try:
                    value = validate_document(model, {section: {key: value}})[section][key]
                except (DocumentError, KeyError):
                    continue  # another kind of value there: try the next source
            out.setdefault(section, {})[key] = value
            break
    return out


def switched(document: Mapping[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """The values of ``document`` (a draft made with another template) that fit ``model``:
    what a draft keeps when it is switched to another template. A value is kept where its
    path exists in the new template and validates there; the rest is dropped."""
    out: dict[str, dict[str, Any]] = {}
    for section, values in document.items():
        if not isinstance(values, Mapping):
            continue
        for key, value in values.items():
            try:
                kept = validate_document(model, {section: {key: value}})
            except DocumentError:
                continue
            if section in kept and key in kept[section]:
                out.setdefault(section, {})[key] = kept[section][key]
    return out
