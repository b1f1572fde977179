"""The muscle map: muscle groups front and back, marked for tension, trigger points and
tenderness.

Regions are muscle groups, one per side (``upper-trapezius-left``) or on the midline
(``rectus-abdominis``). Their ids are stored in signed notes: never rename or remove one,
add new ones instead. Each region's ``group`` is the body area of the treatment log
(:mod:`.areas`). Views are drawn as the therapist faces the patient: in the anterior view the
patient's right is on the viewer's left, in the posterior view the patient's left is.

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

from vesalius_sdk import (
    ChartDefinition,
    ChartView,
    Decoration,
    Ellipse,
    MarkAttribute,
    MarkType,
    Rect,
    Region,
)

from .areas import AREA_IDS

WIDTH, HEIGHT = 200.0, 440.0

Shape = Ellipse | Rect

# (muscle id, label, area, shape on the viewer's left half), per view; mirrored for the
# other side.
PAIRED: dict[str, tuple[tuple[str, str, str, Shape], ...]] = {
    "anterior": (
        ("temporalis", "temporalis", "head-face", Ellipse(cx=84, cy=24, rx=5, ry=8)),
        ("masseter", "masseter", "head-face", Ellipse(cx=88, cy=45, rx=4, ry=7)),
        ("scalenes", "scalenes", "neck", Ellipse(cx=85, cy=66, rx=4, ry=6)),
        ("sternocleidomastoid", "sternocleidomastoid", "neck",
         Rect(x=91, y=56, width=6, height=18, rx=3)),
        ("anterior-deltoid", "anterior deltoid", "shoulders",
         Ellipse(cx=56, cy=86, rx=10, ry=12)),
        ("pectoralis", "pectoralis major and minor", "chest",
         Ellipse(cx=80, cy=95, rx=15, ry=12)),
        ("biceps", "biceps and brachialis", "arms-hands",
         Rect(x=38, y=102, width=15, height=50, rx=7)),
        ("forearm-flexors", "wrist and finger flexors", "arms-hands",
         Rect(x=31, y=158, width=14, height=54, rx=6)),
        ("hand-palm", "thenar and palm", "arms-hands", Ellipse(cx=36, cy=228, rx=8, ry=12)),
        ("obliques", "obliques", "abdomen", Rect(x=68, y=118, width=17, height=54, rx=6)),
        ("iliopsoas", "iliopsoas (hip flexors)", "hips-gluteals",
         Ellipse(cx=84, cy=190, rx=8, ry=10)),
        ("tensor-fasciae-latae", "tensor fasciae latae", "hips-gluteals",
         Ellipse(cx=64, cy=196, rx=6, ry=9)),
        ("quadriceps", "quadriceps", "thighs", Rect(x=64, y=212, width=20, height=88, rx=9)),
        ("adductors", "adductors", "thighs", Rect(x=86, y=214, width=10, height=64, rx=4)),
        ("tibialis-anterior", "tibialis anterior", "lower-legs",
         Rect(x=70, y=318, width=12, height=72, rx=5)),
        ("foot-dorsum", "top of foot", "feet", Ellipse(cx=78, cy=414, rx=9, ry=12)),
    ),
    "posterior": (
        ("suboccipitals", "suboccipitals", "neck", Ellipse(cx=92, cy=52, rx=6, ry=4)),
        ("levator-scapulae", "levator scapulae", "neck", Ellipse(cx=88, cy=66, rx=4, ry=7)),
        ("upper-trapezius", "upper trapezius", "shoulders",
         Ellipse(cx=72, cy=76, rx=12, ry=6)),
        ("posterior-deltoid", "posterior deltoid", "shoulders",
         Ellipse(cx=52, cy=88, rx=9, ry=12)),
        ("rotator-cuff", "infraspinatus and teres", "shoulders",
         Ellipse(cx=70, cy=100, rx=11, ry=11)),
        ("rhomboids", "rhomboids and middle trapezius", "upper-back",
         Rect(x=84, y=84, width=12, height=30, rx=4)),
        ("latissimus-dorsi", "latissimus dorsi", "upper-back",
         Rect(x=62, y=116, width=20, height=36, rx=6)),
        ("erector-spinae-thoracic", "thoracic erector spinae", "upper-back",
         Rect(x=86, y=118, width=10, height=38, rx=3)),
        ("erector-spinae-lumbar", "lumbar erector spinae", "low-back",
         Rect(x=86, y=160, width=10, height=28, rx=3)),
        ("quadratus-lumborum", "quadratus lumborum", "low-back",
         Rect(x=70, y=158, width=13, height=26, rx=4)),
        ("triceps", "triceps", "arms-hands", Rect(x=38, y=104, width=15, height=50, rx=7)),
        ("forearm-extensors", "wrist and finger extensors", "arms-hands",
         Rect(x=31, y=160, width=14, height=54, rx=6)),
        ("gluteus-medius", "gluteus medius and minimus", "hips-gluteals",
         Ellipse(cx=74, cy=196, rx=12, ry=8)),
        ("gluteus-maximus", "gluteus maximus", "hips-gluteals",
         Ellipse(cx=86, cy=216, rx=13, ry=11)),
        ("piriformis", "piriformis and deep rotators", "hips-gluteals",
         Ellipse(cx=66, cy=214, rx=7, ry=4)),
        ("it-band", "iliotibial band", "thighs", Rect(x=60, y=236, width=7, height=64, rx=3)),
        ("hamstrings", "hamstrings", "thighs", Rect(x=70, y=236, width=22, height=74, rx=9)),
        ("calf", "gastrocnemius and soleus", "lower-legs",
         Rect(x=72, y=322, width=18, height=60, rx=8)),
        ("achilles", "Achilles tendon", "lower-legs",
         Rect(x=77, y=384, width=9, height=20, rx=4)),
        ("plantar-fascia", "sole of foot (plantar fascia)", "feet",
         Ellipse(cx=81, cy=420, rx=8, ry=11)),
    ),
}

# (muscle id, label, area, shape) per view, on the midline.
MIDLINE: dict[str, tuple[tuple[str, str, str, Shape], ...]] = {
    "anterior": (
        ("rectus-abdominis", "rectus abdominis", "abdomen",
         Rect(x=90, y=114, width=20, height=62, rx=5)),
    ),
    "posterior": (
        ("scalp", "scalp (occipitofrontalis)", "head-face",
         Ellipse(cx=100, cy=28, rx=18, ry=16)),
        ("sacrum", "sacral fascia", "low-back", Rect(x=92, y=190, width=16, height=16, rx=4)),
    ),
}

# The figure: head, neck, trunk, and each side's arm and leg (viewer's left; mirrored).
_TRUNK = (Ellipse(cx=100, cy=34, rx=22, ry=27), Rect(x=88, y=56, width=24, height=20, rx=4),
          Rect(x=56, y=74, width=88, height=134, rx=20))
_LIMBS = (Rect(x=28, y=80, width=28, height=80, rx=12), Rect(x=26, y=154, width=22, height=66,
                                                              rx=10),
          Ellipse(cx=37, cy=230, rx=11, ry=16), Rect(x=58, y=204, width=40, height=112, rx=16),
          Rect(x=64, y=312, width=30, height=96, rx=12), Ellipse(cx=80, cy=418, rx=13, ry=16))


def _mirror(shape: Shape) -> Shape:
    if isinstance(shape, Ellipse):
        return shape.model_copy(update={"cx": WIDTH - shape.cx})
    return shape.model_copy(update={"x": WIDTH - shape.x - shape.width})


def _figure(view: str) -> tuple[Decoration, ...]:
    parts = list(_TRUNK) + list(_LIMBS) + [_mirror(s) for s in _LIMBS]
    left, right = ("R", "L") if view == "anterior" else ("L", "R")
    return (*(Decoration(shape=s) for s in parts),
            Decoration(text=left, at=(6, 14), role="label"),
            Decoration(text=right, at=(188, 14), role="label"))


def _regions() -> tuple[Region, ...]:
    regions = []
    for view in ("anterior", "posterior"):
        for muscle, label, area, shape in MIDLINE[view]:
            regions.append(Region(id=muscle, label=label[0].upper() + label[1:], view=view,
                                  side="midline", group=area, shape=shape))
        # Anterior view: the patient's right is on the viewer's left; posterior: the reverse.
        viewer_left = "right" if view == "anterior" else "left"
        viewer_right = "left" if view == "anterior" else "right"
        for muscle, label, area, shape in PAIRED[view]:
            for side, drawn in ((viewer_left, shape), (viewer_right, _mirror(shape))):
                regions.append(Region(id=f"{muscle}-{side}", label=f"{side.capitalize()} {label}",
                                      view=view, side=side, group=area, shape=drawn))
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
    views=(ChartView(id="anterior", title="Front", width=WIDTH, height=HEIGHT,
                     decorations=_figure("anterior")),
           ChartView(id="posterior", title="Back", width=WIDTH, height=HEIGHT,
                     decorations=_figure("posterior"))),
    regions=_regions(),
    mark_types=(TENSION, TRIGGER_POINT, TENDERNESS),
)
