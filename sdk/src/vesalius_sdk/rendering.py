"""SVG drawing of charts and their marks, and what the web editor needs to know about it.

The web editor and the printed note use the same drawing. The document is laid out as the
chart says (:attr:`ChartDefinition.layout`): each view a group ``<g class="view"
id="view-<view>">`` with its title and, 22 units lower, its drawing; under the views, a
legend of the mark types used.

Every drawing of a region is ONE element (its shape) carrying:

- ``class="region"`` (``"region marked"`` when it has marks) and ``data-region`` = the region
  id; ``id`` = the region id for its main drawing, ``<id>--<view>`` for its other views;
- ``tabindex="-1"`` and ``role="button"``: focusable for a roving tabindex (the editor sets
  the current region to ``0``) and activated like a button;
- ``aria-label`` (and a ``<title>``): the label and its marks in words, e.g.
  ``"Left low back: Aching, intensity 6/10; Numbness"`` (:func:`region_description`);
- ``data-neighbours``: JSON ``{"up": id, "down": id, "left": id, "right": id}`` of the
  nearest region centre in each direction within the same view (:func:`neighbours`), for
  arrow-key moves; directions with no region are left out.

A drawing smaller than a mark (:attr:`ChartDefinition.mark_size`) gets a transparent circle
of the mark's radius under it, ``class="hit"`` with the same ``data-region``, so that tiny
points stay hittable. Marks are drawn over each drawing's anchor (in every view the region is
drawn in), ``class="mark mark-<type>"``; values of attributes declared ``show`` are written
beside the region (``class="mark-text"``).

Chart units are the SVG's user units: at its natural size (:func:`chart_size`) one unit is
one CSS pixel. :func:`region_sizes` and :func:`small_regions` tell the editor which regions
are smaller than a touch target at a given scale, to offer zoom or a region list.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from .charts import Circle, Ellipse, Path, Polygon, Rect, Shape, shape_bbox

if TYPE_CHECKING:
    from .charts import ChartDefinition, ChartMark, ChartView, MarkType, Placement, Region

TITLE_HEIGHT = 22
LEGEND_ROW = 18
#: Default gap between views, in chart units (see :attr:`ChartDefinition.gap`).
GAP = 24
#: WCAG 2.5.8 minimum target size, in CSS pixels.
MIN_TARGET = 24.0

Directions = dict[str, str]

_DECORATION_STYLE = {
    "outline": {"fill": "#f4efe9", "stroke": "#8a7f74", "stroke-width": "1.2"},
    "line": {"fill": "none", "stroke": "#7f8c8d", "stroke-width": "1"},
    "detail": {"fill": "none", "stroke": "#b3a89c", "stroke-width": "0.8"},
    "label": {"fill": "none", "stroke": "none"},
}


def _n(value: float) -> str:
    return f"{round(value, 2):g}"


def _tag(name: str, attrs: dict[str, Any], children: str | None = None) -> str:
    parts = "".join(f" {k}={quoteattr(str(v))}" for k, v in attrs.items() if v is not None)
    if children is None:
        return f"<{name}{parts}/>"
    return f"<{name}{parts}>{children}</{name}>"


def _shape(shape: Shape, attrs: dict[str, Any], children: str | None = None) -> str:
    rotate = getattr(shape, "rotate", 0)
    if isinstance(shape, Circle):
        geometry = {"cx": _n(shape.cx), "cy": _n(shape.cy), "r": _n(shape.r)}
        name = "circle"
    elif isinstance(shape, Ellipse):
        geometry = {"cx": _n(shape.cx), "cy": _n(shape.cy), "rx": _n(shape.rx),
                    "ry": _n(shape.ry)}
        name = "ellipse"
        if rotate:
            geometry["transform"] = f"rotate({_n(rotate)} {_n(shape.cx)} {_n(shape.cy)})"
    elif isinstance(shape, Rect):
        geometry = {"x": _n(shape.x), "y": _n(shape.y), "width": _n(shape.width),
                    "height": _n(shape.height)}
        if shape.rx:
            geometry["rx"] = _n(shape.rx)
        if rotate:
            cx, cy = shape.x + shape.width / 2, shape.y + shape.height / 2
            geometry["transform"] = f"rotate({_n(rotate)} {_n(cx)} {_n(cy)})"
        name = "rect"
    elif isinstance(shape, Polygon):
        geometry = {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)}
        name = "polygon"
    else:
        assert isinstance(shape, Path)
        geometry = {"d": shape.d}
        name = "path"
    return _tag(name, {**geometry, **attrs}, children)


def _symbol(kind: MarkType, x: float, y: float, r: float, region: str | None = None,
            title: str | None = None) -> str:
    style = {"fill": kind.color, "stroke": "#222", "stroke-width": "0.8"}
    parts: list[str] = []
    if kind.symbol in ("dot", "letter", "fill"):
        parts.append(_tag("circle", {"cx": _n(x), "cy": _n(y), "r": _n(r), **style}))
    elif kind.symbol == "ring":
        parts.append(_tag("circle", {"cx": _n(x), "cy": _n(y), "r": _n(r), "fill": "white",
                                     "stroke": kind.color, "stroke-width": "2.5"}))
    elif kind.symbol == "square":
        parts.append(_tag("rect", {"x": _n(x - r), "y": _n(y - r), "width": _n(2 * r),
                                   "height": _n(2 * r), **style}))
    elif kind.symbol == "diamond":
        points = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        parts.append(_tag("polygon", {"points": " ".join(f"{_n(a)},{_n(b)}" for a, b in points),
                                      **style}))
    elif kind.symbol == "triangle":
        points = [(x, y - r), (x + r, y + r), (x - r, y + r)]
        parts.append(_tag("polygon", {"points": " ".join(f"{_n(a)},{_n(b)}" for a, b in points),
                                      **style}))
    else:  # cross
        for d in (-1, 1):
            parts.append(_tag("line", {"x1": _n(x - r), "y1": _n(y - d * r), "x2": _n(x + r),
                                       "y2": _n(y + d * r), "stroke": kind.color,
                                       "stroke-width": "2.5"}))
    if kind.symbol != "cross":
        size = r * (1.1 if len(kind.abbreviation) < 3 else 0.8)
        parts.append(_tag("text", {"x": _n(x), "y": _n(y + r * 0.4), "text-anchor": "middle",
                                   "font-size": f"{size:.1f}px", "font-family": "sans-serif",
                                   "fill": "white" if kind.symbol != "ring" else kind.color},
                          escape(kind.abbreviation)))
    if title:
        parts.append(_tag("title", {}, escape(title)))
    return _tag("g", {"class": f"mark mark-{kind.id}", "data-region": region}, "".join(parts))


# --- layout --------------------------------------------------------------------------------

def _shown(chart: ChartDefinition, views: Sequence[str] | None) -> list[ChartView]:
    shown = [v for v in chart.views if views is None or v.id in views]
    if not shown:
        raise KeyError(f"chart {chart.id!r} has none of the views {list(views or [])!r}")
    return shown


def _layout(chart: ChartDefinition, shown: Sequence[ChartView]
            ) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Top-left corner of each view's band (title included) and the size of all views."""
    columns = min(chart.columns or len(shown), len(shown))
    rows = [shown[i:i + columns] for i in range(0, len(shown), columns)]
    widths = [max(row[c].width for row in rows if c < len(row)) for c in range(columns)]
    heights = [max(v.height for v in row) + TITLE_HEIGHT for row in rows]
    corners: dict[str, tuple[float, float]] = {}
    y = 0.0
    for row, height in zip(rows, heights, strict=True):
        x = 0.0
        for c, view in enumerate(row):
            corners[view.id] = (x, y)
            x += widths[c] + chart.gap
        y += height + chart.gap
    width = sum(widths) + chart.gap * (columns - 1)
    return corners, width, y - chart.gap


