"""What stops a massage note from being signed, beyond its required fields."""

from __future__ import annotations

from vesalius_sdk import NoteContext, NoteProblem

from .screen import DECISIONS, ITEMS, too_lenient

_DECISION_LABEL = dict(DECISIONS)


def intake_problems(note: NoteContext) -> list[NoteProblem]:
    """The decision must be as cautious as the screen requires, with a note of the
    modifications when proceeding with them. (Consent is a must-be-ticked box: the host
    checks it with the required fields.)"""
    problems = []
    screen = note.document.get("screen") or {}
    decision = screen.get("decision")
    if decision:
        needed = too_lenient(decision, screen, cleared=screen.get("clearance") is True)
        if needed:
            reasons = [i.label for i in ITEMS if screen.get(i.id) is True]
            problems.append(NoteProblem(
                field="screen.decision",
                message=f"The screen calls for '{_DECISION_LABEL[needed]}' ("
                        + "; ".join(reasons) + ")"))
        if decision == "proceed-modified" and not screen.get("modifications"):
            problems.append(NoteProblem(field="screen.modifications",
                                        message="Say which modifications will be made"))
    return problems


def treatment_problems(note: NoteContext) -> list[NoteProblem]:
    """Every logged row needs its area, technique and minutes (what the charge rule
    bills). (The same-day re-screen is a must-be-ticked box, checked by the host.)"""
    problems = []
    for i, row in enumerate(note.value("treatment.sequence", [])):
        for column, label in (("area", "area"), ("technique", "technique"),
                              ("minutes", "minutes")):
            if not row.get(column):
                problems.append(NoteProblem(field=f"treatment.sequence[{i}].{column}",
                                            message=f"Row {i + 1} needs its {label}"))
    return problems


RULES = {"massage.intake": intake_problems, "massage.treatment": treatment_problems}


def problems(note: NoteContext) -> list[NoteProblem]:
    rule = RULES.get(note.template_id)
    return rule(note) if rule else []
