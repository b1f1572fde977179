"""Posting an 835: each CLP is matched to our claim by its number (CLP01 = the CLM01 we
sent), then the payer's answer is posted to the claim's invoice:

- the payment (CLP04) as a Payment from the payer allocated to the insurer's share;
- contractual and other write-offs (CAS groups CO, OA, PI): the insurer's share and the
  invoice's total go down by them (the clinic may not bill them to anyone);
- patient responsibility (CAS group PR: deductible, coinsurance, copay) moves from the
  insurer's share to the patient's;
- the claim becomes paid (nothing left for the insurer), partly-paid (the payer answered
  for part of the claim) or denied (CLP02 4, or nothing paid), with a claim event.

Every CAS is stored with its group, reason code and amount. A CLP with no claim of that
number, or one the claim cannot take (its state, amounts that do not balance, a reversal),
goes to the worklist with the reason. A file seen before (same sender and ISA13, or same
TRN trace) changes nothing, and a CLP posted before (same CLP01, CLP07, CLP02, CLP04) is
not posted again from another file."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from pydantic import Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..db.types import money, utcnow
from ..errors import Conflict, Invalid
from ..models import Claim, ClaimEvent, ClaimLine, Invoice, InvoiceLine
from ..models.x12 import Remittance, RemittanceAdjustment, RemittanceClaim
from ..services import audit, billing, revenue
from ..services.actor import Actor
from ..services.common import Input, get
from . import p835

ZERO = Decimal("0.00")
#: CAS groups the clinic writes off; PR is the patient's to pay.
WRITE_OFF_GROUPS = frozenset({"CO", "OA", "PI"})
PATIENT_GROUP = "PR"
#: Claim states an 835 may answer.
POSTABLE = frozenset({"submitted", "accepted", "partly-paid"})
DENIED = "4"
REVERSAL = "22"


@dataclass(frozen=True)
class ImportResult:
    remittance: Remittance
    #: True when the file had been imported before: nothing was changed.
    duplicate: bool


def _post_key(clp: p835.ClaimPayment) -> str:
    return f"{clp.reference}|{clp.payer_claim_number}|{clp.status}|{clp.paid}"[:160]


def _balance_problem(clp: p835.ClaimPayment) -> str | None:
    """Billed - paid = the sum of the adjustments, for each service line and the claim."""
    for svc in clp.services:
        if svc.billed - svc.paid != sum((a.amount for a in svc.adjustments), ZERO):
            return (f"service {svc.procedure}: billed {svc.billed} - paid {svc.paid} is not "
                    "the sum of its adjustments")
    total = sum((a.amount for _s, a in clp.all_adjustments()), ZERO)
    if clp.billed - clp.paid != total:
        return f"billed {clp.billed} - paid {clp.paid} is not the sum of the adjustments {total}"
    return None


class _Plan:
    """How one CLP lands on the claim's invoice lines, worked out before anything changes."""

    def __init__(self, claim: Claim, lines: dict[int, InvoiceLine]) -> None:
        self.claim = claim
        self.lines = lines
        self.write_off: dict[int, Decimal] = defaultdict(lambda: ZERO)
        self.to_patient: dict[int, Decimal] = defaultdict(lambda: ZERO)
        self.adjustment_line: list[int | None] = []

    def _room(self, line_id: int) -> Decimal:
        return (self.lines[line_id].insurer_amount - self.write_off[line_id]
                - self.to_patient[line_id])

    def take(self, preferred: int | None, amount: Decimal, into: dict[int, Decimal]) -> bool:
        """Put ``amount`` on the preferred line, the rest on the claim's other lines in
        order; False when the insurer's share of the lines is too small."""
        order = [cl.invoice_line_id for cl in self.claim.lines]
        if preferred is not None:
            order.remove(preferred)
            order.insert(0, preferred)
        left = amount
        for line_id in order:
            step = min(left, max(self._room(line_id), ZERO))
            into[line_id] += step
            left -= step
        return left == ZERO


