"""The plugin host against example packs: good ones work, each bad one is disabled with its
reason, strict mode raises. Hook tests are named ``test_hook_<name>`` (see test_meta.py)."""

from __future__ import annotations

import logging
import types
from datetime import date

import pytest
from vesalius.plugins import PackError, PluginLoadError, build_registry, get_registry
from vesalius_sdk import (
    AppointmentStatusChange,
    CaseContext,
    ChartField,
    MeasureField,
    NoteContext,
    NoteProblem,
    NoteTemplate,
    PayerContext,
    Section,
    TextField,
    WebAddition,
    hookimpl,
)


def statuses(registry) -> dict[str, tuple[str, str | None]]:
    return {p.name: (p.status, p.reason) for p in registry.packs}


def note(template_id: str, document: dict, **case) -> NoteContext:
    return NoteContext(template_id=template_id, template_version=1, document=document,
                       date_of_service=date(2026, 11, 2),
                       case=CaseContext(discipline="general", **case))


def test_default_pack_is_enabled_without_any_installed_pack():
    registry = build_registry(entry_points=False)
    assert statuses(registry) == {"general": ("enabled", None)}
    assert "general.soap" in registry.templates
    assert {"nprs", "vas", "psfs"} <= set(registry.measures)
    assert registry.owner("chart", "general.body") == "general"


def test_good_pack_beside_bad_ones(make_pack):
    make_pack("good")
    make_pack("badimport", "import vtest_module_that_does_not_exist\n")
    make_pack("badcontrib", """
from vesalius_sdk import Discipline, hookimpl
@hookimpl
def register_disciplines(register):
    register(Discipline(id="Not A Valid Id", title="x"))
""")
    make_pack("reuse", """
from vesalius_sdk import MeasureItem, OutcomeMeasure, hookimpl
@hookimpl
def register_measures(register):
    register(OutcomeMeasure(id="nprs", title="Another NPRS", direction="higher-is-worse",
        minimum=0, maximum=10, licence="Generic scale, no text.",
        items=[MeasureItem(id="p", label="Pain", maximum=10)],
        scorer=lambda m, r: m.result(r[0])))
""")
    make_pack("oldsdk", requires="vesalius-sdk>=9.0,<10")
    make_pack("typo", """
from vesalius_sdk import hookimpl
@hookimpl
def register_chart(register):
    pass
""")
    registry = build_registry()
    found = statuses(registry)
    assert found["good"] == ("enabled", None)
    assert found["general"] == ("enabled", None)
    status, reason = found["badimport"]
    assert status == "disabled" and "import failed" in reason
    assert "vtest_module_that_does_not_exist" in reason
    status, reason = found["badcontrib"]
    assert status == "disabled" and "register_disciplines failed" in reason
    status, reason = found["reuse"]
    assert status == "disabled"
    assert reason.startswith("measure id 'nprs' is already registered by pack 'general': ")
    status, reason = found["oldsdk"]
    assert status == "disabled"
    assert reason.startswith("requires vesalius-sdk<10,>=9.0 but vesalius-sdk 0.2")
    status, reason = found["typo"]
    assert status == "disabled"
    assert reason == "unknown hook 'register_chart' (did you mean 'register_charts'?)"
    # The good pack keeps working beside them.
    assert registry.owner("template", "good.visit") == "good"
    assert registry.measures["nprs"].title == "Numeric Pain Rating Scale"


def test_strict_mode_raises_naming_every_bad_pack(make_pack, monkeypatch):
    make_pack("good")
    make_pack("badimport", "raise RuntimeError('boom at import')\n")
    monkeypatch.setenv("VESALIUS_STRICT_PLUGINS", "1")
    with pytest.raises(PluginLoadError) as excinfo:
        build_registry()
    assert "badimport" in excinfo.value.reasons
    assert "RuntimeError: boom at import" in excinfo.value.reasons["badimport"]
    assert "good" not in excinfo.value.reasons


