"""Break the glass in the browser: a practitioner outside a patient's care team states why
they need the clinical record and gets a grant for a few hours; the owner reviews the
grants. The rules are :mod:`vesalius.services.access`'s (the API's too)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..services import access, patients
from .context import actor, db, rollback
from .forms import FormError, clean, parse, service_errors
from .security import requires

bp = Blueprint("access", __name__, url_prefix="/access")


@bp.route("/patients/<int:patient_id>", methods=["GET", "POST"])
@requires("notes.read")
def break_glass(patient_id: int) -> str | Response | tuple[str, int]:
    session, who = db(), actor()
    patient = patients.read(session, who, patient_id)
    errors: dict[str, str] = {}
    form = {"reason": ""}
    if request.method == "POST":
        form = clean(request.form, ("reason",))
        try:
            grant = access.break_glass(session, who, parse(
                access.BreakGlassIn, {"patient_id": patient_id, "reason": form.get("reason")}))
        except (FormError, ServiceError) as exc:
            rollback()
            if isinstance(exc, ServiceError) and exc.status in (403, 404):
                raise
            errors = (exc if isinstance(exc, FormError) else service_errors(exc)).errors
        else:
            flash(f"Access granted for {access.GRANT_HOURS} hours (grant {grant.id}); the "
                  "owner reviews every grant.", "success")
            return redirect(url_for("patients.profile", patient_id=patient_id))
    return render_template("access/break_glass.html", patient=patient, form=form,
                           errors=errors, hours=access.GRANT_HOURS,
                           minimum=access.REASON_MIN), (422 if errors else 200)


@bp.route("/grants")
@requires("audit.read")
def grants() -> str:
    return render_template("access/grants.html", grants=access.grants(db(), actor()))
