"""Knee injury and Osteoarthritis Outcome Score (Roos EM et al. J Orthop Sports Phys Ther
1998;28(2):88-96; Roos EM, Lohmander LS. Health Qual Life Outcomes 2003;1:64).

42 items in five subscales, asked in this order: Symptoms (S1-S7, stiffness included),
Pain (P1-P9), Function in daily living (A1-A17), Function in sport and recreation
(SP1-SP5) and knee-related Quality of life (Q1-Q4), each item 0 (none) to 4 (extreme).
Each subscale is ``100 - mean x 25`` (100 no problems) when at least half its items are
answered: Pain 5, Symptoms 4, ADL 9, Sport/Rec 3, QOL 2 (the "KOOS Scoring 2012" rule).
The developers publish no total; the headline value is the Pain subscale (see
:mod:`._koos_hoos`) and all five are in ``subscores``.

The KOOS is distributed free of charge by its developers (koos.nu) for clinical and
research use; we found no statement that covers shipping the wording inside commercial
software, so no item wording ships: our own short labels, the published structure and
scoring rule.
"""

from vesalius_sdk import MissingRule, OutcomeMeasure, WorkedExample

from ._koos_hoos import (
    ABILITY,
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
        ("s1_swelling", "S1 Swelling", FREQUENCY),
        ("s2_grinding", "S2 Grinding, clicking or noise", FREQUENCY),
        ("s3_catching", "S3 Catching or hanging up", FREQUENCY),
        ("s4_straighten", "S4 Straightens fully", ABILITY),
        ("s5_bend", "S5 Bends fully", ABILITY),
        ("s6_stiff_morning", "S6 Stiffness on waking", SEVERITY),
        ("s7_stiff_later", "S7 Stiffness later in the day", SEVERITY),
    )),
    Subscale("pain", (
        ("p1_how_often", "P1 How often the knee hurts", PAIN_FREQUENCY),
        ("p2_twisting", "P2 Pain twisting or pivoting", SEVERITY),
        ("p3_straightening", "P3 Pain straightening fully", SEVERITY),
        ("p4_bending", "P4 Pain bending fully", SEVERITY),
        ("p5_walk_flat", "P5 Pain walking on the flat", SEVERITY),
        ("p6_stairs", "P6 Pain on stairs", SEVERITY),
        ("p7_night", "P7 Pain at night in bed", SEVERITY),
        ("p8_sit_lie", "P8 Pain sitting or lying", SEVERITY),
        ("p9_standing", "P9 Pain standing upright", SEVERITY),
    )),
    Subscale("adl", ADL_ITEMS),
    Subscale("sport_rec", (
        ("sp1_squatting", "SP1 Squatting", SEVERITY),
        ("sp2_running", "SP2 Running", SEVERITY),
        ("sp3_jumping", "SP3 Jumping", SEVERITY),
        ("sp4_twisting", "SP4 Twisting or pivoting on the knee", SEVERITY),
        ("sp5_kneeling", "SP5 Kneeling", SEVERITY),
    )),
    Subscale("qol", QOL_ITEMS),
)

ITEMS = items_of(SUBSCALES, "knee")

SCORING = ("Roos EM. KOOS Scoring 2012 (koos.nu): subscale = 100 - mean x 100 / 4; at least "
           "50% of a subscale's items answered")



# A worked example constructed from the published rule (the scoring sheet gives none):
# Symptoms 1,1,0,2,1,2,1 (sum 8 of 7 items), Pain 2,1,1,2,2,1,2,1,2 (14 of 9), ADL eleven
# 1s and six 2s (23 of 17), Sport/Rec 3,4,3,2,4 (16 of 5), QOL 3,2,3,2 (10 of 4).
_EXAMPLE = ((1, 1, 0, 2, 1, 2, 1) + (2, 1, 1, 2, 2, 1, 2, 1, 2) + (1,) * 11 + (2,) * 6
            + (3, 4, 3, 2, 4) + (3, 2, 3, 2))

