"""The pack author's test kit, registered as a pytest plugin (``pytest11``).

One call checks a whole pack::

    from vesalius_sdk.testing import assert_pack_conforms

    def test_pack_conforms():
        assert_pack_conforms("physio")

Fixtures (available in any test once ``vesalius-sdk`` is installed):

- ``vesalius_registry(*packs, extra=())``: builds a strict registry with only the packs named
  (plus the core's ``general`` pack) and any throw-away ``(name, plugin)`` pairs in ``extra``;
  needs the core (``vesalius``) installed, else the test is skipped.
- ``vesalius_packs``: the packs ``clinic_app`` loads. Empty by default (the core's own pack
  only); choose with ``@pytest.mark.vesalius_packs("physio", "chiro")`` or override the
  fixture in a ``conftest.py``.
- ``clinic_app`` / ``clinic_client``: the core's Flask app on an in-memory SQLite database
  with the ``vesalius_packs``, and its test client; skipped cleanly when the core (or its web
  app) is not installed.
- ``make_note(template, document, payer=None, **case)``: the
  :class:`~vesalius_sdk.NoteContext` a charge or validation rule receives. ``template`` is a
  :class:`~vesalius_sdk.NoteTemplate` or a template id of an installed pack; the document is
  validated first, as the host does, so a typo fails the test naming the field.
- ``sample_patient``, ``sample_case``, ``sample_appointment``: plain sample data (their exact
  values may change between SDK versions; assert on what your test sets).

The checks use the host itself in strict mode, so what passes here loads in a clinic.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from importlib import metadata, resources
from typing import TYPE_CHECKING, Any

import pytest
from packaging.requirements import Requirement

from .charts import ChartDefinition, ChartMark, MarkAttribute, MarkType
from .context import CaseContext, NoteContext, PayerContext
from .documents import DocumentError, document_model, validate_document
from .measures import OutcomeMeasure
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

if TYPE_CHECKING:
    from vesalius.plugins import Registry

__all__ = [
    "WRONG_TYPE", "assert_pack_conforms", "example_attribute", "example_document",
    "example_marks", "make_note_context", "pack_problems", "strict_registry",
]

ENTRY_POINT_GROUP = "vesalius.plugins"
SVG_NS = "{http://www.w3.org/2000/svg}"

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


def _installed() -> set[str]:
    return {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def strict_registry(*packs: str, extra: Iterable[tuple[str, Any]] = ()) -> Registry:
    """A strict registry of the core's default pack plus ``packs`` (other installed packs
    disabled) and ``extra`` throw-away ``(name, module_or_object)`` plugins."""
    host = _host()
    installed = _installed()
    extra = list(extra)
    known = installed | {name for name, _ in host.DEFAULT_PLUGINS} | {n for n, _ in extra}
    missing = set(packs) - known
    if missing:
        raise AssertionError(f"pack(s) not installed: {', '.join(sorted(missing))}")
    return host.build_registry(strict=True, disabled=installed - set(packs),
                               extra_plugins=extra)


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


def _attribute_sets(kind: MarkType) -> list[dict[str, Any]]:
    """Candidate attribute dicts for one mark type, most complete first.

    A pack's own ``validator`` may refuse some combinations (two gradings at once, a listing
    that does not fit the segment), so optional attributes are also left out one at a time
    and taken one at a time, and choice attributes walk through their options.
    """
    required = [a for a in kind.attributes if a.required]
    optional = [a for a in kind.attributes if not a.required]
    subsets = [kind.attributes, tuple(required)]
    subsets += [(*required, a) for a in optional]
    subsets += [tuple(a for a in kind.attributes if a is not left) for left in optional]
    widest = max((len(a.options) for a in kind.attributes), default=1)
    candidates: list[dict[str, Any]] = []
    for step in range(max(widest, 1)):
        for subset in subsets:
            values = {a.id: a.options[step % len(a.options)] if a.kind == "choice"
                      else example_attribute(a) for a in subset}
            if values not in candidates:
                candidates.append(values)
    return candidates


def example_marks(chart: ChartDefinition) -> list[ChartMark]:
    """One valid mark of every mark type, spread over the chart's regions.

    A chart with its own ``validator`` may refuse a generic example: then other attribute
    combinations and every region are tried for that mark type; the first accepted is used.
    """
    marks = []
    for i, kind in enumerate(chart.mark_types):
        start = i % len(chart.regions)
        regions = chart.regions[start:] + chart.regions[:start]
        found = None
        for attributes in _attribute_sets(kind):
            for region in regions:
                mark = ChartMark(region=region.id, type=kind.id, attributes=attributes)
                if not chart.check_mark(mark):
                    found = mark
                    break
            if found:
                break
        if found:
            marks.append(found)
    return marks


def _example_value(field: NoteField, registry: Registry, own_codes: list[str]) -> Any:
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
    if isinstance(field, RegionColumn):  # a chart that is not installed accepts any id
        chart = registry.charts.get(field.chart)
        return chart.regions[0].id if chart else "region"
    if isinstance(field, TableField):
        return [{c.id: _example_value(c, registry, own_codes) for c in field.columns}]
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
        codes = [c for c in field.codes if c in registry.billing_codes] or own_codes
        if not codes:
            return []
        code = registry.billing_codes[codes[0]]
        if field.record == "minutes" or code.timed:
            return [{"code": code.code, "minutes": 23}]
        return [{"code": code.code, "units": 1}]
    raise AssertionError(f"no example for field kind {field.kind!r}")


def example_document(template: NoteTemplate, registry: Registry,
                     codes: Iterable[str] = ()) -> dict[str, Any]:
    """A complete document for ``template``: every field filled with a valid example value.

    Fields whose chart or measure is not installed are left out, as the editor would.
    A procedures field offering any code uses the first of ``codes`` (the pack's own).
    """
    own = [c for c in codes if c in registry.billing_codes] or list(registry.billing_codes)
    document: dict[str, dict[str, Any]] = {}
    for section in template.sections:
        values = {}
        for field in section.fields:
            value = _example_value(field, registry, own)
            if value is not None:
                values[field.id] = value
        document[section.id] = values
    return document


def make_note_context(template: NoteTemplate, document: Mapping[str, Any],
                      payer: PayerContext | None = None, **case: Any) -> NoteContext:
    """A note as the host hands it to charge and validation rules (document as given)."""
    return NoteContext(
        template_id=template.id,
        template_version=template.version,
        document=document,
        date_of_service=date(2026, 11, 2),
        case=CaseContext(**{"discipline": template.discipline, "payer": payer or PayerContext(),
                            "diagnosis_codes": ("M54.5",), **case}),
        template=template,
    )


# -- the checks -------------------------------------------------------------------------


def _own(registry: Registry, pack: str) -> Any:
    """What ``pack`` itself registered (shared billing codes are credited to both packs)."""
    return registry.contributions(pack)


def _check_sdk_range(info: Any, problems: list[str]) -> None:
    if info.default:
        return  # the core's own pack ships with the core, which pins the SDK
    if info.requires_sdk is None:
        problems.append("declares no vesalius-sdk range (add 'vesalius-sdk>=0.2,<0.3' to "
                        "its dependencies)")
        return
    specifier = Requirement(f"vesalius-sdk{info.requires_sdk}").specifier
    if not any(s.operator in ("<", "<=", "==", "~=", "===") for s in specifier):
        problems.append(f"vesalius-sdk range {info.requires_sdk!r} has no upper bound: a "
                        "future SDK may break the pack while the host still loads it")


def _check_conflicts(pack: str, problems: list[str]) -> None:
    """Ids must be unique among all installed packs, not only beside the core."""
    registry = _host().build_registry(strict=False)
    for info in registry.packs:
        reason = info.reason or ""
        if info.name == pack and info.conflict_with:
            problems.append(f"conflicts with an installed pack: {reason}")
        elif info.name != pack and info.conflict_with == pack:
            problems.append(f"pack {info.name!r} conflicts with it: {reason}")


def _check_namespacing(own: Any, pack: str, problems: list[str]) -> None:
    for kind in ("template", "chart", "printout"):
        for item in own.get(kind, ()):
            if not item.id.startswith(f"{pack}."):
                problems.append(f"{kind} id {item.id!r} is not namespaced by '{pack}.'")


def _check_charge_rule(registry: Registry, pack: str, template: NoteTemplate,
                       document: Mapping[str, Any], own_codes: set[str], what: str,
                       problems: list[str]) -> None:
    payers = (PayerContext(), PayerContext(timed_method="per-code"),
              PayerContext(kind="medicare", modifiers=frozenset({"GP", "AT"})))
    for payer in payers:
        note = make_note_context(template, document, payer)
        try:
            lines = registry.charge_lines(note)
            again = registry.charge_lines(note)
        except Exception as exc:
            problems.append(f"template {template.id}: charge rule failed on {what}: {exc}")
            return
        if lines != again:
            problems.append(f"template {template.id}: charge rule is not a pure function of "
                            f"the note ({what})")
        for line in lines:
            if line.code not in own_codes:
                problems.append(f"template {template.id}: bills code {line.code}, which pack "
                                f"{pack!r} did not register")
        try:
            registry.problems_before_signing(note)
        except Exception as exc:
            problems.append(f"template {template.id}: validate_note failed on {what}: {exc}")
            return


def _check_templates(registry: Registry, pack: str, own: Any, problems: list[str]) -> None:
    own_codes = {c.code for c in own["billing_code"]}
    for template in own["template"]:
        model = registry.document_model(template.id)
        for path, field in template.iter_fields():
            if isinstance(field, ProceduresField):
                for code in field.codes:
                    if code not in own_codes:
                        problems.append(f"template {template.id}: {path} offers code {code}, "
                                        f"which pack {pack!r} did not register")
        try:
            empty = validate_document(model, {})
        except DocumentError as exc:
            problems.append(f"template {template.id}: an empty draft is refused: {exc}")
            empty = None
        if empty is not None:
            _check_charge_rule(registry, pack, template, empty, own_codes, "an empty draft",
                               problems)
        complete = example_document(template, registry, sorted(own_codes))
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
        _check_charge_rule(registry, pack, template, clean, own_codes, "a complete example",
                           problems)


#: Markup put into every text field of a note: a printout must show it escaped.
INJECTED = "<i>kit</i>"


def _with_text(template: NoteTemplate, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with :data:`INJECTED` in every text field and text column."""
    out = {section: dict(values) for section, values in document.items()}
    for path, field in template.iter_fields():
        section, _, key = path.partition(".")
        if key not in out.get(section, {}):
            continue
        if isinstance(field, TextField | LongTextField):
            out[section][key] = INJECTED
        elif isinstance(field, TableField):
            texts = [c.id for c in field.columns if isinstance(c, TextField)]
            out[section][key] = [{**row, **dict.fromkeys(texts, INJECTED)}
                                 for row in out[section][key]]
    return out


def _check_printouts(registry: Registry, own: Any, problems: list[str]) -> None:
    """Every printout renders a page for a complete note of each of its templates, with
    the note's text escaped."""
    own_codes = sorted(c.code for c in own["billing_code"])
    for printout in own.get("printout", ()):
        for template_id in printout.templates:
            template = registry.templates.get(template_id)
            if template is None:
                problems.append(f"printout {printout.id}: is offered on template "
                                f"{template_id}, which no loaded pack registers")
                continue
            document = _with_text(template, example_document(template, registry, own_codes))
            try:
                clean = registry.validate_document(template_id, document)
                page = printout.page(make_note_context(template, clean))
            except Exception as exc:
                problems.append(f"printout {printout.id}: rendering a {template_id} note "
                                f"failed: {exc}")
                continue
            if not isinstance(page, str) or "<html" not in page.lower():
                problems.append(f"printout {printout.id}: render() must return a whole HTML "
                                "page")
            elif INJECTED in page:
                problems.append(f"printout {printout.id}: the note's text is not escaped "
                                f"(found {INJECTED} as markup)")


def _svg(chart: ChartDefinition, marks: list[ChartMark], views: list[str] | None,
         label: str, problems: list[str]) -> ET.Element | None:
    try:
        svg = chart.render(marks, views)
    except Exception as exc:
        problems.append(f"chart {chart.id}: rendering {label} failed: {exc}")
        return None
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        problems.append(f"chart {chart.id}: the SVG of {label} is not well-formed: {exc}")
        return None
    if root.tag != f"{SVG_NS}svg":
        problems.append(f"chart {chart.id}: {label} is not an SVG document ({root.tag})")
        return None
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"chart {chart.id}: duplicate element ids in {label}: {duplicates[:5]}")
    return root


