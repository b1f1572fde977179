"""The physiotherapy note templates: initial assessment, follow-up, re-assessment,
discharge summary, and the home exercise prescription.

Templates are data (SDK ``NoteTemplate`` objects); the editor draws them, the host validates
documents against them, and :mod:`vesalius_physio.validation` adds the rules across fields.
Required fields are few on purpose: what must be there to sign. Everything else is offered,
so a clinician documents what the case needs.

Daily charting: the initial assessment is the discipline's default for a case's first visit
and the follow-up for later ones. Copy-forward takes the SDK's default (body chart,
diagnosis codes, goals, plan) plus the plan of care (frequency, duration, interventions,
plan notes) of a re-assessment and the whole prescription of an exercise programme; never
today's report, measures or procedures. The host copies by path, so fields that should
pass from one template to another share it (``assessment.diagnosis_codes``).
"""

from __future__ import annotations

from typing import TypeVar

from vesalius_sdk import (
    BooleanField,
    ChartField,
    ChoiceField,
    CodesField,
    DateField,
    LongTextField,
    MultiChoiceField,
    NoteContext,
    NoteTemplate,
    NumberField,
    Section,
    TableField,
    TextField,
)
from vesalius_sdk.safety import consent_field, red_flag_fields

from . import fields as f
from .charts import BODY_CHART_ID
from .codes import CODE_FOR_COMPLEXITY, EVALUATION_CODES, RE_EVALUATION_CODE

DISCIPLINE = "physio"
INITIAL = "physio.initial-assessment"
FOLLOW_UP = "physio.follow-up"
RE_ASSESSMENT = "physio.re-assessment"
DISCHARGE = "physio.discharge"
EXERCISE_PROGRAMME = "physio.exercise-programme"
#: The initial assessment's field whose choice is billed as the evaluation code.
COMPLEXITY_PATH = "assessment.complexity"

#: The kinds of field this module copies forward explicitly.
F = TypeVar("F", LongTextField, MultiChoiceField, NumberField, TableField, TextField)

BODY_CHART = ChartField(id="body_chart", label="Body chart", chart=BODY_CHART_ID,
                        help="Where the symptoms are, their type, intensity and depth.")
#: The body chart of later notes, which keep it under ``objective``: the first follow-up
#: starts from the initial assessment's chart (``subjective.body_chart``).
BODY_CHART_LATER = BODY_CHART.model_copy(update={"carry_forward_from": ("subjective.body_chart",)})
DIAGNOSIS = CodesField(id="diagnosis_codes", label="Diagnosis (ICD-10-CM)",
                       help="Needed to sign an initial assessment.")

#: Physiotherapy's own red-flag list (Finucane LM et al., J Orthop Sports Phys Ther
#: 2020;50(7):350-372), finer than the SDK's common list: its values are stored in signed
#: notes, so the list stays; the action field and the signing rule are the SDK's.
RED_FLAGS = f.options(
    ("weight-loss", "Unexplained weight loss"),
    ("cancer-history", "History of cancer"),
    ("systemically-unwell", "Fever, chills, night sweats or feeling unwell"),
    ("night-pain", "Night pain not eased by rest or changing position"),
    ("constant-progressive", "Constant, progressive pain unrelated to movement"),
    ("saddle-anaesthesia", "Numbness in the saddle area"),
    ("bladder-bowel", "New bladder or bowel disturbance"),
    ("sexual-dysfunction", "New sexual dysfunction"),
    ("progressive-neuro", "Progressive or widespread neurological loss"),
    ("bilateral-neuro", "Symptoms in both legs or both arms"),
    ("myelopathy", "Clumsy hands, unsteady gait (cord signs)"),
    ("vascular", "Dizziness, drop attacks, double vision, slurred speech or swallowing trouble"),
    ("major-trauma", "Significant trauma"),
    ("bone-health", "Osteoporosis or long-term corticosteroids"),
    ("immune", "Immunosuppression or injected drug use"),
    ("age-onset", "First onset under 20 or over 50 without a clear cause"),
)

