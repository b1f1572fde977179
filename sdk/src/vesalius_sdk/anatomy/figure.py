"""A drawn piece of anatomy (:class:`Figure`) and how packs put regions on it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._base import Frozen
from ..charts import (
    ChartView,
    Circle,
    Decoration,
    Ellipse,
    Number,
    Path,
    Placement,
    Polygon,
    Rect,
    Region,
    Shape,
)
from ._geometry import centroid, path_d, rounded

Point = tuple[float, float]


class Figure(Frozen):
    """An anatomical drawing: decorations for a view, named anchors and named parts.

    Coordinates are chart units, ``x`` to the right and ``y`` down from the top left corner
    of the figure's ``width`` x ``height`` box (the view's drawing area when the figure fills
    a view). ``anchors`` are named landmarks (``knee_left``, ``C7``, ``nail_1_right``,
    ``malleolus_lateral_left``); ``parts`` are named polygons that tile the drawing
    (``thigh_right``, ``forefoot_dorsal_left``) and become regions with :func:`region_on`.
    Sides are always the patient's: in an anterior view the patient's left is drawn on the
    viewer's right, in a posterior view on the viewer's left.

    :meth:`placed` moves and scales the whole figure (anchors, parts and drawing together),
    to fit another view size or to set two figures side by side in one view.
    """

    name: str
    width: Number
    height: Number
    decorations: tuple[Decoration, ...]
    anchors: Mapping[str, tuple[Number, Number]]
    parts: Mapping[str, tuple[tuple[Number, Number], ...]] = {}
    #: Named groups of parts (``upper_limb_right``: shoulder to hand), usable wherever a
    #: part name is (:func:`region_on`).
    areas: Mapping[str, tuple[str, ...]] = {}
    #: Named outlines as SVG path data (the bones of the spine), usable wherever a part
    #: name is; a region on an outline puts its marks on the anchor of the same name.
    outlines: Mapping[str, str] = {}
    #: Natural radii ``(rx, ry)`` of small landmarks (a nail, a metatarsal head):
    #: :func:`region_at` draws them at that size unless told otherwise.
    sizes: Mapping[str, tuple[Number, Number]] = {}

    def anchor(self, name: str) -> Point:
        """The point of a named landmark; ``KeyError`` naming the closest names."""
        try:
            x, y = self.anchors[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self.anchors), n=4)
            raise KeyError(f"figure {self.name!r} has no anchor {name!r}"
                           + (f" (did you mean {', '.join(close)}?)" if close else "")) from None
        return (x, y)

    def part(self, name: str) -> tuple[Point, ...]:
        """The polygon of a named part; ``KeyError`` naming the closest names."""
        try:
            return self.parts[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self.parts), n=4)
            raise KeyError(f"figure {self.name!r} has no part {name!r}"
                           + (f" (did you mean {', '.join(close)}?)" if close else "")) from None

    def span(self, y: float, parts: Sequence[str] | None = None) -> tuple[float, float] | None:
        """The leftmost and rightmost ``x`` of the named parts (or areas; default all) on
        the horizontal line at height ``y``, or ``None`` where the line misses them: how
        wide the body is there, for packs that place points in proportion across a limb."""
        names = list(self.parts) if parts is None else \
            [p for n in parts for p in self.areas.get(n, (n,))]
        xs = [x for n in names for x in crossings(self.part(n), y)]
        return (min(xs), max(xs)) if xs else None

    def placed(self, dx: float = 0.0, dy: float = 0.0, scale: float = 1.0) -> Figure:
        """This figure scaled by ``scale`` about its top left corner, then moved by
        ``(dx, dy)``: ``body_front().placed(scale=0.5)`` is half size."""

        def point(p: Sequence[float]) -> Point:
            return (round(p[0] * scale + dx, 2), round(p[1] * scale + dy, 2))

        return Figure(
            name=self.name, width=self.width * scale, height=self.height * scale,
            decorations=tuple(_move_decoration(d, scale, dx, dy) for d in self.decorations),
            anchors={k: point(v) for k, v in self.anchors.items()},
            parts={k: tuple(point(p) for p in v) for k, v in self.parts.items()},
            areas=self.areas,
            outlines={k: move_path(v, scale, dx, dy) for k, v in self.outlines.items()},
            sizes={k: (v[0] * scale, v[1] * scale) for k, v in self.sizes.items()},
        )

    def view(self, view_id: str, title: str, extra: Sequence[Decoration] = (),
             **fields: Any) -> ChartView:
        """A :class:`ChartView` of the figure's size drawing it (then ``extra``)."""
        return ChartView(id=view_id, title=title, width=self.width, height=self.height,
                         decorations=(*self.decorations, *extra), **fields)


