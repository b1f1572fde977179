"""Routes: invoices, payments and refunds, claims, the ready-to-bill worklist, reports,
and the audit log."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from ..services import audit, billing, claims, reports
from ..services.common import Input
from .framework import Call, route
from .schemas import (
    AuditListItemOut,
    AuditOut,
    ClaimEventOut,
    ClaimOut,
    InvoiceLineOut,
    InvoiceOut,
    PaymentOut,
    ProblemOut,
    RefusedOut,
    RevenueOut,
    WorkItemOut,
)


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def invoice_out(view: billing.InvoiceView) -> InvoiceOut:
    i = view.invoice
    return InvoiceOut(
        id=i.id, number=i.number, patient_id=i.patient_id, case_id=i.case_id,
        appointment_id=i.appointment_id, note_id=i.note_id, practitioner_id=i.practitioner_id,
        payer_id=i.payer_id, status=i.status, date_of_service=i.date_of_service,
        issued_on=i.issued_on, total=i.total, insurer_portion=i.insurer_portion,
        patient_portion=i.patient_portion, paid_by_patient=view.paid.patient,
        paid_by_insurer=view.paid.insurer, balance=view.balance,
        lines=[InvoiceLineOut.model_validate(line) for line in i.lines])


class InvoiceQuery(Query):
    case_id: int | None = None
    patient_id: int | None = None
    status: str | None = None
    limit: int = Field(default=200, ge=1, le=1000)


@route("GET", "/invoices", permission="billing.read", query=InvoiceQuery,
       response=list[InvoiceOut], tag="billing")
def list_invoices(call: Call) -> object:
    """Invoices with lines (code, units, unit price, amount) and what is paid and due."""
    q = call.query
    return [invoice_out(v) for v in billing.list_invoices(
        call.session, call.actor, case_id=q.case_id, patient_id=q.patient_id, status=q.status,
        limit=q.limit)]


@route("GET", "/invoices/<int:invoice_id>", permission="billing.read", response=InvoiceOut,
       tag="billing")
def read_invoice(call: Call, invoice_id: int) -> object:
    """One invoice."""
    return invoice_out(billing.read_invoice(call.session, call.actor, invoice_id))


@route("POST", "/invoices/<int:invoice_id>/issue", permission="billing.write",
       response=InvoiceOut, tag="billing")
def issue_invoice(call: Call, invoice_id: int) -> object:
    """Issue a draft invoice (gives it a number; 409 while a line has no price)."""
    billing.issue(call.session, call.actor, invoice_id)
    return invoice_out(billing.read_invoice(call.session, call.actor, invoice_id))


class VoidIn(Input):
    reason: str = Field(min_length=1, max_length=300)


@route("POST", "/invoices/<int:invoice_id>/void", permission="billing.write", body=VoidIn,
       response=InvoiceOut, tag="billing")
def void_invoice(call: Call, invoice_id: int) -> object:
    """Void an invoice with no payments and no claim."""
    billing.void(call.session, call.actor, invoice_id, call.body.reason)
    return invoice_out(billing.read_invoice(call.session, call.actor, invoice_id))


@route("PATCH", "/invoices/<int:invoice_id>/lines/<int:line_id>", permission="billing.write",
       body=billing.LineUpdate, response=InvoiceOut, tag="billing")
def update_line(call: Call, invoice_id: int, line_id: int) -> object:
    """Change a draft line's unit price or units."""
    billing.update_line(call.session, call.actor, invoice_id, line_id, call.body)
    return invoice_out(billing.read_invoice(call.session, call.actor, invoice_id))


@route("POST", "/invoices/<int:invoice_id>/lines", permission="billing.write",
       body=billing.LineIn, response=InvoiceOut, status=201, tag="billing")
def add_line(call: Call, invoice_id: int) -> object:
    """Add a billing code to a draft invoice, priced from the fee schedules unless a price
    is given with a ``reason``."""
    billing.add_line(call.session, call.actor, invoice_id, call.body)
    return invoice_out(billing.read_invoice(call.session, call.actor, invoice_id))


