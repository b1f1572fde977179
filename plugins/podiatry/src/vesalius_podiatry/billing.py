"""Podiatry billing: codes, the count and modifier rules, and the charge rule.

Rules and their sources:

- nail debridement: 1-5 nails 11720, 6 or more (of 10) 11721; paring of benign
  hyperkeratotic lesions: 1 -> 11055, 2-4 -> 11056, more than 4 -> 11057 (the code
  descriptors of the American Medical Association's CPT code set; labels below are ours);
- toe modifiers: left TA, T1-T4 for digits 1-5, right T5, T6-T9 (CMS, HCPCS Level II
  modifiers); they replace LT/RT and 59 on a per-digit line;
- class findings for Medicare routine foot care: Q7 one Class A finding, Q8 two Class B
  findings, Q9 one Class B and two Class C findings (CMS, Medicare Benefit Policy Manual,
  Pub. 100-02, chapter 15, section 290, Foot Care: presumption of coverage).

The initial assessment chooses no evaluation code: it bills only the treatment recorded on
it (an E/M code for the evaluation is outside this pack's code set).

Which modifiers go on which line is our reading of those rules (see the README):
per-nail procedures (avulsion, matrix excision, haematoma evacuation) are billed one line per
toe with its toe modifier; count codes (nail care, paring) cover several digits in one line
and carry the class-finding modifier instead, when the payer asks for it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from vesalius_sdk import BillingCode, ChargeLine, NoteContext

from .charts.sites import nail_digit

# Default list prices: a clinic replaces them with its own fee schedules.
CODES: tuple[BillingCode, ...] = (
    BillingCode(code="11055", label="Paring of one benign hyperkeratotic lesion",
                default_fee=Decimal("45.00"), category="routine foot care"),
    BillingCode(code="11056", label="Paring of two to four benign hyperkeratotic lesions",
                default_fee=Decimal("55.00"), category="routine foot care"),
    BillingCode(code="11057", label="Paring of five or more benign hyperkeratotic lesions",
                default_fee=Decimal("65.00"), category="routine foot care"),
    BillingCode(code="11719", label="Trimming of non-dystrophic nails, any number",
                default_fee=Decimal("30.00"), category="routine foot care"),
    BillingCode(code="11720", label="Debridement of one to five nails",
                default_fee=Decimal("50.00"), category="routine foot care"),
    BillingCode(code="11721", label="Debridement of six or more nails",
                default_fee=Decimal("65.00"), category="routine foot care"),
    BillingCode(system="HCPCS", code="G0127", label="Trimming of dystrophic nails, any number",
                default_fee=Decimal("35.00"), category="routine foot care"),
    BillingCode(code="11730", label="Nail avulsion, partial or complete, first nail",
                default_fee=Decimal("150.00"), category="nail surgery"),
    BillingCode(code="11732", label="Nail avulsion, each further nail",
                default_fee=Decimal("75.00"), category="nail surgery"),
    BillingCode(code="11740", label="Evacuation of a subungual haematoma",
                default_fee=Decimal("90.00"), category="nail surgery"),
    BillingCode(code="11750", label="Permanent excision of nail and matrix, partial or total",
                default_fee=Decimal("300.00"), category="nail surgery"),
    BillingCode(system="HCPCS", code="L3000",
                label="Foot insert moulded to a model of the patient, UCB type, each",
                default_fee=Decimal("250.00"), category="orthoses"),
    BillingCode(system="HCPCS", code="L3020",
                label="Foot insert moulded to a model, longitudinal and metatarsal support, "
                      "each", default_fee=Decimal("250.00"), category="orthoses"),
    BillingCode(system="HCPCS", code="L3030",
                label="Foot insert formed directly on the patient's foot, each",
                default_fee=Decimal("180.00"), category="orthoses"),
    BillingCode(system="HCPCS", code="A5512",
                label="Diabetic shoe insert, prefabricated heat-moulded, each",
                default_fee=Decimal("60.00"), category="orthoses"),
    BillingCode(system="HCPCS", code="A5513",
                label="Diabetic shoe insert, custom-moulded to a model, each",
                default_fee=Decimal("120.00"), category="orthoses"),
)
CODE_SET = frozenset(c.code for c in CODES)
#: Codes Medicare treats as routine foot care: they carry the class-finding modifier.
ROUTINE_FOOT_CARE = frozenset({"11055", "11056", "11057", "11719", "11720", "11721", "G0127"})
ORTHOSIS_CODES = ("L3000", "L3020", "L3030", "A5512", "A5513")

_TOE_MODIFIERS = {
    "left": ("TA", "T1", "T2", "T3", "T4"),
    "right": ("T5", "T6", "T7", "T8", "T9"),
}
_FOOT = {"left": "left", "l": "left", "lt": "left", "right": "right", "r": "right",
         "rt": "right"}

#: The trophic changes that count; three or more make one Class B finding.
TROPHIC_CHANGES = ("hair-loss", "nail-thickening", "discolouration", "thin-shiny-skin",
                   "rubor")
CLASS_B_PULSES = ("absent-posterior-tibial", "absent-dorsalis-pedis")
CLASS_C = ("claudication", "temperature-change", "paresthesia", "burning", "edema")


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{what} cannot be negative, got {value}")
    return value


def nail_debridement_code(nails: int) -> str | None:
    """11720 for 1-5 nails debrided, 11721 for 6-10, ``None`` for none.

    Raises ``ValueError`` for a count that is not a whole number from 0 to 10 (a patient
    has ten toenails).
    """
    nails = _count(nails, "nails debrided")
    if nails > 10:
        raise ValueError(f"at most 10 toenails can be debrided, got {nails}")
    if nails == 0:
        return None
    return "11720" if nails <= 5 else "11721"


def paring_code(lesions: int) -> str | None:
    """11055 for one lesion pared, 11056 for 2-4, 11057 for 5 or more, ``None`` for none."""
    lesions = _count(lesions, "lesions pared")
    if lesions == 0:
        return None
    if lesions == 1:
        return "11055"
    return "11056" if lesions <= 4 else "11057"


def toe_modifier(foot: str, digit: int) -> str:
    """The HCPCS toe modifier: left TA, T1-T4 for digits 1-5; right T5, T6-T9.

    ``foot`` is ``left`` or ``right`` (``L``/``R``/``LT``/``RT`` too, any case); ``digit``
    is 1 (great toe) to 5. Anything else raises ``ValueError``.
    """
    side = _FOOT.get(foot.strip().lower()) if isinstance(foot, str) else None
    if side is None:
        raise ValueError(f"foot must be 'left' or 'right', got {foot!r}")
    if isinstance(digit, bool) or not isinstance(digit, int) or not 1 <= digit <= 5:
        raise ValueError(f"digit must be 1 (great toe) to 5, got {digit!r}")
    return _TOE_MODIFIERS[side][digit - 1]


def advanced_trophic_changes(changes: Collection[str]) -> bool:
    """Whether the trophic changes recorded make the Class B finding (three or more)."""
    unknown = set(changes) - set(TROPHIC_CHANGES)
    if unknown:
        raise ValueError(f"unknown trophic change(s): {', '.join(sorted(unknown))}")
    return len(set(changes)) >= 3


def class_findings(findings: Mapping[str, Any]) -> tuple[int, int, int]:
    """Count Class A, B and C findings from a class-findings section of a note.

    Keys: ``amputation`` (bool, non-traumatic amputation of the foot or part of it),
    ``absent_pulses`` (``absent-posterior-tibial`` / ``absent-dorsalis-pedis``),
    ``trophic_changes`` (three or more of :data:`TROPHIC_CHANGES` count as one), and
    ``class_c`` (of :data:`CLASS_C`).
    """
    class_a = 1 if findings.get("amputation") is True else 0
    pulses = set(findings.get("absent_pulses") or ())
    if pulses - set(CLASS_B_PULSES):
        raise ValueError(f"unknown pulse finding(s): {sorted(pulses - set(CLASS_B_PULSES))}")
    class_b = len(pulses) + advanced_trophic_changes(findings.get("trophic_changes") or ())
    class_c = set(findings.get("class_c") or ())
    if class_c - set(CLASS_C):
        raise ValueError(f"unknown Class C finding(s): {sorted(class_c - set(CLASS_C))}")
    return class_a, class_b, len(class_c)


def class_finding_modifier(class_a: int, class_b: int, class_c: int) -> str | None:
    """Q7, Q8 or Q9 from the counts of Class A, B and C findings, or ``None``.

    Q7: one Class A finding. Q8: two Class B findings. Q9: one Class B and two Class C
    findings. When several are met, the first in that order is given (one per line).
    """
    for value, name in ((class_a, "Class A"), (class_b, "Class B"), (class_c, "Class C")):
        _count(value, f"{name} findings")
    if class_a >= 1:
        return "Q7"
    if class_b >= 2:
        return "Q8"
    if class_b >= 1 and class_c >= 2:
        return "Q9"
    return None


# --------------------------------------------------------------------------------------
# The charge rule.
# --------------------------------------------------------------------------------------

#: Per-nail procedures in the ``treatment.nail_procedures`` table -> how they bill.
NAIL_PROCEDURES = {
    "partial-avulsion": "avulsion",
    "total-avulsion": "avulsion",
    "matrixectomy": "11750",
    "haematoma-evacuation": "11740",
}


def _wants_class_modifier(note: NoteContext, modifier: str) -> bool:
    """Medicare asks for the Q modifiers on routine foot care; other payers when they list them."""
    payer = note.case.payer
    return payer.kind == "medicare" or modifier in payer.modifiers


def routine_care_lines(treatment: Mapping[str, Any],
                       class_modifier: str | None) -> list[ChargeLine]:
    """Lines for the nail care and paring recorded in a ``treatment`` section."""
    q = (class_modifier,) if class_modifier else ()
    lines: list[ChargeLine] = []
    debrided = treatment.get("nails_debrided") or []
    if code := nail_debridement_code(len(debrided)):
        lines.append(ChargeLine(code=code, units=1, modifiers=q))
    if treatment.get("nails_trimmed_dystrophic"):
        lines.append(ChargeLine(code="G0127", units=1, modifiers=q))
    if treatment.get("nails_trimmed"):
        lines.append(ChargeLine(code="11719", units=1, modifiers=q))
    if code := paring_code(len(treatment.get("lesions_pared") or [])):
        lines.append(ChargeLine(code=code, units=1, modifiers=q))
    return lines


def nail_procedure_lines(rows: Sequence[Mapping[str, Any]]) -> list[ChargeLine]:
    """One line per toe for per-nail procedures, each with its toe modifier.

    Avulsions bill 11730 for the first nail and 11732 for each further nail.
    """
    lines: list[ChargeLine] = []
    avulsions = 0
    for row in rows:
        kind = NAIL_PROCEDURES.get(row.get("procedure") or "")
        nail = row.get("nail")
        if kind is None or not nail:
            continue
        side, digit = nail_digit(nail)
        if kind == "avulsion":
            code = "11730" if avulsions == 0 else "11732"
            avulsions += 1
        else:
            code = kind
        lines.append(ChargeLine(code=code, units=1, modifiers=(toe_modifier(side, digit),)))
    return lines


def orthosis_lines(prescription: Mapping[str, Any]) -> list[ChargeLine]:
    """The device code once per foot (HCPCS 'each'), with RT/LT, when billed on this note."""
    if prescription.get("bill_with_note") is not True:
        return []
    code = prescription.get("hcpcs")
    if code not in ORTHOSIS_CODES:
        return []
    feet = {"left": ("LT",), "right": ("RT",), "both": ("RT", "LT")}.get(
        prescription.get("feet") or "", ())
    return [ChargeLine(code=code, units=1, modifiers=(side,)) for side in feet]


def charge_lines(note: NoteContext) -> list[ChargeLine]:
    """The lines to bill for a podiatry note (see the module docstring for the rules)."""
    lines: list[ChargeLine] = []
    treatment = note.document.get("treatment") or {}
    if treatment:
        counts = class_findings(note.document.get("class_findings") or {})
        modifier = class_finding_modifier(*counts)
        if modifier and not _wants_class_modifier(note, modifier):
            modifier = None
        lines += routine_care_lines(treatment, modifier)
        lines += nail_procedure_lines(treatment.get("nail_procedures") or [])
    lines += orthosis_lines(note.document.get("device") or {})
    return lines
