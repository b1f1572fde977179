"""Front desk: the booking form and the waitlist.

Routes on the calendar's blueprint (``calendar.book``, ``calendar.waitlist_page`` and the
waitlist's actions), so their URLs and endpoint names are those of the front desk's other
pages; :mod:`.calendar` imports this module to register them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import Location, Practitioner, Room, Service
from ..services import booking_rules, clinic, practitioners, recurrence, scheduling, waitlist
from ..services import cases as case_service
from ..services.common import clinic_timezone, parse_id
from .calendar import bp
from .context import actor, db, rollback
from .forms import FormError, clean, parse, service_errors
from .security import requires

# -- booking ---------------------------------------------------------------------------

#: The booking form's "repeats" choices: every N weeks.
REPEAT_WEEKS = (1, 2, 3, 4)
#: The quick "new patient" fields of the booking form (``new_`` + the patient's field).
NEW_PATIENT = ("given_name", "family_name", "birth_date", "phone", "email")


class _OutsideHours(FormError):
    """The booking falls outside working hours and the clinic asks for a confirmation."""


def _local_start(day_text: str | None, clock_text: str | None, zone: tzinfo) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(day_text or ""),
                                time.fromisoformat(clock_text or ""), zone)
    except ValueError:
        raise FormError({"start": "Give a date and a time."}) from None


def _booking_choices(zone: tzinfo) -> dict[str, Any]:
    session = db()
    who = actor()
    staff = practitioners.list_practitioners(session, who)
    services = clinic.list_services(session, who)
    locations = practitioners.list_locations(session, who)
    today = datetime.now(zone).date()
    monday = today + timedelta(days=7 - today.weekday())
    quick = [("Today", today), ("Tomorrow", today + timedelta(days=1)),
             ("Next Monday", monday)]
    return {"practitioners": staff, "services": services, "locations": locations,
            "quick_days": [(label, day.isoformat(), f"{day:%a %d %b}") for label, day in quick],
            "repeat_weeks": REPEAT_WEEKS}


@bp.route("/book", methods=["GET", "POST"])
@requires("appointments.book")
def book() -> str | Response | tuple[str, int]:
    """The booking form: an existing or a new patient, one visit or a weekly series (its
    dates previewed with clashes named), the clinic's outside-hours rule, and a slot
    offered from the waitlist."""
    zone = clinic_timezone(_first_zone())
    errors: dict[str, str] = {}
    message = None
    preview: list[dict[str, str]] = []
    outside_warning = None
    if request.method == "GET":
        form = _form_from_args(zone)
    else:
        form = request.form.to_dict()
        try:
            if form.get("preview") or form.get("action") == "preview":
                preview = _preview(form, zone)
            else:
                return _book(form, zone)
        except FormError as exc:
            rollback()  # a refused booking keeps nothing (nor a new patient, nor a case)
            errors, message = exc.errors, exc.message
            if isinstance(exc, _OutsideHours):
                outside_warning, message = exc.message, None
        else:
            rollback()  # a preview books nothing
        if parse_id(form.get("patient_id")):
            _prefill_patient(form)
    if parse_id(form.get("waitlist_id")):
        _prefill_waitlist(form)
    return render_template("calendar/book.html", form=form, errors=errors, message=message,
                           preview=preview, outside_warning=outside_warning,
                           package_lines=_package_lines(form),
                           show_packages=actor().can("packages.read"),
                           **_booking_choices(zone)), (422 if errors else 200)


def _package_lines(form: dict[str, Any]) -> list[str]:
    """The packages the chosen patient's visit of the chosen service would draw on."""
    from .packages import booking_lines

    patient_id, service_id = parse_id(form.get("patient_id")), parse_id(form.get("service_id"))
    if patient_id is None or service_id is None or not actor().can("packages.read"):
        return []
    return booking_lines(patient_id, service_id)


