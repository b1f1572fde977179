"""Rules across fields that must hold before a physio note is signed.

The host has already checked the document against its template (types, options, required
fields); these are the clinical and billing rules that span fields. Each problem names the
field (``section.field``) where the editor shows it.
"""

from __future__ import annotations

from collections import Counter

from vesalius_sdk import MeasureField, NoteContext, NoteProblem, NoteTemplate

from .billing import BY_CODE, EVALUATION_CODES, procedure_entries
from .templates import EXERCISE_PROGRAMME, INITIAL

#: Codes for one and the same service (unattended e-stim: CPT 97014, Medicare's G0283).
SAME_SERVICE = (frozenset({"97014", "G0283"}),)
#: The evaluation code that goes with each complexity of the initial assessment.
CODE_FOR_COMPLEXITY = dict(zip(("low", "moderate", "high"), EVALUATION_CODES, strict=True))


def problems(note: NoteContext, template: NoteTemplate) -> list[NoteProblem]:
    """Every problem that stops ``note`` (made from ``template``) from being signed."""
    found = _procedures(note, template)
    if template.id == INITIAL:
        found += _initial_assessment(note, template)
    if template.id == EXERCISE_PROGRAMME:
        found += _exercise_programme(note)
    return found


def _procedures(note: NoteContext, template: NoteTemplate) -> list[NoteProblem]:
    """Timed codes need their minutes; untimed codes and evaluations are billed once."""
    found: list[NoteProblem] = []
    untimed: Counter[str] = Counter()
    evaluations: list[str] = []
    field_path = None
    for path, index, entry in procedure_entries(template, note.document):
        field_path, code = path, entry["code"]
        billing_code = BY_CODE.get(code)
        if billing_code is not None and billing_code.timed and not entry.get("minutes"):
            found.append(NoteProblem(
                field=path,
                message=f"{code} (entry {index + 1}) is a timed code: give the minutes of "
                        "one-on-one time",
            ))
        elif billing_code is not None and not billing_code.timed:
            untimed[code] += 1
        if code in EVALUATION_CODES:
            evaluations.append(code)
    for code, count in untimed.items():
        if count > 1:
            found.append(NoteProblem(field=field_path, message=f"{code} is recorded {count} "
                                     "times; an untimed code is billed once per visit"))
    for codes in SAME_SERVICE:
        if codes <= untimed.keys():
            found.append(NoteProblem(field=field_path, message=f"{' and '.join(sorted(codes))} "
                                     "are one service: record one of them"))
    if len(set(evaluations)) > 1:
        found.append(NoteProblem(field=field_path, message="only one evaluation code per "
                                 f"visit, not {' and '.join(sorted(set(evaluations)))}"))
    complexity = note.value("assessment.complexity")
    expected = CODE_FOR_COMPLEXITY.get(complexity) if template.id == INITIAL else None
    if expected and evaluations and expected not in evaluations:
        found.append(NoteProblem(
            field="assessment.complexity",
            message=f"{complexity} complexity is billed as {expected}, but "
                    f"{', '.join(sorted(set(evaluations)))} is recorded",
        ))
    return found


def _initial_assessment(note: NoteContext, template: NoteTemplate) -> list[NoteProblem]:
    found: list[NoteProblem] = []
    if not note.value("assessment.diagnosis_codes"):
        found.append(NoteProblem(field="assessment.diagnosis_codes",
                                 message="an initial assessment needs a diagnosis: add at "
                                         "least one ICD-10 code"))
    measures = [(p, f) for p, f in template.iter_fields() if isinstance(f, MeasureField)]
    answered = any(
        any(r is not None for r in (note.value(path) or {}).get("responses", ()))
        for path, _ in measures
    )
    if measures and not answered:
        names = ", ".join(f.label for _, f in measures)
        found.append(NoteProblem(field=measures[0][0],
                                 message=f"record at least one outcome measure ({names})"))
    if note.value("subjective.red_flags") and not note.value("subjective.red_flag_action"):
        found.append(NoteProblem(field="subjective.red_flag_action",
                                 message="red flags are recorded: document the action taken"))
    return found


def _exercise_programme(note: NoteContext) -> list[NoteProblem]:
    rows = note.value("programme.exercises", [])
    if not rows:
        return [NoteProblem(field="programme.exercises",
                            message="add at least one exercise to the programme")]
    return [
        NoteProblem(field="programme.exercises", message=f"row {number} names no exercise")
        for number, row in enumerate(rows, start=1) if not row.get("exercise")
    ]