def crossings(polygon: Sequence[Sequence[float]], y: float) -> list[float]:
    """The ``x`` where a closed polygon's edges cross the horizontal line at ``y``."""
    xs = []
    for (x0, y0), (x1, y1) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (y0 <= y < y1) or (y1 <= y < y0):
            xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return xs


Spot = tuple[Point, float, float]


def both_sides(parts: Mapping[str, Sequence[Point]], spots: Mapping[str, Spot],
               place: Callable[[str, Point], Point], scale: float = 1.0
               ) -> tuple[dict[str, tuple[Point, ...]], dict[str, Point],
                          dict[str, tuple[float, float]]]:
    """Parts and landmarks drawn once for one side, placed for both: ``(parts, anchors,
    sizes)`` named ``<name>_left`` and ``<name>_right``. ``place(side, point)`` maps a local
    point into the view; ``spots`` are ``(centre, rx, ry)`` (radii 0: no natural size),
    radii multiplied by ``scale``. Every part's centre is an anchor of the part's name."""
    out_parts: dict[str, tuple[Point, ...]] = {}
    anchors: dict[str, Point] = {}
    sizes: dict[str, tuple[float, float]] = {}
    for side in ("left", "right"):
        for name, points in parts.items():
            placed = tuple(place(side, p) for p in points)
            out_parts[f"{name}_{side}"] = placed
            cx, cy = centroid(list(placed))
            anchors[f"{name}_{side}"] = (round(cx, 1), round(cy, 1))
        for name, (centre, rx, ry) in spots.items():
            anchors[f"{name}_{side}"] = place(side, centre)
            if rx and ry:
                sizes[f"{name}_{side}"] = (round(rx * scale, 2), round(ry * scale, 2))
    return out_parts, anchors, sizes


# --- moving drawings -------------------------------------------------------------------------

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def _fmt(value: float) -> str:
    return f"{round(value, 2):g}"


def move_path(d: str, scale: float, dx: float, dy: float) -> str:
    """SVG path data scaled about the origin then moved (relative commands only scaled)."""
    out: list[str] = []
    command = ""
    args: list[float] = []
    for token in _TOKEN.findall(d):
        if token.isalpha():
            command, args = token, []
            out.append(token)
            continue
        args.append(float(token))
        low = command.lower()
        if len(args) < _ARITY[low]:
            continue
        rel = command.islower()
        ox, oy = (0.0, 0.0) if rel else (dx, dy)
        if low == "h":
            values = [args[0] * scale + ox]
        elif low == "v":
            values = [args[0] * scale + oy]
        elif low == "a":
            values = [args[0] * scale, args[1] * scale, args[2], args[3], args[4],
                      args[5] * scale + ox, args[6] * scale + oy]
        else:
            values = [v * scale + (ox if i % 2 == 0 else oy) for i, v in enumerate(args)]
        out.append(" ".join(_fmt(v) for v in values))
        args = []
    return " ".join(out)


def move_shape(shape: Shape, scale: float, dx: float, dy: float) -> Shape:
    """A shape scaled about the origin, then moved."""
    if isinstance(shape, Circle):
        return Circle(cx=shape.cx * scale + dx, cy=shape.cy * scale + dy, r=shape.r * scale)
    if isinstance(shape, Ellipse):
        return shape.model_copy(update={"cx": shape.cx * scale + dx, "cy": shape.cy * scale + dy,
                                        "rx": shape.rx * scale, "ry": shape.ry * scale})
    if isinstance(shape, Rect):
        return shape.model_copy(update={
            "x": shape.x * scale + dx, "y": shape.y * scale + dy, "width": shape.width * scale,
            "height": shape.height * scale, "rx": shape.rx * scale})
    if isinstance(shape, Polygon):
        return Polygon(points=tuple((x * scale + dx, y * scale + dy) for x, y in shape.points))
    assert isinstance(shape, Path)
    return Path(d=move_path(shape.d, scale, dx, dy))


def _move_decoration(deco: Decoration, scale: float, dx: float, dy: float) -> Decoration:
    if deco.shape is not None:
        return deco.model_copy(update={"shape": move_shape(deco.shape, scale, dx, dy)})
    assert deco.at is not None
    return deco.model_copy(update={"at": (deco.at[0] * scale + dx, deco.at[1] * scale + dy),
                                   "font_size": min(72.0, (deco.font_size or 9) * scale)})


# --- regions on a figure ------------------------------------------------------------------------

def _at(figure: Figure, anchor: str | Point) -> Point:
    return figure.anchor(anchor) if isinstance(anchor, str) else anchor


