"""The hand chart: both hands, back (dorsal) and palm (palmar), on the SDK's shared drawing.

Every joint (wrist; thumb CMC, MCP and IP; MCP, PIP and DIP of each finger) is ONE region
drawn in both views (``placements``): a mark on ``pip-2-right`` shows on the back and on the
palm of the right index finger. Surfaces differ between the views, so the back of the hand
(``dorsum-*``), the palm (``palm-*``) and the palmar side of each digit (``digit-*``, where
numbness is charted) are regions of one view each.

Region ids are stored in signed notes: never rename or remove one after release.
"""

from __future__ import annotations

from vesalius_sdk import ChartDefinition, MarkAttribute, MarkType, Region
from vesalius_sdk.anatomy import (
    hand_dorsal,
    hand_palmar,
    placement_at,
    placement_on,
    region_at,
    region_on,
)

DORSAL, PALMAR = hand_dorsal(), hand_palmar()
SIDES = ("left", "right")
DIGITS = {1: "thumb", 2: "index finger", 3: "middle finger", 4: "ring finger",
          5: "little finger"}
# (anatomy anchor prefix, our label) of every joint, by digit.
JOINTS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("cmc", "CMC"), ("mcp", "MCP"), ("ip", "IP")),
    **{n: (("mcp", "MCP"), ("pip", "PIP"), ("dip", "DIP")) for n in range(2, 6)},
}


def _joints(side: str) -> list[Region]:
    """The joints of one hand, each drawn dorsally (main view) and palmarly."""
    regions = [region_on(
        DORSAL, f"wrist_{side}", id=f"wrist-{side}", label=f"{side.capitalize()} wrist",
        view="dorsal", side=side, group=("wrist",),
        placements=(placement_on(PALMAR, f"wrist_{side}", "palmar"),))]
    for n, joints in JOINTS.items():
        for anchor, name in joints:
            spot = f"{anchor}_{n}_{side}"
            regions.append(region_at(
                DORSAL, spot, id=f"{anchor}-{n}-{side}",
                label=f"{side.capitalize()} {DIGITS[n]} {name}", view="dorsal", side=side,
                group=(f"digit-{n}", anchor),
                placements=(placement_at(PALMAR, spot, "palmar"),)))
    return regions


def _surfaces(side: str) -> list[Region]:
    """Skin surfaces, each in the one view that shows it."""
    cap = side.capitalize()
    regions = [
        region_on(DORSAL, f"hand_{side}", id=f"dorsum-{side}", label=f"{cap} back of hand",
                  view="dorsal", side=side, group=("hand",)),
        region_on(PALMAR, f"hand_{side}", id=f"palm-{side}", label=f"{cap} palm",
                  view="palmar", side=side, group=("hand",)),
    ]
    regions += [region_on(PALMAR, f"digit_{n}_{side}", id=f"digit-{n}-{side}",
                          label=f"{cap} {DIGITS[n]}, palmar side", view="palmar", side=side,
                          group=(f"digit-{n}",))
                for n in DIGITS]
    return regions


# Surfaces first: regions are drawn in order, so the joints lie on top of the digits.
REGIONS: tuple[Region, ...] = tuple(
    [r for side in SIDES for r in _surfaces(side)] + [r for side in SIDES for r in _joints(side)])

_SEVERITY = ("mild", "moderate", "severe")

HANDS = ChartDefinition(
    id="ot.hands",
    title="Hand chart",
    description="Both hands from the back and from the palm. Each joint is one region seen "
                "in both views; backs, palms and the palmar side of each digit are their own.",
    views=(DORSAL.view("dorsal", "Dorsal (backs of the hands)"),
           PALMAR.view("palmar", "Palmar (palms up)")),
    regions=REGIONS,
    # A finger joint is about 7 units across on this drawing: smaller symbols than a body
    # chart's, so that marks on neighbouring joints do not overlap.
    mark_size=5,
    mark_types=(
        MarkType(id="pain", label="Pain", abbreviation="P", color="#c0392b", attributes=(
            MarkAttribute(id="intensity", label="Intensity (0-10)", kind="integer",
                          minimum=0, maximum=10, required=True, show=True),
            MarkAttribute(id="quality", label="Quality", kind="choice",
                          options=("aching", "sharp", "burning", "throbbing")),
            MarkAttribute(id="on_movement", label="Worse on movement", kind="boolean"),
        )),
        MarkType(id="swelling", label="Swelling", abbreviation="Sw", symbol="ring",
                 color="#2471a3", attributes=(
            MarkAttribute(id="grade", label="Grade", kind="choice", options=_SEVERITY,
                          required=True),
            MarkAttribute(id="pitting", label="Pitting", kind="boolean"),
        )),
        MarkType(id="stiffness", label="Stiffness", abbreviation="St", symbol="square",
                 color="#8e44ad", attributes=(
            MarkAttribute(id="grade", label="Grade", kind="choice", options=_SEVERITY,
                          required=True),
            MarkAttribute(id="morning_minutes", label="Morning stiffness (minutes)",
                          kind="integer", minimum=0, maximum=600),
        )),
        MarkType(id="scar", label="Scar", abbreviation="Sc", symbol="diamond",
                 color="#7e5109", attributes=(
            MarkAttribute(id="length_mm", label="Length (mm)", kind="number", minimum=0,
                          maximum=300),
            MarkAttribute(id="state", label="State", kind="choice",
                          options=("healing", "mature", "hypertrophic", "adherent")),
        )),
        MarkType(id="numbness", label="Numbness or tingling", abbreviation="N",
                 symbol="triangle", color="#117a65", attributes=(
            MarkAttribute(id="kind", label="Kind", kind="choice",
                          options=("reduced", "absent", "tingling"), required=True),
            # Semmes-Weinstein monofilament marking numbers of the usual five-filament set.
            MarkAttribute(id="monofilament", label="Monofilament felt", kind="choice",
                          options=("2.83", "3.61", "4.31", "4.56", "6.65")),
        )),
    ),
)
