"""What stops an osteopathic note from being signed.

Small pure rules, each returning problems named by field:

* the SDK's common safety rule (:func:`vesalius_sdk.safety.safety_problems`): a red flag
  ticked needs the action taken, an adverse reaction its details;
* OMT billed to a payer (not self-pay) needs, in every region treated, a somatic
  dysfunction finding (at least one TART element) and that region's somatic dysfunction
  code M99.0x among the diagnoses (American Academy of Pediatrics, "Osteopathic
  Manipulative Treatment Coding Fact Sheet"; ICD-10-CM M99.00-M99.09). A note whose
  diagnosis field is empty is judged by the case's diagnoses;
* OMT given here but charged today by another note of the case is not billed (a warning).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vesalius_sdk import CodesField, NoteContext, NoteProblem
from vesalius_sdk.safety import safety_problems

from .billing import omt_charged_today, omt_code
from .notes import tart_by_region, treated_regions
from .regions import DYSFUNCTION_CODE, LABEL
from .templates import template_of


def _field_path(note: NoteContext, key: str) -> str | None:
    return next((p for p, f in template_of(note).iter_fields() if f.id == key), None)


def _diagnoses(note: NoteContext) -> tuple[str | None, list[str]]:
    """Where the note's diagnosis is, and the codes that apply (the case's when empty)."""
    path = next((p for p, f in template_of(note).iter_fields() if isinstance(f, CodesField)),
                None)
    codes = [c.upper() for c in note.value(path, [])] if path else []
    return path, codes or list(note.case.diagnosis_codes)


def billed_regions_documented(note: NoteContext) -> Iterator[NoteProblem]:
    if note.case.payer.kind == "self-pay":
        return
    treated = [r for r in treated_regions(note) if r in LABEL]
    if not treated:
        return
    tart = tart_by_region(note)
    chart = _field_path(note, "body")
    for region in treated:
        if not tart.get(region):
            yield NoteProblem(field=chart, message=f"{LABEL[region]} was treated: chart the "
                                                   "somatic dysfunction found there (TART)")
    path, codes = _diagnoses(note)
    for region in treated:
        code = DYSFUNCTION_CODE[region]
        if code not in codes:
            where = "the diagnosis" if path else "the case's diagnoses"
            yield NoteProblem(field=path, message=f"{LABEL[region]} was treated: add somatic "
                                                  f"dysfunction {code} to {where}")


def common_safety(note: NoteContext) -> Iterator[NoteProblem]:
    """Red flags and adverse reactions, by the SDK's rule on the note's own template."""
    yield from safety_problems(note.model_copy(update={"template": template_of(note)}))


def omt_once_a_day(note: NoteContext) -> Iterator[NoteProblem]:
    today = omt_charged_today(note)
    code = omt_code(treated_regions(note))
    if today and code:
        yield NoteProblem(field=_field_path(note, "body"), severity="warning",
                          message=f"OMT ({today[1]}) was already charged today for this case "
                                  f"(note {today[0]}): {code} is not billed again")


RULES: tuple[Callable[[NoteContext], Iterator[NoteProblem]], ...] = (
    common_safety,
    billed_regions_documented,
    omt_once_a_day,
)


def validate(note: NoteContext) -> list[NoteProblem]:
    """Every problem of every rule, for a note of one of this pack's templates."""
    return [problem for rule in RULES for problem in rule(note)]
