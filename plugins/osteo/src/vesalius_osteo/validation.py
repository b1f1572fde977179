"""What stops an osteopathic note from being signed.

Small pure rules, each returning problems named by field:

* a red flag ticked needs the action taken; an adverse reaction needs its details;
* OMT billed to a payer (not self-pay) needs, in every region treated, a somatic
  dysfunction finding (at least one TART element) and that region's somatic dysfunction
  code M99.0x among the diagnoses (AAP OMT coding fact sheet; CLINICAL.md §2.6, §2.9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vesalius_sdk import CodesField, NoteContext, NoteProblem

from .notes import tart_by_region, treated_regions
from .regions import DYSFUNCTION_CODE, LABEL
from .templates import BY_ID


def _path_of(note: NoteContext, key: str) -> str | None:
    template = BY_ID.get(note.template_id)
    if template is None:
        return None
    return next((p for p, _ in template.iter_fields() if p.endswith(f".{key}")), None)


def red_flags(note: NoteContext) -> Iterator[NoteProblem]:
    flags, action = _path_of(note, "red_flags"), _path_of(note, "red_flag_action")
    if flags and action and note.value(flags) and not str(note.value(action, "")).strip():
        yield NoteProblem(field=action, message="Red flags are ticked: record the action "
                                                "taken (referral or management)")


def adverse_reaction(note: NoteContext) -> Iterator[NoteProblem]:
    response, details = _path_of(note, "response"), _path_of(note, "adverse_details")
    if response and details and note.value(response) == "adverse-reaction" and not str(
        note.value(details, "")
    ).strip():
        yield NoteProblem(field=details, message="An adverse reaction is recorded: describe "
                                                 "it and what was done")


def _diagnoses(note: NoteContext) -> tuple[str | None, list[str]]:
    template = BY_ID.get(note.template_id)
    if template is not None:
        for path, field in template.iter_fields():
            if isinstance(field, CodesField):
                return path, [c.upper() for c in note.value(path, [])]
    return None, list(note.case.diagnosis_codes)


def billed_regions_documented(note: NoteContext) -> Iterator[NoteProblem]:
    if note.case.payer.kind == "self-pay":
        return
    treated = [r for r in treated_regions(note) if r in LABEL]
    if not treated:
        return
    tart = tart_by_region(note)
    chart = _path_of(note, "body")
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


RULES: tuple[Callable[[NoteContext], Iterator[NoteProblem]], ...] = (
    red_flags,
    adverse_reaction,
    billed_regions_documented,
)


def validate(note: NoteContext) -> list[NoteProblem]:
    """Every problem of every rule, for a note of one of this pack's templates."""
    return [problem for rule in RULES for problem in rule(note)]
