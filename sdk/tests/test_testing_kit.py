"""The pack author's test kit, against throw-away packs installed as real distributions.

Each defect the kit promises to catch is planted in one small pack, and the kit must name it.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from vesalius_sdk import (
    BillingCode,
    ChartDefinition,
    ChartView,
    Circle,
    DocumentError,
    LongTextField,
    MarkAttribute,
    MarkType,
    NoteTemplate,
    ProceduresField,
    Region,
    RegionColumn,
    Section,
    TableField,
    hookimpl,
)
from vesalius_sdk.testing import (
    assert_pack_conforms,
    example_document,
    example_marks,
    pack_problems,
)

host = pytest.importorskip("vesalius.plugins", reason="the kit's checks need the core")

GOOD = '''
from vesalius_sdk import (
    BillingCode, ChargeLine, ChartDefinition, ChartField, ChartView, Circle, Discipline,
    LongTextField, MarkAttribute, MarkType, MeasureField, MeasureItem, NoteTemplate,
    OutcomeMeasure, ProceduresField, Region, Section, WorkedExample, hookimpl, timed_units)

CHART = ChartDefinition(
    id="{name}.hand", title="Hand", views=[ChartView(id="palm", title="Palm", width=60,
                                                     height=60)],
    regions=[Region(id="thumb", label="Thumb", view="palm", shape=Circle(cx=10, cy=30, r=8)),
             Region(id="index", label="Index", view="palm", shape=Circle(cx=40, cy=30, r=8))],
    mark_types=[MarkType(id="sore", label="Sore", abbreviation="S", attributes=[
        MarkAttribute(id="level", label="Level", kind="integer", minimum=0, maximum=10)])],
    renderer=RENDERER)

CALLS = []

def _sum(measure, responses):
    return measure.result(float(sum(r for r in responses if r is not None)))

MEASURE = OutcomeMeasure(
    id="{name}-two", title="Two items", direction="higher-is-worse", minimum=0, maximum=8,
    licence="Made up for a test, no item text.", scorer=_sum,
    items=[MeasureItem(id="a", label="A", maximum=4), MeasureItem(id="b", label="B", maximum=4)],
    examples=[WorkedExample(responses=(1, 2), value=EXPECTED, source="arithmetic, 1 + 2")])

@hookimpl
def register_disciplines(register):
    register(Discipline(id="{name}", title="{name} care"))

@hookimpl
def register_note_templates(register):
    register(NoteTemplate(id="{name}.visit", title="Visit", discipline="{name}", sections=[
        Section(id="notes", title="Notes", fields=[
            LongTextField(id="text", label="Text", required=True),
            ChartField(id="hand", label="Hand", chart="{name}.hand"),
            MeasureField(id="two", label="Two", measure="{name}-two"),
            ProceduresField(id="done", label="Done", codes=OFFERED)])]))

@hookimpl
def register_charts(register):
    register(CHART)

@hookimpl
def register_measures(register):
    register(MEASURE)

@hookimpl
def register_billing_codes(register):
    register(BillingCode(code="97124", label="Soft-tissue work", timed=True,
                         default_fee="30.00"))

@hookimpl
def charge_lines(note):
    minutes = {e["code"]: e["minutes"] for e in note.value("notes.done", [])}
    return (CHARGE)(note, minutes)
'''

DEFAULTS = {
    "RENDERER": "None",
    "EXPECTED": "3.0",
    "OFFERED": '("97124",)',
    "CHARGE": "lambda note, minutes: [ChargeLine(code=c, units=n) for c, n in "
              "timed_units(minutes, note.case.payer.timed_method).items()]",
}


def source(**changes: str) -> str:
    text = GOOD
    for key, value in {**DEFAULTS, **changes}.items():
        text = text.replace(key, value)
    return text


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path where the tests install throw-away pack distributions."""
    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.syspath_prepend(str(path))
    monkeypatch.delenv("VESALIUS_STRICT_PLUGINS", raising=False)
    monkeypatch.delenv("VESALIUS_DISABLED_PLUGINS", raising=False)
    host.reset_registry()
    yield path
    host.reset_registry()
    for name in [m for m in sys.modules if m.startswith("kittest_")]:
        del sys.modules[name]


