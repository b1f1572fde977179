"""The muscle map: muscle groups front and back, marked for tension, trigger points and
tenderness.

Regions are muscle groups, one per side (``upper-trapezius-left``) or on the midline
(``rectus-abdominis``). Their ids are stored in signed notes: never rename or remove one,
add new ones instead. Each region's ``group`` is the body area of the treatment log
(:mod:`.areas`). The views are the SDK's shared body figures (:mod:`vesalius_sdk.anatomy`),
each muscle an ellipse placed from a named landmark, drawn as the therapist faces the
patient: in the anterior view the patient's right is on the viewer's left, in the posterior
view the patient's left is.

Mark vocabulary, as palpation findings are usually recorded:

- tension: increased tone, graded mild, moderate or marked;
- trigger point: a hyperirritable spot in a taut band, active (reproduces the patient's
  familiar pain) or latent (painful only when pressed), with whether pressure refers pain
  and whether a local twitch response was seen (Simons, Travell and Simons, Myofascial Pain
  and Dysfunction: The Trigger Point Manual, 2nd ed. 1999, ch. 2);
- tenderness: pain on palpation, graded 1 to 4 (1 tender, 2 tender and winces, 3 winces and
  withdraws, 4 will not allow palpation), the common four-grade palpation scale.
"""

from __future__ import annotations

from vesalius_sdk import ChartDefinition, MarkAttribute, MarkType, Region
from vesalius_sdk.anatomy import Figure, body_back, body_front, region_at

from .areas import AREA_IDS

#: (muscle id, label, area, anchor on the shared figure, dx, dy, rx, ry, rotation), per
#: view. ``{side}`` in the anchor is the side drawn; ``dx`` and the rotation are given for
#: the muscle drawn on the viewer's left and mirrored on the right.
Spot = tuple[str, str, str, str, float, float, float, float, float]
PAIRED: dict[str, tuple[Spot, ...]] = {
    "anterior": (
        ("temporalis", "temporalis", "head-face", "head", -21, -7, 4.5, 9, 10),
        ("masseter", "masseter", "head-face", "mouth", -15, 2, 4.5, 7, -10),
        ("scalenes", "scalenes", "neck", "neck_{side}", -5, 8, 3.5, 5, 0),
        ("sternocleidomastoid", "sternocleidomastoid", "neck", "neck_{side}", 2.5, 2, 3,
         10, -25),
        ("anterior-deltoid", "anterior deltoid", "shoulders", "shoulder_{side}", 5, 8, 9, 13,
         15),
        ("pectoralis", "pectoralis major and minor", "chest", "chest_{side}", 0, -13, 17, 13,
         0),
        ("biceps", "biceps and brachialis", "arms-hands", "upper_arm_middle_{side}", 0, 0, 8,
         22, 8),
        ("forearm-flexors", "wrist and finger flexors", "arms-hands",
         "forearm_middle_{side}", 0, 0, 7, 20, 8),
        ("hand-palm", "thenar and palm", "arms-hands", "hand_{side}", 0, -2, 7, 11, 15),
        ("obliques", "obliques", "abdomen", "abdomen_{side}", -10, -15, 8, 22, 0),
        ("iliopsoas", "iliopsoas (hip flexors)", "hips-gluteals", "groin_{side}", 5, -6, 6,
         10, -20),
        ("tensor-fasciae-latae", "tensor fasciae latae", "hips-gluteals", "hip_{side}", 3,
         -6, 6, 11, 10),
        ("quadriceps", "quadriceps", "thighs", "thigh_middle_{side}", -3, 5, 12, 38, 4),
        ("adductors", "adductors", "thighs", "thigh_middle_{side}", 14, -12, 4.5, 24, -6),
        ("tibialis-anterior", "tibialis anterior", "lower-legs", "calf_or_shin_{side}", -3,
         5, 6, 30, 2),
        ("foot-dorsum", "top of foot", "feet", "foot_{side}", 0, 0, 9, 8, 0),
    ),
    "posterior": (
        ("suboccipitals", "suboccipitals", "neck", "occiput", -8, 22, 6, 3.5, 0),
        ("levator-scapulae", "levator scapulae", "neck", "neck_{side}", -4, 8, 3.5, 8, 20),
        ("upper-trapezius", "upper trapezius", "shoulders", "C7", -26, 5, 16, 5, 12),
        ("posterior-deltoid", "posterior deltoid", "shoulders", "shoulder_{side}", 3, 9, 9,
         13, 15),
        ("rotator-cuff", "infraspinatus and teres", "shoulders", "scapula_{side}", -2, 6,
         12, 10, 0),
        ("rhomboids", "rhomboids and middle trapezius", "upper-back", "T3", -9, 0, 4.5, 14,
         0),
        ("latissimus-dorsi", "latissimus dorsi", "upper-back", "mid_back_{side}", -10, -15,
         12, 18, 0),
        ("erector-spinae-thoracic", "thoracic erector spinae", "upper-back", "T7", -7, 5,
         4.5, 22, 0),
        ("erector-spinae-lumbar", "lumbar erector spinae", "low-back", "L3", -7, -4, 4.5, 15,
         0),
        ("quadratus-lumborum", "quadratus lumborum", "low-back", "L3", -22, -4, 7, 13, 0),
        ("triceps", "triceps", "arms-hands", "upper_arm_middle_{side}", 0, 0, 8, 22, 8),
        ("forearm-extensors", "wrist and finger extensors", "arms-hands",
         "forearm_middle_{side}", 0, 0, 7, 20, 8),
        ("gluteus-medius", "gluteus medius and minimus", "hips-gluteals",
         "iliac_crest_{side}", 5, 14, 12, 8, 10),
        ("gluteus-maximus", "gluteus maximus", "hips-gluteals", "buttock_{side}", 4, 3, 15,
         17, 0),
        ("piriformis", "piriformis and deep rotators", "hips-gluteals", "buttock_{side}", -5,
         -10, 9, 3.5, -15),
        ("it-band", "iliotibial band", "thighs", "thigh_middle_{side}", -16, 5, 3.5, 34, 4),
        ("hamstrings", "hamstrings", "thighs", "thigh_middle_{side}", 3, 15, 12, 32, 2),
        ("calf", "gastrocnemius and soleus", "lower-legs", "calf_or_shin_{side}", 0, -5, 10,
         25, 0),
        ("achilles", "Achilles tendon", "lower-legs", "achilles_{side}", 0, -8, 4, 12, 0),
        ("plantar-fascia", "sole of foot (plantar fascia)", "feet", "foot_{side}", 0, 0, 6.5,
         8, 0),
    ),
}

