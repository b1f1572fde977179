"""``vesalius charts``: list charts and render them as SVG."""

from __future__ import annotations

import json
from pathlib import Path

import click
from pydantic import TypeAdapter, ValidationError
from vesalius_sdk import ChartMark

from ..plugins import get_registry
from .output import emit_json, emit_table, fail


@click.group("charts")
def command() -> None:
    """Clickable charts (body, spine, meridian, foot)."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_charts(as_json: bool) -> None:
    """List the registered charts."""
    registry = get_registry()
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "pack": registry.owner("chart", c.id),
            "views": [v.id for v in c.views],
            "regions": len(c.regions),
            "mark_types": [m.id for m in c.mark_types],
        }
        for c in sorted(registry.charts.values(), key=lambda c: c.id)
    ]
    if as_json:
        emit_json(rows)
        return
    emit_table(("ID", "PACK", "VIEWS", "REGIONS", "TITLE"),
               [(r["id"], r["pack"], ",".join(r["views"]), r["regions"], r["title"])
                for r in rows])


@command.command("render")
@click.argument("chart_id")
@click.option("--marks", "marks_json", default="[]", metavar="JSON",
              help='Marks to draw: [{"region": ..., "type": ..., "attributes": {...}}].')
@click.option("--view", "views", multiple=True, help="Only these views (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the SVG here instead of standard output.")
def render(chart_id: str, marks_json: str, views: tuple[str, ...], output: Path | None) -> None:
    """Render CHART_ID with its marks as SVG."""
    chart = get_registry().charts.get(chart_id)
    if chart is None:
        fail(f"unknown chart {chart_id!r} (see 'vesalius charts list')")
    try:
        marks = TypeAdapter(list[ChartMark]).validate_python(json.loads(marks_json))
    except (json.JSONDecodeError, ValidationError) as exc:
        fail(f"--marks is not a list of marks: {exc}")
    problems = [f"mark {i + 1}: {p}" for i, m in enumerate(marks) for p in chart.check_mark(m)]
    if problems:
        fail("; ".join(problems))
    known = {v.id for v in chart.views}
    if unknown := [v for v in views if v not in known]:
        fail(f"chart {chart_id!r} has no view {unknown[0]!r} (views: {', '.join(sorted(known))})")
    svg = chart.render(marks, views or None)
    if output:
        output.write_text(svg, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(svg)
