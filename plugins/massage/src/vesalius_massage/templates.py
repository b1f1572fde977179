"""The treatment note, and the rule checked before it is signed."""

from __future__ import annotations

from vesalius_sdk import (
    ChartField,
    LongTextField,
    MeasureField,
    NoteContext,
    NoteProblem,
    NoteTemplate,
    ProceduresField,
    Section,
)

from .billing import CODES

TREATMENT = NoteTemplate(
    id="massage.treatment",
    title="Treatment note",
    discipline="massage",
    kind="treatment",
    description="A visit's SOAP note: what the patient reports, what was found, what was done.",
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="complaint", label="Complaint and changes since last visit",
                          required=True),
            # Another pack's measure: the core's own pack provides NPRS in every clinic.
            MeasureField(id="pain", label="Pain now (NPRS)", measure="nprs", pack="general"),
        )),
        Section(id="objective", title="Objective", fields=(
            LongTextField(id="findings", label="Findings"),
            ChartField(id="back", label="Back chart", chart="massage.back"),
        )),
        Section(id="assessment", title="Assessment", fields=(
            MeasureField(id="change", label="Change since care began (PGIC)",
                         measure="pgic"),
            LongTextField(id="assessment", label="Assessment"),
        )),
        Section(id="plan", title="Plan", fields=(
            ProceduresField(id="procedures", label="Treatment given",
                            codes=tuple(c.code for c in CODES), record="minutes"),
            LongTextField(id="plan", label="Plan and home advice"),
        )),
    ),
)


def problems(note: NoteContext) -> list[NoteProblem]:
    """Billed treatment must be supported by documented findings (medical necessity)."""
    if note.value("plan.procedures") and not (
            note.value("objective.findings") or note.value("objective.back")):
        return [NoteProblem(field="objective.findings",
                            message="Document the findings that the treatment addressed")]
    return []