def _match_services(claim: Claim, clp: p835.ClaimPayment) -> dict[int, ClaimLine]:
    """SVC index -> our claim line: the same code and modifiers (and date when given)."""
    used: set[int] = set()
    found: dict[int, ClaimLine] = {}
    for i, svc in enumerate(clp.services):
        for line in claim.lines:
            if line.id in used or line.code != svc.code:
                continue
            if svc.modifiers and tuple(svc.modifiers) != tuple(line.modifiers):
                continue
            if svc.date_of_service and svc.date_of_service != line.date_of_service:
                continue
            found[i] = line
            used.add(line.id)
            break
    return found


def _plan(session: Session, claim: Claim, invoice: Invoice, clp: p835.ClaimPayment,
          open_amount: Decimal) -> tuple[_Plan | None, str | None]:
    if clp.status == REVERSAL:
        return None, "a reversal (CLP02 22): post the correction by hand"
    if claim.status not in POSTABLE:
        return None, f"the claim is {claim.status}: only a submitted claim takes an 835"
    if invoice.status != "issued":
        return None, f"the claim's invoice is {invoice.status}"
    if problem := _balance_problem(clp):
        return None, problem
    if clp.billed > open_amount:
        return None, (f"the payer answered for {clp.billed} but {open_amount} of the claim "
                      "is open")
    lines = {line.id: line for line in invoice.lines}
    plan = _Plan(claim, lines)
    matched = _match_services(claim, clp)
    svc_index = {id(svc): i for i, svc in enumerate(clp.services)}
    for svc, adjustment in clp.all_adjustments():
        line = matched.get(svc_index[id(svc)]) if svc is not None else None
        preferred = line.invoice_line_id if line is not None else None
        plan.adjustment_line.append(line.id if line is not None else None)
        if adjustment.group == PATIENT_GROUP:
            into = plan.to_patient
        elif adjustment.group in WRITE_OFF_GROUPS:
            into = plan.write_off
        else:
            return None, f"CAS group {adjustment.group!r} is not one the clinic posts"
        if adjustment.amount < ZERO:
            return None, "a negative adjustment: post it by hand"
        if not plan.take(preferred, adjustment.amount, into):
            return None, "the adjustments are more than the insurer's share of the claim"
    paid = billing.paid_by_invoice(session, [invoice.id]).get(invoice.id)
    insurer_due = (invoice.insurer_portion - (paid.insurer if paid else ZERO)
                   - sum(plan.write_off.values(), ZERO) - sum(plan.to_patient.values(), ZERO))
    if clp.paid > insurer_due:
        return None, f"the payment {clp.paid} is more than the insurer owes ({insurer_due})"
    return plan, None


def _apply(session: Session, actor: Actor, plan: _Plan, invoice: Invoice,
           clp: p835.ClaimPayment, remittance: Remittance, row: RemittanceClaim,
           answered: Decimal) -> None:
    """Post the plan; ``answered`` is how much of the claim the payer has now answered for
    (earlier 835s and this CLP)."""
    written_off = ZERO
    for line_id, amount in plan.write_off.items():
        line = plan.lines[line_id]
        line.insurer_amount -= amount
        line.amount -= amount
        written_off += amount
    for line_id, amount in plan.to_patient.items():
        line = plan.lines[line_id]
        line.insurer_amount -= amount
        line.patient_amount += amount
    invoice.total = sum((ln.amount for ln in invoice.lines), ZERO)
    invoice.insurer_portion = sum((ln.insurer_amount for ln in invoice.lines), ZERO)
    invoice.patient_portion = sum((ln.patient_amount for ln in invoice.lines), ZERO)
    if written_off:  # revenue is what the clinic may collect
        revenue.book(session, invoice.practitioner_id, invoice.date_of_service, -written_off, 0)
    claim = plan.claim
    if clp.paid > ZERO:
        payment = billing.record_payment(session, actor, billing.PaymentIn(
            patient_id=claim.patient_id, amount=clp.paid, method="insurer",
            payer_id=claim.payer_id, reference=remittance.trace_number[:100],
            received_on=remittance.paid_on,
            allocations=[billing.AllocationIn(invoice_id=invoice.id, amount=clp.paid)],
            note=f"835 {remittance.trace_number}, claim {claim.number}"[:300]))
        row.payment_id = payment.id
    old = claim.status
    claim.paid_amount += clp.paid
    if clp.status == DENIED or (clp.paid == ZERO and answered >= claim.total
                                and claim.paid_amount == ZERO):
        new = "denied"
    elif answered >= claim.total:
        new = "paid"
    else:
        new = "partly-paid"
    now = utcnow()
    claim.status, claim.decided_at = new, now
    if clp.payer_claim_number:
        claim.payer_reference = clp.payer_claim_number[:80]
    codes = ", ".join(f"{a.group}-{a.reason} {a.amount}" for _s, a in clp.all_adjustments())
    summary = (f"835 {remittance.trace_number}: paid {clp.paid}, written off {written_off}, "
               f"patient {sum(plan.to_patient.values(), ZERO)}"
               + (f" ({codes})" if codes else ""))[:1000]
    if new == "denied":
        claim.status_reason = summary[:300]
    claim.events.append(ClaimEvent(
        user_id=actor.user_id, kind="status", from_status=old, to_status=new,
        payer_reference=clp.payer_claim_number[:80] or None, paid_amount=clp.paid,
        text=summary))
    audit.record(session, actor, "post", "claim", claim.id, claim.patient_id,
                 detail=f"835 {remittance.trace_number}: {old} -> {new}")


