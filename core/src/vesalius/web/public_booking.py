"""The public booking page (``/book``): service, practitioner (or anyone), day, time; then
"I have an account" (portal sign-in, booked under the online-booking rules) or "I am new"
(a request held until the e-mail is verified by a signed link). Also the page of a
waitlist offer's link. Plain forms and links: it works without JavaScript.

The rules are :mod:`vesalius.services.public_booking`'s and
:mod:`vesalius.services.waitlist_offers`'s; this module only shows them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..errors import NotFound, ServiceError, TooMany
from ..models import Location, Practitioner, Service
from ..services import public_booking, users, waitlist_offers
from ..services.common import bounded_date
from .context import actor, clinic_tz, db, rollback
from .forms import FormError, clean, parse, service_errors
from .security import public, requires

bp = Blueprint("public_booking", __name__, url_prefix="/book")

PERSON_FIELDS = ("given_name", "family_name", "birth_date", "email", "phone")
#: Days the page lets a visitor step through (the horizon may stop it sooner).
DAYS_SHOWN = 14


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt="online-booking-verify")


def _throttle(key: str, limit: int | None = None,
              window: timedelta = public_booking.RATE_WINDOW) -> None:
    public_booking.throttle(db(), f"{key}:{request.remote_addr}", limit, window)


def _too_many(exc: TooMany) -> tuple[str, int, dict[str, str]]:
    rollback()
    return (render_template("public/message.html", title="Please wait",
                            message=f"Too many requests from your address. Try again in "
                                    f"{exc.retry_after} seconds."),
            429, {"Retry-After": str(exc.retry_after)})


def _clinic_name() -> str:
    name = db().scalar(select(Location.name).where(Location.active.is_(True))
                       .order_by(Location.id).limit(1))
    return name or "the clinic"


def _start_arg(value: str | None) -> datetime | None:
    """A slot's start from the query string (ISO 8601 with an offset), else None."""
    if not value:
        return None
    try:
        start = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    return start.astimezone(UTC) if start.tzinfo else None