def chart_size(chart: ChartDefinition, views: Sequence[str] | None = None) -> tuple[float, float]:
    """Width and height of the drawn views (titles included, legend not), in chart units:
    the CSS pixel size of the SVG at its natural size, before the legend rows."""
    _, width, height = _layout(chart, _shown(chart, views))
    return width, height


# --- geometry the editor asks about -----------------------------------------------------------

def neighbour_table(chart: ChartDefinition) -> dict[tuple[str, str], Directions]:
    """``(view, region id) -> {"up": id, ...}`` for every drawing of every region.

    A direction's neighbour is the region whose anchor lies in that direction's quarter
    (within 45 degrees of straight up, down, left or right) in the same view, the one with
    the least ``distance along + 2 x distance across``: straight neighbours beat diagonal
    ones. Computed once per chart (:attr:`ChartDefinition.neighbour_index` caches it).
    """
    table: dict[tuple[str, str], Directions] = {}
    for view in chart.views:
        drawn = [(r.id, d.centre) for r, d in chart.regions_in(view.id)]
        for rid, (x, y) in drawn:
            best: dict[str, tuple[float, str]] = {}
            for other, (ox, oy) in drawn:
                if other == rid:
                    continue
                dx, dy = ox - x, oy - y
                if abs(dx) >= abs(dy):
                    if dx == 0:
                        continue
                    direction, along, across = ("right" if dx > 0 else "left"), abs(dx), abs(dy)
                else:
                    direction, along, across = ("down" if dy > 0 else "up"), abs(dy), abs(dx)
                score = along + 2 * across
                if direction not in best or score < best[direction][0]:
                    best[direction] = (score, other)
            table[(view.id, rid)] = {d: best[d][1] for d in ("up", "down", "left", "right")
                                     if d in best}
    return table


