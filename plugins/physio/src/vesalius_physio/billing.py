"""Billing codes of physiotherapy, in our own words, and the charge rule for signed notes.

Code numbers are CPT (AMA) or HCPCS; the labels are ours (CPT descriptors are copyrighted,
CLINICAL.md 2.0). ``default_fee`` is a starting list price for a self-pay clinic, set by us
and not taken from any fee schedule: clinics replace it with their own and with payers' fee
schedules. Which codes are timed follows CLINICAL.md 2.1-2.2.

The charge rule (:func:`charge_lines`): each untimed code once per visit, with the units
recorded (default 1); timed codes by :func:`vesalius_sdk.billing.timed_units` over the
visit's timed minutes, with the payer's method (the CMS 8-minute rule unless the payer
counts each code on its own); every line carries GP, the modifier of a service under a
physiotherapy plan of care (CLINICAL.md 2.4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Literal

from vesalius_sdk import BillingCode, ChargeLine, NoteContext, NoteTemplate, ProceduresField
from vesalius_sdk.billing import timed_units

#: Service under an outpatient physiotherapy plan of care.
PLAN_OF_CARE_MODIFIER = "GP"
MAX_MODIFIERS = 4


def _code(code: str, label: str, fee: str, *, timed: bool = False, category: str,
          system: Literal["CPT", "HCPCS"] = "CPT") -> BillingCode:
    return BillingCode(system=system, code=code, label=label, timed=timed,
                       default_fee=Decimal(fee), category=category)


EVALUATION_CODES = ("97161", "97162", "97163")
RE_EVALUATION_CODE = "97164"

CODES: tuple[BillingCode, ...] = (
    # Evaluations: untimed, one per visit; complexity, not time, picks the code.
    _code("97161", "Physio evaluation, low complexity", "150.00", category="evaluation"),
    _code("97162", "Physio evaluation, moderate complexity", "150.00", category="evaluation"),
    _code("97163", "Physio evaluation, high complexity", "150.00", category="evaluation"),
    _code("97164", "Physio re-evaluation of an established plan of care", "100.00",
          category="evaluation"),
    # Timed: 15-minute units of one-on-one time.
    _code("97110", "Exercise for strength, range, endurance or flexibility", "45.00",
          timed=True, category="therapeutic procedure"),
    _code("97112", "Neuromuscular re-education: balance, coordination, proprioception",
          "48.00", timed=True, category="therapeutic procedure"),
    _code("97113", "Exercise in water (aquatic therapy)", "50.00", timed=True,
          category="therapeutic procedure"),
    _code("97116", "Gait training, stairs included", "42.00", timed=True,
          category="therapeutic procedure"),
    _code("97140", "Hands-on techniques: mobilisation, manipulation, soft tissue", "45.00",
          timed=True, category="therapeutic procedure"),
    _code("97530", "Functional activities practised one-on-one", "48.00", timed=True,
          category="therapeutic procedure"),
    _code("97535", "Training in self-care and home management", "45.00", timed=True,
          category="therapeutic procedure"),
    _code("97032", "Electrical stimulation, practitioner in attendance", "25.00", timed=True,
          category="modality"),
    _code("97033", "Iontophoresis", "30.00", timed=True, category="modality"),
    _code("97035", "Therapeutic ultrasound", "20.00", timed=True, category="modality"),
    # Untimed (supervised) modalities and other per-visit services.
    _code("97010", "Hot or cold packs", "10.00", category="modality"),
    _code("97012", "Mechanical traction", "30.00", category="modality"),
    _code("97014", "Electrical stimulation, unattended", "20.00", category="modality"),
    _code("G0283", "Electrical stimulation, unattended, not for wound care (Medicare)",
          "20.00", category="modality", system="HCPCS"),
    _code("97016", "Vasopneumatic compression device", "25.00", category="modality"),
    _code("97018", "Paraffin bath", "20.00", category="modality"),
    _code("97022", "Whirlpool", "30.00", category="modality"),
    _code("97026", "Infrared heat", "15.00", category="modality"),
    _code("97150", "Therapy in a group of two or more", "35.00",
          category="therapeutic procedure"),
    _code("20560", "Dry needling, one or two muscles", "60.00", category="dry needling"),
    _code("20561", "Dry needling, three or more muscles", "80.00", category="dry needling"),
)

BY_CODE: dict[str, BillingCode] = {c.code: c for c in CODES}
TIMED_CODES = tuple(c.code for c in CODES if c.timed)
UNTIMED_CODES = tuple(c.code for c in CODES if not c.timed)
#: What may be recorded as treatment at any visit (evaluations are per template).
TREATMENT_CODES = tuple(c.code for c in CODES if c.category != "evaluation")


def procedure_entries(template: NoteTemplate,
                      document: Mapping[str, Any]) -> Iterable[tuple[str, int, dict[str, Any]]]:
    """``(path, index, entry)`` for every procedure recorded in the template's fields."""
    for path, field in template.iter_fields():
        if isinstance(field, ProceduresField):
            section, _, key = path.partition(".")
            for index, entry in enumerate((document.get(section) or {}).get(key) or ()):
                yield path, index, entry


def _modifiers(recorded: Iterable[str]) -> tuple[str, ...]:
    ordered = dict.fromkeys([PLAN_OF_CARE_MODIFIER, *recorded])
    return tuple(ordered)[:MAX_MODIFIERS]


def charge_lines(note: NoteContext, template: NoteTemplate) -> list[ChargeLine]:
    """The lines to bill for ``note`` made from ``template`` (a pure function of both).

    Lines come in the order their codes were first recorded. A timed entry without minutes
    bills nothing (validation stops such a note from being signed). Raises ``ValueError``
    for a code this pack does not bill, so that signing fails closed.
    """
    minutes: dict[str, int] = {}
    units: dict[str, int] = {}
    modifiers: dict[str, list[str]] = {}
    for _path, _index, entry in procedure_entries(template, note.document):
        code = entry["code"]
        if code not in BY_CODE:
            raise ValueError(f"code {code} is not a physiotherapy billing code")
        modifiers.setdefault(code, []).extend(entry.get("modifiers") or ())
        if BY_CODE[code].timed:
            minutes[code] = minutes.get(code, 0) + (entry.get("minutes") or 0)
        else:
            # Once per visit: a repeated entry is a duplicate, never a second charge.
            units[code] = max(units.get(code, 0), entry.get("units") or 1)
    timed = timed_units(minutes, method=note.case.payer.timed_method)
    lines = []
    for code in modifiers:  # first-recorded order
        if code in units:
            lines.append(ChargeLine(code=code, units=units[code],
                                    modifiers=_modifiers(modifiers[code])))
        elif code in timed:
            lines.append(ChargeLine(code=code, units=timed[code], minutes=minutes[code],
                                    modifiers=_modifiers(modifiers[code])))
    return lines
