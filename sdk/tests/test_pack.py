"""The declarative :class:`vesalius_sdk.Pack`: a pluggy plugin with exactly the hooks given."""

from __future__ import annotations

import pluggy
import pytest
from vesalius_sdk import (
    ChargeLine,
    Discipline,
    LongTextField,
    NoteContext,
    NoteProblem,
    NoteTemplate,
    Pack,
    Section,
    hookspecs,
)
from vesalius_sdk.context import CaseContext

OT = Discipline(id="ot", title="Occupational therapy")
VISIT = NoteTemplate(id="ot.visit", title="Visit", discipline="ot", sections=(
    Section(id="s", title="S", fields=(LongTextField(id="t", label="T"),)),))


def manager(pack: object) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(pack, name="ot")
    pm.check_pending()
    return pm


def note() -> NoteContext:
    return NoteContext(template_id="ot.visit", template_version=1, document={},
                       date_of_service="2026-12-04", case=CaseContext(discipline="ot"),
                       template=VISIT)


def test_a_pack_registers_what_it_declares_in_order():
    pm = manager(Pack(disciplines=(OT,), note_templates=[VISIT]))
    seen: list[object] = []
    pm.hook.register_disciplines(register=seen.append)
    pm.hook.register_note_templates(register=seen.append)
    assert seen == [OT, VISIT]


def test_only_the_hooks_given_are_implemented():
    pack = Pack(disciplines=(OT,), charge_lines=lambda note: [])
    assert pack.hooks == ("register_disciplines", "charge_lines")
    pm = manager(pack)
    implemented = {caller.name for caller in pm.get_hookcallers(pack)}
    assert implemented == {"register_disciplines", "charge_lines"}
    assert not pm.hook.appointment_status_changed.get_hookimpls()


def test_behaviour_hooks_call_the_given_functions_with_the_note():
    def validate(n: NoteContext) -> list[NoteProblem]:
        return [NoteProblem(field="s.t", message=f"from {n.template.id}", severity="warning")]

    pm = manager(Pack(validate_note=validate,
                      charge_lines=lambda n: [ChargeLine(code="97165", units=1)]))
    assert pm.hook.validate_note(note=note()) == [[NoteProblem(
        field="s.t", message="from ot.visit", severity="warning")]]
    assert pm.hook.charge_lines(note=note())[0][0].code == "97165"


def test_a_behaviour_that_is_not_callable_is_refused():
    with pytest.raises(TypeError, match=r"validate_note=\.\.\.\) takes a function"):
        Pack(validate_note=["not", "callable"])  # type: ignore[arg-type]


def test_warnings_do_not_block_signing():
    assert NoteProblem(message="m").blocks_signing
    assert not NoteProblem(message="m", severity="warning").blocks_signing


def test_a_pack_knows_the_module_that_declared_it():
    assert Pack(disciplines=(OT,)).module == __name__
