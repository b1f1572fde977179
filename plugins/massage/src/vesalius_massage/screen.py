"""The contraindication screen of the intake, and the decision it requires.

Each item is a yes/no question. What a "yes" calls for follows the total / local / caution
scheme of massage pathology references (Werner, A Massage Therapist's Guide to Pathology,
7th ed. 2019, ch. 1; Batavia, Contraindications for therapeutic massage: do sources agree?,
J Bodyw Mov Ther 2004;8(1):48-57): some conditions rule out massage today, some call for a
clinician's clearance first, some rule out the affected area only, and some call for
changes in pressure, position or technique. It prompts the therapist's judgement; it does
not replace it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Decision = Literal["proceed", "proceed-modified", "refer", "postpone"]

#: From least to most cautious; the screen's decision must be at least what the answers need.
DECISIONS: tuple[tuple[Decision, str], ...] = (
    ("proceed", "Proceed"),
    ("proceed-modified", "Proceed with modifications"),
    ("refer", "Obtain medical clearance first"),
    ("postpone", "Postpone massage"),
)
_RANK = {d: i for i, (d, _) in enumerate(DECISIONS)}


@dataclass(frozen=True)
class ScreenItem:
    id: str
    label: str
    #: What a "yes" calls for: postpone (total), refer (clearance), local (avoid the area),
    #: modify (pressure, position or technique).
    calls_for: Literal["postpone", "refer", "local", "modify"]


ITEMS: tuple[ScreenItem, ...] = (
    ScreenItem("fever", "Fever, or an acute infectious illness (cold, flu)", "postpone"),
    ScreenItem("intoxicated", "Under the influence of alcohol or drugs", "postpone"),
    ScreenItem("blood_clot", "Known or suspected blood clot (DVT) or phlebitis", "refer"),
    ScreenItem("cardiac", "Recent heart attack or stroke, or an unstable heart condition",
               "refer"),
    ScreenItem("uncontrolled_bp", "High blood pressure not controlled by treatment", "refer"),
    ScreenItem("unexplained_pain", "Severe or worsening pain without a diagnosis", "refer"),
    ScreenItem("cancer_treatment", "Cancer under active treatment (surgery, chemotherapy, "
               "radiation)", "refer"),
    ScreenItem("skin", "Rash, contagious skin condition, open wound or burn", "local"),
    ScreenItem("recent_surgery", "Surgery in the last 6 weeks", "local"),
    ScreenItem("recent_injury", "Fracture, sprain or strain in the last 6 weeks", "local"),
    ScreenItem("varicose_veins", "Varicose veins", "local"),
    ScreenItem("injection", "Cortisone or other injection in the last 2 weeks", "local"),
    ScreenItem("inflamed_joint", "Hot, swollen joints (an inflammatory flare)", "local"),
    ScreenItem("implant", "Pacemaker, port or other implanted device", "local"),
    ScreenItem("anticoagulants", "Takes blood thinners, or bruises or bleeds easily",
               "modify"),
    ScreenItem("osteoporosis", "Osteoporosis or fragile bones", "modify"),
    ScreenItem("pregnancy", "Pregnant", "modify"),
    ScreenItem("reduced_sensation", "Reduced sensation (neuropathy, diabetes)", "modify"),
    ScreenItem("lymphoedema", "Lymph nodes removed, or lymphoedema", "modify"),
)

_NEEDS: dict[str, Decision] = {
    "postpone": "postpone", "refer": "refer", "local": "proceed-modified",
    "modify": "proceed-modified",
}


def required_decision(answers: Mapping[str, Any], cleared: bool = False) -> Decision:
    """The least cautious decision the "yes" answers allow.

    A clinician's clearance on file turns "obtain clearance" into "proceed with
    modifications"; it never overrides a reason to postpone.
    """
    needed: Decision = "proceed"
    for item in ITEMS:
        if answers.get(item.id) is True:
            one = _NEEDS[item.calls_for]
            if one == "refer" and cleared:
                one = "proceed-modified"
            if _RANK[one] > _RANK[needed]:
                needed = one
    return needed


def too_lenient(decision: str, answers: Mapping[str, Any], cleared: bool = False
                ) -> Decision | None:
    """The decision the answers require when ``decision`` is less cautious, else ``None``."""
    needed = required_decision(answers, cleared)
    return needed if _RANK.get(decision, -1) < _RANK[needed] else None