@pytest.fixture
def make_pack(site: Path) -> Callable[..., str]:
    """Install pack ``name`` (a package ``kittest_<name>`` whose ``__init__`` is ``code``).

    ``requires`` is its ``Requires-Dist`` on the SDK (``None``: none); ``files`` are extra
    files of the package by relative path.
    """

    def make(name: str, code: str | None = None, requires: str | None = "vesalius-sdk>=0.2,<0.3",
             files: dict[str, str] | None = None) -> str:
        package = f"kittest_{name.replace('-', '_')}"
        folder = site / package
        folder.mkdir()
        body = textwrap.dedent(code if code is not None else source())
        (folder / "__init__.py").write_text(body.replace("{name}", name))
        for relative, content in (files or {}).items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(content)
        dist = site / f"{package}-1.0.dist-info"
        dist.mkdir()
        lines = ["Metadata-Version: 2.1", f"Name: kittest-{name}", "Version: 1.0"]
        if requires:
            lines.append(f"Requires-Dist: {requires}")
        (dist / "METADATA").write_text("\n".join(lines) + "\n")
        (dist / "entry_points.txt").write_text(f"[vesalius.plugins]\n{name} = {package}\n")
        importlib.invalidate_caches()
        return package

    return make


def one_problem(name: str, fragment: str) -> str:
    problems = pack_problems(name)
    found = [p for p in problems if fragment in p]
    assert found, problems
    return found[0]


def test_a_good_pack_conforms(make_pack):
    make_pack("good")
    assert pack_problems("good") == []
    assert_pack_conforms("good")


def test_assert_lists_every_problem(make_pack):
    make_pack("twofaults", source(EXPECTED="4.0", OFFERED='("97124", "97999")'))
    with pytest.raises(AssertionError) as failure:
        assert_pack_conforms("twofaults")
    message = str(failure.value)
    assert message.startswith("pack 'twofaults' does not conform:")
    assert "scored 3.0, expected 4.0" in message
    assert "offers code 97999, which pack 'twofaults' did not register" in message


def test_a_worked_example_that_does_not_score_is_named_with_its_source(make_pack):
    make_pack("badexample", source(EXPECTED="4.0"))
    problem = one_problem("badexample", "expected 4.0")
    assert problem == ("measure badexample-two example 1 (arithmetic, 1 + 2): scored 3.0, "
                       "expected 4.0")


def test_a_measure_without_worked_examples(make_pack):
    make_pack("noexample", source().replace(
        'examples=[WorkedExample(responses=(1, 2), value=3.0, source="arithmetic, 1 + 2")]',
        "examples=[]"))
    one_problem("noexample", "measure noexample-two: declares no worked example")


def test_a_declared_subscale_the_scorer_does_not_return(make_pack):
    make_pack("nosub", source().replace(
        "scorer=_sum,", "scorer=_sum, subscales=[Subscale(id='grip', label='Grip')],").replace(
        "Section, WorkedExample,", "Section, Subscale, WorkedExample,"))
    one_problem("nosub", "declared subscale 'grip' is not in the score's subscores")


def test_no_sdk_range_or_an_incompatible_one_does_not_load(make_pack):
    make_pack("norange", requires=None)
    make_pack("future", requires="vesalius-sdk>=9")
    assert "does not declare a vesalius-sdk requirement" in one_problem("norange", "strict")
    assert "requires vesalius-sdk>=9" in one_problem("future", "strict")


def test_an_unbounded_sdk_range(make_pack):
    make_pack("unbounded", requires="vesalius-sdk>=0.1")
    one_problem("unbounded", "has no upper bound")


def test_a_misspelled_hook_does_not_load(make_pack):
    make_pack("typo", source() + "\n@hookimpl\ndef register_chart(register):\n    pass\n")
    assert "did you mean 'register_charts'" in one_problem("typo", "strict")


def test_a_charge_rule_billing_an_unregistered_code(make_pack):
    make_pack("stray", source(CHARGE="lambda note, minutes: [ChargeLine(code='97140', units=1)]"))
    assert "code 97140 is not registered" in one_problem("stray", "charge rule failed")


def test_a_charge_rule_that_fails_on_an_empty_draft(make_pack):
    make_pack("fragile", source(CHARGE="lambda note, minutes: [ChargeLine(code='97124', "
                                       "units=note.document['notes']['done'][0]['minutes'])]"))
    one_problem("fragile", "charge rule failed on an empty draft")


def test_a_charge_rule_that_is_not_pure(make_pack):
    impure = ("lambda note, minutes: CALLS.append(1) or "
              "[ChargeLine(code='97124', units=len(CALLS) % 2 + 1)]")
    make_pack("impure", source(CHARGE=impure))
    one_problem("impure", "is not a pure function of the note")


