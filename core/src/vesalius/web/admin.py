"""Administration (owner): installed packs and the clinic's switch for each, users and
roles (and whether owner and billing accounts must use a second factor), services and fee
schedules, payers, locations, rooms and working hours."""

from __future__ import annotations

from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..backup.runs import status as backup_status
from ..errors import ServiceError
from ..models import FeeSchedule, Location, User, WorkingHours
from ..models.payers import PAYER_KINDS
from ..models.scheduling import SERVICE_COLOURS
from ..permissions import ROLES
from ..services import (
    audit,
    booking_rules,
    clinic,
    note_templates,
    payers,
    practitioners,
    users,
)
from . import mfa
from .context import actor, current_user, db, rollback, state
from .forms import FormError, clean, parse, summary
from .models import PackSetting, UserMfa
from .packs import clinic_registry, forget, installed_registry, set_enabled
from .security import requires
from .sessions import end_user_sessions

bp = Blueprint("admin", __name__, url_prefix="/admin")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _report(exc: FormError | ServiceError) -> None:
    rollback()
    if isinstance(exc, ServiceError) and exc.status in (403, 404):
        raise exc
    flash(summary(exc), "error")


# -- packs -----------------------------------------------------------------------------


@bp.route("/")
@requires("settings.write")
def index() -> str:
    base = installed_registry()
    settings = {s.pack: s for s in db().scalars(select(PackSetting))}
    return render_template("admin/packs.html", packs=base.packs, settings=settings,
                           backups=backup_status(db()))


@bp.route("/packs/<name>", methods=["POST"])
@requires("settings.write")
def toggle_pack(name: str) -> Response:
    base = installed_registry()
    names = {p.name: p for p in base.packs}
    if name not in names:
        abort(404)
    if names[name].default:
        flash("The core's own pack cannot be switched off.", "error")
        return redirect(url_for("admin.index"))
    enabled = request.form.get("enabled") == "yes"
    set_enabled(db(), actor(), name, enabled, request.form.get("reason"))
    db().flush()
    forget()
    clinic_registry()  # this worker switches now; the others at their next request
    flash(f"{name} is {'on' if enabled else 'off'} for this clinic. "
          + ("" if enabled else "Notes made with it stay readable."), "success")
    return redirect(url_for("admin.index"))


# -- users -----------------------------------------------------------------------------


@bp.route("/users")
@requires("users.manage")
def users_page() -> str:
    found = list(db().scalars(select(User).where(User.role != "patient").order_by(User.name)))
    return render_template("admin/users.html", users=found, roles=[r for r in ROLES
                                                                   if r != "patient"],
                           with_factor=set(db().scalars(select(UserMfa.user_id))),
                           mfa_required=mfa.required(db()), mfa_roles=mfa.MFA_ROLES,
                           disciplines=state().registry.disciplines if state().registry
                           else installed_registry().disciplines)


