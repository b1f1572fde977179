"""Fixtures of the physio pack's tests: notes as the host hands them to the pack's rules."""

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from vesalius_physio.templates import BY_ID
from vesalius_sdk import CaseContext, NoteContext, NoteSummary, PayerContext


def make(template_id: str, document: dict[str, Any], *, method: str = "cms",
         modifiers: frozenset[str] = frozenset(),
         same_day: tuple[NoteSummary, ...] = ()) -> NoteContext:
    """A note as the host of SDK 0.2 hands it over: with its template and the case's
    other notes of the same day."""
    return NoteContext(
        template_id=template_id,
        template_version=BY_ID[template_id].version,
        template=BY_ID[template_id],
        same_day_notes=same_day,
        document=document,
        date_of_service=date(2026, 11, 2),
        case=CaseContext(discipline="physio",
                         payer=PayerContext(kind="medicare", timed_method=method,
                                            modifiers=modifiers)),
    )


@pytest.fixture
def note() -> Callable[..., NoteContext]:
    """``note(template_id, document, method="cms", same_day=())`` -> a NoteContext."""
    return make


@pytest.fixture
def follow_up() -> Callable[..., NoteContext]:
    """``follow_up(procedures, method="cms")``: a follow-up note recording ``procedures``."""

    def build(procedures: list[dict[str, Any]], method: str = "cms") -> NoteContext:
        return make("physio.follow-up", {"treatment": {"procedures": procedures}},
                    method=method)

    return build


#: A complete initial assessment of a low-back case, as an editor would save it.
INITIAL_DOCUMENT: dict[str, Any] = {
    "referral": {"source": "physician", "referrer": "Dr Example",
                 "medical_diagnosis": "Low back pain", "consent": True},
    "subjective": {
        "chief_complaint": "Right-sided low back pain into the buttock",
        "history": "Lifting a box three weeks ago; pain the next morning.",
        "mechanism": "work", "onset_date": "2026-10-12", "stage": "acute",
        "trend": "improving",
        "body_chart": [
            {"region": "low-back-right", "type": "aching",
             "attributes": {"intensity": 6, "depth": "deep", "pattern": "constant"}},
            {"region": "buttock-right", "type": "pins-and-needles",
             "attributes": {"intensity": 3, "pattern": "intermittent"}},
        ],
        "pain_best": 2, "pain_worst": 7,
        "pain_24h": "Stiff for 20 minutes on waking, worse after sitting.",
        "morning_stiffness": 20, "night_pain": "on-movement",
        "aggravating": "Sitting over 30 minutes, bending.", "easing": "Walking, lying down.",
        "irritability": "moderate", "red_flags_screened": True, "red_flags": [],
        "comorbidities": ["hypertension"], "medications": "Ibuprofen as needed",
        "occupation": "Warehouse worker", "patient_goals": "Back to full shifts.",
    },
    "outcome_measures": {"odi": {"responses": [2, 1, 3, 2, 2, 1, 2, 1, 1, 1]}},
    "objective": {
        "observation": "Slight shift to the left.", "posture": ["lateral-shift"],
        "gait_aid": "none",
        "rom": [
            {"joint": "lumbar", "movement": "flexion", "side": "midline", "active": 40,
             "normal": 60, "pain": "end-range", "notes": "fingertips to mid-shin"},
            {"joint": "hip", "movement": "flexion", "side": "right", "active": 110,
             "passive": 115, "normal": 120, "pain": "none", "end_feel": "normal"},
        ],
        "strength": [{"joint": "hip", "movement": "abduction", "side": "right",
                      "grade": "4", "painful": False}],
        "special_tests": [
            {"region": "neurodynamic", "test": "slr", "side": "right", "result": "negative"},
            {"region": "sij", "test": "thigh-thrust", "side": "right", "result": "negative"},
        ],
        "palpation": "Tender right L4-5 paraspinals.",
        "functional_tests": [{"test": "Sit to stand x5", "result": 14.2, "unit": "seconds"}],
    },
    "neuro": {
        "dermatomes": [{"level": "L5", "side": "right", "light_touch": "normal"}],
        "myotomes": [{"level": "L5", "side": "right", "grade": "5"}],
        "reflexes": [{"reflex": "achilles", "side": "right", "grade": "2+"}],
        "upper_motor_neuron": [{"sign": "babinski", "side": "right", "result": "negative"}],
    },
    "assessment": {
        "impression": "Mechanical low back pain with referred buttock symptoms.",
        "diagnosis_codes": ["M54.50"], "complexity": "moderate", "prognosis": "good",
    },
    "plan": {
        "goals": [{"goal": "Sit 60 minutes without pain above 2/10", "term": "short",
                   "target_date": "2026-11-30", "status": "not-started"}],
        "frequency_per_week": 2, "duration_weeks": 6,
        "interventions": ["therapeutic-exercise", "manual-therapy", "education"],
        "home_programme_given": True,
    },
    "treatment": {
        "procedures": [{"code": "97162", "minutes": 35}, {"code": "97140", "minutes": 12},
                       {"code": "97110", "minutes": 10}],
        "treatment_notes": "Grade III PA mobilisations L4-5; prone press-ups taught.",
    },
}


@pytest.fixture
def initial_document() -> dict[str, Any]:
    """A complete initial assessment document (a deep copy each time)."""
    return copy.deepcopy(INITIAL_DOCUMENT)
