"""Osteopathic note templates: initial assessment and treatment note.

The body chart (``osteo.body``) carries the somatic dysfunction findings (TART) by region
and the techniques applied; the charge rule bills OMT from the technique marks. Outcome
measures of other packs (ODI from physio, NDI from chiro, MYMOP2 from acupuncture) are
optional fields: without their pack the host shows them as unavailable and the rest works.

Daily charting: the initial assessment is the default for a case's first visit, the
treatment note for later ones. Copy-forward carries the diagnosis codes and the working
diagnosis (the treatment note has them since version 2, at the same paths as the initial
assessment), the plan and the advice; the body chart is not carried, because its technique
marks are what the charge rule bills. Red flags (with osteopathy's extra chest and abdominal
flag), the response to treatment and consent are the SDK's common safety fields
(:mod:`vesalius_sdk.safety`), with the same ids and values as before.
"""

from __future__ import annotations

from vesalius_sdk import (
    BooleanField,
    ChartField,
    ChoiceField,
    CodesField,
    DateField,
    LongTextField,
    MeasureField,
    MultiChoiceField,
    NoteContext,
    NoteTemplate,
    Option,
    ScaleField,
    Section,
    TableField,
    TextField,
    options,
)
from vesalius_sdk.safety import consent_field, red_flag_fields, response_fields

from .charts.body import TECHNIQUES
from .regions import LABEL, REGIONS

SIDES = options("left", "right", "bilateral", "midline")
BODY_REGIONS = tuple(Option(value=r, label=LABEL[r]) for r in REGIONS)
TECHNIQUE_OPTIONS = tuple(Option(value=m.id, label=m.label) for m in TECHNIQUES)
#: Osteopathy's red flag beyond the SDK's common list (a value stored since 0.1).
EXTRA_RED_FLAGS = (
    Option(value="chest-abdominal", label="Chest pain, breathlessness or abdominal signs "
                                          "not explained mechanically"),
)


def _measures() -> tuple[MeasureField, ...]:
    # The ODI and the NDI are the core's common spine measures, whichever packs are
    # installed; MYMOP2 stays the acupuncture pack's (unavailable without it).
    return (
        MeasureField(id="start_back", label="Keele STarT Back (low back pain)",
                     measure="start-back"),
        MeasureField(id="odi", label="Oswestry Disability Index", measure="odi",
                     pack="general"),
        MeasureField(id="ndi", label="Neck Disability Index", measure="ndi", pack="general"),
        MeasureField(id="mymop2", label="MYMOP2", measure="mymop2", pack="acupuncture"),
    )


DIAGNOSIS_HELP = ("Somatic dysfunction by region: M99.00 head, M99.01 cervical, M99.02 "
                  "thoracic, M99.03 lumbar, M99.04 sacral, M99.05 pelvic, M99.06 lower "
                  "extremity, M99.07 upper extremity, M99.08 rib cage, M99.09 abdomen; then "
                  "the presenting condition.")


def _body(label: str, help_text: str) -> ChartField:
    # Never copied forward: its technique marks are what the charge rule bills.
    return ChartField(id="body", label=label, chart="osteo.body", help=help_text,
                      carry_forward=False)


def _treatment(consent_label: str) -> tuple:
    return (
        consent_field(consent_label),
        LongTextField(id="treatment", label="Treatment given",
                      help="Regions and techniques are marked on the body chart; add dosage, "
                           "positions and what the chart does not say."),
        *response_fields(),
        LongTextField(id="advice", label="Advice and exercises", carry_forward=True),
    )


