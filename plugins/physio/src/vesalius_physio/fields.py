"""Field building blocks shared by the physio templates, and the clinical lists behind them.

Fields are frozen SDK objects, so one definition (the range-of-motion table, say) is used
as-is by every template that needs it: a note made from any of them stores the same shape.
Option values are stored in signed notes, so they are stable forever; labels may improve.
"""

from __future__ import annotations

from vesalius_sdk import (
    BooleanField,
    ChoiceField,
    DateField,
    LongTextField,
    MeasureField,
    NumberField,
    Option,
    ProceduresField,
    ScaleField,
    TableField,
    TextField,
    options,
)

from .codes import TREATMENT_CODES
from .exercises import FREQUENCIES, LIBRARY, REGIONS

SIDES = options(("right", "Right"), ("left", "Left"), ("bilateral", "Both"),
                ("midline", "Midline / not sided"))
LIMB_SIDES = options(("right", "Right"), ("left", "Left"))

JOINTS = options(
    ("cervical", "Cervical spine"), ("thoracic", "Thoracic spine"),
    ("lumbar", "Lumbar spine"), ("tmj", "Jaw (TMJ)"), ("shoulder", "Shoulder"),
    ("scapula", "Shoulder blade"), ("elbow", "Elbow"), ("forearm", "Forearm"),
    ("wrist", "Wrist"), ("fingers", "Fingers"), ("thumb", "Thumb"), ("hip", "Hip"),
    ("knee", "Knee"), ("ankle", "Ankle"), ("subtalar", "Subtalar (rearfoot)"),
    ("great-toe", "Big toe (1st MTP)"),
)

MOVEMENTS = options(
    ("flexion", "Flexion"), ("extension", "Extension"), ("abduction", "Abduction"),
    ("adduction", "Adduction"), ("internal-rotation", "Internal rotation"),
    ("external-rotation", "External rotation"), ("rotation-right", "Rotation right"),
    ("rotation-left", "Rotation left"), ("side-flexion-right", "Side flexion right"),
    ("side-flexion-left", "Side flexion left"),
    ("horizontal-abduction", "Horizontal abduction"),
    ("horizontal-adduction", "Horizontal adduction"), ("hand-behind-back", "Hand behind back"),
    ("elevation", "Elevation"), ("depression", "Depression"), ("protraction", "Protraction"),
    ("retraction", "Retraction"), ("pronation", "Pronation"), ("supination", "Supination"),
    ("radial-deviation", "Radial deviation"), ("ulnar-deviation", "Ulnar deviation"),
    ("dorsiflexion", "Dorsiflexion"), ("plantarflexion", "Plantarflexion"),
    ("inversion", "Inversion"), ("eversion", "Eversion"), ("opening", "Mouth opening"),
)

PAIN_ON_MOVEMENT = options(("none", "No pain"), ("end-range", "Pain at end of range"),
                           ("through-range", "Pain through range"),
                           ("arc", "Painful arc"))

END_FEEL = options(("normal", "Normal for the joint"), ("firm", "Firm (capsular)"),
                   ("hard", "Hard (bony)"), ("springy", "Springy block"),
                   ("spasm", "Muscle spasm"), ("empty", "Empty (pain stops movement)"))

#: The Oxford (MRC) 0-5 grades of muscle power, in our words.
OXFORD = options(
    ("0", "0: no contraction"), ("1", "1: flicker or trace of contraction"),
    ("2", "2: full range with gravity eliminated"), ("3", "3: full range against gravity"),
    ("4", "4: against gravity and some resistance"), ("5", "5: normal power"),
)

SPECIAL_TEST_REGIONS = options(
    ("cervical", "Cervical"), ("shoulder", "Shoulder"), ("elbow", "Elbow"),
    ("wrist-hand", "Wrist and hand"), ("thoracic", "Thoracic"), ("lumbar", "Lumbar"),
    ("sij", "Sacroiliac"), ("hip", "Hip"), ("knee", "Knee"), ("ankle-foot", "Ankle and foot"),
    ("neurodynamic", "Neurodynamic"),
)

