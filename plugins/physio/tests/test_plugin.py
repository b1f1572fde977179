"""The declared pack registers each contribution once, and the host sees them."""

from importlib.metadata import entry_points, version

from vesalius_physio import billing, validation
from vesalius_physio.plugin import pack


def collect(hook):
    items = []
    hook(items.append)
    return items


def test_the_entry_point_names_the_declared_pack():
    [point] = [p for p in entry_points(group="vesalius.plugins") if p.name == "physio"]
    assert point.value == "vesalius_physio.plugin:pack"
    assert point.load() is pack
    assert version("vesalius-physio") == "0.2.1"


def test_registration_hooks_hand_over_frozen_contributions():
    assert [d.id for d in collect(pack.register_disciplines)] == ["physio"]
    templates = collect(pack.register_note_templates)
    assert all(t.id.startswith("physio.") for t in templates) and len(templates) == 5
    assert [c.id for c in collect(pack.register_charts)] == ["physio.body"]
    # NPRS, PSFS and (since 0.2.1) the ODI are the core's: referred to, never registered.
    assert [m.id for m in collect(pack.register_measures)] == [
        "lefs", "quickdash", "spadi", "dash", "koos", "koos-jr", "hoos", "hoos-jr"]
    assert len(collect(pack.register_billing_codes)) == 25
    assert [p.id for p in collect(pack.register_printouts)] == ["physio.home-programme"]


def test_the_behaviour_hooks_are_the_pack_rules(note):
    assert set(pack.hooks) >= {"validate_note", "charge_lines"}
    document = {"assessment": {"complexity": "high"}}
    made = note("physio.initial-assessment", document)
    assert pack.charge_lines(note=made) == billing.charge_lines(made)
    assert pack.validate_note(note=made) == validation.problems(made)


def test_the_host_registry_enables_the_pack(vesalius_registry):
    registry = vesalius_registry("physio")
    info = registry.pack("physio")
    assert info.status == "enabled"
    assert registry.owner("chart", "physio.body") == "physio"
    assert registry.owner("measure", "odi") == "general"
    # The core's NPRS, PSFS and ODI (pack "general") resolve for our measure fields.
    assert registry.unavailable_fields("physio.initial-assessment") == {}


def test_home_programme_printout_is_offered_on_exercise_programmes(vesalius_registry, make_note):
    registry = vesalius_registry("physio")
    assert [(p.id, p.audience) for p in registry.printouts_for("physio.exercise-programme")] \
        == [("physio.home-programme", "patient")]  # a handout: shown in the patient's portal
    template = registry.templates["physio.exercise-programme"]
    from vesalius_sdk.testing import example_document

    note = make_note(template, registry.validate_document(
        template.id, example_document(template, registry)))
    html = registry.render_printout("physio.home-programme", note)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<script" not in html.lower()
