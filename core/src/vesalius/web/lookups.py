"""Bulk look-ups for list pages: the names of many patients in one query, audited as reads.

Lists (waitlist, worklists) show a name per row; reading the patients one by one would be
N+1 queries.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Note, Patient
from ..services import audit
from ..services.actor import Actor


def patients_by_id(session: Session, actor: Actor, ids: Iterable[int]) -> dict[int, Patient]:
    wanted = sorted(set(ids))
    if actor.is_patient:
        wanted = [i for i in wanted if i == actor.patient_id]
    if not wanted:
        return {}
    actor.require("patients.search") if not actor.is_patient else None
    found = {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(wanted)))}
    audit.record_many(session, actor, "read", "patient", [(i, i) for i in found],
                      detail="list")
    return found


def notes_of_patient(session: Session, actor: Actor, patient_id: int) -> list[Note]:
    """Every note of one patient, newest first, in one query (the profile's documents)."""
    actor.require("notes.read", patient_id=patient_id)
    found = list(session.scalars(select(Note).where(Note.patient_id == patient_id)
                                 .order_by(Note.date_of_service.desc(), Note.id.desc())))
    audit.record_many(session, actor, "read", "note", [(n.id, n.patient_id) for n in found],
                      detail="list")
    return found
