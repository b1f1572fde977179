"""Intake before a visit, in pages: staff send forms and measures from the appointment, the
patient fills them on the portal (signed in, or through the message's link alone, which is
then the credential for that one request), and the owner loads the wording of a licensed
measure.

The patient's page is mobile first: one column, each section a fieldset, each measure item
a radio group; answers are saved as they go (js/intake.js posts the form on each change,
and "Save and finish later" does the same without script) and submit checks everything,
then locks the request.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import Appointment, IntakeRequest
from ..services import intake, measure_wording, notes, scheduling
from ..services.actor import Actor
from ..services.portal import FORM_SOURCES, OpenForm
from .context import actor, db, registry, rollback
from .forms import service_errors
from .security import public, requires, wants_json

bp = Blueprint("intake", __name__)


# -- staff: send forms from the appointment ---------------------------------------------------


@bp.route("/appointments/<int:appointment_id>/forms", methods=["GET", "POST"])
@requires("intake.send")
def send(appointment_id: int) -> str | Response | tuple[str, int]:
    session, who = db(), actor()
    appt = scheduling.read(session, who, appointment_id)
    reg = registry()
    errors: dict[str, str] = {}
    chosen_measures: list[str] = []
    if request.method == "POST":
        template_id = request.form.get("template_id") or None
        chosen_sections = request.form.getlist("sections")
        chosen_measures = request.form.getlist("measures")
        try:
            sent = intake.send(session, who, appointment_id, intake.SendIn(
                template_id=template_id, sections=chosen_sections,
                measures=chosen_measures), request.url_root)
        except ServiceError as exc:
            rollback()
            if exc.status in (403, 404):
                raise
            errors = service_errors(exc).errors
        except ValueError as exc:  # the input model's own checks
            errors = {"template_id": str(exc).splitlines()[-1]}
        else:
            if sent.queued:
                flash("The forms are sent: the patient gets a message with the link.",
                      "success")
            else:
                flash("The patient takes neither e-mail nor text messages: give them this "
                      f"link (it is shown only now): {sent.link}", "info")
            return redirect(url_for("intake.send", appointment_id=appointment_id))
    else:
        template_id = request.args.get("template") or _visit_template(appt)
        chosen_sections = []
    template = reg.templates.get(template_id or "")
    sections = [(s, bool(intake.patient_fields(template, [s.id])))
                for s in template.sections] if template else []
    if not chosen_sections and template is not None:
        chosen_sections = [s.id for s, fillable in sections if fillable]
    offers = measure_wording.offers(session)
    templates = sorted(reg.templates.values(), key=lambda t: (t.discipline, t.title))
    return render_template(
        "intake/send.html", appt=appt, template=template, templates=templates,
        sections=sections, chosen_sections=chosen_sections, chosen_measures=chosen_measures,
        offered=[o for o in offers if o.offered], refused=[o for o in offers if not o.offered],
        requests=intake.of_appointment(session, who, appointment_id), errors=errors,
        can_load=who.can("settings.write")), (422 if errors else 200)


def _visit_template(appt: Any) -> str | None:
    """The template the visit's note would open with: its sections are the usual intake."""
    if appt.case_id is None:
        return None
    try:
        return notes.visit_template(db(), registry(), appt).template.id
    except ServiceError:
        return None


# -- the patient: fill, save as you go, submit -------------------------------------------------


def _open_forms(session: Session, who: Actor) -> list[OpenForm]:
    """The portal's "forms to fill": this patient's open requests, by their visit."""
    if who.patient_id is None:
        return []
    found = intake.open_for_patient(session, who, who.patient_id)
    starts = dict(session.execute(select(Appointment.id, Appointment.start_at).where(
        Appointment.id.in_([r.appointment_id for r in found]))).all()) if found else {}
    return [OpenForm(title="Forms and questionnaires before your visit",
                     url=url_for("intake.portal_form", request_id=r.id),
                     due=starts.get(r.appointment_id)) for r in found]


FORM_SOURCES.append(_open_forms)


@bp.route("/portal/intake/<token>", methods=["GET", "POST"])
@public
def by_link(token: str) -> str | Response | tuple[str, int]:
    """The message's link: its token is the credential for this one request."""
    found, who = intake.by_token(db(), token)
    return _fill(found, who, url_for("intake.by_link", token=token))


@bp.route("/portal/forms/<int:request_id>", methods=["GET", "POST"])
@requires("intake.fill", audience="patient")
def portal_form(request_id: int) -> str | Response | tuple[str, int]:
    """The same forms for a patient signed in to the portal."""
    found = intake.for_patient(db(), actor(), request_id)
    return _fill(found, actor(), url_for("intake.portal_form", request_id=request_id))


