"""Charting: the practitioner's day, the generic note editor, signing, addenda, printing.

The editor draws any pack's template from its SDK definition, field kind by field kind
(``templates/charting/fields.html``); no pack is named here. Charts are the pack's own SVG
(``ChartDefinition.render``), made clickable in the browser and re-drawn by the server after
each change, so the editor and the printed note show the same drawing. Measures are scored
live by the registry's scorer, and the charge preview is the owner pack's charge rule run on
the saved draft.
"""

from __future__ import annotations

import contextlib
import functools
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from sqlalchemy import bindparam, exists, select
from vesalius_sdk import ChartMark, ResponseError
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import (
    Appointment,
    Case,
    IntakeRequest,
    Location,
    MeasureResult,
    Note,
    Patient,
    Payer,
    Practitioner,
    User,
)
from ..plugins import PackError
from ..services import cases as case_service
from ..services import note_templates, patients, payers, scheduling
from ..services import notes as note_service
from ..services.common import bounded_date, clinic_timezone, parse_id
from ..services.subscales import subscale_values
from .context import actor, db, registry, rollback
from .security import requires

bp = Blueprint("charting", __name__, url_prefix="/chart")


# -- the day list ----------------------------------------------------------------------


@bp.route("/")
@requires("notes.write")
def day() -> str:
    session, who = db(), actor()
    zone = clinic_timezone(_zone_name())
    # A date or id out of range falls back to the default, as on the calendar.
    the_day = bounded_date(request.args.get("date")) or datetime.now(zone).date()
    staff = [p for p in _practitioners() if p.active]
    practitioner_id = parse_id(request.args.get("practitioner")) or who.practitioner_id
    if practitioner_id is None and staff:
        practitioner_id = staff[0].id
    entries = scheduling.day_list(session, who, the_day,
                                  practitioner_ids=[practitioner_id] if practitioner_id else [])
    notes = _notes_by_appointment([e.id for e in entries])
    return render_template("charting/day.html", day=the_day, entries=entries, notes=notes,
                           staff=staff, practitioner_id=practitioner_id,
                           prev_day=the_day - timedelta(days=1),
                           next_day=the_day + timedelta(days=1))


def _zone_name() -> str | None:
    return db().scalar(select(Location.timezone).where(Location.active.is_(True))
                       .order_by(Location.id).limit(1))


def _practitioners() -> list[Practitioner]:
    from ..services import practitioners

    return practitioners.list_practitioners(db(), actor())


def _notes_by_appointment(ids: list[int]) -> dict[int, Note]:
    """The newest live note of each appointment, one query (the day list's status column)."""
    if not ids:
        return {}
    rows = db().scalars(select(Note).where(Note.appointment_id.in_(ids),
                                           Note.status != "entered-in-error")
                        .order_by(Note.id))
    return {n.appointment_id: n for n in rows if n.appointment_id is not None}


# -- opening a visit's note ------------------------------------------------------------


@bp.route("/visit/<int:appointment_id>")
@requires("notes.write")
def open_visit(appointment_id: int) -> str | Response:
    """Start a visit's note: the visit's default template preselected (the one the API
    would open), and for a follow-up the offer to start from the case's last signed note."""
    session, who = db(), actor()
    appt = scheduling.read(session, who, appointment_id)
    existing = _notes_by_appointment([appt.id]).get(appt.id)
    if existing is not None:
        return redirect(url_for("charting.editor", note_id=existing.id)
                        if existing.status == "draft"
                        else url_for("charting.view_note", note_id=existing.id))
    patient = patients.read(session, who, appt.patient_id)
    case = case_service.read(session, who, appt.case_id) if appt.case_id else None
    reg = registry()
    templates = note_templates.offered(reg, case.discipline if case else None)
    choice = note_service.template_for_visit(session, who, appt.id) if case else None
    last = note_service.last_signed(session, who, case.id) if case else None
    return render_template("charting/open.html", appt=appt, patient=patient, case=case,
                           templates=templates, last_note=last.note if last else None,
                           suggested=choice.template.id if choice else None,
                           visit_kind=choice.visit_kind if choice else "initial",
                           disciplines=reg.disciplines)