def neighbours(chart: ChartDefinition, region_id: str, view: str | None = None
               ) -> dict[str, str | None]:
    """The regions an arrow key moves to from ``region_id`` (an id or alias) in ``view``
    (default: the region's main view): ``{"up": id or None, "down": ..., "left": ...,
    "right": ...}``. ``KeyError`` for an unknown region or a view it is not drawn in."""
    region = chart.region(region_id)
    view = view or region.view
    if view not in region.views:
        raise KeyError(f"region {region.id!r} is not drawn in view {view!r}")
    found = chart.neighbour_index[(view, region.id)]
    return {d: found.get(d) for d in ("up", "down", "left", "right")}


def _hit_radius(chart: ChartDefinition, drawing: Placement) -> float | None:
    """The radius of the hit circle a drawing smaller than a mark gets, or ``None``."""
    x0, y0, x1, y1 = shape_bbox(drawing.shape)
    return chart.mark_size if min(x1 - x0, y1 - y0) < 2 * chart.mark_size else None


def region_sizes(chart: ChartDefinition, scale: float = 1.0
                 ) -> dict[str, dict[str, tuple[float, float]]]:
    """``{region id: {view: (width, height)}}``: each drawing's target size in CSS pixels
    when the chart is shown at ``scale`` CSS pixels per chart unit (the shape's box, at least
    the hit circle of a tiny region). The editor computes ``scale`` as its drawn width over
    :func:`chart_size`'s width."""
    sizes: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for region in chart.regions:
        for drawing in region.drawings:
            x0, y0, x1, y1 = shape_bbox(drawing.shape)
            hit = 2 * (_hit_radius(chart, drawing) or 0)
            sizes[region.id][drawing.view] = (round(max(x1 - x0, hit) * scale, 2),
                                              round(max(y1 - y0, hit) * scale, 2))
    return dict(sizes)


def small_regions(chart: ChartDefinition, scale: float = 1.0, minimum: float = MIN_TARGET
                  ) -> tuple[str, ...]:
    """Ids of the regions with a drawing narrower or lower than ``minimum`` CSS pixels at
    ``scale`` (WCAG 2.5.8 asks 24): the ones the editor must offer zoom or a list for."""
    return tuple(rid for rid, views in region_sizes(chart, scale).items()
                 if any(min(w, h) < minimum for w, h in views.values()))