def _fill(found: IntakeRequest, who: Actor, here: str) -> str | Response | tuple[str, int]:
    session = db()
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = {name: request.form.getlist(name) for name in request.form
               if name.startswith(("f:", "m:"))}
        step = request.form.get("action", "save")
        if step == "submit":
            errors = intake.submit(session, who, found, raw)
            if not errors:
                return redirect(here)
        else:
            errors = intake.save(session, who, found, raw)
            if wants_json():  # js/intake.js saving as the patient goes
                return jsonify({"saved": True, "errors": errors})
            if not errors:
                flash("Your answers are saved: come back to this page to finish.", "success")
                return redirect(here)
    view = intake.form(session, who, found)
    return render_template("intake/fill.html", view=view, errors=errors, here=here,
                           portal=who.user_id is not None), (422 if errors else 200)


# -- the owner: wording of licensed measures ---------------------------------------------------


@bp.route("/admin/measures")
@requires("settings.write")
def measures() -> str:
    session = db()
    from sqlalchemy import select

    from ..models import MeasureWording

    loaded = {w.measure_id: w for w in session.scalars(select(MeasureWording))}
    reg = registry()
    return render_template("intake/measures.html", offers=measure_wording.offers(session),
                           loaded=loaded, shipped={m.id for m in reg.measures.values()
                                                   if m.item_text_included})


@bp.route("/admin/measures/<measure_id>/wording", methods=["GET", "POST"])
@requires("settings.write")
def wording(measure_id: str) -> str | Response | tuple[str, int]:
    session, who = db(), actor()
    measure = registry().measures.get(measure_id)
    if measure is None:
        abort(404)
    errors: dict[str, str] = {}
    row = measure_wording.read(session, who, measure_id)
    if request.method == "POST" and request.form.get("action") == "remove":
        measure_wording.remove(session, who, measure_id)
        flash(f"The clinic's wording of {measure.title} is removed: it is no longer offered "
              "to patients.", "success")
        return redirect(url_for("intake.measures"))
    if request.method == "POST":
        form = request.form
        # Blanks left out: the service names the first answer still to word.
        items = {item.id: {"text": form.get(f"text:{item.id}", ""),
                           "options": {str(v): words for v in range(item.minimum,
                                                                    item.maximum + 1)
                                       if (words := form.get(f"option:{item.id}:{v}", ""))
                                       .strip()}}
                 for item in measure.items}
        try:
            licensed_on = date.fromisoformat(form.get("licensed_on", ""))
        except ValueError:
            errors["licensed_on"] = "give the licence's date (YYYY-MM-DD)"
            licensed_on = None
        if not errors:
            try:
                data = measure_wording.WordingIn(
                    licence_holder=form.get("licence_holder", ""),
                    licence_reference=form.get("licence_reference", ""),
                    licensed_on=licensed_on, instructions=form.get("instructions") or None,
                    items={k: v for k, v in items.items() if v["text"].strip()})
                measure_wording.record(session, who, measure_id, data)
            except ServiceError as exc:
                rollback()
                errors = _wording_errors(service_errors(exc).errors)
            except ValueError as exc:
                errors = _pydantic_errors(exc)
        if not errors:
            flash(f"{measure.title} can now be sent to patients, with the clinic's wording.",
                  "success")
            return redirect(url_for("intake.measures"))
        values = dict(form)
    else:
        values = _as_form(row) if row is not None else {}
    return render_template("intake/wording.html", measure=measure, values=values,
                           errors=errors, row=row), (422 if errors else 200)


def _as_form(row: Any) -> dict[str, str]:
    values = {"licence_holder": row.licence_holder, "licence_reference": row.licence_reference,
              "licensed_on": row.licensed_on.isoformat(), "instructions": row.instructions or ""}
    for item_id, given in (row.items or {}).items():
        values[f"text:{item_id}"] = given.get("text", "")
        for value, words in (given.get("options") or {}).items():
            values[f"option:{item_id}:{value}"] = words
    return values


def _wording_errors(errors: dict[str, str]) -> dict[str, str]:
    """Service field names (``items.odi_1.options.3``) as the form's input names."""
    out = {}
    for field, message in errors.items():
        parts = field.split(".")
        if parts[0] == "items" and len(parts) >= 3 and parts[2] == "text":
            out[f"text:{parts[1]}"] = message
        elif parts[0] == "items" and len(parts) >= 4:
            out[f"option:{parts[1]}:{parts[3]}"] = message
        else:
            out[field] = message
    return out


def _pydantic_errors(exc: ValueError) -> dict[str, str]:
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return {"licence_holder": str(exc)}
    out = {}
    for error in exc.errors(include_url=False):
        loc = [str(p) for p in error["loc"]]
        name = loc[0] if loc else "licence_holder"
        if name == "items" and len(loc) >= 3:
            name = f"text:{loc[1]}" if loc[2] == "text" else f"option:{loc[1]}:{loc[-1]}"
        out.setdefault(name, error["msg"].removeprefix("Value error, "))
    return out