@bp.route("/visit/<int:appointment_id>", methods=["POST"])
@requires("notes.write")
def create_note(appointment_id: int) -> Response:
    fields: dict[str, Any] = {"appointment_id": appointment_id,
                              "template_id": request.form.get("template_id", "")}
    if request.form.get("copy_forward") == "yes":
        fields["copy_forward"] = True
    try:
        note = note_service.create_draft(db(), actor(), note_service.DraftIn(**fields))
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        flash(exc.message, "error")
        return redirect(url_for("charting.open_visit", appointment_id=appointment_id))
    appt = db().get(Appointment, appointment_id)
    if appt is not None and appt.status == "arrived":  # the practitioner takes the patient in
        # The note is what matters here: if the move is refused the status stays as it was.
        with contextlib.suppress(ServiceError), db().begin_nested():
            scheduling.set_status(db(), actor(), appt.id, "in-session")
    return redirect(url_for("charting.editor", note_id=note.id))


@bp.route("/notes/<int:note_id>/template", methods=["POST"])
@requires("notes.write")
def switch_template(note_id: int) -> Response:
    """Switch a draft to another template: the values that fit the new one are kept."""
    _attempt(lambda: note_service.switch_template(
        db(), actor(), note_id, request.form.get("template_id", ""),
        copy_forward=request.form.get("copy_forward") == "yes"),
        "Template switched. Values that fit the new template were kept.")
    return redirect(url_for("charting.editor", note_id=note_id))


def _attempt(action: Callable[[], Any], done: str) -> bool:
    """A form's service call: a refusal is flashed (403 and 404 go on to the error page),
    success is flashed as ``done``."""
    try:
        action()
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        flash(exc.message, "error")
        return False
    flash(done, "success")
    return True


@bp.route("/notes/<int:note_id>/discard", methods=["POST"])
@requires("notes.write")
def discard(note_id: int) -> Response:
    """Discard a draft (the editor asks first); the visit can then be charted afresh."""
    appointment_id = db().scalar(select(Note.appointment_id).where(Note.id == note_id))
    if not _attempt(lambda: note_service.discard(db(), actor(), note_id), "Draft discarded."):
        return redirect(url_for("charting.editor", note_id=note_id))
    if appointment_id:
        return redirect(url_for("charting.open_visit", appointment_id=appointment_id))
    return redirect(url_for("charting.day"))


# -- the editor ------------------------------------------------------------------------


def _chart_svg(chart_id: str, marks: list[Any]) -> Markup:
    reg = registry()
    return Markup(_drawn(id(reg), reg.charts[chart_id], json.dumps(marks or [],
                                                                   sort_keys=True)))


@functools.lru_cache(maxsize=512)
def _drawn(_registry: int, chart: Any, marks_json: str) -> str:
    """A chart drawn with marks (SDK output: svgwrite escapes every text). Charts are
    frozen and drawing is pure, so the same marks give the same SVG: kept for reuse, keyed
    by the registry too (switching a pack rebuilds it)."""
    parsed = []
    for mark in json.loads(marks_json):
        try:
            parsed.append(ChartMark.model_validate(mark))
        except ValueError:
            continue  # a stored mark the chart cannot draw is listed, not drawn
    return str(chart.render(parsed))


