"""The patient portal: a patient's own appointments, invoices and contact details.

Every view is for the patient role only (audience "patient") and every record is read
through the services with the patient's own scope, so another patient's id in a URL is
refused by the service (403) whatever the URL says.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..db.types import utcnow
from ..errors import ServiceError
from ..services import billing, patients, scheduling
from .context import actor, db, rollback
from .forms import FormError, clean, parse, service_errors
from .security import requires

bp = Blueprint("portal", __name__, url_prefix="/portal")

CONTACT_FIELDS = ("email", "phone", "mobile", "address_line1", "address_line2", "city",
                  "region", "postal_code", "preferred_contact")


def _me() -> int:
    patient_id = actor().patient_id
    assert patient_id is not None  # the patient audience guarantees it
    return patient_id


@bp.route("/")
@requires("patients.read", audience="patient")
def home() -> str:
    session, who = db(), actor()
    patient = patients.read(session, who, _me())
    appointments = scheduling.list_appointments(session, who, patient_id=patient.id)
    now = utcnow()
    views = billing.list_invoices(session, who, patient_id=patient.id)
    return render_template(
        "portal/home.html", patient=patient,
        upcoming=[a for a in appointments if a.start_at >= now
                  and a.status in ("booked", "confirmed")],
        invoices=[v for v in reversed(views) if v.invoice.status == "issued"],
        account=billing.account(session, who, patient.id))


@bp.route("/appointments/<int:appointment_id>/cancel", methods=["POST"])
@requires("appointments.cancel", audience="patient")
def cancel(appointment_id: int) -> Response:
    try:
        scheduling.cancel(db(), actor(), appointment_id,
                          (request.form.get("reason") or "").strip() or "cancelled online")
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        flash(exc.message, "error")
    else:
        flash("Your appointment is cancelled.", "success")
    return redirect(url_for("portal.home"))


@bp.route("/details", methods=["GET", "POST"])
@requires("patients.update", audience="patient")
def details() -> str | Response | tuple[str, int]:
    session, who = db(), actor()
    patient = patients.read(session, who, _me())
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = clean(request.form, CONTACT_FIELDS)
        try:
            patients.update(session, who, patient.id, parse(patients.PatientUpdate, form))
        except (FormError, ServiceError) as exc:
            rollback()
            if isinstance(exc, ServiceError) and exc.status in (403, 404):
                raise
            errors = (exc if isinstance(exc, FormError) else service_errors(exc)).errors
        else:
            flash("Your details are saved.", "success")
            return redirect(url_for("portal.home"))
    else:
        form = {name: getattr(patient, name) for name in CONTACT_FIELDS}
    return render_template("portal/details.html", form=form, errors=errors,
                           patient=patient), (422 if errors else 200)