COMORBIDITIES = f.options(
    ("diabetes", "Diabetes"), ("hypertension", "High blood pressure"),
    ("cardiac", "Heart disease"), ("respiratory", "Lung disease"),
    ("osteoporosis", "Osteoporosis"), ("inflammatory-arthritis", "Inflammatory arthritis"),
    ("osteoarthritis", "Osteoarthritis"), ("cancer", "Cancer, current or past"),
    ("neurological", "Neurological condition"), ("mental-health", "Mental health condition"),
    ("obesity", "Obesity"), ("pregnancy", "Pregnancy"),
    ("implanted-device", "Pacemaker or other implanted device"),
    ("anticoagulants", "Bleeding disorder or anticoagulants"),
    ("previous-surgery", "Previous surgery to the area"),
)

MECHANISMS = f.options(
    ("insidious", "Gradual onset, no clear cause"), ("trauma", "Fall or impact"),
    ("sport", "Sporting injury"), ("work", "Work-related"),
    ("vehicle", "Motor vehicle collision"), ("overuse", "Overuse or repetitive strain"),
    ("post-surgical", "After surgery"), ("other", "Other"),
)

STAGES = f.options(("acute", "Acute (under 6 weeks)"), ("subacute", "Subacute (6-12 weeks)"),
                   ("chronic", "Persistent (over 12 weeks)"))
TREND = f.options(("improving", "Improving"), ("static", "Unchanged"),
                  ("worsening", "Worsening"), ("fluctuating", "Fluctuating"))
IRRITABILITY = f.options(("low", "Low"), ("moderate", "Moderate"), ("high", "High"))
NIGHT_PAIN = f.options(("none", "None"), ("on-movement", "Wakes on turning or lying on it"),
                       ("constant", "Constant night pain"))
REFERRAL = f.options(("self", "Self-referred"), ("physician", "Physician"),
                     ("surgeon", "Surgeon"), ("other-therapist", "Other therapist"),
                     ("insurer", "Insurer or employer"), ("other", "Other"))
GAIT_AIDS = f.options(("none", "None"), ("stick", "Stick or cane"), ("crutches", "Crutches"),
                      ("frame", "Frame or walker"), ("wheelchair", "Wheelchair"))
POSTURE = f.options(
    ("forward-head", "Forward head"), ("rounded-shoulders", "Rounded shoulders"),
    ("thoracic-kyphosis", "Increased thoracic kyphosis"),
    ("lordosis-increased", "Increased lumbar lordosis"),
    ("lordosis-reduced", "Reduced lumbar lordosis"), ("lateral-shift", "Lateral shift"),
    ("scoliosis", "Scoliosis"), ("pelvic-obliquity", "Pelvic obliquity"),
    ("genu-valgum", "Knock knees (valgus)"), ("genu-varum", "Bow legs (varus)"),
    ("pes-planus", "Flat feet"), ("pes-cavus", "High arches"),
    ("muscle-wasting", "Muscle wasting"), ("swelling", "Swelling"),
    ("antalgic", "Antalgic (pain-relieving) posture"),
)
COMPLEXITY = f.options(*((level, f"{level.capitalize()} ({code})")
                         for level, code in CODE_FOR_COMPLEXITY.items()))
PROGNOSIS = f.options(("excellent", "Excellent"), ("good", "Good"), ("fair", "Fair"),
                      ("guarded", "Guarded"), ("poor", "Poor"))
PROGRESS = f.options(("improving", "Improving as expected"),
                     ("slower", "Improving more slowly than expected"),
                     ("plateau", "Plateaued"), ("worsening", "Worsening"))
HEP_ADHERENCE = f.options(("full", "Doing it as prescribed"), ("partial", "Partly"),
                          ("none", "Not doing it"), ("not-prescribed", "None prescribed yet"))
PLAN_DECISION = f.options(("continue", "Continue the plan"), ("modify", "Modify the plan"),
                          ("discharge", "Discharge"), ("refer", "Refer on"))
DISCHARGE_REASONS = f.options(
    ("goals-met", "Goals met"), ("plateau", "Plateaued: no further benefit expected"),
    ("self-discharged", "Patient chose to stop"), ("non-attendance", "Did not return"),
    ("referred", "Referred to another service"), ("funding", "Funding or visits exhausted"),
    ("other", "Other"),
)
OVERALL_CHANGE = f.options(("much-better", "Much better"), ("better", "Better"),
                           ("same", "About the same"), ("worse", "Worse"))


_, RED_FLAG_ACTION = red_flag_fields()


def _carried(field: F) -> F:
    """``field`` copied forward into a new note of the case (copy-forward)."""
    return field.model_copy(update={"carry_forward": True})


