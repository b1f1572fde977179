"""Cancelling visits of a series from the calendar: the visits a scope takes (this one,
this and the following ones, every booked one) and, before anything is done, what the
patient will be sent (:func:`vesalius.services.recurrence.cancel_preview`): one message
listing the dates for several visits, the visit's own cancellation for one. On the
calendar's blueprint."""

from __future__ import annotations

from typing import get_args

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..db.types import utcnow
from ..errors import Invalid, ServiceError
from ..services import patients, recurrence, scheduling
from .calendar import _refused, bp
from .context import actor, commit_reads, db
from .security import requires

#: The scopes offered, in people's words.
SCOPES = (("one", "This visit only"), ("following", "This and the following visits"),
          ("all", "Every booked visit of the series"))


def _scope(value: str | None) -> recurrence.Scope:
    if value not in get_args(recurrence.Scope):
        raise Invalid("choose which visits: one, following or all", field="scope")
    return value  # type: ignore[return-value]


@bp.route("/appointments/<int:appointment_id>/series/cancel", methods=["GET"])
@requires("appointments.cancel")
def series_cancel(appointment_id: int) -> str | Response | tuple[Response, int]:
    """The visits the chosen scope cancels and the messages the patient will get."""
    session, who = db(), actor()
    try:
        scope = _scope(request.args.get("scope", "following"))
        appt = scheduling.read(session, who, appointment_id)
        if appt.series_id is None:
            raise Invalid("this visit is not part of a series", field="scope")
        visits, messages = recurrence.cancel_preview(session, who, appointment_id, scope)
        patient = patients.read(session, who, appt.patient_id)
    except ServiceError as exc:
        return _refused(appointment_id, exc)
    commit_reads()
    return render_template("calendar/series_cancel.html", appt=appt, patient=patient,
                           scope=scope, scopes=SCOPES, visits=visits, messages=messages,
                           now=utcnow())


@bp.route("/appointments/<int:appointment_id>/series/cancel", methods=["POST"])
@requires("appointments.cancel")
def series_cancel_post(appointment_id: int) -> Response | tuple[Response, int]:
    reason = (request.form.get("reason") or "").strip()
    try:
        scope = _scope(request.form.get("scope"))
        cancelled = recurrence.cancel_series(db(), actor(), appointment_id, scope, reason)
    except ServiceError as exc:
        return _refused(appointment_id, exc)
    count = len(cancelled)
    flash(f"Cancelled {count} visit{'s' if count != 1 else ''}.", "success")
    return redirect(url_for("calendar.appointment", appointment_id=appointment_id))