#: Common orthopaedic special tests: stored id -> name (region in the name for the picker).
SPECIAL_TESTS = options(
    ("spurling", "Spurling's (cervical)"), ("cervical-distraction", "Distraction (cervical)"),
    ("cervical-flexion-rotation", "Flexion-rotation (C1-2)"),
    ("sharp-purser", "Sharp-Purser (upper cervical stability)"),
    ("deep-neck-flexor-endurance", "Deep neck flexor endurance"),
    ("hawkins-kennedy", "Hawkins-Kennedy (shoulder)"), ("neer", "Neer (shoulder)"),
    ("empty-can", "Empty can / Jobe (shoulder)"), ("drop-arm", "Drop arm (shoulder)"),
    ("er-lag", "External rotation lag (shoulder)"), ("painful-arc", "Painful arc (shoulder)"),
    ("apprehension", "Apprehension (shoulder)"), ("relocation", "Relocation (shoulder)"),
    ("speed", "Speed's (biceps)"), ("obrien", "O'Brien's active compression (shoulder)"),
    ("cross-body-adduction", "Cross-body adduction (ACJ)"),
    ("belly-press", "Belly press (subscapularis)"), ("lift-off", "Lift-off (subscapularis)"),
    ("sulcus", "Sulcus sign (shoulder)"),
    ("cozen", "Cozen's (lateral elbow)"), ("mill", "Mill's (lateral elbow)"),
    ("medial-epicondyle", "Resisted wrist flexion (medial elbow)"),
    ("elbow-valgus-stress", "Valgus stress (elbow)"),
    ("tinel-elbow", "Tinel's at the cubital tunnel"),
    ("phalen", "Phalen's (wrist)"), ("tinel-wrist", "Tinel's at the carpal tunnel"),
    ("carpal-compression", "Carpal compression (Durkan)"),
    ("finkelstein", "Finkelstein / Eichhoff (wrist)"),
    ("watson", "Scaphoid shift / Watson (wrist)"), ("cmc-grind", "Thumb CMC grind"),
    ("slr", "Straight leg raise"), ("crossed-slr", "Crossed straight leg raise"),
    ("slump", "Slump"), ("prone-knee-bend", "Prone knee bend (femoral nerve)"),
    ("ulnt1", "Upper limb neurodynamic test 1 (median)"),
    ("ulnt2b", "Upper limb neurodynamic test 2b (radial)"),
    ("ulnt3", "Upper limb neurodynamic test 3 (ulnar)"),
    ("prone-instability", "Prone instability (lumbar)"),
    ("sij-distraction", "Distraction (sacroiliac)"),
    ("sij-compression", "Compression (sacroiliac)"),
    ("thigh-thrust", "Thigh thrust (sacroiliac)"), ("sacral-thrust", "Sacral thrust"),
    ("gaenslen", "Gaenslen's (sacroiliac)"),
    ("faber", "FABER (hip)"), ("fadir", "FADIR (hip)"), ("thomas", "Thomas (hip flexors)"),
    ("ober", "Ober's (iliotibial band)"), ("trendelenburg", "Trendelenburg (hip)"),
    ("log-roll", "Log roll (hip)"), ("hip-scour", "Scour (hip)"),
    ("lachman", "Lachman (knee)"), ("anterior-drawer-knee", "Anterior drawer (knee)"),
    ("posterior-drawer", "Posterior drawer (knee)"), ("pivot-shift", "Pivot shift (knee)"),
    ("mcmurray", "McMurray (knee)"), ("thessaly", "Thessaly (knee)"),
    ("knee-valgus-stress", "Valgus stress (knee)"), ("knee-varus-stress", "Varus stress (knee)"),
    ("patellar-apprehension", "Patellar apprehension"), ("stroke-test", "Stroke test (effusion)"),
    ("anterior-drawer-ankle", "Anterior drawer (ankle)"), ("talar-tilt", "Talar tilt (ankle)"),
    ("thompson", "Thompson / calf squeeze (Achilles)"), ("squeeze", "Squeeze (syndesmosis)"),
    ("external-rotation-ankle", "External rotation stress (syndesmosis)"),
    ("windlass", "Windlass (plantar fascia)"),
)

TEST_RESULTS = options(("positive", "Positive"), ("negative", "Negative"),
                       ("equivocal", "Equivocal"), ("not-tested", "Unable to test"))

DERMATOMES = options(*[(level, level) for level in (
    "C2", "C3", "C4", "C5", "C6", "C7", "C8", "T1", "T2", "T4", "T6", "T10", "T12",
    "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3-S5")])