@bp.route("/notes/<int:note_id>")
@requires("notes.write")
def editor(note_id: int, problems: list[dict[str, Any]] | None = None) -> str | Response:
    held = _preload(note_id)  # kept to the end: the session holds loaded rows weakly
    note, case = _load(note_id)
    if note.status != "draft":
        return redirect(url_for("charting.view_note", note_id=note.id))
    session, reg = db(), registry()
    template = reg.templates.get(note.template_id)
    patient = patients.read(session, actor(), note.patient_id)
    if template is None:  # its pack was switched off or removed: the draft waits for it
        return render_template("charting/unavailable.html", note=note, patient=patient)
    layout = _layout(reg, template)
    document = note.document or {}
    last = note_service.last_signed(session, actor(), case.id, before_note_id=note.id)
    source = (last.note if last is not None and last.note.id == note.copied_from_id
              else session.get(Note, note.copied_from_id) if note.copied_from_id else None)
    listed = [_problem_view(p, layout) for p in problems or []]
    invalid = {p["path"] for p in listed if p["path"]}
    used = set(session.scalars(select(MeasureResult.measure_id).distinct().where(
        MeasureResult.case_id == case.id))) if layout.foldable else set()
    folded = {path for path, measure_id in layout.foldable
              if measure_id not in used and path not in invalid and _empty(_at(document, path))}
    open_sections = {s.id for s in template.sections
                     if not s.collapsed or s.id in layout.required_sections
                     or any(not _empty(v) for v in (document.get(s.id) or {}).values())
                     or any(p.split(".")[0] == s.id for p in invalid)}
    carried = _carried(note)
    reported = set(note.reported or {})
    drawn = {section_id: [_field_html(reg, layout, path, f, _at(document, path), listed,
                                      path in folded, carried.get(path), path in reported)
                          for path, f in fields]
             for section_id, fields in layout.sections}
    from ..services import intake

    from_patient = (intake.reported_for(session, actor(), note.appointment_id)
                    if note.appointment_id and held.reported else [])
    return render_template(
        "charting/editor.html", note=note, case=case, patient=patient, template=template,
        document=document, drawn=drawn, layout=layout, problems=listed,
        open_sections=open_sections, source=source, last_note=last.note if last else None,
        last_note_body=Markup(last.note.rendered or "") if last else None,
        templates=_offered_with(reg, case.discipline, template), from_patient=from_patient,
        measure_titles={m: reg.measures[m].title for r in from_patient for m in
                        r.request.measures if m in reg.measures},
        # Signing takes a practitioner record (an owner who does not treat has none).
        can_sign=actor().practitioner_id is not None)


def _preload(note_id: int) -> Any:
    """The note with its case, the case's payer, its patient and its visit, in one
    statement: the reads below (each still checking access and writing its audit row) find
    them in the session instead of running a statement each. Also ``reported``: whether the
    visit has submitted intake answers (most have none, and then there is nothing to read).
    Returns the row, which the caller keeps: the session holds what it loaded only weakly."""
    return db().execute(_draft_rows(), {"note_id": note_id}).first()


@functools.cache
def _draft_rows() -> Any:
    """:func:`_preload`'s statement, built once (building it costs more than running it)."""
    reported = exists().where(IntakeRequest.appointment_id == Note.appointment_id,
                              IntakeRequest.status == "submitted")
    return (select(Note, Case, Payer, Patient, Appointment, reported.label("reported"))
            .outerjoin(Case, Case.id == Note.case_id)
            .outerjoin(Payer, Payer.id == Case.payer_id)
            .outerjoin(Patient, Patient.id == Note.patient_id)
            .outerjoin(Appointment, Appointment.id == Note.appointment_id)
            .where(Note.id == bindparam("note_id")))


def _offered_with(reg: Any, discipline: str, template: Any) -> list[Any]:
    """The templates a draft may switch to, its own always among them."""
    offered = note_templates.offered(reg, discipline)
    return offered if template in offered else [template, *offered]


def _field_html(reg: Any, layout: _Layout, path: str, f: Any, value: Any,
                problems: list[dict[str, Any]], folded: bool, carried: str | None,
                reported: bool = False) -> Markup:
    """One field drawn by its macro, kept per template for reuse: the drawing depends only
    on the field, its value, its problems, whether it is folded and its carried mark, so
    empty fields (most of a new note) and unchanged ones are drawn once."""
    mine = tuple(p["message"] for p in problems if p["path"] == path) if problems else ()
    key = (path, _value_key(value), mine, folded, carried, reported)
    found = layout.drawn.get(key)
    if found is not None:
        return found
    charts = {path: _chart_svg(f.chart, value or [])} \
        if f.kind == "chart" and f.chart in reg.charts else {}
    macro = current_app.jinja_env.get_template("charting/fields.html").module.field  # type: ignore[attr-defined]
    html = Markup(macro(path, f, value, {
        "unavailable": reg.unavailable_fields(layout.template_id), "charts": charts,
        "chart_defs": reg.charts, "measures": reg.measures, "codes": reg.billing_codes,
        "problems": [{"field": path, "message": m} for m in mine], "vocab": layout.vocab,
        "layout": layout, "invalid": {path} if mine else set(),
        "carried": {path: carried} if carried else {}, "folded": {path} if folded else set(),
        "reported": {path} if reported else set()}))
    if value is None or len(html) < 20000:  # a marked chart's drawing is kept by _drawn
        if len(layout.drawn) > 2000:  # bounded: a long-running worker forgets old drawings
            layout.drawn.clear()
        layout.drawn[key] = html
    return html