def _form_from_args(zone: tzinfo) -> dict[str, Any]:
    """The form as a link opens it: a grid cell's practitioner, room and time, a patient's
    "Book" button, or a waitlist offer (patient, service, case and the freed slot)."""
    args = request.args
    try:
        start = datetime.fromisoformat(args["start"]).astimezone(zone) if args.get("start") \
            else datetime.now(zone).replace(minute=0, second=0, microsecond=0) \
            + timedelta(hours=1)
    except ValueError:
        start = datetime.now(zone).replace(minute=0, second=0, microsecond=0)
    minutes = args.get("minutes", "")
    form: dict[str, Any] = {
        "practitioner_id": args.get("practitioner", ""), "room_id": args.get("room", ""),
        "date": start.date().isoformat(), "time": start.strftime("%H:%M"),
        "patient_id": args.get("patient", ""), "service_id": args.get("service", ""),
        "case_id": args.get("case", ""), "minutes": minutes if minutes.isdecimal() else "",
        "repeat_count": "6"}
    entry_id = parse_id(args.get("waitlist"))
    if entry_id is not None:
        try:
            entry = waitlist.open_entry(db(), actor(), entry_id)
        except ServiceError as exc:
            flash(f"Waitlist: {exc.message}.", "error")
        else:
            form["waitlist_id"] = str(entry.id)
            form["patient_id"] = str(entry.patient_id)
            form["practitioner_id"] = form["practitioner_id"] or str(
                entry.practitioner_id or "")
            form["service_id"] = form["service_id"] or str(entry.service_id or "")
            form["case_id"] = form["case_id"] or str(entry.case_id or "")
    if form["patient_id"]:
        _prefill_patient(form)
    return form


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
    form["patient_name"] = patient.display_name
    form["patient_cases"] = [
        (c.id, f"{c.title or f'Case {c.id}, details restricted'} ({c.discipline})")
        for c in case_service.of_patient(db(), actor(), patient.id, status="open")]


def _prefill_waitlist(form: dict[str, Any]) -> None:
    """The banner of a waitlist offer: who is offered the slot, and what they asked for."""
    from ..models import WaitlistEntry

    entry = db().get(WaitlistEntry, int(form["waitlist_id"]))
    if entry is None or entry.status != "waiting":
        form["waitlist_id"] = ""
        return
    form["waitlist_note"] = entry.note or ""


def _patient(form: dict[str, Any]) -> int:
    """The chosen patient, or the new one the form registers (after a duplicate check)."""
    chosen = parse_id(form.get("patient_id"))
    if chosen is not None:
        return chosen
    fields = {name: (form.get(f"new_{name}") or "").strip() for name in NEW_PATIENT}
    if not any(fields.values()):
        raise FormError({"patient_id": "Choose a patient, or enter a new patient's name."})
    from ..services import patients
    from .patients import _duplicates

    missing = {f"new_{name}": "Required for a new patient." for name in
               ("given_name", "family_name") if not fields[name]}
    if missing:
        raise FormError(missing)
    data = {k: v for k, v in fields.items() if v}
    try:
        patient_in = parse(patients.PatientIn, data)
    except FormError as exc:
        raise FormError({f"new_{k}": v for k, v in exc.errors.items()}) from None
    if form.get("new_confirmed") != "yes":
        same = _duplicates(data)
        if same:
            names = "; ".join(p.display_name + (f" ({p.birth_date:%d %b %Y})"
                                                if p.birth_date else "") for p in same[:3])
            form["new_duplicates"] = "1"
            raise FormError({"new_given_name": f"Possibly registered already: {names}. "
                             "Find them above, or tick \"It is a new patient\"."})
    try:
        return patients.create(db(), actor(), patient_in).id
    except ServiceError as exc:
        raise service_errors(exc) from None


