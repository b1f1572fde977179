"""The foot chart ``podiatry.feet``: dorsal and plantar views of both feet.

Both views show the feet as the patient sees them looking down (dorsal, to the ankle with
both malleoli) and as footprints (plantar): left foot on the left, great toes towards the
middle. The drawing is the SDK's shared feet (:func:`vesalius_sdk.anatomy.feet_dorsal` and
``feet_plantar``): zones and toes are its named parts, nails, web spaces, joints, malleoli
and metatarsal heads its named landmarks.
"""

from __future__ import annotations

from vesalius_sdk import ChartDefinition, Region
from vesalius_sdk.anatomy import feet_dorsal, feet_plantar, region_at, region_on

from .marks import MARK_TYPES, check_mark
from .sites import SITES, FootSite

CHART_ID = "podiatry.feet"

# Drawing order inside a view: big zones first, small sites on top of them.
_ORDER = {"zone": 0, "digit": 1, "met-head": 2, "mtpj": 2, "malleolus": 2,
          "interdigital": 3, "nail": 4}


def _figure_name(s: FootSite) -> str:
    """The shared figure's part or landmark for a site: ``left-nail-3`` -> ``nail_3_left``."""
    if s.kind == "zone":
        return f"{(s.zone or '').replace('-', '_')}_{s.side}"
    if s.kind == "digit":
        return f"digit_{s.digit}_{s.surface}_{s.side}"
    return f"{s.id.split('-', 1)[1].replace('-', '_')}_{s.side}"


def _region(s: FootSite) -> Region:
    figure = feet_dorsal() if s.surface == "dorsal" else feet_plantar()
    fields = {"id": s.id, "label": s.label, "view": s.surface, "side": s.side,
              "group": f"{s.side}-foot"}
    if s.kind in ("zone", "digit"):
        return region_on(figure, _figure_name(s), **fields)
    return region_at(figure, _figure_name(s), **fields)


def build_chart() -> ChartDefinition:
    """The foot chart, built from the site table and the foot geometry."""
    sites = sorted(SITES.values(), key=lambda s: (s.surface != "dorsal", _ORDER[s.kind]))
    return ChartDefinition(
        id=CHART_ID,
        title="Feet: dorsal and plantar",
        description=(
            "Both feet from above and from below (as footprints), left foot on the left. "
            "Every toe, nail, web space, metatarsal head, malleolus and zone is a region."
        ),
        views=(
            feet_dorsal().view("dorsal", "Dorsal (from above)"),
            feet_plantar().view("plantar", "Plantar (soles)"),
        ),
        regions=tuple(_region(s) for s in sites),
        mark_types=MARK_TYPES,
        validator=check_mark,
    )


FEET_CHART = build_chart()
