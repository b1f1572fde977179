"""Note templates: the intake (health history and contraindication screen) and the treatment
note (muscle map, pressure, and the treatment sequence log).

The intake is the discipline's default for a case's first visit, the treatment note for
every later one. Copy-forward: besides the SDK's defaults (the muscle map, the plan), what
the client told us once and what we settled on (preferred pressure, areas to avoid, health
history, positioning, home care) carries forward; today's report, the re-screen, the
treatment log (it is what is billed) and the response never do. NPRS and PGIC are the
general pack's measures, used by id.
"""

from __future__ import annotations

from vesalius_sdk import (
    BooleanField,
    ChartField,
    ChoiceField,
    DateField,
    LongTextField,
    MeasureField,
    MultiChoiceField,
    NoteTemplate,
    NumberField,
    Option,
    Section,
    TableField,
    TextField,
    options,
)

from .areas import AREAS
from .screen import DECISIONS, ITEMS
from .techniques import PRESSURES, TECHNIQUES

PRESSURE_OPTIONS = options(*PRESSURES)
AREA_OPTIONS = options(*AREAS)
TECHNIQUE_OPTIONS = tuple(Option(value=t.id, label=t.label) for t in TECHNIQUES)

GOALS = (
    ("pain", "Pain relief"), ("tension", "Ease muscle tension"),
    ("stress", "Stress and relaxation"),
    ("mobility", "Move more freely"), ("sport", "Sport training or recovery"),
    ("injury", "Recovery from an injury"), ("sleep", "Better sleep"), ("other", "Other"),
)
CONDITIONS = (
    ("arthritis", "Arthritis"), ("headaches", "Headaches or migraines"),
    ("fibromyalgia", "Fibromyalgia"), ("diabetes", "Diabetes"),
    ("heart", "Heart or circulation condition"), ("high-bp", "High blood pressure"),
    ("epilepsy", "Epilepsy or seizures"), ("cancer", "Cancer (now or in the past)"),
    ("skin", "Skin condition"), ("disc", "Disc or nerve problem in the back or neck"),
    ("tmj", "Jaw (TMJ) problem"), ("anxiety", "Anxiety or depression"),
)
POSITIONS = (
    ("prone", "Prone"), ("supine", "Supine"), ("side-lying", "Side-lying"),
    ("seated", "Seated"),
)
HOME_CARE = (
    ("stretching", "Stretching"), ("heat", "Heat"), ("ice", "Ice"),
    ("self-massage", "Self-massage"), ("hydration", "Drink water"), ("rest", "Rest"),
    ("posture", "Posture and workstation"),
)

INTAKE = NoteTemplate(
    id="massage.intake",
    title="Massage intake",
    discipline="massage",
    kind="intake",
    default_for=("initial",),
    description="First visit: reasons and goals, health history, the contraindication "
                "screen and consent.",
    sections=(
        Section(id="reason", title="Reason for visit", fields=(
            LongTextField(id="complaint", label="Reason for visit", required=True),
            MultiChoiceField(id="goals", label="Goals", options=options(*GOALS)),
            BooleanField(id="had_massage", label="Has had professional massage before"),
            ChoiceField(id="pressure_preference", label="Preferred pressure",
                        options=PRESSURE_OPTIONS, carry_forward=True),
            TextField(id="avoid_areas", label="Areas not to be massaged", carry_forward=True,
                      help="Areas the client does not want touched, whatever the reason."),
            MeasureField(id="pain", label="Pain now (NPRS)", measure="nprs", default=True),
        )),
        Section(id="history", title="Health history", fields=(
            MultiChoiceField(id="conditions", label="Conditions", options=options(*CONDITIONS),
                             carry_forward=True),
            LongTextField(id="conditions_detail", label="Details of conditions",
                          carry_forward=True),
            LongTextField(id="medications", label="Medications and supplements",
                          carry_forward=True),
            TextField(id="allergies", label="Allergies (oils, lotions, latex, nuts)",
                      carry_forward=True),
            LongTextField(id="injuries_surgeries", label="Injuries and surgeries",
                          carry_forward=True),
            NumberField(id="pregnancy_weeks", label="Weeks pregnant (if pregnant)",
                        integer=True, minimum=1, maximum=42),
            TextField(id="physician", label="Physician or other practitioner",
                      carry_forward=True),
        )),
        Section(id="screen", title="Contraindication screen", fields=(
            *(BooleanField(id=item.id, label=item.label, required=True) for item in ITEMS),
            BooleanField(id="clearance", label="Medical clearance on file"),
            DateField(id="clearance_date", label="Date of clearance"),
            ChoiceField(id="decision", label="Decision", options=options(*DECISIONS),
                        required=True),
            LongTextField(id="modifications", label="Modifications (areas avoided, pressure, "
                                                    "position)"),
        )),
        Section(id="consent", title="Consent", fields=(
            BooleanField(id="informed_consent", label="Client gave informed consent to "
                                                      "treatment, draping and touch",
                         required=True, must_be_true=True),
            DateField(id="date", label="Date of consent", required=True),
        )),
    ),
)

TREATMENT = NoteTemplate(
    id="massage.treatment",
    title="Massage treatment note",
    discipline="massage",
    kind="treatment",
    default_for=("follow-up",),
    description="A visit: what the client reports, what was found on the muscle map, and "
                "the treatment given, area by area, with technique and minutes.",
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="complaint", label="Complaint and changes since last visit",
                          required=True),
            BooleanField(id="rescreened", label="Health changes and contraindications "
                                                "checked today", required=True,
                         must_be_true=True),
            LongTextField(id="health_changes", label="Health changes since the intake"),
            MeasureField(id="pain", label="Pain now (NPRS)", measure="nprs", default=True),
        )),
        Section(id="objective", title="Objective", fields=(
            LongTextField(id="findings", label="Palpation and observation"),
            ChartField(id="muscles", label="Muscle map", chart="massage.muscles"),
        )),
        Section(id="treatment", title="Treatment", fields=(
            ChoiceField(id="pressure", label="Pressure overall", options=PRESSURE_OPTIONS,
                        required=True, carry_forward=True,
                        carry_forward_from=("reason.pressure_preference",)),
            MultiChoiceField(id="positions", label="Positioning", options=options(*POSITIONS),
                             carry_forward=True),
            TableField(id="sequence", label="Treatment sequence", required=True, max_rows=40,
                       help="One row per area worked, in order: technique and minutes.",
                       columns=(
                           ChoiceField(id="area", label="Area", options=AREA_OPTIONS),
                           ChoiceField(id="technique", label="Technique",
                                       options=TECHNIQUE_OPTIONS),
                           ChoiceField(id="pressure", label="Pressure",
                                       options=PRESSURE_OPTIONS),
                           NumberField(id="minutes", label="Minutes", unit="min",
                                       integer=True, minimum=1, maximum=120),
                       )),
            TextField(id="avoided", label="Areas avoided and why", carry_forward=True,
                      carry_forward_from=("reason.avoid_areas",)),
        )),
        Section(id="response", title="Response", fields=(
            LongTextField(id="response", label="Response to treatment"),
            MeasureField(id="change", label="Change since care began (PGIC)",
                         measure="pgic"),
        )),
        Section(id="plan", title="Plan", fields=(
            MultiChoiceField(id="home_care", label="Home care", options=options(*HOME_CARE),
                             carry_forward=True),
            LongTextField(id="plan", label="Plan and next visit"),
        )),
    ),
)

TEMPLATES = (INTAKE, TREATMENT)