# (muscle id, label, area, anchor, dx, dy, rx, ry, rotation) per view, on the midline.
MIDLINE: dict[str, tuple[Spot, ...]] = {
    "anterior": (
        ("rectus-abdominis", "rectus abdominis", "abdomen", "navel", 0, 6, 9, 42, 0),
    ),
    "posterior": (
        ("scalp", "scalp (occipitofrontalis)", "head-face", "head", 0, -16, 20, 16, 0),
        ("sacrum", "sacral fascia", "low-back", "sacrum", 0, 0, 8, 10, 0),
    ),
}

FIGURES = {"anterior": body_front, "posterior": body_back}


def _region(figure: Figure, view: str, spot: Spot, side: str | None, mirrored: bool
            ) -> Region:
    muscle, label, area, anchor, dx, dy, rx, ry, rotate = spot
    x, y = figure.anchor(anchor.format(side=side))
    sign = -1 if mirrored else 1
    return region_at(figure, (x + sign * dx, y + dy), rx=rx, ry=ry, rotate=sign * rotate,
                     id=f"{muscle}-{side}" if side else muscle,
                     label=f"{side.capitalize()} {label}" if side else
                     label[0].upper() + label[1:],
                     view=view, side=side or "midline", group=area)


def _regions() -> tuple[Region, ...]:
    regions = []
    for view in ("anterior", "posterior"):
        figure = FIGURES[view]()
        for spot in MIDLINE[view]:
            regions.append(_region(figure, view, spot, None, False))
        # Anterior view: the patient's right is on the viewer's left; posterior: the reverse.
        viewer_left = "right" if view == "anterior" else "left"
        viewer_right = "left" if view == "anterior" else "right"
        for spot in PAIRED[view]:
            for side in (viewer_left, viewer_right):
                regions.append(_region(figure, view, spot, side, side == viewer_right))
    assert {r.group for r in regions} <= AREA_IDS
    return tuple(regions)


TENSION = MarkType(
    id="tension", label="Tension (increased tone)", abbreviation="T", symbol="square",
    color="#8e44ad",
    attributes=(MarkAttribute(id="grade", label="Grade", kind="choice",
                              options=("mild", "moderate", "marked"), required=True),),
)
TRIGGER_POINT = MarkType(
    id="trigger-point", label="Trigger point", abbreviation="TP", symbol="dot",
    color="#c0392b",
    attributes=(
        MarkAttribute(id="kind", label="Active (familiar pain) or latent", kind="choice",
                      options=("active", "latent"), required=True),
        MarkAttribute(id="referral", label="Refers pain when pressed", kind="boolean"),
        MarkAttribute(id="twitch", label="Local twitch response", kind="boolean"),
    ),
)
TENDERNESS = MarkType(
    id="tenderness", label="Tenderness on palpation", abbreviation="Td", symbol="triangle",
    color="#d35400",
    attributes=(MarkAttribute(
        id="grade", label="Grade (1 tender, 2 winces, 3 withdraws, 4 no touch)",
        kind="integer", minimum=1, maximum=4, required=True),),
)

MUSCLES = ChartDefinition(
    id="massage.muscles",
    title="Muscle map",
    description="Muscle groups front and back, one per side, with tension, trigger points "
                "and tenderness found on palpation.",
    views=(body_front().view("anterior", "Front"), body_back().view("posterior", "Back")),
    regions=_regions(),
    mark_types=(TENSION, TRIGGER_POINT, TENDERNESS),
)
