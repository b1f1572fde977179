"""The pack loads into a pluggy manager against the SDK's hook specifications."""

from __future__ import annotations

from datetime import date

import pluggy
from vesalius_chiro import plugin
from vesalius_sdk import CaseContext, NoteContext, hookspecs


def _manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(plugin, name="chiro")
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
        "ndi", "bq-back", "bq-neck", "rmdq"}
    assert [c.code for c in _collect(pm.hook.register_billing_codes)] == [
        "98940", "98941", "98942", "98943"]
    templates = _collect(pm.hook.register_note_templates)
    assert all(t.id.startswith("chiro.") for t in templates)


def test_behaviour_hooks() -> None:
    pm = _manager()
    note = NoteContext(
        template_id="chiro.visit", template_version=1, date_of_service=date(2025, 3, 4),
        document={"objective": {"spine": [
            {"region": "C5", "type": "adjusted", "attributes": {"technique": "toggle-recoil"}}]},
            "treatment": {"care_type": "active"}},
        case=CaseContext(discipline="chiro"),
    )
    [lines] = pm.hook.charge_lines(note=note)
    assert [line.code for line in lines] == ["98940"]
    assert pm.hook.validate_note(note=note) == [[]]


def test_plugin_module_holds_only_hook_implementations() -> None:
    hooks = {name for name in dir(hookspecs) if not name.startswith("_")} & set(dir(plugin))
    public = {n for n, v in vars(plugin).items() if callable(v) and getattr(v, "__module__", "")
              == plugin.__name__}
    assert public <= hooks
