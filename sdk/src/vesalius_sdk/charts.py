"""Charts practitioners click on: body, spine, meridian, foot, hand.

A :class:`ChartDefinition` is drawn in one or more :class:`ChartView` s (anterior, posterior,
plantar, ...). Each clickable :class:`Region` (a body area, a vertebra, an acupuncture point,
a nail, a joint) has a stable id that notes store; each view may carry non-clickable
:class:`Decoration` s (the silhouette, a meridian line, a label). A chart declares its mark
vocabulary as :class:`MarkType` s, each with typed :class:`MarkAttribute` s (intensity,
depth, listing, technique, ...). A note stores the marks as :class:`ChartMark` objects.

Coordinates are chart units: ``x`` to the right, ``y`` downwards, ``(0, 0)`` the top left
corner of the view's drawing area (below its title). A view is ``width`` x ``height`` units;
the rendered SVG's user unit is one chart unit, so a browser showing the chart at its natural
size draws one unit as one CSS pixel (see :func:`vesalius_sdk.rendering.chart_size`).

**Region ids are unique across the whole chart**, aliases included, whatever the view: a
region seen in several views (a finger joint dorsally and palmarly) is ONE region with one id,
drawn once per view through :attr:`Region.placements`; a mark on it shows in every view.

**Layout of the views** (:attr:`ChartDefinition.layout`): ``"row"`` (the default) draws the
views side by side, left to right in their order, ``gap`` units apart, tops aligned;
``"grid"`` fills rows of ``columns`` views, left to right then top to bottom, each column as
wide as its widest view and each row as tall as its tallest, ``gap`` units between columns
and between rows. Each view has a title band of 22 units above its drawing; the legend of the
mark types used runs under the views, 18 units a row.

:meth:`ChartDefinition.render` draws the chart and its marks as SVG with svgwrite
(:func:`vesalius_sdk.rendering.render_chart`, or the chart's own ``renderer``). Shared body
outlines with named landmarks live in :mod:`vesalius_sdk.anatomy`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, Union

from pydantic import Field, model_validator

from ._base import Frozen, Label, NamespacedId, ShortId, unique

__all__ = ["ChartDefinition", "ChartMark", "ChartView", "Circle", "Decoration", "Ellipse",
           "MarkAttribute", "MarkType", "Path", "Placement", "Polygon", "Rect", "Region",
           "shape_bbox", "shape_centre"]

Number = float


class Circle(Frozen):
    """A circle of radius ``r`` centred on ``(cx, cy)``."""

    kind: Literal["circle"] = "circle"
    cx: Number
    cy: Number
    r: Number = Field(gt=0)


class Ellipse(Frozen):
    """An ellipse centred on ``(cx, cy)``, radii ``rx`` and ``ry`` before rotation."""

    kind: Literal["ellipse"] = "ellipse"
    cx: Number
    cy: Number
    rx: Number = Field(gt=0)
    ry: Number = Field(gt=0)
    #: Clockwise rotation in degrees about the centre (a forearm lying obliquely).
    rotate: Number = Field(default=0, ge=-360, le=360)


class Rect(Frozen):
    """A rectangle from its top left corner ``(x, y)``, corners rounded by ``rx``."""

    kind: Literal["rect"] = "rect"
    x: Number
    y: Number
    width: Number = Field(gt=0)
    height: Number = Field(gt=0)
    rx: Number = 0
    #: Clockwise rotation in degrees about the rectangle's centre.
    rotate: Number = Field(default=0, ge=-360, le=360)


class Polygon(Frozen):
    """A closed polygon through ``points``; marks go on the mean of its points."""

    kind: Literal["polygon"] = "polygon"
    points: tuple[tuple[Number, Number], ...] = Field(min_length=3)


class Path(Frozen):
    """An SVG path; give the region an ``anchor`` where marks are drawn."""

    kind: Literal["path"] = "path"
    d: str = Field(min_length=1)


Shape = Annotated[Union[Circle, Ellipse, Rect, Polygon, Path], Field(discriminator="kind")]


def shape_centre(shape: Shape) -> tuple[float, float] | None:
    """Where marks go on a shape; ``None`` for a path (it needs an explicit anchor)."""
    if isinstance(shape, Circle | Ellipse):
        return (shape.cx, shape.cy)
    if isinstance(shape, Rect):
        return (shape.x + shape.width / 2, shape.y + shape.height / 2)
    if isinstance(shape, Polygon):
        xs, ys = zip(*shape.points, strict=True)
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    return None


_PATH_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: Numbers each path command takes.
_PATH_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def _path_points(d: str) -> list[tuple[float, float]]:
    """End and control points of an SVG path (enough for its bounding box)."""
    points: list[tuple[float, float]] = []
    x = y = sx = sy = 0.0
    command = "M"
    args: list[float] = []
    for token in [*_PATH_TOKEN.findall(d), "Z"]:
        if token.isalpha():
            command, args = token, []
            if command in "Zz":
                x, y = sx, sy
            continue
        args.append(float(token))
        low = command.lower()
        if len(args) < _PATH_ARITY[low]:
            continue
        rel = command.islower()
        if low == "h":
            x = args[0] + (x if rel else 0)
        elif low == "v":
            y = args[0] + (y if rel else 0)
        elif low == "a":
            x, y = args[5] + (x if rel else 0), args[6] + (y if rel else 0)
        else:
            base_x, base_y = (x, y) if rel else (0.0, 0.0)
            pairs = [(base_x + args[i], base_y + args[i + 1]) for i in range(0, len(args), 2)]
            points.extend(pairs[:-1])
            x, y = pairs[-1]
        points.append((x, y))
        if low == "m":
            sx, sy = x, y
            command = "l" if rel else "L"  # further pairs after a move are lines
        args = []
    return points


def _rotated(points: list[tuple[float, float]], degrees: float,
             centre: tuple[float, float]) -> list[tuple[float, float]]:
    if not degrees:
        return points
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    ox, oy = centre
    return [(ox + (x - ox) * c - (y - oy) * s, oy + (x - ox) * s + (y - oy) * c)
            for x, y in points]


def shape_bbox(shape: Shape) -> tuple[float, float, float, float]:
    """``(x_min, y_min, x_max, y_max)`` of a shape as drawn (rotation included).

    A path's box is that of its end and control points: never smaller than the drawing.
    """
    if isinstance(shape, Circle):
        return (shape.cx - shape.r, shape.cy - shape.r, shape.cx + shape.r, shape.cy + shape.r)
    if isinstance(shape, Ellipse):
        a = math.radians(shape.rotate)
        hw = math.hypot(shape.rx * math.cos(a), shape.ry * math.sin(a))
        hh = math.hypot(shape.rx * math.sin(a), shape.ry * math.cos(a))
        return (shape.cx - hw, shape.cy - hh, shape.cx + hw, shape.cy + hh)
    if isinstance(shape, Rect):
        corners = [(shape.x, shape.y), (shape.x + shape.width, shape.y),
                   (shape.x + shape.width, shape.y + shape.height),
                   (shape.x, shape.y + shape.height)]
        points = _rotated(corners, shape.rotate, shape_centre(shape))  # type: ignore[arg-type]
    elif isinstance(shape, Polygon):
        points = list(shape.points)
    else:
        points = _path_points(shape.d) or [(0.0, 0.0)]
    xs, ys = zip(*points, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


Point = tuple[Number, Number]


class Placement(Frozen):
    """One drawing of a region in one view: its shape there and where its marks go.

    A region drawn in several views (a finger joint seen dorsally and palmarly, a vertebra
    on the spine and on the body) has one placement per extra view; see
    :attr:`Region.placements`.
    """

    view: ShortId
    shape: Shape
    #: Where marks are drawn; defaults to the shape's centre (required for a path).
    anchor: Point | None = None
    #: Where the values of shown attributes (:attr:`MarkAttribute.show`) are written;
    #: default: just right of the shape, level with the anchor.
    text_at: Point | None = None

    @model_validator(mode="after")
    def _anchor(self) -> Placement:
        if self.anchor is None and shape_centre(self.shape) is None:
            raise ValueError(f"a path shape in view {self.view!r} needs an anchor for its "
                             "marks")
        return self

    @property
    def centre(self) -> tuple[float, float]:
        """The point marks are drawn at."""
        return self.anchor or shape_centre(self.shape)  # type: ignore[return-value]


class Region(Frozen):
    """A clickable element of a chart, with an id that notes store.

    The id is unique across the chart (all views, aliases included) and never changes once
    notes store it. A region is drawn in ``view`` with ``shape`` (marks at ``anchor``, by
    default the shape's centre) and, when it is seen in other views too, once more per
    :class:`Placement` in ``placements``: still one region, one id, one set of marks, drawn
    in each of its views. ``Region(id=..., placements=(Placement(...), ...))`` without
    ``view``/``shape`` takes the first placement as the main drawing.

    ``group`` ties regions together for rules and display: the spinal region of a vertebra
    (``cervical``), the meridian of a point (``LU``), the foot of a nail; give a tuple when a
    region belongs to several (``("thumb", "cmc")``) and read them back with :attr:`groups`.
    ``aliases`` are other ids accepted on input (``UB60`` for ``BL60``).
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]
    label: Label
    view: ShortId
    shape: Shape
    side: Literal["left", "right", "midline"] | None = None
    group: str | tuple[str, ...] | None = None
    anchor: Point | None = None
    #: See :attr:`Placement.text_at` (for the main drawing).
    text_at: Point | None = None
    #: Drawings of this same region in other views.
    placements: tuple[Placement, ...] = ()
    aliases: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _main_from_placements(cls, data: Any) -> Any:
        if isinstance(data, dict) and "view" not in data and "shape" not in data:
            placements = list(data.get("placements") or ())
            if placements:
                first = placements[0]
                first = first.model_dump() if isinstance(first, Placement) else dict(first)
                data = {**data, "view": first["view"], "shape": first["shape"],
                        "anchor": first.get("anchor"), "text_at": first.get("text_at"),
                        "placements": tuple(placements[1:])}
        return data

    @model_validator(mode="after")
    def _anchor(self) -> Region:
        if self.anchor is None and shape_centre(self.shape) is None:
            raise ValueError(f"region {self.id!r}: a path shape needs an anchor for its marks")
        seen = [self.view]
        for placement in self.placements:
            if placement.view in seen:
                raise ValueError(f"region {self.id!r} is drawn twice in view "
                                 f"{placement.view!r}: one placement per view")
            seen.append(placement.view)
        if isinstance(self.group, tuple):
            unique(list(self.group), f"group of region {self.id!r}")
        return self

    @property
    def centre(self) -> tuple[float, float]:
        """The point marks are drawn at in the main view."""
        return self.anchor or shape_centre(self.shape)  # type: ignore[return-value]

    @property
    def groups(self) -> tuple[str, ...]:
        """Every group the region belongs to (``()`` for none)."""
        if self.group is None:
            return ()
        return (self.group,) if isinstance(self.group, str) else self.group

    @property
    def drawings(self) -> tuple[Placement, ...]:
        """Every drawing of the region, the main one first."""
        main = Placement(view=self.view, shape=self.shape, anchor=self.anchor,
                         text_at=self.text_at)
        return (main, *self.placements)

    @property
    def views(self) -> tuple[str, ...]:
        """The views the region is drawn in, the main one first."""
        return (self.view, *(p.view for p in self.placements))

    def drawing(self, view: str) -> Placement | None:
        """The region's drawing in ``view``, or ``None`` when it is not drawn there."""
        return next((d for d in self.drawings if d.view == view), None)


