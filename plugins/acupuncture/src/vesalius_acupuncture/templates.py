"""Note templates of the acupuncture pack.

- ``acupuncture.intake``: chief complaint, history and safety screen, the ten questions,
  tongue, pulse by position and quality, pattern differentiation, treatment principle, and
  the first treatment when one is given.
- ``acupuncture.treatment``: a treatment visit: points needled (on the meridian chart and/or
  in a table), needle count, technique, retention, the 15-minute increments of personal
  contact with or without electro-stimulation (what the charge rule bills), adjuncts and
  the patient's response.

The ``points``, ``contact``, ``adjuncts``, ``response`` and ``mymop`` sections are shared by
both, so what carries forward from the intake to the first treatment keeps its path.

The intake is the discipline's default for a case's first visit, the treatment note for
every later one. Copy-forward carries the point prescription (chart, point table, overall
technique, retention, needles, position), the MYMOP2 symptoms and activity in the
patient's words (the follow-up form re-rates the same ones), the working pattern and
principle, the diagnoses, the plan and the visit interval; never today's report, tongue
and pulse, needle counts, contact increments (what is billed), adjuncts or response.
"""

from __future__ import annotations

from vesalius_sdk import (
    BooleanField,
    ChartField,
    ChoiceField,
    CodesField,
    LongTextField,
    MeasureField,
    MultiChoiceField,
    NoteTemplate,
    NumberField,
    Option,
    ScaleField,
    Section,
    TableField,
    TextField,
    options,
)
from vesalius_sdk.safety import consent_field

from .charts import CHART_ID, MERIDIANS

DISCIPLINE = "acupuncture"



SIDE = options(("left", "Left"), ("right", "Right"), ("bilateral", "Bilateral"))
TECHNIQUE = options(("tonify", "Tonify"), ("reduce", "Reduce"), ("even", "Even"))
PULSE_POSITIONS = options(
    ("left-cun", "Left cun (distal)"), ("left-guan", "Left guan (middle)"),
    ("left-chi", "Left chi (proximal)"), ("right-cun", "Right cun (distal)"),
    ("right-guan", "Right guan (middle)"), ("right-chi", "Right chi (proximal)"),
    ("overall", "Overall"),
)
#: The 28 classical pulse qualities.
PULSE_QUALITIES = options(
    ("floating", "Floating (fu)"), ("deep", "Deep (chen)"), ("slow", "Slow (chi)"),
    ("rapid", "Rapid (shu)"), ("slippery", "Slippery (hua)"), ("choppy", "Choppy (se)"),
    ("empty", "Empty (xu)"), ("full", "Full (shi)"), ("long", "Long (chang)"),
    ("short", "Short (duan)"), ("flooding", "Flooding (hong)"), ("minute", "Minute (wei)"),
    ("tight", "Tight (jin)"), ("moderate", "Moderate (huan)"), ("wiry", "Wiry (xian)"),
    ("hollow", "Hollow (kou)"), ("leather", "Leather (ge)"), ("firm", "Firm (lao)"),
    ("soggy", "Soggy (ru)"), ("weak", "Weak (ruo)"), ("scattered", "Scattered (san)"),
    ("thready", "Thready (xi)"), ("hidden", "Hidden (fu)"), ("moving", "Moving (dong)"),
    ("hasty", "Hasty (cu)"), ("knotted", "Knotted (jie)"), ("intermittent", "Intermittent (dai)"),
    ("racing", "Racing (ji)"),
)
ORGANS = tuple(Option(value=code, label=f"{code} {name}") for code, (name, _) in
               MERIDIANS.items() if code not in ("GV", "CV"))

# ----------------------------------------------------------------------------------------
# Shared sections.
# ----------------------------------------------------------------------------------------