KOOS = OutcomeMeasure(
    id="koos",
    title="KOOS (Knee injury and Osteoarthritis Outcome Score); headline: Pain subscale",
    items=ITEMS,
    scorer=subscale_scorer(SUBSCALES),
    subscales=SHOWN,
    direction="higher-is-better",
    minimum=0,
    maximum=100,
    unit="points",
    # The headline is the Pain subscale, so the MCID is Pain's, measured in rehabilitation.
    mcid=16.7,
    mcid_source=(
        "Monticone M, Ferrante S, Salvaderi S, Motta L, Cerri C. Responsiveness and minimal "
        "important changes for the Knee Injury and Osteoarthritis Outcome Score in subjects "
        "undergoing rehabilitation after total knee arthroplasty. Am J Phys Med Rehabil "
        "2013;92(10), doi:10.1097/PHM.0b013e31829f19d8 (Pain subscale 16.7 points, "
        "anchor-based; other subscales 10.7-18.4)."
    ),
    licence=(
        "KOOS (c) Ewa M. Roos (koos.nu), free of charge for clinical and research use. We "
        "found no statement covering commercial software, so the item wording is not "
        "included: Vesalius ships its own short labels, the structure and the scoring rule."
    ),
    item_text_included=False,
    source="Roos EM, Roos HP, Lohmander LS, Ekdahl C, Beynnon BD. Knee Injury and "
           "Osteoarthritis Outcome Score (KOOS): development of a self-administered outcome "
           "measure. J Orthop Sports Phys Ther 1998;28(2):88-96; scoring: KOOS Scoring 2012.",
    missing_rule=MissingRule(
        text="Each subscale is scored when at least half its items are answered: Pain 5 "
             "of 9, Symptoms 4 of 7, ADL 9 of 17, Sport/Rec 3 of 5, QOL 2 of 4. The "
             "headline (Pain) needs 5 of its 9 items.",
        source=SCORING,
    ),
    instructions=(
        "About the last week. Items S1-S7 symptoms and stiffness, P1-P9 pain, A1-A17 daily "
        "activities, SP1-SP5 sport and recreation, Q1-Q4 quality of life; each answer 0 "
        "(no problem) to 4 (extreme). Every subscale is 0-100, 100 = no problems."
    ),
    examples=(
        WorkedExample(
            responses=_EXAMPLE,
            value=61.11,
            complete=True,
            subscores={"symptoms": 71.43, "pain": 61.11, "adl": 66.18, "sport_rec": 20.0,
                       "qol": 37.5},
            source=f"Constructed from the published rule ({SCORING}): Pain 100 - 14/9 x 25 "
                   "= 61.11, Symptoms 100 - 8/7 x 25 = 71.43, ADL 100 - 23/17 x 25 = 66.18, "
                   "Sport/Rec 100 - 16/5 x 25 = 20.0, QOL 100 - 10/4 x 25 = 37.5",
        ),
        WorkedExample(
            responses=(0,) * 7 + (2, 1, 1, 2, None, None, None, 2, 1) + (0,) * 17
            + (None, None, 4, 4, None) + (0,) * 4,
            value=62.5,
            complete=False,
            subscores={"symptoms": 100.0, "pain": 62.5, "adl": 100.0, "sport_rec": None,
                       "qol": 100.0},
            source=f"Constructed from the published rule ({SCORING}): Pain 6 of 9 answered, "
                   "mean 9/6 = 1.5, 100 - 1.5 x 25 = 62.5; Sport/Rec 2 of 5 answered (3 "
                   "needed) is not scored, the other subscales are",
        ),
        WorkedExample(
            responses=(0,) * 7 + (2, 1, 1, 2, None, None, None, None, None) + (0,) * 17
            + (0,) * 5 + (0,) * 4,
            value=None,
            complete=False,
            subscores={"pain": None, "adl": 100.0},
            source=f"{SCORING}: Pain with 4 of 9 answered (5 needed) is not scored; ADL is",
        ),
    ),
    disciplines=("physio",),
)
