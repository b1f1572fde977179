"""The pack author's test kit, registered as a pytest plugin (``pytest11``).

One call checks a whole pack::

    from vesalius_sdk.testing import assert_pack_conforms

    def test_pack_conforms():
        assert_pack_conforms("physio")

Fixtures (available in any test once ``vesalius-sdk`` is installed):

- ``vesalius_registry(*packs)``: a strict registry with only the packs named (plus the core's
  ``general`` pack); needs the core (``vesalius``) installed, else the test is skipped.
- ``make_note(template_id, document, **case)``: a :class:`~vesalius_sdk.NoteContext` for charge
  and validation rules.
- ``sample_patient``, ``sample_case``, ``sample_appointment``: plain sample data.
- ``clinic_app``: the core's Flask app on an in-memory database with the packs of the test's
  registry; skipped cleanly when the core (or its web app) is not installed.

The checks use the host itself (strict mode), so what passes here loads in a clinic.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from importlib import metadata, resources
from typing import TYPE_CHECKING, Any

import pytest

from .charts import ChartDefinition, ChartMark, MarkAttribute
from .context import CaseContext, NoteContext, PayerContext
from .documents import DocumentError, validate_document
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
    ScaleField,
    TableField,
    TextField,
)

if TYPE_CHECKING:
    from vesalius.plugins import Registry

ENTRY_POINT_GROUP = "vesalius.plugins"

#: A value of the wrong type for each field kind: the document model must reject it.
WRONG_TYPE: dict[str, Any] = {
    "text": 12345, "long-text": ["not", "text"], "number": "not a number",
    "boolean": "maybe", "choice": "no-such-option", "multi-choice": "not-a-list",
    "scale": "high", "date": "not a date", "codes": "M54.5", "table": "a row",
    "chart": "a mark", "measure": [1, 2], "procedures": "97110",
}


def _host() -> Any:
    try:
        from vesalius import plugins
    except ImportError:  # pragma: no cover - depends on the environment
        pytest.skip("the Vesalius core (distribution 'vesalius') is not installed")
    return plugins


def strict_registry(*packs: str) -> Registry:
    """A strict registry of the core's default pack plus ``packs`` (others disabled)."""
    host = _host()
    installed = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    missing = set(packs) - installed - {name for name, _ in host.DEFAULT_PLUGINS}
    if missing:
        raise AssertionError(f"pack(s) not installed: {', '.join(sorted(missing))}")
    return host.build_registry(strict=True, disabled=installed - set(packs))


# -- example values ---------------------------------------------------------------------


def example_attribute(attribute: MarkAttribute) -> Any:
    """A valid value of a mark attribute."""
    if attribute.kind == "choice":
        return attribute.options[0]
    if attribute.kind == "boolean":
        return True
    if attribute.kind == "text":
        return "example"
    low = attribute.minimum if attribute.minimum is not None else 0
    high = attribute.maximum if attribute.maximum is not None else low + 10
    middle = (low + high) / 2
    return math.floor(middle) if attribute.kind == "integer" else middle


def example_marks(chart: ChartDefinition) -> list[ChartMark]:
    """One valid mark of every mark type, spread over the chart's regions.

    A chart with its own ``validator`` may refuse a generic example: then every region is
    tried for that mark type, and the first accepted one is used.
    """
    marks = []
    for i, kind in enumerate(chart.mark_types):
        attributes = {a.id: example_attribute(a) for a in kind.attributes}
        regions = chart.regions[i % len(chart.regions):] + chart.regions[:i % len(chart.regions)]
        for region in regions:
            mark = ChartMark(region=region.id, type=kind.id, attributes=attributes)
            if not chart.check_mark(mark):
                marks.append(mark)
                break
    return marks


def _example_value(field: NoteField, registry: Registry, pack: str) -> Any:
    if isinstance(field, TextField | LongTextField):
        return "Example"[: field.max_length]
    if isinstance(field, NumberField):
        low = field.minimum if field.minimum is not None else 0
        high = field.maximum if field.maximum is not None else low + 10
        return math.floor((low + high) / 2) if field.integer else (low + high) / 2
    if isinstance(field, BooleanField):
        return False
    if isinstance(field, ChoiceField):
        return field.options[0].value
    if isinstance(field, MultiChoiceField):
        return [field.options[0].value]
    if isinstance(field, ScaleField):
        return field.minimum
    if isinstance(field, DateField):
        return "2026-11-02"
    if isinstance(field, CodesField):
        return ["M54.5"]
    if isinstance(field, TableField):
        return [{c.id: _example_value(c, registry, pack) for c in field.columns}]
    if isinstance(field, ChartField):
        chart = registry.charts.get(field.chart)
        return [m.model_dump() for m in example_marks(chart)] if chart else None
    if isinstance(field, MeasureField):
        measure = registry.measures.get(field.measure)
        if measure is None:
            return None
        if measure.examples:
            return {"responses": list(measure.examples[0].responses)}
        return {"responses": [i.minimum for i in measure.items]}
    if isinstance(field, ProceduresField):
        codes = list(field.codes) or [
            c for c in registry.billing_codes if registry.billing_codes[c]]
        if not codes:
            return []
        code = registry.billing_codes.get(codes[0])
        timed = code is not None and code.timed
        if field.record == "minutes" or timed:
            return [{"code": codes[0], "minutes": 23}]
        return [{"code": codes[0], "units": 1}]
    raise AssertionError(f"no example for field kind {field.kind!r}")