POINTS = Section(
    id="points",
    title="Points",
    fields=(
        ChartField(id="chart", label="Points treated", chart=CHART_ID,
                   help="Mark each point needled, with side, depth, technique and "
                        "retention; electro-stimulation, moxibustion and cupping too."),
        TableField(id="table", label="Points needled (table)", max_rows=60, carry_forward=True,
                   columns=(
            TextField(id="point", label="Point", max_length=16,
                      help="Standard or older code: LI4, UB40, SJ5, Ren12"),
            ChoiceField(id="side", label="Side", options=SIDE),
            ChoiceField(id="technique", label="Technique", options=TECHNIQUE),
            NumberField(id="depth_mm", label="Depth", unit="mm", minimum=0.5, maximum=150),
            NumberField(id="retention_min", label="Retention", unit="min", minimum=0,
                        maximum=120, integer=True),
            BooleanField(id="electro", label="Electro-stimulation"),
        )),
        NumberField(id="needle_count", label="Needles inserted", minimum=0, maximum=200,
                    integer=True),
        NumberField(id="needles_removed", label="Needles removed and counted", minimum=0,
                    maximum=200, integer=True),
        ChoiceField(id="technique", label="Overall technique", options=TECHNIQUE,
                    carry_forward=True),
        NumberField(id="retention_min", label="Retention", unit="min", minimum=0,
                    maximum=120, integer=True, carry_forward=True),
        TextField(id="needles", label="Needles (gauge x length, brand)", max_length=120,
                  carry_forward=True),
        TextField(id="position", label="Patient position", max_length=120,
                  carry_forward=True),
    ),
)

CONTACT = Section(
    id="contact",
    title="Personal contact (billing)",
    fields=(
        NumberField(id="contact_minutes", label="Personal one-on-one contact", unit="min",
                    minimum=0, maximum=240, integer=True,
                    help="Time with the patient, not needle retention time."),
        TableField(id="increments", label="15-minute increments of personal contact",
                   max_rows=16, columns=(
            BooleanField(id="electro", label="Electro-stimulation in this increment"),
            TextField(id="activity", label="What was done", max_length=200),
        ), help="One row per 15 minutes of one-on-one contact; tick electro-stimulation "
                "when any needle was stimulated in that increment. The charge rule bills "
                "from these rows."),
    ),
)

ADJUNCTS = Section(
    id="adjuncts",
    title="Adjunct therapies",
    collapsed=True,
    fields=(
        MultiChoiceField(id="used", label="Adjuncts", options=options(
            ("moxibustion", "Moxibustion"), ("cupping", "Cupping"), ("gua-sha", "Gua sha"),
            ("tui-na", "Tui na"), ("auricular", "Auricular (seeds or needles)"),
            ("heat-lamp", "Heat lamp"), ("electro", "Electro-stimulation"),
            ("breathing", "Breathing / qigong advice"), ("dietary", "Dietary advice"),
            ("herbal", "Herbal advice"))),
        LongTextField(id="notes", label="Adjunct details"),
    ),
)

RESPONSE = Section(
    id="response",
    title="Response",
    fields=(
        ChoiceField(id="immediate", label="Response during and after treatment",
                    options=options(("improved", "Improved"), ("relaxed", "Relaxed"),
                                    ("no-change", "No change"), ("worse", "Worse"))),
        MultiChoiceField(id="adverse", label="Adverse events", options=options(
            ("none", "None"), ("bruising", "Bruising"), ("bleeding", "Bleeding"),
            ("pain", "Pain at a needle site"), ("dizziness", "Dizziness or fainting"),
            ("nausea", "Nausea"), ("drowsiness", "Drowsiness"),
            ("symptom-flare", "Temporary worsening of symptoms"))),
        LongTextField(id="notes", label="Patient response"),
        LongTextField(id="advice", label="Advice and plan"),
        NumberField(id="next_visit_days", label="Next visit in", unit="days", minimum=0,
                    maximum=365, integer=True, carry_forward=True),
    ),
)

def mymop(*, default: bool) -> Section:
    """MYMOP2 with the patient's own words, which carry forward so that a follow-up re-rates
    the same symptoms and activity; ``default`` opens the scores in a new note."""
    return Section(
        id="mymop",
        title="MYMOP2",
        fields=(
            TextField(id="symptom1", label="Symptom 1, in the patient's words",
                      carry_forward=True),
            TextField(id="symptom2", label="Symptom 2, in the patient's words",
                      carry_forward=True),
            TextField(id="activity", label="Activity, in the patient's words",
                      carry_forward=True),
            MeasureField(id="scores", label="MYMOP2 scores", measure="mymop2",
                         default=default),
        ),
    )

# ----------------------------------------------------------------------------------------
# Templates.
# ----------------------------------------------------------------------------------------

