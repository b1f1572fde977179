"""Patients: registration, details, consents, and search."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import Field, field_validator
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..errors import Forbidden, Invalid
from ..models import Consent, Patient
from ..permissions import PATIENT_EDITABLE
from . import audit
from .actor import Actor
from .common import Input, changes, get

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CONSENT_KINDS = ("treatment", "privacy-notice", "email", "sms", "telehealth", "research",
                 "photos", "share-with-referrer")


class PatientFields(Input):
    preferred_name: str | None = Field(default=None, max_length=100)
    birth_date: date | None = None
    sex: Literal["female", "male", "other", "unknown"] | None = None
    gender_identity: str | None = Field(default=None, max_length=50)
    pronouns: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    mobile: str | None = Field(default=None, max_length=40)
    address_line1: str | None = Field(default=None, max_length=200)
    address_line2: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    emergency_contact_name: str | None = Field(default=None, max_length=200)
    emergency_contact_phone: str | None = Field(default=None, max_length=40)
    emergency_contact_relationship: str | None = Field(default=None, max_length=50)
    preferred_contact: Literal["email", "sms", "phone", "post"] = "email"
    reminders_email: bool = True
    reminders_sms: bool = False
    marketing_opt_in: bool = False
    language: str | None = Field(default=None, max_length=20)
    admin_note: str | None = Field(default=None, max_length=2000)

    @field_validator("birth_date")
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("birth date is in the future")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not EMAIL.fullmatch(value):
            raise ValueError("not an e-mail address")
        return value or None

    @field_validator("phone", "mobile", "emergency_contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[0-9+()\-. ]{3,40}", value):
            raise ValueError("a phone number has digits, spaces and + ( ) - . only")
        return value or None


class PatientIn(PatientFields):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)


class PatientUpdate(PatientFields):
    """A partial update: only the fields sent are changed."""

    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    preferred_contact: Literal["email", "sms", "phone", "post"] | None = None  # type: ignore[assignment]
    reminders_email: bool | None = None  # type: ignore[assignment]
    reminders_sms: bool | None = None  # type: ignore[assignment]
    marketing_opt_in: bool | None = None  # type: ignore[assignment]
    active: bool | None = None


class ConsentIn(Input):
    kind: Literal[CONSENT_KINDS]  # type: ignore[valid-type]
    granted: bool
    note: str | None = Field(default=None, max_length=500)


def name_key(value: str) -> str:
    return " ".join(value.lower().split())


def phone_key(value: str | None) -> str | None:
    digits = re.sub(r"\D", "", value or "")
    return digits or None


def phone_tail_key(value: str | None) -> str | None:
    """The phone digits reversed: a prefix search on it is a search by the number's end, so
    "416 555 0100" finds "+1 416-555-0100" (and "020 7946 0018", its trunk 0 dropped,
    finds "+44 20 7946 0018") through an index."""
    digits = phone_key(value)
    return digits[::-1] if digits else None


def search_keys(values: Mapping[str, Any]) -> dict[str, str | None]:
    """The normalised search columns of a patient with these field values."""
    phone = values.get("mobile") or values.get("phone")
    email = values.get("email")
    return {
        "family_name_key": name_key(values["family_name"]),
        "given_name_key": name_key(values.get("preferred_name") or values["given_name"]),
        "phone_key": phone_key(phone),
        "phone_tail_key": phone_tail_key(phone),
        "email_key": email.lower() if email else None,
    }


_KEYED = ("family_name", "given_name", "preferred_name", "mobile", "phone", "email")


def refresh_keys(patient: Patient) -> None:
    """Recompute a patient's search columns after a change of name, phone or e-mail."""
    for key, value in search_keys({k: getattr(patient, k) for k in _KEYED}).items():
        setattr(patient, key, value)


def create(session: Session, actor: Actor, data: PatientIn) -> Patient:
    actor.require("patients.create")
    patient = Patient(**data.model_dump())
    refresh_keys(patient)
    session.add(patient)
    session.flush()
    audit.record(session, actor, "create", "patient", patient.id, patient.id)
    return patient


def read(session: Session, actor: Actor, patient_id: int) -> Patient:
    actor.require("patients.read", patient_id=patient_id)
    patient = get(session, Patient, patient_id, "patient")
    audit.record(session, actor, "read", "patient", patient.id, patient.id)
    return patient


def update(session: Session, actor: Actor, patient_id: int, data: PatientUpdate) -> Patient:
    actor.require("patients.update", patient_id=patient_id)
    patient = get(session, Patient, patient_id, "patient")
    values = data.model_dump(exclude_unset=True)
    if actor.is_patient:  # a patient keeps their contact details up to date, nothing else
        refused = sorted(set(values) - PATIENT_EDITABLE)
        if refused:
            raise Forbidden(f"{refused[0]}: ask the clinic to change it (a patient changes "
                            "only contact and consent details)", field=refused[0])
    columns = Patient.__table__.columns
    for name, value in values.items():  # null only where the column takes it (not a 409)
        if value is None and name in columns and not columns[name].nullable:
            raise Invalid("this field cannot be emptied", field=name)
    changed = changes(patient, values)
    if changed:
        refresh_keys(patient)
        session.flush()
        audit.record(session, actor, "update", "patient", patient.id, patient.id,
                     detail="fields: " + ", ".join(sorted(changed)))
    return patient


