"""People and places: Patient, Practitioner, PractitionerRole, Organization (the clinic and
its payers) and Location (sites and their rooms).

Ids: a patient, practitioner, role or site is its row's id; the role of practitioner 4 is
``PractitionerRole/4``; a room is ``Location/<site>-<room>`` (``Location/2-7``, partOf
``Location/2``); the clinic is ``Organization/clinic`` and payer 3 ``Organization/payer-3``
(Coverage and Claim reference these). Each builder reads what a batch needs in at most one
more query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

from fhir.resources.R4B.location import Location as FhirLocation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.resource import Resource
from sqlalchemy import select

from ...models import Location, Patient, Payer, Practitioner, Room, User, WorkingHours
from ...models.x12 import X12Settings
from ...plugins import get_registry
from ..registry import Ctx, FhirType, reference, register

#: The NPI's naming system, and the US employer identification number's (an EIN).
NPI = "http://hl7.org/fhir/sid/us-npi"
EIN = "urn:oid:2.16.840.1.113883.4.4"
#: NUCC provider taxonomy (a practitioner's ``taxonomy_code``).
NUCC = "http://nucc.org/provider-taxonomy"
#: This clinic's own code systems (disciplines as packs register them, payers' ids).
DISCIPLINE = "urn:vesalius:discipline"
PAYER_CODE = "urn:vesalius:payer-code"
ORG_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
LANGUAGE = "urn:ietf:bcp:47"
CLINIC_ID = "clinic"
PAYER_PREFIX = "payer-"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def identifier_system(ctx: Ctx, kind: str) -> str:
    """The clinic's own naming system of ``kind`` ids (``https://clinic/fhir/R4/sid/patient``):
    one per clinic, as its base URL is."""
    return f"{ctx.base}/sid/{kind}"


def meta(moment: datetime | None) -> dict[str, Any] | None:
    """``meta`` with ``lastUpdated`` (a row's time, UTC), or None for a row with none."""
    if moment is None:
        return None
    return {"lastUpdated": moment if moment.tzinfo else moment.replace(tzinfo=UTC)}


def clinic_reference() -> dict[str, str]:
    return reference("Organization", CLINIC_ID)


def payer_reference(payer_id: int) -> dict[str, str]:
    """``Organization/payer-3``: how Coverage and Claim name a payer."""
    return reference("Organization", f"{PAYER_PREFIX}{payer_id}")


def _drop_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}


# -- Patient ---------------------------------------------------------------------------


def _patient(ctx: Ctx, p: Patient) -> FhirPatient:
    names = [_drop_empty({"use": "official", "family": p.family_name, "given": [p.given_name]})]
    if p.preferred_name:
        names.append({"use": "usual", "family": p.family_name, "given": [p.preferred_name]})
    telecom = [_drop_empty({"system": system, "value": value, "use": use})
               for system, value, use in (("phone", p.phone, "home"),
                                          ("phone", p.mobile, "mobile"),
                                          ("email", p.email, None)) if value]
    address = _drop_empty({"line": [v for v in (p.address_line1, p.address_line2) if v],
                           "city": p.city, "state": p.region, "postalCode": p.postal_code,
                           "country": p.country})
    identifiers = [{"use": "usual", "system": identifier_system(ctx, "patient"),
                    "value": str(p.id)}]
    if p.external_id:
        identifiers.append({"use": "old", "system": identifier_system(ctx, "imported-id"),
                            "value": p.external_id})
    contact = []
    if p.emergency_contact_name or p.emergency_contact_phone:
        contact.append(_drop_empty({
            "relationship": [_drop_empty({
                "coding": [{"system": CONTACT_ROLE, "code": "C",
                            "display": "Emergency Contact"}],
                "text": p.emergency_contact_relationship})],
            "name": {"text": p.emergency_contact_name} if p.emergency_contact_name else None,
            "telecom": [{"system": "phone", "value": p.emergency_contact_phone}]
            if p.emergency_contact_phone else None}))
    return FhirPatient(**_drop_empty({
        "id": str(p.id), "meta": meta(p.updated_at or p.created_at),
        "identifier": identifiers, "active": bool(p.active), "name": names,
        "telecom": telecom, "gender": p.sex, "birthDate": p.birth_date,
        "address": [address] if address else None, "contact": contact,
        "communication": [{"language": {"coding": [{"system": LANGUAGE, "code": p.language}]},
                           "preferred": True}] if p.language else None,
        "managingOrganization": clinic_reference(),
    }))


