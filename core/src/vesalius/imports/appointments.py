"""Importing appointments (past and future) from another system: each row names its patient
by the external id a patient import gave them, its practitioner by e-mail or name, its
service and location by name. Imported visits are history, not bookings: no booking rules
(hours, lead time) and no messages to patients, but the database's double-booking guard
still judges every row, and a clash is reported by row like any other problem."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..models import Appointment, Case, Location, Practitioner, Service, User
from ..models.scheduling import ACTIVE_STATUSES, STATUSES
from ..services import audit
from ..services.actor import Actor
from ..services.common import changes, clinic_timezone
from ..services.scheduling import location_zone
from . import rows as cells
from .presets import Preset
from .report import ImportReport
from .rows import RowError

REQUIRED = ("external_id", "patient_external_id", "practitioner", "start")
#: Status words of other systems (normalised: lower case, letters only) -> ours.
STATUS_WORDS = {
    **{s.replace("-", ""): s for s in STATUSES},
    "scheduled": "booked", "pending": "booked", "unconfirmed": "booked",
    "checkedin": "arrived", "inprogress": "in-session", "attended": "completed",
    "arrivedandcompleted": "completed", "complete": "completed", "canceled": "cancelled",
    "latecancel": "late-cancelled", "latecancellation": "late-cancelled",
    "latecanceled": "late-cancelled", "noshow": "no-show", "didnotarrive": "no-show",
    "dna": "no-show", "missed": "no-show",
}
MAX_LENGTH = timedelta(hours=24)


def lookup(session: Session) -> dict[str, Callable[[str], int | None]]:
    """Name -> id finders for practitioners (e-mail or name), services and locations; each
    table is small, so it is read once."""
    pracs: dict[str, int] = {}
    for pid, name, email in session.execute(
            select(Practitioner.id, Practitioner.display_name, User.email)
            .outerjoin(User, User.id == Practitioner.user_id)):
        pracs.setdefault(name.strip().lower(), pid)
        if email:
            pracs[email.lower()] = pid
    services = {n.strip().lower(): i for i, n in session.execute(select(Service.id, Service.name))}
    places = {n.strip().lower(): i for i, n in session.execute(select(Location.id, Location.name))}
    return {"practitioner": lambda v: pracs.get(v.strip().lower()),
            "service": lambda v: services.get(v.strip().lower()),
            "location": lambda v: places.get(v.strip().lower())}


def import_appointments(session: Session, actor: Actor, text: str, preset: Preset, *,
                        dry_run: bool = False, date_format: str | None = None,
                        extra_map: dict[str, str] | None = None) -> ImportReport:
    actor.require("imports.run")
    table = cells.read(text, preset, "appointments", REQUIRED, extra_map)
    report = ImportReport("appointments", preset.name, dry_run, rows=len(table.rows),
                          ignored_columns=table.ignored)
    find = lookup(session)
    durations = dict(session.execute(select(Service.id, Service.duration_minutes)).all())
    default_location = dict(session.execute(
        select(Practitioner.id, Practitioner.default_location_id)).all())
    zones: dict[int | None, Any] = {}
    patient_ids = cells.patient_ids(session, [v.get("patient_external_id", "")
                                              for _, v in table.rows])
    cases = _cases(session, [v.get("case_external_id", "") for _, v in table.rows])
    checked: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, values in table.rows:
        data = _row(number, values, find, patient_ids, durations, default_location, zones,
                    session, date_format, report.errors)
        if data is not None and values.get("case_external_id"):
            case = cases.get(values["case_external_id"])
            if case is None or case[1] != data["patient_id"]:
                report.errors.append(RowError(
                    number, "case_external_id", "no case of this patient has this external "
                                                "id (import the cases first)"))
                continue
            data["case_id"] = case[0]
        if data is None:
            continue
        cells.keep_first(checked, values["external_id"], number, data, report.errors)
    if report.errors:
        return report
    existing: dict[str, Appointment] = cells.by_external_id(session, Appointment,
                                                            list(checked))
    now = utcnow()
    new: list[tuple[int, dict[str, Any]]] = []
    for external_id, (number, data) in checked.items():
        appointment = existing.get(external_id)
        if appointment is None:
            new.append((number, {"case_id": None, **data, "external_id": external_id,
                                 "status_changed_at": now,
                                 "created_by": actor.user_id, "created_at": now,
                                 "updated_at": now}))
        elif changed := changes(appointment, data):
            audit.record(session, actor, "update", "appointment", appointment.id,
                         appointment.patient_id,
                         detail="import; fields: " + ", ".join(sorted(changed)))
            report.updated += 1
        else:
            report.unchanged += 1
    try:
        with session.begin_nested():
            session.flush()  # the updates: the guard judges moved times too
    except IntegrityError:
        report.errors.append(RowError(0, "start", "an updated appointment now overlaps "
                                      "another of its practitioner or room"))
        return report
    if new:
        _insert(session, actor, new, report)
    return report


def _cases(session: Session, external_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Imported cases by external id: (case id, patient id)."""
    found: dict[str, tuple[int, int]] = {}
    for chunk in cells.chunks(sorted({e for e in external_ids if e})):
        found.update((e, (i, p)) for e, i, p in session.execute(
            select(Case.external_id, Case.id, Case.patient_id)
            .where(Case.external_id.in_(chunk))))
    return found


