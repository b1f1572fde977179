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
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select
from vesalius_sdk import ChartMark, ResponseError
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import Appointment, Case, Location, Note, Practitioner, User
from ..services import cases as case_service
from ..services import notes as note_service
from ..services import patients, payers, scheduling
from ..services.common import clinic_timezone
from .context import actor, db, registry, rollback
from .security import requires

bp = Blueprint("charting", __name__, url_prefix="/chart")


# -- the day list ----------------------------------------------------------------------


@bp.route("/")
@requires("notes.write")
def day() -> str:
    session, who = db(), actor()
    zone = clinic_timezone(_zone_name())
    try:
        the_day = datetime.strptime(request.args.get("date", ""), "%Y-%m-%d").date()
    except ValueError:
        the_day = datetime.now(zone).date()
    staff = [p for p in _practitioners() if p.active]
    chosen = request.args.get("practitioner", "")
    practitioner_id = int(chosen) if chosen.isdigit() else who.practitioner_id
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


def _suggested(templates: list[Any], visits_before: int) -> str | None:
    kinds = ("initial",) if visits_before == 0 else ("follow-up", "treatment")
    for kind in kinds:
        for t in templates:
            if t.kind == kind:
                return str(t.id)
    return str(templates[0].id) if templates else None


@bp.route("/visit/<int:appointment_id>")
@requires("notes.write")
def open_visit(appointment_id: int) -> str | Response:
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
    discipline = case.discipline if case else None
    templates = [t for t in reg.templates.values()
                 if discipline is None or t.discipline in (discipline, "general")]
    templates.sort(key=lambda t: (t.discipline == "general", t.title))
    visits_before = 0
    if case is not None and session.scalar(
            select(Note.id).where(Note.case_id == case.id, Note.status == "signed").limit(1)
    ) is not None:
        visits_before = 1
    return render_template("charting/open.html", appt=appt, patient=patient, case=case,
                           templates=templates, suggested=_suggested(templates, visits_before),
                           disciplines=reg.disciplines)


@bp.route("/visit/<int:appointment_id>", methods=["POST"])
@requires("notes.write")
def create_note(appointment_id: int) -> Response:
    template_id = request.form.get("template_id", "")
    try:
        note = note_service.create_draft(db(), actor(), note_service.DraftIn(
            appointment_id=appointment_id, template_id=template_id))
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


