"""The signed snapshot of a note: HTML drawn from the template and the document once, at
signing, and stored, so the note stays readable after its pack is upgraded or removed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup, escape
from vesalius_sdk import (
    BooleanField,
    ChartField,
    ChartMark,
    ChoiceField,
    CodesField,
    MeasureField,
    MultiChoiceField,
    NoteProblem,
    NoteTemplate,
    NumberField,
    OutcomeMeasure,
    ProceduresField,
    RegionColumn,
    ScaleField,
    Score,
    TableField,
)

from ..plugins import Registry
from .subscales import subscale_values


def _text(value: Any) -> Markup:
    return Markup("<br>").join(escape(str(value)).split("\n"))


def _options(field: ChoiceField | MultiChoiceField) -> dict[str, str]:
    return {o.value: o.label for o in field.options}


def _value(field: Any, value: Any, registry: Registry, scores: Mapping[str, Score]) -> Markup:
    if isinstance(field, BooleanField):
        return Markup("Yes" if value else "No")
    if isinstance(field, NumberField):
        return escape(f"{value:g}" if isinstance(value, float) else str(value)) + (
            escape(f" {field.unit}") if field.unit else Markup(""))
    if isinstance(field, ChoiceField):
        return escape(_options(field).get(value, str(value)))
    if isinstance(field, MultiChoiceField):
        labels = _options(field)
        return escape(", ".join(labels.get(v, str(v)) for v in value))
    if isinstance(field, ScaleField):
        return escape(f"{value} / {field.maximum}")
    if isinstance(field, CodesField):
        return escape(", ".join(value))
    if isinstance(field, RegionColumn):
        return escape(_region_label(registry.charts.get(field.chart), value))
    if isinstance(field, TableField):
        return _table(field, value, registry, scores)
    if isinstance(field, ChartField):
        chart = registry.charts.get(field.chart)
        marks = [ChartMark.model_validate(m) for m in value]
        listing = "".join(
            f"<li>{escape(m.type)} at {escape(_region_label(chart, m.region))}"
            + (f" ({escape(', '.join(f'{k} {v}' for k, v in m.attributes.items()))})"
               if m.attributes else "") + "</li>"
            for m in marks)
        svg = Markup(chart.render(marks)) if chart is not None else Markup("")
        return Markup(f'<div class="note-chart">{svg}<ul>{listing}</ul></div>')
    if isinstance(field, MeasureField):
        score = scores.get(field.measure)
        measure = registry.measures.get(field.measure)
        title = measure.title if measure else field.measure
        if score is None or score.value is None:
            reason = score.reason if score else "not scored"
            return escape(f"{title}: {reason}") + _subscales(measure, score)
        band = f" ({score.band})" if score.band else ""
        unit = f" {score.unit}" if score.unit else ""
        return escape(f"{title}: {score.value:g}{unit}{band}") + _subscales(measure, score)
    if isinstance(field, ProceduresField):
        rows = "".join(
            f"<tr><td>{escape(e['code'])}</td><td>{escape(e.get('minutes') or '')}</td>"
            f"<td>{escape(e.get('units') or '')}</td>"
            f"<td>{escape(' '.join(e.get('modifiers') or []))}</td>"
            f"<td>{escape(e.get('site') or '')}</td></tr>"
            for e in value)
        return Markup('<table class="note-procedures"><tr><th>Code</th><th>Minutes</th>'
                      f'<th>Units</th><th>Modifiers</th><th>Site</th></tr>{rows}</table>')
    return _text(value)


def _subscales(measure: OutcomeMeasure | None, score: Score | None) -> Markup:
    """The measure's declared subscales, labelled, each scored or "not scored: why"."""
    if score is None:
        return Markup("")
    shown = subscale_values(measure, score.subscores,
                            getattr(score, "subscore_reasons", None))  # SDK 0.2.1
    if not shown:
        return Markup("")
    items = "".join(
        f"<li>{escape(s.label)}: {s.value:g}</li>" if s.value is not None else
        f'<li class="not-scored">{escape(s.label)}: not scored'
        + (f": {escape(s.reason)}" if s.reason else "") + "</li>"
        for s in shown)
    return Markup(f'<ul class="subscores" aria-label="Subscales">{items}</ul>')


def _table(field: TableField, rows: list[Mapping[str, Any]], registry: Registry,
           scores: Mapping[str, Score]) -> Markup:
    """Entered columns, then computed ones (as stored at signing, with their unit)."""
    head = "".join(f"<th>{escape(c.label)}</th>" for c in field.columns) + "".join(
        f'<th class="computed">{escape(c.label)}'
        + (f" ({escape(c.unit)})" if c.unit else "") + "</th>" for c in field.computed)
    body = []
    for row in rows:
        cells = [f"<td>{_value(c, row[c.id], registry, scores)}</td>"
                 if row.get(c.id) is not None else "<td></td>" for c in field.columns]
        cells += [f'<td class="computed">{escape(_number(row.get(c.id)))}</td>'
                  for c in field.computed]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(f'<table class="note-table"><tr>{head}</tr>{"".join(body)}</table>')


def _number(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _region_label(chart: Any, region_id: str) -> str:
    if chart is None:
        return region_id
    region = chart.region_index.get(region_id)
    return region.label if region else region_id


def render_note(template: NoteTemplate, document: Mapping[str, Any], *, registry: Registry,
                scores: Mapping[str, Score], date_of_service: date, pack: str,
                pack_version: str | None, practitioner: str | None,
                warnings: Sequence[NoteProblem] = ()) -> str:
    """The note as HTML: header, then every filled field under its section, then the
    warnings the practitioner signed over (they did not block signing)."""
    parts = [
        f'<article class="note" data-template="{escape(template.id)}" '
        f'data-template-version="{template.version}">',
        # People read the template's title; its id and pack stay in the tooltip.
        f'<header title="template {escape(template.id)} v{template.version}, pack '
        f'{escape(pack)} {escape(pack_version or "")}"><h1>{escape(template.title)}</h1>'
        f"<p>Date of service {date_of_service.isoformat()}"
        + (f" &middot; {escape(practitioner)}" if practitioner else "")
        + "</p></header>",
    ]
    for section in template.sections:
        values = document.get(section.id) or {}
        filled = [(f, values[f.id]) for f in section.fields
                  if values.get(f.id) not in (None, "", [])]
        if not filled:
            continue
        parts.append(f'<section id="{escape(section.id)}"><h2>{escape(section.title)}</h2><dl>')
        for field, value in filled:
            parts.append(f"<dt>{escape(field.label)}</dt>"
                         f"<dd>{_value(field, value, registry, scores)}</dd>")
        parts.append("</dl></section>")
    if warnings:
        parts.append('<aside class="note-warnings"><h2>Signed with warnings</h2><ul>'
                     + "".join(f"<li>{escape(w.field + ': ' if w.field else '')}"
                               f"{escape(w.message)}</li>" for w in warnings)
                     + "</ul></aside>")
    parts.append("</article>")
    return "".join(parts)