def _booking_in(form: dict[str, Any], zone: tzinfo, patient_id: int) -> scheduling.BookingIn:
    """One visit as the form describes it (a "new" case is left for :func:`_new_case`)."""
    session = db()
    data = clean(form, ("practitioner_id", "service_id", "room_id", "case_id",
                        "booking_note"))
    data["patient_id"] = patient_id
    if not data.get("practitioner_id"):
        raise FormError({"practitioner_id": "Choose a practitioner."})
    start = _local_start(form.get("date"), form.get("time"), zone)
    data["start"] = start
    minutes = (form.get("minutes") or "").strip()
    if minutes:
        if not minutes.isdecimal() or not 5 <= int(minutes) <= 24 * 60:
            raise FormError({"minutes": "Give the length in minutes (5 or more)."})
        data["end"] = start + timedelta(minutes=int(minutes))
    elif not data.get("service_id"):
        raise FormError({"service_id": "Choose a service, or give a length in minutes."})
    if data.get("room_id"):
        room = session.get(Room, parse_id(data["room_id"]) or 0)
        if room is None:
            raise FormError({"room_id": "Unknown room."})
        data["location_id"] = room.location_id
    else:
        practitioner = session.get(Practitioner, parse_id(data["practitioner_id"]) or 0)
        if practitioner is not None:
            data["location_id"] = practitioner.default_location_id
        if data.get("location_id") is None:  # the clinic's (first) location: on its calendar
            from sqlalchemy import select

            data["location_id"] = session.scalar(
                select(Location.id).where(Location.active.is_(True)).order_by(Location.id)
                .limit(1))
    if data.get("case_id") == "new":
        data["case_id"] = None
    return parse(scheduling.BookingIn, {k: v for k, v in data.items() if v is not None})


def _rule(form: dict[str, Any], zone: tzinfo) -> recurrence.RecurrenceIn | None:
    """The form's "repeats" part: every N weeks, for a number of visits or until a date."""
    weeks = (form.get("repeat_weeks") or "").strip()
    if weeks in ("", "0"):
        return None
    if not weeks.isdecimal() or int(weeks) not in REPEAT_WEEKS:
        raise FormError({"repeat_weeks": "Choose how often it repeats."})
    values: dict[str, Any] = {"frequency": "weekly", "interval": int(weeks)}
    if form.get("repeat_end") == "until":
        try:
            until = date.fromisoformat(form.get("repeat_until") or "")
        except ValueError:
            raise FormError({"repeat_until": "Give the date of the last visit."}) from None
        values["until"] = datetime.combine(until, time.max, zone)
    else:
        count = (form.get("repeat_count") or "").strip()
        if not count.isdecimal() or not 2 <= int(count) <= recurrence.MAX_OCCURRENCES:
            raise FormError({"repeat_count": "Give the number of visits "
                             f"(2 to {recurrence.MAX_OCCURRENCES})."})
        values["count"] = int(count)
    try:
        return recurrence.RecurrenceIn(**values)
    except ValueError:
        raise FormError({"repeat_until": "Give the date of the last visit."}) from None


def _series_in(booking: scheduling.BookingIn, rule: recurrence.RecurrenceIn,
               skip: bool = False) -> recurrence.SeriesBookingIn:
    return recurrence.SeriesBookingIn(**booking.model_dump(), recurrence=rule,
                                      skip_conflicts=skip)


def _preview(form: dict[str, Any], zone: tzinfo) -> list[dict[str, str]]:
    """The series' dates, each free, clashing (with whom, in local time) or outside working
    hours; nothing is booked (the caller rolls back)."""
    rule = _rule(form, zone)
    if rule is None:
        raise FormError({"repeat_weeks": "Choose how often it repeats to see its dates."})
    booking = _booking_in(form, zone, _patient(form))
    try:
        dates = recurrence.preview(db(), actor(), _series_in(booking, rule))
    except ServiceError as exc:
        raise service_errors(exc) from None
    rows = []
    for d in dates:
        start, end = d.start.astimezone(zone), d.end.astimezone(zone)
        rows.append({"date": f"{start:%a %d %b %Y}", "time": f"{start:%H:%M}-{end:%H:%M}",
                     "state": "clash" if d.clash else "outside" if d.outside else "free",
                     "words": d.clash or d.outside or "Free"})
    form["previewed"] = "1"
    return rows


