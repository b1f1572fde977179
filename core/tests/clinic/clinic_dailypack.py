"""Test packs for daily charting: templates that declare their visit-kind defaults (``daily``),
templates found by their kind only (``kinds``), a discipline with one template (``bare``)
and one with none (``empty``). The ``daily`` rules record the contexts they were given, warn
when pain is not scored, and bill the evaluation once per day (reading the same-day notes).
"""

from __future__ import annotations

from vesalius_sdk import (
    BooleanField,
    ChargeLine,
    ChartField,
    ChoiceField,
    CodesField,
    ComputedColumn,
    Discipline,
    LongTextField,
    MeasureField,
    NoteContext,
    NoteProblem,
    NoteTemplate,
    NumberField,
    Option,
    Pack,
    ProceduresField,
    Section,
    TableField,
    TextField,
    mean_of,
)

ROM = TableField(
    id="rom", label="Range of motion",
    columns=(TextField(id="movement", label="Movement"),
             NumberField(id="trial1", label="Trial 1", unit="deg"),
             NumberField(id="trial2", label="Trial 2", unit="deg")),
    computed=(ComputedColumn(id="mean", label="Mean", unit="deg",
                             compute=mean_of("trial1", "trial2")),),
    rows=({"movement": "Flexion"}, {"movement": "Extension"}),
)
COMPLEXITY = (Option(value="low", label="Low (97161)"),)


def _sections(plan_field: LongTextField | ChoiceField) -> tuple[Section, ...]:
    return (
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="history", label="History", required=True),
            MeasureField(id="pain", label="Pain (NPRS)", measure="nprs", pack="general"),
        )),
        Section(id="objective", title="Objective", fields=(
            ChartField(id="body_chart", label="Body chart", chart="general.body"),
            ROM,
        )),
        Section(id="assessment", title="Assessment", fields=(
            CodesField(id="diagnosis", label="Diagnosis"),
            ChoiceField(id="complexity", label="Evaluation complexity", options=COMPLEXITY),
        )),
        Section(id="plan", title="Plan", fields=(
            LongTextField(id="goals", label="Goals"),
            plan_field,
            ProceduresField(id="procedures", label="Treatment"),
            BooleanField(id="home_programme", label="Home programme given"),
        )),
    )


ASSESSMENT = NoteTemplate(id="daily.assessment", title="Daily assessment", discipline="daily",
                          kind="initial", default_for=("initial",),
                          sections=_sections(LongTextField(id="plan", label="Plan")))
TREATMENT = NoteTemplate(
    id="daily.treatment", title="Daily treatment", discipline="daily", kind="treatment",
    default_for=("follow-up",),
    # The same path as the assessment's plan, another kind: a switch drops its text.
    sections=_sections(ChoiceField(id="plan", label="Plan", options=(
        Option(value="continue", label="Continue"), Option(value="discharge", label="Discharge"),
    ))),
)
# Sorted first by title: chosen only when a service names it.
OTHER = NoteTemplate(id="daily.aaa-brief", title="A brief note", discipline="daily",
                     sections=(Section(id="subjective", title="Subjective", fields=(
                         LongTextField(id="history", label="History"),)),))

KINDS = tuple(
    NoteTemplate(id=f"kinds.{kind}", title=title, discipline="kinds", kind=kind,
                 sections=(Section(id="notes", title="Notes", fields=(
                     LongTextField(id="text", label="Text"),)),))
    for kind, title in (("other", "A first by title"), ("treatment", "B treatment"),
                        ("intake", "C intake"))
)
BARE = NoteTemplate(id="bare.only", title="Only one", discipline="bare", kind="other",
                    sections=(Section(id="notes", title="Notes", fields=(
                        LongTextField(id="text", label="Text"),)),))

#: Every context the ``daily`` rules were given, newest last.
SEEN: list[NoteContext] = []


def validate(note: NoteContext) -> list[NoteProblem]:
    SEEN.append(note)
    problems = []
    if note.value("plan.procedures") and not note.value("assessment.diagnosis"):
        problems.append(NoteProblem(field="assessment.diagnosis",
                                    message="a billed visit needs a diagnosis"))
    if not note.value("subjective.pain"):
        problems.append(NoteProblem(field="subjective.pain", severity="warning",
                                    message="pain was not scored at this visit"))
    return problems


def charges(note: NoteContext) -> list[ChargeLine]:
    SEEN.append(note)
    lines = [ChargeLine(code=e["code"], units=1) for e in note.value("plan.procedures", [])]
    billed_today = {c for other in note.same_day_notes for c in other.charged_codes}
    if note.value("assessment.complexity") == "low" and "97161" not in billed_today:
        lines.append(ChargeLine(code="97161", units=1))
    return lines


pack = Pack(
    disciplines=(Discipline(id="daily", title="Daily"), Discipline(id="empty", title="Empty")),
    note_templates=(ASSESSMENT, TREATMENT, OTHER),
    validate_note=validate,
    charge_lines=charges,
)
kinds_pack = Pack(disciplines=(Discipline(id="kinds", title="Kinds"),), note_templates=KINDS)
bare_pack = Pack(disciplines=(Discipline(id="bare", title="Bare"),), note_templates=(BARE,))
#: ``(name, plugin)`` pairs for ``build_registry(extra_plugins=...)``.
PLUGINS = (("daily", pack), ("kinds", kinds_pack), ("bare", bare_pack))
