"""Oswestry Disability Index v2.1a (Fairbank JC, Pynsent PB. Spine 2000;25(22):2940-52).

Ten sections, each six statements scored 0 (first) to 5 (last). The score is the sum of the
answered sections over five times the number answered, as a percentage: "for every question
not answered, the denominator is reduced by 5". Our policy, as the open-source awell-score
library does, refuses to score when more than one section is unanswered (the sex-life
section counted). The sex-life section is marked optional because the form itself says
"if applicable": leaving it blank keeps the responses complete.

The section statements are Mapi's licensed text, so the editor shows our own labels of the
six steps of every section (first statement to last), never a bare number.

Owned by the core's ``general`` pack; up to vesalius-physio 0.2.0 it was the physio pack's,
with the same id, version, scoring and examples, so results recorded under either owner
trend together.
"""

from vesalius_sdk import Band, MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.scoring import answered, missing, percent_of_answered

from .generic import OSTELO_2008

#: More unanswered sections than this and the published rule is not applied.
MAX_MISSING = 1

_SECTIONS = (
    ("pain_intensity", "Pain intensity"),
    ("personal_care", "Personal care (washing, dressing)"),
    ("lifting", "Lifting"),
    ("walking", "Walking"),
    ("sitting", "Sitting"),
    ("standing", "Standing"),
    ("sleeping", "Sleeping"),
    ("sex_life", "Sex life (if applicable)"),
    ("social_life", "Social life"),
    ("travelling", "Travelling"),
)

#: Our own labels of the six steps of every section (statement 1 = 0 to statement 6 = 5).
ANCHORS = {0: "none / no limitation", 1: "slight", 2: "moderate", 3: "marked",
           4: "severe", 5: "worst / unable"}

ITEMS = tuple(
    MeasureItem(
        id=key,
        label=label,
        minimum=0,
        maximum=5,
        optional=key == "sex_life",
        anchors=ANCHORS,
    )
    for key, label in _SECTIONS
)

SOURCE = "Fairbank JC, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-52."
#: The interpretation bands were published with the questionnaire itself.
BANDS_SOURCE = ("Fairbank JC, Couper J, Davies JB, O'Brien JP. The Oswestry low back pain "
                "disability questionnaire. Physiotherapy 1980;66(8):271-3.")


def score_odi(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
    """ODI % = sum of answered sections / (5 x sections answered) x 100, two decimals."""
    skipped = [i.label for i, r in zip(measure.items, responses, strict=True) if r is None]
    values = answered(responses)
    subscores = {"raw": float(sum(values)), "answered": float(len(values))}
    if missing(responses) > MAX_MISSING:  # see missing_rule
        return measure.not_scorable(
            f"{len(skipped)} sections unanswered; the ODI is scored with at most one missing",
            subscores=subscores,
        )
    complete = all(r is not None for i, r in zip(measure.items, responses, strict=True)
                   if not i.optional)
    reason = None
    if skipped:
        reason = f"{skipped[0]} not answered: scored out of {5 * len(values)}"
    return measure.result(
        percent_of_answered(measure, responses, digits=2),
        complete=complete,
        reason=reason,
        subscores=subscores,
    )


ODI = OutcomeMeasure(
    id="odi",
    title="Oswestry Disability Index (ODI v2.1a)",
    version="2.1a",
    items=ITEMS,
    scorer=score_odi,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="%",
    # Fairbank's bands. They touch at their edges; the first match wins, so 20 reads
    # "minimal" and 20.5 "moderate" (scores with a missing section are not whole numbers).
    bands=(
        Band(minimum=0, maximum=20, label="minimal disability", source=BANDS_SOURCE),
        Band(minimum=20, maximum=40, label="moderate disability", source=BANDS_SOURCE),
        Band(minimum=40, maximum=60, label="severe disability", source=BANDS_SOURCE),
        Band(minimum=60, maximum=80, label="crippled (Fairbank's band)", source=BANDS_SOURCE),
        Band(minimum=80, maximum=100, label="bed-bound, or exaggerating symptoms",
             source=BANDS_SOURCE),
    ),
    mcid=10,
    mcid_source=f"{OSTELO_2008} (10 points or 30 % from baseline)",
    licence=(
        "ODI v2.1a, (c) Jeremy Fairbank; distributed by Mapi Research Trust (ePROVIDE, "
        "https://eprovide.mapi-trust.org/odi-oswestry-disability-index). Commercial and "
        "electronic use may need a Mapi licence. The section statements are not included: "
        "Vesalius ships its own short section labels, the structure and the scoring rule; a "
        "clinic holding a licence loads the wording itself."
    ),
    item_text_included=False,
    # The code HL7 PACIO's sample implementation guide uses for the ODI questionnaire.
    loinc="97908-8",
    # The score's own code, "Oswestry disability index score ODI" (https://loinc.org/97909-6).
    score_loinc="97909-6",
    source=SOURCE,
    missing_rule=MissingRule(
        max_missing=1,
        text="At most one section may be unanswered (the sex-life section counted): the "
             "score is then out of 5 x the sections answered. Two or more: not scored.",
        source="Fairbank & Pynsent 2000 (denominator reduced by 5 per unanswered section); "
               "the one-section limit is our policy, as in the awell-score library.",
    ),
    instructions=(
        "One answer per section, 0 for the first statement to 5 for the last. Leave the "
        "sex-life section blank when it does not apply. Not scored with two or more "
        "sections unanswered."
    ),
    examples=(
        WorkedExample(
            responses=(2, 1, 3, 2, 2, 1, 2, 1, 1, 1),
            value=32.0,
            band="moderate disability",
            complete=True,
            subscores={"raw": 16, "answered": 10},
            source=f"{SOURCE} Scoring rule: 16/50 x 100 = 32%",
        ),
        WorkedExample(
            responses=(2, 1, 3, 2, 2, 1, 2, None, 2, 1),
            value=35.56,
            band="moderate disability",
            complete=True,
            subscores={"raw": 16, "answered": 9},
            source=(
                f"{SOURCE} Scoring rule, one section not applicable: 16/45 x 100 = 35.56 "
                "(printed truncated as 35.5% on the scoring sheet)"
            ),
        ),
        WorkedExample(
            responses=(2, 1, 3, None, 2, 1, 2, 1, 2, 2),
            value=35.56,
            complete=False,
            band="moderate disability",
            source=(
                f"{SOURCE} Same rule with a required section skipped: 16/45 x 100; "
                "scored, but the responses are incomplete"
            ),
        ),
        WorkedExample(
            responses=(2, 1, 3, 2, 2, 1, None, None, 1, 1),
            value=None,
            complete=False,
            source="Only 8 sections answered: not scored (our one-section limit, as in "
                   "the awell-score library)",
        ),
    ),
)