INTAKE = NoteTemplate(
    id="acupuncture.intake",
    # 2: informed consent added, a box that must be ticked to sign.
    version=2,
    title="Acupuncture intake",
    discipline=DISCIPLINE,
    kind="intake",
    default_for=("initial",),
    description="First visit: complaint, history and safety screen, the ten questions, "
                "tongue and pulse, pattern differentiation and treatment principle.",
    sections=(
        Section(id="complaint", title="Chief complaint", fields=(
            TextField(id="chief_complaint", label="Chief complaint", required=True),
            LongTextField(id="history", label="History of the complaint"),
            TextField(id="onset", label="Onset and duration"),
            ScaleField(id="severity", label="Severity now", low_label="none",
                       high_label="worst imaginable"),
            LongTextField(id="modifying", label="What makes it better or worse"),
            LongTextField(id="previous_treatment", label="Previous treatment"),
            LongTextField(id="goals", label="Goals"),
        )),
        Section(id="history", title="History and safety", fields=(
            LongTextField(id="medical", label="Medical history", carry_forward=True),
            LongTextField(id="medications", label="Medications and supplements",
                          carry_forward=True),
            TextField(id="allergies", label="Allergies", carry_forward=True),
            ChoiceField(id="pregnancy", label="Pregnant", options=options(
                ("no", "No"), ("yes", "Yes"), ("possible", "Possibly"),
                ("not-applicable", "Not applicable"))),
            BooleanField(id="anticoagulants", label="Anticoagulants or bleeding disorder"),
            BooleanField(id="pacemaker", label="Pacemaker or implanted electrical device",
                         help="Electro-stimulation is contraindicated."),
            BooleanField(id="epilepsy", label="Epilepsy or seizures"),
            BooleanField(id="needle_faint", label="Has fainted with needles or blood"),
            BooleanField(id="immunosuppressed", label="Immunosuppressed"),
            BooleanField(id="metal_allergy", label="Metal allergy"),
            CodesField(id="diagnoses", label="Diagnoses"),
            consent_field(help="Needling, its risks (bruising, soreness, fainting, rarely "
                               "infection or pneumothorax) and alternatives explained; the "
                               "patient agreed."),
        )),
        Section(id="ten_questions", title="Ten questions", fields=(
            ChoiceField(id="temperature", label="Hot or cold", options=options(
                ("aversion-cold", "Feels cold"), ("aversion-heat", "Feels hot"),
                ("alternating", "Alternating"), ("normal", "Neither"))),
            ChoiceField(id="sweating", label="Sweating", options=options(
                ("normal", "Normal"), ("spontaneous", "Spontaneous (daytime)"),
                ("night", "Night sweats"), ("absent", "Absent"))),
            LongTextField(id="head_body", label="Head, body and pain"),
            LongTextField(id="digestion", label="Appetite, thirst and taste"),
            LongTextField(id="stool_urine", label="Stools and urine"),
            LongTextField(id="sleep", label="Sleep"),
            ChoiceField(id="energy", label="Energy", options=options(
                ("good", "Good"), ("tired", "Tired"), ("exhausted", "Exhausted"),
                ("restless", "Restless"))),
            LongTextField(id="emotions", label="Emotions"),
            LongTextField(id="hearing_vision", label="Hearing, vision and headache"),
            LongTextField(id="gynaecology", label="Menstruation and gynaecology"),
        )),
        Section(id="tongue", title="Tongue", fields=(
            ChoiceField(id="body_colour", label="Body colour", options=options(
                ("pale", "Pale"), ("pale-red", "Pale red (normal)"), ("red", "Red"),
                ("deep-red", "Deep red"), ("purple", "Purple"), ("blue", "Bluish"))),
            MultiChoiceField(id="shape", label="Shape", options=options(
                ("swollen", "Swollen"), ("thin", "Thin"), ("tooth-marked", "Tooth marks"),
                ("cracked", "Cracks"), ("stiff", "Stiff"), ("deviated", "Deviated"),
                ("trembling", "Trembling"), ("red-tip", "Red tip"),
                ("red-sides", "Red sides"), ("red-points", "Red points"))),
            ChoiceField(id="coating_colour", label="Coating colour", options=options(
                ("white", "White"), ("yellow", "Yellow"), ("grey", "Grey"),
                ("black", "Black"))),
            ChoiceField(id="coating_thickness", label="Coating thickness", options=options(
                ("none", "None / peeled"), ("thin", "Thin"), ("thick", "Thick"),
                ("patchy", "Patchy (geographic)"))),
            ChoiceField(id="coating_moisture", label="Coating moisture", options=options(
                ("dry", "Dry"), ("normal", "Moist"), ("wet", "Wet"), ("greasy", "Greasy"))),
            ChoiceField(id="sublingual_veins", label="Sublingual veins", options=options(
                ("normal", "Normal"), ("distended", "Distended"), ("dark", "Dark"))),
            LongTextField(id="notes", label="Tongue notes"),
        )),
        Section(id="pulse", title="Pulse", fields=(
            NumberField(id="rate", label="Rate", unit="beats/min", minimum=20, maximum=250,
                        integer=True),
            TableField(id="positions", label="Pulse by position", max_rows=21, columns=(
                ChoiceField(id="position", label="Position", options=PULSE_POSITIONS),
                ChoiceField(id="quality", label="Quality", options=PULSE_QUALITIES),
                ChoiceField(id="strength", label="Strength", options=options(
                    ("strong", "Strong"), ("normal", "Normal"), ("weak", "Weak"))),
                ChoiceField(id="depth", label="Depth", options=options(
                    ("superficial", "Superficial"), ("middle", "Middle"),
                    ("deep", "Deep"))),
            ), rows=tuple({"position": o.value} for o in PULSE_POSITIONS[:6]),
               help="One row per position and quality; add rows for a position with "
                    "several qualities."),
            LongTextField(id="notes", label="Pulse notes"),
        )),
        Section(id="diagnosis", title="Pattern differentiation", fields=(
            ChoiceField(id="interior_exterior", label="Interior / exterior", options=options(
                ("interior", "Interior"), ("exterior", "Exterior"), ("both", "Both"))),
            ChoiceField(id="hot_cold", label="Hot / cold", options=options(
                ("hot", "Heat"), ("cold", "Cold"), ("mixed", "Mixed"), ("neither", "Neither"))),
            ChoiceField(id="deficiency_excess", label="Deficiency / excess", options=options(
                ("deficiency", "Deficiency"), ("excess", "Excess"), ("mixed", "Mixed"))),
            ChoiceField(id="yin_yang", label="Yin / yang", options=options(
                ("yin", "Yin"), ("yang", "Yang"), ("both", "Both"))),
            MultiChoiceField(id="organs", label="Organ systems involved", options=ORGANS),
            LongTextField(id="patterns", label="Pattern(s)", required=True,
                          carry_forward=True),
            LongTextField(id="principle", label="Treatment principle", required=True,
                          carry_forward=True),
            LongTextField(id="plan", label="Treatment plan (frequency, number of sessions)"),
        )),
        mymop(default=True),
        POINTS,
        CONTACT,
        ADJUNCTS,
        RESPONSE,
    ),
)

TREATMENT = NoteTemplate(
    id="acupuncture.treatment",
    title="Acupuncture treatment",
    discipline=DISCIPLINE,
    kind="treatment",
    default_for=("follow-up",),
    description="A treatment visit: points needled, technique, retention, personal-contact "
                "increments with or without electro-stimulation, adjuncts and response.",
    sections=(
        Section(id="subjective", title="Since the last treatment", fields=(
            LongTextField(id="report", label="Patient report"),
            ScaleField(id="severity", label="Severity now", low_label="none",
                       high_label="worst imaginable"),
            CodesField(id="diagnoses", label="Diagnoses",
                       carry_forward_from=("history.diagnoses",)),
        )),
        Section(id="assessment", title="Tongue, pulse and pattern today", fields=(
            TextField(id="tongue", label="Tongue"),
            TextField(id="pulse", label="Pulse"),
            LongTextField(id="pattern", label="Pattern and treatment principle",
                          carry_forward=True, carry_forward_from=("diagnosis.patterns",)),
        )),
        POINTS,
        CONTACT,
        ADJUNCTS,
        RESPONSE,
        mymop(default=False),
    ),
)

TEMPLATES: tuple[NoteTemplate, ...] = (INTAKE, TREATMENT)