def _book(form: dict[str, Any], zone: tzinfo) -> Response:
    session, who = db(), actor()
    waitlist_id = parse_id(form.get("waitlist_id"))
    if waitlist_id is not None:  # an offered slot: what is booked is chosen, not assumed
        missing = {}
        if not form.get("service_id"):
            missing["service_id"] = "Choose the service for this visit."
        if not form.get("case_id"):
            missing["case_id"] = "Choose the patient's case, or a new one."
        if missing:
            raise FormError(missing)
    rule = _rule(form, zone)
    patient_id = _patient(form)
    booking = _booking_in(form, zone, patient_id)
    confirmed = bool(form.get("outside_ok"))  # the "Book anyway" button
    try:
        if rule is None:
            slot = scheduling.resolve(session, who, booking)
            _judge(booking_rules.outside_hours(session, slot.practitioner_id, slot.location_id,
                                               [(slot.start, slot.end)]), confirmed)
            if form.get("case_id") == "new":
                slot = replace(slot, case_id=_new_case(form, booking))
            booked = [scheduling.insert(session, who, slot, status=booking.status,
                                        booking_note=booking.booking_note)]
            skipped: list[datetime] = []
        else:
            series = _series_in(booking, rule, form.get("skip_conflicts") == "1")
            _judge([d.outside for d in recurrence.preview(session, who, series)], confirmed)
            if form.get("case_id") == "new":
                series = series.model_copy(update={"case_id": _new_case(form, booking)})
            booked, skipped = recurrence.book_series(session, who, series)
            if not booked:
                raise FormError({"start": "Every date clashes with another booking."})
        if waitlist_id is not None:
            waitlist.take(session, who, waitlist_id, booked[0])
    except ServiceError as exc:
        raise service_errors(exc) from None
    first = booked[0]
    local = first.start_at.astimezone(zone)
    name = form.get("patient_name") or _patient_name(patient_id)
    if rule is None:
        flash(f"Booked {name}, {local:%a %d %b %Y %H:%M}.", "success")
    else:
        note = ""
        if skipped:
            note = f" ({len(skipped)} clashing date{'s' if len(skipped) > 1 else ''} " \
                   "skipped: " + ", ".join(f"{s.astimezone(zone):%a %d %b}" for s in skipped) \
                   + ")"
        flash(f"Booked {len(booked)} visits for {name} from {local:%a %d %b %Y %H:%M}"
              f"{note}.", "success")
    if waitlist_id is not None:
        return redirect(url_for("calendar.appointment", appointment_id=first.id))
    return redirect(url_for("calendar.day", date=local.date().isoformat(),
                            location=first.location_id or ""))


def _judge(words: list[str | None], confirmed: bool) -> None:
    try:
        booking_rules.judge(db(), words, confirmed)
    except ServiceError as exc:
        if exc.details and exc.details[0].get("outside_hours") == "warn":
            raise _OutsideHours({}, exc.message) from None
        raise


def _patient_name(patient_id: int) -> str:
    from ..models import Patient

    patient = db().get(Patient, patient_id)
    return patient.display_name if patient else "the patient"


def _new_case(form: dict[str, Any], booking: scheduling.BookingIn) -> int:
    """A booking that starts a new episode of care opens its case in the same step."""
    session = db()
    service = session.get(Service, booking.service_id) if booking.service_id else None
    practitioner = session.get(Practitioner, booking.practitioner_id)
    discipline = service.discipline if service else (
        practitioner.disciplines[0] if practitioner and practitioner.disciplines else "general")
    title = (form.get("case_title") or "").strip() or (service.name if service else "New case")
    case_in = parse(case_service.CaseIn, {
        "patient_id": booking.patient_id, "discipline": discipline, "title": title,
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
