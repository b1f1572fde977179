"""837P files from the clinic's claims: one claim's file (the claim's status stays), or a
payer's batch of ready claims (each then marked submitted with a claim event). Every file
gets a fresh control number, recorded with its claims in ``x12_interchanges``."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..db.types import utcnow
from ..errors import Conflict, Invalid
from ..models import Case, Claim, Coverage, Patient, Payer, Practitioner
from ..models.x12 import X12Interchange, X12InterchangeClaim
from ..services import audit, claims
from ..services.actor import Actor
from ..services.common import get
from . import p837, settings
from .validate import validate


@dataclass(frozen=True)
class Export:
    text: str
    interchange: X12Interchange
    claims: tuple[Claim, ...]


def _split_name(display_name: str) -> tuple[str, str]:
    """(family, given) from a practitioner's display name: the last word is the family."""
    words = display_name.replace(",", " ").split()
    if not words:
        return "", ""
    return words[-1], " ".join(words[:-1])


def _by_id(session: Session, model: type, ids: set[int | None]) -> dict[int, object]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(wanted)))}


def claim_data(session: Session, found: Sequence[Claim]) -> list[p837.ClaimData]:
    """The 837P view of each claim, read in one query per table (no query per claim)."""
    patients = _by_id(session, Patient, {c.patient_id for c in found})
    payers = _by_id(session, Payer, {c.payer_id for c in found})
    coverages = _by_id(session, Coverage, {c.coverage_id for c in found})
    cases = _by_id(session, Case, {c.case_id for c in found})
    practitioners = _by_id(session, Practitioner, {c.practitioner_id for c in found})
    out = []
    for claim in found:
        patient: Patient = patients[claim.patient_id]  # type: ignore[assignment]
        payer: Payer = payers[claim.payer_id]  # type: ignore[assignment]
        coverage = coverages.get(claim.coverage_id or 0)
        case = cases.get(claim.case_id or 0)
        prac = practitioners.get(claim.practitioner_id or 0)
        family = given = None
        if isinstance(prac, Practitioner) and prac.npi:
            family, given = _split_name(prac.display_name)
        out.append(p837.ClaimData(
            number=claim.number or f"CLM-{claim.id:06d}", total=claim.total,
            relationship=getattr(coverage, "relationship_to_subscriber", "self"),
            member_id=getattr(coverage, "member_id", "") or "",
            group_number=getattr(coverage, "group_number", None),
            filing_indicator=p837.FILING_INDICATOR.get(payer.kind, "ZZ"),
            family_name=patient.family_name, given_name=patient.given_name,
            birth_date=patient.birth_date, sex=patient.sex,
            address_line1=patient.address_line1, city=patient.city,
            state=patient.region, postal_code=(patient.postal_code or "").replace("-", ""),
            payer_name=payer.name, payer_code=payer.payer_code or "",
            diagnoses=tuple(getattr(case, "diagnosis_codes", None) or ()),
            lines=tuple(p837.Line(code=line.code, modifiers=tuple(line.modifiers),
                                  charge=line.amount, units=line.units,
                                  date_of_service=line.date_of_service,
                                  pointers=tuple(line.diagnosis_pointers))
                        for line in claim.lines),
            rendering_family_name=family, rendering_given_name=given,
            rendering_npi=prac.npi if isinstance(prac, Practitioner) and prac.npi else None,
            rendering_taxonomy=prac.taxonomy_code if isinstance(prac, Practitioner) else None,
            prior_authorisation=getattr(case, "authorisation_number", None)))
    return out


def _refuse(problems: Sequence[p837.Problem]) -> Invalid:
    first = problems[0]
    field = first.field if first.claim == "*" else f"claim {first.claim}: {first.field}"
    return Invalid("cannot write the 837P: " + "; ".join(str(p) for p in problems),
                   field=field,
                   details=[{"claim": p.claim, "field": p.field, "message": p.message}
                            for p in problems])


def _write(session: Session, actor: Actor, found: Sequence[Claim], payer_id: int,
           purpose: str) -> Export:
    # The service's own pre-submission checks first (coverage in force, authorised visits,
    # plan of care), then the rules of the 837P itself.
    problems = [p837.Problem(c.number or str(c.id), p.field, p.message)
                for c in found for p in claims.check(session, c)]
    row = settings.current(session)
    party = settings.party(row)
    data = claim_data(session, found)
    problems += p837.party_problems(party)
    for claim in data:
        problems += p837.claim_problems(claim)
    if problems:
        raise _refuse(problems)
    assert party is not None
    interchange = X12Interchange(payer_id=payer_id, purpose=purpose,
                                 usage="T" if party.test_mode else "P",
                                 claim_count=len(found),
                                 total=sum((c.total for c in found), claims.ZERO),
                                 created_by=actor.user_id)
    session.add(interchange)
    session.flush()  # the id is the control number
    text = p837.write(party, p837.Envelope(interchange.id, utcnow(), data))
    result = validate(text)
    if not result.ok:  # our writer and pyx12 disagree: never send such a file
        raise Invalid("the 837P written does not pass X12 validation: "
                      + "; ".join(result.errors[:5]), field="x12")
    interchange.sha256 = hashlib.sha256(text.encode()).hexdigest()
    interchange.claims = [X12InterchangeClaim(claim_id=c.id) for c in found]
    session.flush()
    return Export(text, interchange, tuple(found))


def one_claim(session: Session, actor: Actor, claim_id: int) -> Export:
    """One claim's 837P, whatever its status, which it keeps: the control number used is
    recorded (it is never used again), the claim is not marked submitted."""
    claim = get(session, Claim, claim_id, "claim")
    actor.require("claims.read", patient_id=claim.patient_id)
    export = _write(session, actor, [claim], claim.payer_id, "single")
    audit.record(session, actor, "export", "claim", claim.id, claim.patient_id,
                 detail=f"837P interchange {export.interchange.control_number}")
    return export


def batch(session: Session, actor: Actor, payer_id: int) -> Export:
    """Every ready claim of the payer in one 837P; each is then marked submitted, with a
    claim event naming the interchange. Any claim that breaks a rule stops the whole
    batch (422 naming each claim and field): fix it or set it back to draft."""
    actor.require("claims.write")
    get(session, Payer, payer_id, "payer", field="payer_id")
    found = list(session.scalars(
        select(Claim).options(selectinload(Claim.lines))
        .where(Claim.payer_id == payer_id, Claim.status == "ready").order_by(Claim.id)))
    if not found:
        raise Conflict("the payer has no claim ready to send", field="payer_id")
    export = _write(session, actor, found, payer_id, "batch")
    control = export.interchange.control_number
    for claim in found:
        claims.set_status(session, actor, claim.id, claims.ClaimStatusIn(
            status="submitted", reason=f"sent in 837P interchange {control}"))
    audit.record_many(session, actor, "export", "claim",
                      [(c.id, c.patient_id) for c in found],
                      detail=f"837P interchange {control}")
    return export
