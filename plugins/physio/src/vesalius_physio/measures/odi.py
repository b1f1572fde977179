"""Oswestry Disability Index v2.1a (Fairbank & Pynsent 2000), CLINICAL.md section 1.1.

Ten sections, each six statements scored 0 (first) to 5 (last). The score is the sum of the
answered sections over five times the number answered, as a percentage: "for every question
not answered, the denominator is reduced by 5". Like awell-score, we refuse to score when
more than one section is unanswered. The sex-life section is marked optional because the
form itself says "if applicable": leaving it blank keeps the responses complete.
"""

from vesalius_sdk import Band, MeasureItem, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.scoring import answered, missing, percent_of_answered

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

ITEMS = tuple(
    MeasureItem(
        id=key,
        label=label,
        minimum=0,
        maximum=5,
        optional=key == "sex_life",
        anchors={0: "first statement: no limitation", 5: "last statement: most limited"},
    )
    for key, label in _SECTIONS
)

IDCAFE = "https://www.idcafe.net/how-is-the-oswestry-disability-scale-scored/"


def score_odi(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
    """ODI % = sum of answered sections / (5 x sections answered) x 100, two decimals."""
    skipped = [i.label for i, r in zip(measure.items, responses, strict=True) if r is None]
    values = answered(responses)
    subscores = {"raw": float(sum(values)), "answered": float(len(values))}
    if missing(responses) > MAX_MISSING:
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
        Band(minimum=0, maximum=20, label="minimal disability"),
        Band(minimum=20, maximum=40, label="moderate disability"),
        Band(minimum=40, maximum=60, label="severe disability"),
        Band(minimum=60, maximum=80, label="crippled (Fairbank's band)"),
        Band(minimum=80, maximum=100, label="bed-bound, or exaggerating symptoms"),
    ),
    mcid=10,
    mcid_source=(
        "Ostelo et al., Spine 2008 (consensus): 10 points or 30% from baseline. "
        "https://metajournal.com/articles/201999/interpreting-change-scores-pain-functional-"
        "status-low-back-pain-towards"
    ),
    licence=(
        "ODI v2.1a, (c) Jeremy Fairbank; distributed by Mapi Research Trust (ePROVIDE, "
        "https://eprovide.mapi-trust.org/odi-oswestry-disability-index). Commercial and "
        "electronic use may need a Mapi licence. The section statements are not included: "
        "Vesalius ships its own short section labels, the structure and the scoring rule; a "
        "clinic holding a licence loads the wording itself."
    ),
    item_text_included=False,
    # The code PACIO's sample IG uses; CLINICAL.md asks for a check at loinc.org.
    loinc="97908-8",
    source="Fairbank JC, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-52.",
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
            source=f"Fairbank scoring sheet, 16/50 x 100 = 32% ({IDCAFE}; CLINICAL.md 1.1)",
        ),
        WorkedExample(
            responses=(2, 1, 3, 2, 2, 1, 2, None, 2, 1),
            value=35.56,
            band="moderate disability",
            complete=True,
            subscores={"raw": 16, "answered": 9},
            source=(
                f"Fairbank scoring sheet, one section not applicable: 16/45 x 100 ({IDCAFE}; "
                "the sheet prints 35.5%, truncated; 35.56 to two decimals, CLINICAL.md 1.1)"
            ),
        ),
        WorkedExample(
            responses=(2, 1, 3, None, 2, 1, 2, 1, 2, 2),
            value=35.56,
            complete=False,
            band="moderate disability",
            source=(
                f"Same rule with a required section skipped: 16/45 x 100 ({IDCAFE}); "
                "scored, but the responses are incomplete"
            ),
        ),
        WorkedExample(
            responses=(2, 1, 3, 2, 2, 1, None, None, 1, 1),
            value=None,
            complete=False,
            source="Only 8 sections answered: not scorable (awell-score convention, "
                   "CLINICAL.md 1.1)",
        ),
    ),
    disciplines=("physio",),
)
