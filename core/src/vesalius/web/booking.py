"""Front desk: the booking form and the waitlist.

Routes on the calendar's blueprint (``calendar.book``, ``calendar.waitlist_page`` and the
waitlist's actions), so their URLs and endpoint names are those of the front desk's other
pages; :mod:`.calendar` imports this module to register them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import Location, Practitioner, Room, Service
from ..services import cases as case_service
from ..services import clinic, practitioners, scheduling, waitlist
from ..services.common import clinic_timezone, parse_id, value_problem
from .calendar import bp
from .context import actor, db
from .forms import FormError, clean, parse, service_errors
from .security import requires

# -- booking ---------------------------------------------------------------------------


def _local_start(day_text: str | None, clock_text: str | None, zone: tzinfo) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(day_text or ""),
                                time.fromisoformat(clock_text or ""), zone)
    except ValueError:
        raise FormError({"start": "Give a date and a time."}) from None


def _booking_choices(practitioner_id: int | None) -> dict[str, Any]:
    session = db()
    who = actor()
    staff = practitioners.list_practitioners(session, who)
    services = clinic.list_services(session, who)
    locations = practitioners.list_locations(session, who)
    return {"practitioners": staff, "services": services, "locations": locations}


@bp.route("/book", methods=["GET", "POST"])
@requires("appointments.book")
def book() -> str | Response | tuple[str, int]:
    zone = clinic_timezone(_first_zone())
    errors: dict[str, str] = {}
    message = None
    form: dict[str, Any] = {}
    if request.method == "GET":
        start_arg = request.args.get("start")
        try:
            start = datetime.fromisoformat(start_arg).astimezone(zone) if start_arg \
                else datetime.now(zone).replace(minute=0, second=0, microsecond=0) \
                + timedelta(hours=1)
        except ValueError:
            start = datetime.now(zone).replace(minute=0, second=0, microsecond=0)
        form = {"practitioner_id": request.args.get("practitioner", ""),
                "room_id": request.args.get("room", ""), "date": start.date().isoformat(),
                "time": start.strftime("%H:%M"), "patient_id": request.args.get("patient", "")}
        if form["patient_id"]:
            _prefill_patient(form)
    else:
        form = request.form.to_dict()
        try:
            appointment = _book_from_form(form, zone)
        except FormError as exc:
            from .context import rollback

            rollback()
            errors, message = exc.errors, exc.message
            if parse_id(form.get("patient_id")):
                _prefill_patient(form)
        else:
            flash("Booked.", "success")
            local = appointment.start_at.astimezone(zone)
            return redirect(url_for("calendar.day", date=local.date().isoformat(),
                                    location=appointment.location_id or ""))
    choices = _booking_choices(parse_id(str(form.get("practitioner_id", ""))))
    return render_template("calendar/book.html", form=form, errors=errors, message=message,
                           **choices), (422 if errors else 200)


def _first_zone() -> str | None:
    from sqlalchemy import select

    return db().scalar(select(Location.timezone).where(Location.active.is_(True))
                       .order_by(Location.id).limit(1))


def _prefill_patient(form: dict[str, Any]) -> None:
    from ..services import patients

    try:
        patient = patients.read(db(), actor(), int(form["patient_id"]))
    except ServiceError:
        form["patient_id"] = ""
        return
    form["patient_label"] = f"{patient.display_name}" + (
        f" · {patient.birth_date:%d %b %Y}" if patient.birth_date else "")
    form["patient_cases"] = [
        (c.id, f"{c.title} ({c.discipline})")
        for c in case_service.of_patient(db(), actor(), patient.id, status="open")]


def _book_from_form(form: dict[str, Any], zone: tzinfo) -> Any:
    session = db()
    who = actor()
    data = clean(form, ("patient_id", "practitioner_id", "service_id", "room_id", "case_id",
                        "booking_note"))
    if not data.get("patient_id"):
        raise FormError({"patient_id": "Choose a patient."})
    start = _local_start(form.get("date"), form.get("time"), zone)
    data["start"] = start
    minutes = form.get("minutes", "").strip()
    if minutes:
        if not minutes.isdecimal() or not 5 <= int(minutes) <= 24 * 60:
            raise FormError({"minutes": "Give the length in minutes (5 or more)."})
        data["end"] = start + timedelta(minutes=int(minutes))
    elif not data.get("service_id"):
        raise FormError({"service_id": "Choose a service, or give a length in minutes."})
    if data.get("room_id"):
        room = session.get(Room, int(data["room_id"]))
        if room is None:
            raise FormError({"room_id": "Unknown room."})
        data["location_id"] = room.location_id
    else:
        practitioner = session.get(Practitioner, int(data["practitioner_id"] or 0))
        if practitioner is not None:
            data["location_id"] = practitioner.default_location_id
        if data.get("location_id") is None:  # the clinic's (first) location: on its calendar
            from sqlalchemy import select

            data["location_id"] = session.scalar(
                select(Location.id).where(Location.active.is_(True)).order_by(Location.id)
                .limit(1))
    if data.get("case_id") == "new":
        data["case_id"] = _new_case(form, data)
    booking = parse(scheduling.BookingIn, {k: v for k, v in data.items() if v is not None})
    try:
        return scheduling.book(session, who, booking)
    except ServiceError as exc:
        raise service_errors(exc) from None


def _new_case(form: dict[str, Any], data: dict[str, Any]) -> int:
    """A booking that starts a new episode of care opens its case in the same step."""
    session = db()
    service = session.get(Service, int(data["service_id"])) if data.get("service_id") else None
    practitioner = session.get(Practitioner, int(data.get("practitioner_id") or 0))
    discipline = service.discipline if service else (
        practitioner.disciplines[0] if practitioner and practitioner.disciplines else "general")
    title = (form.get("case_title") or "").strip() or (service.name if service else "New case")
    case_in = parse(case_service.CaseIn, {
        "patient_id": data["patient_id"], "discipline": discipline, "title": title,
        "primary_practitioner_id": practitioner.id if practitioner else None})
    try:
        return case_service.open_case(session, actor(), case_in).id
    except ServiceError as exc:
        raise service_errors(exc) from None


# -- waitlist --------------------------------------------------------------------------


@bp.route("/waitlist")
@requires("waitlist.read")
def waitlist_page() -> str:
    from .lookups import patients_by_id

    session = db()
    who = actor()
    entries = waitlist.waiting(session, who)
    names = patients_by_id(session, who, (e.patient_id for e in entries))
    staff = {p.id: p for p in practitioners.list_practitioners(session, who)}
    services = {s.id: s for s in clinic.list_services(session, who)}
    return render_template("calendar/waitlist.html", entries=entries, patients=names,
                           staff=staff, services=services, errors={}, form={})


@bp.route("/waitlist", methods=["POST"])
@requires("waitlist.write")
def waitlist_add() -> Response:
    data = clean(request.form, ("patient_id", "service_id", "practitioner_id", "earliest",
                                "latest", "part_of_day", "note"), lists=("weekdays",))
    data["weekdays"] = [int(d) for d in data.get("weekdays", []) if d.isascii() and d.isdigit()]
    try:
        waitlist.add(db(), actor(), parse(waitlist.WaitlistIn,
                                          {k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        from .context import rollback

        rollback()
        flash(exc.message if isinstance(exc, ServiceError) else
              "; ".join(f"{k}: {v}" for k, v in exc.errors.items()), "error")
    else:
        flash("Added to the waitlist.", "success")
    return redirect(url_for("calendar.waitlist_page"))


@bp.route("/waitlist/<int:entry_id>/remove", methods=["POST"])
@requires("waitlist.write")
def waitlist_remove(entry_id: int) -> Response:
    waitlist.remove(db(), actor(), entry_id)
    flash("Taken off the waitlist.", "success")
    return redirect(url_for("calendar.waitlist_page"))


@bp.route("/waitlist/<int:entry_id>/book", methods=["POST"])
@requires("waitlist.write")
def waitlist_book(entry_id: int) -> Response:
    """Offer a freed slot to a waiting patient: book them into it."""
    session = db()
    try:
        start = datetime.fromisoformat(request.form.get("start", ""))
        end = datetime.fromisoformat(request.form.get("end", ""))
        practitioner_id = parse_id(request.form.get("practitioner_id"))
    except ValueError:
        abort(400)
    if practitioner_id is None or value_problem(start) or value_problem(end):
        abort(400)
    room = request.form.get("room_id", "")
    try:
        appt = waitlist.book_from(session, actor(), entry_id, practitioner_id, start, end,
                                  parse_id(room))
    except ServiceError as exc:
        from .context import rollback

        rollback()
        if exc.status == 404:
            abort(404)
        flash(exc.message, "error")
        return redirect(url_for("calendar.waitlist_page"))
    flash("Booked from the waitlist.", "success")
    return redirect(url_for("calendar.appointment", appointment_id=appt.id))
