"""The case team a clinic sets: the owner or front desk add practitioners to a case (a
colleague covering, a second discipline) and remove them. Members are in the care team of
the case's patient (:func:`vesalius.services.access.in_care`) for as long as they stay on
it. Every change is audited; the list is not clinical (names, not findings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..models import Case, CaseTeamMember, Practitioner
from . import audit
from .actor import Actor
from .common import Input, get


class TeamMemberIn(Input):
    """The practitioner to add to a case's team."""

    practitioner_id: int


@dataclass(frozen=True)
class TeamMember:
    """One practitioner on a case's team, with who added them and when."""

    case_id: int
    practitioner_id: int
    practitioner_name: str
    added_by: int | None
    added_at: datetime


def team(session: Session, actor: Actor, case_id: int) -> list[TeamMember]:
    """The case's team, by name. Two queries (the case, then its members with names)."""
    case = get(session, Case, case_id, "case")
    actor.require("cases.read", patient_id=case.patient_id)
    rows = session.execute(
        select(CaseTeamMember, Practitioner.display_name)
        .join(Practitioner, Practitioner.id == CaseTeamMember.practitioner_id)
        .where(CaseTeamMember.case_id == case_id)
        .order_by(Practitioner.display_name, Practitioner.id))
    return [TeamMember(m.case_id, m.practitioner_id, name, m.added_by, m.added_at)
            for m, name in rows]


def add(session: Session, actor: Actor, case_id: int, data: TeamMemberIn) -> TeamMember:
    """Add a practitioner to the case's team; 409 when they are on it already."""
    case = get(session, Case, case_id, "case")
    actor.require("cases.team", patient_id=case.patient_id)
    practitioner = get(session, Practitioner, data.practitioner_id, "practitioner",
                       field="practitioner_id")
    if not practitioner.active:
        raise Invalid("the practitioner is inactive", field="practitioner_id")
    taken = session.scalar(select(CaseTeamMember.id).where(
        CaseTeamMember.case_id == case_id,
        CaseTeamMember.practitioner_id == practitioner.id))
    if taken is not None:
        raise Conflict(f"{practitioner.display_name} is on this case's team already",
                       field="practitioner_id")
    member = CaseTeamMember(case_id=case.id, patient_id=case.patient_id,
                            practitioner_id=practitioner.id, added_by=actor.user_id,
                            added_at=utcnow())
    try:
        with session.begin_nested():  # a racing add of the same practitioner: 409, not 500
            session.add(member)
    except IntegrityError:
        raise Conflict(f"{practitioner.display_name} is on this case's team already",
                       field="practitioner_id") from None
    audit.record(session, actor, "team-add", "case", case.id, case.patient_id,
                 detail=f"practitioner {practitioner.id}")
    return TeamMember(case.id, practitioner.id, practitioner.display_name, member.added_by,
                      member.added_at)


def remove(session: Session, actor: Actor, case_id: int, practitioner_id: int) -> None:
    """Take a practitioner off the case's team (404 when they are not on it). Their access
    through appointments or their own cases stays."""
    case = get(session, Case, case_id, "case")
    actor.require("cases.team", patient_id=case.patient_id)
    gone = session.execute(delete(CaseTeamMember).where(
        CaseTeamMember.case_id == case_id,
        CaseTeamMember.practitioner_id == practitioner_id)).rowcount
    if not gone:
        raise NotFound(f"practitioner {practitioner_id} is not on this case's team")
    audit.record(session, actor, "team-remove", "case", case.id, case.patient_id,
                 detail=f"practitioner {practitioner_id}")