def build_patients(ctx: Ctx, rows: Sequence[Patient]) -> list[Resource]:
    return [_patient(ctx, p) for p in rows]


# -- Practitioner and PractitionerRole ---------------------------------------------------


def _discipline_coding(discipline: str) -> dict[str, str]:
    found = get_registry().disciplines.get(discipline)
    return _drop_empty({"system": DISCIPLINE, "code": discipline,
                        "display": found.title if found else None})


def build_practitioners(ctx: Ctx, rows: Sequence[Practitioner]) -> list[Resource]:
    emails: dict[int, str] = {uid: email for uid, email in ctx.session.execute(
        select(User.id, User.email).where(User.id.in_({p.user_id for p in rows if p.user_id})))}
    out: list[Resource] = []
    for p in rows:
        identifiers = [{"use": "usual", "system": identifier_system(ctx, "practitioner"),
                        "value": str(p.id)}]
        if p.npi:
            identifiers.append({"use": "official", "system": NPI, "value": p.npi})
        qualification = []
        for discipline in p.disciplines or []:
            found = get_registry().disciplines.get(discipline)
            qualification.append({"code": _drop_empty({
                "coding": [_discipline_coding(discipline)],
                "text": (found.practitioner_title or found.title) if found else discipline})})
        if p.licence_number and qualification:
            qualification[0]["identifier"] = [{
                "system": identifier_system(ctx, "licence"), "value": p.licence_number}]
        email = emails.get(p.user_id) if p.user_id else None
        out.append(FhirPractitioner(**_drop_empty({
            "id": str(p.id), "meta": meta(p.created_at), "identifier": identifiers,
            "active": bool(p.active), "name": [{"text": p.display_name}],
            "telecom": [{"system": "email", "value": email, "use": "work"}] if email else None,
            "qualification": qualification,
        })))
    return out


def _hours(ctx: Ctx, *, practitioners: set[int] | None = None,
           locations: set[int] | None = None) -> list[WorkingHours]:
    """The weekly working hours (not breaks) of some practitioners or locations: one query."""
    query = select(WorkingHours).where(WorkingHours.kind == "work")
    if practitioners is not None:
        query = query.where(WorkingHours.practitioner_id.in_(practitioners))
    if locations is not None:
        query = query.where(WorkingHours.location_id.in_(locations))
    return list(ctx.session.scalars(query.order_by(WorkingHours.weekday,
                                                   WorkingHours.start_time)))


def _clock(value: time) -> str:
    return value.strftime("%H:%M:%S")


def build_roles(ctx: Ctx, rows: Sequence[Practitioner]) -> list[Resource]:
    by_practitioner: dict[int, list[WorkingHours]] = defaultdict(list)
    for block in _hours(ctx, practitioners={p.id for p in rows}):
        by_practitioner[block.practitioner_id].append(block)
    out: list[Resource] = []
    for p in rows:
        blocks = by_practitioner.get(p.id, [])
        sites = sorted({b.location_id for b in blocks}
                       | ({p.default_location_id} if p.default_location_id else set()))
        specialty = [{"coding": [_discipline_coding(d)]} for d in p.disciplines or []]
        if p.taxonomy_code:
            specialty.append({"coding": [{"system": NUCC, "code": p.taxonomy_code}]})
        available = [{"daysOfWeek": [DAYS[b.weekday]], "availableStartTime": _clock(b.start_time),
                      "availableEndTime": _clock(b.end_time)} for b in blocks]
        out.append(PractitionerRole(**_drop_empty({
            "id": str(p.id), "meta": meta(p.created_at), "active": bool(p.active),
            "practitioner": reference("Practitioner", p.id),
            "organization": clinic_reference(),
            "location": [reference("Location", site) for site in sites],
            "specialty": specialty, "availableTime": available,
        })))
    return out


# -- Organization: the clinic and its payers -------------------------------------------


def clinic_organization(ctx: Ctx) -> list[Resource]:
    """The clinic: its billing identity when set (name, NPI, EIN, address), else its first
    site's name."""
    settings = ctx.session.scalars(select(X12Settings).order_by(X12Settings.id).limit(1)).first()
    if settings is None:
        name = ctx.session.scalar(select(Location.name).where(Location.active.is_(True))
                                  .order_by(Location.id).limit(1))
        return [Organization(id=CLINIC_ID, active=True, name=name or "Clinic",
                             type=[{"coding": [{"system": ORG_TYPE, "code": "prov"}]}])]
    return [Organization(
        id=CLINIC_ID, meta=meta(settings.updated_at), active=True,
        name=settings.organisation_name,
        identifier=[{"system": NPI, "value": settings.npi},
                    {"system": EIN, "value": settings.tax_id}],
        type=[{"coding": [{"system": ORG_TYPE, "code": "prov",
                           "display": "Healthcare Provider"}]}],
        address=[{"line": [settings.address_line1], "city": settings.city,
                  "state": settings.state, "postalCode": settings.postal_code,
                  "country": "US"}])]


