"""A small discipline pack the clinic tests register beside the core's ``general`` pack, so
that signing, charge rules and fee schedules are exercised whatever packs are installed.

Its charge rule bills the procedures field: timed codes by the payer's unit method
(``vesalius_sdk.timed_units``), untimed codes once each.
"""

from __future__ import annotations

from vesalius_sdk import (
    BillingCode,
    ChargeLine,
    CodesField,
    Discipline,
    LongTextField,
    MeasureField,
    NoteContext,
    NoteProblem,
    NoteTemplate,
    ProceduresField,
    Section,
    hookimpl,
    timed_units,
)

NAME = "rehab"

VISIT = NoteTemplate(
    id="rehab.visit", title="Rehab visit", discipline=NAME, kind="follow-up", version=3,
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="history", label="History", required=True, max_length=2000),
            MeasureField(id="pain", label="Pain (NPRS)", measure="nprs", pack="general"),
        )),
        Section(id="assessment", title="Assessment", fields=(
            CodesField(id="diagnosis", label="Diagnosis"),
        )),
        Section(id="plan", title="Plan", fields=(
            ProceduresField(id="procedures", label="Treatment",
                            codes=("97110", "97140", "97161")),
        )),
    ),
)

CODES = (
    BillingCode(code="97110", label="Exercise therapy, per 15 minutes", timed=True,
                default_fee="45.00"),
    BillingCode(code="97140", label="Manual therapy, per 15 minutes", timed=True,
                default_fee="42.50"),
    BillingCode(code="97161", label="Evaluation, low complexity", default_fee="110.00"),
)


@hookimpl
def register_disciplines(register):  # type: ignore[no-untyped-def]
    register(Discipline(id=NAME, title="Rehabilitation"))


@hookimpl
def register_note_templates(register):  # type: ignore[no-untyped-def]
    register(VISIT)


@hookimpl
def register_billing_codes(register):  # type: ignore[no-untyped-def]
    for code in CODES:
        register(code)


@hookimpl
def validate_note(note: NoteContext) -> list[NoteProblem]:
    if note.value("plan.procedures") and not note.value("assessment.diagnosis"):
        return [NoteProblem(field="assessment.diagnosis",
                            message="a billed visit needs a diagnosis")]
    return []


@hookimpl
def charge_lines(note: NoteContext) -> list[ChargeLine]:
    timed: dict[str, int] = {}
    lines = []
    for entry in note.value("plan.procedures", []):
        if entry["code"] == "97161":
            lines.append(ChargeLine(code="97161", units=1))
        else:
            timed[entry["code"]] = timed.get(entry["code"], 0) + (entry.get("minutes") or 0)
    units = timed_units(timed, note.case.payer.timed_method)
    modifiers = tuple(m for m in ("GP",) if m in note.case.payer.modifiers)
    lines += [ChargeLine(code=c, units=n, minutes=timed[c], modifiers=modifiers)
              for c, n in units.items()]
    return lines


#: Ids of notes whose signing this pack heard of (``note_signed`` runs after commit).
SIGNED: list[str] = []


@hookimpl
def note_signed(note: NoteContext) -> None:
    SIGNED.append(note.id or "")
