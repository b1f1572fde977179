"""Shared anatomy: outlines drawn once, with named landmarks, for packs to chart on.

Each function returns a :class:`Figure`: decorations to put in a
:class:`~vesalius_sdk.ChartView`, named ``anchors`` (landmarks: ``knee_left``, ``C7``,
``nail_1_right``, ``malleolus_lateral_left``) and named ``parts`` (polygons that tile the
drawing: ``thigh_right``, ``arch_left``). A pack makes its regions with :func:`region_on`
(a region covering parts) or :func:`region_at` (a dot on an anchor), and lays the figure in
a view with :meth:`Figure.view`; :meth:`Figure.placed` scales and moves a figure.

**Coordinate system.** Chart units, ``x`` to the right, ``y`` downwards, ``(0, 0)`` the top
left corner of the figure's box; one unit is one CSS pixel when the chart is shown at its
natural size. Sizes: body figures 260 x 562 (midline ``x = 130``), spine 400 x 690 (midline
``x = 200``), feet 380 x 446 (both feet, midline ``x = 190``). Scale with
:meth:`Figure.placed`.

**Sides** are always the patient's. Anterior views (body front, feet dorsal as the
practitioner faces the patient) draw the patient's left on the viewer's right; posterior
views (body back, spine) draw the patient's left on the viewer's left. Every figure labels
its sides.

Figures: :func:`body_front`, :func:`body_back`, :func:`body_side`, :func:`spine`,
:func:`feet_dorsal`, :func:`feet_plantar`, :func:`feet_medial`, :func:`hand_dorsal`,
:func:`hand_palmar`.
"""

from ._geometry import smooth_path
from .body import body_back, body_front
from .feet import feet_dorsal, feet_medial, feet_plantar
from .figure import Figure, placement_at, placement_on, region_at, region_on
from .hands import hand_dorsal, hand_palmar
from .side import body_side
from .spine import spine

__all__ = ["Figure", "body_back", "body_front", "body_side", "feet_dorsal", "feet_medial",
           "feet_plantar", "hand_dorsal", "hand_palmar", "placement_at", "placement_on",
           "region_at", "region_on", "smooth_path", "spine"]