def _check_regions(chart: ChartDefinition, root: ET.Element, views: set[str], label: str,
                   problems: list[str]) -> None:
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    lost = []
    for region in (r for r in chart.regions if r.view in views):
        element = by_id.get(region.id)
        if element is None or element.get("data-region") != region.id or "region" not in (
                element.get("class") or "").split():
            lost.append(region.id)
    if lost:
        problems.append(f"chart {chart.id}: in {label}, regions without an element of that id "
                        f"(class 'region', data-region): {lost[:5]}")


def _check_charts(own: Any, problems: list[str]) -> None:
    for chart in own["chart"]:
        marks = example_marks(chart)
        covered = {m.type for m in marks}
        for kind in chart.mark_types:
            if kind.id not in covered:
                problems.append(f"chart {chart.id}: no region accepts a {kind.id!r} mark")
        all_views = {v.id for v in chart.views}
        for shown, label in (([], "the blank chart"), (marks, "every mark type")):
            root = _svg(chart, shown, None, label, problems)
            if root is None:
                continue
            _check_regions(chart, root, all_views, label, problems)
            drawn = " ".join(e.get("class") or "" for e in root.iter()).split()
            for kind in (k for k in chart.mark_types if shown and k.id in covered):
                if f"mark-{kind.id}" not in drawn:
                    problems.append(f"chart {chart.id}: mark type {kind.id} is not drawn")
        if len(chart.views) > 1:
            for view in chart.views:
                label = f"view {view.id!r} alone"
                root = _svg(chart, marks, [view.id], label, problems)
                if root is not None:
                    _check_regions(chart, root, {view.id}, label, problems)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, abs_tol=0.01)


