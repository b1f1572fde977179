"""Acupuncture billing: the four needle codes and the charge rule.

The rules are the AMA's CPT guidelines for the acupuncture codes 97810-97814 (CPT 2005
onwards; American Medical Association, CPT Professional Edition, Physical Medicine and
Rehabilitation, Acupuncture): time is personal one-on-one contact in 15-minute increments,
not how long the needles stay in. The first increment of the day is the initial code, 97810
without or 97813 with electro-stimulation; each further increment is an add-on, 97811
without or 97814 with electro-stimulation (with re-insertion of needles). An increment in
which any needle was stimulated electrically bills as an electro-stimulation increment.
Only one initial code is billed per day: a second note of the case on the same day (its
``same_day_notes`` show the first one's charged codes) bills add-on codes only.

The intake chooses no evaluation code: its first treatment bills like any other visit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from vesalius_sdk import BillingCode, ChargeLine, NoteContext

INCREMENT_MINUTES = 15
CODES: tuple[BillingCode, ...] = (
    BillingCode(code="97810", label="Acupuncture without electro-stimulation, first 15 min "
                "of one-on-one contact", timed=True, default_fee=Decimal("75.00"),
                category="acupuncture"),
    BillingCode(code="97811", label="Acupuncture without electro-stimulation, each further "
                "15 min with re-insertion", timed=True, default_fee=Decimal("45.00"),
                category="acupuncture"),
    BillingCode(code="97813", label="Acupuncture with electro-stimulation, first 15 min of "
                "one-on-one contact", timed=True, default_fee=Decimal("85.00"),
                category="acupuncture"),
    BillingCode(code="97814", label="Acupuncture with electro-stimulation, each further 15 "
                "min with re-insertion", timed=True, default_fee=Decimal("55.00"),
                category="acupuncture"),
)
CODE_SET = frozenset(c.code for c in CODES)
#: The codes of the first increment of a day, one of which is billed per day at most.
INITIAL_CODES = frozenset({"97810", "97813"})


def acupuncture_codes(increments: Sequence[bool], *,
                      initial_billed: bool = False) -> dict[str, int]:
    """Units per code for the 15-minute increments of one visit.

    ``increments`` has one element per 15-minute increment of personal one-on-one contact,
    ``True`` when electro-stimulation was used in it. The first is the initial code (97810,
    or 97813 with electro-stimulation), each further one an add-on (97811, or 97814).
    With ``initial_billed`` (an initial code was already billed today) every increment is
    an add-on. An empty sequence gives ``{}``. Raises ``ValueError`` for an element that is
    not a bool.
    """
    if isinstance(increments, str | bytes):
        raise ValueError("increments must be a sequence of booleans, not a string")
    flags = list(increments)
    for i, flag in enumerate(flags):
        if not isinstance(flag, bool):
            raise ValueError(f"increment {i + 1} must be True or False, got {flag!r}")
    if not flags:
        return {}
    codes: dict[str, int] = {}
    if not initial_billed:
        codes["97813" if flags[0] else "97810"] = 1
        flags = flags[1:]
    for flag in flags:
        code = "97814" if flag else "97811"
        codes[code] = codes.get(code, 0) + 1
    return codes


def initial_billed_today(note: NoteContext) -> bool:
    """Whether another note of the case on the same day already charged an initial code."""
    return any(INITIAL_CODES.intersection(other.charged_codes)
               for other in note.same_day_notes)


def increments_from(rows: Sequence[Mapping[str, Any]]) -> list[bool]:
    """The increments recorded in a note's ``contact.increments`` table, one row each."""
    return [row.get("electro") is True for row in rows]


def increments_for_minutes(minutes: int) -> int:
    """How many 15-minute increments ``minutes`` of contact make (the midpoint rule).

    A unit needs at least 8 minutes; each further unit starts at the midpoint of the next
    15 minutes: 8-22 -> 1, 23-37 -> 2, 38-52 -> 3, so 20 minutes is one increment (the
    midpoint rule of CMS, Medicare Claims Processing Manual 100-04, ch. 5, section 20.2).
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        raise ValueError(f"minutes must be a whole number >= 0, got {minutes!r}")
    return (minutes + 7) // INCREMENT_MINUTES if minutes >= 8 else 0


def charge_lines(note: NoteContext) -> list[ChargeLine]:
    """Lines for the contact increments recorded on an acupuncture note; add-on codes only
    when an initial code was already charged on the case's other note of the day."""
    rows = note.value("contact.increments", [])
    codes = acupuncture_codes(increments_from(rows), initial_billed=initial_billed_today(note))
    return [ChargeLine(code=code, units=units, minutes=units * INCREMENT_MINUTES)
            for code, units in codes.items()]
