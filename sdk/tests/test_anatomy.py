"""Shared anatomy: figures drawn once with named landmarks, and regions placed on them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from vesalius_sdk import ChartDefinition, ChartMark, Circle, Ellipse, MarkType, Path, Polygon
from vesalius_sdk.anatomy import (
    body_back,
    body_front,
    body_side,
    feet_dorsal,
    feet_medial,
    feet_plantar,
    hand_dorsal,
    hand_palmar,
    placement_at,
    placement_on,
    region_at,
    region_on,
    spine,
)
from vesalius_sdk.anatomy._geometry import centroid

FIGURES = (body_front, body_back, body_side, spine, feet_dorsal, feet_plantar, feet_medial,
           hand_dorsal, hand_palmar)
SIDES = ("left", "right")


def _inside(point, polygon) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.__name__)
def test_every_anchor_and_part_lies_in_the_figure_box(figure):
    fig = figure()
    assert fig.anchors and fig.decorations
    for name, (x, y) in fig.anchors.items():
        assert 0 <= x <= fig.width and 0 <= y <= fig.height, name
    for name, points in fig.parts.items():
        assert len(points) >= 3, name
        assert all(0 <= x <= fig.width and 0 <= y <= fig.height for x, y in points), name


def test_body_landmarks_named_in_the_docs_exist_on_both_sides():
    front, back = body_front(), body_back()
    for landmark in ("eye", "ear", "clavicle", "shoulder", "nipple", "elbow", "wrist", "hand",
                     "fingertips", "iliac_crest", "asis", "hip", "groin", "knee", "kneecap",
                     "ankle", "malleolus_medial", "malleolus_lateral", "toes"):
        for side in SIDES:
            front.anchor(f"{landmark}_{side}")
    for landmark in ("ear", "shoulder", "scapula", "olecranon", "psis", "buttock",
                     "gluteal_fold", "popliteal", "achilles", "heel", "malleolus_lateral"):
        for side in SIDES:
            back.anchor(f"{landmark}_{side}")
    for name in ("vertex", "head", "forehead", "nose", "chin", "sternal_notch", "navel",
                 "pubis"):
        front.anchor(name)
    for name in ("occiput", "C7", *(f"T{n}" for n in range(1, 13)),
                 *(f"L{n}" for n in range(1, 6)), "coccyx"):
        back.anchor(name)
    with pytest.raises(KeyError, match=r"no anchor 'knee_lft'.*knee_left"):
        front.anchor("knee_lft")


def test_sides_are_the_patients():
    front, back = body_front(), body_back()
    # anterior: patient's left on the viewer's right; posterior: on the viewer's left
    assert front.anchor("knee_left")[0] > front.width / 2 > front.anchor("knee_right")[0]
    assert back.anchor("knee_left")[0] < back.width / 2 < back.anchor("knee_right")[0]
    labels = [d.text for d in front.decorations if d.text]
    assert labels[:2] == ["Right", "Left"]


def test_body_proportions_follow_figure_drawing_canons():
    front = body_front()
    top, chin = front.anchor("vertex")[1], front.anchor("chin")[1]
    head = chin - top
    soles = max(y for points in front.parts.values() for _, y in points)
    assert 7.3 <= (soles - top) / head <= 7.9  # about 7.5 heads tall
    # the pubis at half height, the knees about a quarter of the height above the soles
    assert abs(front.anchor("pubis")[1] - (top + soles) / 2) < 0.03 * (soles - top)
    knee = front.anchor("kneecap_left")[1]
    assert 0.22 <= (soles - knee) / (soles - top) <= 0.32
    # malleoli at the ankle, below the knee and above the sole
    assert knee < front.anchor("malleolus_medial_left")[1] < soles


def test_spine_has_every_segment_in_order():
    fig = spine()
    order = ["occiput", *(f"C{n}" for n in range(1, 8)), *(f"T{n}" for n in range(1, 13)),
             *(f"L{n}" for n in range(1, 6)), "sacrum", "coccyx"]
    ys = [fig.anchor(name)[1] for name in order]
    assert ys == sorted(ys)
    assert all(name in fig.outlines and f"label_{name}" in fig.anchors for name in order)
    for n in range(1, 13):
        for side in SIDES:
            assert f"rib{n}_{side}" in fig.outlines
    assert fig.anchor("ilium_left")[0] < fig.width / 2 < fig.anchor("ilium_right")[0]


def test_feet_landmarks_and_malleoli_at_the_ankle():
    dorsal, plantar = feet_dorsal(), feet_plantar()
    for side in SIDES:
        for n in range(1, 6):
            nail = dorsal.anchor(f"nail_{n}_{side}")
            assert _inside(nail, dorsal.part(f"digit_{n}_dorsal_{side}"))
            assert _inside(plantar.anchor(f"met_head_{n}_{side}"),
                           plantar.part(f"forefoot_plantar_{side}"))
        for n in range(1, 5):
            dorsal.anchor(f"interdigital_{n}_{side}")
        medial = dorsal.anchor(f"malleolus_medial_{side}")
        lateral = dorsal.anchor(f"malleolus_lateral_{side}")
        # at the ankle (the rearfoot zone), the medial one further forward
        for point in (medial, lateral):
            assert _inside(point, dorsal.part(f"rearfoot_dorsal_{side}")) or \
                abs(point[1] - centroid(dorsal.part(f"rearfoot_dorsal_{side}"))[1]) < 40
        assert medial[1] < lateral[1]
        plantar.anchor(f"heel_{side}")
        plantar.anchor(f"arch_{side}")
    # left foot on the left, great toes towards the middle
    mid = dorsal.width / 2
    assert dorsal.anchor("nail_5_left")[0] < dorsal.anchor("nail_1_left")[0] < mid
    assert mid < dorsal.anchor("nail_1_right")[0] < dorsal.anchor("nail_5_right")[0]


def test_regions_on_parts_areas_outlines_and_anchors():
    front = body_front()
    thigh = region_on(front, "thigh_left", id="thigh-left", label="Left thigh",
                      view="anterior", side="left")
    assert isinstance(thigh.shape, Polygon)
    assert _inside(thigh.centre, front.part("thigh_left"))
    arm = region_on(front, "upper_limb_right", id="arm", label="Right arm", view="anterior",
                    anchor="elbow_right")
    assert isinstance(arm.shape, Path) and arm.centre == front.anchor("elbow_right")
    chest = region_on(front, "rib_cage", id="chest", label="Chest", view="anterior")
    assert abs(chest.centre[0] - front.width / 2) < 0.5  # both halves: on the midline
    c5 = region_on(spine(), "C5", id="C5", label="C5", view="posterior", text_at="label_C5")
    assert c5.centre == spine().anchor("C5") and c5.text_at == spine().anchor("label_C5")
    knee = region_at(front, "knee_left", id="knee", label="Knee", view="anterior")
    assert knee.shape == Circle(cx=front.anchor("knee_left")[0],
                                cy=front.anchor("knee_left")[1], r=8)
    nail = region_at(feet_dorsal(), "nail_1_left", id="n", label="N", view="dorsal")
    assert isinstance(nail.shape, Ellipse)  # the landmark's natural size
    assert (nail.shape.rx, nail.shape.ry) == feet_dorsal().sizes["nail_1_left"]
    tilted = placement_at(front, "forearm_middle_left", "anterior", rx=10, ry=4, rotate=70)
    assert tilted.shape.rotate == 70
    palmar = placement_on(front, "hand_left", "anterior")
    assert palmar.view == "anterior" and isinstance(palmar.shape, Polygon)


def test_placed_scales_and_moves_everything_together():
    front = body_front()
    half = front.placed(dx=10, dy=20, scale=0.5)
    assert (half.width, half.height) == (front.width / 2, front.height / 2)
    x, y = front.anchor("knee_left")
    assert half.anchor("knee_left") == (round(x / 2 + 10, 2), round(y / 2 + 20, 2))
    moved = spine().placed(dx=5, scale=2)
    assert moved.outlines["C5"] != spine().outlines["C5"]
    region = region_on(moved, "C5", id="C5", label="C5", view="v")
    assert region.centre == moved.anchor("C5")


def test_a_chart_built_on_shared_anatomy_renders_with_one_region_in_two_views():
    front, back = body_front(), body_back()
    shoulder = region_on(front, "shoulder_left", id="shoulder-left", label="Left shoulder",
                         view="anterior", side="left",
                         placements=(placement_on(back, "shoulder_left", "posterior"),))
    chart = ChartDefinition(
        id="t.body", title="Body", views=(front.view("anterior", "Front"),
                                           back.view("posterior", "Back")),
        regions=(shoulder,), mark_types=(MarkType(id="p", label="Pain", abbreviation="P"),))
    root = ET.fromstring(chart.render([ChartMark(region="shoulder-left", type="p")]))
    drawn = [e for e in root.iter() if e.get("data-region") == "shoulder-left"
             and "region" in (e.get("class") or "").split()]
    assert len(drawn) == 2


def test_side_view_is_the_left_side_facing_left_at_the_front_views_height():
    side, front = body_side(), body_front()
    assert side.height == front.height
    assert abs(side.anchor("vertex")[1] - front.anchor("vertex")[1]) < 3
    assert abs(max(y for _, y in side.part("body")) - 554.5) < 3
    assert side.anchor("nose")[0] < side.anchor("ear")[0] < side.anchor("occiput")[0]
    assert side.anchor("toes")[0] < side.anchor("heel")[0]  # facing the viewer's left
    assert side.anchor("knee")[1] < side.anchor("malleolus_lateral")[1] < \
        side.anchor("heel")[1]


def test_hands_share_joint_heights_between_back_and_palm():
    dorsal, palmar = hand_dorsal(), hand_palmar()
    for side in SIDES:
        for n in range(2, 6):
            mcp, pip, dip, tip = (dorsal.anchor(f"{j}_{n}_{side}")
                                  for j in ("mcp", "pip", "dip", "tip"))
            assert tip[1] < dip[1] < pip[1] < mcp[1]  # fingers point up
            for joint in ("mcp", "pip", "dip"):
                assert dorsal.anchor(f"{joint}_{n}_{side}")[1] == \
                    palmar.anchor(f"{joint}_{n}_{side}")[1]
            assert _inside(dorsal.anchor(f"nail_{n}_{side}"),
                           dorsal.part(f"digit_{n}_{side}"))
        for name in ("cmc_1", "mcp_1", "ip_1", "tip_1", "wrist", "radial_styloid",
                     "ulnar_styloid"):
            dorsal.anchor(f"{name}_{side}"), palmar.anchor(f"{name}_{side}")
        for name in ("snuffbox", "dorsum", "nail_1"):
            dorsal.anchor(f"{name}_{side}")
        for name in ("thenar", "hypothenar", "palm", "carpal_tunnel"):
            palmar.anchor(f"{name}_{side}")
    mid = dorsal.width / 2
    # left hand on the left; backs: thumbs towards the middle; palms: thumbs outwards
    assert dorsal.anchor("tip_5_left")[0] < dorsal.anchor("tip_1_left")[0] < mid
    assert palmar.anchor("tip_1_left")[0] < palmar.anchor("tip_5_left")[0] < mid
    assert mid < dorsal.anchor("tip_1_right")[0] < dorsal.anchor("tip_5_right")[0]


def test_a_joint_charted_dorsally_and_palmarly_is_one_region():
    dorsal, palmar = hand_dorsal(), hand_palmar()
    pip = region_at(dorsal, "pip_2_right", id="pip2-right", label="Right index PIP joint",
                    view="dorsal", group=("index", "pip"),
                    placements=(placement_at(palmar, "pip_2_right", "palmar"),))
    chart = ChartDefinition(id="ot.hand", title="Hand", layout="grid", columns=2,
                            views=(dorsal.view("dorsal", "Dorsal"),
                                   palmar.view("palmar", "Palmar")),
                            regions=(pip,), mark_types=(MarkType(id="p", label="Pain",
                                                                 abbreviation="P"),))
    root = ET.fromstring(chart.render([ChartMark(region="pip2-right", type="p")]))
    assert len([e for e in root.iter() if "mark-p" in (e.get("class") or "")
                and e.get("data-region") == "pip2-right"]) == 2


def test_feet_medial_view():
    medial = feet_medial()
    for side in SIDES:
        ankle = medial.anchor(f"malleolus_medial_{side}")
        heel, mtpj = medial.anchor(f"heel_{side}"), medial.anchor(f"mtpj_1_{side}")
        assert ankle[1] < heel[1] and ankle[1] < mtpj[1]  # above the ground contacts
        assert _inside(ankle, medial.part(f"rearfoot_medial_{side}"))
        assert medial.anchor(f"arch_{side}")[1] < heel[1]  # the arch lifts off the ground
    mid = medial.width / 2
    assert medial.anchor("heel_left")[0] < medial.anchor("nail_1_left")[0] < mid
    assert mid < medial.anchor("nail_1_right")[0] < medial.anchor("heel_right")[0]


def test_span_measures_the_body_across():
    front = body_front()
    lo, hi = front.span(350.0, ["thigh_left"])
    assert front.width / 2 < lo < hi
    assert front.span(1000.0) is None
    assert front.span(300.0, ["lower_limb_left"]) == front.span(300.0, [
        "thigh_left", "knee_left", "lower_leg_left", "ankle_left", "foot_left"])


def test_placed_scales_text_with_the_drawing():
    label = next(d for d in body_front().placed(scale=2).decorations if d.text == "Right")
    assert label.font_size == 18
