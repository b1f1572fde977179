"""Charts practitioners click on: body, spine, meridian, foot.

A :class:`ChartDefinition` is drawn in one or more :class:`ChartView` s (anterior, posterior,
plantar, ...). Each clickable :class:`Region` (a body area, a vertebra, an acupuncture point,
a nail) has a stable id that notes store; each view may carry non-clickable
:class:`Decoration` s (the silhouette, a meridian line, a label). A chart declares its mark
vocabulary as :class:`MarkType` s, each with typed :class:`MarkAttribute` s (intensity,
depth, listing, technique, ...). A note stores the marks as :class:`ChartMark` objects.

:meth:`ChartDefinition.render` draws the chart and its marks as SVG with svgwrite
(:func:`vesalius_sdk.rendering.render_chart`, or the chart's own ``renderer``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, Literal, Union

from pydantic import Field, model_validator

from ._base import Frozen, Label, NamespacedId, ShortId, unique

Number = float


class Circle(Frozen):
    kind: Literal["circle"] = "circle"
    cx: Number
    cy: Number
    r: Number = Field(gt=0)


class Ellipse(Frozen):
    kind: Literal["ellipse"] = "ellipse"
    cx: Number
    cy: Number
    rx: Number = Field(gt=0)
    ry: Number = Field(gt=0)


class Rect(Frozen):
    kind: Literal["rect"] = "rect"
    x: Number
    y: Number
    width: Number = Field(gt=0)
    height: Number = Field(gt=0)
    rx: Number = 0


class Polygon(Frozen):
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


class Region(Frozen):
    """A clickable element of a chart, with an id that notes store.

    ``group`` ties regions together for rules and display: the spinal region of a
    vertebra (``cervical``), the meridian of a point (``LU``), the foot of a nail.
    ``aliases`` are other ids accepted on input (``UB60`` for ``BL60``).
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]
    label: Label
    view: ShortId
    shape: Shape
    side: Literal["left", "right", "midline"] | None = None
    group: str | None = None
    anchor: tuple[Number, Number] | None = None
    aliases: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _anchor(self) -> Region:
        if self.anchor is None and shape_centre(self.shape) is None:
            raise ValueError(f"region {self.id!r}: a path shape needs an anchor for its marks")
        return self

    @property
    def centre(self) -> tuple[float, float]:
        """The point marks are drawn at."""
        return self.anchor or shape_centre(self.shape)  # type: ignore[return-value]


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

    @model_validator(mode="after")
    def _options(self) -> MarkAttribute:
        if (self.kind == "choice") != bool(self.options):
            raise ValueError(f"attribute {self.id!r}: options go with kind 'choice' only")
        return self

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
    """A chart contributed by a pack; ``id`` is namespaced (``chiro.spine``)."""

    id: NamespacedId
    title: Label
    views: tuple[ChartView, ...] = Field(min_length=1)
    regions: tuple[Region, ...] = Field(min_length=1)
    mark_types: tuple[MarkType, ...] = Field(min_length=1)
    description: str | None = None
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
            if region.view not in views:
                raise ValueError(f"region {region.id!r} is drawn in unknown view {region.view!r}")
        return self

    @cached_property
    def region_index(self) -> dict[str, Region]:
        """Regions by id and by alias, exact and case-insensitive (``ub40`` finds ``BL40``).

        A lower-cased key that two regions share is left out: it would be ambiguous.
        """
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

    @cached_property
    def mark_index(self) -> dict[str, MarkType]:
        return {m.id: m for m in self.mark_types}

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