def test_disabled_by_name_is_never_imported(make_pack, monkeypatch):
    make_pack("good")
    make_pack("crashes", "raise SystemExit('must not be imported')\n")
    monkeypatch.setenv("VESALIUS_DISABLED_PLUGINS", "crashes, good")
    registry = build_registry()
    assert statuses(registry)["crashes"] == ("disabled", "disabled by configuration")
    assert statuses(registry)["good"] == ("disabled", "disabled by configuration")
    assert "good.visit" not in registry.templates


def test_pack_without_sdk_requirement_is_disabled(make_pack):
    make_pack("nodeclared", requires=None)
    status, reason = statuses(build_registry())["nodeclared"]
    assert status == "disabled"
    assert reason == "vtest-nodeclared does not declare a vesalius-sdk requirement"


def test_hook_signature_error_is_reported():
    bad = types.SimpleNamespace(register_charts=hookimpl(lambda register, colour: None))
    bad.register_charts.__name__ = "register_charts"
    registry = build_registry(entry_points=False, extra_plugins=[("sig", bad)])
    status, reason = statuses(registry)["sig"]
    assert status == "disabled"
    assert reason.startswith("hook signature error") and "colour" in reason


def test_wrong_type_and_namespace_are_invalid_contributions():
    class WrongType:
        @hookimpl
        def register_charts(self, register):
            register({"id": "x.y"})

    class WrongNamespace:
        @hookimpl
        def register_note_templates(self, register):
            register(_template("other.visit", "general"))

    registry = build_registry(entry_points=False,
                              extra_plugins=[("wt", WrongType()), ("ns", WrongNamespace())])
    assert statuses(registry)["wt"] == (
        "disabled", "invalid contribution: register_charts: register() takes a "
        "ChartDefinition, got dict")
    assert statuses(registry)["ns"] == (
        "disabled", "invalid contribution: template id 'other.visit' does not start with "
        "'ns.': prefix the template id with your pack name: 'ns.visit'")


def _template(template_id: str, discipline: str, *fields) -> NoteTemplate:
    return NoteTemplate(id=template_id, title="T", discipline=discipline, sections=[
        Section(id="main", title="Main", fields=[TextField(id="text", label="Text"), *fields])])


def test_hook_register_note_templates_references():
    class Soft:
        @hookimpl
        def register_note_templates(self, register):
            register(_template("soft.visit", "general",
                               MeasureField(id="bq", label="BQ", measure="bq-neck",
                                            pack="chiro"),
                               ChartField(id="spine", label="Spine", chart="chiro.spine")))

    class Hard:
        @hookimpl
        def register_note_templates(self, register):
            register(_template("hard.visit", "general",
                               ChartField(id="spine", label="Spine", chart="chiro.spine",
                                          required=True)))

    registry = build_registry(entry_points=False,
                              extra_plugins=[("soft", Soft()), ("hard", Hard())])
    assert statuses(registry)["soft"] == ("enabled", None)
    assert dict(registry.unavailable_fields("soft.visit")) == {
        "main.bq": "Measure 'bq-neck' is unavailable: install or enable the 'chiro' pack to "
                   "use this field.",
        "main.spine": "Chart 'chiro.spine' is unavailable: install or enable the 'chiro' pack "
                      "to use this field.",
    }
    status, reason = statuses(registry)["hard"]
    assert status == "disabled"
    assert reason == ("template 'hard.visit' field 'main.spine' requires chart 'chiro.spine', "
                      "which no enabled pack provides")
    # The rest of the soft template still validates.
    assert registry.validate_document("soft.visit", {"main": {"text": "ok"}}) == {
        "main": {"text": "ok"}}


