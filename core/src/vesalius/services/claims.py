"""Insurance claims made from invoice lines of payer cases, their pre-submission checks,
and their status lifecycle (draft, ready, submitted, accepted, rejected, paid, denied; an
835 may also leave a claim partly-paid)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..db.types import money, utcnow
from ..errors import Conflict, Invalid
from ..models import (
    Case,
    Claim,
    ClaimEvent,
    ClaimLine,
    Coverage,
    Invoice,
    InvoiceLine,
    Patient,
    Payer,
    Practitioner,
)
from . import audit, billing
from .actor import Actor
from .cases import visits_used
from .common import Input, get

ZERO = Decimal("0.00")

TRANSITIONS: Mapping[str, frozenset[str]] = {
    "draft": frozenset({"ready"}),
    "ready": frozenset({"draft", "submitted"}),
    "submitted": frozenset({"accepted", "rejected"}),
    "accepted": frozenset({"paid", "denied"}),
    # Set by an 835 that answered for part of the claim; the rest comes later.
    "partly-paid": frozenset({"paid", "denied"}),
    "rejected": frozenset({"draft"}),  # corrected, checked again, resubmitted
    "paid": frozenset(),
    "denied": frozenset(),
}


@dataclass(frozen=True)
class ClaimProblem:
    field: str
    message: str


class ClaimStatusIn(Input):
    status: str
    reason: str | None = Field(default=None, max_length=300)
    payer_reference: str | None = Field(default=None, max_length=80)
    #: For "paid": what the insurer paid (default: the claim's total).
    paid_amount: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)

    @field_validator("paid_amount", mode="before")
    @classmethod
    def _no_float(cls, value: object) -> object:
        if isinstance(value, float):
            raise ValueError("money is never a float: send a string such as \"85.00\"")
        return value


def _claim(session: Session, actor: Actor, claim_id: int, permission: str) -> Claim:
    claim = get(session, Claim, claim_id, "claim")
    actor.require(permission, patient_id=claim.patient_id)
    return claim


def create(session: Session, actor: Actor, invoice_id: int) -> Claim:
    """A draft claim of the invoice's lines that the insurer owes and no claim has yet."""
    invoice = get(session, Invoice, invoice_id, "invoice", field="invoice_id")
    actor.require("claims.write", patient_id=invoice.patient_id)
    if invoice.payer_id is None:
        raise Conflict("the invoice is self-pay: there is no payer to claim from",
                       field="invoice_id")
    if invoice.status == "void":
        raise Conflict("the invoice is void", field="invoice_id")
    if invoice.status == "draft":
        billing.issue(session, actor, invoice.id)
    claimed = set(session.scalars(select(ClaimLine.invoice_line_id).where(
        ClaimLine.invoice_line_id.in_([line.id for line in invoice.lines]))))
    lines = [ln for ln in invoice.lines if ln.insurer_amount > ZERO and ln.id not in claimed]
    if not lines:
        raise Conflict("nothing on this invoice is left to claim", field="invoice_id")
    case = session.get(Case, invoice.case_id) if invoice.case_id else None
    pointers = list(range(1, min(len(case.diagnosis_codes), 4) + 1)) if case else []
    claim = Claim(invoice_id=invoice.id, case_id=invoice.case_id,
                  patient_id=invoice.patient_id, payer_id=invoice.payer_id,
                  coverage_id=invoice.coverage_id, practitioner_id=invoice.practitioner_id,
                  status="draft", total=sum((ln.insurer_amount for ln in lines), ZERO))
    claim.lines = [ClaimLine(invoice_line_id=ln.id, code=ln.code, modifiers=ln.modifiers,
                             units=ln.units, amount=ln.insurer_amount,
                             date_of_service=invoice.date_of_service,
                             diagnosis_pointers=pointers) for ln in lines]
    session.add(claim)
    session.flush()
    claim.number = f"CLM-{claim.id:06d}"
    claim.events.append(ClaimEvent(user_id=actor.user_id, kind="status", to_status="draft",
                                   text=f"made from invoice {invoice.number}"))
    invoice.claim_state = "claimed"
    audit.record(session, actor, "create", "claim", claim.id, claim.patient_id,
                 detail=f"{len(lines)} lines")
    return claim


