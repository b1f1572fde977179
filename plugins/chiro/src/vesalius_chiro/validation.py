"""What stops a chiropractic note from being signed.

Each rule is a small pure function of the note returning problems named by field:

* the SDK's common safety rule (:func:`vesalius_sdk.safety.safety_problems`): a red flag
  ticked needs the action taken on it, an adverse reaction its details;
* an examination's diagnosis names the segmental dysfunction (M99.0x) of every region where
  a subluxation is charted;
* CMT adjusted here but charged today by another note of the case is not billed again (a
  warning);
* for Medicare, spinal CMT on active treatment needs PART in each region adjusted (two of
  the four, one of them asymmetry or range of motion; Benefit Policy Manual §240.1.2) and a
  segmental dysfunction code of a spinal region as the primary diagnosis (CMS, Medicare
  Benefit Policy Manual, Pub. 100-02, ch. 15, §240.1.2; ICD-10-CM M99.01-M99.05).

A note whose diagnosis field is empty (a visit, say) is judged by the case's diagnoses; a
subluxation code missing from those is a warning, since the case, not this note, holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vesalius_sdk import CodesField, NoteContext, NoteProblem
from vesalius_sdk.safety import safety_problems

from . import segments
from .billing import EXTRASPINAL, charged_today, cmt_codes, spinal_regions
from .notes import adjusted_regions, care_type, meets_part, part_by_region, spine_marks
from .templates import template_of

_SPINAL_DYSFUNCTION = {segments.DYSFUNCTION_CODE[r] for r in segments.SPINAL_REGIONS}


def _path_of(note: NoteContext, key: str) -> str | None:
    """The ``section.field`` path of the field named ``key`` in the note's template."""
    return next((p for p, f in template_of(note).iter_fields() if f.id == key), None)


def safety(note: NoteContext) -> Iterator[NoteProblem]:
    """The SDK's red-flag and adverse-reaction rule, on the note's own template."""
    return safety_problems(note.model_copy(update={"template": template_of(note)}))


def _note_codes(note: NoteContext) -> tuple[str | None, list[str]]:
    """The note's diagnosis field and the codes entered in it."""
    for path, field in template_of(note).iter_fields():
        if isinstance(field, CodesField):
            return path, [c.upper() for c in note.value(path, [])]
    return None, []


def _diagnosis(note: NoteContext) -> tuple[str | None, list[str]]:
    """The note's diagnosis field and its codes; the case's codes where the note has none."""
    path, codes = _note_codes(note)
    return path, codes or list(note.case.diagnosis_codes)


def subluxation_codes(note: NoteContext) -> Iterator[NoteProblem]:
    path, own = _note_codes(note)
    if path is None:
        return
    codes = own or list(note.case.diagnosis_codes)
    wanted: dict[str, str] = {}
    for mark in spine_marks(note):
        if mark.get("type") == "subluxation":
            try:
                wanted.setdefault(segments.dysfunction_code(mark["region"]), mark["region"])
            except ValueError:
                continue
    for code, region_id in sorted(wanted.items()):
        if code not in codes:
            yield NoteProblem(field=path, message=f"A subluxation is charted at {region_id}: "
                                                  f"add segmental dysfunction {code}",
                              severity="error" if own else "warning")


def medicare_cmt(note: NoteContext) -> Iterator[NoteProblem]:
    if note.case.payer.kind != "medicare" or care_type(note) != "active":
        return
    regions = spinal_regions(adjusted_regions(note))
    if not regions:
        return
    part = part_by_region(note)
    part_path = _path_of(note, "part")
    for region in (r for r in segments.SPINAL_REGIONS if r in regions):
        found = part.get(region, set())
        if not meets_part(found):
            have = "".join(sorted(found, key="PART".index)) or "none"
            yield NoteProblem(
                field=part_path,
                message=f"Medicare: the {region} region was adjusted but PART shows {have}; "
                        "document two of pain, asymmetry, range of motion and tissue tone, "
                        "one of them asymmetry or range of motion",
            )
    path, codes = _diagnosis(note)
    if not codes or codes[0] not in _SPINAL_DYSFUNCTION:
        yield NoteProblem(
            field=path,
            message="Medicare: the primary diagnosis of spinal CMT must be a segmental "
                    "dysfunction of a spinal region (M99.01-M99.05)",
        )


def cmt_once_a_day(note: NoteContext) -> Iterator[NoteProblem]:
    """A warning where CMT adjusted here is not billed: another note charged it today."""
    done = charged_today(note)
    for code in cmt_codes(adjusted_regions(note)):
        kind = "extraspinal" if code == EXTRASPINAL else "spinal"
        if kind in done:
            yield NoteProblem(field=_path_of(note, "spine"), severity="warning",
                              message=f"{kind.capitalize()} CMT was already charged today for "
                                      f"this case (note {done[kind]}): {code} is not billed "
                                      "again")


RULES: tuple[Callable[[NoteContext], Iterator[NoteProblem]], ...] = (
    safety,
    subluxation_codes,
    medicare_cmt,
    cmt_once_a_day,
)


def validate(note: NoteContext) -> list[NoteProblem]:
    """Every problem of every rule, for a note of one of this pack's templates."""
    return [problem for rule in RULES for problem in rule(note)]
