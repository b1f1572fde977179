"""SVG drawing of charts and their marks, with svgwrite.

The web editor and the printed note use the same drawing: views side by side, each region an
element whose ``id`` is the region id (``data-region`` too, ``class="region"``), marks drawn
over the region's centre, and a legend of the mark types used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import svgwrite

from .charts import Circle, Ellipse, Path, Polygon, Rect, Shape

if TYPE_CHECKING:
    from .charts import ChartDefinition, ChartMark, MarkType

GAP = 24
TITLE_HEIGHT = 22
LEGEND_ROW = 18
MARK_RADIUS = 6.5


def _shape(dwg: svgwrite.Drawing, shape: Shape, **extra: object) -> svgwrite.base.BaseElement:
    if isinstance(shape, Circle):
        return dwg.circle(center=(shape.cx, shape.cy), r=shape.r, **extra)
    if isinstance(shape, Ellipse):
        return dwg.ellipse(center=(shape.cx, shape.cy), r=(shape.rx, shape.ry), **extra)
    if isinstance(shape, Rect):
        rx = {"rx": shape.rx} if shape.rx else {}
        return dwg.rect(insert=(shape.x, shape.y), size=(shape.width, shape.height), **rx, **extra)
    if isinstance(shape, Polygon):
        return dwg.polygon(points=list(shape.points), **extra)
    assert isinstance(shape, Path)
    return dwg.path(d=shape.d, **extra)


def _symbol(dwg: svgwrite.Drawing, kind: MarkType, x: float, y: float, r: float):
    group = dwg.g(class_=f"mark mark-{kind.id}")
    style = {"fill": kind.color, "stroke": "#222", "stroke_width": 0.8}
    if kind.symbol in ("dot", "letter", "fill"):
        group.add(dwg.circle(center=(x, y), r=r, **style))
    elif kind.symbol == "ring":
        group.add(dwg.circle(center=(x, y), r=r, fill="white", stroke=kind.color, stroke_width=2.5))
    elif kind.symbol == "square":
        group.add(dwg.rect(insert=(x - r, y - r), size=(2 * r, 2 * r), **style))
    elif kind.symbol == "diamond":
        group.add(dwg.polygon(points=[(x, y - r), (x + r, y), (x, y + r), (x - r, y)], **style))
    elif kind.symbol == "triangle":
        group.add(dwg.polygon(points=[(x, y - r), (x + r, y + r), (x - r, y + r)], **style))
    else:  # cross
        for dx in (-1, 1):
            group.add(
                dwg.line(start=(x - r, y - dx * r), end=(x + r, y + dx * r),
                         stroke=kind.color, stroke_width=2.5)
            )
    if kind.symbol != "cross":
        group.add(
            dwg.text(kind.abbreviation, insert=(x, y + r * 0.4), text_anchor="middle",
                     font_size=f"{r * (1.1 if len(kind.abbreviation) < 3 else 0.8):.1f}px",
                     font_family="sans-serif",
                     fill="white" if kind.symbol != "ring" else kind.color)
        )
    return group


def _mark_title(kind: MarkType, mark: ChartMark, region_label: str) -> str:
    details = ", ".join(f"{k} {v}" for k, v in mark.attributes.items())
    return f"{kind.label} at {region_label}" + (f" ({details})" if details else "")


def render_chart(
    chart: ChartDefinition,
    marks: Sequence[ChartMark] = (),
    views: Sequence[str] | None = None,
) -> str:
    """Draw ``chart`` with ``marks`` as a standalone SVG document.

    Marks on unknown regions or of unknown types are skipped (documents are validated before
    they are drawn; a chart drawn for an old note must not fail).
    """
    shown = [v for v in chart.views if views is None or v.id in views]
    if not shown:
        raise KeyError(f"chart {chart.id!r} has none of the views {list(views or [])!r}")
    used_types = [m for m in chart.mark_types if any(mk.type == m.id for mk in marks)]
    width = sum(v.width for v in shown) + GAP * (len(shown) - 1)
    height = max(v.height for v in shown) + TITLE_HEIGHT + LEGEND_ROW * len(used_types)
    dwg = svgwrite.Drawing(size=(f"{width:g}", f"{height:g}"), profile="full", debug=False)
    dwg.viewbox(0, 0, width, height)
    dwg.attribs["class"] = "vesalius-chart"
    dwg.attribs["data-chart"] = chart.id
    dwg.attribs["role"] = "img"
    dwg.attribs["aria-label"] = chart.title

    by_region: dict[str, list[ChartMark]] = defaultdict(list)
    for mark in marks:
        region = chart.resolve(mark.region)
        if region is not None and mark.type in chart.mark_index:
            by_region[region.id].append(mark)

    x0 = 0.0
    for view in shown:
        group = dwg.g(id=f"view-{view.id}", class_="view", transform=f"translate({x0:g},0)")
        group.add(dwg.text(view.title, insert=(view.width / 2, 15), text_anchor="middle",
                           font_size="13px", font_family="sans-serif", fill="#333"))
        body = dwg.g(transform=f"translate(0,{TITLE_HEIGHT})")
        for deco in view.decorations:
            if deco.shape is not None:
                style = {
                    "outline": {"fill": "#f4efe9", "stroke": "#8a7f74", "stroke_width": 1.2},
                    "line": {"fill": "none", "stroke": "#7f8c8d", "stroke_width": 1},
                    "detail": {"fill": "none", "stroke": "#b3a89c", "stroke_width": 0.8},
                    "label": {"fill": "none", "stroke": "none"},
                }[deco.role]
                if deco.color:
                    style = {**style, "stroke": deco.color}
                body.add(_shape(dwg, deco.shape, class_=f"decoration {deco.role}", **style))
            else:
                body.add(dwg.text(deco.text, insert=deco.at, class_="decoration label",
                                  font_size=f"{deco.font_size or 9:g}px",
                                  font_family="sans-serif", fill=deco.color or "#555"))
        overlay = dwg.g(class_="marks")
        for region in (r for r in chart.regions if r.view == view.id):
            element = _shape(dwg, region.shape, id=region.id, class_="region",
                             fill=view.region_fill or "#ffffff",
                             fill_opacity=1 if view.region_fill else 0.01,
                             stroke="#9b8f83", stroke_width=0.7)
            element.attribs["data-region"] = region.id
            element.attribs["data-label"] = region.label
            element.set_desc(title=region.label)
            region_marks = by_region.get(region.id, [])
            if region_marks:
                element.attribs["class"] = "region marked"
                element.attribs["fill"] = chart.mark_index[region_marks[0].type].color
                element.attribs["fill-opacity"] = 0.25
            body.add(element)
            cx, cy = region.centre
            for i, mark in enumerate(region_marks):
                kind = chart.mark_index[mark.type]
                offset = (i - (len(region_marks) - 1) / 2) * (MARK_RADIUS * 2.2)
                symbol = _symbol(dwg, kind, cx + offset, cy, MARK_RADIUS)
                symbol.attribs["data-region"] = region.id
                symbol.set_desc(title=_mark_title(kind, mark, region.label))
                overlay.add(symbol)
        body.add(overlay)
        group.add(body)
        dwg.add(group)
        x0 += view.width + GAP

    legend_y = max(v.height for v in shown) + TITLE_HEIGHT
    legend = dwg.g(class_="legend")
    for i, kind in enumerate(used_types):
        y = legend_y + LEGEND_ROW * i + LEGEND_ROW / 2
        legend.add(_symbol(dwg, kind, 10, y, 6))
        legend.add(dwg.text(kind.label, insert=(22, y + 4), font_size="11px",
                            font_family="sans-serif", fill="#333"))
    dwg.add(legend)
    return dwg.tostring()