def check(session: Session, claim: Claim, today: date | None = None) -> list[ClaimProblem]:
    """What stops the claim from being submitted, each naming the missing piece."""
    today = today or date.today()
    problems: list[ClaimProblem] = []

    def need(condition: object, field: str, message: str) -> None:
        if not condition:
            problems.append(ClaimProblem(field, message))

    case = session.get(Case, claim.case_id) if claim.case_id else None
    patient = session.get(Patient, claim.patient_id)
    payer = session.get(Payer, claim.payer_id)
    coverage = session.get(Coverage, claim.coverage_id) if claim.coverage_id else None
    practitioner = (session.get(Practitioner, claim.practitioner_id)
                    if claim.practitioner_id else None)
    need(case is not None, "case", "the claim is not linked to a case")
    if case is not None:
        need(case.diagnosis_codes, "case.diagnosis_codes",
             "the case has no ICD-10 diagnosis code")
        if case.authorised_visits is not None:
            need(visits_used(session, case.id) <= case.authorised_visits,
                 "case.authorised_visits", "more visits than the payer authorised")
        if case.plan_of_care_end is not None:
            need(all(line.date_of_service <= case.plan_of_care_end for line in claim.lines),
                 "case.plan_of_care_end", "a date of service is after the plan of care ends")
    need(payer is not None and payer.payer_code, "payer.payer_code",
         "the payer has no electronic payer id")
    need(coverage is not None, "coverage", "the case has no coverage (insurance) on file")
    if coverage is not None:
        need(coverage.member_id, "coverage.member_id", "the coverage has no member id")
        for line in claim.lines:
            if (coverage.valid_from and line.date_of_service < coverage.valid_from) or (
                    coverage.valid_to and line.date_of_service > coverage.valid_to):
                problems.append(ClaimProblem("coverage.valid_to",
                                             "the coverage was not in force on "
                                             f"{line.date_of_service}"))
                break
    need(practitioner is not None, "practitioner", "no rendering practitioner")
    if practitioner is not None:
        need(practitioner.npi or practitioner.provider_number, "practitioner.npi",
             f"{practitioner.display_name} has no NPI or provider number")
    if patient is not None:
        need(patient.birth_date, "patient.birth_date", "the patient's date of birth is missing")
        need(patient.address_line1 and patient.city and patient.postal_code,
             "patient.address", "the patient's address is incomplete")
        need(patient.sex in ("female", "male", "unknown", "other"), "patient.sex",
             "the patient's administrative sex is missing")
    need(claim.lines, "lines", "the claim has no lines")
    for i, line in enumerate(claim.lines):
        need(line.date_of_service, f"lines[{i}].date_of_service", "no date of service")
        need(line.date_of_service is None or line.date_of_service <= today,
             f"lines[{i}].date_of_service", "the date of service is in the future")
        need(line.amount > ZERO, f"lines[{i}].amount", "the line has no charge")
        need(line.units >= 1, f"lines[{i}].units", "the line has no units")
    return problems


def read(session: Session, actor: Actor, claim_id: int) -> tuple[Claim, list[ClaimProblem]]:
    claim = _claim(session, actor, claim_id, "claims.read")
    audit.record(session, actor, "read", "claim", claim.id, claim.patient_id)
    return claim, check(session, claim)