BROKEN_SVG = "lambda chart, marks, views: '<svg xmlns=\"http://www.w3.org/2000/svg\"><g>'"
DUPLICATE_IDS = ("lambda chart, marks, views: '<svg xmlns=\"http://www.w3.org/2000/svg\">' + "
                 "''.join(f'<circle id=\"{r.id}\" class=\"region\" data-region=\"{r.id}\" "
                 "r=\"1\"/>' for r in chart.regions) + '<g id=\"thumb\"/></svg>'")
NO_REGIONS = "lambda chart, marks, views: '<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>'"
NOT_SVG = "lambda chart, marks, views: '<html><body/></html>'"


@pytest.mark.parametrize(("renderer", "fragment"), [
    (BROKEN_SVG, "is not well-formed"),
    (DUPLICATE_IDS, "duplicate element ids in the blank chart: ['thumb']"),
    (NO_REGIONS, "regions without an element of that id"),
    (NOT_SVG, "is not an SVG document"),
])
def test_chart_rendering_defects(make_pack, renderer, fragment):
    make_pack("drawn", source(RENDERER=renderer))
    assert one_problem("drawn", fragment).startswith("chart drawn.hand: ")


def test_a_mark_type_no_region_accepts(make_pack):
    make_pack("picky", source(RENDERER="None, validator=lambda chart, mark: 'never'"))
    one_problem("picky", "chart picky.hand: no region accepts a 'sore' mark")


def test_ids_must_be_unique_among_installed_packs(make_pack):
    make_pack("first")
    make_pack("second", source().replace('id="{name}-two"', 'id="first-two"'))
    assert "measure id 'first-two' is already registered by pack 'first'" in one_problem(
        "second", "conflicts with an installed pack")
    assert "pack 'second' conflicts with it" in one_problem("first", "conflicts")


def test_templates_and_static_files_are_namespaced(make_pack):
    make_pack("files", files={"templates/files/print.html": "ok",
                              "templates/print.html": "clash",
                              "static/app.css": "clash"})
    problems = pack_problems("files")
    assert "templates/print.html: a pack's files go in templates/files/" in problems
    assert "static/app.css: a pack's files go in static/files/" in problems
    assert not any("templates/files" in p.split(":")[0] for p in problems)


# -- example marks ----------------------------------------------------------------------


def test_example_marks_find_what_a_validator_accepts():
    def one_grading(chart, mark):
        both = {"wagner", "texas"} <= set(mark.attributes)
        wrong_side = mark.attributes.get("side") not in (None, chart.region(mark.region).side)
        return "one grading only" if both else "wrong side" if wrong_side else None

    chart = ChartDefinition(
        id="t.foot", title="Foot",
        views=[ChartView(id="sole", title="Sole", width=50, height=50)],
        regions=[Region(id="heel-l", label="Left heel", view="sole", side="left",
                        shape=Circle(cx=10, cy=10, r=5)),
                 Region(id="heel-r", label="Right heel", view="sole", side="right",
                        shape=Circle(cx=30, cy=10, r=5))],
        mark_types=[MarkType(id="ulcer", label="Ulcer", abbreviation="U", attributes=[
            MarkAttribute(id="side", label="Side", kind="choice", options=("right", "left"),
                          required=True),
            MarkAttribute(id="wagner", label="Wagner", kind="integer", minimum=0, maximum=5),
            MarkAttribute(id="texas", label="Texas", kind="integer", minimum=0, maximum=3)])],
        validator=one_grading,
    )
    (mark,) = example_marks(chart)
    assert chart.check_mark(mark) == []
    assert mark.attributes["side"] == chart.region(mark.region).side


# -- fixtures ---------------------------------------------------------------------------

TEMPLATE = NoteTemplate(id="t.visit", title="Visit", discipline="t", sections=[
    Section(id="notes", title="Notes", fields=[
        LongTextField(id="text", label="Text"),
        ProceduresField(id="done", label="Done")])])


def test_make_note_validates_the_document_as_the_host_does(make_note):
    note = make_note(TEMPLATE, {"notes": {"done": [{"code": "97124", "minutes": 20}]}})
    assert note.value("notes.done") == [{"code": "97124", "minutes": 20, "modifiers": []}]
    assert note.case.discipline == "t"
    with pytest.raises(DocumentError) as error:
        make_note(TEMPLATE, {"notes": {"done": [{"code": "97124", "minutes": "lots"}]}})
    assert error.value.problems[0].field == "notes.done[0].minutes"