@route("DELETE", "/invoices/<int:invoice_id>/lines/<int:line_id>",
       permission="billing.write", response=InvoiceOut, tag="billing")
def remove_line(call: Call, invoice_id: int, line_id: int) -> object:
    """Take a line off a draft invoice."""
    billing.remove_line(call.session, call.actor, invoice_id, line_id)
    return invoice_out(billing.read_invoice(call.session, call.actor, invoice_id))


@route("POST", "/invoices/<int:invoice_id>/discounts", permission="billing.write",
       body=billing.DiscountIn, response=InvoiceOut, status=201, tag="billing")
def add_discount(call: Call, invoice_id: int) -> object:
    """A discount off the patient's share of a draft invoice (422 when larger than it)."""
    billing.add_discount(call.session, call.actor, invoice_id, call.body)
    return invoice_out(billing.read_invoice(call.session, call.actor, invoice_id))


class BulkIssueIn(Input):
    invoice_ids: list[int] = Field(min_length=1, max_length=500)


class BulkIssueOut(BaseModel):
    issued: list[InvoiceOut]
    refused: list[RefusedOut]


@route("POST", "/invoices/issue", permission="billing.write", body=BulkIssueIn,
       response=BulkIssueOut, tag="billing")
def issue_invoices(call: Call) -> object:
    """Issue many drafts, each on its own: the ones that cannot be issued (a line with no
    price, not a draft) are listed in ``refused`` and the others are issued all the same."""
    done = billing.issue_many(call.session, call.actor, call.body.invoice_ids)
    paid = billing.paid_by_invoice(call.session, [i.id for i in done.issued])
    return BulkIssueOut(
        issued=[invoice_out(billing.InvoiceView(i, paid.get(i.id, billing.Paid(
            billing.ZERO, billing.ZERO)))) for i in done.issued],
        refused=[RefusedOut(invoice_id=i, message=m) for i, m in done.refused])


@route("POST", "/payments", permission="billing.write", body=billing.PaymentIn,
       response=PaymentOut, status=201, tag="billing")
def record_payment(call: Call) -> object:
    """Take a payment (cash, card, insurer, ...) and apply it to invoices."""
    return billing.record_payment(call.session, call.actor, call.body)


class PaymentQuery(Query):
    patient_id: int


@route("GET", "/payments", permission="billing.read", query=PaymentQuery,
       response=list[PaymentOut], tag="billing")
def list_payments(call: Call) -> object:
    """A patient's payments and refunds."""
    return billing.payments_of(call.session, call.actor, call.query.patient_id)


@route("POST", "/payments/<int:payment_id>/refund", permission="billing.write",
       body=billing.RefundIn, response=PaymentOut, status=201, tag="billing")
def refund(call: Call, payment_id: int) -> object:
    """Refund part or all of a payment."""
    return billing.refund(call.session, call.actor, payment_id, call.body)


def claim_out(claim: object, problems: list[claims.ClaimProblem]) -> ClaimOut:
    out = ClaimOut.model_validate(claim)
    return out.model_copy(update={"problems": [ProblemOut(field=p.field, message=p.message)
                                               for p in problems]})


class ClaimIn(Input):
    invoice_id: int


@route("POST", "/claims", permission="claims.write", body=ClaimIn, response=ClaimOut,
       status=201, tag="claims")
def create_claim(call: Call) -> object:
    """Make a draft claim from an invoice's insurer lines; ``problems`` say what is missing."""
    claim = claims.create(call.session, call.actor, call.body.invoice_id)
    return claim_out(claim, claims.check(call.session, claim))


class ClaimQuery(Query):
    status: str | None = None
    patient_id: int | None = None
    case_id: int | None = None


@route("GET", "/claims", permission="claims.read", query=ClaimQuery, response=list[ClaimOut],
       tag="claims")