def test_disabling_a_pack_cascades_to_required_references():
    from vesalius.general.chart import BODY

    class Provider:
        @hookimpl
        def register_charts(self, register):
            register(BODY.model_copy(update={"id": "prov.body"}))

        @hookimpl
        def register_measures(self, register):
            from vesalius.general.measures import NPRS  # reused id, another version:
            register(NPRS.model_copy(update={"version": "2"}))  # this pack conflicts

    class Consumer:
        @hookimpl
        def register_note_templates(self, register):
            register(_template("cons.visit", "general",
                               ChartField(id="body", label="Body", chart="prov.body",
                                          required=True)))

    registry = build_registry(entry_points=False,
                              extra_plugins=[("prov", Provider()), ("cons", Consumer())])
    assert statuses(registry)["prov"][0] == "disabled"
    assert statuses(registry)["cons"] == (
        "disabled", "template 'cons.visit' field 'main.body' requires chart 'prov.body', "
                    "which no enabled pack provides")


def test_hook_register_disciplines_unknown_discipline_disables():
    class NoDiscipline:
        @hookimpl
        def register_note_templates(self, register):
            register(_template("nod.visit", "nod"))

    registry = build_registry(entry_points=False, extra_plugins=[("nod", NoDiscipline())])
    assert statuses(registry)["nod"] == (
        "disabled", "template 'nod.visit' names unknown discipline 'nod': register "
        "Discipline(id='nod') in your pack, or use an enabled one (general)")


def test_hook_register_billing_codes_agreeing_and_conflicting(make_pack):
    make_pack("good")
    make_pack("samecode")  # registers 99990 untimed too: agreeing packs share a code
    make_pack("timedclash", """
from vesalius_sdk import BillingCode, hookimpl
@hookimpl
def register_billing_codes(register):
    register(BillingCode(code="99990", label="Timed version", timed=True))
""")
    registry = build_registry()
    assert statuses(registry)["samecode"] == ("enabled", None)
    assert statuses(registry)["timedclash"] == (
        "disabled", "billing code 99990 is registered by pack 'good' with different timing")
    assert registry.billing_codes["99990"].default_fee is not None


def test_hook_charge_lines_called_on_owner_only(make_pack):
    make_pack("good")
    registry = build_registry()
    lines = registry.charge_lines(note("good.visit", {"notes": {
        "text": "x", "done": [{"code": "99990", "units": 2}]}}))
    assert [(line.code, line.units) for line in lines] == [("99990", 2)]
    # A general SOAP note is billed by the general pack's rule, by the payer's method.
    soap = {"plan": {"procedures": [{"code": "99990", "units": 1}]}}
    assert [(x.code, x.units) for x in registry.charge_lines(note("general.soap", soap))] == [
        ("99990", 1)]


def test_hook_charge_lines_failures_name_pack_and_hook():
    class Broken:
        @hookimpl
        def register_disciplines(self, register):
            from vesalius_sdk import Discipline
            register(Discipline(id="brk", title="Broken"))

        @hookimpl
        def register_note_templates(self, register):
            register(_template("brk.visit", "brk"))

        @hookimpl
        def charge_lines(self, note):
            raise ZeroDivisionError("division by zero")

    class Unregistered:
        @hookimpl
        def register_disciplines(self, register):
            from vesalius_sdk import Discipline
            register(Discipline(id="unr", title="Unregistered"))

        @hookimpl
        def register_note_templates(self, register):
            register(_template("unr.visit", "unr"))

        @hookimpl
        def charge_lines(self, note):
            from vesalius_sdk import ChargeLine
            return [ChargeLine(code="12345", units=1)]

    registry = build_registry(entry_points=False, extra_plugins=[
        ("brk", Broken()), ("unr", Unregistered())])
    with pytest.raises(PackError) as excinfo:
        registry.charge_lines(note("brk.visit", {}))
    assert str(excinfo.value) == (
        "pack 'brk', hook charge_lines: ZeroDivisionError: division by zero")
    with pytest.raises(PackError, match="code 12345 is not registered"):
        registry.charge_lines(note("unr.visit", {}))