def _id_arg(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _service(service_id: int) -> Service:
    try:
        return public_booking.online_service(db(), service_id)
    except NotFound:
        raise NotFound("This service is not booked online.") from None


def _choice(service: Service, practitioner_id: int | None,
            start: datetime | None) -> dict[str, Any] | None:
    """The chosen time when the page still offers it, with the words to show it."""
    if practitioner_id is None or start is None:
        return None
    if not public_booking.is_offered(db(), service, practitioner_id, start):
        return None
    practitioner = db().get(Practitioner, practitioner_id)
    return {"practitioner_id": practitioner_id, "start": start,
            "practitioner": practitioner.display_name if practitioner else "",
            "iso": start.isoformat()}


@bp.route("/")
@public
def services() -> str | tuple[str, int, dict[str, str]]:
    try:
        _throttle("public")
        offered = public_booking.online_services(db())
    except TooMany as exc:
        return _too_many(exc)
    return render_template("public/services.html", services=offered,
                           clinic=_clinic_name())


@bp.route("/<int:service_id>")
@public
def times(service_id: int) -> str | tuple[str, int, dict[str, str]]:
    """Practitioner (or anyone), day, and the free times of that day."""
    session, zone = db(), clinic_tz()
    service = _service(service_id)
    listing = next((s for s in public_booking.online_services(session)
                    if s.id == service.id), None)
    who = _id_arg(request.args.get("practitioner"))
    if listing is None or (who is not None and who not in {p.id for p in
                                                            listing.practitioners}):
        who = None
    today = datetime.now(zone).date()
    day = bounded_date(request.args.get("day")) or today
    day = min(max(day, today), today + timedelta(days=DAYS_SHOWN - 1))
    start = datetime.combine(day, time(0), zone)
    try:
        _throttle("public")
        found = public_booking.slots(session, service.id, start, start + timedelta(days=1), who)
        later = [] if found else public_booking.slots(
            session, service.id, start + timedelta(days=1),
            datetime.combine(today + timedelta(days=DAYS_SHOWN), time(0), zone), who, limit=1)
        if later and not request.args.get("day"):  # open on the first day with times
            day = later[0].start.astimezone(zone).date()
            start = datetime.combine(day, time(0), zone)
            found = public_booking.slots(session, service.id, start,
                                         start + timedelta(days=1), who)
            later = []
    except TooMany as exc:
        return _too_many(exc)
    days = [today + timedelta(days=i) for i in range(DAYS_SHOWN)]
    return render_template(
        "public/times.html", service=service, listing=listing, who=who, day=day, days=days,
        slots=found, next_day=later[0].start.astimezone(zone).date() if later else None,
        zone=zone, clinic=_clinic_name())


@bp.route("/<int:service_id>/confirm")
@public
def confirm(service_id: int) -> str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """The chosen time: sign in to the portal, or book as someone new."""
    service = _service(service_id)
    try:
        _throttle("public")
    except TooMany as exc:
        return _too_many(exc)
    chosen = _choice(service, _id_arg(request.args.get("practitioner")),
                     _start_arg(request.args.get("start")))
    if chosen is None:
        return _gone(service), 409
    return render_template("public/confirm.html", service=service, chosen=chosen, form={},
                           errors={}, zone=clinic_tz())


def _gone(service: Service) -> str:
    return render_template(
        "public/message.html", title="That time is no longer free",
        message="Someone else may have booked it a moment ago. Please choose another time.",
        back=url_for("public_booking.times", service_id=service.id))


@bp.route("/<int:service_id>/new", methods=["POST"])
@public
def new(service_id: int) -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """A first-time visitor's details: the request is kept and the link e-mailed. The page
    that follows is the same whoever they are (it never says who is a patient)."""
    session = db()
    service = _service(service_id)
    practitioner_id = _id_arg(request.form.get("practitioner"))
    start = _start_arg(request.form.get("start"))
    chosen = _choice(service, practitioner_id, start)
    if chosen is None or practitioner_id is None or start is None:
        return _gone(service), 409
    form = clean(request.form, PERSON_FIELDS)
    try:
        # Each request sends an e-mail: a small budget per address and hour.
        _throttle("request", public_booking.REQUEST_BUDGET, timedelta(hours=1))
        person = parse(public_booking.NewPatientIn, form)
        row = public_booking.request_booking(session, service.id, practitioner_id, start,
                                             person)
        token = _signer().dumps(row.id)
        public_booking.send_verification(
            session, row,
            public_booking.site_url() + url_for("public_booking.verify", token=token),
            _clinic_name())
    except TooMany as exc:
        return _too_many(exc)
    except (FormError, ServiceError) as exc:
        rollback()
        if isinstance(exc, ServiceError) and exc.status == 404:
            raise
        errors = (exc if isinstance(exc, FormError) else service_errors(exc)).errors
        if "start" in errors:
            return _gone(service), 409
        return render_template("public/confirm.html", service=service, chosen=chosen,
                               form=form, errors=errors, zone=clinic_tz()), 422
    return redirect(url_for("public_booking.sent"))


@bp.route("/sent")
@public
def sent() -> str:
    return render_template(
        "public/message.html", title="Check your e-mail",
        message="We have sent a link to the address you gave. Open it within "
                f"{public_booking.VERIFY_HOURS} hours to confirm your e-mail and make the "
                "booking: nothing is booked until then.")


def _request_id(token: str) -> int | None:
    try:
        value = _signer().loads(token, max_age=public_booking.VERIFY_HOURS * 3600)
    except SignatureExpired:
        return -1
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def _bad_link(request_id: int | None) -> tuple[str, int]:
    expired = request_id == -1
    return render_template(
        "public/message.html",
        title="This link has expired" if expired else "This link does not work",
        message=("The link works for a limited time. Please choose a time again: we will "
                 "send a new one." if expired else
                 "Please check that you opened the whole link from the e-mail, or choose "
                 "a time again."),
        back=url_for("public_booking.services")), (410 if expired else 404)


@bp.route("/verify/<token>", methods=["GET", "POST"])
@public
def verify(token: str) -> str | tuple[str, int]:
    """The link from the e-mail. Opening it shows the booking and a button: mail scanners
    that open links make no booking (only the button's POST does)."""
    request_id = _request_id(token)
    if request_id is None or request_id < 1:
        return _bad_link(request_id)
    session = db()
    try:
        row = public_booking.pending_request(session, request_id)
    except NotFound:
        return _bad_link(None)
    if request.method == "GET" and row.status == "pending":
        service = session.get(Service, row.service_id)
        practitioner = session.get(Practitioner, row.practitioner_id)
        return render_template("public/verify.html", row=row, service=service,
                               practitioner=practitioner, token=token, zone=clinic_tz())
    outcome = public_booking.verify(session, request_id)
    return _outcome_page(outcome, token)


def _outcome_page(outcome: public_booking.Verified, token: str,
                  errors: dict[str, str] | None = None) -> str | tuple[str, int]:
    session = db()
    service = session.get(Service, outcome.request.service_id)
    page = render_template("public/verified.html", outcome=outcome, service=service,
                           token=token, errors=errors or {}, zone=clinic_tz(),
                           min_password=users.MIN_PASSWORD,
                           practitioner=session.get(Practitioner,
                                                    outcome.request.practitioner_id))
    return page if outcome.appointment is not None else (page, 409)


@bp.route("/verify/<token>/rebook", methods=["POST"])
@public
def rebook(token: str) -> str | tuple[str, int]:
    request_id = _request_id(token)
    if request_id is None or request_id < 1:
        return _bad_link(request_id)
    start = _start_arg(request.form.get("start"))
    practitioner_id = _id_arg(request.form.get("practitioner"))
    if start is None or practitioner_id is None:
        return _bad_link(None)
    try:
        outcome = public_booking.rebook(db(), request_id, practitioner_id, start)
    except NotFound:
        return _bad_link(None)
    return _outcome_page(outcome, token)


@bp.route("/verify/<token>/account", methods=["POST"])
@public
def account(token: str) -> str | tuple[str, int]:
    """A portal password for the visitor whose e-mail the link verified."""
    request_id = _request_id(token)
    if request_id is None or request_id < 1:
        return _bad_link(request_id)
    session = db()
    password = request.form.get("password") or ""
    errors: dict[str, str] = {}
    if password != (request.form.get("password_again") or ""):
        errors["password"] = "the two passwords differ"
    else:
        try:
            public_booking.make_account(session, request_id, password)
        except ServiceError as exc:
            rollback()
            if exc.status == 404:
                return _bad_link(None)
            errors = service_errors(exc).errors
        except ValueError as exc:  # the password rules (length)
            rollback()
            errors = {"password": _password_problem(exc)}
    if errors:
        outcome = public_booking.verify(session, request_id)
        page = _outcome_page(outcome, token, errors)
        return (page if isinstance(page, str) else page[0]), 422
    return render_template(
        "public/message.html", title="Your portal account is ready",
        message="Sign in with your e-mail and the password you chose to see your "
                "appointments.", back=url_for("auth.login"), back_label="Sign in")


def _password_problem(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return str(found[0].get("msg", "")).removeprefix("Value error, ")
    return "choose another password"


@bp.route("/<int:service_id>/mine", methods=["GET", "POST"])
@requires("appointments.book", audience="patient")
def mine(service_id: int) -> str | tuple[str, int]:
    """A signed-in patient books the chosen time (the online-booking rules apply)."""
    service = _service(service_id)
    source = request.form if request.method == "POST" else request.args
    practitioner_id = _id_arg(source.get("practitioner"))
    start = _start_arg(source.get("start"))
    chosen = _choice(service, practitioner_id, start)
    if chosen is None or practitioner_id is None or start is None:
        return _gone(service), 409
    if request.method == "GET":
        return render_template("public/mine.html", service=service, chosen=chosen,
                               zone=clinic_tz())
    try:
        appointment = public_booking.book_online(db(), actor(), service.id, practitioner_id,
                                                 start)
    except ServiceError as exc:
        rollback()
        if exc.status == 403:
            raise
        return render_template("public/message.html", title="Not booked",
                               message=exc.message,
                               back=url_for("public_booking.times",
                                            service_id=service.id)), exc.status
    return render_template("public/booked.html", service=service, chosen=chosen,
                           appointment=appointment, zone=clinic_tz())


@bp.route("/offer/<int:offer_id>/<secret>", methods=["GET", "POST"])
@public
def offer(offer_id: int, secret: str) -> str | tuple[str, int]:
    """A waitlist offer's link: the time and a button to take it (a POST: mail scanners
    that open links take nothing)."""
    session = db()
    try:
        found = waitlist_offers.find(session, offer_id, secret[:64])
    except NotFound:
        return render_template("public/message.html", title="This link does not work",
                               message="Please check that you opened the whole link from "
                                       "the message."), 404
    if request.method == "POST":
        answer = waitlist_offers.accept(session, offer_id, secret[:64])
        current, appointment = answer.state, answer.appointment
    else:
        current, appointment = waitlist_offers.state(found), None
    service = session.get(Service, found.service_id) if found.service_id else None
    practitioner = session.get(Practitioner, found.practitioner_id)
    status = {"open": 200, "accepted": 200, "gone": 409, "expired": 410}[current]
    return render_template("public/offer.html", offer=found, state=current,
                           appointment=appointment, service=service,
                           practitioner=practitioner, zone=clinic_tz(),
                           posted=request.method == "POST"), status


def day_label(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return f"{day:%a} {day.day} {day:%b}"


@bp.app_template_filter("book_day")
def _book_day(day: date) -> str:
    return day_label(day, datetime.now(clinic_tz()).date())