@bp.route("/users", methods=["POST"])
@requires("users.manage")
def create_user() -> Response:
    data = clean(request.form, ("email", "role", "name", "password"), lists=("disciplines",))
    try:
        user = users.create_user(db(), actor(), parse(users.UserIn, {
            k: v for k, v in data.items() if v not in (None, [])}))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash(f"{user.email} can now sign in as {user.role}.", "success")
    return redirect(url_for("admin.users_page"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires("users.manage")
def set_active(user_id: int) -> Response:
    user = db().get(User, user_id)
    if user is None or user.role == "patient":
        abort(404)
    me = current_user()
    active = request.form.get("active") == "yes"
    if me is not None and user.id == me.id and not active:
        flash("You cannot deactivate yourself.", "error")
        return redirect(url_for("admin.users_page"))
    user.active = active
    ended = 0
    if not active:  # ASVS 7.4.2: a disabled account's sessions and tokens end now
        ended = end_user_sessions(db(), user.id, "user-deactivated")
        users.revoke_tokens(db(), actor(), user)
    audit.record(db(), actor(), "update", "user", user.id, None,
                 detail=f"{'activated' if active else 'deactivated'}; {ended} sessions ended")
    flash(f"{user.email} {'can sign in again' if active else 'is deactivated'}.", "success")
    return redirect(url_for("admin.users_page"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires("users.manage")
def reset_password(user_id: int) -> Response:
    user = db().get(User, user_id)
    if user is None or user.role == "patient":
        abort(404)
    try:
        users.set_password(db(), actor(), user, request.form.get("password") or "")
    except ServiceError as exc:
        _report(exc)
    else:
        end_user_sessions(db(), user.id, "password-reset")
        flash(f"New password set for {user.email}; their sessions were ended.", "success")
    return redirect(url_for("admin.users_page"))


@bp.route("/users/second-factor", methods=["POST"])
@requires("users.manage")
def require_second_factor() -> Response:
    """Require (or stop requiring) a second factor of owner and billing accounts. Their
    sessions without one end now: they set one up at their next sign-in."""
    on = request.form.get("required") == "yes"
    me = current_user()
    assert me is not None
    if on and me.role in mfa.MFA_ROLES and db().get(UserMfa, me.id) is None:
        flash("Set up your own second factor first (your account page), so that requiring "
              "it cannot lock you out.", "error")
        return redirect(url_for("admin.users_page"))
    mfa.set_required(db(), actor(), on)
    if on:
        pending = mfa.unenrolled(db())
        for user in pending:
            end_user_sessions(db(), user.id, "mfa-required")
        flash(f"A second factor is now required of {' and '.join(mfa.MFA_ROLES)} accounts; "
              f"{len(pending)} account(s) without one will set it up at their next sign-in.",
              "success")
    else:
        flash("A second factor is now optional for every account.", "success")
    return redirect(url_for("admin.users_page"))


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
@requires("users.manage")
def reset_second_factor(user_id: int) -> Response:
    """A user lost their phone and their recovery codes: remove their second factor and end
    their sessions (they sign in with their password and, where required, set up anew)."""
    user = db().get(User, user_id)
    if user is None or user.role == "patient":
        abort(404)
    me = current_user()
    if me is not None and user.id == me.id:
        flash("Change your own second factor on your account page.", "error")
        return redirect(url_for("admin.users_page"))
    mfa.remove(db(), user.id)
    ended = end_user_sessions(db(), user.id, "mfa-reset")
    audit.record(db(), actor(), "update", "user", user.id, None,
                 detail=f"second factor and recovery codes reset by the owner; {ended} "
                        f"sessions ended")
    flash(f"The second factor of {user.email} is removed; their sessions were ended.",
          "success")
    return redirect(url_for("admin.users_page"))


@bp.route("/users/<int:user_id>/sessions", methods=["POST"])
@requires("users.manage")
def end_sessions(user_id: int) -> Response:
    user = db().get(User, user_id)
    if user is None:
        abort(404)
    ended = end_user_sessions(db(), user.id, "ended-by-admin")
    audit.record(db(), actor(), "revoke", "web-session", None, None,
                 detail=f"user {user.id}: {ended}")
    flash(f"Ended {ended} session(s) of {user.email}.", "success")
    return redirect(url_for("admin.users_page"))


# -- services, payers and fees ---------------------------------------------------------


@bp.route("/services")
@requires("settings.write")
def services_page() -> str:
    session, who = db(), actor()
    schedules = list(session.scalars(select(FeeSchedule).order_by(FeeSchedule.name)))
    reg = clinic_registry()
    return render_template("admin/services.html",
                           services=clinic.list_services(session, who, include_inactive=True),
                           payers=payers.list_payers(session, who), schedules=schedules,
                           disciplines=reg.disciplines, codes=reg.billing_codes,
                           payer_kinds=PAYER_KINDS, service_colours=SERVICE_COLOURS,
                           templates={d: note_templates.offered(reg, d) for d in reg.disciplines})


@bp.route("/services", methods=["POST"])
@requires("settings.write")
def create_service() -> Response:
    data = clean(request.form, ("name", "discipline", "duration_minutes", "buffer_minutes",
                                "price", "late_cancel_fee", "colour"),
                 booleans=("online_bookable",))
    data["default_codes"] = (request.form.get("default_codes") or "").upper().replace(
        ",", " ").split()
    try:
        clinic.create_service(db(), actor(), parse(clinic.ServiceIn, {
            k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Service added.", "success")
    return redirect(url_for("admin.services_page"))


@bp.route("/services/<int:service_id>", methods=["POST"])
@requires("settings.write")
def update_service(service_id: int) -> Response:
    data = clean(request.form, ("name", "duration_minutes", "buffer_minutes", "price",
                                "late_cancel_fee"), booleans=("online_bookable", "active"))
    # Default note templates: a blank choice clears one (the discipline decides again).
    data.update({k: request.form[k].strip() for k in (*clinic.TEMPLATE_FIELDS, "colour")
                 if k in request.form})
    try:
        clinic.update_service(db(), actor(), service_id, parse(clinic.ServiceUpdate, {
            k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Service saved.", "success")
    return redirect(url_for("admin.services_page"))


@bp.route("/payers", methods=["POST"])
@requires("settings.write")
def create_payer() -> Response:
    data = clean(request.form, ("name", "kind", "payer_code", "timed_method", "address"))
    data["modifiers"] = (request.form.get("modifiers") or "").upper().replace(",", " ").split()
    try:
        payers.create_payer(db(), actor(), parse(payers.PayerIn, {
            k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Payer added.", "success")
    return redirect(url_for("admin.services_page"))


def _fees(text: str) -> list[dict[str, Any]]:
    """``97110 45.00`` per line (or ``97110=45.00``) into fee entries."""
    fees = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace("=", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise FormError({"fees": f"line {number}: give a code and an amount"})
        try:
            amount = Decimal(parts[1])
        except InvalidOperation:
            raise FormError({"fees": f"line {number}: {parts[1]!r} is not an amount"}) from None
        fees.append({"code": parts[0].upper(), "amount": amount})
    return fees


@bp.route("/fee-schedules", methods=["POST"])
@requires("settings.write")
def create_fee_schedule() -> Response:
    data = clean(request.form, ("name", "payer_id", "effective_from"))
    try:
        data["fees"] = _fees(request.form.get("fees") or "")
        payers.create_fee_schedule(db(), actor(), parse(payers.FeeScheduleIn, {
            k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Fee schedule added.", "success")
    return redirect(url_for("admin.services_page"))


# -- locations, rooms and hours --------------------------------------------------------


@bp.route("/locations")
@requires("settings.write")
def locations_page() -> str:
    session, who = db(), actor()
    locations = list(session.scalars(select(Location).order_by(Location.name)))
    staff = practitioners.list_practitioners(session, who, include_inactive=True)
    hours: dict[int, list[WorkingHours]] = {p.id: [] for p in staff}
    for block in practitioners.hours_of(session, [p.id for p in staff]):
        hours[block.practitioner_id].append(block)
    for blocks in hours.values():
        blocks.sort(key=lambda b: (b.weekday, b.start_time, b.kind))
    return render_template("admin/locations.html", locations=locations, staff=staff,
                           hours=hours, weekdays=WEEKDAYS,
                           names={loc.id: loc.name for loc in locations},
                           outside_hours=booking_rules.outside_hours_rule(session))


@bp.route("/locations", methods=["POST"])
@requires("settings.write")
def create_location() -> Response:
    data = clean(request.form, ("name", "timezone", "address", "phone", "npi"))
    data["rooms"] = [r.strip() for r in (request.form.get("rooms") or "").split(",")
                     if r.strip()]
    try:
        practitioners.create_location(db(), actor(), parse(practitioners.LocationIn, {
            k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Location added.", "success")
    return redirect(url_for("admin.locations_page"))


@bp.route("/locations/<int:location_id>/rooms", methods=["POST"])
@requires("settings.write")
def add_room(location_id: int) -> Response:
    name = (request.form.get("name") or "").strip()
    if not name:
        flash("Give the room a name.", "error")
        return redirect(url_for("admin.locations_page"))
    try:
        practitioners.add_room(db(), actor(), location_id, name[:100])
    except ServiceError as exc:
        _report(exc)
    else:
        flash("Room added.", "success")
    return redirect(url_for("admin.locations_page"))


def _clock(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise FormError({field: "Give a time such as 09:00."}) from None


@bp.route("/practitioners/<int:practitioner_id>/hours", methods=["POST"])
@requires("settings.write")
def set_hours(practitioner_id: int) -> Response:
    """Replace the weekly hours: one work block per ticked weekday, with an optional break."""
    form = request.form
    try:
        location_id = int(form.get("location_id", ""))
    except ValueError:
        flash("Choose a location.", "error")
        return redirect(url_for("admin.locations_page"))
    blocks: list[Any] = []
    try:
        start, end = _clock(form.get("start", ""), "start"), _clock(form.get("end", ""), "end")
        has_break = bool(form.get("break_start") and form.get("break_end"))
        if has_break:
            b_start = _clock(form["break_start"], "break_start")
            b_end = _clock(form["break_end"], "break_end")
        for day in form.getlist("weekdays"):
            if not (day.isascii() and day.isdigit()):
                continue
            blocks.append(parse(practitioners.HoursIn, {
                "location_id": location_id, "weekday": int(day), "start_time": start,
                "end_time": end, "kind": "work"}))
            if has_break:
                blocks.append(parse(practitioners.HoursIn, {
                    "location_id": location_id, "weekday": int(day), "start_time": b_start,
                    "end_time": b_end, "kind": "break"}))
        practitioners.set_hours(db(), actor(), practitioner_id, blocks)
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Working hours saved.", "success")
    return redirect(url_for("admin.locations_page"))


@bp.route("/booking-rules", methods=["POST"])
@requires("settings.write")
def set_booking_rules() -> Response:
    """Bookings outside working hours: confirm them ("warn") or refuse them."""
    try:
        booking_rules.set_outside_hours_rule(db(), actor(),
                                             request.form.get("outside_hours", ""))
    except ServiceError as exc:
        _report(exc)
    else:
        flash("Booking rules saved.", "success")
    return redirect(url_for("admin.locations_page"))


@bp.route("/practitioners/<int:practitioner_id>", methods=["POST"])
@requires("settings.write")
def update_practitioner(practitioner_id: int) -> Response:
    data = clean(request.form, ("display_name", "licence_number", "provider_number", "npi",
                                "default_location_id", "colour"), lists=("disciplines",))
    if not data.get("disciplines"):
        data.pop("disciplines", None)
    try:
        practitioners.update_practitioner(db(), actor(), practitioner_id, parse(
            practitioners.PractitionerUpdate, {k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Practitioner saved.", "success")
    return redirect(url_for("admin.locations_page"))