def test_hook_validate_note_adds_to_required_fields():
    class Validating:
        @hookimpl
        def register_disciplines(self, register):
            from vesalius_sdk import Discipline
            register(Discipline(id="val", title="Validating"))

        @hookimpl
        def register_note_templates(self, register):
            register(_template("val.visit", "val"))

        @hookimpl
        def validate_note(self, note):
            if note.value("main.text") != "ok":
                yield NoteProblem(field="main.text", message="must say ok")

    registry = build_registry(entry_points=False, extra_plugins=[("val", Validating())])
    assert registry.problems_before_signing(note("val.visit", {"main": {"text": "ok"}})) == []
    assert registry.problems_before_signing(note("val.visit", {"main": {"text": "no"}})) == [
        NoteProblem(field="main.text", message="must say ok")]
    # Document errors come first and name the field; required fields are checked too.
    problems = registry.problems_before_signing(note("general.soap", {"plan": {"plan": 3}}))
    assert [p.field for p in problems] == ["plan.plan"]
    problems = registry.problems_before_signing(note("general.soap", {}))
    assert problems == [NoteProblem(field="subjective.subjective",
                                    message="Subjective is required")]


def test_hook_note_signed_and_appointment_status_changed_fail_soft(caplog):
    seen = []

    class Listener:
        @hookimpl
        def note_signed(self, note):
            seen.append(("signed", note.template_id))

        @hookimpl
        def appointment_status_changed(self, change):
            seen.append(("status", change.new_status))

    class Crashing:
        @hookimpl
        def note_signed(self, note):
            raise RuntimeError("secret clinical text")

        @hookimpl
        def appointment_status_changed(self, change):
            raise RuntimeError("secret clinical text")

    registry = build_registry(entry_points=False, extra_plugins=[
        ("listener", Listener()), ("crashing", Crashing())])
    with caplog.at_level(logging.ERROR, logger="vesalius.plugins"):
        registry.note_signed(note("general.soap", {}))
        registry.appointment_status_changed(AppointmentStatusChange(
            appointment_id="1", old_status="booked", new_status="arrived",
            at="2026-11-02T09:00:00Z"))
    assert seen == [("signed", "general.soap"), ("status", "arrived")]
    assert "pack 'crashing', hook note_signed failed: RuntimeError" in caplog.text
    assert "secret clinical text" not in caplog.text


def test_hook_register_web_additions_namespaced():
    class Blueprint:
        def __init__(self, name):
            self.name = name

    class Web:
        @hookimpl
        def register_web_additions(self, register):
            register(WebAddition(blueprint=Blueprint("web"), menu={"Home programme": "web.x"}))

    class BadWeb:
        @hookimpl
        def register_web_additions(self, register):
            register(WebAddition(blueprint=Blueprint("admin")))

    registry = build_registry(entry_points=False,
                              extra_plugins=[("web", Web()), ("badweb", BadWeb())])
    assert [(pack, w.blueprint.name) for pack, w in registry.web_additions] == [("web", "web")]
    assert statuses(registry)["badweb"] == (
        "disabled", "invalid contribution: web blueprint must be named 'badweb', not 'admin': "
        "Blueprint('badweb', __name__)")


def test_hook_register_charts_and_register_measures():
    registry = build_registry(entry_points=False)
    svg = registry.charts["general.body"].render()
    assert svg.count('class="region"') == len(registry.charts["general.body"].regions)
    score = registry.score("psfs", [3, 5, 4])
    assert score.value == 4.0 and score.complete


def test_payer_method_reaches_the_charge_rule():
    registry = build_registry(entry_points=False, extra_plugins=[])
    # 33 + 7 timed minutes: CMS gives 3 units, per-code gives 2 (Medicare Claims Processing
    # Manual 100-04, ch. 5, §20.2).
    document = {"plan": {"procedures": [{"code": "97110", "minutes": 33},
                                        {"code": "97140", "minutes": 7}]}}
    cms = registry._call_owner("charge_lines", "general", note=note("general.soap", document))
    per_code = registry._call_owner("charge_lines", "general", note=note(
        "general.soap", document, payer=PayerContext(timed_method="per-code")))
    assert [(x.code, x.units) for x in cms] == [("97110", 2), ("97140", 1)]
    assert [(x.code, x.units) for x in per_code] == [("97110", 2)]


