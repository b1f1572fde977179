"""The patient portal: a patient's own visits (cancel, move), forms to fill, home exercise
handouts, invoices and receipts, contact details and consents, and the messages the clinic
sent them; and, for the front desk, inviting a patient to it.

Every patient view is for the patient role only (audience "patient") and reads through
:mod:`vesalius.services.portal`, which looks each record up with the patient's own id: an
id of another patient's record answers 404, whatever the URL says. The invitation page is
public: its link is the credential (:mod:`vesalius.services.portal_accounts`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import groupby
from typing import Any, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..errors import NotFound, ServiceError
from ..models import Case, Location, Note, Patient, Practitioner
from ..services import billing, patients, portal, portal_accounts, public_booking, scheduling
from ..services import online_booking as booking_policy
from ..services.actor import Actor
from .context import actor, db, registry, rollback
from .forms import FormError, clean, parse, service_errors, summary
from .security import CSP, public, requires
from .sessions import end_user_sessions

bp = Blueprint("portal", __name__, url_prefix="/portal")
T = TypeVar("T")

CONTACT_FIELDS = ("email", "phone", "mobile", "address_line1", "address_line2", "city",
                  "region", "postal_code", "preferred_contact")
#: The consents a patient changes themselves (the rest are recorded by the clinic).
CONSENT_FIELDS = ("reminders_email", "reminders_sms", "marketing_opt_in")


def _me() -> int:
    patient_id = actor().patient_id
    assert patient_id is not None  # the patient audience guarantees it
    return patient_id


@bp.route("/")
@requires("patients.read", audience="patient")
def home() -> str:
    session, who = db(), actor()
    patient = patients.read(session, who, _me())
    upcoming, _past = portal.visits(session, who)
    return render_template(
        "portal/home.html", patient=patient, upcoming=upcoming,
        forms=portal.open_forms(session, who), handouts=portal.handouts(session, who)[:3],
        account=billing.account(session, who, patient.id))


@bp.route("/visits")
@requires("appointments.read", audience="patient")
def visits() -> str:
    upcoming, past = portal.visits(db(), actor())
    return render_template("portal/visits.html", upcoming=upcoming, past=past,
                           window=booking_policy.policy(db()).portal_change_hours)


@bp.route("/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@requires("appointments.cancel", audience="patient")
def cancel(appointment_id: int) -> str | Response | tuple[str, int]:
    """GET: what cancelling costs (the late-cancellation fee, if any); POST: cancel."""
    session, who = db(), actor()
    error = None
    if request.method == "POST":
        done, error = _attempt(lambda: portal.cancel(
            session, who, appointment_id, (request.form.get("reason") or "").strip()))
        if error is None:
            flash("Your appointment is cancelled." if done.status == "cancelled" else
                  "Your appointment is cancelled, as a late cancellation: the clinic will "
                  "send the fee's invoice.", "success")
            return redirect(url_for("portal.visits"))
    found = portal.visit(session, who, appointment_id)
    late_hours = int(scheduling.late_cancel_window().total_seconds() // 3600)
    return render_template("portal/cancel.html", visit=found, error=error,
                           late_hours=late_hours,
                           window=booking_policy.policy(session).portal_change_hours), (
        422 if error else 200)


@bp.route("/appointments/<int:appointment_id>/move", methods=["GET", "POST"])
@requires("appointments.book", audience="patient")
def move(appointment_id: int) -> str | Response | tuple[str, int]:
    """The times the visit may move to (a fortnight from ``from``), and the move itself."""
    session, who = db(), actor()
    error = None
    if request.method == "POST":
        _moved, error = _attempt(lambda: portal.reschedule(
            session, who, appointment_id, _instant(request.form.get("start"), "start")))
        if error is None:
            flash("Your appointment is moved.", "success")
            return redirect(url_for("portal.visits"))
    found = portal.visit(session, who, appointment_id)
    offered: list[Any] = []
    since = request.args.get("from")
    if found.changeable and found.movable_online:
        try:
            offered = portal.offers(session, who, appointment_id,
                                    start=_instant(since, "from") if since else None)
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            error = error or exc.message
    zone = found.start.tzinfo
    local = [(slot, slot.start.astimezone(zone)) for slot in offered]
    days = [(day, list(group)) for day, group in groupby(local, key=lambda p: p[1].date())]
    later = offered[-1].start.isoformat() if offered else None
    return render_template("portal/move.html", visit=found, days=days, error=error,
                           later=later), (422 if error else 200)


def _attempt(change: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run a patient's change: (its result, None), or (None, the refusal's message) with
    the transaction rolled back. Not found and forbidden stay errors (404/403 pages)."""
    try:
        return change(), None
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        return None, exc.message