def _value_key(value: Any) -> Any:
    """A field's value as part of a drawing's key: a text, number or yes/no with its type
    (1, 1.0 and True are equal in Python but drawn differently; a float by its repr, as
    -0.0 equals 0.0), anything else as canonical JSON."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return kind, value
    if kind is float:
        return kind, repr(value)
    return json.dumps(value, sort_keys=True, default=str)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _at(document: dict[str, Any], path: str) -> Any:
    section, _, key = path.partition(".")
    return (document.get(section) or {}).get(key)


def _carried(note: Note) -> dict[str, str]:
    """Carried fields still as copied: path -> "12 Nov" (the server drops a path's mark
    once the practitioner changes its value)."""
    out = {}
    for path, day in (note.carried or {}).items():
        with contextlib.suppress(ValueError):
            when = date.fromisoformat(day)
            out[path] = f"{when.day} {when:%b}"
    return out


def _problem_view(problem: dict[str, Any], layout: _Layout) -> dict[str, Any]:
    """A problem as the editor lists it: the field's label (not its internal path), the
    element to move to, and its severity."""
    raw = problem.get("field") or ""
    path = ".".join(raw.split("[")[0].split(".")[:2]) if raw else ""
    if path not in layout.labels:
        path = ""
    detail = raw[len(path):].lstrip(".") if path and raw != path else ""
    label = layout.labels.get(path, (raw, ""))
    return {"field": raw or None, "path": path,
            "label": label[0] + (f" ({detail})" if detail else ""), "section": label[1],
            "anchor": "fld-" + path.replace(".", "-") if path else "",
            "message": problem.get("message", ""),
            "severity": problem.get("severity", "error")}


# -- what the editor needs of a template, worked out once per registry ------------------


@dataclass(frozen=True)
class _Layout:
    labels: dict[str, tuple[str, str]]  # path -> (field label, section title)
    required_sections: frozenset[str]
    foldable: tuple[tuple[str, str], ...]  # (path, measure id) of measures not default
    chart_paths: tuple[tuple[str, str], ...]  # (path, chart id) of drawable chart fields
    #: (section id, its fields' (path, field) in order): what the editor draws, section by section
    sections: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]
    carried: tuple[str, ...]
    computed: tuple[str, ...]  # paths of tables with computed columns
    regions: dict[str, dict[str, str]]  # chart -> region id -> label (region columns)
    region_lists: tuple[tuple[str, tuple[str, ...]], ...]
    region_ids: Markup  # JSON: chart -> label -> region id
    vocab: dict[str, Markup]  # chart -> JSON of its regions and mark types
    template_id: str = ""
    drawn: dict[Any, Markup] = field(default_factory=dict)  # fields drawn, by their inputs


_LAYOUTS: weakref.WeakKeyDictionary[Any, dict[tuple[str, int], _Layout]] = \
    weakref.WeakKeyDictionary()


def _layout(reg: Any, template: Any) -> _Layout:
    cache = _LAYOUTS.setdefault(reg, {})
    key = (template.id, template.version)
    if key not in cache:
        cache[key] = _make_layout(reg, template)
    return cache[key]


def _make_layout(reg: Any, template: Any) -> _Layout:
    fields = template.iter_fields()
    titles = {s.id: s.title for s in template.sections}
    region_charts = sorted({c.chart for _, f in fields if f.kind == "table"
                            for c in f.columns if c.kind == "region" and c.chart in reg.charts})
    regions = {c: {r.id: r.label for r in reg.charts[c].regions} for c in region_charts}
    chart_paths = tuple((p, f.chart) for p, f in fields
                        if f.kind == "chart" and f.chart in reg.charts)
    return _Layout(
        labels={p: (f.label, titles[p.split(".")[0]]) for p, f in fields},
        required_sections=frozenset(p.split(".")[0] for p, f in fields
                                    if f.required or getattr(f, "must_be_true", False)),
        foldable=tuple((p, f.measure) for p, f in fields
                       if f.kind == "measure" and not f.default and not f.required
                       and f.measure in reg.measures),
        chart_paths=chart_paths,
        sections=tuple((s.id, tuple((f"{s.id}.{f.id}", f) for f in s.fields))
                       for s in template.sections),
        carried=tuple(template.carried_paths()),
        computed=tuple(p for p, f in fields if f.kind == "table" and f.computed),
        regions=regions,
        region_lists=tuple((c, tuple(sorted(set(labels.values())))) for c, labels
                           in regions.items()),
        region_ids=Markup(htmlsafe_json_dumps(
            {c: {label: rid for rid, label in labels.items()} for c, labels in regions.items()})),
        vocab={c: Markup(htmlsafe_json_dumps(_vocab(reg.charts[c])))
               for c in {c for _, c in chart_paths}},
        template_id=template.id,
    )


def _vocab(chart: Any) -> dict[str, Any]:
    """What the editor's mark panel offers for a chart: regions and typed mark attributes."""
    views = {v.id: v.title for v in chart.views}
    return {
        "regions": [{"id": r.id, "label": r.label, "view": views.get(r.view, r.view),
                     "aliases": list(r.aliases)} for r in chart.regions],
        "mark_types": [
            {"id": m.id, "label": m.label, "color": m.color, "abbreviation": m.abbreviation,
             "attributes": [a.model_dump() for a in m.attributes]}
            for m in chart.mark_types
        ],
    }