def _check_measures(own: Any, problems: list[str]) -> None:
    for measure in own["measure"]:
        if not measure.licence.strip():
            problems.append(f"measure {measure.id}: declares no licence")
        if not measure.examples:
            problems.append(f"measure {measure.id}: declares no worked example")
        for n, example in enumerate(measure.examples, start=1):
            label = f"measure {measure.id} example {n} ({example.source})"
            try:
                score = measure.score(example.responses)
            except Exception as exc:
                problems.append(f"{label}: scoring failed: {exc}")
                continue
            if not _close(score.value, example.value):
                problems.append(f"{label}: scored {score.value}, expected {example.value}")
            if score.value is not None and not (
                    measure.minimum <= score.value <= measure.maximum):
                problems.append(f"{label}: {score.value} is outside the measure's range "
                                f"{measure.minimum:g}-{measure.maximum:g}")
            if example.band is not None and score.band != example.band:
                problems.append(f"{label}: band {score.band!r}, expected {example.band!r}")
            if example.complete is not None and score.complete != example.complete:
                problems.append(f"{label}: complete {score.complete}, expected "
                                f"{example.complete}")
            for key, value in example.subscores.items():
                got = score.subscores.get(key)
                if not _close(got, value):
                    problems.append(f"{label}: subscore {key} {got}, expected {value}")
            for subscale in measure.subscales:
                if subscale.id not in score.subscores:
                    problems.append(f"{label}: declared subscale {subscale.id!r} is not in "
                                    "the score's subscores (give None when not scored)")
        _check_missing_rule(measure, problems)


