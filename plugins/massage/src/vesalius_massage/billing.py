"""Billing codes (labels in our own words, never the CPT descriptor) and the charge rule."""

from __future__ import annotations

from decimal import Decimal

from vesalius_sdk import BillingCode, ChargeLine, NoteContext, timed_units

CODES = (
    BillingCode(code="97140", label="Hands-on (manual) therapy, per 15 minutes", timed=True,
                default_fee=Decimal("45.00"), category="treatment"),
)


def charge_lines(note: NoteContext) -> list[ChargeLine]:
    """Timed minutes per code become units by the payer's rule (the CMS 8-minute rule, or
    each code on its own for payers that count per code); entries given in units only are
    billed as counted."""
    lines: list[ChargeLine] = []
    minutes: dict[str, int] = {}
    for entry in note.value("plan.procedures", []):
        if entry.get("minutes") is not None:
            minutes[entry["code"]] = minutes.get(entry["code"], 0) + entry["minutes"]
        elif entry.get("units"):
            lines.append(ChargeLine(code=entry["code"], units=entry["units"]))
    units = timed_units(minutes, method=note.case.payer.timed_method)
    lines += [ChargeLine(code=code, units=n, minutes=minutes[code]) for code, n in units.items()]
    return lines
