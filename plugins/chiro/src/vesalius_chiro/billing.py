"""Chiropractic billing: the CMT codes and the charge rule of a signed visit.

CMT (chiropractic manipulative treatment) is untimed and billed once per encounter by the
number of spinal regions adjusted: 98940 for one or two, 98941 for three or four, 98942 for
all five; 98943 for any extraspinal region. Several segments of one region count once
(C3 + C5 + C7 is one region). Sources: AMA CPT Assistant Feb 1997 for the regions,
chiropractorbillingclarity.com for the counting; the AT modifier on 98940-98942 for active
(corrective) treatment is Medicare's (Medicare Benefit Policy Manual, Pub. 100-02,
ch. 15, §240.1.3). Labels are our own words.

One spinal and one extraspinal CMT code per day of a case: a code of either kind already
charged that day by another note of the case (SDK 0.2 ``same_day_notes``) is not billed
again (CPT's one CMT code per encounter; CMS's medically unlikely edits allow one unit of
each of 98940-98943 per day).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from vesalius_sdk import BillingCode, ChargeLine, NoteContext

from . import segments
from .notes import adjusted_regions, care_type

SPINAL_1_2, SPINAL_3_4, SPINAL_5, EXTRASPINAL = "98940", "98941", "98942", "98943"

CODES = (
    BillingCode(code=SPINAL_1_2, label="Chiropractic adjustment, spine, 1 or 2 regions",
                default_fee=Decimal("45.00"), category="CMT"),
    BillingCode(code=SPINAL_3_4, label="Chiropractic adjustment, spine, 3 or 4 regions",
                default_fee=Decimal("60.00"), category="CMT"),
    BillingCode(code=SPINAL_5, label="Chiropractic adjustment, spine, all 5 regions",
                default_fee=Decimal("75.00"), category="CMT"),
    BillingCode(code=EXTRASPINAL, label="Chiropractic adjustment, one or more regions "
                                        "outside the spine", default_fee=Decimal("35.00"),
                category="CMT"),
)

SPINAL_CODES = (SPINAL_1_2, SPINAL_3_4, SPINAL_5)

#: The modifier a payer such as Medicare asks for on spinal CMT given as active treatment.
ACTIVE_TREATMENT = "AT"


def spinal_regions(adjusted: Iterable[str]) -> set[str]:
    """The distinct spinal CMT regions among chart ids (``ValueError`` naming an unknown id)."""
    groups = {segments.group_of(region_id) for region_id in adjusted}
    return groups - {"extraspinal"}


def cmt_codes(adjusted: Iterable[str]) -> list[str]:
    """The CMT codes for the spine-chart ids adjusted at one visit.

    Ids are the chart's (``C5``, ``rib4-left``, ``ilium-right``, ``head``; aliases such as
    ``D4`` too). The distinct spinal regions give 98940 (1-2), 98941 (3-4) or 98942 (5);
    98943 is added when any extraspinal region was adjusted. Nothing adjusted gives ``[]``.
    An unknown id raises ``ValueError`` naming it.
    """
    adjusted = list(adjusted)
    groups = [segments.group_of(region_id) for region_id in adjusted]
    spinal = set(groups) - {"extraspinal"}
    codes: list[str] = []
    if spinal:
        codes.append(SPINAL_1_2 if len(spinal) <= 2 else SPINAL_3_4 if len(spinal) <= 4
                     else SPINAL_5)
    if "extraspinal" in groups:
        codes.append(EXTRASPINAL)
    return codes


def charged_today(note: NoteContext) -> dict[str, str]:
    """The CMT kinds (``spinal``, ``extraspinal``) charged today by the case's other notes,
    with the id of the note that charged each."""
    kinds: dict[str, str] = {}
    for other in note.same_day_notes:
        for code in other.charged_codes:
            if code in SPINAL_CODES:
                kinds.setdefault("spinal", other.id)
            elif code == EXTRASPINAL:
                kinds.setdefault("extraspinal", other.id)
    return kinds


def charge_lines(note: NoteContext) -> list[ChargeLine]:
    """One line per CMT code for what the note's spine chart marks as adjusted.

    Spinal CMT carries the AT modifier when the case's payer asks for it and the visit is
    recorded as active treatment; maintenance care never carries it. 98943 never does. A
    kind of CMT another note of the case charged today is left out.
    """
    done = charged_today(note)
    codes = [code for code in cmt_codes(adjusted_regions(note))
             if ("extraspinal" if code == EXTRASPINAL else "spinal") not in done]
    wants_at = ACTIVE_TREATMENT in note.case.payer.modifiers and care_type(note) == "active"
    return [
        ChargeLine(code=code, units=1,
                   modifiers=(ACTIVE_TREATMENT,) if wants_at and code != EXTRASPINAL else ())
        for code in codes
    ]