def import_835(session: Session, actor: Actor, text: str) -> ImportResult:
    """Read, check and post an 835 in the caller's transaction (see the module's doc)."""
    actor.require("claims.write")
    try:
        era = p835.read(text)
    except p835.RemittanceError as exc:
        raise Invalid(str(exc), field=exc.field,
                      details=[{"field": "x12", "message": e} for e in exc.errors[:20]]
                      or None) from None
    seen = session.scalars(select(Remittance).where(or_(
        (Remittance.sender_id == era.sender_id)
        & (Remittance.interchange_control == era.interchange_control),
        (Remittance.trace_number == era.trace_number)
        & (Remittance.trace_originator == era.trace_originator)))).first()
    if seen is not None:
        audit.record(session, actor, "import", "remittance", seen.id,
                     detail="835 seen before: nothing changed")
        return ImportResult(seen, duplicate=True)
    paid = sum((c.paid for c in era.claims), ZERO)
    if era.total_paid != paid - era.provider_adjustments:
        raise Invalid(f"BPR02 {era.total_paid} is not the claims' payments {paid} less the "
                      f"provider adjustments {era.provider_adjustments}", field="BPR02")
    remittance = Remittance(
        sender_id=era.sender_id[:15], interchange_control=era.interchange_control[:9],
        trace_number=era.trace_number[:50], trace_originator=era.trace_originator[:10],
        payer_name=era.payer_name[:60], total_paid=era.total_paid,
        payment_method=era.payment_method[:3], paid_on=era.paid_on,
        sha256=hashlib.sha256(text.encode()).hexdigest(), claim_count=len(era.claims),
        posted_count=0, created_by=actor.user_id)
    session.add(remittance)
    session.flush()
    references = {c.reference for c in era.claims}
    claims_by_number = {c.number: c for c in session.scalars(
        select(Claim).options(selectinload(Claim.lines), selectinload(Claim.events))
        .where(Claim.number.in_(references)))}
    invoices = {i.id: i for i in session.scalars(
        select(Invoice).options(selectinload(Invoice.lines))
        .where(Invoice.id.in_([c.invoice_id for c in claims_by_number.values()])))}
    answered: dict[int, Decimal] = dict(session.execute(  # type: ignore[arg-type]
        select(RemittanceClaim.claim_id, func.sum(RemittanceClaim.billed))
        .where(RemittanceClaim.claim_id.in_([c.id for c in claims_by_number.values()]),
               RemittanceClaim.outcome == "posted")
        .group_by(RemittanceClaim.claim_id)).all())
    keys = {_post_key(c) for c in era.claims}
    posted_before = set(session.scalars(select(RemittanceClaim.post_key)
                                        .where(RemittanceClaim.post_key.in_(keys))))
    for clp in era.claims:
        claim = claims_by_number.get(clp.reference)
        row = RemittanceClaim(
            remittance_id=remittance.id, claim_id=claim.id if claim else None,
            claim_reference=clp.reference[:38], status_code=clp.status[:2], billed=clp.billed,
            paid=clp.paid, patient_responsibility=clp.patient_responsibility,
            payer_claim_number=clp.payer_claim_number[:50], outcome="posted")
        key = _post_key(clp)
        plan = None
        if claim is None:
            row.outcome, row.reason = "unmatched", f"no claim numbered {clp.reference!r}"
        elif key in posted_before:
            row.outcome, row.reason = "duplicate", "this answer was posted from an earlier 835"
        else:
            invoice = invoices[claim.invoice_id]
            open_amount = claim.total - money(answered.get(claim.id) or 0)
            plan, reason = _plan(session, claim, invoice, clp, open_amount)
            if plan is None:
                row.outcome, row.reason = "refused", (reason or "")[:300]
        line_ids = plan.adjustment_line if plan else [None] * len(clp.all_adjustments())
        row.adjustments = [
            RemittanceAdjustment(procedure=svc.procedure[:60] if svc else None,
                                 claim_line_id=line_id, group_code=a.group[:2],
                                 reason_code=a.reason[:5], amount=a.amount)
            for (svc, a), line_id in zip(clp.all_adjustments(), line_ids, strict=True)]
        session.add(row)
        if plan is not None and claim is not None:
            row.post_key = key
            posted_before.add(key)
            session.flush()
            answered[claim.id] = money(answered.get(claim.id) or 0) + clp.billed
            _apply(session, actor, plan, invoices[claim.invoice_id], clp, remittance, row,
                   answered[claim.id])
            remittance.posted_count += 1
    session.flush()
    audit.record(session, actor, "import", "remittance", remittance.id,
                 detail=f"835 {remittance.trace_number}: {remittance.posted_count} of "
                        f"{remittance.claim_count} claims posted")
    return ImportResult(remittance, duplicate=False)


