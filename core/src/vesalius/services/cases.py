"""Cases: an episode of care for one patient and one problem, with its referral, diagnosis
codes, payer and coverage, authorised visits and plan-of-care dates.

Who reads and changes a case is decided by :mod:`vesalius.services.access`: a practitioner
outside the patient's care team reads cases only in lists, with their clinical fields
withheld, and changes none (break the glass)."""

from __future__ import annotations

import re
from datetime import date

from pydantic import Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, Invalid
from ..models import Appointment, Case, Coverage, Patient, Payer, Practitioner
from ..models.scheduling import ACTIVE_STATUSES
from ..permissions import PRACTITIONER
from . import access, audit
from .actor import Actor
from .common import Input, changes, get
from .practitioners import check_disciplines

ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def _codes(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    out: list[str] = []
    for value in values:
        code = value.strip().upper()
        if not ICD10.match(code):
            raise ValueError(f"{value!r} is not an ICD-10 code (such as M54.5)")
        if code not in out:
            out.append(code)
    return out


class CaseFields(Input):
    referral_source: str | None = Field(default=None, max_length=100)
    referral_date: date | None = None
    referrer_name: str | None = Field(default=None, max_length=200)
    referrer_npi: str | None = Field(default=None, pattern=r"^\d{10}$")
    injury_date: date | None = None
    diagnosis_codes: list[str] = Field(default_factory=list, max_length=12)
    payer_id: int | None = None
    coverage_id: int | None = None
    authorised_visits: int | None = Field(default=None, ge=0, le=1000)
    authorisation_number: str | None = Field(default=None, max_length=80)
    plan_of_care_start: date | None = None
    plan_of_care_end: date | None = None
    primary_practitioner_id: int | None = None

    _dx = field_validator("diagnosis_codes")(_codes)


class CaseIn(CaseFields):
    patient_id: int
    discipline: str
    title: str = Field(min_length=1, max_length=200)
    opened_on: date | None = None


class CaseUpdate(CaseFields):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    diagnosis_codes: list[str] | None = Field(default=None, max_length=12)  # type: ignore[assignment]

    _dx = field_validator("diagnosis_codes")(_codes)


def _check_links(session: Session, patient_id: int, values: dict[str, object]) -> None:
    payer_id = values.get("payer_id")
    coverage_id = values.get("coverage_id")
    if payer_id is not None:
        get(session, Payer, payer_id, "payer", field="payer_id")  # type: ignore[arg-type]
    if coverage_id is not None:
        coverage = get(session, Coverage, coverage_id, "coverage", field="coverage_id")  # type: ignore[arg-type]
        if coverage.patient_id != patient_id:
            raise Invalid("this coverage belongs to another patient", field="coverage_id")
        if payer_id is None:
            values["payer_id"] = coverage.payer_id
        elif coverage.payer_id != payer_id:
            raise Invalid("the coverage is with another payer", field="coverage_id")
    if values.get("primary_practitioner_id") is not None:
        get(session, Practitioner, values["primary_practitioner_id"], "practitioner",  # type: ignore[arg-type]
            field="primary_practitioner_id")
    start, end = values.get("plan_of_care_start"), values.get("plan_of_care_end")
    if start and end and end < start:  # type: ignore[operator]
        raise Invalid("the plan of care ends before it starts", field="plan_of_care_end")


def open_case(session: Session, actor: Actor, data: CaseIn) -> Case:
    actor.require("cases.write", patient_id=data.patient_id)
    get(session, Patient, data.patient_id, "patient", field="patient_id")
    try:
        check_disciplines([data.discipline])
    except Invalid as exc:
        raise Invalid(exc.message, field="discipline") from None
    values = data.model_dump()
    values["opened_on"] = values["opened_on"] or date.today()
    if values["primary_practitioner_id"] is None and actor.role == PRACTITIONER:
        # A practitioner's new case is theirs: they stay in its patient's care team.
        values["primary_practitioner_id"] = actor.practitioner_id
    _check_links(session, data.patient_id, values)
    case = Case(**values)
    session.add(case)
    session.flush()
    audit.record(session, actor, "create", "case", case.id, case.patient_id)
    return case


def read(session: Session, actor: Actor, case_id: int) -> Case:
    case = get(session, Case, case_id, "case")
    access.require(session, actor, "cases.read", case.patient_id)
    audit.record(session, actor, "read", "case", case.id, case.patient_id)
    return case


def summary(session: Session, actor: Actor, case_id: int) -> Case | access.RestrictedCase:
    """One case as a list shows it (an appointment's case, say): whole, or for a
    practitioner outside the care team with its clinical fields withheld."""
    case = get(session, Case, case_id, "case")
    actor.require("cases.read", patient_id=case.patient_id)
    audit.record(session, actor, "read", "case", case.id, case.patient_id)
    return access.case_view(session, actor, [case], case.patient_id)[0]


def update(session: Session, actor: Actor, case_id: int, data: CaseUpdate) -> Case:
    case = get(session, Case, case_id, "case")
    access.require(session, actor, "cases.write", case.patient_id)
    values = data.model_dump(exclude_unset=True)
    _check_links(session, case.patient_id, values)
    changed = changes(case, values)
    if changed:
        audit.record(session, actor, "update", "case", case.id, case.patient_id,
                     detail="fields: " + ", ".join(sorted(changed)))
    return case


def close(session: Session, actor: Actor, case_id: int, reason: str | None = None,
          on: date | None = None) -> Case:
    case = get(session, Case, case_id, "case")
    access.require(session, actor, "cases.write", case.patient_id)
    if case.status == "closed":
        raise Conflict("the case is already closed")
    case.status, case.closed_on, case.close_reason = "closed", on or date.today(), reason
    audit.record(session, actor, "close", "case", case.id, case.patient_id)
    return case


def reopen(session: Session, actor: Actor, case_id: int) -> Case:
    case = get(session, Case, case_id, "case")
    access.require(session, actor, "cases.write", case.patient_id)
    if case.status == "open":
        raise Conflict("the case is open")
    case.status, case.closed_on, case.close_reason = "open", None, None
    audit.record(session, actor, "reopen", "case", case.id, case.patient_id)
    return case


def of_patient(session: Session, actor: Actor, patient_id: int,
               status: str | None = None) -> list[Case | access.RestrictedCase]:
    """The patient's cases, newest first; for a practitioner outside the care team with
    their clinical fields withheld (:func:`vesalius.services.access.case_view`)."""
    actor.require("cases.read", patient_id=patient_id)
    query = select(Case).where(Case.patient_id == patient_id).order_by(Case.opened_on.desc(),
                                                                        Case.id.desc())
    if status:
        query = query.where(Case.status == status)
    found = list(session.scalars(query))
    audit.record_many(session, actor, "read", "case", [(c.id, c.patient_id) for c in found])
    return access.case_view(session, actor, found, patient_id)


def visits_used(session: Session, case_id: int) -> int:
    """Appointments of the case that hold or used time (booked ... completed)."""
    return session.scalar(
        select(func.count()).select_from(Appointment)
        .where(Appointment.case_id == case_id, Appointment.status.in_(ACTIVE_STATUSES))
    ) or 0