def example_document(template: NoteTemplate, registry: Registry) -> dict[str, Any]:
    """A complete document for ``template``: every field filled with a valid example value.

    Fields whose chart or measure is not installed are left out, as the editor would.
    """
    pack = registry.owner("template", template.id)
    document: dict[str, dict[str, Any]] = {}
    for section in template.sections:
        values = {}
        for field in section.fields:
            value = _example_value(field, registry, pack)
            if value is not None:
                values[field.id] = value
        document[section.id] = values
    return document


def make_note_context(template: NoteTemplate, document: Mapping[str, Any],
                      payer: PayerContext | None = None, **case: Any) -> NoteContext:
    """A note as the host hands it to charge and validation rules."""
    return NoteContext(
        template_id=template.id,
        template_version=template.version,
        document=document,
        date_of_service=date(2026, 11, 2),
        case=CaseContext(discipline=template.discipline, payer=payer or PayerContext(),
                         diagnosis_codes=("M54.5",), **case),
    )


# -- the checks -------------------------------------------------------------------------


def _check_templates(registry: Registry, pack: str, problems: list[str]) -> None:
    for template in registry.templates.values():
        if registry.owner("template", template.id) != pack:
            continue
        model = registry.document_model(template.id)
        try:
            validate_document(model, {})
        except DocumentError as exc:
            problems.append(f"template {template.id}: an empty draft is refused: {exc}")
        complete = example_document(template, registry)
        try:
            clean = validate_document(model, complete)
        except DocumentError as exc:
            problems.append(f"template {template.id}: the complete example is refused: {exc}")
            continue
        unavailable = registry.unavailable_fields(template.id)
        for path, field in template.iter_fields():
            if path in unavailable:
                continue
            section, _, key = path.partition(".")
            wrong = {**complete, section: {**complete[section], key: WRONG_TYPE[field.kind]}}
            try:
                validate_document(model, wrong)
                problems.append(f"template {template.id}: a wrong type in {path} is accepted")
            except DocumentError as exc:
                fields = [p.field for p in exc.problems]
                if not any(f is not None and f.startswith(path) for f in fields):
                    problems.append(
                        f"template {template.id}: the error for {path} names {fields}")
        for payer in (PayerContext(), PayerContext(timed_method="per-code")):
            note = make_note_context(template, clean, payer)
            try:
                lines = registry.charge_lines(note)
            except Exception as exc:
                problems.append(f"template {template.id}: charge rule failed: {exc}")
                continue
            for line in lines:
                if line.code not in registry.billing_codes:
                    problems.append(f"template {template.id}: bills undeclared code {line.code}")
            try:
                registry.problems_before_signing(note)
            except Exception as exc:
                problems.append(f"template {template.id}: validate_note failed: {exc}")


def _check_charts(registry: Registry, pack: str, problems: list[str]) -> None:
    for chart in registry.charts.values():
        if registry.owner("chart", chart.id) != pack:
            continue
        marks = example_marks(chart)
        covered = {m.type for m in marks}
        for kind in chart.mark_types:
            if kind.id not in covered:
                problems.append(f"chart {chart.id}: no region accepts a {kind.id!r} mark")
        for shown in ([], marks):
            try:
                root = ET.fromstring(chart.render(shown))
            except ET.ParseError as exc:
                problems.append(f"chart {chart.id}: SVG is not well-formed: {exc}")
                continue
            ids = [e.get("id") for e in root.iter() if e.get("id")]
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                problems.append(f"chart {chart.id}: duplicate element ids {duplicates[:5]}")
            drawn = {e.get("data-region") for e in root.iter()
                     if "region" in (e.get("class") or "").split()}
            lost = [r.id for r in chart.regions if r.id not in drawn]
            if lost:
                problems.append(f"chart {chart.id}: regions not drawn {lost[:5]}")
            for kind in (k for k in chart.mark_types if shown and k.id in covered):
                if not any(f"mark-{kind.id}" in (e.get("class") or "") for e in root.iter()):
                    problems.append(f"chart {chart.id}: mark type {kind.id} is not drawn")


