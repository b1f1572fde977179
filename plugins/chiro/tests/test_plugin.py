"""The declared pack loads into a pluggy manager against the SDK's hook specifications,
through its entry point."""

from __future__ import annotations

from datetime import date
from importlib.metadata import entry_points, version

import pluggy
from vesalius_chiro.plugin import pack
from vesalius_chiro.templates import BY_ID
from vesalius_sdk import CaseContext, NoteContext, hookspecs


def _manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(pack, name="chiro")
    pm.check_pending()
    return pm


def _collect(hook) -> list:
    out: list = []
    hook(register=out.append)
    return out


def test_registration_hooks() -> None:
    pm = _manager()
    assert [d.id for d in _collect(pm.hook.register_disciplines)] == ["chiro"]
    assert [c.id for c in _collect(pm.hook.register_charts)] == ["chiro.spine"]
    assert {m.id for m in _collect(pm.hook.register_measures)} == {
        "bq-back", "bq-neck", "rmdq"}
    assert [c.code for c in _collect(pm.hook.register_billing_codes)] == [
        "98940", "98941", "98942", "98943"]
    templates = _collect(pm.hook.register_note_templates)
    assert all(t.id.startswith("chiro.") for t in templates)


def test_behaviour_hooks() -> None:
    pm = _manager()
    note = NoteContext(
        template_id="chiro.visit", template_version=2, date_of_service=date(2025, 3, 4),
        template=BY_ID["chiro.visit"],
        document={"objective": {"spine": [
            {"region": "C5", "type": "adjusted", "attributes": {"technique": "toggle-recoil"}}]},
            "treatment": {"care_type": "active"}},
        case=CaseContext(discipline="chiro"),
    )
    [lines] = pm.hook.charge_lines(note=note)
    assert [line.code for line in lines] == ["98940"]
    assert pm.hook.validate_note(note=note) == [[]]


def test_the_entry_point_is_the_declared_pack_at_0_2() -> None:
    [point] = [p for p in entry_points(group="vesalius.plugins") if p.name == "chiro"]
    assert (point.value, point.load()) == ("vesalius_chiro.plugin:pack", pack)
    assert version("vesalius-chiro") == "0.2.1"
    assert set(pack.hooks) == {
        "register_disciplines", "register_note_templates", "register_charts",
        "register_measures", "register_billing_codes", "charge_lines", "validate_note"}