SENSATION = options(("normal", "Normal"), ("reduced", "Reduced"), ("absent", "Absent"),
                    ("increased", "Increased / hypersensitive"),
                    ("altered", "Altered (pins and needles)"))

MYOTOMES = options(
    ("C1-2", "C1-2: neck flexion"), ("C3", "C3: neck side flexion"),
    ("C4", "C4: shoulder shrug"), ("C5", "C5: shoulder abduction"),
    ("C6", "C6: elbow flexion / wrist extension"), ("C7", "C7: elbow extension / wrist flexion"),
    ("C8", "C8: thumb extension / finger flexion"), ("T1", "T1: finger abduction"),
    ("L2", "L2: hip flexion"), ("L3", "L3: knee extension"), ("L4", "L4: ankle dorsiflexion"),
    ("L5", "L5: big toe extension"), ("S1", "S1: ankle plantarflexion / eversion"),
    ("S2", "S2: knee flexion"),
)

REFLEXES = options(
    ("biceps", "Biceps (C5-6)"), ("brachioradialis", "Brachioradialis (C6)"),
    ("triceps", "Triceps (C7)"), ("patellar", "Patellar (L3-4)"),
    ("medial-hamstring", "Medial hamstring (L5)"), ("achilles", "Achilles (S1)"),
)

REFLEX_GRADES = options(("0", "0: absent"), ("1+", "1+: reduced"), ("2+", "2+: normal"),
                        ("3+", "3+: brisk"), ("4+", "4+: very brisk, with clonus"))

UMN_SIGNS = options(("babinski", "Plantar response (Babinski)"), ("hoffmann", "Hoffmann's sign"),
                    ("clonus", "Ankle clonus"))

UMN_RESULTS = options(("negative", "Absent / normal"), ("positive", "Present"),
                      ("equivocal", "Equivocal"))

GOAL_TERMS = options(("short", "Short term"), ("long", "Long term"))
GOAL_STATUS = options(("not-started", "Not started"), ("progressing", "Progressing"),
                      ("met", "Met"), ("partly-met", "Partly met"), ("not-met", "Not met"),
                      ("discontinued", "Discontinued"))

RESULT_UNITS = options(("seconds", "seconds"), ("repetitions", "repetitions"),
                       ("metres", "metres"), ("cm", "cm"), ("degrees", "degrees"),
                       ("kg", "kg"), ("score", "score"))


# --- shared fields -----------------------------------------------------------------------

ROM_TABLE = TableField(
    id="rom",
    label="Range of motion",
    help="Degrees; negative for a lack of extension. Normal is the expected range you use "
         "for this patient (the other side, or a reference).",
    max_rows=60,
    columns=(
        ChoiceField(id="joint", label="Joint", options=JOINTS),
        ChoiceField(id="movement", label="Movement", options=MOVEMENTS),
        ChoiceField(id="side", label="Side", options=SIDES),
        NumberField(id="active", label="Active", unit="°", minimum=-90, maximum=200,
                    integer=True),
        NumberField(id="passive", label="Passive", unit="°", minimum=-90, maximum=200,
                    integer=True),
        NumberField(id="normal", label="Normal", unit="°", minimum=-90, maximum=200,
                    integer=True),
        ChoiceField(id="pain", label="Pain", options=PAIN_ON_MOVEMENT),
        ChoiceField(id="end_feel", label="End feel", options=END_FEEL),
        TextField(id="notes", label="Notes", max_length=200),
    ),
)

STRENGTH_TABLE = TableField(
    id="strength",
    label="Strength (Oxford 0-5)",
    max_rows=60,
    columns=(
        ChoiceField(id="joint", label="Joint", options=JOINTS),
        ChoiceField(id="movement", label="Movement", options=MOVEMENTS),
        ChoiceField(id="side", label="Side", options=SIDES),
        ChoiceField(id="grade", label="Grade", options=OXFORD),
        BooleanField(id="painful", label="Painful"),
        TextField(id="notes", label="Notes", max_length=200),
    ),
)

SPECIAL_TESTS_TABLE = TableField(
    id="special_tests",
    label="Special tests",
    max_rows=40,
    columns=(
        ChoiceField(id="region", label="Region", options=SPECIAL_TEST_REGIONS),
        ChoiceField(id="test", label="Test", options=SPECIAL_TESTS),
        ChoiceField(id="side", label="Side", options=SIDES),
        ChoiceField(id="result", label="Result", options=TEST_RESULTS),
        TextField(id="notes", label="Findings", max_length=200),
    ),
)

