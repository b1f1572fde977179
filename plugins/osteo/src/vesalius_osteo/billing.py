"""Osteopathic billing: the OMT code for the body regions treated at a visit.

OMT (osteopathic manipulative treatment) is untimed and billed once per encounter by the
number of body regions treated: 98925 for one or two, 98926 three or four, 98927 five or
six, 98928 seven or eight, 98929 nine or ten (AMA CPT 98925-98929;
American Academy of Pediatrics, "Osteopathic Manipulative Treatment Coding Fact Sheet").
Labels are our own words.

One OMT code per day of a case: when another note of the case charged one that day (SDK 0.2
``same_day_notes``), this note bills none (CMS's medically unlikely edits allow one unit of
98925-98929 per day); validation warns so.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from vesalius_sdk import BillingCode, ChargeLine, NoteContext

from . import regions
from .notes import treated_regions

#: (most regions, code), in increasing order.
_BY_COUNT = ((2, "98925"), (4, "98926"), (6, "98927"), (8, "98928"), (10, "98929"))

CODES = (
    BillingCode(code="98925", label="Osteopathic treatment, 1 or 2 body regions",
                default_fee=Decimal("55.00"), category="OMT"),
    BillingCode(code="98926", label="Osteopathic treatment, 3 or 4 body regions",
                default_fee=Decimal("75.00"), category="OMT"),
    BillingCode(code="98927", label="Osteopathic treatment, 5 or 6 body regions",
                default_fee=Decimal("95.00"), category="OMT"),
    BillingCode(code="98928", label="Osteopathic treatment, 7 or 8 body regions",
                default_fee=Decimal("110.00"), category="OMT"),
    BillingCode(code="98929", label="Osteopathic treatment, 9 or 10 body regions",
                default_fee=Decimal("125.00"), category="OMT"),
)


def omt_code(treated: Iterable[str]) -> str | None:
    """The OMT code for the distinct body regions treated, or ``None`` when none was.

    Region ids are the ten of ``osteo.body``; a repeated id counts once. An unknown id
    raises ``ValueError`` naming it.
    """
    distinct = {regions.check(region_id) for region_id in treated}
    for most, code in _BY_COUNT:
        if len(distinct) and len(distinct) <= most:
            return code
    return None


def omt_charged_today(note: NoteContext) -> tuple[str, str] | None:
    """``(note id, code)`` of an OMT code another note of the case charged today."""
    omt = {c.code for c in CODES}
    return next(((other.id, code) for other in note.same_day_notes
                 for code in other.charged_codes if code in omt), None)


def charge_lines(note: NoteContext) -> list[ChargeLine]:
    """One OMT line for the regions the note's body chart marks with a technique, unless
    another note of the case charged OMT today."""
    code = omt_code(treated_regions(note))
    if code is None or omt_charged_today(note):
        return []
    return [ChargeLine(code=code, units=1)]