PLAN_FIELDS = (
    f.GOALS_TABLE,
    f.FREQUENCY_PER_WEEK,
    f.DURATION_WEEKS,
    MultiChoiceField(id="interventions", label="Planned interventions",
                     options=f.INTERVENTIONS),
    LongTextField(id="education", label="Education and advice given"),
    BooleanField(id="home_programme_given", label="Home exercise programme given"),
    LongTextField(id="plan_notes", label="Plan"),
)


INITIAL_ASSESSMENT = NoteTemplate(
    id=INITIAL,
    title="Physiotherapy initial assessment",
    discipline=DISCIPLINE,
    kind="initial",
    # 2: consent and the red-flag screen must be ticked to sign; complexity bills the code.
    version=2,
    default_for=("initial",),
    description="Subjective and objective examination, diagnosis, outcome measures at "
                "intake, and the plan of care.",
    sections=(
        Section(id="referral", title="Referral and consent", fields=(
            ChoiceField(id="source", label="Referral source", options=REFERRAL),
            TextField(id="referrer", label="Referring practitioner"),
            TextField(id="medical_diagnosis", label="Referral diagnosis"),
            consent_field("Informed consent to assessment and treatment"),
        )),
        Section(id="subjective", title="Subjective", fields=(
            TextField(id="chief_complaint", label="Presenting complaint", required=True),
            LongTextField(id="history", label="History of the present condition",
                          required=True),
            ChoiceField(id="mechanism", label="Mechanism of onset", options=MECHANISMS),
            DateField(id="onset_date", label="Date of onset or injury"),
            ChoiceField(id="stage", label="Duration", options=STAGES),
            ChoiceField(id="trend", label="Since onset", options=TREND),
            BODY_CHART,
            f.PAIN_BEST,
            f.PAIN_WORST,
            LongTextField(id="pain_24h", label="24-hour pattern",
                          help="Morning, through the day, evening, night."),
            NumberField(id="morning_stiffness", label="Morning stiffness", unit="minutes",
                        minimum=0, maximum=1440, integer=True),
            ChoiceField(id="night_pain", label="Night pain", options=NIGHT_PAIN),
            LongTextField(id="aggravating", label="Aggravating factors"),
            LongTextField(id="easing", label="Easing factors"),
            ChoiceField(id="irritability", label="Irritability", options=IRRITABILITY),
            BooleanField(id="red_flags_screened", label="Red-flag screen completed",
                         required=True, must_be_true=True),
            MultiChoiceField(id="red_flags", label="Red flags present", options=RED_FLAGS),
            RED_FLAG_ACTION,
            LongTextField(id="yellow_flags", label="Psychosocial factors (yellow flags)"),
            MultiChoiceField(id="comorbidities", label="Comorbidities", options=COMORBIDITIES),
            LongTextField(id="past_history", label="Past medical and surgical history"),
            LongTextField(id="medications", label="Medications"),
            LongTextField(id="investigations", label="Imaging and investigations"),
            TextField(id="occupation", label="Occupation"),
            LongTextField(id="social", label="Home, work, sport and activity"),
            LongTextField(id="patient_goals", label="Patient's goals"),
        )),
        Section(id="outcome_measures", title="Outcome measures",
                fields=f.INTAKE_MEASURE_FIELDS),
        # The examination, plan and treatment start folded (one click opens each; a section
        # with a value opens by itself), so the intake reads as an overview.
        Section(id="objective", title="Objective", collapsed=True, fields=(
            LongTextField(id="observation", label="Observation"),
            MultiChoiceField(id="posture", label="Posture", options=POSTURE),
            ChoiceField(id="gait_aid", label="Walking aid", options=GAIT_AIDS),
            LongTextField(id="gait", label="Gait"),
            f.ROM_TABLE,
            f.STRENGTH_TABLE,
            f.SPECIAL_TESTS_TABLE,
            LongTextField(id="palpation", label="Palpation"),
            LongTextField(id="accessory_movements", label="Joint play / accessory movements"),
            f.FUNCTIONAL_TESTS_TABLE,
        )),
        Section(id="neuro", title="Neurological screen", collapsed=True, fields=(
            f.DERMATOMES_TABLE,
            f.MYOTOMES_TABLE,
            f.REFLEXES_TABLE,
            f.UMN_TABLE,
            LongTextField(id="neuro_notes", label="Neurological notes"),
        )),
        Section(id="assessment", title="Assessment", fields=(
            LongTextField(id="impression", label="Clinical impression", required=True),
            DIAGNOSIS,
            LongTextField(id="contributing_factors", label="Contributing factors"),
            ChoiceField(id="complexity", label="Evaluation complexity", options=COMPLEXITY,
                        help="History, body systems examined, presentation and decision "
                             "making; not time. Billed as the code shown: no need to list "
                             "it under procedures."),
            ChoiceField(id="prognosis", label="Prognosis (rehabilitation potential)",
                        options=PROGNOSIS),
        )),
        Section(id="plan", title="Plan of care", collapsed=True, fields=PLAN_FIELDS),
        Section(id="treatment", title="Treatment today", collapsed=True, fields=(
            f.procedures(extra=EVALUATION_CODES),
            f.TREATMENT_NOTES,
            f.RESPONSE,
        )),
    ),
)