# --- words ----------------------------------------------------------------------------------

def mark_description(chart: ChartDefinition, mark: ChartMark) -> str:
    """A mark in words: its type's label and its attributes (``Aching, intensity 6/10``)."""
    kind = chart.mark_index[mark.type]
    declared = {a.id: a for a in kind.attributes}
    details = [declared[k].describe(v) if k in declared else f"{k} {v}"
               for k, v in mark.attributes.items()]
    words = ", ".join([kind.label, *details])
    return f"{words} ({mark.note})" if mark.note else words


def region_description(chart: ChartDefinition, region: Region,
                       marks: Sequence[ChartMark] = ()) -> str:
    """A region's accessible name: its label, then its marks in words, ``; `` between them
    (``Left low back: Aching, intensity 6/10; Numbness``)."""
    if not marks:
        return region.label
    return f"{region.label}: " + "; ".join(mark_description(chart, m) for m in marks)


# --- drawing ----------------------------------------------------------------------------------

def _decorations(view: ChartView) -> str:
    parts = []
    for deco in view.decorations:
        if deco.shape is not None:
            style = dict(_DECORATION_STYLE[deco.role])
            if deco.color:
                style["stroke"] = deco.color
            parts.append(_shape(deco.shape, {"class": f"decoration {deco.role}", **style}))
        else:
            assert deco.at is not None and deco.text is not None
            parts.append(_tag("text", {"x": _n(deco.at[0]), "y": _n(deco.at[1]),
                                       "class": "decoration label",
                                       "font-size": f"{deco.font_size or 9:g}px",
                                       "font-family": "sans-serif",
                                       "fill": deco.color or "#555"}, escape(deco.text)))
    return "".join(parts)


def _shown_values(chart: ChartDefinition, marks: Sequence[ChartMark]) -> str:
    values: list[str] = []
    for mark in marks:
        for attr in chart.mark_index[mark.type].attributes:
            value = mark.attributes.get(attr.id)
            if attr.show and value not in (None, "") and str(value) not in values:
                values.append(str(value))
    return " ".join(values)


def _region(chart: ChartDefinition, view: ChartView, region: Region, drawing: Placement,
            marks: Sequence[ChartMark]) -> str:
    """One drawing of a region, its hit area, its marks and its shown values."""
    main = drawing.view == region.view
    label = region_description(chart, region, marks)
    attrs: dict[str, Any] = {
        "id": region.id if main else f"{region.id}--{drawing.view}",
        "class": "region marked" if marks else "region",
        "data-region": region.id,
        "data-label": region.label,
        "tabindex": "-1",
        "role": "button",
        "aria-label": label,
        "data-neighbours": json.dumps(chart.neighbour_index[(view.id, region.id)],
                                      separators=(",", ":")),
        "fill": view.region_fill or "#ffffff",
        "fill-opacity": "1" if view.region_fill else "0.01",
        "stroke": "#9b8f83",
        "stroke-width": "0.7",
    }
    if marks:
        attrs["fill"] = chart.mark_index[marks[0].type].color
        attrs["fill-opacity"] = "0.25"
    cx, cy = drawing.centre
    parts = []
    hit = _hit_radius(chart, drawing)
    if hit:
        parts.append(_tag("circle", {"cx": _n(cx), "cy": _n(cy), "r": _n(hit), "class": "hit",
                                     "data-region": region.id, "fill": "#ffffff",
                                     "fill-opacity": "0", "pointer-events": "all",
                                     "aria-hidden": "true"}))
    parts.append(_shape(drawing.shape, attrs, _tag("title", {}, escape(label))))
    return "".join(parts)


