"""The start page (each role lands where its day begins) and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, url_for

from ..permissions import BILLING, FRONT_DESK, OWNER, PATIENT, PRACTITIONER
from .context import current_user
from .security import public, signed_in

# The templates and static files of every web page live here (one folder, one namespace).
bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")

LANDING = {
    FRONT_DESK: "calendar.day",
    PRACTITIONER: "charting.day",
    BILLING: "billing.ready",
    OWNER: "calendar.day",
    PATIENT: "portal.home",
}


@bp.route("/")
@signed_in
def home() -> Response:
    user = current_user()
    assert user is not None
    return redirect(url_for(LANDING.get(user.role, "auth.account")))


@bp.route("/healthz")
@public
def health() -> Response:
    """Liveness for load balancers and the benchmark's minimal route: no database work."""
    return Response("ok\n", mimetype="text/plain")
