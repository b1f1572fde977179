"""Billing codes (labels in our own words, never the CPT descriptor) and the charge rule."""

from __future__ import annotations

from decimal import Decimal

from vesalius_sdk import BillingCode, ChargeLine, NoteContext, timed_units

from .techniques import CODE_OF

CODES = (
    BillingCode(code="97124", label="Massage (stroking, kneading, percussion), per 15 minutes",
                timed=True, default_fee=Decimal("40.00"), category="treatment"),
    BillingCode(code="97140", label="Hands-on (manual) therapy such as myofascial release or "
                "lymphatic drainage, per 15 minutes", timed=True,
                default_fee=Decimal("45.00"), category="treatment"),
)


def minutes_by_code(note: NoteContext) -> dict[str, int]:
    """The treatment log's minutes summed per code, in the order first logged."""
    minutes: dict[str, int] = {}
    for row in note.value("treatment.sequence", []):
        code = CODE_OF.get(row.get("technique") or "")
        if code and row.get("minutes"):
            minutes[code] = minutes.get(code, 0) + int(row["minutes"])
    return minutes


def charge_lines(note: NoteContext) -> list[ChargeLine]:
    """Units per code by the payer's timed rule: the CMS 8-minute rule over the visit's
    total timed minutes, or each code on its own for payers that count per code."""
    minutes = minutes_by_code(note)
    units = timed_units(minutes, method=note.case.payer.timed_method)
    return [ChargeLine(code=code, units=n, minutes=minutes[code]) for code, n in units.items()]
