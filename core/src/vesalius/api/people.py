"""Routes: the caller, patients (with consents, coverage, accounts), practitioners,
locations, services, payers and fee schedules."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..permissions import STAFF_ONLY_FIELDS
from ..services import access, billing, cases, clinic, patients, payers, practitioners
from ..services.actor import Actor
from .framework import Call, route
from .schemas import (
    AccountOut,
    CaseOut,
    ConsentOut,
    CoverageOut,
    FeeScheduleOut,
    LocationOut,
    PatientOut,
    PayerOut,
    PractitionerOut,
    ServiceOut,
    UserOut,
)

#: What a patient gets of their own record: :class:`PatientOut` without the staff-only
#: fields (the key is absent, not null).
PatientSelfOut = create_model(
    "PatientSelfOut", __base__=PatientOut.__base__,
    **{name: (field.annotation, field) for name, field in PatientOut.model_fields.items()
       if name not in STAFF_ONLY_FIELDS})  # type: ignore[call-overload]


def _patient_out(actor: Actor, patient: object) -> BaseModel:
    model = PatientSelfOut if actor.is_patient else PatientOut
    return model.model_validate(patient)


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchQuery(Query):
    q: str = ""
    limit: int = Field(default=25, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class DisciplineQuery(Query):
    discipline: str | None = None


@route("GET", "/me", permission="practitioners.read", response=UserOut, tag="auth")
def me(call: Call) -> UserOut:
    """Who the token belongs to."""
    a = call.actor
    return UserOut(id=a.user_id, role=a.role, patient_id=a.patient_id,
                   practitioner_id=a.practitioner_id)


@route("POST", "/patients", permission="patients.create", body=patients.PatientIn,
       response=PatientOut, status=201, tag="patients")
def create_patient(call: Call) -> object:
    """Register a patient."""
    return patients.create(call.session, call.actor, call.body)


@route("GET", "/patients", permission="patients.search", query=SearchQuery,
       response=list[PatientOut], tag="patients")
def search_patients(call: Call) -> object:
    """Search by name prefix, phone, e-mail or date of birth (``?q=``)."""
    q = call.query
    return patients.search(call.session, call.actor, q.q, limit=q.limit, offset=q.offset)


@route("GET", "/patients/<int:patient_id>", permission="patients.read", response=PatientOut,
       tag="patients")
def read_patient(call: Call, patient_id: int) -> object:
    """One patient (a patient's own record comes without the staff-only fields)."""
    return _patient_out(call.actor, patients.read(call.session, call.actor, patient_id))


@route("PATCH", "/patients/<int:patient_id>", permission="patients.update",
       body=patients.PatientUpdate, response=PatientOut, tag="patients")
def update_patient(call: Call, patient_id: int) -> object:
    """Change a patient's details (only the fields sent). A patient changes only their
    contact details and preferences: any other field is a 403 naming it."""
    return _patient_out(call.actor,
                        patients.update(call.session, call.actor, patient_id, call.body))


@route("GET", "/patients/<int:patient_id>/consents", permission="patients.read",
       response=list[ConsentOut], tag="patients")
def list_consents(call: Call, patient_id: int) -> object:
    """Consents given and withdrawn, oldest first."""
    return patients.read(call.session, call.actor, patient_id).consents


@route("POST", "/patients/<int:patient_id>/consents", permission="patients.update",
       body=patients.ConsentIn, response=ConsentOut, status=201, tag="patients")
def add_consent(call: Call, patient_id: int) -> object:
    """Record a consent given or withdrawn."""
    return patients.add_consent(call.session, call.actor, patient_id, call.body)


@route("GET", "/patients/<int:patient_id>/coverages", permission="patients.read",
       response=list[CoverageOut], tag="patients")
def list_coverages(call: Call, patient_id: int) -> object:
    """The patient's insurance coverages."""
    return payers.coverages_of(call.session, call.actor, patient_id)


@route("POST", "/patients/<int:patient_id>/coverages", permission="patients.update",
       body=payers.CoverageIn, response=CoverageOut, status=201, tag="patients")
def add_coverage(call: Call, patient_id: int) -> object:
    """Add an insurance coverage."""
    return payers.add_coverage(call.session, call.actor, patient_id, call.body)


@route("GET", "/patients/<int:patient_id>/cases", permission="cases.read",
       response=list[CaseOut], tag="cases")
def patient_cases(call: Call, patient_id: int) -> object:
    """The patient's cases, newest first."""
    return cases.of_patient(call.session, call.actor, patient_id)


class AccountQuery(Query):
    case_id: int | None = None


@route("GET", "/patients/<int:patient_id>/account", permission="billing.read",
       query=AccountQuery, response=AccountOut, tag="billing")
def patient_account(call: Call, patient_id: int) -> object:
    """Balances of the patient (or of one case with ``?case_id=``)."""
    acct = billing.account(call.session, call.actor, patient_id, call.query.case_id)
    return AccountOut(**acct.__dict__, balance=acct.balance)


@route("GET", "/practitioners", permission="practitioners.read", query=DisciplineQuery,
       response=list[PractitionerOut], tag="practitioners")
def list_practitioners(call: Call) -> object:
    """Active practitioners (``?discipline=physio`` to filter)."""
    return practitioners.list_practitioners(call.session, call.actor,
                                            discipline=call.query.discipline)


@route("GET", "/practitioners/<int:practitioner_id>", permission="practitioners.read",
       response=PractitionerOut, tag="practitioners")
def read_practitioner(call: Call, practitioner_id: int) -> object:
    """One practitioner."""
    return practitioners.read_practitioner(call.session, call.actor, practitioner_id)


@route("PATCH", "/practitioners/<int:practitioner_id>", permission="settings.write",
       body=practitioners.PractitionerUpdate, response=PractitionerOut, tag="practitioners")
def update_practitioner(call: Call, practitioner_id: int) -> object:
    """Change a practitioner's disciplines, numbers or default location."""
    return practitioners.update_practitioner(call.session, call.actor, practitioner_id,
                                             call.body)


class HoursBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hours: list[practitioners.HoursIn]


@route("PUT", "/practitioners/<int:practitioner_id>/hours", permission="settings.write",
       body=HoursBody, response=None, status=204, tag="practitioners")
def set_hours(call: Call, practitioner_id: int) -> None:
    """Replace the weekly working hours and breaks."""
    practitioners.set_hours(call.session, call.actor, practitioner_id, call.body.hours)


@route("GET", "/locations", permission="practitioners.read", response=list[LocationOut],
       tag="clinic")
def list_locations(call: Call) -> object:
    """Locations with their rooms."""
    return practitioners.list_locations(call.session, call.actor)


@route("POST", "/locations", permission="settings.write", body=practitioners.LocationIn,
       response=LocationOut, status=201, tag="clinic")
def create_location(call: Call) -> object:
    """Add a location (with rooms)."""
    return practitioners.create_location(call.session, call.actor, call.body)


@route("GET", "/services", permission="availability.read", query=DisciplineQuery,
       response=list[ServiceOut], tag="clinic")
def list_services(call: Call) -> object:
    """Appointment types; a patient token lists only the active online-bookable ones."""
    return clinic.list_services(call.session, call.actor, discipline=call.query.discipline)


@route("POST", "/services", permission="settings.write", body=clinic.ServiceIn,
       response=ServiceOut, status=201, tag="clinic")
def create_service(call: Call) -> object:
    """Add an appointment type."""
    return clinic.create_service(call.session, call.actor, call.body)


@route("GET", "/payers", permission="settings.read", response=list[PayerOut], tag="billing")
def list_payers(call: Call) -> object:
    """Payers (insurers, funders)."""
    return payers.list_payers(call.session, call.actor)


@route("POST", "/payers", permission="settings.write", body=payers.PayerIn,
       response=PayerOut, status=201, tag="billing")
def create_payer(call: Call) -> object:
    """Add a payer."""
    return payers.create_payer(call.session, call.actor, call.body)


@route("POST", "/fee-schedules", permission="settings.write", body=payers.FeeScheduleIn,
       response=FeeScheduleOut, status=201, tag="billing")
def create_fee_schedule(call: Call) -> object:
    """Add a fee schedule (per payer, or the clinic's own without ``payer_id``)."""
    return payers.create_fee_schedule(call.session, call.actor, call.body)


class BreakGlassBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=access.REASON_MIN, max_length=500)


class AccessGrantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user_id: int
    user_name: str | None = None
    patient_id: int
    reason: str
    created_at: datetime
    expires_at: datetime


@route("POST", "/patients/<int:patient_id>/access-grants", permission="notes.read",
       body=BreakGlassBody, response=AccessGrantOut, status=201, tag="patients")
def break_the_glass(call: Call, patient_id: int) -> object:
    """Break the glass: open a patient's clinical record outside your care team for four
    hours, with a stated reason (at least 10 characters; audited, and the owner sees it)."""
    return access.break_glass(call.session, call.actor, access.BreakGlassIn(
        patient_id=patient_id, reason=call.body.reason))


@route("GET", "/access-grants", permission="audit.read", response=list[AccessGrantOut],
       tag="patients")
def list_access_grants(call: Call) -> object:
    """The latest break-the-glass grants, newest first: who, for which patient, why and
    until when (the owner's review)."""
    return [AccessGrantOut(id=g.id, user_id=g.user_id, user_name=u.name, patient_id=g.patient_id,
                           reason=g.reason, created_at=g.created_at, expires_at=g.expires_at)
            for g, u, _p in access.grants(call.session, call.actor)]
