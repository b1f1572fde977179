"""A case: its timeline of visits and notes, outcome-measure trends (SVG with the MCID
line), diagnoses, referral, payer, the authorised visits used, and the case team the clinic
sets. A practitioner outside the patient's care team gets a 403 page that offers to break
the glass (the rule is :mod:`vesalius.services.access`'s)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import Forbidden, ServiceError
from ..models import Case, Practitioner
from ..services import access, case_team, mcid, outcomes, patients, payers, practitioners, reports
from ..services import cases as case_service
from .context import actor, db, registry, rollback
from .forms import FormError, clean, parse, summary
from .plots import trend
from .security import requires

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/<int:case_id>")
@requires("cases.read")
def case(case_id: int) -> str | tuple[str, int]:
    session, who = db(), actor()
    try:
        found = case_service.read(session, who, case_id)
    except Forbidden as exc:
        if not any(d.get("code") == access.BREAK_THE_GLASS for d in exc.details):
            raise
        rollback()
        patient_id = session.get(Case, case_id).patient_id  # type: ignore[union-attr]
        return render_template("cases/restricted.html", patient_id=patient_id,
                               break_glass=who.can("notes.read")), 403
    patient = patients.read(session, who, found.patient_id)
    timeline = reports.case_timeline(session, who, case_id)
    plots = []
    if access.may(session, who, "measures.read", found.patient_id):
        measures = registry().measures
        for t in outcomes.case_trends(session, who, case_id):
            points = [(p.taken_on, p.value) for p in t.points if p.value is not None]
            if not points:
                continue
            measure = measures.get(t.measure_id)
            values = [v for _, v in points]
            low = measure.minimum if measure else min(values)
            high = measure.maximum if measure else max(values)
            plots.append((t, trend(t.title, points, minimum=low, maximum=high, mcid=t.mcid,
                                   direction=t.direction, unit=t.unit)))
    used = case_service.visits_used(session, case_id)
    practitioner = session.get(Practitioner, found.primary_practitioner_id) \
        if found.primary_practitioner_id else None
    payer_list = payers.list_payers(session, who) if who.can("settings.read") else []
    team = case_team.team(session, who, case_id)
    on_team = {m.practitioner_id for m in team}
    addable = [p for p in practitioners.list_practitioners(session, who)
               if p.id not in on_team] if who.can("cases.team") else []
    return render_template("cases/case.html", case=found, patient=patient, timeline=timeline,
                           plots=plots, visits_used=used, practitioner=practitioner,
                           payers=payer_list, team=team, addable=addable,
                           discipline=registry().disciplines.get(found.discipline),
                           mcid_labels=mcid.LABELS)


@bp.route("/<int:case_id>/team", methods=["POST"])
@requires("cases.team")
def add_to_team(case_id: int) -> Response:
    try:
        member = case_team.add(db(), actor(), case_id, parse(
            case_team.TeamMemberIn, clean(request.form, ("practitioner_id",))))
    except (FormError, ServiceError) as exc:
        rollback()
        if isinstance(exc, ServiceError) and exc.status in (403, 404):
            raise
        flash("Not added: " + summary(exc), "error")
    else:
        flash(f"{member.practitioner_name} is on the case's team.", "success")
    return redirect(url_for("cases.case", case_id=case_id) + "#team")


@bp.route("/<int:case_id>/team/<int:practitioner_id>/remove", methods=["POST"])
@requires("cases.team")
def remove_from_team(case_id: int, practitioner_id: int) -> Response:
    try:
        case_team.remove(db(), actor(), case_id, practitioner_id)
    except ServiceError as exc:
        rollback()
        if exc.status == 403:
            raise
        flash(exc.message, "error")
    else:
        flash("Taken off the case's team.", "success")
    return redirect(url_for("cases.case", case_id=case_id) + "#team")


@bp.route("/<int:case_id>", methods=["POST"])
@requires("cases.write")
def update(case_id: int) -> Response:
    data = clean(request.form, ("title", "referral_source", "referrer_name", "referral_date",
                                "injury_date", "payer_id", "authorised_visits",
                                "authorisation_number", "plan_of_care_start",
                                "plan_of_care_end"))
    data["diagnosis_codes"] = (request.form.get("diagnosis_codes") or "").replace(
        ",", " ").split()
    try:
        case_service.update(db(), actor(), case_id, parse(case_service.CaseUpdate, data))
    except (FormError, ServiceError) as exc:
        rollback()
        if isinstance(exc, ServiceError) and exc.status in (403, 404):
            raise
        flash("Not saved: " + summary(exc), "error")
    else:
        flash("Case saved.", "success")
    return redirect(url_for("cases.case", case_id=case_id))


@bp.route("/<int:case_id>/close", methods=["POST"])
@requires("cases.write")
def close(case_id: int) -> Response:
    try:
        case_service.close(db(), actor(), case_id, (request.form.get("reason") or "")[:200]
                           or None)
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        flash(exc.message, "error")
    else:
        flash("Case closed.", "success")
    return redirect(url_for("cases.case", case_id=case_id))


@bp.route("/<int:case_id>/reopen", methods=["POST"])
@requires("cases.write")
def reopen(case_id: int) -> Response:
    try:
        case_service.reopen(db(), actor(), case_id)
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        flash(exc.message, "error")
    else:
        flash("Case reopened.", "success")
    return redirect(url_for("cases.case", case_id=case_id))
