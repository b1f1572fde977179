"""The hand assessment (first visit) and the hand therapy visit, and their signing rules.

Both notes share the objective tables: grip strength (three trials per hand, their means and
the side-to-side deficit worked out by the host), pinch strength, and joint range of motion
whose first column picks a joint of the hand chart. Consent and the response to treatment
are the SDK's common safety fields (:mod:`vesalius_sdk.safety`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vesalius_sdk import (
    ChartField,
    ChoiceField,
    ComputedColumn,
    DateField,
    LongTextField,
    MeasureField,
    MultiChoiceField,
    NoteContext,
    NoteProblem,
    NoteTemplate,
    NumberField,
    Option,
    ProceduresField,
    RegionColumn,
    Section,
    TableField,
    TextField,
    mean_of,
)
from vesalius_sdk.safety import consent_field, response_fields, safety_problems

from .billing import EVALUATIONS, TIMED_CODES, evaluation_billed_today

HANDS = "ot.hands"
SIDES = (Option(value="left", label="Left"), Option(value="right", label="Right"))
#: The dynamometer's handle positions, 1 (narrowest) to 5.
POSITIONS = tuple(Option(value=str(n), label=str(n)) for n in range(1, 6))
TRIALS = (1, 2, 3)


def _kg(id: str, label: str) -> NumberField:
    return NumberField(id=id, label=label, unit="kg", minimum=0, maximum=100)


def deficit(row: Mapping[str, Any]) -> float | None:
    """Grip deficit of the affected hand, as a percentage of the other hand's mean:
    ``(other - affected) / other * 100`` (negative when the affected hand is stronger)."""
    affected = row.get("affected")
    if affected not in ("left", "right"):
        return None
    other = "left" if affected == "right" else "right"
    weak = mean_of(*(f"{affected}_{n}" for n in TRIALS))(row)
    strong = mean_of(*(f"{other}_{n}" for n in TRIALS))(row)
    if weak is None or not strong:
        return None
    return (strong - weak) / strong * 100


# Grip with a hand dynamometer, three trials each hand in the second handle position, their
# mean recorded: Mathiowetz V et al., Reliability and validity of grip and pinch strength
# evaluations, J Hand Surg Am 1984;9(2):222-6.
GRIP = TableField(
    id="grip", label="Grip strength",
    help="Dynamometer, seated, elbow at 90 degrees; three trials each hand.",
    columns=(
        ChoiceField(id="position", label="Handle position", options=POSITIONS),
        ChoiceField(id="affected", label="Affected hand", options=SIDES),
        *(_kg(f"right_{n}", f"Right, trial {n}") for n in TRIALS),
        *(_kg(f"left_{n}", f"Left, trial {n}") for n in TRIALS),
    ),
    computed=(
        ComputedColumn(id="right_mean", label="Right, mean", unit="kg",
                       compute=mean_of(*(f"right_{n}" for n in TRIALS))),
        ComputedColumn(id="left_mean", label="Left, mean", unit="kg",
                       compute=mean_of(*(f"left_{n}" for n in TRIALS))),
        ComputedColumn(id="deficit", label="Deficit of the affected hand", unit="%",
                       decimals=0, compute=deficit),
    ),
    rows=({"position": "2"},),
    max_rows=5,
)

PINCH = TableField(
    id="pinch", label="Pinch strength",
    help="Pinch gauge; the mean of three trials each hand.",
    columns=(
        ChoiceField(id="pinch", label="Pinch", options=(
            Option(value="tip", label="Tip (two-point)"),
            Option(value="key", label="Key (lateral)"),
            Option(value="palmar", label="Palmar (three-jaw chuck)"))),
        _kg("right", "Right"),
        _kg("left", "Left"),
    ),
    rows=({"pinch": "tip"}, {"pinch": "key"}, {"pinch": "palmar"}),
    max_rows=6,
)

ROM = TableField(
    id="rom", label="Joint range of motion",
    columns=(
        RegionColumn(id="joint", label="Joint", chart=HANDS),
        ChoiceField(id="motion", label="Motion", options=tuple(
            Option(value=v, label=v.capitalize()) for v in
            ("flexion", "extension", "abduction", "adduction", "opposition",
             "radial deviation", "ulnar deviation"))),
        NumberField(id="active", label="Active", unit="degrees", minimum=-90, maximum=180),
        NumberField(id="passive", label="Passive", unit="degrees", minimum=-90, maximum=180),
    ),
    max_rows=40,
)

TESTS = MultiChoiceField(id="tests", label="Positive provocative tests", options=(
    Option(value="phalen", label="Phalen (wrist flexion)"),
    Option(value="tinel-carpal", label="Tinel at the carpal tunnel"),
    Option(value="carpal-compression", label="Carpal compression (Durkan)"),
    Option(value="finkelstein", label="Finkelstein"),
    Option(value="froment", label="Froment"),
))


def _objective() -> Section:
    return Section(id="objective", title="Objective", fields=(
        ChartField(id="hands", label="Hand chart", chart=HANDS),
        GRIP, PINCH, ROM, TESTS,
        LongTextField(id="findings", label="Other findings"),
    ))


def _plan(*first: Any) -> Section:
    return Section(id="plan", title="Treatment and plan", fields=(
        *first,
        consent_field(),
        ProceduresField(id="procedures", label="Treatment given", codes=TIMED_CODES,
                        record="minutes"),
        LongTextField(id="orthosis", label="Orthosis made, fitted or adjusted",
                      help="Type, joints held, wearing schedule; needed when 97760 is billed."),
        *response_fields(),
        LongTextField(id="plan", label="Plan and home programme"),
    ))


def _measures(bctq_default: bool) -> tuple[MeasureField, MeasureField]:
    return (
        MeasureField(id="bctq", label="Boston Carpal Tunnel Questionnaire", measure="ot-bctq",
                     default=bctq_default),
        # A common measure another pack provides, used by id: the core's NPRS.
        MeasureField(id="pain", label="Pain now (NPRS)", measure="nprs", pack="general"),
    )


HAND_ASSESSMENT = NoteTemplate(
    id="ot.hand-assessment",
    title="Hand assessment",
    discipline="ot",
    kind="initial",
    default_for=("initial",),
    description="First visit: history, BCTQ, hand chart, strength and motion, the evaluation.",
    sections=(
        Section(id="history", title="History", fields=(
            LongTextField(id="complaint", label="Presenting complaint", required=True),
            ChoiceField(id="dominance", label="Dominant hand", options=(
                *SIDES, Option(value="both", label="Either"))),
            TextField(id="occupation", label="Occupation and hand use at work"),
            DateField(id="onset", label="Onset or injury date"),
            *_measures(bctq_default=True),
        )),
        _objective(),
        Section(id="assessment", title="Assessment", fields=(
            ChoiceField(id="complexity", label="Evaluation complexity", required=True,
                        options=tuple(Option(value=c.code, label=f"{c.label} ({c.code})")
                                      for c in EVALUATIONS)),
            LongTextField(id="assessment", label="Assessment"),
            LongTextField(id="goals", label="Goals"),
        )),
        _plan(),
    ),
)

HAND_THERAPY_VISIT = NoteTemplate(
    id="ot.hand-therapy-visit",
    title="Hand therapy visit",
    discipline="ot",
    kind="follow-up",
    default_for=("follow-up",),
    description="A treatment visit: progress, measurements, treatment and response.",
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="progress", label="Progress since the last visit", required=True),
            *_measures(bctq_default=False),
        )),
        _objective(),
        _plan(),
    ),
)

TEMPLATES = (HAND_ASSESSMENT, HAND_THERAPY_VISIT)
_TABLES = ("objective.grip", "objective.pinch", "objective.rom")


def _measured(row: Any) -> bool:
    """A table row with a measurement in it; a pre-filled row (a handle position, a kind of
    pinch) has none."""
    return isinstance(row, dict) and any(
        isinstance(v, int | float) and not isinstance(v, bool) for v in row.values())


def _findings_recorded(note: NoteContext) -> bool:
    return bool(note.value("objective.hands") or note.value("objective.tests")
                or str(note.value("objective.findings") or "").strip()
                or any(_measured(row) for path in _TABLES for row in note.value(path) or []))


def problems(note: NoteContext) -> list[NoteProblem]:
    """What a note needs before signing, beyond its required fields."""
    found = list(safety_problems(note))
    procedures = note.value("plan.procedures") or []
    codes = {entry.get("code") for entry in procedures}
    # Treatment billed must rest on documented findings (medical necessity).
    if procedures and not _findings_recorded(note):
        found.append(NoteProblem(field="objective.findings",
                                 message="Record the findings the treatment addressed: the "
                                         "hand chart, a measurement or a note"))
    if "97760" in codes and not str(note.value("plan.orthosis") or "").strip():
        found.append(NoteProblem(field="plan.orthosis",
                                 message="Orthotic management is billed: describe the "
                                         "orthosis and its wearing schedule"))
    if note.value("assessment.complexity") and evaluation_billed_today(note):
        found.append(NoteProblem(field="assessment.complexity", severity="warning",
                                 message="An OT evaluation was already charged today for this "
                                         "case; this one will not be billed again"))
    return found
