"""The hook implementations register each contribution once, and the host sees them."""

from vesalius_physio import plugin


def collect(hook):
    items = []
    hook(items.append)
    return items


def test_registration_hooks_hand_over_frozen_contributions():
    assert [d.id for d in collect(plugin.register_disciplines)] == ["physio"]
    templates = collect(plugin.register_note_templates)
    assert all(t.id.startswith("physio.") for t in templates) and len(templates) == 5
    assert [c.id for c in collect(plugin.register_charts)] == ["physio.body"]
    assert [m.id for m in collect(plugin.register_measures)] == [
        "odi", "lefs", "quickdash", "spadi"]
    assert len(collect(plugin.register_billing_codes)) == 25


def test_the_host_registry_enables_the_pack(vesalius_registry):
    registry = vesalius_registry("physio")
    info = registry.pack("physio")
    assert info.status == "enabled"
    assert registry.owner("chart", "physio.body") == "physio"
    assert registry.owner("measure", "odi") == "physio"
    # The core's NPRS and PSFS (pack "general") resolve for our measure fields.
    assert registry.unavailable_fields("physio.initial-assessment") == {}


def test_home_programme_printout_is_offered_on_exercise_programmes(vesalius_registry, make_note):
    registry = vesalius_registry("physio")
    assert [p.id for p in registry.printouts_for("physio.exercise-programme")] == [
        "physio.home-programme"]
    template = registry.templates["physio.exercise-programme"]
    from vesalius_sdk.testing import example_document

    note = make_note(template, registry.validate_document(
        template.id, example_document(template, registry)))
    html = registry.render_printout("physio.home-programme", note)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<script" not in html.lower()
