"""What stops a chiropractic note from being signed.

Each rule is a small pure function of the note returning problems named by field:

* a red flag ticked needs the action taken on it;
* an adverse reaction needs its details;
* an examination's diagnosis names the segmental dysfunction (M99.0x) of every region where
  a subluxation is charted;
* for Medicare, spinal CMT on active treatment needs PART in each region adjusted (two of
  the four, one of them asymmetry or range of motion; Benefit Policy Manual §240.1.2) and a
  segmental dysfunction code of a spinal region as the primary diagnosis
  (CLINICAL.md §2.5, §2.9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vesalius_sdk import CodesField, NoteContext, NoteProblem

from . import segments
from .billing import spinal_regions
from .notes import adjusted_regions, care_type, meets_part, part_by_region, spine_marks
from .templates import BY_ID

_SPINAL_DYSFUNCTION = {segments.DYSFUNCTION_CODE[r] for r in segments.SPINAL_REGIONS}


def _path_of(note: NoteContext, key: str) -> str | None:
    """The ``section.field`` path of the field named ``key`` in the note's template."""
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


def _diagnosis(note: NoteContext) -> tuple[str | None, list[str]]:
    template = BY_ID.get(note.template_id)
    if template is not None:
        for path, field in template.iter_fields():
            if isinstance(field, CodesField):
                return path, [c.upper() for c in note.value(path, [])]
    return None, list(note.case.diagnosis_codes)


def subluxation_codes(note: NoteContext) -> Iterator[NoteProblem]:
    path, codes = _diagnosis(note)
    if path is None:
        return
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
                                                  f"add segmental dysfunction {code}")


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


RULES: tuple[Callable[[NoteContext], Iterator[NoteProblem]], ...] = (
    red_flags,
    adverse_reaction,
    subluxation_codes,
    medicare_cmt,
)


def validate(note: NoteContext) -> list[NoteProblem]:
    """Every problem of every rule, for a note of one of this pack's templates."""
    return [problem for rule in RULES for problem in rule(note)]