class Decoration(Frozen):
    """Non-clickable drawing on a view: the body outline, a meridian line, a label."""

    shape: Shape | None = None
    text: str | None = None
    at: tuple[Number, Number] | None = None
    role: Literal["outline", "line", "detail", "label"] = "outline"
    #: Stroke colour of a shape, or colour of a text; ``None`` uses the role's colour.
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None
    #: Font size of a text in chart units (default 9).
    font_size: Number | None = Field(default=None, gt=0, le=72)

    @model_validator(mode="after")
    def _what(self) -> Decoration:
        if (self.shape is None) == (self.text is None):
            raise ValueError("a decoration is either a shape or a text")
        if self.text is not None and self.at is None:
            raise ValueError("a text decoration needs 'at'")
        return self


class ChartView(Frozen):
    """One drawing of the chart (``anterior``, ``posterior``, ``plantar-left``, ...)."""

    id: ShortId
    title: Label
    width: Number = Field(gt=0)
    height: Number = Field(gt=0)
    decorations: tuple[Decoration, ...] = ()
    #: Fill colour of this view's regions; ``None`` draws them transparent over the
    #: decorations (a silhouette drawn as an outline decoration shows through).
    region_fill: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None


class MarkAttribute(Frozen):
    """A typed property of a mark: intensity 0-10, depth, listing, technique, grade."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Label
    kind: Literal["choice", "integer", "number", "text", "boolean"]
    options: tuple[str, ...] = ()
    minimum: Number | None = None
    maximum: Number | None = None
    required: bool = False
    #: Write the value on the chart next to the region (a chiropractic listing ``PRS`` beside
    #: its segment); other attributes show in the region's title and accessible name only.
    show: bool = False

    @model_validator(mode="after")
    def _options(self) -> MarkAttribute:
        if (self.kind == "choice") != bool(self.options):
            raise ValueError(f"attribute {self.id!r}: options go with kind 'choice' only")
        return self

    @property
    def short_label(self) -> str:
        """The label without its parenthesised hint (``Intensity (0-10)`` -> ``Intensity``)."""
        return re.sub(r"\s*\(.*?\)", "", self.label).strip() or self.label

    def describe(self, value: Any) -> str:
        """The value in words for a screen reader or a title: ``intensity 6/10``, ``deep``."""
        name = self.short_label.lower()
        if self.kind == "boolean":
            return name if value is True else f"not {name}"
        if self.kind in ("integer", "number") and self.maximum is not None:
            return f"{name} {value:g}/{self.maximum:g}" if isinstance(value, int | float) \
                else f"{name} {value}"
        return f"{name} {value}"

    def check(self, value: Any) -> str | None:
        """The problem with ``value`` for this attribute, or ``None``."""
        if self.kind == "choice":
            return None if value in self.options else f"must be one of {', '.join(self.options)}"
        if self.kind == "boolean":
            return None if isinstance(value, bool) else "must be true or false"
        if self.kind == "text":
            return None if isinstance(value, str) and len(value) <= 200 else "must be a short text"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if self.kind == "integer" and not float(value).is_integer():
            return "must be a whole number"
        if self.minimum is not None and value < self.minimum:
            return f"must be at least {self.minimum:g}"
        if self.maximum is not None and value > self.maximum:
            return f"must be at most {self.maximum:g}"
        return None


class MarkType(Frozen):
    """One kind of mark in a chart's vocabulary (``sharp``, ``subluxation``, ``needled``)."""

    id: ShortId
    label: Label
    symbol: Literal["dot", "ring", "cross", "square", "triangle", "diamond", "fill", "letter"] = (
        "dot"
    )
    #: One to three letters drawn in the symbol and in the legend.
    abbreviation: Annotated[str, Field(min_length=1, max_length=3)]
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#c0392b"
    attributes: tuple[MarkAttribute, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> MarkType:
        unique([a.id for a in self.attributes], f"attribute of mark {self.id!r}")
        return self


class ChartMark(Frozen):
    """A mark as a note stores it: which region, which mark type, its attributes."""

    region: Annotated[str, Field(min_length=1, max_length=64)]
    type: Annotated[str, Field(min_length=1, max_length=64)]
    attributes: Mapping[str, str | int | float | bool] = Field(default_factory=dict)
    note: Annotated[str, Field(max_length=500)] | None = None


#: ``validator(chart, mark) -> problem or None``: a pack's own check of one mark
#: (a chiropractic listing against its segment, say). Called after the generic checks.
MarkValidator = Callable[["ChartDefinition", ChartMark], str | None]
#: ``renderer(chart, marks, views) -> svg``: replaces the SDK's drawing.
Renderer = Callable[["ChartDefinition", Sequence[ChartMark], Sequence[str] | None], str]


class ChartDefinition(Frozen):
    """A chart contributed by a pack; ``id`` is namespaced (``chiro.spine``).

    Region ids (and aliases) are unique across the chart, whatever their view: a region
    seen in two views is one region with two placements. ``layout``, ``columns`` and ``gap``
    arrange the views (module docs); ``mark_size`` is the radius of a mark's symbol in chart
    units (6.5 by default; small point charts want less, a big body chart more). Regions
    smaller than a mark get a hit area of the mark's size around their anchor, so that a tiny
    point stays as easy to click as its mark is to see.
    """

    id: NamespacedId
    title: Label
    views: tuple[ChartView, ...] = Field(min_length=1)
    regions: tuple[Region, ...] = Field(min_length=1)
    mark_types: tuple[MarkType, ...] = Field(min_length=1)
    description: str | None = None
    #: Radius of a mark's symbol, in chart units.
    mark_size: Number = Field(default=6.5, ge=2, le=30)
    #: ``"row"``: views side by side; ``"grid"``: rows of ``columns`` views.
    layout: Literal["row", "grid"] = "row"
    #: Views per row of a ``"grid"`` layout.
    columns: int | None = Field(default=None, ge=1, le=12)
    #: Space between views (and between rows of a grid), in chart units.
    gap: Number = Field(default=24, ge=0, le=200)
    validator: MarkValidator | None = Field(default=None, exclude=True)
    renderer: Renderer | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> ChartDefinition:
        unique([v.id for v in self.views], f"view of chart {self.id!r}")
        ids = [r.id for r in self.regions]
        unique(ids + [a for r in self.regions for a in r.aliases], f"region of chart {self.id!r}")
        unique([m.id for m in self.mark_types], f"mark type of chart {self.id!r}")
        views = {v.id for v in self.views}
        for region in self.regions:
            for view in region.views:
                if view not in views:
                    raise ValueError(f"region {region.id!r} is drawn in unknown view {view!r}")
        if self.layout == "grid" and self.columns is None:
            raise ValueError(f"chart {self.id!r}: a grid layout needs 'columns'")
        if self.layout == "row" and self.columns is not None:
            raise ValueError(f"chart {self.id!r}: 'columns' goes with layout 'grid'")
        return self

    def regions_in(self, view: str) -> tuple[tuple[Region, Placement], ...]:
        """``(region, its drawing)`` for every region drawn in ``view``, in chart order."""
        return self._by_view.get(view, ())

    def _memo(self, name: str, build: Callable[[], Any]) -> Any:
        """A value derived from this frozen chart, computed once. Stored with the object's
        identity: ``model_copy`` copies ``__dict__``, and a copy with other regions must not
        reuse its original's index or drawing."""
        entry = self.__dict__.get(name)
        if entry is None or entry[0] != id(self):
            entry = (id(self), build())
            self.__dict__[name] = entry
        return entry[1]

    @property
    def _by_view(self) -> dict[str, tuple[tuple[Region, Placement], ...]]:
        def build() -> dict[str, tuple[tuple[Region, Placement], ...]]:
            out: dict[str, list[tuple[Region, Placement]]] = {v.id: [] for v in self.views}
            for region in self.regions:
                for drawing in region.drawings:
                    out[drawing.view].append((region, drawing))
            return {k: tuple(v) for k, v in out.items()}

        return self._memo("_memo_by_view", build)

    @property
    def neighbour_index(self) -> dict[tuple[str, str], dict[str, str]]:
        """``(view, region id) -> {"up": id, ...}``: see
        :func:`vesalius_sdk.rendering.neighbours`."""
        from .rendering import neighbour_table

        return self._memo("_memo_neighbours", lambda: neighbour_table(self))

    @property
    def drawing_cache(self) -> dict[tuple[str, ...], str]:
        """SVG pieces that do not depend on marks (decorations, unmarked regions), kept by
        the renderer for this chart."""
        return self._memo("_memo_drawing", dict)

    @property
    def region_index(self) -> dict[str, Region]:
        """Regions by id and by alias, exact and case-insensitive (``ub40`` finds ``BL40``).

        A lower-cased key that two regions share is left out: it would be ambiguous.
        """
        return self._memo("_memo_regions", self._region_index)

    def _region_index(self) -> dict[str, Region]:
        index = {r.id: r for r in self.regions}
        index.update({a: r for r in self.regions for a in r.aliases})
        folded: dict[str, Region | None] = {}
        for key, region in index.items():
            low = key.lower()
            if low in folded and folded[low] is not region:
                folded[low] = None
            else:
                folded[low] = region
        for low, region in folded.items():
            if region is not None:
                index.setdefault(low, region)
        return index

    def resolve(self, region_id: str) -> Region | None:
        """The region for an id or alias in any letter case, or ``None``."""
        return self.region_index.get(region_id) or self.region_index.get(region_id.lower())

    def canonical(self, mark: ChartMark) -> ChartMark:
        """``mark`` with its region given by the region's own id (aliases resolved)."""
        region = self.resolve(mark.region)
        if region is None or region.id == mark.region:
            return mark
        return mark.model_copy(update={"region": region.id})

    @property
    def mark_index(self) -> dict[str, MarkType]:
        """Mark types by id."""
        return self._memo("_memo_marks", lambda: {m.id: m for m in self.mark_types})

    def region(self, region_id: str) -> Region:
        """The region with this id or alias; ``KeyError`` naming it when unknown."""
        region = self.resolve(region_id)
        if region is None:
            raise KeyError(f"chart {self.id!r} has no region {region_id!r}")
        return region

    def check_mark(self, mark: ChartMark) -> list[str]:
        """Every problem with one mark, as sentences naming the region or attribute."""
        problems: list[str] = []
        if self.resolve(mark.region) is None:
            problems.append(f"unknown region {mark.region!r} on chart {self.id!r}")
        kind = self.mark_index.get(mark.type)
        if kind is None:
            problems.append(f"unknown mark type {mark.type!r} on chart {self.id!r}")
            return problems
        declared = {a.id: a for a in kind.attributes}
        for name in mark.attributes:
            if name not in declared:
                problems.append(f"mark type {kind.id!r} has no attribute {name!r}")
        for attr in kind.attributes:
            if attr.id not in mark.attributes:
                if attr.required:
                    problems.append(f"{kind.id}: {attr.id} is required")
                continue
            problem = attr.check(mark.attributes[attr.id])
            if problem:
                problems.append(f"{kind.id}: {attr.id} {problem}")
        if not problems and self.validator is not None:
            problem = self.validator(self, self.canonical(mark))
            if problem:
                problems.append(problem)
        return problems

    def render(self, marks: Sequence[ChartMark] = (), views: Sequence[str] | None = None) -> str:
        """The chart with ``marks`` as an SVG document (all views, or the ones named)."""
        from .rendering import render_chart

        return (self.renderer or render_chart)(self, tuple(marks), views)
