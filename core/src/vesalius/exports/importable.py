"""The export's ``import/`` files: patients, cases, appointments and opening balances in
the import's generic format, so another Vesalius (``vesalius import archive``), or anything
reading CSV, takes them straight back. Every row's external id is the one it was imported
with, else ``vesalius-<kind>-<id>``; staff, services and locations are named by e-mail or
name (the new clinic sets those up itself)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..backup.manifest import balances
from ..db.types import utcnow
from ..imports.presets import (
    APPOINTMENT_FIELDS,
    BALANCE_FIELDS,
    CASE_FIELDS,
    PATIENT_FIELDS,
)
from ..models import Appointment, Case, Location, Patient, Practitioner, Service, User

if TYPE_CHECKING:
    from .archive import Export

BATCH = 2000


def _external(prefix: str, row_id: int | None, external_id: str | None) -> str | None:
    if row_id is None:
        return None
    return external_id or f"vesalius-{prefix}-{row_id}"


def write(session: Session, export: Export, patient_id: int | None) -> None:
    _patients(session, export, patient_id)
    _cases(session, export, patient_id)
    _appointments(session, export, patient_id)
    _balances(session, export, patient_id)


def _patients(session: Session, export: Export, patient_id: int | None) -> None:
    fields = [f for f in PATIENT_FIELDS if f != "external_id"]
    statement = select(Patient.id, Patient.external_id, *[getattr(Patient, f) for f in fields])
    if patient_id is not None:
        statement = statement.where(Patient.id == patient_id)
    export.csv("import/patients.csv", list(PATIENT_FIELDS), (
        (_external("patient", r[0], r[1]), *r[2:]) for r in session.execute(
            statement.order_by(Patient.id).execution_options(yield_per=BATCH))))


def _cases(session: Session, export: Export, patient_id: int | None) -> None:
    plain = [f for f in CASE_FIELDS if f not in (
        "external_id", "patient_external_id", "practitioner", "diagnosis_codes")]
    statement = (
        select(Case.id, Case.external_id, Patient.id, Patient.external_id, User.email,
               Practitioner.display_name, Case.diagnosis_codes,
               *[getattr(Case, f) for f in plain])
        .join(Patient, Patient.id == Case.patient_id)
        .outerjoin(Practitioner, Practitioner.id == Case.primary_practitioner_id)
        .outerjoin(User, User.id == Practitioner.user_id))
    if patient_id is not None:
        statement = statement.where(Case.patient_id == patient_id)

    def rows() -> Iterator[dict[str, Any]]:
        for cid, ext, pid, pext, email, name, codes, *rest in session.execute(
                statement.order_by(Case.id).execution_options(yield_per=BATCH)):
            yield {"external_id": _external("case", cid, ext),
                   "patient_external_id": _external("patient", pid, pext),
                   "practitioner": email or name, "diagnosis_codes": " ".join(codes or []),
                   **dict(zip(plain, rest, strict=True))}

    export.csv("import/cases.csv", list(CASE_FIELDS),
               ([row[f] for f in CASE_FIELDS] for row in rows()))


def _appointments(session: Session, export: Export, patient_id: int | None) -> None:
    case = aliased(Case)
    statement = (
        select(Appointment.id, Appointment.external_id, Patient.id, Patient.external_id,
               User.email, Practitioner.display_name, Service.name, Location.name,
               Appointment.start_at, Appointment.end_at, Appointment.status,
               Appointment.booking_note, Appointment.cancel_reason, case.id, case.external_id)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
        .outerjoin(User, User.id == Practitioner.user_id)
        .outerjoin(Service, Service.id == Appointment.service_id)
        .outerjoin(Location, Location.id == Appointment.location_id)
        .outerjoin(case, case.id == Appointment.case_id))
    if patient_id is not None:
        statement = statement.where(Appointment.patient_id == patient_id)
    header = [f for f in APPOINTMENT_FIELDS if f not in ("duration_minutes",)]

    def rows() -> Iterator[tuple[Any, ...]]:
        for (aid, ext, pid, pext, email, name, service, location, start, end, status,
             note, reason, cid, cext) in session.execute(
                statement.order_by(Appointment.id).execution_options(yield_per=BATCH)):
            yield (_external("appointment", aid, ext), _external("patient", pid, pext),
                   email or name, service, location, start, end, status, note, reason,
                   _external("case", cid, cext))

    export.csv("import/appointments.csv", header, rows())


def _balances(session: Session, export: Export, patient_id: int | None) -> None:
    """Each patient's balances as the account defines them (the backup's check reads the
    same), where any is not zero."""
    owed = [(pid, b) for pid, b in balances(session.connection()) if any(b)
            and patient_id in (None, pid)]
    known: dict[int, str | None] = {}
    ids = [pid for pid, _ in owed]
    for i in range(0, len(ids), 900):
        known.update(session.execute(select(Patient.id, Patient.external_id)
                                     .where(Patient.id.in_(ids[i:i + 900]))).all())
    today = utcnow().date()
    assert BALANCE_FIELDS == ("patient_external_id", "patient_balance", "insurer_balance",
                              "credit", "as_of")
    export.csv("import/balances.csv", list(BALANCE_FIELDS), (
        (_external("patient", pid, known.get(pid)), patient, insurer, credit, today)
        for pid, (patient, insurer, credit) in owed))