def test_get_registry_is_built_once(site):
    assert get_registry() is get_registry()


def test_hook_register_printouts():
    from vesalius_sdk import Printout

    def handout(note):
        return f"<p>{len(note.document)} sections</p>"

    def broken(note):
        raise KeyError("secret")

    class Printing:
        @hookimpl
        def register_printouts(self, register):
            register(Printout(id="prn.handout", title="Handout", templates=("general.soap",),
                              render=handout))
            register(Printout(id="prn.broken", title="Broken", templates=("general.soap",),
                              render=broken, audience="clinician"))

    class Misnamed:
        @hookimpl
        def register_printouts(self, register):
            register(Printout(id="other.x", title="X", templates=("general.soap",),
                              render=handout))

    registry = build_registry(entry_points=False, extra_plugins=[
        ("prn", Printing()), ("mis", Misnamed())])
    assert [p.id for p in registry.printouts_for("general.soap")] == ["prn.handout",
                                                                     "prn.broken"]
    assert registry.render_printout("prn.handout", note("general.soap", {"plan": {}})) == (
        "<p>1 sections</p>")
    with pytest.raises(PackError, match=r"pack 'prn', hook register_printouts: render failed"):
        registry.render_printout("prn.broken", note("general.soap", {}))
    with pytest.raises(KeyError):
        registry.render_printout("prn.handout", note("other.visit", {}))
    assert statuses(registry)["mis"][0] == "disabled"
    assert registry.pack("prn").counts["printouts"] == 2


def test_registry_documents_know_billing_codes(make_pack):
    make_pack("good")
    registry = build_registry()
    # Timed-ness comes from the registered code: 99990 is untimed, so no minutes are needed.
    document = {"plan": {"procedures": [{"code": "99990"}]}}
    assert registry.validate_document("general.soap", document)["plan"]["procedures"][0][
        "code"] == "99990"
    from vesalius_sdk import DocumentError
    with pytest.raises(DocumentError, match="code 12345 is not a registered code"):
        registry.validate_document("general.soap",
                                   {"plan": {"procedures": [{"code": "12345", "units": 1}]}})


def test_printout_header_is_opt_in():
    from vesalius_sdk import PrintHeader, Printout

    class Named:
        @hookimpl
        def register_printouts(self, register):
            register(Printout(id="nam.letter", title="Letter", templates=("general.soap",),
                              render=lambda note, header: f"Dear {header.patient_name}"))

    registry = build_registry(entry_points=False, extra_plugins=[("nam", Named())])
    page = registry.render_printout("nam.letter", note("general.soap", {}),
                                    PrintHeader(patient_name="Ada Example"))
    assert page == "Dear Ada Example"
    assert registry.render_printout("nam.letter", note("general.soap", {})) == "Dear None"


def test_contributions_per_pack_and_structured_conflicts(make_pack):
    make_pack("good")
    make_pack("samecode")
    make_pack("reuse", """
from vesalius_sdk import Discipline, hookimpl
@hookimpl
def register_disciplines(register):
    register(Discipline(id="general", title="Again"))
""")
    registry = build_registry()
    assert [c.code for c in registry.contributions("samecode")["billing_code"]] == ["99990"]
    assert [t.id for t in registry.contributions("good")["template"]] == ["good.visit"]
    assert registry.pack("reuse").conflict_with == "general"
    assert registry.pack("good").conflict_with is None
    with pytest.raises(KeyError, match="no enabled pack named 'reuse'"):
        registry.contributions("reuse")


def test_score_takes_responses_by_position_or_by_item():
    """SDK 0.2: a mapping by item id or 1-based number; an item left out is unanswered."""
    registry = build_registry(entry_points=False)
    nprs = registry.measures["nprs"]
    by_list = registry.score("nprs", [7])
    assert registry.score("nprs", {nprs.items[0].id: 7}) == by_list
    assert registry.score("nprs", {1: 7}) == by_list
    assert registry.score("nprs", {}).value is None