FOLLOW_UP_NOTE = NoteTemplate(
    id=FOLLOW_UP,
    title="Physiotherapy follow-up (SOAP)",
    discipline=DISCIPLINE,
    kind="follow-up",
    # 2: the diagnosis codes are on the follow-up too, carried forward.
    version=2,
    default_for=("follow-up",),
    description="A treatment visit: report, findings, what was done and for how long, "
                "assessment and plan.",
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="report", label="Patient report since last visit", required=True),
            f.PAIN_NOW,
            ChoiceField(id="change", label="Since last visit", options=TREND),
            ChoiceField(id="hep_adherence", label="Home programme", options=HEP_ADHERENCE),
            BooleanField(id="new_red_flags", label="New red flags reported"),
        )),
        Section(id="objective", title="Objective", fields=(
            LongTextField(id="findings", label="Findings"),
            BODY_CHART_LATER,
            f.ROM_TABLE,
            f.STRENGTH_TABLE,
            f.SPECIAL_TESTS_TABLE,
        )),
        Section(id="treatment", title="Treatment", fields=(
            f.procedures(required=True),
            f.TREATMENT_NOTES,
            f.RESPONSE,
        )),
        Section(id="assessment", title="Assessment", fields=(
            ChoiceField(id="progress", label="Progress", options=PROGRESS),
            LongTextField(id="assessment", label="Assessment", required=True),
            # At the initial assessment's path, so copy-forward brings it to every visit.
            CodesField(id="diagnosis_codes", label="Diagnosis (ICD-10-CM)",
                       help="Carried from the last note; update when it changes."),
        )),
        Section(id="plan", title="Plan", fields=(
            LongTextField(id="plan", label="Plan", required=True,
                          carry_forward_from=("plan.plan_notes",)),
            BooleanField(id="home_programme_updated", label="Home programme updated"),
            DateField(id="next_visit", label="Next visit"),
        )),
    ),
)

RE_ASSESSMENT_NOTE = NoteTemplate(
    id=RE_ASSESSMENT,
    title="Physiotherapy re-assessment",
    discipline=DISCIPLINE,
    kind="re-assessment",
    description="Progress against the plan of care: outcome measures, examination, goals, "
                "and the updated plan.",
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="interval_history", label="Since the last assessment",
                          required=True),
            ChoiceField(id="overall_change", label="Patient's rating of change",
                        options=OVERALL_CHANGE),
            BODY_CHART_LATER,
            f.PAIN_BEST,
            f.PAIN_WORST,
            ChoiceField(id="hep_adherence", label="Home programme", options=HEP_ADHERENCE),
            BooleanField(id="new_red_flags", label="New red flags reported"),
        )),
        Section(id="outcome_measures", title="Outcome measures", fields=f.MEASURE_FIELDS),
        Section(id="objective", title="Objective", fields=(
            LongTextField(id="findings", label="Findings"),
            f.ROM_TABLE,
            f.STRENGTH_TABLE,
            f.SPECIAL_TESTS_TABLE,
            f.FUNCTIONAL_TESTS_TABLE,
        )),
        Section(id="goals", title="Goals", fields=(f.GOALS_TABLE,)),
        Section(id="assessment", title="Assessment", fields=(
            ChoiceField(id="progress", label="Progress", options=PROGRESS),
            LongTextField(id="impression", label="Assessment of progress", required=True),
            CodesField(id="diagnosis_codes", label="Diagnosis (ICD-10-CM)",
                       help="Update when the working diagnosis has changed."),
            ChoiceField(id="prognosis", label="Prognosis", options=PROGNOSIS),
        )),
        Section(id="plan", title="Updated plan", fields=(
            ChoiceField(id="decision", label="Decision", options=PLAN_DECISION, required=True),
            *(_carried(field) for field in (
                f.FREQUENCY_PER_WEEK,
                f.DURATION_WEEKS,
                MultiChoiceField(id="interventions", label="Planned interventions",
                                 options=f.INTERVENTIONS),
                LongTextField(id="plan_notes", label="Plan"),
            )),
        )),
        Section(id="treatment", title="Treatment today", fields=(
            f.procedures(extra=(RE_EVALUATION_CODE,)),
            f.TREATMENT_NOTES,
            f.RESPONSE,
        )),
    ),
)