def test_make_note_by_template_id_uses_installed_charts(make_note):
    mark = {"region": "anterior-knee-left", "type": "pain", "attributes": {"intensity": 4}}
    note = make_note("general.soap", {"objective": {"body_chart": [mark]}},
                     visits_before=3)
    assert note.template_id == "general.soap" and note.case.visits_before == 3
    with pytest.raises(DocumentError, match="unknown region 'no-such-region'"):
        make_note("general.soap", {"objective": {"body_chart": [{**mark,
                                                                 "region": "no-such-region"}]}})


def test_example_document_fills_a_region_column(vesalius_registry):
    registry = vesalius_registry()
    template = NoteTemplate(id="t.rom", title="ROM", discipline="t", sections=[
        Section(id="objective", title="Objective", fields=[TableField(
            id="rom", label="ROM", columns=[
                RegionColumn(id="where", label="Where", chart="general.body"),
                RegionColumn(id="elsewhere", label="Elsewhere", chart="nowhere.chart")])])])
    row = example_document(template, registry)["objective"]["rom"][0]
    assert registry.charts["general.body"].resolve(row["where"]) is not None
    assert row["elsewhere"] == "region"


def test_vesalius_registry_loads_only_the_named_packs(make_pack, vesalius_registry):
    make_pack("alpha")
    make_pack("beta")
    registry = vesalius_registry("alpha")
    assert set(registry.enabled) == {"general", "alpha"}
    assert registry.pack("beta").reason == "disabled by configuration"
    with pytest.raises(AssertionError, match="not installed: gamma"):
        vesalius_registry("gamma")


def test_vesalius_registry_takes_throw_away_plugins(vesalius_registry):
    class Inline:
        @hookimpl
        def register_billing_codes(self, register):
            register(BillingCode(code="99991", label="A made-up code"))

    registry = vesalius_registry("inline", extra=[("inline", Inline())])
    assert "99991" in registry.billing_codes


def test_sample_data(sample_patient, sample_case, sample_appointment):
    assert {"given_name", "family_name", "birth_date"} <= set(sample_patient)
    assert sample_case.payer.kind == "commercial"
    assert sample_appointment["start"] < sample_appointment["end"]


@pytest.mark.vesalius_packs("general")
def test_vesalius_packs_marker(vesalius_packs):
    assert vesalius_packs == ("general",)


def test_the_kit_is_a_pytest_plugin_of_any_project(tmp_path: Path):
    """In a fresh pytest run, found through the ``pytest11`` entry point alone."""
    (tmp_path / "test_pack.py").write_text(textwrap.dedent('''
        import pytest

        def test_fixtures(vesalius_registry, make_note, sample_case, vesalius_packs):
            assert "general" in vesalius_registry().enabled
            assert vesalius_packs == ()

        @pytest.mark.vesalius_packs("general")
        def test_clinic_app(clinic_app, clinic_client):
            assert clinic_app.testing
            assert clinic_client.get("/api/v1/openapi.json").status_code == 200

        def test_conforms():
            from vesalius_sdk.testing import assert_pack_conforms
            assert_pack_conforms("general")
    '''))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--strict-markers",
         "-rs", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    try:
        importlib.import_module("vesalius.app")
        assert "3 passed" in run.stdout, run.stdout
    except ImportError:  # no web app yet: the app fixture skips cleanly, naming why
        assert "2 passed, 1 skipped" in run.stdout, run.stdout
        assert "web app (vesalius.app) is not installed" in run.stdout


PRINTOUT = '''
from vesalius_sdk import Printout

@hookimpl
def register_printouts(register):
    register(Printout(id="{name}.handout", title="Handout", templates=TEMPLATES,
                      render=lambda note: RENDER))
'''


@pytest.mark.parametrize(("templates", "render", "fragment"), [
    ('("{name}.visit",)', "'<html><body>' + note.value('notes.text', '') + '</body></html>'",
     "the note's text is not escaped"),
    ('("{name}.visit",)', "'just text'", "must return a whole HTML page"),
    ('("{name}.visit", "other.visit")', "'<html></html>'",
     "is offered on template other.visit, which no loaded pack registers"),
])
def test_printout_defects(make_pack, templates, render, fragment):
    make_pack("printed", source() + PRINTOUT.replace("TEMPLATES", templates)
              .replace("RENDER", render))
    assert one_problem("printed", fragment).startswith("printout printed.handout: ")


def test_an_escaping_printout_conforms(make_pack):
    escaped = ("'<html><body>' + note.value('notes.text', '').replace('<', '&lt;') + "
               "'</body></html>'")
    make_pack("escaped", source() + PRINTOUT.replace("TEMPLATES", '("{name}.visit",)')
              .replace("RENDER", escaped))
    assert pack_problems("escaped") == []