def _dot(centre: Point, r: float, rx: float | None, ry: float | None,
         rotate: float) -> Shape:
    x, y = round(centre[0], 2), round(centre[1], 2)
    if rx is None and ry is None:
        return Circle(cx=x, cy=y, r=r)
    return Ellipse(cx=x, cy=y, rx=rx or r, ry=ry or r, rotate=rotate)


def _natural(figure: Figure, anchor: str | Point, r: float | None, rx: float | None,
             ry: float | None) -> tuple[float, float | None, float | None]:
    if r is None and rx is None and ry is None and isinstance(anchor, str) \
            and anchor in figure.sizes:
        rx, ry = figure.sizes[anchor]
    return (8.0 if r is None else r), rx, ry


def placement_at(figure: Figure, anchor: str | Point, view: str, *, r: float | None = None,
                 rx: float | None = None, ry: float | None = None,
                 rotate: float = 0.0) -> Placement:
    """A drawing of a region in ``view``: a circle of radius ``r`` (or an ellipse ``rx`` by
    ``ry`` turned ``rotate`` degrees) centred on the named anchor or point; by default the
    landmark's natural size (``figure.sizes``), else a circle of radius 8."""
    r, rx, ry = _natural(figure, anchor, r, rx, ry)
    return Placement(view=view, shape=_dot(_at(figure, anchor), r, rx, ry, rotate))


def region_at(figure: Figure, anchor: str | Point, *, id: str, label: str, view: str,
              r: float | None = None, rx: float | None = None, ry: float | None = None,
              rotate: float = 0.0, **fields: Any) -> Region:
    """A region drawn as a circle (or ellipse) on a named anchor: ``region_at(body_front(),
    "knee_left", id="knee-left", label="Left knee", view="anterior")``; size as for
    :func:`placement_at`. ``fields`` are the other :class:`Region` fields (``side``,
    ``group``, ``aliases``, ``placements``)."""
    drawing = placement_at(figure, anchor, view, r=r, rx=rx, ry=ry, rotate=rotate)
    return Region(id=id, label=label, view=view, shape=drawing.shape, **fields)


def _outline(figure: Figure, parts: str | Sequence[str]) -> tuple[Shape, Point]:
    names = [parts] if isinstance(parts, str) else list(parts)
    names = [p for n in names for p in figure.areas.get(n, (n,))]
    if len(names) == 1 and names[0] in figure.outlines:
        return Path(d=figure.outlines[names[0]]), figure.anchor(names[0])
    if any(n in figure.outlines for n in names):
        d = " ".join(figure.outlines[n] if n in figure.outlines else path_d(figure.part(n))
                     for n in names)
        return Path(d=d), figure.anchor(names[0])
    polygons = [figure.part(n) for n in names]
    if len(polygons) == 1:
        points = rounded(polygons[0])
        return Polygon(points=points), centroid(points)
    area_sum = cx = cy = 0.0
    for poly in polygons:
        area = abs(_area(poly))
        x, y = centroid(poly)
        area_sum, cx, cy = area_sum + area, cx + x * area, cy + y * area
    d = " ".join(path_d(p) for p in polygons)
    return Path(d=d), (cx / area_sum, cy / area_sum)


def _area(points: Sequence[Point]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
               in zip(points, [*points[1:], points[0]], strict=True)) / 2


def placement_on(figure: Figure, parts: str | Sequence[str], view: str,
                 anchor: str | Point | None = None,
                 text_at: str | Point | None = None) -> Placement:
    """A drawing of a region in ``view`` covering one or more named parts, areas or
    outlines; marks go on ``anchor`` (default: the centre of the parts' area, or the anchor
    named like the outline); shown mark values are written at ``text_at``."""
    shape, centre = _outline(figure, parts)
    at = _at(figure, anchor) if anchor is not None else centre
    text = _at(figure, text_at) if text_at is not None else None
    return Placement(view=view, shape=shape, anchor=(round(at[0], 1), round(at[1], 1)),
                     text_at=text)


def region_on(figure: Figure, parts: str | Sequence[str], *, id: str, label: str, view: str,
              anchor: str | Point | None = None, text_at: str | Point | None = None,
              **fields: Any) -> Region:
    """A region covering one or more named parts of a figure (``region_on(body_front(),
    ("chest_left", "chest_right"), id="rib-cage", ...)``): a polygon for one part, a path of
    several for more; marks go on ``anchor`` (default: the centre of the parts' area)."""
    drawing = placement_on(figure, parts, view, anchor, text_at)
    return Region(id=id, label=label, view=view, shape=drawing.shape, anchor=drawing.anchor,
                  text_at=drawing.text_at, **fields)