DISCHARGE_SUMMARY = NoteTemplate(
    id=DISCHARGE,
    title="Physiotherapy discharge summary",
    discipline=DISCIPLINE,
    kind="discharge",
    description="The episode of care at its end: outcome change since intake, goals met, "
                "and recommendations.",
    sections=(
        Section(id="summary", title="Summary of care", fields=(
            DateField(id="discharge_date", label="Discharge date", required=True),
            ChoiceField(id="reason", label="Reason for discharge", options=DISCHARGE_REASONS,
                        required=True),
            NumberField(id="visits", label="Visits attended", minimum=0, maximum=500,
                        integer=True),
            LongTextField(id="course", label="Course of care",
                          help="Diagnosis, interventions and how the patient responded."),
            ChoiceField(id="overall_change", label="Patient's rating of change",
                        options=OVERALL_CHANGE),
        )),
        Section(id="outcome_measures", title="Outcome measures at discharge",
                fields=f.MEASURE_FIELDS),
        Section(id="outcomes", title="Outcome change since intake", fields=(
            LongTextField(id="outcome_change", label="Change since intake", required=True,
                          help="Intake and discharge scores, and whether the change reaches "
                               "each measure's minimal clinically important difference."),
            f.ROM_TABLE,
            f.STRENGTH_TABLE,
            f.FUNCTIONAL_TESTS_TABLE,
        )),
        Section(id="goals", title="Goals", fields=(f.GOALS_TABLE,)),
        Section(id="recommendations", title="Recommendations", fields=(
            LongTextField(id="recommendations", label="Recommendations", required=True),
            BooleanField(id="continue_home_programme", label="Continue the home programme"),
            TextField(id="referred_to", label="Referred to"),
            ChoiceField(id="return_if", label="Return to physiotherapy",
                        options=f.options(("as-needed", "As needed"),
                                          ("review", "Planned review"),
                                          ("not-indicated", "Not indicated"))),
        )),
        Section(id="treatment", title="Treatment today", collapsed=True, fields=(
            f.procedures(),
            f.TREATMENT_NOTES,
        )),
    ),
)

EXERCISE_PRESCRIPTION = NoteTemplate(
    id=EXERCISE_PROGRAMME,
    title="Home exercise programme",
    discipline=DISCIPLINE,
    kind="treatment",
    description="Exercises from the library with sets, reps, hold, load, frequency and "
                "progression; prints as the patient's home programme.",
    sections=(
        Section(id="programme", title="Home exercise programme", fields=(
            TextField(id="title", label="Title", max_length=120, carry_forward=True,
                      help="Printed at the top, for example 'Knee programme, stage 2'."),
            DateField(id="start_date", label="Start date"),
            DateField(id="review_date", label="Review date"),
            _carried(f.EXERCISE_TABLE),
            LongTextField(id="advice", label="Advice for the patient", max_length=4000,
                          carry_forward=True),
            LongTextField(id="precautions", label="Precautions", max_length=4000,
                          carry_forward=True),
        )),
    ),
)

TEMPLATES: tuple[NoteTemplate, ...] = (
    INITIAL_ASSESSMENT, FOLLOW_UP_NOTE, RE_ASSESSMENT_NOTE, DISCHARGE_SUMMARY,
    EXERCISE_PRESCRIPTION,
)
BY_ID: dict[str, NoteTemplate] = {t.id: t for t in TEMPLATES}


def template_of(note: NoteContext) -> NoteTemplate:
    """The template ``note`` was made with: the one the host hands over, else ours by id."""
    return note.template or BY_ID[note.template_id]
