"""Rules across fields that stop a podiatry note from being signed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from vesalius_sdk import NoteContext, NoteProblem

from .billing import ROUTINE_FOOT_CARE, charge_lines
from .templates import DIABETES

NAIL_CARE_FIELDS = ("nails_debrided", "nails_trimmed_dystrophic", "nails_trimmed")
NEEDS_BORDER = frozenset({"partial-avulsion", "matrixectomy"})


def treatment_problems(treatment: Mapping[str, Any]) -> list[NoteProblem]:
    """One kind of nail care per nail; complete rows in the per-toe tables."""
    problems: list[NoteProblem] = []
    seen = Counter(n for f in NAIL_CARE_FIELDS for n in treatment.get(f) or ())
    for nail, times in sorted(seen.items()):
        if times > 1:
            problems.append(NoteProblem(
                field="treatment.nails_debrided",
                message=f"{nail} is listed under more than one kind of nail care; "
                        "choose one per nail"))
    for i, row in enumerate(treatment.get("lesions_pared") or []):
        if not row.get("site") or not row.get("lesion"):
            problems.append(NoteProblem(
                field=f"treatment.lesions_pared[{i}]",
                message="give the site and the lesion of each lesion pared"))
    nails = Counter()
    for i, row in enumerate(treatment.get("nail_procedures") or []):
        if not row.get("nail") or not row.get("procedure"):
            problems.append(NoteProblem(
                field=f"treatment.nail_procedures[{i}]",
                message="give the nail and the procedure of each nail procedure"))
            continue
        nails[row["nail"]] += 1
        if row["procedure"] in NEEDS_BORDER and not row.get("border"):
            problems.append(NoteProblem(
                field=f"treatment.nail_procedures[{i}].border",
                message=f"{row['procedure']} of {row['nail']}: say which border"))
    for nail, times in sorted(nails.items()):
        if times > 1:
            problems.append(NoteProblem(
                field="treatment.nail_procedures",
                message=f"{nail} has {times} nail procedures; record one per nail"))
    return problems


def coverage_problems(note: NoteContext) -> list[NoteProblem]:
    """Medicare covers routine foot care only with a qualifying systemic condition.

    A warning: the care may still be given and billed to the patient (with the payer's
    advance notice), so the note itself is not wrong."""
    if note.case.payer.kind != "medicare":
        return []
    if not any(line.code in ROUTINE_FOOT_CARE for line in charge_lines(note)):
        return []
    conditions = note.value("coverage.conditions") or note.value("history.conditions")
    if conditions:
        return []
    field = ("coverage.conditions" if note.template_id == "podiatry.routine-foot-care"
             else "history.conditions")
    return [NoteProblem(field=field, severity="warning",
                        message="Medicare covers routine foot care only with a qualifying "
                                "systemic condition: record it")]


#: Routine foot care codes that count nails or lesions per day: one code of each family.
COUNTED_FAMILIES = (frozenset({"11055", "11056", "11057"}), frozenset({"11720", "11721"}),
                    frozenset({"11719"}), frozenset({"G0127"}))


def same_day_problems(note: NoteContext) -> list[NoteProblem]:
    """The counted routine foot care codes cover the day's nails or lesions: when another
    note of the case already charged one of a family today, billing this note's would split
    one day's count (3 nails + 3 nails is 11721 once, not 11720 twice)."""
    charged = {code for other in note.same_day_notes for code in other.charged_codes}
    twice = []
    for line in charge_lines(note):
        family = next((f for f in COUNTED_FAMILIES if line.code in f), frozenset())
        earlier = sorted(family & charged)
        if earlier:
            twice.append(f"{line.code} (today's other note charged {', '.join(earlier)})")
    if not twice:
        return []
    return [NoteProblem(field="treatment", message=f"Already billed today for this case: "
                        f"{'; '.join(twice)}. Record the day's nail care and paring on one "
                        "note")]


def risk_problems(note: NoteContext) -> list[NoteProblem]:
    """A patient with diabetes needs a diabetic foot risk category at the first assessment."""
    conditions = set(note.value("history.conditions", []))
    if conditions & DIABETES and not (note.value("risk.iwgdf") or note.value("risk.nice")):
        return [NoteProblem(field="risk.iwgdf", message="the patient has diabetes: record the "
                            "diabetic foot risk category (IWGDF or NICE)")]
    return []


def device_problems(note: NoteContext) -> list[NoteProblem]:
    """A device billed with the note needs its code."""
    if note.value("device.bill_with_note") is True and not note.value("device.hcpcs"):
        return [NoteProblem(field="device.hcpcs",
                            message="choose the billing code of the device to bill it")]
    return []


def validate(note: NoteContext) -> list[NoteProblem]:
    """Every cross-field problem of a podiatry note."""
    problems: list[NoteProblem] = []
    template = note.template_id
    if template in ("podiatry.initial-assessment", "podiatry.routine-foot-care"):
        problems += treatment_problems(note.document.get("treatment") or {})
    if template == "podiatry.initial-assessment":
        problems += risk_problems(note)
    if template == "podiatry.orthotic-prescription":
        problems += device_problems(note)
    if not problems:  # billing needs a clean treatment record
        problems += same_day_problems(note)
        problems += coverage_problems(note)
    return problems
