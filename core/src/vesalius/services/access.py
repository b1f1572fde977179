"""The one place that decides who may read or write a patient's record.

Three layers, checked in order by :func:`require`:

1. the role, from the permission table (:mod:`vesalius.permissions`);
2. the patient scope: a patient reaches only their own records (``Actor.require``);
3. the care team: a practitioner reads and writes the clinical record (notes, measures,
   charts, and a case's clinical details: its complaint, diagnoses, injury date and close
   reason) only of patients in their care, that is with an appointment with them (past or
   booked, whatever its status), a case they are the primary practitioner of, or a case
   whose team the clinic added them to (:mod:`vesalius.services.case_team`). Anyone
   else "breaks the glass" (:func:`break_glass`): a stated reason, a grant that expires
   after :data:`GRANT_HOURS`, an audit event, and a row the owner reads in
   :func:`grants`. The owner, front desk and billing keep what the permission table gives
   their role (front desk and billing hold no clinical permission); an owner who treats
   signs only notes of patients in their care, as a practitioner does.

On top of reading, the note rules: a draft is edited, switched, discarded and signed by its
author only (:func:`require_author`); "entered in error" by its author or the owner
(:func:`require_error_marker`); addenda by the care team (:func:`require`).

Cases: a practitioner outside the care team reads a case only in lists, with its clinical
fields withheld (:func:`case_view`); reading, changing, closing or reopening one case is
refused with the break-the-glass 403 (``cases.read`` and ``cases.write`` are in
:data:`CLINICAL`). Opening a new case is not: it shows nothing that was there.

The care-team test is one statement of four ``EXISTS`` probes, each on an index; lists
check it once per patient, never per row.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import Field, field_validator
from sqlalchemy import and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..db.types import utcnow
from ..errors import Forbidden, Invalid
from ..models import AccessGrant, Appointment, Case, CaseTeamMember, Note, Patient, User
from ..permissions import OWNER, PRACTITIONER
from . import audit
from .actor import Actor
from .common import Input, get

#: Permissions on the clinical record: a practitioner needs the patient in their care.
CLINICAL = frozenset({"notes.read", "notes.write", "notes.sign", "measures.read",
                      "measures.record", "cases.read", "cases.write"})
#: A case's clinical fields: withheld from a practitioner outside the care team.
CASE_CLINICAL_FIELDS = ("title", "diagnosis_codes", "injury_date", "close_reason")
#: How long a break-the-glass grant lasts.
GRANT_HOURS = 4
#: The shortest reason accepted (a word or two is not a reason).
REASON_MIN = 10

#: The ``code`` in a 403's ``details`` when breaking the glass would open the record.
BREAK_THE_GLASS = "break-the-glass"


def _needs_care_team(actor: Actor, permission: str) -> bool:
    # An owner who treats signs as a practitioner does: only for patients in their care.
    return permission in CLINICAL and (
        actor.role == PRACTITIONER or (actor.role == OWNER and permission == "notes.sign"))


def _care_rules(user_id: Any, practitioner_id: Any, now: Any
                ) -> list[tuple[ColumnElement[Any], ColumnElement[bool]]]:
    """The rules that put a patient in a user's care, each as (a table's patient column,
    what its row must say): a grant they hold, and for a practitioner (``practitioner_id``
    not None) an appointment with them, a case they lead, a case team they are on."""
    rules: list[tuple[ColumnElement[Any], ColumnElement[bool]]] = [
        (AccessGrant.patient_id, and_(AccessGrant.user_id == user_id,
                                      AccessGrant.expires_at > now))]
    if practitioner_id is not None:
        rules += [
            (Appointment.patient_id, Appointment.practitioner_id == practitioner_id),
            (Case.patient_id, Case.primary_practitioner_id == practitioner_id),
            (CaseTeamMember.patient_id, CaseTeamMember.practitioner_id == practitioner_id),
        ]
    return rules


def in_care(session: Session, actor: Actor, patient_id: int,
            now: datetime | None = None) -> bool:
    """True when ``patient_id`` is in the care of ``actor`` (an appointment with their
    practitioner record, a case they are the primary practitioner of or on the team of) or
    ``actor`` holds an unexpired grant for them. One query."""
    query = _in_care_query(actor.user_id is not None, actor.practitioner_id is not None)
    return bool(session.scalar(query, {"user_id": actor.user_id,
                                       "practitioner_id": actor.practitioner_id,
                                       "patient_id": patient_id, "now": now or utcnow()}))


@functools.cache
def _in_care_query(user: bool, practitioner: bool) -> Any:
    """:func:`in_care`'s statement, built once per shape: building its four probes cost
    more CPU than running them, and every clinical read of a practitioner runs it."""
    rules = _care_rules(bindparam("user_id") if user else None,
                        bindparam("practitioner_id") if practitioner else None,
                        bindparam("now"))
    return select(or_(*(exists().where(column == bindparam("patient_id"), rule)
                        for column, rule in rules)))


def in_care_clause(actor: Actor, patient_id: ColumnElement[Any],
                   now: datetime | None = None) -> ColumnElement[bool]:
    """:func:`in_care` as a filter on many rows at once: true where ``patient_id`` (a
    column) is a patient in the care of ``actor`` or one they hold a grant for (the same
    rules, as ``IN`` subqueries, for a list across patients)."""
    return or_(*(patient_id.in_(select(column).where(rule))
                 for column, rule in _care_rules(actor.user_id, actor.practitioner_id,
                                                 now or utcnow())))


def may(session: Session, actor: Actor, permission: str, patient_id: int) -> bool:
    """Whether :func:`require` would let ``actor`` do ``permission`` on the patient."""
    try:
        actor.require(permission, patient_id=patient_id)
    except Forbidden:
        return False
    return not _needs_care_team(actor, permission) or in_care(session, actor, patient_id)


def require(session: Session, actor: Actor, permission: str, patient_id: int) -> None:
    """Raise :class:`Forbidden` unless ``actor`` may do ``permission`` on the patient's
    record: role, patient scope, then (for a practitioner and a clinical permission) the
    care team. The 403's ``details`` carry ``code: "break-the-glass"`` when a grant would
    open it (the API and the web audit refusals in their own transaction)."""
    actor.require(permission, patient_id=patient_id)
    if _needs_care_team(actor, permission) and not in_care(session, actor, patient_id):
        message = ("this patient is not in your care: break the glass (state a reason) "
                   "to open their clinical record")
        raise Forbidden(message, details=[{"code": BREAK_THE_GLASS, "field": None,
                                           "message": message, "patient_id": patient_id}])


@dataclass(frozen=True)
class RestrictedCase:
    """A case as a practitioner outside the care team sees it in a list: what it is for
    the schedule and the bill, its clinical fields withheld (``restricted``)."""

    id: int
    patient_id: int
    discipline: str
    status: str
    opened_on: date
    closed_on: date | None
    primary_practitioner_id: int | None
    referral_source: str | None
    referral_date: date | None
    referrer_name: str | None
    referrer_npi: str | None
    payer_id: int | None
    coverage_id: int | None
    authorised_visits: int | None
    authorisation_number: str | None
    plan_of_care_start: date | None
    plan_of_care_end: date | None
    title: None = None
    diagnosis_codes: tuple[str, ...] = ()
    injury_date: None = None
    close_reason: None = None
    restricted: bool = True


def case_view(session: Session, actor: Actor, found: list[Case],
              patient_id: int) -> list[Case | RestrictedCase]:
    """``found`` (cases of ``patient_id``) as ``actor`` may read them: whole, or with the
    clinical fields withheld when ``cases.read`` needs the care team and the patient is not
    in it. At most one query, whatever the number of cases."""
    if not found or may(session, actor, "cases.read", patient_id):
        return list(found)
    keep = [f for f in fields(RestrictedCase) if f.name not in CASE_CLINICAL_FIELDS
            and f.name != "restricted"]
    return [RestrictedCase(**{f.name: getattr(case, f.name) for f in keep}) for case in found]


def require_author(actor: Actor, note: Note) -> None:
    """Drafts are edited, switched, discarded and signed by their author only (the
    command line and seeds act as the system)."""
    if actor.role != "system" and actor.user_id != note.author_id:
        raise Forbidden("only the note's author may change or sign this draft")


def require_error_marker(actor: Actor, note: Note) -> None:
    """A note is marked entered in error by its author or the owner."""
    if actor.role not in ("system", OWNER) and actor.user_id != note.author_id:
        raise Forbidden("only the note's author or the owner may mark it entered in error")


class BreakGlassIn(Input):
    """Why a practitioner outside the care team opens a patient's clinical record."""

    patient_id: int
    reason: str = Field(max_length=500)

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value) < REASON_MIN:
            raise ValueError(f"state the reason in at least {REASON_MIN} characters")
        return value


