"""Discipline-agnostic measures for any complaint: NPRS, VAS, PSFS and PGIC."""

from __future__ import annotations

from vesalius_sdk import Band, MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import answered, mean_of_answered

OSTELO_2008 = ("Ostelo RWJG, Deyo RA, Stratford P, et al. Interpreting change scores for "
               "pain and functional status in low back pain: towards international consensus "
               "regarding minimal important change. Spine 2008;33(1):90-94")
HAWKER_2011 = ("Hawker GA, Mian S, Kendzerska T, French M. Measures of adult pain: VAS, NRS, "
               "MPQ, SF-MPQ, CPGS, SF-36 BPS and ICOAP. Arthritis Care Res 2011;63(S11):"
               "S240-S252")
BOONSTRA_2014 = ("Boonstra AM, Schiphorst Preuper HR, Balk GA, Stewart RE. Cut-off points for "
                 "mild, moderate, and severe pain on the visual analogue scale for pain in "
                 "patients with chronic musculoskeletal pain. Pain 2014;155(12):2545-2550")
STRATFORD_1995 = ("Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change "
                  "on individual patients: a report of a patient specific measure. "
                  "Physiotherapy Canada 1995;47(4):258-263")
GUY_1976 = ("Guy W. ECDEU Assessment Manual for Psychopharmacology. Rockville, MD: US "
            "Department of Health, Education, and Welfare, 1976; publication ADM 76-338, "
            "Clinical Global Impressions, pp. 217-222")
FARRAR_2001 = ("Farrar JT, Young JP Jr, LaMoreaux L, Werth JL, Poole RM. Clinical importance "
               "of changes in chronic pain intensity measured on an 11-point numerical pain "
               "rating scale. Pain 2001;94(2):149-158")

#: A one-item rating: no rating, no score.
ONE_RATING = MissingRule(max_missing=0, text="A single rating: without it there is no score.")


def _single(measure: OutcomeMeasure, responses: Responses) -> Score:
    if responses[0] is None:
        return measure.not_scorable("the rating was not given")
    return measure.result(float(responses[0]))


def _psfs(measure: OutcomeMeasure, responses: Responses) -> Score:
    rated = answered(responses)
    if not rated:
        return measure.not_scorable("no activity was rated")
    return measure.result(mean_of_answered(responses), complete=True,
                          subscores={"activities": len(rated)})


NPRS = OutcomeMeasure(
    id="nprs",
    title="Numeric Pain Rating Scale",
    items=(MeasureItem(id="pain", label="Pain intensity", minimum=0, maximum=10,
                       anchors={0: "No pain", 10: "Worst imaginable pain"}),),
    scorer=_single,
    direction="higher-is-worse",
    minimum=0,
    maximum=10,
    unit="points",
    # A common convention; published cut-offs differ (Boonstra et al. 2016, Front Psychol
    # 7:1466, put mild at 5 or less), so no single source is claimed for these bands.
    bands=(Band(minimum=0, maximum=0, label="none"), Band(minimum=1, maximum=3, label="mild"),
           Band(minimum=4, maximum=6, label="moderate"),
           Band(minimum=7, maximum=10, label="severe")),
    mcid=2,
    mcid_source=f"{OSTELO_2008} (2 points or 30 %)",
    licence="Generic 11-point rating scale; no item text to license.",
    loinc="72514-3",
    # The code is the reported 0-10 score itself, so the Observation uses it too.
    score_loinc="72514-3",
    source=HAWKER_2011,
    missing_rule=ONE_RATING,
    examples=(
        WorkedExample(responses=(7,), value=7, band="severe",
                      source=f"The rating is the score ({HAWKER_2011}); 7 then 5 is a change "
                             "of 2, the MCID of Ostelo et al. 2008"),
        WorkedExample(responses=(5,), value=5, band="moderate",
                      source=f"The rating is the score ({HAWKER_2011})"),
    ),
)

