"""Appointment (every booking) and Encounter (every attended visit), both from the
appointments table: an Encounter's id is its appointment's id.

Appointment status from ours: booked and confirmed -> booked, arrived -> arrived,
in-session -> checked-in, completed -> fulfilled, cancelled and late-cancelled -> cancelled
(``cancelationReason`` says which, with the reason given), no-show -> noshow.
Encounter status: arrived -> arrived, in-session -> in-progress, completed -> finished.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.resource import Resource
from sqlalchemy import select

from ...models import Appointment, Case, Service
from .. import registry
from ..registry import Ctx, FhirType
from .clinical import ATTENDED, condition_refs
from .people import clinic_reference, meta, room_reference

STATUS = {"booked": "booked", "confirmed": "booked", "arrived": "arrived",
          "in-session": "checked-in", "completed": "fulfilled", "cancelled": "cancelled",
          "late-cancelled": "cancelled", "no-show": "noshow"}
ENCOUNTER_STATUS = {"arrived": "arrived", "in-session": "in-progress",
                    "completed": "finished"}
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


def _services(ctx: Ctx, rows: Sequence[Appointment]) -> dict[int, str]:
    ids = {r.service_id for r in rows if r.service_id is not None}
    if not ids:
        return {}
    return dict(ctx.session.execute(select(Service.id, Service.name)
                                    .where(Service.id.in_(ids))).all())


def _places(row: Appointment) -> list[dict[str, str]]:
    """The site and, when one is booked, its room (``Location/2``, ``Location/2-7``)."""
    if row.location_id is None:
        return []
    site = [registry.reference("Location", row.location_id)]
    return site + ([room_reference(row.location_id, row.room_id)] if row.room_id else [])


def _minutes(row: Appointment) -> int:
    return max(1, round((row.end_at - row.start_at).total_seconds() / 60))


def _cancel_reason(row: Appointment) -> dict[str, Any] | None:
    if row.status not in ("cancelled", "late-cancelled"):
        return None
    words = "late cancellation" if row.status == "late-cancelled" else "cancelled"
    return {"text": f"{words}: {row.cancel_reason}" if row.cancel_reason else words}


def build_appointments(ctx: Ctx, rows: Sequence[Appointment]) -> list[Resource]:
    """Two queries for the batch: the services' names and the cases' diagnoses."""
    services = _services(ctx, rows)
    case_ids = {r.case_id for r in rows if r.case_id is not None}
    diagnoses: dict[int, list[str]] = {}
    if case_ids:
        diagnoses = {cid: list(codes or []) for cid, codes in ctx.session.execute(
            select(Case.id, Case.diagnosis_codes).where(Case.id.in_(case_ids))).all()}
    out: list[Resource] = []
    for row in rows:
        participant: list[dict[str, Any]] = [
            {"actor": registry.reference("Patient", row.patient_id), "required": "required",
             "status": "accepted"},
            {"actor": registry.reference("Practitioner", row.practitioner_id),
             "required": "required", "status": "accepted"}]
        participant += [{"actor": place, "required": "required", "status": "accepted"}
                        for place in _places(row)]
        resource: dict[str, Any] = {
            "id": str(row.id), "meta": meta(row.updated_at or row.created_at),
            "status": STATUS.get(row.status, "booked"), "start": row.start_at,
            "end": row.end_at, "minutesDuration": _minutes(row), "created": row.created_at,
            "participant": participant,
        }
        if row.service_id in services:
            resource["serviceType"] = [{"text": services[row.service_id]}]
        reason = _cancel_reason(row)
        if reason:
            resource["cancelationReason"] = reason
        if row.case_id is not None and diagnoses.get(row.case_id):
            resource["reasonReference"] = condition_refs(row.case_id, diagnoses[row.case_id])
        out.append(FhirAppointment(**resource))
    return out


def build_encounters(ctx: Ctx, rows: Sequence[Appointment]) -> list[Resource]:
    """One query for the batch (the services' names)."""
    services = _services(ctx, rows)
    out: list[Resource] = []
    for row in rows:
        if row.status not in ATTENDED:
            continue
        status = ENCOUNTER_STATUS[row.status]
        period: dict[str, Any] = {"start": row.start_at}
        if status == "finished":
            period["end"] = row.end_at
        resource: dict[str, Any] = {
            "id": str(row.id), "meta": meta(row.updated_at or row.created_at),
            "status": status,
            "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
            "subject": registry.reference("Patient", row.patient_id),
            "participant": [{
                "type": [{"coding": [{"system": PARTICIPATION, "code": "PPRF",
                                      "display": "primary performer"}]}],
                "individual": registry.reference("Practitioner", row.practitioner_id)}],
            "appointment": [registry.reference("Appointment", row.id)],
            "period": period, "serviceProvider": clinic_reference(),
        }
        if row.case_id is not None:
            resource["episodeOfCare"] = [registry.reference("EpisodeOfCare", row.case_id)]
        if row.service_id in services:
            resource["serviceType"] = {"text": services[row.service_id]}
        if _places(row):
            resource["location"] = [{"location": place} for place in _places(row)]
        if status == "finished":
            resource["length"] = {"value": _minutes(row), "unit": "min",
                                  "system": "http://unitsofmeasure.org", "code": "min"}
        out.append(Encounter(**resource))
    return out


APPOINTMENT = FhirType(
    name="Appointment", permission="appointments.read", build=build_appointments,
    model=Appointment, patient=Appointment.patient_id, date=Appointment.start_at,
    updated=Appointment.updated_at)

ENCOUNTER = FhirType(
    name="Encounter", permission="appointments.read", build=build_encounters,
    model=Appointment, patient=Appointment.patient_id, date=Appointment.start_at,
    updated=Appointment.updated_at, where=lambda: Appointment.status.in_(ATTENDED))

registry.register(APPOINTMENT, ENCOUNTER)
