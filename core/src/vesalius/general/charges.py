"""Charges of a generic SOAP note: what its procedures field lists."""

from __future__ import annotations

from vesalius_sdk import ChargeLine, NoteContext
from vesalius_sdk.billing import timed_units


def from_procedures(note: NoteContext) -> list[ChargeLine]:
    """Entries with units are billed as counted; entries with minutes only are timed units
    by the payer's method (the CMS 8-minute rule unless the payer says per code)."""
    lines: list[ChargeLine] = []
    minutes: dict[str, int] = {}
    for entry in note.value("plan.procedures", []):
        if entry.get("units"):
            lines.append(ChargeLine(code=entry["code"], units=entry["units"],
                                    modifiers=tuple(entry.get("modifiers", ())),
                                    minutes=entry.get("minutes")))
        elif entry.get("minutes") is not None:
            minutes[entry["code"]] = minutes.get(entry["code"], 0) + entry["minutes"]
    units = timed_units(minutes, method=note.case.payer.timed_method)
    lines += [ChargeLine(code=c, units=n, minutes=minutes[c]) for c, n in units.items()]
    return lines
