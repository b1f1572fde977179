"""Note templates of the podiatry pack.

- ``podiatry.initial-assessment``: presenting complaint, history, vascular, neurological,
  dermatological, nails, biomechanics and gait, footwear, diabetic foot risk, assessment,
  and any treatment given at the first visit.
- ``podiatry.routine-foot-care``: the regular visit: nails debrided per digit, lesions pared,
  nail procedures per toe, the Medicare class findings for at-risk patients.
- ``podiatry.orthotic-prescription``: device, materials, posting, casting method.

The ``treatment`` and ``class_findings`` sections are shared by the first two templates; the
charge rule reads them wherever they appear (billing.py).

The initial assessment is the discipline's default for a case's first visit, the routine
foot care visit for every later one. Copy-forward (besides the SDK's defaults: foot chart,
diagnosis codes, goals and plan): the qualifying condition and its physician, the history,
the risk category, a non-traumatic amputation (it does not grow back) and the visit
interval; an orthotic prescription copies the last prescription's device, materials and
posting. Never carried: today's report, the other class findings (Medicare wants them
found at each visit), and the treatment (it is what is billed).
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
    NoteTemplate,
    NumberField,
    Option,
    ScaleField,
    Section,
    TableField,
    TextField,
    options,
)

from .billing import CLASS_B_PULSES, CLASS_C, ORTHOSIS_CODES, TROPHIC_CHANGES
from .charts import CHART_ID, NAIL_IDS, SITES

DISCIPLINE = "podiatry"



def per_side(field_id: str, label: str, choices: tuple[Option, ...]) -> tuple[ChoiceField, ...]:
    """The same choice for the left and the right foot."""
    return tuple(
        ChoiceField(id=f"{field_id}_{side}", label=f"{label}, {side}", options=choices)
        for side in ("left", "right")
    )


def per_side_number(field_id: str, label: str, **kwargs: object) -> tuple[NumberField, ...]:
    return tuple(
        NumberField(id=f"{field_id}_{side}", label=f"{label}, {side}", **kwargs)  # type: ignore[arg-type]
        for side in ("left", "right")
    )


PULSE = options(("palpable", "Palpable"), ("diminished", "Diminished"), ("absent", "Absent"),
                ("doppler-only", "Doppler only"))
DOPPLER = options(("triphasic", "Triphasic"), ("biphasic", "Biphasic"),
                  ("monophasic", "Monophasic"), ("absent", "No signal"))
PRESENT = options(("present", "Present"), ("reduced", "Reduced"), ("absent", "Absent"))
NAILS = tuple(Option(value=nail, label=SITES[nail].label) for nail in NAIL_IDS)
SKIN_SITES = tuple(Option(value=s.id, label=s.label) for s in SITES.values() if not s.is_nail)
PARED_LESIONS = options(("hard-corn", "Hard corn"), ("soft-corn", "Soft corn"),
                        ("callus", "Callus"), ("plantar-keratosis", "Plantar keratosis"))
CONDITIONS = options(
    ("diabetes-type-1", "Diabetes, type 1"), ("diabetes-type-2", "Diabetes, type 2"),
    ("peripheral-arterial-disease", "Peripheral arterial disease"),
    ("peripheral-neuropathy", "Peripheral neuropathy"),
    ("rheumatoid-arthritis", "Rheumatoid arthritis"), ("gout", "Gout"),
    ("chronic-kidney-disease", "Chronic kidney disease / dialysis"),
    ("anticoagulation", "On anticoagulants"), ("immunosuppressed", "Immunosuppressed"),
    ("previous-ulcer", "Previous foot ulcer"), ("previous-amputation", "Previous amputation"),
    ("charcot", "Charcot neuroarthropathy"), ("venous-insufficiency", "Venous insufficiency"),
)
DIABETES = frozenset({"diabetes-type-1", "diabetes-type-2"})
#: The ten sites commonly tested with the monofilament; the table starts with one row each.
MONOFILAMENT_SITES = options(
    ("hallux", "Plantar hallux"), ("digit-3", "Plantar 3rd toe"),
    ("digit-5", "Plantar 5th toe"), ("met-head-1", "1st metatarsal head"),
    ("met-head-3", "3rd metatarsal head"), ("met-head-5", "5th metatarsal head"),
    ("midfoot-medial", "Medial midfoot"), ("midfoot-lateral", "Lateral midfoot"),
    ("heel", "Plantar heel"), ("dorsum", "Dorsum, 1st web space"),
)

# ----------------------------------------------------------------------------------------
# Shared sections.
# ----------------------------------------------------------------------------------------

#: Class A, B and C findings (Medicare Benefit Policy Manual, ch. 15, section 290).
CLASS_FINDING_FIELDS = (
    BooleanField(id="amputation", label="Class A: non-traumatic amputation of the foot "
                 "or part of it", carry_forward=True),
    MultiChoiceField(id="absent_pulses", label="Class B: absent pulses", options=options(
        (CLASS_B_PULSES[0], "Posterior tibial pulse absent"),
        (CLASS_B_PULSES[1], "Dorsalis pedis pulse absent"),
    )),
    MultiChoiceField(
        id="trophic_changes",
        label="Trophic changes (three or more make one Class B finding)",
        options=options(
            (TROPHIC_CHANGES[0], "Hair growth reduced or absent"),
            (TROPHIC_CHANGES[1], "Nail thickening"),
            (TROPHIC_CHANGES[2], "Skin discolouration"),
            (TROPHIC_CHANGES[3], "Thin, shiny skin"),
            (TROPHIC_CHANGES[4], "Rubor"),
        ),
    ),
    MultiChoiceField(id="class_c", label="Class C findings", options=options(
        (CLASS_C[0], "Claudication"),
        (CLASS_C[1], "Temperature change (cold feet)"),
        (CLASS_C[2], "Paraesthesia"),
        (CLASS_C[3], "Burning"),
        (CLASS_C[4], "Oedema"),
    )),
)


def class_findings(*, collapsed: bool = False) -> Section:
    """The Medicare class findings; only a non-traumatic amputation carries forward."""
    return Section(
        id="class_findings",
        title="Class findings (Medicare routine foot care)",
        collapsed=collapsed,
        fields=CLASS_FINDING_FIELDS,
    )


TREATMENT = Section(
    id="treatment",
    title="Treatment",
    fields=(
        MultiChoiceField(id="nails_debrided", label="Nails debrided", options=NAILS,
                         help="Reduction of thickened or mycotic nails; the count picks "
                              "11720 (1-5) or 11721 (6-10)."),
        MultiChoiceField(id="nails_trimmed_dystrophic", label="Dystrophic nails trimmed",
                         options=NAILS),
        MultiChoiceField(id="nails_trimmed", label="Non-dystrophic nails trimmed",
                         options=NAILS),
        TableField(id="lesions_pared", label="Lesions pared", max_rows=30, columns=(
            ChoiceField(id="site", label="Site", options=SKIN_SITES),
            ChoiceField(id="lesion", label="Lesion", options=PARED_LESIONS),
            NumberField(id="size_mm", label="Size", unit="mm", minimum=0.5, maximum=300),
        )),
        TableField(id="nail_procedures", label="Nail procedures (per toe)", max_rows=10,
                   columns=(
            ChoiceField(id="nail", label="Nail", options=NAILS),
            ChoiceField(id="procedure", label="Procedure", options=options(
                ("partial-avulsion", "Partial nail avulsion"),
                ("total-avulsion", "Total nail avulsion"),
                ("matrixectomy", "Matrix excision (partial or total, permanent)"),
                ("haematoma-evacuation", "Subungual haematoma evacuation"),
            )),
            ChoiceField(id="border", label="Border", options=options(
                ("medial", "Medial"), ("lateral", "Lateral"), ("both", "Both"))),
            ChoiceField(id="method", label="Matrix method", options=options(
                ("phenol", "Phenol"), ("sodium-hydroxide", "Sodium hydroxide"),
                ("surgical", "Surgical excision"), ("none", "None"))),
            TextField(id="anaesthesia", label="Anaesthesia", max_length=120),
        )),
        LongTextField(id="other", label="Other treatment (padding, dressings, offloading)"),
        LongTextField(id="advice", label="Advice given"),
    ),
)

# ----------------------------------------------------------------------------------------
# Templates.
# ----------------------------------------------------------------------------------------

INITIAL_ASSESSMENT = NoteTemplate(
    id="podiatry.initial-assessment",
    title="Initial podiatric assessment",
    discipline=DISCIPLINE,
    kind="initial",
    default_for=("initial",),
    description="First visit: history, vascular, neurological, dermatological, nail, "
                "biomechanical and footwear assessment, and the diabetic foot risk.",
    sections=(
        Section(id="presenting", title="Presenting complaint", fields=(
            TextField(id="complaint", label="Presenting complaint", required=True),
            LongTextField(id="history", label="History of the presenting complaint"),
            TextField(id="duration", label="Duration"),
            ScaleField(id="pain_now", label="Pain now", low_label="no pain",
                       high_label="worst imaginable"),
            LongTextField(id="goals", label="Patient's goals"),
        )),
        Section(id="history", title="Medical history", fields=(
            MultiChoiceField(id="conditions", label="Relevant conditions", options=CONDITIONS,
                             carry_forward=True),
            NumberField(id="hba1c", label="Latest HbA1c", unit="mmol/mol", minimum=10,
                        maximum=200),
            LongTextField(id="medications", label="Medications", carry_forward=True),
            TextField(id="allergies", label="Allergies", carry_forward=True),
            ChoiceField(id="smoking", label="Smoking", options=options(
                ("never", "Never"), ("former", "Former"), ("current", "Current"))),
            LongTextField(id="other", label="Other history (surgery, injuries, family)"),
        )),
        Section(id="vascular", title="Vascular", fields=(
            *per_side("dorsalis_pedis", "Dorsalis pedis pulse", PULSE),
            *per_side("posterior_tibial", "Posterior tibial pulse", PULSE),
            *per_side_number("capillary_refill", "Capillary refill time", unit="s",
                             minimum=0, maximum=30),
            *per_side("doppler", "Doppler waveform", DOPPLER),
            *per_side_number("abpi", "Ankle-brachial pressure index", minimum=0, maximum=3),
            ChoiceField(id="skin_temperature", label="Skin temperature", options=options(
                ("warm", "Warm"), ("cool", "Cool"), ("cold", "Cold"),
                ("asymmetric", "Different between feet"))),
            ChoiceField(id="oedema", label="Oedema", options=options(
                ("none", "None"), ("pitting", "Pitting"), ("non-pitting", "Non-pitting"))),
            BooleanField(id="claudication", label="Intermittent claudication"),
            BooleanField(id="rest_pain", label="Rest pain"),
            LongTextField(id="notes", label="Vascular notes"),
        )),
        Section(id="neurological", title="Neurological", fields=(
            TableField(id="monofilament", label="10 g monofilament", max_rows=12, columns=(
                ChoiceField(id="site", label="Site", options=MONOFILAMENT_SITES),
                ChoiceField(id="left", label="Left", options=options(
                    ("felt", "Felt"), ("not-felt", "Not felt"))),
                ChoiceField(id="right", label="Right", options=options(
                    ("felt", "Felt"), ("not-felt", "Not felt"))),
            ), rows=tuple({"site": o.value} for o in MONOFILAMENT_SITES)),
            *per_side("protective_sensation", "Protective sensation", options(
                ("intact", "Intact"), ("lost", "Lost"))),
            *per_side("vibration", "Vibration (128 Hz tuning fork, hallux)", PRESENT),
            *per_side_number("vpt", "Vibration perception threshold", unit="V", minimum=0,
                             maximum=60),
            *per_side("ankle_reflex", "Ankle reflex", PRESENT),
            MultiChoiceField(id="symptoms", label="Neuropathic symptoms", options=options(
                ("numbness", "Numbness"), ("burning", "Burning"),
                ("paraesthesia", "Pins and needles"), ("shooting", "Shooting pain"),
                ("cramps", "Cramps"))),
            LongTextField(id="notes", label="Neurological notes"),
        )),
        Section(id="dermatological", title="Dermatological", fields=(
            MultiChoiceField(id="skin", label="Skin", options=options(
                ("dry", "Dry / anhidrotic"), ("fissures", "Fissures"),
                ("maceration", "Interdigital maceration"), ("tinea-pedis", "Tinea pedis"),
                ("hyperhidrosis", "Hyperhidrosis"), ("colour-change", "Colour change"),
                ("hair-loss", "Hair loss"), ("thin-shiny", "Thin, shiny skin"))),
            ChartField(id="foot_chart", label="Lesions and nails", chart=CHART_ID),
            LongTextField(id="notes", label="Dermatological notes"),
        )),
        Section(id="nails", title="Nails", fields=(
            MultiChoiceField(id="findings", label="Nail findings", options=options(
                ("onychomycosis", "Onychomycosis"), ("onychocryptosis", "Ingrown nail"),
                ("involuted", "Involuted nail"), ("onychogryphosis", "Onychogryphosis"),
                ("onycholysis", "Onycholysis"), ("thickened", "Thickened / dystrophic"),
                ("subungual-haematoma", "Subungual haematoma"))),
            ChoiceField(id="self_care", label="Nail self-care", options=options(
                ("independent", "Manages own nails"), ("needs-help", "Needs help"),
                ("unable", "Unable"))),
            LongTextField(id="notes", label="Nail notes"),
        )),
        Section(id="biomechanics", title="Biomechanics and gait", fields=(
            *per_side_number("fpi", "Foot Posture Index (FPI-6)", minimum=-12, maximum=12,
                             integer=True),
            *per_side_number("ankle_dorsiflexion", "Ankle dorsiflexion, knee extended",
                             unit="degrees", minimum=-30, maximum=60),
            *per_side_number("first_mtpj_dorsiflexion", "1st MTPJ dorsiflexion",
                             unit="degrees", minimum=0, maximum=120),
            MultiChoiceField(id="deformities", label="Deformities", options=options(
                ("hallux-valgus", "Hallux valgus"), ("hallux-rigidus", "Hallux rigidus"),
                ("hammer-toes", "Hammer toes"), ("claw-toes", "Claw toes"),
                ("mallet-toes", "Mallet toes"), ("tailors-bunion", "Tailor's bunion"),
                ("pes-planus", "Pes planus"), ("pes-cavus", "Pes cavus"),
                ("prominent-met-heads", "Prominent metatarsal heads"),
                ("charcot-deformity", "Charcot deformity"))),
            NumberField(id="leg_length_difference", label="Leg length difference", unit="mm",
                        minimum=0, maximum=100),
            LongTextField(id="gait", label="Gait observations"),
        )),
        Section(id="footwear", title="Footwear", fields=(
            ChoiceField(id="type", label="Usual footwear", options=options(
                ("lace-up", "Lace-up shoe"), ("trainer", "Trainer"), ("slip-on", "Slip-on"),
                ("sandal", "Sandal"), ("slipper", "Slipper"), ("boot", "Boot"),
                ("heeled", "Heeled shoe"), ("therapeutic", "Therapeutic / extra-depth"))),
            ChoiceField(id="fit", label="Fit", options=options(
                ("appropriate", "Appropriate"), ("too-tight", "Too tight"),
                ("too-loose", "Too loose"), ("unsuitable", "Unsuitable style"))),
            TextField(id="hosiery", label="Hosiery"),
            LongTextField(id="notes", label="Footwear notes"),
        )),
        Section(id="risk", title="Diabetic foot risk", fields=(
            ChoiceField(id="iwgdf", label="IWGDF risk category", carry_forward=True,
                        options=options(("0", "0: very low"), ("1", "1: low"),
                                        ("2", "2: moderate"), ("3", "3: high"))),
            ChoiceField(id="nice", label="NICE risk",
                        carry_forward=True, options=options(
                ("low", "Low"), ("moderate", "Moderate"), ("high", "High"),
                ("active", "Active diabetic foot problem"))),
            BooleanField(id="education", label="Foot-care education given"),
            NumberField(id="review_weeks", label="Review in", unit="weeks", minimum=0,
                        maximum=104, integer=True),
        )),
        Section(id="assessment", title="Assessment and plan", fields=(
            CodesField(id="diagnoses", label="Diagnoses"),
            LongTextField(id="impression", label="Clinical impression", required=True),
            MeasureField(id="faam_adl", label="FAAM ADL", measure="faam-adl", default=True),
            MeasureField(id="faam_sports", label="FAAM Sports", measure="faam-sports"),
            MeasureField(id="ffi", label="Foot Function Index", measure="ffi"),
            LongTextField(id="plan", label="Plan", required=True),
        )),
        # Only Medicare's at-risk patients need it at the first visit.
        class_findings(collapsed=True),
        TREATMENT,
    ),
)

ROUTINE_FOOT_CARE = NoteTemplate(
    id="podiatry.routine-foot-care",
    title="Routine foot care visit",
    discipline=DISCIPLINE,
    kind="treatment",
    default_for=("follow-up",),
    description="Nail care per digit, paring of corns and callus, nail procedures per toe, "
                "and the class findings Medicare asks for at-risk patients.",
    sections=(
        Section(id="subjective", title="Since the last visit", fields=(
            LongTextField(id="report", label="Patient report"),
            ScaleField(id="pain_now", label="Pain now", low_label="no pain",
                       high_label="worst imaginable"),
        )),
        Section(id="coverage", title="Qualifying condition", fields=(
            MultiChoiceField(id="conditions", label="Systemic condition(s)",
                             options=CONDITIONS, carry_forward=True,
                             carry_forward_from=("history.conditions",)),
            TextField(id="managing_physician", label="Physician managing the condition",
                      carry_forward=True),
            DateField(id="physician_last_seen", label="Last seen by that physician",
                      carry_forward=True),
            CodesField(id="diagnoses", label="Diagnoses",
                       carry_forward_from=("assessment.diagnoses",)),
        )),
        class_findings(),
        Section(id="findings", title="Findings", fields=(
            ChartField(id="foot_chart", label="Lesions and nails", chart=CHART_ID,
                       carry_forward_from=("dermatological.foot_chart",)),
            LongTextField(id="notes", label="Skin, nail and circulation notes"),
        )),
        TREATMENT,
        Section(id="plan", title="Plan", fields=(
            NumberField(id="next_visit_weeks", label="Next visit in", unit="weeks",
                        minimum=0, maximum=52, integer=True, carry_forward=True),
            LongTextField(id="plan", label="Plan", carry_forward_from=("assessment.plan",)),
        )),
    ),
)

ORTHOTIC_PRESCRIPTION = NoteTemplate(
    id="podiatry.orthotic-prescription",
    title="Orthotic prescription",
    discipline=DISCIPLINE,
    kind="other",
    description="Foot orthosis prescription for the laboratory: device, materials, posting "
                "and casting.",
    sections=(
        Section(id="indication", title="Indication", fields=(
            CodesField(id="diagnoses", label="Diagnoses"),
            LongTextField(id="indication", label="Indication and goals", required=True,
                          carry_forward=True),
        )),
        Section(id="device", title="Device", fields=(
            ChoiceField(id="device_type", label="Device",
                        carry_forward=True, required=True, options=options(
                ("custom-functional", "Custom functional orthosis"),
                ("custom-accommodative", "Custom accommodative orthosis"),
                ("ucbl", "UCBL / deep heel cup"),
                ("prefabricated", "Prefabricated orthosis"),
                ("modified-prefabricated", "Modified prefabricated orthosis"),
                ("diabetic-insole", "Diabetic pressure-relieving insole"))),
            ChoiceField(id="feet", label="Feet",
                        carry_forward=True, required=True, options=options(
                ("left", "Left"), ("right", "Right"), ("both", "Both"))),
            ChoiceField(id="casting_method", label="Casting method",
                        carry_forward=True, options=options(
                ("plaster-nwb", "Plaster slipper cast, non-weight-bearing (neutral)"),
                ("plaster-swb", "Plaster cast, semi-weight-bearing"),
                ("foam-box", "Foam impression box"),
                ("scan-nwb", "3D scan, non-weight-bearing"),
                ("scan-wb", "3D scan, weight-bearing"),
                ("direct-moulded", "Moulded directly on the foot"),
                ("none", "No cast (prefabricated)"))),
            ChoiceField(id="shell_material", label="Shell material",
                        carry_forward=True, options=options(
                ("polypropylene", "Polypropylene"), ("carbon-fibre", "Carbon fibre / graphite"),
                ("eva", "EVA"), ("poron-plastazote", "Poron / Plastazote (accommodative)"),
                ("nylon", "Nylon / subortholen"))),
            NumberField(id="shell_thickness_mm", label="Shell thickness", unit="mm",
                        minimum=0.5, maximum=20, carry_forward=True),
            ChoiceField(id="shell_length", label="Shell length",
                        carry_forward=True, options=options(
                ("metatarsal", "To the metatarsal heads"), ("sulcus", "To the sulcus"),
                ("full", "Full length"))),
            ChoiceField(id="top_cover", label="Top cover",
                        carry_forward=True, options=options(
                ("none", "None"), ("eva", "EVA"), ("poron", "Poron"),
                ("leather", "Leather"), ("vinyl", "Vinyl"), ("neoprene", "Neoprene"),
                ("plastazote", "Plastazote"))),
            ChoiceField(id="top_cover_length", label="Top cover length",
                        carry_forward=True, options=options(
                ("metatarsal", "To the metatarsal heads"), ("sulcus", "To the sulcus"),
                ("full", "Full length"))),
            TextField(id="laboratory", label="Laboratory", carry_forward=True),
            ChoiceField(id="hcpcs", label="Billing code", carry_forward=True, options=tuple(
                Option(value=code, label=code) for code in ORTHOSIS_CODES)),
            BooleanField(id="bill_with_note", label="Bill the device with this note",
                         help="For clinics that charge at casting; leave off to bill when "
                              "the device is fitted."),
        )),
        Section(id="posting", title="Posting and additions", fields=(
            TableField(id="posts", label="Posts", max_rows=8, carry_forward=True, columns=(
                ChoiceField(id="foot", label="Foot", options=options(
                    ("left", "Left"), ("right", "Right"))),
                ChoiceField(id="location", label="Post", options=options(
                    ("rearfoot", "Rearfoot"), ("forefoot", "Forefoot"))),
                ChoiceField(id="direction", label="Direction", options=options(
                    ("varus", "Varus"), ("valgus", "Valgus"), ("neutral", "Neutral"))),
                NumberField(id="degrees", label="Degrees", minimum=0, maximum=30),
                ChoiceField(id="type", label="Type", options=options(
                    ("intrinsic", "Intrinsic"), ("extrinsic", "Extrinsic"))),
                TextField(id="material", label="Material", max_length=60),
            )),
            MultiChoiceField(id="additions", label="Additions", carry_forward=True,
                             options=options(
                ("met-pad", "Metatarsal pad"), ("met-bar", "Metatarsal bar"),
                ("first-ray-cutout", "1st ray cut-out"),
                ("mortons-extension", "Morton's extension"),
                ("reverse-mortons", "Reverse Morton's extension"),
                ("medial-skive", "Medial heel skive"), ("lateral-skive", "Lateral heel skive"),
                ("deep-heel-cup", "Deep heel cup"), ("medial-flange", "Medial flange"),
                ("lateral-flange", "Lateral flange"), ("heel-lift", "Heel lift"),
                ("plantar-fascia-groove", "Plantar fascia accommodation"),
                ("lesion-accommodation", "Lesion accommodation / aperture"))),
            *per_side_number("heel_lift", "Heel lift", unit="mm", minimum=0, maximum=40,
                             carry_forward=True),
            LongTextField(id="notes", label="Notes for the laboratory"),
        )),
        Section(id="footwear", title="Footwear and review", fields=(
            TextField(id="footwear", label="Footwear the device is made for",
                      carry_forward=True),
            NumberField(id="review_weeks", label="Review after fitting in", unit="weeks",
                        minimum=0, maximum=52, integer=True),
        )),
    ),
)

TEMPLATES: tuple[NoteTemplate, ...] = (INITIAL_ASSESSMENT, ROUTINE_FOOT_CARE,
                                       ORTHOTIC_PRESCRIPTION)
