"""The common safety fields and their signing rule."""

from __future__ import annotations

from vesalius_sdk import NoteContext, NoteTemplate, Section
from vesalius_sdk.context import CaseContext
from vesalius_sdk.documents import missing_required
from vesalius_sdk.safety import consent_field, red_flag_fields, response_fields, safety_problems

TEMPLATE = NoteTemplate(id="ot.visit", title="Visit", discipline="ot", sections=(
    Section(id="history", title="History", fields=red_flag_fields()),
    Section(id="treatment", title="Treatment", fields=(consent_field(), *response_fields())),
))


def problems(document: dict) -> list[tuple[str | None, str]]:
    note = NoteContext(template_id=TEMPLATE.id, template_version=1, document=document,
                       date_of_service="2026-12-04", case=CaseContext(discipline="ot"),
                       template=TEMPLATE)
    return [(p.field, p.message) for p in safety_problems(note)]


def test_a_ticked_red_flag_needs_the_action_taken():
    assert problems({"history": {"red_flags": ["night-pain"]}}) == [(
        "history.red_flag_action",
        "Red flags are ticked: record the action taken (referral or management)")]
    assert problems({"history": {"red_flags": ["night-pain"],
                                 "red_flag_action": "GP letter"}}) == []


def test_an_adverse_reaction_needs_its_details():
    assert problems({"treatment": {"response": "adverse-reaction"}}) == [(
        "treatment.adverse_details",
        "An adverse reaction is recorded: describe it and what was done")]
    assert problems({"treatment": {"response": "tolerated-well"}}) == []


def test_consent_must_be_ticked_before_signing():
    found = missing_required(TEMPLATE, {"treatment": {"consent": False}})
    assert [p.field for p in found] == ["treatment.consent"]
    assert missing_required(TEMPLATE, {"treatment": {"consent": True}}) == []


def test_extra_flags_extend_the_common_list():
    from vesalius_sdk import Option
    flags, _ = red_flag_fields((Option(value="chest", label="Chest pain"),))
    assert flags.options[-1].value == "chest" and len(flags.options) == 10
