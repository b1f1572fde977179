"""The owner's page of the online-booking policy: how far ahead (at least, at most) a
patient books online, how many future appointments they may hold, and up to how long before
a visit they may cancel or move it in the portal. The rules themselves
are :mod:`vesalius.services.online_booking`'s (the API's ``/settings/online-booking``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..services import online_booking
from . import mfa
from .context import actor, db, rollback
from .forms import FormError, clean, parse, service_errors
from .security import requires

bp = Blueprint("online_booking", __name__, url_prefix="/admin/online-booking")

FIELDS = ("lead_minutes", "horizon_days", "max_future", "portal_change_hours")


@bp.route("/", methods=["GET", "POST"])
@requires("settings.write")
def policy() -> str | Response | tuple[str, int]:
    session, who = db(), actor()
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = clean(request.form, FIELDS)
        try:
            online_booking.set_policy(session, who,
                                      parse(online_booking.OnlineBookingPolicyIn, form))
            mfa.set_required_of_patients(session, who,
                                         request.form.get("mfa_patients") == "on")
        except (FormError, ServiceError) as exc:
            rollback()
            if isinstance(exc, ServiceError) and exc.status in (403, 404):
                raise
            errors = (exc if isinstance(exc, FormError) else service_errors(exc)).errors
        else:
            flash("Online-booking rules saved.", "success")
            return redirect(url_for("online_booking.policy"))
    else:
        current = online_booking.read_policy(session, who)
        form = {name: getattr(current, name) for name in FIELDS}
    return render_template("admin/online_booking.html", form=form, errors=errors,
                           mfa_patients=mfa.required_of_patients(session),
                           limits=(online_booking.LEAD_MAX, online_booking.HORIZON_MAX,
                                   online_booking.CAP_MAX, online_booking.CHANGE_MAX)), (
        422 if errors else 200)