FUNCTIONAL_TESTS_TABLE = TableField(
    id="functional_tests",
    label="Functional tests",
    help="Timed up and go, 30-second chair stand, single-leg stance, hop tests, and so on.",
    max_rows=20,
    columns=(
        TextField(id="test", label="Test", max_length=120),
        ChoiceField(id="side", label="Side", options=SIDES),
        NumberField(id="result", label="Result", minimum=0, maximum=10000),
        ChoiceField(id="unit", label="Unit", options=RESULT_UNITS),
        TextField(id="notes", label="Notes", max_length=200),
    ),
)

DERMATOMES_TABLE = TableField(
    id="dermatomes",
    label="Sensation by dermatome",
    max_rows=42,
    columns=(
        ChoiceField(id="level", label="Level", options=DERMATOMES),
        ChoiceField(id="side", label="Side", options=LIMB_SIDES),
        ChoiceField(id="light_touch", label="Light touch", options=SENSATION),
        ChoiceField(id="pin_prick", label="Pin prick", options=SENSATION),
    ),
)

MYOTOMES_TABLE = TableField(
    id="myotomes",
    label="Power by myotome (Oxford 0-5)",
    max_rows=28,
    columns=(
        ChoiceField(id="level", label="Level", options=MYOTOMES),
        ChoiceField(id="side", label="Side", options=LIMB_SIDES),
        ChoiceField(id="grade", label="Grade", options=OXFORD),
    ),
)

REFLEXES_TABLE = TableField(
    id="reflexes",
    label="Reflexes",
    max_rows=12,
    columns=(
        ChoiceField(id="reflex", label="Reflex", options=REFLEXES),
        ChoiceField(id="side", label="Side", options=LIMB_SIDES),
        ChoiceField(id="grade", label="Grade", options=REFLEX_GRADES),
    ),
)

UMN_TABLE = TableField(
    id="upper_motor_neuron",
    label="Upper motor neuron signs",
    max_rows=6,
    columns=(
        ChoiceField(id="sign", label="Sign", options=UMN_SIGNS),
        ChoiceField(id="side", label="Side", options=LIMB_SIDES),
        ChoiceField(id="result", label="Result", options=UMN_RESULTS),
    ),
)

GOALS_TABLE = TableField(
    id="goals",
    label="Goals",
    help="Specific, measurable and dated: 'climb 12 stairs with a rail without pain by ...'.",
    max_rows=12,
    columns=(
        TextField(id="goal", label="Goal", max_length=300),
        ChoiceField(id="term", label="Term", options=GOAL_TERMS),
        DateField(id="target_date", label="Target date"),
        ChoiceField(id="status", label="Status", options=GOAL_STATUS),
    ),
)

# NPRS and PSFS belong to the core's general pack: referred to by id, open in a new note
# (every case has pain and a patient-chosen activity); the region-specific measures start
# folded as "add a measure" until a case uses them.
PAIN_NOW = MeasureField(id="nprs", label="Pain now (NPRS 0-10)", measure="nprs", default=True)
# Folded until added (or used in the case): most intakes start with the pain rating alone
# and add the PSFS or a region's questionnaire in one click.
PSFS = MeasureField(id="psfs", label="Patient-Specific Functional Scale", measure="psfs")
# The ODI is the core's too since our 0.2.1 (shared with chiropractic and osteopathy);
# ``pack="general"`` names it for the notice on a core older than that.
ODI = MeasureField(id="odi", label="Oswestry Disability Index (low back)", measure="odi",
                   pack="general")
LEFS = MeasureField(id="lefs", label="Lower Extremity Functional Scale", measure="lefs")
QUICKDASH = MeasureField(id="quickdash", label="QuickDASH (arm, shoulder, hand)",
                         measure="quickdash")
SPADI = MeasureField(id="spadi", label="Shoulder Pain and Disability Index", measure="spadi")
# The knee and hip questionnaires sit beside the LEFS, the full DASH beside the QuickDASH.
# Short labels: folded, each is an "Add a measure: ..." button, and the intake's overview
# must stay short (issue 11).
KOOS = MeasureField(id="koos", label="KOOS (knee)", measure="koos")
KOOS_JR = MeasureField(id="koos_jr", label="KOOS, JR. (knee)", measure="koos-jr")
HOOS = MeasureField(id="hoos", label="HOOS (hip)", measure="hoos")
HOOS_JR = MeasureField(id="hoos_jr", label="HOOS, JR. (hip)", measure="hoos-jr")
DASH = MeasureField(id="dash", label="DASH (arm, shoulder, hand)", measure="dash")
#: The outcome measures offered at re-assessment and discharge, in this order.
MEASURE_FIELDS = (PAIN_NOW, PSFS, ODI, LEFS, KOOS, KOOS_JR, HOOS, HOOS_JR, QUICKDASH, DASH,
                  SPADI)
