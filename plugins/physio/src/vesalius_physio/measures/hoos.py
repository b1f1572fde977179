"""Hip disability and Osteoarthritis Outcome Score (Nilsdotter AK, Lohmander LS, Klassbo M,
Roos EM. BMC Musculoskelet Disord 2003;4:10; Klassbo M et al. Scand J Rheumatol
2003;32(1):46-51).

40 items in five subscales, asked in this order: Symptoms (S1-S5, stiffness included),
Pain (P1-P10), Function in daily living (A1-A17), Function in sport and recreation
(SP1-SP4) and hip-related Quality of life (Q1-Q4), each item 0 (none) to 4 (extreme).
Each subscale is ``100 - mean x 25`` (100 no problems) when at least half its items are
answered: Pain 5, Symptoms 3, ADL 9, Sport/Rec 2, QOL 2 (the "HOOS Scoring 2013" rule).
The developers publish no total; the headline value is the Pain subscale (see
:mod:`._koos_hoos`) and all five are in ``subscores``.

No MCID: none for the HOOS Pain subscale was verified against its publication here, so
``mcid`` is left unset rather than borrowed from the KOOS.
"""

from vesalius_sdk import MissingRule, OutcomeMeasure, WorkedExample

from ._koos_hoos import (
    ADL_ITEMS,
    FREQUENCY,
    PAIN_FREQUENCY,
    QOL_ITEMS,
    SEVERITY,
    SHOWN,
    Subscale,
    items_of,
    subscale_scorer,
)

SUBSCALES = (
    Subscale("symptoms", (
        ("s1_grinding", "S1 Grinding, clicking or noise", FREQUENCY),
        ("s2_spread_legs", "S2 Spreading the legs wide apart", SEVERITY),
        ("s3_stride_out", "S3 Striding out when walking", SEVERITY),
        ("s4_stiff_morning", "S4 Stiffness on waking", SEVERITY),
        ("s5_stiff_later", "S5 Stiffness later in the day", SEVERITY),
    )),
    Subscale("pain", (
        ("p1_how_often", "P1 How often the hip hurts", PAIN_FREQUENCY),
        ("p2_straightening", "P2 Pain straightening fully", SEVERITY),
        ("p3_bending", "P3 Pain bending fully", SEVERITY),
        ("p4_walk_flat", "P4 Pain walking on the flat", SEVERITY),
        ("p5_stairs", "P5 Pain on stairs", SEVERITY),
        ("p6_night", "P6 Pain at night in bed", SEVERITY),
        ("p7_sit_lie", "P7 Pain sitting or lying", SEVERITY),
        ("p8_standing", "P8 Pain standing upright", SEVERITY),
        ("p9_hard_surface", "P9 Pain walking on a hard surface", SEVERITY),
        ("p10_uneven", "P10 Pain walking on uneven ground", SEVERITY),
    )),
    Subscale("adl", ADL_ITEMS),
    Subscale("sport_rec", (
        ("sp1_squatting", "SP1 Squatting", SEVERITY),
        ("sp2_running", "SP2 Running", SEVERITY),
        ("sp3_twisting", "SP3 Twisting or pivoting on the loaded leg", SEVERITY),
        ("sp4_uneven", "SP4 Walking on uneven ground", SEVERITY),
    )),
    Subscale("qol", QOL_ITEMS),
)

ITEMS = items_of(SUBSCALES, "hip")

SCORING = ("Roos EM. HOOS Scoring 2013 (koos.nu): subscale = 100 - mean x 100 / 4; at least "
           "50% of a subscale's items answered")



# A worked example constructed from the published rule (the scoring sheet gives none):
# Symptoms 1,2,2,1,2 (sum 8 of 5), Pain 1,2,2,1,2,1,1,2,2,1 (15 of 10), ADL eight 1s and
# nine 2s (26 of 17), Sport/Rec 3,4,2,3 (12 of 4), QOL 2,2,3,2 (9 of 4).
_EXAMPLE = ((1, 2, 2, 1, 2) + (1, 2, 2, 1, 2, 1, 1, 2, 2, 1) + (1,) * 8 + (2,) * 9
            + (3, 4, 2, 3) + (2, 2, 3, 2))

HOOS = OutcomeMeasure(
    id="hoos",
    title="HOOS (Hip disability and Osteoarthritis Outcome Score); headline: Pain subscale",
    items=ITEMS,
    scorer=subscale_scorer(SUBSCALES),
    subscales=SHOWN,
    direction="higher-is-better",
    minimum=0,
    maximum=100,
    unit="points",
    licence=(
        "HOOS (c) Ewa M. Roos and colleagues (koos.nu), free of charge for clinical and "
        "research use. We found no statement covering commercial software, so the item "
        "wording is not included: Vesalius ships its own short labels, the structure and "
        "the scoring rule."
    ),
    item_text_included=False,
    source="Nilsdotter AK, Lohmander LS, Klassbo M, Roos EM. Hip disability and "
           "osteoarthritis outcome score (HOOS): validity and responsiveness in total hip "
           "replacement. BMC Musculoskelet Disord 2003;4:10; scoring: HOOS Scoring 2013.",
    missing_rule=MissingRule(
        text="Each subscale is scored when at least half its items are answered: Pain 5 "
             "of 10, Symptoms 3 of 5, ADL 9 of 17, Sport/Rec 2 of 4, QOL 2 of 4. The "
             "headline (Pain) needs 5 of its 10 items.",
        source=SCORING,
    ),
    instructions=(
        "About the last week. Items S1-S5 symptoms and stiffness, P1-P10 pain, A1-A17 daily "
        "activities, SP1-SP4 sport and recreation, Q1-Q4 quality of life; each answer 0 "
        "(no problem) to 4 (extreme). Every subscale is 0-100, 100 = no problems."
    ),
    examples=(
        WorkedExample(
            responses=_EXAMPLE,
            value=62.5,
            complete=True,
            subscores={"symptoms": 60.0, "pain": 62.5, "adl": 61.76, "sport_rec": 25.0,
                       "qol": 43.75},
            source=f"Constructed from the published rule ({SCORING}): Pain 100 - 15/10 x 25 "
                   "= 62.5, Symptoms 100 - 8/5 x 25 = 60.0, ADL 100 - 26/17 x 25 = 61.76, "
                   "Sport/Rec 100 - 12/4 x 25 = 25.0, QOL 100 - 9/4 x 25 = 43.75",
        ),
        WorkedExample(
            responses=(1, 2, None, None, 2) + (1, 2, 2, 1, 2, None, None, None, None, None)
            + (0,) * 17 + (None, None, None, 4) + (0,) * 4,
            value=60.0,
            complete=False,
            subscores={"symptoms": 58.33, "pain": 60.0, "adl": 100.0, "sport_rec": None,
                       "qol": 100.0},
            source=f"Constructed from the published rule ({SCORING}): Pain 5 of 10 answered "
                   "(the minimum), 100 - 8/5 x 25 = 60.0; Symptoms 3 of 5, 100 - 5/3 x 25 = "
                   "58.33; Sport/Rec 1 of 4 answered (2 needed) is not scored",
        ),
        WorkedExample(
            responses=(0,) * 5 + (1, 2, 2, 1, None, None, None, None, None, None)
            + (0,) * 17 + (0,) * 4 + (0,) * 4,
            value=None,
            complete=False,
            subscores={"pain": None, "symptoms": 100.0},
            source=f"{SCORING}: Pain with 4 of 10 answered (5 needed) is not scored; the "
                   "other subscales are",
        ),
    ),
    disciplines=("physio",),
)
