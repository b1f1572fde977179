"""Chiropractic note templates: initial examination, daily visit, re-examination.

The spine chart (``chiro.spine``) carries the segmental findings and the adjustments; the
charge rule bills CMT from its "adjusted" marks, and the visit's phase of care (active or
maintenance) decides the AT modifier. PART (pain, asymmetry, range of motion, tissue tone)
is recorded per spinal region in a table, as Medicare's §240.1.2 asks of every visit.
The ODI field refers to the physiotherapy pack's measure: without that pack it is shown as
unavailable and the rest of the template works.

Daily charting: the initial examination is the default for a case's first visit, the visit
note for later ones. Copy-forward carries the diagnosis, the phase of care, the plan and the
home care; the spine chart is not carried, because its "adjusted" marks are what the charge
rule bills: a copied chart would bill the last visit's adjustments again. Red flags, the
response to treatment and consent are the SDK's common safety fields
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
    NumberField,
    Option,
    ScaleField,
    Section,
    TableField,
    TextField,
    options,
)
from vesalius_sdk.safety import consent_field, red_flag_fields, response_fields

from .charts.spine import TECHNIQUES

SIDES = options("left", "right", "bilateral", "midline")
SPINAL_REGIONS = options("cervical", "thoracic", "lumbar", "sacral", "pelvic")
CARE_TYPE = (
    Option(value="active", label="Active / corrective treatment"),
    Option(value="maintenance", label="Maintenance / supportive care"),
)
ORTHO_TESTS = options(
    "cervical-compression", "cervical-distraction", "spurling", "shoulder-depression",
    "adson", "soto-hall", "valsalva", "straight-leg-raise", "braggard", "well-leg-raise",
    "slump", "kemp", "patrick-faber", "gaenslen", "yeoman", "ely", "nachlas", "milgram",
    "hoover", "other",
)
RESULT = options("positive", "negative", "equivocal")
REFLEX_GRADE = (
    Option(value="0", label="0 absent"), Option(value="1+", label="1+ diminished"),
    Option(value="2+", label="2+ normal"), Option(value="3+", label="3+ brisk"),
    Option(value="4+", label="4+ clonus"),
)
ROM_MOVEMENTS = options("flexion", "extension", "lateral-flexion-left",
                         "lateral-flexion-right", "rotation-left", "rotation-right")
LEVEL = options("normal", "left-high", "right-high")
CURVE = options("normal", "increased", "decreased")


def _part_table() -> TableField:
    return TableField(
        id="part", label="PART findings by region",
        help="Pain, Asymmetry, Range-of-motion abnormality, Tissue tone. Medicare asks for two "
             "of the four, one of them asymmetry or range of motion, in each region adjusted.",
        columns=(
            ChoiceField(id="region", label="Region", options=SPINAL_REGIONS),
            ScaleField(id="pain", label="Pain (0-10)"),
            BooleanField(id="asymmetry", label="Asymmetry / misalignment"),
            ChoiceField(id="rom", label="Range of motion",
                        options=options("normal", "reduced", "increased", "painful")),
            ChoiceField(id="tissue", label="Tissue / tone",
                        options=options("normal", "hypertonic", "spasm", "tender", "oedema")),
            TextField(id="notes", label="Notes", max_length=300),
        ),
        max_rows=10,
    )


def _spine(label: str, help_text: str) -> ChartField:
    # Never copied forward: its "adjusted" marks are what the charge rule bills.
    return ChartField(id="spine", label=label, chart="chiro.spine", help=help_text,
                      carry_forward=False)


def _rom_table() -> TableField:
    return TableField(
        id="rom", label="Range of motion",
        columns=(
            ChoiceField(id="region", label="Region",
                        options=options("cervical", "thoracic", "lumbar")),
            ChoiceField(id="movement", label="Movement", options=ROM_MOVEMENTS),
            NumberField(id="degrees", label="Degrees", unit="°", minimum=0, maximum=180,
                        integer=True),
            BooleanField(id="pain", label="Painful"),
            TextField(id="notes", label="Notes", max_length=300),
        ),
        max_rows=30,
    )


def _ortho_table() -> TableField:
    return TableField(
        id="ortho_tests", label="Orthopaedic tests",
        columns=(
            ChoiceField(id="test", label="Test", options=ORTHO_TESTS),
            ChoiceField(id="side", label="Side", options=SIDES),
            ChoiceField(id="result", label="Result", options=RESULT),
            TextField(id="notes", label="Notes (pain reproduced, where)", max_length=300),
        ),
        max_rows=40,
    )


def _treatment_fields() -> tuple:
    return (
        ChoiceField(id="care_type", label="Phase of care", options=CARE_TYPE, required=True,
                    carry_forward=True,
                    # The exam keeps it in its plan, visits in their treatment section.
                    carry_forward_from=("plan.care_type", "treatment.care_type"),
                    help="Active treatment corrects a subluxation and is expected to improve "
                         "function; maintenance supports a patient who has reached maximum "
                         "improvement. Payers that ask for it get the AT modifier on active "
                         "treatment only."),
        LongTextField(id="adjustments", label="Adjustments",
                      help="Segments adjusted, listings corrected and techniques are marked "
                           "on the spine chart; add what the chart does not say."),
        LongTextField(id="therapies", label="Other care given",
                      help="Soft-tissue work, modalities, exercises."),
        *response_fields(),
    )


#: The outcome measures of every chiropractic note, each folded as "add a measure" until
#: the case uses it: a visit re-scores what the examination started. The NDI and the ODI
#: are the core's common spine measures (``pack="general"``: on a core older than them the
#: field is unavailable, with a notice naming the general pack, and the rest works).
OUTCOMES = Section(id="outcomes", title="Outcome measures", fields=(
    MeasureField(id="ndi", label="Neck Disability Index", measure="ndi", pack="general"),
    MeasureField(id="bq_neck", label="Bournemouth Questionnaire (neck)", measure="bq-neck"),
    MeasureField(id="bq_back", label="Bournemouth Questionnaire (back)", measure="bq-back"),
    MeasureField(id="rmdq", label="Roland-Morris Disability Questionnaire", measure="rmdq"),
    MeasureField(id="odi", label="Oswestry Disability Index", measure="odi", pack="general"),
))

INITIAL_EXAM = NoteTemplate(
    id="chiro.initial-exam",
    title="Chiropractic initial examination",
    discipline="chiro",
    kind="initial",
    # 2: consent must be ticked to sign (SDK 0.2 must-be-true box).
    version=2,
    default_for=("initial",),
    description="History, posture, orthopaedic and neurological tests, palpation and motion "
                "findings on the spine chart, radiographs, diagnosis and plan of care.",
    sections=(
        Section(id="history", title="History", fields=(
            LongTextField(id="chief_complaint", label="Chief complaint", required=True),
            DateField(id="onset", label="Date of onset"),
            ChoiceField(id="mechanism", label="Mechanism", options=options(
                "gradual", "lifting", "fall", "motor-vehicle", "sport", "work", "other",
                "unknown")),
            LongTextField(id="complaint_history", label="History of the complaint",
                          help="Location, quality, radiation, timing, course."),
            ScaleField(id="pain_now", label="Pain now", low_label="No pain",
                       high_label="Worst imaginable"),
            ScaleField(id="pain_worst", label="Worst pain in the last week",
                       low_label="No pain", high_label="Worst imaginable"),
            TextField(id="aggravating", label="Aggravating factors"),
            TextField(id="relieving", label="Relieving factors"),
            *red_flag_fields(),
            LongTextField(id="past_history", label="Past medical, surgical and trauma history"),
            TextField(id="medications", label="Medications"),
            LongTextField(id="prior_care", label="Previous care for this complaint"),
            TextField(id="occupation", label="Occupation and activities"),
        )),
        OUTCOMES,
        Section(id="posture", title="Posture analysis", fields=(
            ChoiceField(id="head_carriage", label="Head carriage",
                        options=options("neutral", "anterior", "tilted-left",
                                         "tilted-right", "rotated-left", "rotated-right")),
            ChoiceField(id="shoulder_level", label="Shoulder level", options=LEVEL),
            ChoiceField(id="iliac_crest_level", label="Iliac crest level", options=LEVEL),
            ChoiceField(id="cervical_lordosis", label="Cervical lordosis", options=CURVE),
            ChoiceField(id="thoracic_kyphosis", label="Thoracic kyphosis", options=CURVE),
            ChoiceField(id="lumbar_lordosis", label="Lumbar lordosis", options=CURVE),
            ChoiceField(id="scoliosis", label="Scoliosis",
                        options=options("none", "right-thoracic", "left-thoracic",
                                         "right-lumbar", "left-lumbar", "double-curve")),
            NumberField(id="weight_left", label="Weight on left scale", unit="kg",
                        minimum=0, maximum=300),
            NumberField(id="weight_right", label="Weight on right scale", unit="kg",
                        minimum=0, maximum=300),
            LongTextField(id="notes", label="Posture notes"),
        )),
        Section(id="examination", title="Orthopaedic and neurological examination", fields=(
            _rom_table(),
            _ortho_table(),
            TableField(id="reflexes", label="Deep tendon reflexes", columns=(
                ChoiceField(id="reflex", label="Reflex", options=(
                    Option(value="biceps", label="Biceps (C5)"),
                    Option(value="brachioradialis", label="Brachioradialis (C6)"),
                    Option(value="triceps", label="Triceps (C7)"),
                    Option(value="patellar", label="Patellar (L4)"),
                    Option(value="medial-hamstring", label="Medial hamstring (L5)"),
                    Option(value="achilles", label="Achilles (S1)"))),
                ChoiceField(id="left", label="Left", options=REFLEX_GRADE),
                ChoiceField(id="right", label="Right", options=REFLEX_GRADE),
            ), max_rows=12),
            TableField(id="dermatomes", label="Sensation by dermatome", columns=(
                ChoiceField(id="level", label="Level", options=options(
                    "C4", "C5", "C6", "C7", "C8", "T1", "L1", "L2", "L3", "L4", "L5", "S1",
                    "S2")),
                ChoiceField(id="side", label="Side", options=SIDES),
                ChoiceField(id="sensation", label="Sensation",
                            options=options("normal", "decreased", "absent", "increased")),
            ), max_rows=26),
            TableField(id="myotomes", label="Muscle strength by myotome", columns=(
                ChoiceField(id="level", label="Level", options=options(
                    "C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1")),
                ChoiceField(id="side", label="Side", options=SIDES),
                ScaleField(id="grade", label="Grade (0-5)", minimum=0, maximum=5),
            ), max_rows=20),
            LongTextField(id="notes", label="Examination notes"),
        )),
        Section(id="palpation", title="Palpation and motion", fields=(
            _spine("Spine findings and adjustments",
                   "Mark subluxations with their listing, fixations, tenderness and spasm; "
                   "mark the segments adjusted today with the technique."),
            LongTextField(id="static", label="Static palpation"),
            LongTextField(id="motion", label="Motion palpation"),
            _part_table(),
        )),
        Section(id="radiographs", title="Radiographic findings", collapsed=True, fields=(
            BooleanField(id="taken", label="Radiographs taken or reviewed"),
            DateField(id="date", label="Date of the films",
                      help="Medicare accepts films from 12 months before to 3 months after "
                           "the start of care."),
            MultiChoiceField(id="views", label="Views", options=options(
                "full-spine", "ap-open-mouth", "ap-lower-cervical", "lateral-cervical",
                "cervical-obliques", "cervical-flexion-extension", "ap-thoracic",
                "lateral-thoracic", "ap-lumbopelvic", "lateral-lumbar", "lumbar-obliques")),
            LongTextField(id="findings", label="Findings and listings"),
        )),
        Section(id="assessment", title="Diagnosis", fields=(
            CodesField(id="diagnosis", label="Diagnosis (ICD-10)", required=True,
                       help="Segmental dysfunction first (M99.01 cervical, M99.02 thoracic, "
                            "M99.03 lumbar, M99.04 sacral, M99.05 pelvic), then the "
                            "conditions it causes."),
            LongTextField(id="impression", label="Clinical impression"),
            ChoiceField(id="prognosis", label="Prognosis",
                        options=options("excellent", "good", "fair", "guarded", "poor")),
        )),
        Section(id="plan", title="Plan of care", fields=(
            *_treatment_fields(),
            NumberField(id="visits_per_week", label="Visits per week", minimum=0, maximum=7,
                        integer=True),
            NumberField(id="weeks", label="For weeks", minimum=0, maximum=52, integer=True),
            MultiChoiceField(id="techniques", label="Techniques planned",
                             options=options(*TECHNIQUES)),
            LongTextField(id="goals", label="Goals", help="Short- and long-term, measurable."),
            LongTextField(id="home_care", label="Home care and advice", carry_forward=True),
            DateField(id="re_exam", label="Re-examination due"),
            consent_field(),
        )),
    ),
)

VISIT = NoteTemplate(
    id="chiro.visit",
    title="Chiropractic visit",
    discipline="chiro",
    kind="follow-up",
    # 2: the diagnosis is recorded (and carried forward) on the visit itself.
    # 3: the outcome measures, to re-score at a visit.
    version=3,
    default_for=("follow-up",),
    description="Daily visit note: progress, PART by region, segments adjusted and "
                "techniques on the spine chart, phase of care, response and plan.",
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            ChoiceField(id="progress", label="Since the last visit",
                        options=options("better", "same", "worse", "new-complaint")),
            ScaleField(id="pain_now", label="Pain now", low_label="No pain",
                       high_label="Worst imaginable"),
            LongTextField(id="report", label="Patient report"),
        )),
        OUTCOMES,
        Section(id="objective", title="Objective", fields=(
            _part_table(),
            _spine("Spine findings and adjustments",
                   "Mark today's findings and every segment adjusted, with the technique."),
            LongTextField(id="notes", label="Other findings"),
        )),
        Section(id="treatment", title="Treatment", fields=_treatment_fields()),
        Section(id="assessment", title="Assessment", fields=(
            ChoiceField(id="status", label="Status",
                        options=options("improving", "plateau", "worsening", "resolved")),
            LongTextField(id="notes", label="Assessment"),
            CodesField(id="diagnosis", label="Diagnosis (ICD-10)",
                       help="Carried from the last note; segmental dysfunction first. Empty: "
                            "the case's diagnoses apply."),
        )),
        Section(id="plan", title="Plan", fields=(
            LongTextField(id="plan", label="Plan"),
            TextField(id="next_visit", label="Next visit"),
            LongTextField(id="home_care", label="Home care and advice", carry_forward=True),
        )),
    ),
)

RE_EXAM = NoteTemplate(
    id="chiro.re-exam",
    title="Chiropractic re-examination",
    discipline="chiro",
    kind="re-assessment",
    description="Progress against the goals of the plan: outcome measures, range of motion, "
                "tests, spine findings, and the decision to continue, change or discharge.",
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="report", label="Patient report", required=True),
            ScaleField(id="pain_now", label="Pain now", low_label="No pain",
                       high_label="Worst imaginable"),
        )),
        OUTCOMES,
        Section(id="examination", title="Examination", fields=(
            _rom_table(),
            _ortho_table(),
            _part_table(),
            _spine("Spine findings and adjustments",
                   "Mark today's findings and every segment adjusted, with the technique."),
        )),
        Section(id="assessment", title="Assessment", fields=(
            CodesField(id="diagnosis", label="Diagnosis (ICD-10)", required=True),
            ChoiceField(id="goals_met", label="Goals",
                        options=options("met", "partly-met", "not-met")),
            LongTextField(id="notes", label="Progress and assessment"),
        )),
        Section(id="plan", title="Plan", fields=(
            *_treatment_fields(),
            ChoiceField(id="decision", label="Decision",
                        options=options("continue", "change-plan", "discharge", "refer")),
            NumberField(id="visits_per_week", label="Visits per week", minimum=0, maximum=7,
                        integer=True, carry_forward=True),
            NumberField(id="weeks", label="For weeks", minimum=0, maximum=52, integer=True,
                        carry_forward=True),
            LongTextField(id="plan", label="Plan"),
        )),
    ),
)

ALL = (INITIAL_EXAM, VISIT, RE_EXAM)
BY_ID = {t.id: t for t in ALL}


def template_of(note: NoteContext) -> NoteTemplate:
    """The template ``note`` was made with: the one the host hands over, else ours by id."""
    return note.template or BY_ID[note.template_id]