def _fee_lines(note: Note, case: Case, lines: list[Any]) -> list[dict[str, Any]]:
    reg = registry()
    fees = payers.fees_for(db(), case.payer_id, [line.code for line in lines],
                           note.date_of_service)
    out = []
    for line in lines:
        code = reg.billing_codes.get(line.code)
        fee = fees.get(line.code)
        out.append({
            "code": line.code, "label": code.label if code else "",
            "units": line.units, "minutes": line.minutes, "modifiers": list(line.modifiers),
            "unit_price": f"{fee:.2f}" if fee is not None else None,
            "amount": f"{fee * line.units:.2f}" if fee is not None else None,
        })
    return out


def _load(note_id: int, permission: str = "notes.write") -> tuple[Note, Case]:
    session, who = db(), actor()
    note = note_service.read(session, who, note_id)
    if not who.can(permission):
        abort(403)
    case = case_service.read(session, who, note.case_id)
    return note, case


@bp.route("/notes/<int:note_id>", methods=["POST"])
@requires("notes.write")
def save(note_id: int) -> Response | tuple[Response, int]:
    """Save the draft's document (JSON from the editor); 422 names each offending field,
    409 says the note is no longer a draft. The answer carries the computed table cells
    the server worked out, row by row, for the editor to show."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("document"), dict):
        return jsonify({"error": "send {\"document\": {...}}"}), 400
    try:
        note = note_service.update_draft(db(), actor(), note_id, payload["document"])
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        problems = exc.details or ([{"field": exc.field, "message": exc.message}]
                                   if exc.field else [])
        return jsonify({"error": exc.message, "problems": problems}), exc.status
    computed: dict[str, Any] = {}
    template = registry().templates.get(note.template_id)
    if template is not None:
        for path in _layout(registry(), template).computed:
            computed[path] = _at(note.document, path) or []
    return jsonify({"saved": note.updated_at.isoformat(), "computed": computed})


@bp.route("/notes/<int:note_id>/charges", methods=["POST"])
@requires("notes.write")
def charges(note_id: int) -> Response | tuple[Response, int]:
    """The charge lines the pack's rule gives for the saved draft (live preview), and what
    signing would say of it now (``checks``: errors block, warnings do not)."""
    note, case = _load(note_id)
    checks = _checks(note)
    try:
        lines = note_service.preview_charges(db(), actor(), note_id)
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        return jsonify({"error": exc.message, "lines": [], "checks": checks}), 200
    out = _fee_lines(note, case, lines)
    total = sum((Decimal(line["amount"]) for line in out if line["amount"]), Decimal(0))
    return jsonify({"lines": out, "total": f"{total:.2f}", "checks": checks,
                    "payer": case.payer.name if case.payer else "Self-pay"})


def _checks(note: Note) -> list[dict[str, Any]]:
    """What signing would say of the saved draft (errors and warnings), by field label."""
    template = registry().templates.get(note.template_id)
    if template is None:
        return []
    try:
        found = note_service.signing_problems(db(), actor(), note.id)
    except ServiceError as exc:
        rollback()
        return [_problem_view({"message": exc.message}, _layout(registry(), template))]
    layout = _layout(registry(), template)
    return [_problem_view({"field": p.field, "message": p.message, "severity": p.severity},
                          layout) for p in found]


@bp.route("/measures/<measure_id>/score", methods=["POST"])
@requires("measures.score")
def score(measure_id: str) -> Response | tuple[Response, int]:
    payload = request.get_json(silent=True) or {}
    responses = payload.get("responses")
    if not isinstance(responses, list):
        return jsonify({"error": "send {\"responses\": [...]}"}), 400
    try:
        result = registry().score(measure_id, responses)
    except KeyError:
        abort(404)
    except ResponseError as exc:
        return jsonify({"error": str(exc), "item": exc.item}), 422
    except Exception:  # a pack's scorer failed: say so, never crash the editor
        return jsonify({"error": "this measure could not be scored"}), 502
    shown = subscale_values(registry().measures.get(measure_id), result.subscores,
                            getattr(result, "subscore_reasons", None))  # SDK 0.2.1
    return jsonify({"value": result.value, "band": result.band, "complete": result.complete,
                    "reason": result.reason, "minimum": result.minimum,
                    "maximum": result.maximum, "unit": result.unit,
                    "direction": result.direction,
                    "subscales": [{"id": s.id, "label": s.label, "value": s.value,
                                   "reason": s.reason} for s in shown]})


@bp.route("/charts/<chart_id>/render", methods=["POST"])
@requires("notes.write")
def render_chart(chart_id: str) -> Response | tuple[Response, int]:
    """The chart with the editor's current marks, drawn by the pack (SVG). Marks the chart
    refuses are not drawn: ``X-Refused-Marks`` counts them and ``X-Mark-Problems`` (JSON,
    ASCII) says why, by mark number, so the editor can ask for what is missing."""
    chart = registry().charts.get(chart_id)
    if chart is None:
        abort(404)
    payload = request.get_json(silent=True) or {}
    marks, problems = [], {}
    for n, raw in enumerate((payload.get("marks") or [])[:500], start=1):
        try:
            mark = ChartMark.model_validate(raw)
        except ValueError:
            problems[n] = ["the mark needs a region and a type"]
            continue
        found = chart.check_mark(mark)
        if found:
            problems[n] = list(found)[:3]
            continue
        marks.append(mark)
    return Response(chart.render(marks), mimetype="image/svg+xml",
                    headers={"X-Refused-Marks": str(len(problems)),
                             "X-Mark-Problems": json.dumps(problems)[:2000]})


@bp.route("/notes/<int:note_id>/sign", methods=["POST"])
@requires("notes.sign")
def sign(note_id: int) -> str | Response | tuple[str, int]:
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the signature.", "error")
        return redirect(url_for("charting.editor", note_id=note_id))
    try:
        signed = note_service.sign(db(), actor(), note_id)
    except ServiceError as exc:
        rollback()
        codes = {d.get("code") for d in exc.details or []}
        if note_service.NO_PRACTITIONER_RECORD in codes:  # their own draft: say why, stay
            flash("You cannot sign notes: " + exc.message.partition(": ")[2] + ".", "error")
            page = editor(note_id)
            return (page, 403) if isinstance(page, str) else page
        if exc.status in (403, 404):
            raise
        if note_service.NOTE_SIGNED in codes:
            flash("This note is already signed.", "info")  # a second click, another tab
            return redirect(url_for("charting.view_note", note_id=note_id))
        problems = exc.details or [{"field": exc.field, "message": exc.message}]
        flash("The note cannot be signed yet: the list below says what is missing.", "error")
        page = editor(note_id, problems=problems)
        return (page, 422) if isinstance(page, str) else page
    note = signed.note
    flash("Signed." + (" The visit is ready to bill." if signed.invoice is not None else ""),
          "success")
    for warning in signed.warnings:
        flash("Signed with a warning: " + warning.message, "warning")
    return redirect(url_for("charting.view_note", note_id=note.id))


# -- signed notes ----------------------------------------------------------------------


@bp.route("/notes/<int:note_id>/view")
@requires("notes.read")
def view_note(note_id: int) -> str | Response:
    note, case = _load(note_id, "notes.read")
    if note.status == "draft" and actor().can("notes.write"):
        return redirect(url_for("charting.editor", note_id=note.id))
    patient = patients.read(db(), actor(), note.patient_id)
    people = _people([note.author_id, note.signed_by, note.error_by]
                     + [a.author_id for a in note.addenda])
    printouts = registry().printouts_for(note.template_id) \
        if note.status != "entered-in-error" else []
    return render_template("charting/view.html", note=note, case=case, patient=patient,
                           printouts=printouts,
                           people=people, verified=note_service.verify(note)
                           if note.status != "draft" else None,
                           body=Markup(note.rendered or ""))


@bp.route("/notes/<int:note_id>/print")
@requires("notes.read")
def print_note(note_id: int) -> str:
    note, case = _load(note_id, "notes.read")
    if note.status == "draft":
        abort(404)
    patient = patients.read(db(), actor(), note.patient_id)
    people = _people([note.author_id, note.signed_by] + [a.author_id for a in note.addenda])
    return render_template("charting/print.html", note=note, case=case, patient=patient,
                           people=people, body=Markup(note.rendered or ""))


@bp.route("/notes/<int:note_id>/printouts/<printout_id>")
@requires("notes.read")
def printout(note_id: int, printout_id: str) -> Response:
    """A pack's printout of a note (a home programme, say), served behind the login. The
    pack's page brings its own inline print CSS, so this response allows inline styles and
    still no script at all."""
    from .portal import printout_header, printout_response

    note, case = _load(note_id, "notes.read")
    reg = registry()
    found = {p.id: p for p in reg.printouts_for(note.template_id)}
    if printout_id not in found or note.status == "entered-in-error":
        abort(404)
    session = db()
    patient = patients.read(session, actor(), note.patient_id)
    scores = {m: sc for m, (_p, sc) in note_service.scores_of(
        reg, note.template_id, note.document).items()} if note.template_id in reg.templates \
        else {}
    try:
        html = reg.render_printout(printout_id, note_service.context(
            session, note, case, scores, signed_at=note.signed_at),
            printout_header(note, case, patient))
    except PackError:
        return Response(render_template("error.html", status=502, message=(
            "This printout could not be made: its pack failed. The error was logged.")),
            status=502)
    from ..services import audit

    audit.record(session, actor(), "print", "note", note.id, note.patient_id,
                 detail=printout_id)
    return printout_response(html)


def _people(ids: list[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {uid: name or email for uid, name, email in db().execute(
        select(User.id, User.name, User.email).where(User.id.in_(wanted)))}


@bp.route("/notes/<int:note_id>/addenda", methods=["POST"])
@requires("notes.write")
def addendum(note_id: int) -> Response:
    try:
        note_service.add_addendum(db(), actor(), note_id, note_service.AddendumIn(
            text=(request.form.get("text") or "").strip(),
            kind=request.form.get("kind") or "addendum",  # type: ignore[arg-type]
            reason=(request.form.get("reason") or "").strip() or None))
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        flash(exc.message, "error")
    except ValueError as exc:  # the input model refused it (empty text, unknown kind)
        rollback()
        flash("The addendum needs text (and a reason for a correction). "
              + str(exc).splitlines()[0], "error")
    else:
        flash("Addendum added.", "success")
    return redirect(url_for("charting.view_note", note_id=note_id) + "#addenda")


@bp.route("/notes/<int:note_id>/entered-in-error", methods=["POST"])
@requires("notes.write")
def entered_in_error(note_id: int) -> Response:
    _attempt(lambda: note_service.mark_entered_in_error(
        db(), actor(), note_id, (request.form.get("reason") or "").strip()),
        "Marked as entered in error. It stays in the record, flagged.")
    return redirect(url_for("charting.view_note", note_id=note_id))