def build_payers(ctx: Ctx, rows: Sequence[Payer]) -> list[Resource]:
    return [Organization(**_drop_empty({
        "id": f"{PAYER_PREFIX}{p.id}", "active": bool(p.active), "name": p.name,
        "identifier": [{"system": PAYER_CODE, "value": p.payer_code}] if p.payer_code else None,
        "type": [{"coding": [{"system": ORG_TYPE, "code": "pay", "display": "Payer"}]}],
        "address": [{"text": p.address}] if p.address else None,
    })) for p in rows]


def payer_key(resource_id: str) -> int | None:
    """``payer-3`` -> 3 (the clinic and anything else: no row)."""
    number = resource_id.removeprefix(PAYER_PREFIX)
    if number == resource_id or not number.isascii() or not number.isdigit() \
            or len(number) > 10:
        return None
    return int(number)


# -- Location: sites and rooms -----------------------------------------------------------


def build_locations(ctx: Ctx, rows: Sequence[Location]) -> list[Resource]:
    hours: dict[int, dict[int, tuple[time, time]]] = defaultdict(dict)
    for block in _hours(ctx, locations={loc.id for loc in rows}):
        days = hours[block.location_id]  # the site is open from its first start to last end
        start, end = days.get(block.weekday, (block.start_time, block.end_time))
        days[block.weekday] = (min(start, block.start_time), max(end, block.end_time))
    rooms: dict[int, list[Room]] = defaultdict(list)
    for room in ctx.session.scalars(select(Room).where(Room.location_id.in_(
            {loc.id for loc in rows})).order_by(Room.location_id, Room.id)):
        rooms[room.location_id].append(room)
    out: list[Resource] = []
    for loc in rows:
        open_hours = [{"daysOfWeek": [DAYS[day]], "openingTime": _clock(start),
                       "closingTime": _clock(end)}
                      for day, (start, end) in sorted(hours.get(loc.id, {}).items())]
        out.append(FhirLocation(**_drop_empty({
            "id": str(loc.id), "status": "active" if loc.active else "inactive",
            "name": loc.name, "mode": "instance",
            "identifier": [{"system": NPI, "value": loc.npi}] if loc.npi else None,
            "telecom": [{"system": "phone", "value": loc.phone}] if loc.phone else None,
            "address": {"text": loc.address} if loc.address else None,
            "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": "bu",
                                         "display": "Building"}]},
            "managingOrganization": clinic_reference(), "hoursOfOperation": open_hours,
        })))
        for room in rooms.get(loc.id, []):
            out.append(FhirLocation(
                id=f"{loc.id}-{room.id}", status="active" if room.active else "inactive",
                name=room.name, mode="instance",
                physicalType={"coding": [{"system": PHYSICAL_TYPE, "code": "ro",
                                          "display": "Room"}]},
                partOf=reference("Location", loc.id), managingOrganization=clinic_reference()))
    return out


def location_key(resource_id: str) -> int | None:
    """``2`` (a site) or ``2-7`` (its room 7) -> 2."""
    site = resource_id.split("-", 1)[0]
    return int(site) if site.isascii() and site.isdigit() and len(site) <= 10 else None


def room_reference(location_id: int, room_id: int) -> dict[str, str]:
    """How an Appointment or Encounter names a room."""
    return reference("Location", f"{location_id}-{room_id}")


register(
    FhirType("Patient", "patients.read", build_patients, model=Patient, patient=Patient.id,
             updated=Patient.updated_at),
    FhirType("Practitioner", "practitioners.read", build_practitioners, model=Practitioner,
             updated=Practitioner.created_at),
    FhirType("PractitionerRole", "practitioners.read", build_roles, model=Practitioner,
             updated=Practitioner.created_at),
    FhirType("Organization", "practitioners.read", build_payers, model=Payer,
             row_key=payer_key, catalogue=clinic_organization),
    FhirType("Location", "practitioners.read", build_locations, model=Location,
             row_key=location_key),
)
