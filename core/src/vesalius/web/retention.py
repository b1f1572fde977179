"""Retention and erasure in the browser (owner): the clinic's retention periods, the report
of records past them (with a CSV download), destroying selected records with a reason, and
erasure requests; a patient files and follows their own request from the portal. The rules
are :mod:`vesalius.services.retention`'s (the API's too)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from ..errors import ServiceError
from ..models import Patient
from ..models.retention import ERASURE_CHANNELS, ERASURE_SCOPES
from ..services import patients, retention
from ..services.common import bounded_date, parse_id
from .context import actor, db, rollback
from .forms import FormError, clean, parse, service_errors, summary
from .portal import _me
from .reports import _csv
from .security import requires

bp = Blueprint("retention", __name__)

POLICY_FIELDS = ("jurisdiction", "adult_years", "majority_age", "minor_years_after_majority",
                 "minor_years_after_contact", "financial_years")
#: The page shows this many rows; the CSV has them all.
PAGE_ROWS = 500
CSV_HEADER = ["patient_id", "name", "birth_date", "minor_at_last_contact", "last_contact",
              "last_financial", "clinical_until", "financial_until", "retained_until"]


def _failed(exc: FormError | ServiceError) -> dict[str, str]:
    """Roll back and flash a refusal; 403/404 propagate as pages of their own."""
    rollback()
    if isinstance(exc, ServiceError) and exc.status in (403, 404):
        raise exc
    failure = exc if isinstance(exc, FormError) else service_errors(exc)
    flash(summary(failure), "error")
    return failure.errors


def _as_of() -> date:
    return bounded_date(request.args.get("as_of")) or retention.today()


@bp.route("/retention/")
@requires("retention.manage")
def index() -> str:
    session, who = db(), actor()
    as_of = _as_of()
    report = retention.destroyable(session, who, as_of=as_of)
    return render_template(
        "retention/index.html", report=report, rows=report.rows[:PAGE_ROWS],
        form=report.policy.model_dump(), errors={}, today=retention.today(), as_of=as_of,
        register=retention.destructions(session, who, limit=20),
        open_requests=len(retention.list_requests(session, who, "open")))


@bp.route("/retention/policy", methods=["POST"])
@requires("retention.manage")
def set_policy() -> WerkzeugResponse:
    form = clean(request.form, POLICY_FIELDS)
    try:
        policy = retention.set_policy(db(), actor(), parse(retention.PolicyIn, form))
    except (FormError, ServiceError) as exc:
        _failed(exc)
    else:
        flash(f"Retention periods saved ({policy.jurisdiction}).", "success")
    return redirect(url_for("retention.index"))


@bp.route("/retention/report.csv")
@requires("retention.manage")
def report_csv() -> Response:
    report = retention.destroyable(db(), actor(), as_of=_as_of())
    rows = [[r.patient_id, r.name, r.birth_date or "",
             "" if r.minor is None else ("yes" if r.minor else "no"), r.last_contact,
             r.last_financial or "", r.clinical_until, r.financial_until or "",
             r.retained_until] for r in report.rows]
    filename = f"vesalius-retention-{report.as_of.isoformat()}.csv"
    return Response(_csv(CSV_HEADER, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/retention/destroy", methods=["POST"])
@requires("retention.manage")
def destroy() -> WerkzeugResponse:
    ids = [parse_id(v) for v in request.form.getlist("patient_ids")]
    try:
        if request.form.get("confirm") != "yes":
            raise FormError({"confirm": "Tick the box: destroyed records cannot come back."})
        if None in ids:
            raise FormError({"patient_ids": "not a patient id"})
        done = retention.destroy(db(), actor(), parse(retention.DestroyIn, {
            "patient_ids": ids, "reason": (request.form.get("reason") or "").strip()}))
    except (FormError, ServiceError) as exc:
        _failed(exc)
    else:
        flash(f"{len(done)} record{'s' if len(done) != 1 else ''} destroyed; the register "
              "below keeps who, when, why and how many rows.", "success")
    return redirect(url_for("retention.index"))


# -- erasure requests (owner) ------------------------------------------------------------------


@bp.route("/retention/erasure")
@requires("erasure.manage")
def erasure_page() -> str:
    requests = retention.list_requests(db(), actor())
    return render_template("retention/erasure.html", requests=requests,
                           names=_names([r.patient_id for r in requests]),
                           scopes=ERASURE_SCOPES, channels=ERASURE_CHANNELS)


def _names(patient_ids: list[int]) -> dict[int, str]:
    """Patients' names in one query (the list stays bounded)."""
    if not patient_ids:
        return {}
    return {pid: f"{given} {family}" for pid, given, family in db().execute(
        select(Patient.id, Patient.given_name, Patient.family_name)
        .where(Patient.id.in_(set(patient_ids))))}


@bp.route("/retention/erasure", methods=["POST"])
@requires("erasure.manage")
def record_request() -> WerkzeugResponse:
    form = clean(request.form, ("patient_id", "scope", "channel", "note"))
    patient_id = parse_id(form.pop("patient_id", None))
    try:
        if patient_id is None:
            raise FormError({"patient_id": "Pick the patient."})
        made = retention.request_erasure(db(), actor(), patient_id, parse(
            retention.ErasureIn, {k: v for k, v in form.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        _failed(exc)
    else:
        flash(f"Erasure request #{made.id} recorded.", "success")
    return redirect(url_for("retention.erasure_page"))


@bp.route("/retention/erasure/<int:request_id>")
@requires("erasure.manage")
def erasure_request(request_id: int) -> str:
    item = retention.read_request(db(), actor(), request_id)
    return render_template("retention/request.html", item=item,
                           name=_names([item.patient_id]).get(item.patient_id, ""))


@bp.route("/retention/erasure/<int:request_id>/process", methods=["POST"])
@requires("erasure.manage")
def process_request(request_id: int) -> WerkzeugResponse:
    try:
        retention.process(db(), actor(), request_id)
    except ServiceError as exc:
        _failed(exc)
        return redirect(url_for("retention.erasure_page"))
    flash(f"Erasure request #{request_id} carried out: what was removed and what was kept "
          "is listed below.", "success")
    return redirect(url_for("retention.erasure_request", request_id=request_id))


@bp.route("/retention/erasure/<int:request_id>/refuse", methods=["POST"])
@requires("erasure.manage")
def refuse_request(request_id: int) -> WerkzeugResponse:
    try:
        retention.refuse(db(), actor(), request_id, parse(
            retention.RefuseIn, clean(request.form, ("reason",))))
    except (FormError, ServiceError) as exc:
        _failed(exc)
    else:
        flash(f"Erasure request #{request_id} refused.", "success")
    return redirect(url_for("retention.erasure_page"))


# -- the patient's own requests (portal) ---------------------------------------------------------


@bp.route("/portal/erasure")
@requires("erasure.read", audience="patient")
def portal_requests() -> str:
    session, who = db(), actor()
    return render_template("retention/portal.html",
                           patient=patients.read(session, who, _me()),
                           requests=retention.requests_of(session, who, _me()),
                           scopes=ERASURE_SCOPES)


@bp.route("/portal/erasure", methods=["POST"])
@requires("erasure.request", audience="patient")
def portal_request() -> WerkzeugResponse:
    data: dict[str, Any] = clean(request.form, ("scope", "note"))
    try:
        retention.request_erasure(db(), actor(), _me(), parse(
            retention.ErasureIn, {k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        _failed(exc)
    else:
        flash("Your request is with the clinic. This page shows its progress.", "success")
    return redirect(url_for("retention.portal_requests"))