def list_claims(call: Call) -> object:
    """Claims by status, patient or case."""
    q = call.query
    return claims.list_claims(call.session, call.actor, status=q.status,
                              patient_id=q.patient_id, case_id=q.case_id)


@route("GET", "/claims/<int:claim_id>", permission="claims.read", response=ClaimOut,
       tag="claims")
def read_claim(call: Call, claim_id: int) -> object:
    """One claim with the pre-submission check's problems."""
    claim, problems = claims.read(call.session, call.actor, claim_id)
    return claim_out(claim, problems)


@route("POST", "/claims/<int:claim_id>/status", permission="claims.write",
       body=claims.ClaimStatusIn, response=ClaimOut, tag="claims")
def claim_status(call: Call, claim_id: int) -> object:
    """Move a claim along draft, ready, submitted, accepted/rejected, paid/denied."""
    claim = claims.set_status(call.session, call.actor, claim_id, call.body)
    return claim_out(claim, claims.check(call.session, claim))


@route("GET", "/claims/<int:claim_id>/events", permission="claims.read",
       response=list[ClaimEventOut], tag="claims")
def claim_events(call: Call, claim_id: int) -> object:
    """A claim's history, oldest first: status changes with the payer's answers, and notes."""
    claim, _problems = claims.read(call.session, call.actor, claim_id)
    return claim.events


@route("POST", "/claims/<int:claim_id>/notes", permission="claims.write",
       body=claims.ClaimNoteIn, response=ClaimEventOut, status=201, tag="claims")
def claim_note(call: Call, claim_id: int) -> object:
    """Add a note to a claim's history (billing correspondence, never clinical content)."""
    return claims.add_note(call.session, call.actor, claim_id, call.body)


class WorklistQuery(Query):
    practitioner_id: int | None = None
    location_id: int | None = None
    payer_id: int | None = None
    #: Self-pay invoices only.
    self_pay: bool = False
    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")
    limit: int = Field(default=200, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


@route("GET", "/worklist", permission="billing.write", query=WorklistQuery,
       response=list[WorkItemOut], tag="billing")
def worklist(call: Call) -> object:
    """Ready to bill: finished visits with signed notes whose charges are not yet invoiced
    or claimed."""
    q = call.query
    return reports.ready_to_bill(call.session, call.actor, practitioner_id=q.practitioner_id,
                                 location_id=q.location_id, payer_id=q.payer_id,
                                 self_pay=q.self_pay, start=q.start, end=q.end,
                                 limit=q.limit, offset=q.offset)


class RevenueQuery(Query):
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    location_id: int | None = None


@route("GET", "/reports/revenue", permission="reports.read", query=RevenueQuery, replica=True,
       response=list[RevenueOut], tag="reports")
def revenue(call: Call) -> object:
    """Invoiced revenue per practitioner per month of service, ``from`` to ``to``."""
    return reports.revenue_by_practitioner(call.session, call.actor, call.query.start,
                                           call.query.end, location_id=call.query.location_id)


class AuditQuery(Query):
    patient_id: int | None = None
    user_id: int | None = None
    limit: int = Field(default=200, ge=1, le=1000)


@route("GET", "/audit", permission="audit.read", query=AuditQuery, response=list[AuditOut],
       tag="audit")
def audit_log(call: Call) -> object:
    """The newest audit events (of a patient or a user)."""
    q = call.query
    return audit.events(call.session, call.actor, patient_id=q.patient_id, user_id=q.user_id,
                        limit=q.limit)


@route("GET", "/audit/lists/<digest>", permission="audit.read",
       response=list[AuditListItemOut], tag="audit")
def audit_list(call: Call, digest: str) -> object:
    """The records a list read showed (its event's ``list_digest``), in the order shown."""
    return [{"resource_id": rid, "patient_id": pid}
            for rid, pid in audit.list_items(call.session, call.actor, digest)]