def _vocab(chart_id: str) -> dict[str, Any]:
    """What the editor's mark panel offers for a chart: regions and typed mark attributes."""
    chart = registry().charts[chart_id]
    return {
        "regions": {r.id: r.label for r in chart.regions},
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


@bp.route("/notes/<int:note_id>")
@requires("notes.write")
def editor(note_id: int, problems: list[dict[str, Any]] | None = None) -> str | Response:
    note, case = _load(note_id)
    if note.status != "draft":
        return redirect(url_for("charting.view_note", note_id=note.id))
    reg = registry()
    template = reg.templates.get(note.template_id)
    patient = patients.read(db(), actor(), note.patient_id)
    if template is None:  # its pack was switched off or removed: the draft waits for it
        return render_template("charting/unavailable.html", note=note, patient=patient)
    charts = {path: _chart_svg(f.chart, (note.document.get(path.split(".")[0]) or {})
                               .get(f.id, []))
              for path, f in template.iter_fields()
              if f.kind == "chart" and f.chart in reg.charts}
    codes = {code: c for code, c in reg.billing_codes.items()}
    appt = db().get(Appointment, note.appointment_id) if note.appointment_id else None
    return render_template(
        "charting/editor.html", note=note, case=case, patient=patient, template=template,
        document=note.document, unavailable=reg.unavailable_fields(template.id),
        charts=charts, chart_defs=reg.charts, measures=reg.measures, codes=codes,
        vocab={c: _vocab(c) for c in {f.chart for _, f in template.iter_fields()
                                      if f.kind == "chart" and f.chart in reg.charts}},
        problems=problems or [], appt=appt,
        pack=reg.owner("template", template.id))


@bp.route("/notes/<int:note_id>", methods=["POST"])
@requires("notes.write")
def save(note_id: int) -> Response | tuple[Response, int]:
    """Save the draft's document (JSON from the editor); 422 names each offending field."""
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
    return jsonify({"saved": note.updated_at.isoformat()})


@bp.route("/notes/<int:note_id>/charges", methods=["POST"])
@requires("notes.write")
def charges(note_id: int) -> Response | tuple[Response, int]:
    """The charge lines the pack's rule gives for the saved draft (live preview)."""
    note, case = _load(note_id)
    try:
        lines = note_service.preview_charges(db(), actor(), note_id)
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        return jsonify({"error": exc.message, "lines": []}), 200
    out = _fee_lines(note, case, lines)
    total = sum((float(line["amount"]) for line in out if line["amount"]), 0.0)
    return jsonify({"lines": out, "total": f"{total:.2f}",
                    "payer": case.payer.name if case.payer else "Self-pay"})


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
    return jsonify({"value": result.value, "band": result.band, "complete": result.complete,
                    "reason": result.reason, "minimum": result.minimum,
                    "maximum": result.maximum, "unit": result.unit,
                    "direction": result.direction})


@bp.route("/charts/<chart_id>/render", methods=["POST"])
@requires("notes.write")
def render_chart(chart_id: str) -> Response | tuple[Response, int]:
    """The chart with the editor's current marks, drawn by the pack (SVG)."""
    chart = registry().charts.get(chart_id)
    if chart is None:
        abort(404)
    payload = request.get_json(silent=True) or {}
    marks, refused = [], 0
    for raw in (payload.get("marks") or [])[:500]:
        try:
            mark = ChartMark.model_validate(raw)
        except ValueError:
            refused += 1
            continue
        if chart.check_mark(mark):
            refused += 1  # drawn only once valid; saving the note names the problem
            continue
        marks.append(mark)
    return Response(chart.render(marks), mimetype="image/svg+xml",
                    headers={"X-Refused-Marks": str(refused)})


@bp.route("/notes/<int:note_id>/sign", methods=["POST"])
@requires("notes.sign")
def sign(note_id: int) -> str | Response | tuple[str, int]:
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the signature.", "error")
        return redirect(url_for("charting.editor", note_id=note_id))
    try:
        note, invoice = note_service.sign(db(), actor(), note_id)
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        problems = exc.details or [{"field": exc.field, "message": exc.message}]
        flash("The note cannot be signed yet: " + exc.message, "error")
        page = editor(note_id, problems=problems)
        return (page, 422) if isinstance(page, str) else page
    flash("Signed." + (" The visit is ready to bill." if invoice is not None else ""), "success")
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
    from vesalius_sdk.printouts import PrintHeader

    from ..db.types import utcnow
    from ..plugins import PackError
    from .security import CSP

    note, case = _load(note_id, "notes.read")
    reg = registry()
    found = {p.id: p for p in reg.printouts_for(note.template_id)}
    if printout_id not in found or note.status == "entered-in-error":
        abort(404)
    session = db()
    patient = patients.read(session, actor(), note.patient_id)
    practitioner = session.get(Practitioner, note.practitioner_id) \
        if note.practitioner_id else None
    location = session.scalar(select(Location).where(Location.active.is_(True))
                              .order_by(Location.id).limit(1))
    discipline = reg.disciplines.get(case.discipline)
    scores = {m: sc for m, (_p, sc) in note_service.scores_of(
        reg, note.template_id, note.document).items()} if note.template_id in reg.templates \
        else {}
    header = PrintHeader(
        patient_name=f"{patient.given_name} {patient.family_name}",
        patient_birth_date=patient.birth_date,
        practitioner_name=practitioner.display_name if practitioner else None,
        practitioner_title=discipline.practitioner_title if discipline else None,
        clinic_name=location.name if location else None,
        clinic_phone=location.phone if location else None,
        clinic_address=location.address if location else None, printed_at=utcnow())
    try:
        html = reg.render_printout(printout_id, note_service.context(
            session, note, case, scores, signed_at=note.signed_at), header)
    except PackError:
        return Response(render_template("error.html", status=502, message=(
            "This printout could not be made: its pack failed. The error was logged.")),
            status=502)
    from ..services import audit

    audit.record(session, actor(), "print", "note", note.id, note.patient_id,
                 detail=printout_id)
    csp = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return Response(html, mimetype="text/html",
                    headers={"Content-Security-Policy": csp.replace(
                        "script-src 'self'", "script-src 'none'")})


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
    try:
        note_service.mark_entered_in_error(db(), actor(), note_id,
                                           (request.form.get("reason") or "").strip())
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        flash(exc.message, "error")
    else:
        flash("Marked as entered in error. It stays in the record, flagged.", "success")
    return redirect(url_for("charting.view_note", note_id=note_id))