def _marks(chart: ChartDefinition, region: Region, drawing: Placement,
           marks: Sequence[ChartMark]) -> str:
    r = chart.mark_size
    cx, cy = drawing.centre
    parts = []
    for i, mark in enumerate(marks):
        kind = chart.mark_index[mark.type]
        offset = (i - (len(marks) - 1) / 2) * (r * 2.2)
        parts.append(_symbol(kind, cx + offset, cy, r, region.id,
                             f"{region.label}: {mark_description(chart, mark)}"))
    shown = _shown_values(chart, marks)
    if shown:
        if drawing.text_at is not None:
            x, y = drawing.text_at
        else:
            x, y = shape_bbox(drawing.shape)[2] + 3, cy + r * 0.5
        parts.append(_tag("text", {"x": _n(x), "y": _n(y), "class": "mark-text",
                                   "data-region": region.id,
                                   "font-size": f"{max(8.0, r * 1.5):.1f}px",
                                   "font-family": "sans-serif", "font-weight": "bold",
                                   "fill": chart.mark_index[marks[0].type].color,
                                   "stroke": "#ffffff", "stroke-width": "2.5",
                                   "paint-order": "stroke"}, escape(shown)))
    return "".join(parts)


def render_chart(
    chart: ChartDefinition,
    marks: Sequence[ChartMark] = (),
    views: Sequence[str] | None = None,
) -> str:
    """Draw ``chart`` with ``marks`` as a standalone SVG document (markup: module docs).

    Marks on unknown regions or of unknown types are skipped (documents are validated before
    they are drawn; a chart drawn for an old note must not fail).
    """
    shown = _shown(chart, views)
    corners, width, views_height = _layout(chart, shown)
    used_types = [m for m in chart.mark_types if any(mk.type == m.id for mk in marks)]
    height = views_height + LEGEND_ROW * len(used_types)

    by_region: dict[str, list[ChartMark]] = defaultdict(list)
    for mark in marks:
        region = chart.resolve(mark.region)
        if region is not None and mark.type in chart.mark_index:
            by_region[region.id].append(mark)

    cache = chart.drawing_cache
    out: list[str] = []
    for view in shown:
        x0, y0 = corners[view.id]
        key = ("view", view.id)
        if key not in cache:
            cache[key] = _decorations(view)
        regions, overlay = [], []
        for region, drawing in chart.regions_in(view.id):
            region_marks = by_region.get(region.id, ())
            if region_marks:
                regions.append(_region(chart, view, region, drawing, region_marks))
                overlay.append(_marks(chart, region, drawing, region_marks))
            else:
                rkey = ("region", view.id, region.id)
                if rkey not in cache:
                    cache[rkey] = _region(chart, view, region, drawing, ())
                regions.append(cache[rkey])
        title = _tag("text", {"x": _n(view.width / 2), "y": "15", "text-anchor": "middle",
                              "font-size": "13px", "font-family": "sans-serif",
                              "fill": "#333"}, escape(view.title))
        body = _tag("g", {"transform": f"translate(0,{TITLE_HEIGHT})"},
                    cache[key] + "".join(regions)
                    + _tag("g", {"class": "marks"}, "".join(overlay)))
        out.append(_tag("g", {"id": f"view-{view.id}", "class": "view",
                              "transform": f"translate({_n(x0)},{_n(y0)})"}, title + body))

    legend = []
    for i, kind in enumerate(used_types):
        y = views_height + LEGEND_ROW * i + LEGEND_ROW / 2
        legend.append(_symbol(kind, 10, y, 6))
        legend.append(_tag("text", {"x": "22", "y": _n(y + 4), "font-size": "11px",
                                    "font-family": "sans-serif", "fill": "#333"},
                           escape(kind.label)))
    out.append(_tag("g", {"class": "legend"}, "".join(legend)))
    return _tag("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "version": "1.1",
        "width": _n(width), "height": _n(height), "viewBox": f"0 0 {_n(width)} {_n(height)}",
        "class": "vesalius-chart", "data-chart": chart.id, "role": "group",
        "aria-label": chart.title,
    }, "".join(out))