INITIAL_ASSESSMENT = NoteTemplate(
    id="osteo.initial-assessment",
    title="Osteopathic initial assessment",
    discipline="osteo",
    kind="initial",
    # 2: consent must be ticked to sign (SDK 0.2 must-be-true box).
    version=2,
    default_for=("initial",),
    description="Case history, whole-body structural examination, findings by region on "
                "the body chart, working diagnosis, plan, and treatment on the day.",
    sections=(
        Section(id="history", title="Case history", fields=(
            LongTextField(id="presenting_complaint", label="Presenting complaint",
                          required=True),
            LongTextField(id="complaint_history", label="History of the complaint",
                          help="Onset, mechanism, course, pattern over the day, radiation."),
            DateField(id="onset", label="Date of onset"),
            ScaleField(id="pain_now", label="Pain now", low_label="No pain",
                       high_label="Worst imaginable"),
            TextField(id="aggravating", label="Aggravating factors"),
            TextField(id="easing", label="Easing factors"),
            *red_flag_fields(EXTRA_RED_FLAGS),
            LongTextField(id="medical_history", label="Past medical history, surgery, trauma"),
            TextField(id="medications", label="Medications"),
            LongTextField(id="systems_review", label="Systems review",
                          help="Cardiovascular, respiratory, digestive, urogenital, "
                               "neurological, endocrine."),
            LongTextField(id="social", label="Occupation, activity, sleep, stress"),
            LongTextField(id="goals", label="Patient's goals", carry_forward=False),
        )),
        Section(id="outcomes", title="Outcome measures", fields=_measures()),
        Section(id="examination", title="Structural examination", fields=(
            LongTextField(id="observation", label="Standing observation",
                          help="Posture, spinal curves, levels of shoulders and pelvis."),
            TextField(id="gait", label="Gait"),
            TableField(id="movements", label="Active movements", columns=(
                ChoiceField(id="region", label="Region", options=BODY_REGIONS),
                TextField(id="movement", label="Movement", max_length=80),
                ChoiceField(id="range", label="Range",
                            options=options("full", "reduced", "increased")),
                BooleanField(id="pain", label="Painful"),
                TextField(id="notes", label="Notes", max_length=300),
            ), max_rows=40),
            TableField(id="tests", label="Special tests", columns=(
                TextField(id="test", label="Test", max_length=80),
                ChoiceField(id="side", label="Side", options=SIDES),
                ChoiceField(id="result", label="Result",
                            options=options("positive", "negative", "equivocal")),
                TextField(id="notes", label="Notes", max_length=300),
            ), max_rows=40),
            LongTextField(id="neuro", label="Neurological and vascular screen",
                          help="Reflexes, sensation, power; pulses and blood pressure where "
                               "relevant."),
        )),
        Section(id="findings", title="Findings by region", fields=(
            _body("Somatic dysfunction and treatment",
                  "Mark tissue texture change, asymmetry, restriction and tenderness where "
                  "found; mark each technique where it was applied today."),
            LongTextField(id="palpation", label="Palpation notes"),
        )),
        Section(id="diagnosis", title="Working diagnosis", fields=(
            CodesField(id="codes", label="Diagnosis (ICD-10)", required=True,
                       help=DIAGNOSIS_HELP),
            LongTextField(id="working_diagnosis", label="Working diagnosis", required=True,
                          carry_forward=True),
            LongTextField(id="differential", label="Differential diagnosis"),
        )),
        Section(id="plan", title="Plan", fields=(
            LongTextField(id="plan", label="Treatment plan"),
            MultiChoiceField(id="techniques", label="Techniques planned",
                             options=TECHNIQUE_OPTIONS, carry_forward=True),
            TextField(id="frequency", label="Frequency and number of sessions"),
            DateField(id="review", label="Review due"),
            LongTextField(id="referral", label="Referral or liaison"),
        )),
        Section(id="treatment", title="Treatment today",
                fields=_treatment("Consent to examination and treatment obtained")),
    ),
)

TREATMENT = NoteTemplate(
    id="osteo.treatment",
    title="Osteopathic treatment note",
    discipline="osteo",
    kind="treatment",
    # 2: the diagnosis codes and working diagnosis are on the note, carried forward.
    version=2,
    default_for=("follow-up",),
    description="Progress since the last visit, findings and techniques by region on the "
                "body chart, response and advice.",
    sections=(
        Section(id="subjective", title="Since the last visit", fields=(
            ChoiceField(id="progress", label="Progress",
                        options=options("better", "same", "worse", "new-complaint")),
            ScaleField(id="pain_now", label="Pain now", low_label="No pain",
                       high_label="Worst imaginable"),
            LongTextField(id="report", label="Patient report"),
            LongTextField(id="health_changes", label="Changes in health or medication"),
        )),
        Section(id="findings", title="Findings and treatment by region", fields=(
            _body("Somatic dysfunction and treatment",
                  "Mark TART findings and every technique applied, by region."),
            LongTextField(id="notes", label="Examination notes"),
        )),
        Section(id="diagnosis", title="Working diagnosis", fields=(
            CodesField(id="codes", label="Diagnosis (ICD-10)",
                       help=DIAGNOSIS_HELP + " Empty: the case's diagnoses apply."),
            LongTextField(id="working_diagnosis", label="Working diagnosis",
                          carry_forward=True),
        )),
        Section(id="treatment", title="Treatment",
                fields=_treatment("Consent to today's treatment confirmed")),
        Section(id="outcomes", title="Outcome measures", collapsed=True, fields=_measures()),
        Section(id="plan", title="Plan", fields=(
            ChoiceField(id="status", label="Status",
                        options=options("improving", "plateau", "worsening", "resolved")),
            LongTextField(id="plan", label="Plan"),
            TextField(id="next_visit", label="Next visit"),
        )),
    ),
)

ALL = (INITIAL_ASSESSMENT, TREATMENT)
BY_ID = {t.id: t for t in ALL}


def template_of(note: NoteContext) -> NoteTemplate:
    """The template ``note`` was made with: the one the host hands over, else ours by id."""
    return note.template or BY_ID[note.template_id]
