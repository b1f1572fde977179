"""OT billing codes (labels in our own words, never the CPT descriptor) and the charge rule.

The evaluation (97165-97167, untimed, one per day) is chosen by its complexity in the hand
assessment's ``assessment.complexity`` field and billed once; the timed codes recorded in a
procedures field become units by the payer's method (:func:`vesalius_sdk.timed_units`: the
CMS 8-minute rule, Medicare Claims Processing Manual 100-04, ch. 5, section 20.2, or each
code on its own).
"""

from __future__ import annotations

from decimal import Decimal

from vesalius_sdk import BillingCode, ChargeLine, NoteContext, timed_units

EVALUATIONS = (
    BillingCode(code="97165", label="OT evaluation, low complexity", default_fee=Decimal("95.00"),
                category="evaluation"),
    BillingCode(code="97166", label="OT evaluation, moderate complexity",
                default_fee=Decimal("110.00"), category="evaluation"),
    BillingCode(code="97167", label="OT evaluation, high complexity",
                default_fee=Decimal("130.00"), category="evaluation"),
)
TIMED = (
    BillingCode(code="97530", label="Functional (therapeutic) activities, per 15 minutes",
                timed=True, default_fee=Decimal("42.00"), category="treatment"),
    BillingCode(code="97110", label="Therapeutic exercise, per 15 minutes", timed=True,
                default_fee=Decimal("38.00"), category="treatment"),
    BillingCode(code="97140", label="Hands-on (manual) therapy, per 15 minutes", timed=True,
                default_fee=Decimal("40.00"), category="treatment"),
    BillingCode(code="97760", label="Orthosis fitting and training, first encounter, "
                                    "per 15 minutes", timed=True,
                default_fee=Decimal("48.00"), category="orthotics"),
)
CODES = EVALUATIONS + TIMED
EVALUATION_CODES = frozenset(c.code for c in EVALUATIONS)
TIMED_CODES = tuple(c.code for c in TIMED)
#: The modifier for services under an occupational therapy plan of care (Medicare Claims
#: Processing Manual 100-04, ch. 5, section 20.1), added when the payer asks for it.
OT_MODIFIER = "GO"


def evaluation_billed_today(note: NoteContext) -> bool:
    """Whether another note of the case on this date already charged an OT evaluation."""
    return any(EVALUATION_CODES & set(other.charged_codes) for other in note.same_day_notes)


def charge_lines(note: NoteContext) -> list[ChargeLine]:
    """The evaluation chosen (once a day), then the timed minutes per code as units."""
    modifiers = (OT_MODIFIER,) if OT_MODIFIER in note.case.payer.modifiers else ()
    lines: list[ChargeLine] = []
    evaluation = note.value("assessment.complexity")
    if evaluation in EVALUATION_CODES and not evaluation_billed_today(note):
        lines.append(ChargeLine(code=evaluation, units=1, modifiers=modifiers))
    minutes: dict[str, int] = {}
    for entry in note.value("plan.procedures", []):
        if entry.get("minutes") is not None:
            minutes[entry["code"]] = minutes.get(entry["code"], 0) + entry["minutes"]
    units = timed_units(minutes, method=note.case.payer.timed_method)
    lines += [ChargeLine(code=code, units=n, minutes=minutes[code], modifiers=modifiers)
              for code, n in units.items()]
    return lines