#: At intake, without the joint-replacement short forms: the intake's overview must stay
#: within 4,000 px at 1440 px (issue 11), and a full KOOS or HOOS asks every item of its
#: JR form. The JR forms are at re-assessment and discharge, or recorded outside a note.
INTAKE_MEASURE_FIELDS = tuple(f for f in MEASURE_FIELDS if f not in (KOOS_JR, HOOS_JR))

PAIN_BEST = ScaleField(id="pain_best", label="Pain at best, last 24 h", low_label="no pain",
                       high_label="worst imaginable")
PAIN_WORST = ScaleField(id="pain_worst", label="Pain at worst, last 24 h",
                        low_label="no pain", high_label="worst imaginable")

FREQUENCY_PER_WEEK = NumberField(id="frequency_per_week", label="Visits per week", minimum=1,
                                 maximum=7, integer=True)
DURATION_WEEKS = NumberField(id="duration_weeks", label="Duration", unit="weeks", minimum=1,
                             maximum=52, integer=True)

INTERVENTIONS = options(
    ("therapeutic-exercise", "Therapeutic exercise"), ("manual-therapy", "Manual therapy"),
    ("neuromuscular", "Neuromuscular re-education"), ("gait", "Gait training"),
    ("functional", "Functional / therapeutic activities"), ("education", "Education"),
    ("home-programme", "Home exercise programme"), ("self-care", "Self-care training"),
    ("taping", "Taping"), ("dry-needling", "Dry needling"),
    ("electrotherapy", "Electrotherapy"), ("ultrasound", "Ultrasound"),
    ("heat-cold", "Heat or cold"), ("traction", "Traction"), ("aquatic", "Aquatic therapy"),
    ("group", "Group exercise"), ("bracing", "Bracing, orthotics or walking aids"),
)


def procedures(*, extra: tuple[str, ...] = (), required: bool = False) -> ProceduresField:
    """What was done at the visit, in minutes: treatment codes plus ``extra`` codes."""
    return ProceduresField(
        id="procedures",
        label="Procedures",
        help="Minutes of one-on-one time for timed codes; untimed codes bill once.",
        codes=extra + TREATMENT_CODES,
        record="minutes",
        required=required,
    )


TREATMENT_NOTES = LongTextField(
    id="treatment_notes", label="Treatment given",
    help="Techniques, grades, parameters, exercises and dosage.")
RESPONSE = LongTextField(id="response", label="Response to treatment")

# --- the exercise prescription ------------------------------------------------------------

EXERCISE_OPTIONS = tuple(
    Option(value=e.id, label=f"{e.name} ({REGIONS[e.region].lower()})") for e in LIBRARY
)
EXERCISE_FREQUENCIES = options(*((v, text.capitalize()) for v, text in FREQUENCIES.items()))
EXERCISE_SIDES = options(("right", "Right"), ("left", "Left"), ("both", "Both"))

EXERCISE_TABLE = TableField(
    id="exercises",
    label="Exercises",
    help="Blank dosage cells print the exercise's default dosage.",
    max_rows=20,
    columns=(
        ChoiceField(id="exercise", label="Exercise", options=EXERCISE_OPTIONS),
        ChoiceField(id="side", label="Side", options=EXERCISE_SIDES),
        NumberField(id="sets", label="Sets", minimum=1, maximum=20, integer=True),
        NumberField(id="reps", label="Reps", minimum=1, maximum=200, integer=True),
        NumberField(id="hold_seconds", label="Hold", unit="s", minimum=0, maximum=600,
                    integer=True),
        TextField(id="load", label="Load", max_length=60,
                  help="'2 kg', 'red band', 'body weight'"),
        ChoiceField(id="frequency", label="Frequency",
                    options=EXERCISE_FREQUENCIES),
        TextField(id="progression", label="Progression", max_length=300),
    ),
)
