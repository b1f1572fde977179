"""A measure's declared subscales in the signed note and the case's trend (issue 20).

The measure here is made up for the tests (two two-item "sides", no clinical meaning): what
is tested is the host showing the subscales a measure declares (``OutcomeMeasure.
subscales``, SDK 0.2.1) with their labels, "not scored: why" for one the scorer could not
score, never an undeclared subscore, and first/latest per subscale over a case. The KOOS
itself is scored in the physio pack's tests and shown in the web and browser tests.
"""

from __future__ import annotations

from datetime import timedelta

import clinic_testpack as testpack
import pytest
from clinic_factories import MONDAY, at, clinic_setup
from vesalius.plugins import build_registry, set_registry
from vesalius.services import Actor, notes, outcomes, scheduling
from vesalius.services.scheduling import BookingIn
from vesalius.services.subscales import subscale_values
from vesalius_sdk import (
    MeasureField,
    MeasureItem,
    NoteTemplate,
    OutcomeMeasure,
    Section,
    Subscale,
    TextField,
    WorkedExample,
    hookimpl,
)


def _side(values: tuple[int | None, ...]) -> float | None:
    given = [v for v in values if v is not None]
    return sum(given) * 12.5 if len(given) == len(values) else None


def _score(measure, responses):  # type: ignore[no-untyped-def]
    subscores = {"left": _side(responses[:2]), "right": _side(responses[2:]),
                 "raw": float(sum(r for r in responses if r is not None))}
    why = {key: f"{sum(r is not None for r in part)} of 2 answered, 2 needed"
           for key, part in (("left", responses[:2]), ("right", responses[2:]))
           if subscores[key] is None}
    return measure.result(subscores["raw"] * 6.25, subscores=subscores, subscore_reasons=why)


SIDES = OutcomeMeasure(
    id="subtest-sides", title="Sides (made up)", direction="higher-is-worse", minimum=0,
    maximum=100, unit="points", licence="Made up for the tests; no item text.",
    items=tuple(MeasureItem(id=f"i{n}", label=f"Item {n}", maximum=4) for n in range(1, 5)),
    scorer=_score,
    subscales=(Subscale(id="left", label="Left side"), Subscale(id="right", label="Right side")),
    examples=(WorkedExample(responses=(4, 4, 0, 0), value=50.0, source="arithmetic, 8 x 6.25"),),
)

VISIT = NoteTemplate(
    id="subtest.visit", title="Sides visit", discipline="rehab", version=1,
    sections=(Section(id="outcomes", title="Outcome measures", fields=(
        TextField(id="summary", label="Summary"),
        MeasureField(id="sides", label="Sides", measure="subtest-sides"),
    )),),
)


class SidesPack:
    @hookimpl
    def register_measures(self, register):  # type: ignore[no-untyped-def]
        register(SIDES)

    @hookimpl
    def register_note_templates(self, register):  # type: ignore[no-untyped-def]
        register(VISIT)


@pytest.fixture(autouse=True)
def registry():  # type: ignore[no-untyped-def]
    reg = build_registry(extra_plugins=[(testpack.NAME, testpack), ("subtest", SidesPack())],
                         entry_points=False)
    set_registry(reg)
    yield reg
    set_registry(None)


def _signed(s, system, actor, c, day, responses):  # type: ignore[no-untyped-def]
    appt = scheduling.book(s, system, BookingIn(
        patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
        case_id=c["case"].id, start=at(day, 10), end=at(day, 10, 45)))
    scheduling.set_status(s, system, appt.id, "arrived")
    draft = notes.create_draft(s, actor, notes.DraftIn(
        appointment_id=appt.id, template_id="subtest.visit",
        document={"outcomes": {"sides": {"responses": responses}}}))
    return notes.sign(s, actor, draft.id).note


@pytest.fixture
def sides_case(db, system):  # type: ignore[no-untyped-def]
    """Two signed notes a week apart: the first with the right side half answered."""
    with db.session() as s:
        c = clinic_setup(s, system)
        prac = c["practitioner"]
        actor = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)
        first = _signed(s, system, actor, c, MONDAY, [4, 2, 1, None])
        second = _signed(s, system, actor, c, MONDAY + timedelta(days=7), [2, 1, 1, 1])
        return {"case": c["case"].id, "actor": actor, "first": first.rendered,
                "second": second.rendered}


def test_the_signed_note_lists_each_declared_subscale_with_its_label(sides_case):  # type: ignore[no-untyped-def]
    first, second = sides_case["first"], sides_case["second"]
    # left 4 + 2 = 6 x 12.5 = 75; right has one of two items: not scored, and why.
    assert '<ul class="subscores" aria-label="Subscales">' in first
    assert "<li>Left side: 75</li>" in first
    assert ('<li class="not-scored">Right side: not scored: 1 of 2 answered, 2 needed</li>'
            in first)
    assert "<li>Left side: 37.5</li><li>Right side: 25</li>" in second
    assert "raw" not in first.lower().split("subscores", 1)[1]  # undeclared: not shown


def test_the_case_trend_has_first_and_latest_per_subscale(db, sides_case):  # type: ignore[no-untyped-def]
    with db.session() as s:
        trend, = [t for t in outcomes.case_trends(s, sides_case["actor"], sides_case["case"])
                  if t.measure_id == "subtest-sides"]
    left, right = trend.subscales
    assert (left.label, left.first, left.first_on, left.latest, left.change) == (
        "Left side", 75.0, MONDAY, 37.5, -37.5)
    assert left.latest_on == MONDAY + timedelta(days=7)
    # Not scored the first week: its first score is the second week's, and no change yet.
    assert (right.label, right.first, right.first_on, right.latest, right.change) == (
        "Right side", 25.0, MONDAY + timedelta(days=7), None, None)
    assert [p.subscores["raw"] for p in trend.points] == [7.0, 5.0]


def test_the_case_trend_reads_subscales_with_the_results(db, sides_case, count_queries):  # type: ignore[no-untyped-def]
    # Subscores are columns of the result rows: one SELECT of measure results, whatever
    # the number of results or subscales.
    with db.session() as s, count_queries() as counted:
        trends = outcomes.case_trends(s, sides_case["actor"], sides_case["case"])
    assert any(t.subscales for t in trends)
    results = [q for q in counted.statements if "FROM measure_results" in q]
    assert len(results) == 1, counted.statements


def test_only_declared_subscales_are_shown_and_odd_values_read_as_not_scored():
    assert subscale_values(None, {"left": 1.0}) == []
    shown = subscale_values(SIDES, {"left": True, "right": 12.5, "raw": 3.0},
                            {"left": "why"})
    assert [(v.id, v.label, v.value, v.reason) for v in shown] == [
        ("left", "Left side", None, "why"), ("right", "Right side", 12.5, None)]
