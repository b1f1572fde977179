"""The massage pack's own rules, each against its published source."""

from __future__ import annotations

import pytest
from vesalius_massage.measures import PGIC
from vesalius_sdk import PayerContext

TEMPLATE = "massage.treatment"


@pytest.mark.parametrize("example", PGIC.examples, ids=lambda e: e.source)
def test_pgic_worked_examples(example):
    """Guy 1976, ECDEU Assessment Manual: the rating is the score."""
    score = PGIC.score(example.responses)
    assert score.value == example.value
    assert score.band == example.band


def test_pgic_refuses_a_rating_off_the_scale():
    with pytest.raises(ValueError, match="outside 1-7"):
        PGIC.score([8])


def treated(minutes: int, findings: str = "Tight") -> dict:
    return {
        "subjective": {"complaint": "Low back ache after gardening"},
        "objective": {"findings": findings} if findings else {},
        "plan": {"procedures": [{"code": "97140", "minutes": minutes}]},
    }


@pytest.mark.parametrize(("minutes", "units"), [(7, 0), (8, 1), (22, 1), (23, 2), (38, 3)])
def test_charge_rule_follows_the_cms_8_minute_rule(vesalius_registry, make_note, minutes,
                                                   units):
    """CMS Claims Processing Manual 100-04, ch. 5, section 20.2: 8-22 minutes is one unit,
    23-37 two, 38-52 three; under 8 minutes nothing is billed."""
    registry = vesalius_registry("massage")
    lines = registry.charge_lines(make_note(TEMPLATE, treated(minutes)))
    assert [(line.code, line.units) for line in lines] == ([("97140", units)] if units else [])


def test_charge_rule_per_code_payer(vesalius_registry, make_note):
    """The AMA rule of eights counts each code on its own: 7 minutes bills nothing either."""
    registry = vesalius_registry("massage")
    note = make_note(TEMPLATE, treated(37), payer=PayerContext(timed_method="per-code"))
    assert [(line.code, line.units) for line in registry.charge_lines(note)] == [("97140", 2)]


def test_billed_treatment_needs_findings(vesalius_registry, make_note):
    registry = vesalius_registry("massage")
    unsupported = make_note(TEMPLATE, treated(20, findings=""))
    assert [(p.field, p.message) for p in registry.problems_before_signing(unsupported)] == [
        ("objective.findings", "Document the findings that the treatment addressed")]
    assert registry.problems_before_signing(make_note(TEMPLATE, treated(20))) == []


def test_chart_marks_are_checked(vesalius_registry, make_note):
    registry = vesalius_registry("massage")
    chart = registry.charts["massage.back"]
    mark = {"region": "low-back-left", "type": "tender", "attributes": {"level": 6}}
    note = make_note(TEMPLATE, {"objective": {"back": [mark]}})
    assert note.value("objective.back")[0]["region"] == "low-back-left"
    assert "low-back-left" in chart.render([])
    with pytest.raises(ValueError, match="level must be at most 10"):
        make_note(TEMPLATE, {"objective": {"back": [{**mark, "attributes": {"level": 11}}]}})