def _check_measures(registry: Registry, pack: str, problems: list[str]) -> None:
    for measure in registry.measures.values():
        if registry.owner("measure", measure.id) != pack:
            continue
        if not measure.examples:
            problems.append(f"measure {measure.id}: declares no worked example")
        for n, example in enumerate(measure.examples, start=1):
            label = f"measure {measure.id} example {n} ({example.source})"
            try:
                score = measure.score(example.responses)
            except Exception as exc:
                problems.append(f"{label}: scoring failed: {exc}")
                continue
            if (score.value is None) != (example.value is None) or (
                score.value is not None
                and not math.isclose(score.value, example.value, abs_tol=0.01)  # type: ignore[arg-type]
            ):
                problems.append(f"{label}: scored {score.value}, expected {example.value}")
            if example.band is not None and score.band != example.band:
                problems.append(f"{label}: band {score.band!r}, expected {example.band!r}")
            if example.complete is not None and score.complete != example.complete:
                problems.append(f"{label}: complete {score.complete}, expected "
                                f"{example.complete}")
            for key, value in example.subscores.items():
                got = score.subscores.get(key)
                if (got is None) != (value is None) or (
                    got is not None and not math.isclose(got, value, abs_tol=0.01)  # type: ignore[arg-type]
                ):
                    problems.append(f"{label}: subscore {key} {got}, expected {value}")


def _package_of(registry: Registry, pack: str) -> str | None:
    plugin = registry._pm.get_plugin(pack)
    module = getattr(plugin, "__name__", None) or type(plugin).__module__
    return module.split(".", 1)[0] if module else None


def _check_files(registry: Registry, pack: str, problems: list[str]) -> None:
    package = _package_of(registry, pack)
    if not package:
        return
    try:
        root = resources.files(package)
    except (ModuleNotFoundError, TypeError):
        return
    folder = root / "templates"
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name != pack:
                problems.append(f"templates/{entry.name}: pack templates go in templates/{pack}/")
    for _name, addition in registry.web_additions:
        blueprint = addition.blueprint
        prefix = getattr(blueprint, "url_prefix", None)
        if prefix not in (None, f"/packs/{pack}"):
            problems.append(f"blueprint url_prefix {prefix!r}: the host mounts it at "
                            f"/packs/{pack}")


def pack_problems(name: str) -> list[str]:
    """Everything that keeps pack ``name`` from conforming (empty: it conforms)."""
    _host()
    try:
        registry = strict_registry(name)
    except Exception as exc:
        return [f"does not load in strict mode: {exc}"]
    info = registry.pack(name)
    problems: list[str] = []
    if info.status != "enabled":
        return [f"is {info.status}: {info.reason}"]
    if info.requires_sdk is None:
        problems.append("declares no vesalius-sdk range")
    _check_templates(registry, name, problems)
    _check_charts(registry, name, problems)
    _check_measures(registry, name, problems)
    _check_files(registry, name, problems)
    return problems


def assert_pack_conforms(name: str) -> None:
    """Fail with every problem found in pack ``name``: loading in strict mode with a
    compatible SDK range, namespaced unique ids, templates (empty draft, complete example,
    wrong types named), charts (well-formed SVG, unique ids, every region and mark type),
    measures (every worked example, licence), billing (charge rules bill declared codes
    only), and namespaced templates and static files."""
    problems = pack_problems(name)
    if problems:
        raise AssertionError(f"pack {name!r} does not conform:\n- " + "\n- ".join(problems))


# -- pytest fixtures --------------------------------------------------------------------


@pytest.fixture
def vesalius_registry() -> Callable[..., Registry]:
    """Build a strict registry with the named packs: ``vesalius_registry("physio")``."""
    return strict_registry


@pytest.fixture
def make_note() -> Callable[..., NoteContext]:
    """``make_note(template, document, payer=None, **case)`` -> NoteContext."""
    return make_note_context


@pytest.fixture
def sample_patient() -> dict[str, Any]:
    return {"given_name": "Ada", "family_name": "Example", "birth_date": "1980-04-12",
            "email": "ada@example.org", "phone": "+1 555 0100"}


@pytest.fixture
def sample_case() -> CaseContext:
    return CaseContext(id="case-1", discipline="general", diagnosis_codes=("M54.5",),
                       payer=PayerContext(name="Example Health", kind="commercial"))


@pytest.fixture
def sample_appointment() -> dict[str, Any]:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return {"start": start.isoformat(), "end": start.replace(hour=9, minute=45).isoformat(),
            "status": "booked"}


@pytest.fixture
def clinic_app() -> Iterator[Any]:
    """The core's web app on an in-memory SQLite database (skipped without the core)."""
    try:
        from vesalius.app import create_app
    except ImportError:
        pytest.skip("the Vesalius core's web app is not installed")
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite+pysqlite:///:memory:"})
    yield app
