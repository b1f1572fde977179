"""The pack loads into a pluggy manager against the SDK's hook specifications."""

from __future__ import annotations

from datetime import date

import pluggy
from vesalius_osteo import plugin
from vesalius_sdk import CaseContext, NoteContext, hookspecs


def _manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(plugin, name="osteo")
    pm.check_pending()
    return pm


def _collect(hook) -> list:
    out: list = []
    hook(register=out.append)
    return out


def test_registration_hooks() -> None:
    pm = _manager()
    assert [d.id for d in _collect(pm.hook.register_disciplines)] == ["osteo"]
    assert [c.id for c in _collect(pm.hook.register_charts)] == ["osteo.body"]
    assert [m.id for m in _collect(pm.hook.register_measures)] == ["start-back"]
    assert [c.code for c in _collect(pm.hook.register_billing_codes)] == [
        "98925", "98926", "98927", "98928", "98929"]
    assert [t.id for t in _collect(pm.hook.register_note_templates)] == [
        "osteo.initial-assessment", "osteo.treatment"]


def test_behaviour_hooks() -> None:
    pm = _manager()
    note = NoteContext(
        template_id="osteo.treatment", template_version=1, date_of_service=date(2025, 5, 6),
        document={"findings": {"body": [
            {"region": "cervical", "type": "counterstrain", "attributes": {}},
            {"region": "cervical", "type": "tenderness", "attributes": {}}]}},
        case=CaseContext(discipline="osteo"),
    )
    [lines] = pm.hook.charge_lines(note=note)
    assert [line.code for line in lines] == ["98925"]
    assert pm.hook.validate_note(note=note) == [[]]