def _instant(value: str | None, field: str) -> datetime:
    from ..errors import Invalid

    try:
        parsed = datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise Invalid("choose one of the times offered", field=field) from None
    if parsed.tzinfo is None:
        raise Invalid("choose one of the times offered", field=field)
    return parsed


# -- handouts --------------------------------------------------------------------------


@bp.route("/exercises")
@requires("patients.read", audience="patient")
def exercises() -> str:
    return render_template("portal/exercises.html",
                           handouts=portal.handouts(db(), actor()))


def printout_header(note: Note, case: Case, patient: Patient) -> Any:
    """The header a pack's printout of ``note`` carries (staff and portal alike)."""
    from vesalius_sdk.printouts import PrintHeader

    from ..db.types import utcnow

    session = db()
    practitioner = session.get(Practitioner, note.practitioner_id) \
        if note.practitioner_id else None
    location = session.scalar(select(Location).where(Location.active.is_(True))
                              .order_by(Location.id).limit(1))
    discipline = registry().disciplines.get(case.discipline)
    return PrintHeader(
        patient_name=f"{patient.given_name} {patient.family_name}",
        patient_birth_date=patient.birth_date,
        practitioner_name=practitioner.display_name if practitioner else None,
        practitioner_title=discipline.practitioner_title if discipline else None,
        clinic_name=location.name if location else None,
        clinic_phone=location.phone if location else None,
        clinic_address=location.address if location else None, printed_at=utcnow())


def printout_response(html: str) -> Response:
    """A pack's printout page: its own inline print CSS allowed, still no script at all."""
    csp = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return Response(html, mimetype="text/html", headers={
        "Content-Security-Policy": csp.replace("script-src 'self'", "script-src 'none'")})


@bp.route("/exercises/<int:note_id>/<printout_id>")
@requires("patients.read", audience="patient")
def handout(note_id: int, printout_id: str) -> Response:
    from ..plugins.registry import PackError

    try:
        html = portal.handout_page(db(), actor(), note_id, printout_id, printout_header)
    except PackError:
        return Response(render_template("error.html", status=502, message=(
            "This handout could not be made: its pack failed. The error was logged.")),
            status=502)
    return printout_response(html)


# -- money ------------------------------------------------------------------------------


@bp.route("/invoices")
@requires("billing.read", audience="patient")
def invoices() -> str:
    session, who = db(), actor()
    return render_template("portal/invoices.html", invoices=portal.invoices(session, who),
                           payments=portal.payments(session, who),
                           account=billing.account(session, who, _me()))


def _letterhead() -> Location | None:
    return db().scalar(select(Location).where(Location.active.is_(True))
                       .order_by(Location.id).limit(1))


@bp.route("/invoices/<int:invoice_id>")
@requires("billing.read", audience="patient")
def invoice(invoice_id: int) -> str:
    session, who = db(), actor()
    view = portal.invoice(session, who, invoice_id)
    return render_template("portal/invoice_print.html", view=view, invoice=view.invoice,
                           patient=patients.read(session, who, _me()),
                           location=_letterhead(), codes=registry().billing_codes)