def break_glass(session: Session, actor: Actor, data: BreakGlassIn,
                hours: int = GRANT_HOURS) -> AccessGrant:
    """Grant ``actor`` access to the patient's clinical record for ``hours``: for staff
    whose role may read notes; audited (the reason stays in the grant, which the owner
    reads: the audit log never holds free text that could be clinical)."""
    if actor.user_id is None or not actor.can("notes.read") or actor.is_patient:
        raise Forbidden("your role may not read clinical records")
    get(session, Patient, data.patient_id, "patient", field="patient_id")
    now = utcnow()
    grant = AccessGrant(user_id=actor.user_id, patient_id=data.patient_id,
                        reason=data.reason, created_at=now,
                        expires_at=now + timedelta(hours=hours))
    session.add(grant)
    session.flush()
    audit.record(session, actor, "break-the-glass", "access-grant", grant.id,
                 data.patient_id, detail=f"until {grant.expires_at.isoformat()}")
    return grant


def grants(session: Session, actor: Actor, *, limit: int = 200) -> list[tuple[AccessGrant,
                                                                               User, Patient]]:
    """The latest break-the-glass grants with who and for whom, newest first (the owner's
    review list). One query."""
    if not actor.can("audit.read"):
        raise Forbidden(f"your role ({actor.role}) may not do this (audit.read)")
    if not 1 <= limit <= 1000:
        raise Invalid("between 1 and 1000", field="limit")
    rows = session.execute(
        select(AccessGrant, User, Patient)
        .join(User, User.id == AccessGrant.user_id)
        .join(Patient, Patient.id == AccessGrant.patient_id)
        .order_by(AccessGrant.created_at.desc(), AccessGrant.id.desc()).limit(limit)).all()
    audit.record(session, actor, "read", "access-grant", None, None,
                 detail=f"list of {len(rows)}")
    return [(grant, user, patient) for grant, user, patient in rows]
