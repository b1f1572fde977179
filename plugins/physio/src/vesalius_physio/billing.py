"""The charge rule of physiotherapy notes (the codes themselves are in :mod:`.codes`).

:func:`charge_lines`: each untimed code once per visit, with the units recorded (default
1); timed codes by :func:`vesalius_sdk.billing.timed_units` over the visit's timed minutes,
with the payer's method (the CMS 8-minute rule, Medicare Claims Processing Manual, Pub.
100-04, ch. 5, §20.2, unless the payer counts each code on its own); every line carries GP,
the modifier of a service under a physical therapy plan of care (CMS, Pub. 100-04, ch. 5,
§20.1).

The evaluation is billed from the initial assessment's "evaluation complexity" field
(97161 low, 97162 moderate, 97163 high; AMA CPT 2017 PT evaluation codes) whether or not the
physiotherapist also lists it under procedures, and once: not twice in one note, and not
when the case's other notes of the same day already charged an evaluation or re-evaluation
(:data:`~.codes.EVALUATION_FAMILY`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vesalius_sdk import ChargeLine, NoteContext, NoteTemplate, ProceduresField
from vesalius_sdk.billing import timed_units

from .codes import (
    BY_CODE,
    CODE_FOR_COMPLEXITY,
    CODES,
    EVALUATION_CODES,
    EVALUATION_FAMILY,
    RE_EVALUATION_CODE,
    TIMED_CODES,
    TREATMENT_CODES,
    UNTIMED_CODES,
)
from .templates import COMPLEXITY_PATH, template_of

__all__ = ["BY_CODE", "CODES", "EVALUATION_CODES", "RE_EVALUATION_CODE", "TIMED_CODES",
           "TREATMENT_CODES", "UNTIMED_CODES", "charge_lines", "chosen_evaluation",
           "evaluation_charged_today", "procedure_entries"]

#: Service under an outpatient physical therapy plan of care.
PLAN_OF_CARE_MODIFIER = "GP"
MAX_MODIFIERS = 4


def procedure_entries(template: NoteTemplate,
                      document: Mapping[str, Any]) -> Iterable[tuple[str, int, dict[str, Any]]]:
    """``(path, index, entry)`` for every procedure recorded in the template's fields."""
    for path, field in template.iter_fields():
        if isinstance(field, ProceduresField):
            section, _, key = path.partition(".")
            for index, entry in enumerate((document.get(section) or {}).get(key) or ()):
                yield path, index, entry


def chosen_evaluation(note: NoteContext, template: NoteTemplate) -> str | None:
    """The evaluation code the note's "evaluation complexity" field chooses, if any."""
    if COMPLEXITY_PATH not in dict(template.iter_fields()):
        return None
    return CODE_FOR_COMPLEXITY.get(note.value(COMPLEXITY_PATH))


def evaluation_charged_today(note: NoteContext) -> tuple[str, str] | None:
    """``(note id, code)`` of an evaluation already charged in the case today, if any."""
    for other in note.same_day_notes:
        for code in other.charged_codes:
            if code in EVALUATION_FAMILY:
                return other.id, code
    return None


def _modifiers(recorded: Iterable[str]) -> tuple[str, ...]:
    ordered = dict.fromkeys([PLAN_OF_CARE_MODIFIER, *recorded])
    return tuple(ordered)[:MAX_MODIFIERS]


def charge_lines(note: NoteContext) -> list[ChargeLine]:
    """The lines to bill for ``note`` (a pure function of the note and its template).

    Lines come in the order their codes were first recorded, the evaluation chosen by the
    complexity field first when it is not also recorded as a procedure. A timed entry
    without minutes bills nothing (validation stops such a note from being signed).
    Raises ``ValueError`` for a code this pack does not bill, so that signing fails closed.
    """
    template = template_of(note)
    minutes: dict[str, int] = {}
    units: dict[str, int] = {}
    modifiers: dict[str, list[str]] = {}
    evaluation = chosen_evaluation(note, template)
    entries = [entry for _path, _index, entry in procedure_entries(template, note.document)]
    if evaluation and not any(entry["code"] in EVALUATION_FAMILY for entry in entries):
        entries.insert(0, {"code": evaluation})
    already_today = evaluation_charged_today(note) is not None
    for entry in entries:
        code = entry["code"]
        if code not in BY_CODE:
            raise ValueError(f"code {code} is not a physiotherapy billing code")
        if already_today and code in EVALUATION_FAMILY:
            continue  # one evaluation a day: another note of the case charged it
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