def with_claims(session: Session, remittance_id: int) -> Remittance:
    """The remittance with its claims and their adjustments, in two more queries."""
    found = session.scalars(
        select(Remittance).where(Remittance.id == remittance_id)
        .options(selectinload(Remittance.claims).selectinload(RemittanceClaim.adjustments))
        .execution_options(populate_existing=True)).one()
    return found


def worklist(session: Session, actor: Actor, limit: int = 200) -> list[RemittanceClaim]:
    """The 835 answers not posted (no such claim, or the claim could not take them),
    oldest first, unresolved only."""
    actor.require("claims.read")
    found = list(session.scalars(
        select(RemittanceClaim).options(selectinload(RemittanceClaim.adjustments))
        .where(RemittanceClaim.outcome.in_(("unmatched", "refused")),
               RemittanceClaim.resolved_at.is_(None))
        .order_by(RemittanceClaim.id).limit(max(1, min(limit, 1000)))))
    audit.record(session, actor, "read", "remittance_worklist", None,
                 detail=f"{len(found)} rows")
    return found


class ResolveIn(Input):
    #: What was done: posted by hand, not the clinic's, asked the payer... (no clinical text).
    resolution: str = Field(min_length=1, max_length=300)


def resolve(session: Session, actor: Actor, row_id: int, data: ResolveIn) -> RemittanceClaim:
    """Take a row off the worklist, saying what was done about it."""
    actor.require("claims.write")
    row = get(session, RemittanceClaim, row_id, "worklist row")
    if row.outcome not in ("unmatched", "refused"):
        raise Conflict(f"this answer was {row.outcome}: it is not on the worklist")
    if row.resolved_at is not None:
        raise Conflict("this row was resolved already")
    row.resolved_at, row.resolved_by, row.resolution = utcnow(), actor.user_id, data.resolution
    session.flush()
    audit.record(session, actor, "resolve", "remittance_claim", row.id)
    return row
