"""Every common mistake in a pack, and the host's message for it: each says what to change
(issue 12, item 6). One row per mistake; the message is what ``vesalius plugins list`` and
``assert_pack_conforms`` show the pack's author."""

from __future__ import annotations

import types

import pytest
from flask import Blueprint
from vesalius.plugins import build_registry
from vesalius_sdk import (
    ChartDefinition,
    ChartField,
    ChartView,
    Discipline,
    MarkType,
    MeasureItem,
    NoteTemplate,
    OutcomeMeasure,
    Rect,
    Region,
    Section,
    TextField,
    WebAddition,
    hookimpl,
)


def template(template_id: str, discipline: str = "general", *fields) -> NoteTemplate:
    return NoteTemplate(id=template_id, title="T", discipline=discipline, sections=[
        Section(id="main", title="Main", fields=[TextField(id="text", label="Text"), *fields])])


def chart(chart_id: str) -> ChartDefinition:
    return ChartDefinition(
        id=chart_id, title="Hand",
        views=(ChartView(id="palmar", title="Palmar", width=100, height=100),),
        regions=(Region(id="thumb", label="Thumb", view="palmar",
                        shape=Rect(x=1, y=1, width=10, height=10)),),
        mark_types=(MarkType(id="pain", label="Pain", abbreviation="P"),))


def measure(measure_id: str) -> OutcomeMeasure:
    return OutcomeMeasure(id=measure_id, title="Scale", minimum=0, maximum=10,
                          direction="higher-is-worse", licence="Generic scale, no text.",
                          items=[MeasureItem(id="p", label="Pain", maximum=10)],
                          scorer=lambda m, r: m.result(r[0]))


def hooks(**functions) -> types.ModuleType:
    """A pack module ``ot_pack`` whose functions are hook implementations."""
    module = types.ModuleType("ot_pack")
    for name, function in functions.items():
        function.__name__ = name
        setattr(module, name, hookimpl(function))
    return module


def registering(hook: str, *items) -> types.ModuleType:
    def register_all(register):
        for item in items:
            register(item)

    return hooks(**{hook: register_all})


MISTAKES = [
    ("template id without the pack's name",
     registering("register_note_templates", template("hand-therapy.hand-assessment")),
     "invalid contribution: template id 'hand-therapy.hand-assessment' does not start with "
     "'ot.': prefix the template id with your pack name: 'ot.hand-assessment'"),
    ("chart id without the pack's name",
     registering("register_charts", chart("hand.joints")),
     "invalid contribution: chart id 'hand.joints' does not start with 'ot.': prefix the "
     "chart id with your pack name: 'ot.joints'"),
    ("a template given to register_charts",
     registering("register_charts", template("ot.visit")),
     "invalid contribution: register_charts: register() takes a ChartDefinition, got "
     "NoteTemplate: register it from register_note_templates (Pack(note_templates=...))"),
    ("a tuple given to register()",
     hooks(register_measures=lambda register: register((measure("ot-a"), measure("ot-b")))),
     "invalid contribution: register_measures: register() takes an OutcomeMeasure, got "
     "tuple: call register() once per OutcomeMeasure"),
    ("a misspelled hook",
     hooks(register_chart=lambda register: None),
     "unknown hook 'register_chart' (did you mean 'register_charts'?)"),
    ("no hook at all (the entry point names the package, or @hookimpl is missing)",
     types.ModuleType("ot_pack"),
     "ot_pack implements no hook: point the entry point at your Pack (\"ot = "
     "'your_package.plugin:pack'\") or at the module of your @hookimpl functions, and check "
     "each hook has @hookimpl"),
    ("a hook asking for an argument it is not given",
     hooks(charge_lines=lambda note, payer: []),
     "hook signature error: charge_lines gives only (note); your charge_lines also asks for "
     "{'payer'}: remove those arguments"),
    ("one id registered twice by the pack",
     registering("register_measures", measure("ot-grip"), measure("ot-grip")),
     "invalid contribution: measure id 'ot-grip' is registered twice: give each contribution "
     "its own id, or register it once"),
    ("another pack's measure registered again",
     registering("register_measures", measure("nprs")),
     "measure id 'nprs' is already registered by pack 'general': use theirs by id "
     "(MeasureField(measure='nprs', pack='general')) or give yours an id that carries your "
     "pack name: 'ot-nprs'"),
    ("another pack's discipline registered again",
     registering("register_disciplines", Discipline(id="general", title="General")),
     "discipline id 'general' is already registered by pack 'general': write your templates "
     "for discipline 'general' without registering it, or register your own discipline 'ot'"),
    ("a template of a discipline nobody registers",
     registering("register_note_templates", template("ot.visit", "ot")),
     "template 'ot.visit' names unknown discipline 'ot': register Discipline(id='ot') in "
     "your pack, or use an enabled one (general)"),
    ("a required field on a chart nobody provides",
     registering("register_note_templates", template(
         "ot.visit", "general", ChartField(id="hand", label="Hand", chart="hand.joints",
                                           required=True))),
     "template 'ot.visit' field 'main.hand' requires chart 'hand.joints', which no enabled "
     "pack provides"),
    ("a web blueprint not named after the pack",
     registering("register_web_additions", WebAddition(blueprint=Blueprint("hand", "x"))),
     "invalid contribution: web blueprint must be named 'ot', not 'hand': "
     "Blueprint('ot', __name__)"),
]


@pytest.mark.parametrize(("plugin", "message"), [m[1:] for m in MISTAKES],
                         ids=[m[0] for m in MISTAKES])
def test_a_mistake_is_reported_with_what_to_do(plugin, message):
    info = build_registry(entry_points=False, extra_plugins=[("ot", plugin)]).pack("ot")
    assert (info.status, info.reason) == ("disabled", message)
