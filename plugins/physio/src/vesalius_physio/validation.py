"""Rules across fields that must hold before a physio note is signed.

The host has already checked the document against its template (types, options, required
and must-be-true fields); these are the clinical and billing rules that span fields. Each
problem names the field (``section.field``) where the editor shows it. Two are warnings,
shown but not blocking: an initial assessment without any outcome measure, and an
evaluation that will not be billed because another note of the case charged one today.
"""

from __future__ import annotations

from collections import Counter

from vesalius_sdk import MeasureField, NoteContext, NoteProblem, NoteTemplate
from vesalius_sdk.safety import safety_problems

from .billing import chosen_evaluation, evaluation_charged_today, procedure_entries
from .codes import BY_CODE, EVALUATION_FAMILY
from .templates import EXERCISE_PROGRAMME, INITIAL, template_of

#: Codes for one and the same service (unattended e-stim: CPT 97014, Medicare's G0283).
SAME_SERVICE = (frozenset({"97014", "G0283"}),)


def problems(note: NoteContext) -> list[NoteProblem]:
    """Every problem with ``note`` before signing (errors block, warnings do not)."""
    template = template_of(note)
    found = _procedures(note, template) + _evaluation(note, template)
    found += list(safety_problems(note.model_copy(update={"template": template})))
    if template.id == INITIAL:
        found += _initial_assessment(note, template)
    if template.id == EXERCISE_PROGRAMME:
        found += _exercise_programme(note)
    return found


def _procedures(note: NoteContext, template: NoteTemplate) -> list[NoteProblem]:
    """Timed codes need their minutes; untimed codes and evaluations are billed once."""
    found: list[NoteProblem] = []
    untimed: Counter[str] = Counter()
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
    for code, count in untimed.items():
        if count > 1:
            found.append(NoteProblem(field=field_path, message=f"{code} is recorded {count} "
                                     "times; an untimed code is billed once per visit"))
    for codes in SAME_SERVICE:
        if codes <= untimed.keys():
            found.append(NoteProblem(field=field_path, message=f"{' and '.join(sorted(codes))} "
                                     "are one service: record one of them"))
    evaluations = sorted(set(untimed) & set(EVALUATION_FAMILY))
    if len(evaluations) > 1:
        found.append(NoteProblem(field=field_path, message="only one evaluation code per "
                                 f"visit, not {' and '.join(evaluations)}"))
    return found


def _evaluation(note: NoteContext, template: NoteTemplate) -> list[NoteProblem]:
    """The complexity chosen and an evaluation listed under procedures must agree; an
    evaluation already charged today in the case is not billed again (a warning)."""
    chosen = chosen_evaluation(note, template)
    listed = sorted({entry["code"] for _p, _i, entry in procedure_entries(template, note.document)
                     if entry["code"] in EVALUATION_FAMILY})
    found: list[NoteProblem] = []
    if chosen and listed and chosen not in listed:
        found.append(NoteProblem(
            field="assessment.complexity",
            message=f"{note.value('assessment.complexity')} complexity is billed as {chosen}, "
                    f"but {', '.join(listed)} is recorded under procedures: correct one of them",
        ))
    today = evaluation_charged_today(note)
    if today and (chosen or listed):
        found.append(NoteProblem(
            field="assessment.complexity" if chosen else None,
            severity="warning",
            message=f"{today[1]} was already charged today for this case (note {today[0]}): "
                    "this note's evaluation is not billed again",
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
        found.append(NoteProblem(field=measures[0][0], severity="warning",
                                 message="no outcome measure recorded: a baseline score "
                                         f"shows progress later ({names})"))
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