def add_consent(session: Session, actor: Actor, patient_id: int, data: ConsentIn) -> Consent:
    actor.require("patients.update", patient_id=patient_id)
    get(session, Patient, patient_id, "patient")
    consent = Consent(patient_id=patient_id, kind=data.kind, granted=data.granted,
                      note=data.note, recorded_by=actor.user_id)
    session.add(consent)
    session.flush()
    audit.record(session, actor, "create", "consent", consent.id, patient_id,
                 detail=f"{data.kind}: {'granted' if data.granted else 'withdrawn'}")
    return consent


def consents_in_force(patient: Patient) -> dict[str, bool]:
    """The latest answer per consent kind."""
    current: dict[str, bool] = {}
    for consent in patient.consents:  # ordered by time
        current[consent.kind] = consent.granted
    return current


def _prefix(column, value: str):  # type: ignore[no-untyped-def]
    """``column`` starts with ``value``, as an index range scan on both engines (LIKE is
    not index-assisted on PostgreSQL without a special operator class). An empty prefix
    (a query of punctuation only, such as ``,``) matches nothing."""
    if not value:
        from sqlalchemy import false

        return false()
    if ord(value[-1]) >= 0x10FFFF:  # no successor code point: everything from value on
        return column >= value
    successor = value[:-1] + chr(ord(value[-1]) + 1)
    return and_(column >= value, column < successor)


def search(session: Session, actor: Actor, q: str = "", *, limit: int = 25,
           offset: int = 0, include_inactive: bool = False) -> list[Patient]:
    """Patients by name prefix ("smi", "jane smi", "smith, ja"), phone digits, e-mail or
    date of birth (YYYY-MM-DD), audited one read per patient (see :func:`find`)."""
    actor.require("patients.search")
    patients = find(session, q, limit=limit, offset=offset, include_inactive=include_inactive)
    audit.record_many(session, actor, "read", "patient", [(p.id, p.id) for p in patients],
                      detail="search")
    return patients


def find(session: Session, q: str = "", *, limit: int = 25, offset: int = 0,
         include_inactive: bool = False) -> list[Patient]:
    """The query behind :func:`search`, neither checked nor audited (the caller does both).
    A single word matches family names first (ordered by family then given name), then
    given names. Each part reads its own index in order and stops after ``offset + limit``
    rows, so the cost does not grow with the register."""
    limit = max(1, min(limit, 200))
    q = q.strip()
    base = select(Patient)
    if not include_inactive:
        base = base.where(Patient.active.is_(True))
    by_family = (Patient.family_name_key, Patient.given_name_key, Patient.id)
    word = name_key(q) if q and " " not in name_key(q) and "," not in q else None
    if word and not _special(q):
        family = list(session.scalars(base.where(_prefix(Patient.family_name_key, word))
                                      .order_by(*by_family).limit(offset + limit)))
        given = list(session.scalars(
            base.where(_prefix(Patient.given_name_key, word),
                       ~_prefix(Patient.family_name_key, word))
            .order_by(Patient.given_name_key, Patient.family_name_key, Patient.id)
            .limit(offset + limit)))
        return (family + given)[offset:offset + limit]
    query = base.where(_criteria(q)) if q else base
    return list(session.scalars(query.order_by(*by_family).limit(limit).offset(offset)))


def _special(q: str) -> bool:
    """A date, an e-mail or a phone number rather than a name."""
    try:
        date.fromisoformat(q)
        return True
    except ValueError:
        pass
    return "@" in q or bool(re.fullmatch(r"[0-9+()\-. ]{3,}", q))


def _criteria(q: str):  # type: ignore[no-untyped-def]
    try:
        return Patient.birth_date == date.fromisoformat(q)
    except ValueError:
        pass
    if "@" in q:
        return _prefix(Patient.email_key, q.lower())
    digits = phone_key(q)
    if digits and len(digits) >= 3 and re.fullmatch(r"[0-9+()\-. ]+", q):
        national = digits.lstrip("0")  # a trunk 0 the stored international form lacks
        if len(national) < 6:
            return _prefix(Patient.phone_key, digits)
        return or_(_prefix(Patient.phone_key, digits),
                   _prefix(Patient.phone_tail_key, national[::-1]))
    if "," in q:  # "Smith, Ja"
        family, _, given = q.partition(",")
        parts = [name_key(family), name_key(given)]
    else:
        parts = name_key(q).split(" ", 1)
    if len(parts) == 1 or not parts[1]:
        word = parts[0]
        return or_(_prefix(Patient.family_name_key, word),
                   _prefix(Patient.given_name_key, word))
    first, second = parts
    if "," in q:
        return and_(Patient.family_name_key == first, _prefix(Patient.given_name_key, second))
    # "jane smi": given then family; also "smith jane" the other way round.
    return or_(
        and_(Patient.given_name_key == first, _prefix(Patient.family_name_key, second)),
        and_(Patient.family_name_key == first, _prefix(Patient.given_name_key, second)),
    )