@bp.route("/receipts/<int:payment_id>")
@requires("billing.read", audience="patient")
def receipt(payment_id: int) -> str:
    session, who = db(), actor()
    return render_template("portal/receipt.html", receipt=portal.receipt(session, who,
                                                                         payment_id),
                           patient=patients.read(session, who, _me()),
                           location=_letterhead())


# -- messages and details ----------------------------------------------------------------


@bp.route("/messages")
@requires("patients.read", audience="patient")
def messages() -> str:
    return render_template("portal/messages.html", messages=portal.messages(db(), actor()))


@bp.route("/details", methods=["GET", "POST"])
@requires("patients.update", audience="patient")
def details() -> str | Response | tuple[str, int]:
    session, who = db(), actor()
    patient = patients.read(session, who, _me())
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = clean(request.form, CONTACT_FIELDS, booleans=CONSENT_FIELDS)
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
        form = {name: getattr(patient, name) for name in CONTACT_FIELDS + CONSENT_FIELDS}
    return render_template("portal/details.html", form=form, errors=errors,
                           patient=patient,
                           consents=patients.consents_in_force(patient)), (
        422 if errors else 200)


# -- invitations ---------------------------------------------------------------------------


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(token: str) -> str | Response | tuple[str, int]:
    """The link of an invitation: choose a password, then sign in."""
    session = db()
    errors: dict[str, str] = {}
    try:
        found = portal_accounts.invitation(session, token)
    except NotFound as exc:
        return render_template("portal/invitation.html", problem=exc.message), 404
    if request.method == "POST":
        try:
            portal_accounts.accept(session, token, request.form.get("password") or "",
                                   request.form.get("confirm_password") or "",
                                   ip=request.remote_addr)
        except ServiceError as exc:
            rollback()
            if exc.status == 404:
                return render_template("portal/invitation.html", problem=exc.message), 404
            errors = service_errors(exc).errors
        else:
            flash("Your password is set. Sign in with your e-mail and it.", "success")
            return redirect(url_for("auth.login"))
    return render_template("portal/invitation.html", problem=None, email=found.email,
                           errors=errors, min_password=portal_accounts.MIN_PASSWORD), (
        422 if errors else 200)


def _staff_action(patient_id: int, action: str) -> Response:
    session, who = db(), actor()
    try:
        if action == "invite":
            # The invitation page's address without its token (the service appends it), on
            # the clinic's public address (VESALIUS_PUBLIC_URL) as every message link is.
            link_base = public_booking.site_url() + url_for("portal.invitation",
                                                            token="T")[:-1]
            row = portal_accounts.invite(
                session, who, patient_id, link_base,
                email=(request.form.get("email") or "").strip() or None)
            flash(f"Invitation sent to {row.email}; its link works for "
                  f"{portal_accounts.INVITATION_DAYS} days.", "success")
        else:
            user = portal_accounts.revoke(session, who, patient_id)
            ended = end_user_sessions(session, user.id, "portal-revoked") if user else 0
            flash(f"Portal access revoked ({ended} signed-in session(s) ended).", "success")
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        flash(summary(exc), "error")
    return redirect(url_for("patients.profile", patient_id=patient_id) + "#portal")


@bp.route("/patients/<int:patient_id>/invite", methods=["POST"])
@requires("portal.invite")
def invite(patient_id: int) -> Response:
    """Front desk / owner: invite the patient (again), to the e-mail given or theirs."""
    return _staff_action(patient_id, "invite")


@bp.route("/patients/<int:patient_id>/revoke", methods=["POST"])
@requires("portal.invite")
def revoke(patient_id: int) -> Response:
    """Front desk / owner: end the patient's portal access (a new invitation restores it)."""
    return _staff_action(patient_id, "revoke")


def account_state(patient_id: int, who: Actor) -> portal_accounts.AccountState | None:
    """For the patient page: the portal account's state, when ``who`` may invite."""
    if not who.can("portal.invite"):
        return None
    return portal_accounts.state(db(), who, patient_id)
