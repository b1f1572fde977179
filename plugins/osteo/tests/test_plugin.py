"""The osteopathy pack is found by its entry point and enabled by the host's registry."""

from __future__ import annotations

from importlib.metadata import entry_points, version

from vesalius_osteo.plugin import pack


def test_the_entry_point_is_the_declared_pack() -> None:
    [point] = [p for p in entry_points(group="vesalius.plugins") if p.name == "osteo"]
    assert point.value == "vesalius_osteo.plugin:pack" and point.load() is pack
    assert version("vesalius-osteo") == "0.2.1"


def test_the_registry_holds_what_the_pack_declares(vesalius_registry, make_note) -> None:
    registry = vesalius_registry("osteo")
    assert registry.pack("osteo").status == "enabled"
    assert registry.owner("chart", "osteo.body") == "osteo"
    assert registry.owner("measure", "start-back") == "osteo"
    assert [t for t in registry.templates if t.startswith("osteo.")] == [
        "osteo.initial-assessment", "osteo.treatment"]
    note = make_note("osteo.treatment", {"findings": {"body": [
        {"region": "cervical", "type": "counterstrain", "attributes": {}},
        {"region": "cervical", "type": "tenderness", "attributes": {}}]},
        "treatment": {"consent": True}})
    assert [line.code for line in registry.charge_lines(note)] == ["98925"]
    assert registry.problems_before_signing(note) == []