def set_status(session: Session, actor: Actor, claim_id: int, data: ClaimStatusIn) -> Claim:
    """Move the claim along its lifecycle. Becoming ready runs the checks (422 listing
    what is missing); "paid" posts the insurer's payment to the invoice; "denied" moves the
    unpaid insurer share to the patient."""
    claim = _claim(session, actor, claim_id, "claims.write")
    old, new = claim.status, data.status
    if new not in TRANSITIONS:
        raise Invalid(f"unknown claim status {new!r}", field="status")
    if new not in TRANSITIONS[old]:
        allowed = ", ".join(sorted(TRANSITIONS[old])) or "none (it is final)"
        raise Conflict(f"a {old} claim cannot become {new}; allowed: {allowed}",
                       field="status")
    if new in ("ready", "submitted"):
        problems = check(session, claim)
        if problems:
            raise Invalid("the claim is missing data: " + "; ".join(
                f"{p.field}: {p.message}" for p in problems), field=problems[0].field,
                details=[{"field": p.field, "message": p.message} for p in problems])
    if new in ("rejected", "denied") and not data.reason:
        raise Invalid("give the payer's reason", field="reason")
    claim.status, claim.status_reason = new, data.reason
    if data.payer_reference:
        claim.payer_reference = data.payer_reference
    now = utcnow()
    if new == "submitted":
        claim.submitted_at = now
    if new in ("accepted", "rejected", "paid", "denied"):
        claim.decided_at = now
    if new == "paid":
        amount = money(data.paid_amount if data.paid_amount is not None else claim.total)
        if amount > claim.total:
            raise Invalid(f"more than the claim's total ({claim.total})", field="paid_amount")
        if amount > ZERO:
            billing.record_payment(session, actor, billing.PaymentIn(
                patient_id=claim.patient_id, amount=amount, method="insurer",
                payer_id=claim.payer_id, reference=claim.payer_reference or claim.number,
                allocations=[billing.AllocationIn(invoice_id=claim.invoice_id,
                                                  amount=amount)]))
        claim.paid_amount = amount
        shortfall = claim.total - amount
        if shortfall > ZERO:
            _to_patient(session, claim, shortfall)
    if new == "denied":
        _to_patient(session, claim, claim.total)
    claim.events.append(ClaimEvent(
        user_id=actor.user_id, kind="status", from_status=old, to_status=new,
        payer_reference=data.payer_reference, text=data.reason,
        paid_amount=claim.paid_amount if new == "paid" else None))
    audit.record(session, actor, "status", "claim", claim.id, claim.patient_id,
                 detail=f"{old} -> {new}")
    return claim


class ClaimNoteIn(Input):
    text: str = Field(min_length=1, max_length=1000)


def add_note(session: Session, actor: Actor, claim_id: int, data: ClaimNoteIn) -> ClaimEvent:
    """A note on the claim's history (a call to the payer, what they said). Notes are
    billing correspondence: clinical content belongs in the clinical note, not here."""
    claim = _claim(session, actor, claim_id, "claims.write")
    event = ClaimEvent(user_id=actor.user_id, kind="note", text=data.text)
    claim.events.append(event)
    session.flush()
    audit.record(session, actor, "note", "claim", claim.id, claim.patient_id)
    return event


def _to_patient(session: Session, claim: Claim, amount: Decimal) -> None:
    """Move ``amount`` of the claim's insurer share on the invoice to the patient's share."""
    invoice = session.get(Invoice, claim.invoice_id)
    assert invoice is not None
    left = amount
    by_id = {line.id: line for line in invoice.lines}
    for claim_line in claim.lines:
        line: InvoiceLine = by_id[claim_line.invoice_line_id]
        take = min(left, line.insurer_amount)
        line.insurer_amount -= take
        line.patient_amount += take
        left -= take
    invoice.insurer_portion = sum((ln.insurer_amount for ln in invoice.lines), ZERO)
    invoice.patient_portion = sum((ln.patient_amount for ln in invoice.lines), ZERO)


def list_claims(session: Session, actor: Actor, *, status: str | None = None,
                patient_id: int | None = None, case_id: int | None = None,
                limit: int = 200) -> list[Claim]:
    if patient_id is not None:
        actor.require("claims.read", patient_id=patient_id)
    else:
        actor.require("claims.read")
    query = select(Claim).options(selectinload(Claim.lines))
    if status:
        query = query.where(Claim.status == status)
    if patient_id is not None:
        query = query.where(Claim.patient_id == patient_id)
    if case_id is not None:
        query = query.where(Claim.case_id == case_id)
    # The newest ``limit`` claims, returned oldest first.
    found = list(session.scalars(
        query.order_by(Claim.id.desc()).limit(max(1, min(limit, 1000)))))[::-1]
    audit.record_many(session, actor, "read", "claim", [(c.id, c.patient_id) for c in found])
    return found