def _row(number: int, values: dict[str, str], find: dict[str, Callable[[str], int | None]],
         patient_ids: dict[str, int], durations: dict[int, int],
         default_location: dict[int, int | None], zones: dict[int | None, Any],
         session: Session, date_format: str | None,
         errors: list[RowError]) -> dict[str, Any] | None:
    before = len(errors)

    def bad(field: str, message: str) -> None:
        errors.append(RowError(number, field, message))

    patient_id = cells.patient_of(number, values, patient_ids, errors)
    ids: dict[str, int | None] = {}
    for field in ("practitioner", "service", "location"):
        raw = values.get(field)
        ids[field] = find[field](raw) if raw else None
        if raw and ids[field] is None:
            what = "e-mail or name" if field == "practitioner" else "name"
            bad(field, f"no {field} with this {what}: {raw[:80]}")
    if "practitioner" not in values:
        bad("practitioner", "required")
    practitioner_id, service_id = ids["practitioner"], ids["service"]
    location_id = ids["location"] or (default_location.get(practitioner_id)
                                      if practitioner_id else None)
    if location_id not in zones:
        zones[location_id] = (location_zone(session, location_id) if location_id
                              else clinic_timezone())
    zone = zones[location_id]
    start = end = None
    try:
        start = cells.moment(values.get("start", ""), date_format, zone)
    except ValueError as exc:
        bad("start", str(exc))
    if values.get("end"):
        try:
            end = cells.moment(values["end"], date_format, zone)
        except ValueError as exc:
            bad("end", str(exc))
    elif start is not None:
        minutes = values.get("duration_minutes")
        if minutes:
            if not minutes.isdigit() or not 1 <= int(minutes) <= 24 * 60:
                bad("duration_minutes", "must be a whole number of minutes, 1 to 1440")
            else:
                end = start + timedelta(minutes=int(minutes))
        elif service_id is not None:
            end = start + timedelta(minutes=durations[service_id])
        else:
            bad("end", "give end, duration_minutes or a service (its length)")
    if start is not None and end is not None and not start < end <= start + MAX_LENGTH:
        bad("end", "must be after the start, at most 24 hours later")
    status = "booked"
    if values.get("status"):
        word = "".join(ch for ch in values["status"].lower() if ch.isalpha())
        status = STATUS_WORDS.get(word, "")
        if not status:
            bad("status", "must be booked, confirmed, arrived, completed, cancelled, "
                          "late-cancelled or no-show")
    for field, limit in (("booking_note", 500), ("cancel_reason", 300),
                         ("external_id", 100)):
        if len(values.get(field, "")) > limit:
            bad(field, f"at most {limit} characters")
    if len(errors) > before:
        return None
    assert start is not None and end is not None and patient_id is not None
    return {"patient_id": patient_id, "practitioner_id": practitioner_id,
            "service_id": service_id, "location_id": location_id, "start_at": start,
            "end_at": end, "status": status, "booking_note": values.get("booking_note"),
            "cancel_reason": values.get("cancel_reason")}


def _insert(session: Session, actor: Actor, new: list[tuple[int, dict[str, Any]]],
            report: ImportReport) -> None:
    """All new rows in one statement; when the guard refuses it, row by row (each in a
    savepoint) to name every row that clashes."""
    statement = insert(Appointment).returning(
        Appointment.id, Appointment.patient_id, sort_by_parameter_order=True)
    try:
        with session.begin_nested():
            created = session.execute(statement, [row for _, row in new]).all()
    except IntegrityError:
        created = []
        for number, row in new:
            try:
                with session.begin_nested():
                    created.append(session.execute(statement, [row]).one())
            except IntegrityError:
                report.errors.append(RowError(number, "start", _clash_words(session, row)))
        if report.errors:
            return
    audit.record_many(session, actor, "create", "appointment",
                      [(aid, pid) for aid, pid in created], detail="import")
    report.created = len(created)


def _clash_words(session: Session, row: dict[str, Any]) -> str:
    """Which appointment is in the way: by its external id when it was imported too."""
    other = session.execute(
        select(Appointment.id, Appointment.external_id)
        .where(Appointment.practitioner_id == row["practitioner_id"],
               Appointment.start_at < row["end_at"], Appointment.end_at > row["start_at"],
               Appointment.status.in_(ACTIVE_STATUSES)).limit(1)).first()
    if other is None:
        return "overlaps another appointment in the same room"
    name = (f"the imported appointment {other.external_id}" if other.external_id
            else "an appointment booked in Vesalius")
    return f"overlaps {name} of the same practitioner"