VAS = OutcomeMeasure(
    id="vas",
    title="Visual Analogue Scale for pain",
    items=(MeasureItem(id="pain_mm", label="Distance from 'no pain' (mm)", minimum=0,
                       maximum=100, anchors={0: "No pain", 100: "Worst imaginable pain"}),),
    scorer=_single,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="mm",
    # Cut-offs for chronic musculoskeletal pain; the authors warn they are not universal.
    bands=(Band(minimum=0, maximum=34, label="mild", source=BOONSTRA_2014),
           Band(minimum=35, maximum=74, label="moderate", source=BOONSTRA_2014),
           Band(minimum=75, maximum=100, label="severe", source=BOONSTRA_2014)),
    mcid=15,
    mcid_source=f"{OSTELO_2008} (15 mm, low back pain)",
    licence="Generic 100 mm line; no item text to license.",
    source=HAWKER_2011,
    missing_rule=ONE_RATING,
    examples=(
        WorkedExample(responses=(34,), value=34, band="mild",
                      source=f"{BOONSTRA_2014}: 34 mm or less is mild"),
        WorkedExample(responses=(75,), value=75, band="severe",
                      source=f"{BOONSTRA_2014}: 75 mm or more is severe"),
    ),
)

PSFS = OutcomeMeasure(
    id="psfs",
    title="Patient-Specific Functional Scale",
    items=tuple(
        MeasureItem(id=f"activity_{n}", label=f"Activity {n}", minimum=0, maximum=10,
                    optional=n > 1,
                    anchors={0: "Unable to perform", 10: "Able to perform at prior level"})
        for n in range(1, 6)
    ),
    scorer=_psfs,
    direction="higher-is-better",
    minimum=0,
    maximum=10,
    unit="points",
    mcid=2,
    mcid_source=f"{STRATFORD_1995} (2 points, average score)",
    licence="Free to use (Stratford et al., Physiotherapy Canada 1995). The patient names the "
            "activities; the scale anchors here are our own wording.",
    source=STRATFORD_1995,
    instructions="The patient names one to five activities they find hard and rates each.",
    missing_rule=MissingRule(text="The patient rates one to five activities of their own "
                                  "choosing; the score is the mean of those rated, and "
                                  "needs at least one.", source=STRATFORD_1995),
    examples=(
        WorkedExample(responses=(3, 5, 4), value=4.0,
                      source=f"Mean of the activities rated ({STRATFORD_1995}): "
                             "(3 + 5 + 4) / 3 = 4.0"),
        WorkedExample(responses=(6, 7, 6), value=6.33,
                      source=f"Mean of the activities rated ({STRATFORD_1995}): "
                             "(6 + 7 + 6) / 3 = 6.33"),
    ),
)

PGIC = OutcomeMeasure(
    id="pgic",
    title="Patient Global Impression of Change",
    items=(MeasureItem(id="change", label="Change since care began", minimum=1, maximum=7,
                       anchors={1: "Very much better", 2: "Much better",
                                3: "A little better", 4: "No change", 5: "A little worse",
                                6: "Much worse", 7: "Very much worse"}),),
    scorer=_single,
    direction="higher-is-worse",
    minimum=1,
    maximum=7,
    # 1-2 is the usual responder threshold (Farrar 2001 took "much" or "very much improved"
    # as clinically important); the other two bands group the scale's own points.
    bands=(Band(minimum=1, maximum=2, label="much improved", source=FARRAR_2001),
           Band(minimum=3, maximum=5, label="little or no change"),
           Band(minimum=6, maximum=7, label="much worse")),
    licence="Public domain (US government publication, Guy 1976); the labels are our own "
            "wording, no published item text is included.",
    source=f"{GUY_1976}; the seven-point improvement item, answered by the patient",
    instructions="Ask the patient to rate the change in their condition since care began.",
    missing_rule=ONE_RATING,
    examples=(
        WorkedExample(responses=(2,), value=2, band="much improved",
                      source=f"The rating is the score ({GUY_1976}); 2, much improved, is a "
                             "responder (Farrar et al. 2001)"),
        WorkedExample(responses=(4,), value=4, band="little or no change",
                      source=f"The rating is the score ({GUY_1976}): 4, no change"),
        WorkedExample(responses=(None,), value=None, complete=False,
                      source=f"{GUY_1976}: an unanswered rating has no score"),
    ),
)