def _check_missing_rule(measure: OutcomeMeasure, problems: list[str]) -> None:
    """A declared ``max_missing`` must be what the scorer does: scored with that many
    required items unanswered, not scored with one more."""
    rule = measure.missing_rule
    if rule is None or rule.max_missing is None:
        return
    required = [n for n, item in enumerate(measure.items) if not item.optional]
    full = [item.minimum for item in measure.items]
    for gap, scored in ((rule.max_missing, True), (rule.max_missing + 1, False)):
        responses: list[int | None] = list(full)
        for n in required[:gap]:
            responses[n] = None
        try:
            value = measure.score(responses).value
        except Exception as exc:
            problems.append(f"measure {measure.id}: scoring with {gap} items missing failed: "
                            f"{exc}")
            continue
        if (value is not None) != scored:
            problems.append(
                f"measure {measure.id}: missing_rule allows {rule.max_missing} missing items "
                f"but the scorer {'refuses' if scored else 'still scores'} {gap} missing")


def _check_defaults(own: Any, problems: list[str]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for template in own["template"]:
        for kind in template.default_for:
            other = seen.setdefault((template.discipline, kind), template.id)
            if other != template.id:
                problems.append(f"templates {other} and {template.id} are both the "
                                f"{template.discipline} default for {kind} visits")


def _check_billing(own: Any, problems: list[str]) -> None:
    seen: set[str] = set()
    for code in own["billing_code"]:
        if code.code in seen:  # the host refuses this too; say it plainly
            problems.append(f"billing code {code.code} is registered twice")
        seen.add(code.code)
        if code.timed and code.unit_minutes != 15:
            problems.append(f"billing code {code.code}: timed codes are billed in 15-minute "
                            f"units, not {code.unit_minutes}")


def _package_of(registry: Registry, pack: str) -> str | None:
    plugin = registry._pm.get_plugin(pack)
    module = (getattr(plugin, "__name__", None) or getattr(plugin, "module", None)
              or type(plugin).__module__)
    return module.split(".", 1)[0] if module else None


def _namespaced_folder(folder: Any, pack: str, where: str, problems: list[str]) -> None:
    if folder is None or not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name != pack and not entry.name.startswith(("__", ".")):
            problems.append(f"{where}/{entry.name}: a pack's files go in {where}/{pack}/")


def _check_files(registry: Registry, pack: str, problems: list[str]) -> None:
    package = _package_of(registry, pack)
    if package:
        try:
            root = resources.files(package)
        except (ModuleNotFoundError, TypeError):
            root = None
        if root is not None:
            _namespaced_folder(root / "templates", pack, "templates", problems)
            _namespaced_folder(root / "static", pack, "static", problems)
    for owner, addition in registry.web_additions:
        if owner != pack:
            continue
        blueprint = addition.blueprint
        prefix = getattr(blueprint, "url_prefix", None)
        if prefix not in (None, f"/packs/{pack}"):
            problems.append(f"blueprint url_prefix {prefix!r}: the host mounts it at "
                            f"/packs/{pack}")
        # Blueprint templates share the app's one Jinja loader: unnamespaced ones collide.
        folder = getattr(blueprint, "template_folder", None)
        base = getattr(blueprint, "root_path", None)
        if folder and base:
            from pathlib import Path

            _namespaced_folder(Path(base) / folder, pack, "blueprint templates", problems)


def pack_problems(name: str) -> list[str]:
    """Everything that keeps pack ``name`` from conforming (empty: it conforms)."""
    _host()
    try:
        registry = strict_registry(name)
    except Exception as exc:
        return [f"does not load in strict mode: {exc}"]
    info = registry.pack(name)
    if info.status != "enabled":
        return [f"is {info.status}: {info.reason}"]
    problems: list[str] = []
    if not info.version:
        problems.append("reports no version (is it installed as a distribution?)")
    _check_sdk_range(info, problems)
    own = _own(registry, name)
    _check_namespacing(own, name, problems)
    _check_conflicts(name, problems)
    _check_templates(registry, name, own, problems)
    _check_defaults(own, problems)
    _check_charts(own, problems)
    _check_measures(own, problems)
    _check_billing(own, problems)
    _check_printouts(registry, own, problems)
    _check_files(registry, name, problems)
    return problems


def assert_pack_conforms(name: str) -> None:
    """Fail with every problem found in pack ``name``.

    Checks: it loads in strict mode with a bounded, compatible SDK range and reports a
    version; template and chart ids are namespaced and no id clashes with another installed
    pack; every template accepts an empty draft and a complete example and rejects a wrong
    type in each field naming that field; the charge rule and ``validate_note`` run on both,
    bill only the pack's own codes and give the same lines twice; every chart renders
    well-formed SVG, whole and view by view, blank and with every mark type, with one
    element per region carrying the region's id and no duplicate ids; every measure scores
    each worked example to the declared value, band and subscores, and honours its declared
    ``missing_rule.max_missing``; no two templates are the default for the same discipline
    and visit kind; billing codes are unique
    and timed ones use 15-minute units; every printout renders a whole HTML page for a
    complete note of each of its templates, with the note's text escaped; templates and
    static files live in folders named after the pack.
    """
    problems = pack_problems(name)
    if problems:
        raise AssertionError(f"pack {name!r} does not conform:\n- " + "\n- ".join(problems))


# -- pytest plugin ----------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "vesalius_packs(*names): the packs the clinic_app fixture loads")


@pytest.fixture
def vesalius_registry() -> Callable[..., Registry]:
    """Build a strict registry with the named packs: ``vesalius_registry("physio")``."""
    return strict_registry


@pytest.fixture
def vesalius_packs(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The packs ``clinic_app`` loads: the ``vesalius_packs`` marker's names, or none."""
    marker = request.node.get_closest_marker("vesalius_packs")
    return tuple(marker.args) if marker else ()


def _template_lookup(template_id: str) -> tuple[NoteTemplate, Registry]:
    registry = _host().build_registry(strict=False)
    try:
        return registry.template(template_id), registry
    except KeyError:
        raise AssertionError(f"no installed pack registers template {template_id!r}") from None


@pytest.fixture
def make_note() -> Callable[..., NoteContext]:
    """``make_note(template_or_id, document, payer=None, **case)`` -> a validated NoteContext.

    The document goes through the template's document model first (charts and measures of
    installed packs included when given an id), as the host does before calling a rule.
    """

    def make(template: NoteTemplate | str, document: Mapping[str, Any],
             payer: PayerContext | None = None, **case: Any) -> NoteContext:
        if isinstance(template, str):
            template, registry = _template_lookup(template)
            model = registry.document_model(template.id)
        else:
            model = document_model(template)
        clean = validate_document(model, document)
        return make_note_context(template, clean, payer, **case)

    return make


@pytest.fixture
def sample_patient() -> dict[str, Any]:
    """A patient as the core's API takes it."""
    return {"given_name": "Ada", "family_name": "Example", "birth_date": "1980-04-12",
            "email": "ada@example.org", "phone": "+1 555 0100"}


@pytest.fixture
def sample_case() -> CaseContext:
    """A case with a commercial payer and a low-back diagnosis, as rules see it."""
    return CaseContext(id="case-1", discipline="general", diagnosis_codes=("M54.5",),
                       payer=PayerContext(name="Example Health", kind="commercial"))


@pytest.fixture
def sample_appointment() -> dict[str, Any]:
    """A 45-minute booked appointment (ISO 8601 with offset, as the API takes it)."""
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return {"start": start.isoformat(), "end": start.replace(hour=9, minute=45).isoformat(),
            "status": "booked"}


@pytest.fixture
def clinic_app(vesalius_packs: tuple[str, ...]) -> Iterator[Any]:
    """The core's web app on an in-memory SQLite database with ``vesalius_packs`` loaded
    (strict). Skipped when the core, or its web app, is not installed."""
    host = _host()
    try:
        from vesalius.app import create_app
    except ImportError:
        pytest.skip("the Vesalius core's web app (vesalius.app) is not installed")
    registry = strict_registry(*vesalius_packs)
    host.set_registry(registry)  # the app and its API read the process's registry
    try:
        yield create_app("sqlite://", config={"TESTING": True})
    finally:
        host.reset_registry()


@pytest.fixture
def clinic_client(clinic_app: Any) -> Any:
    """A Flask test client of ``clinic_app``."""
    return clinic_app.test_client()
