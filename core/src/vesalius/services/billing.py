"""Invoices drafted from charge lines, priced from fee schedules and split between insurer
and patient; payments, allocations, refunds and balances.

Money is ``Decimal`` rounded to cents half-up at each priced amount; totals are sums of
rounded line amounts, so an invoice always adds up to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from vesalius_sdk import ChargeLine

from ..db.types import money
from ..errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from ..models import (
    Appointment,
    Case,
    Coverage,
    Invoice,
    InvoiceLine,
    Patient,
    Payer,
    Payment,
    PaymentAllocation,
    Service,
)
from ..models.billing import PAYMENT_METHODS
from ..plugins import get_registry
from . import audit, packages, revenue
from .actor import Actor
from .common import Input, get
from .payers import fees_for
from .scheduling import notices

ZERO = Decimal("0.00")
#: The code of a discount line (a negative amount off the patient's share).
DISCOUNT = "DISCOUNT"
#: The code of the line a package session pays a visit with (see services/packages.py).
PACKAGE = "PACKAGE"


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("money is never a float: send a string such as \"85.00\"")
    return value


# -- drafting --------------------------------------------------------------------------


def split_line(amount: Decimal, copay_left: Decimal,
               coinsurance_percent: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(patient part, insurer part, copay still to collect) of one line: the copay first,
    then the coinsurance share of the rest, rounded to the cent."""
    copay_part = min(amount, copay_left)
    coinsurance = money((amount - copay_part) * coinsurance_percent / Decimal(100))
    patient = copay_part + coinsurance
    return patient, amount - patient, copay_left - copay_part


def _apply_split(invoice: Invoice, coverage: Coverage | None) -> None:
    copay_left = money(coverage.copay) if coverage else ZERO
    percent = Decimal(coverage.coinsurance_percent) if coverage else Decimal(100)
    for line in invoice.lines:
        if invoice.payer_id is None or not line.priced or line.code in (DISCOUNT, PACKAGE):
            # A discount is the clinic's gift to the patient: it lowers what the patient
            # pays, never what the insurer is billed.
            line.patient_amount, line.insurer_amount = line.amount, ZERO
            continue
        line.patient_amount, line.insurer_amount, copay_left = split_line(
            line.amount, copay_left, percent)
    invoice.total = sum((line.amount for line in invoice.lines), ZERO)
    invoice.patient_portion = sum((line.patient_amount for line in invoice.lines), ZERO)
    invoice.insurer_portion = sum((line.insurer_amount for line in invoice.lines), ZERO)


def draft_invoice(session: Session, actor: Actor, *, case: Case, lines: Sequence[ChargeLine],
                  date_of_service: date, appointment_id: int | None = None,
                  note_id: int | None = None,
                  practitioner_id: int | None = None) -> Invoice | None:
    """A draft invoice for the case's payer (or the patient when self-pay), each line priced
    from the payer's fee schedule, the clinic's schedule, or the code's default fee. A code
    with no price anywhere gives an unpriced line that blocks issuing until it is priced."""
    actor.require("notes.sign" if note_id else "billing.write", patient_id=case.patient_id)
    if not lines:
        return None
    prices = fees_for(session, case.payer_id, [line.code for line in lines], date_of_service)
    codes = get_registry().billing_codes
    coverage = session.get(Coverage, case.coverage_id) if case.coverage_id else None
    invoice = Invoice(patient_id=case.patient_id, case_id=case.id,
                      appointment_id=appointment_id, note_id=note_id,
                      practitioner_id=practitioner_id, payer_id=case.payer_id,
                      coverage_id=case.coverage_id, status="draft",
                      date_of_service=date_of_service)
    for position, charge in enumerate(lines):
        unit_price = prices.get(charge.code)
        code = codes.get(charge.code)
        invoice.lines.append(InvoiceLine(
            position=position, code=charge.code,
            description=code.label if code else charge.code,
            modifiers=list(charge.modifiers), minutes=charge.minutes, units=charge.units,
            unit_price=unit_price if unit_price is not None else ZERO,
            amount=money((unit_price or ZERO) * charge.units),
            priced=unit_price is not None,
        ))
    _apply_split(invoice, coverage)
    session.add(invoice)
    session.flush()
    audit.record(session, actor, "create", "invoice", invoice.id, invoice.patient_id,
                 detail=f"draft, {len(invoice.lines)} lines")
    if appointment_id is not None:
        packages.draw(session, actor, invoice, session.get(Appointment, appointment_id))
    return invoice


def draft_service_invoice(session: Session, actor: Actor, appointment: Appointment,
                          note_id: int | None = None) -> Invoice | None:
    """A visit whose note bills no codes is invoiced at its service's price (the usual way
    of self-pay clinics), payable by the patient; none when the service has no price."""
    service = session.get(Service, appointment.service_id) if appointment.service_id else None
    if service is None or money(service.price) <= ZERO:
        return None
    price = money(service.price)
    invoice = Invoice(patient_id=appointment.patient_id, case_id=appointment.case_id,
                      appointment_id=appointment.id, note_id=note_id,
                      practitioner_id=appointment.practitioner_id, status="draft",
                      date_of_service=appointment.start_at.date(), total=price,
                      patient_portion=price, insurer_portion=ZERO)
    invoice.lines.append(InvoiceLine(position=0, code=f"SVC{service.id}"[:10],
                                     description=service.name[:200], units=1,
                                     unit_price=price, amount=price, patient_amount=price,
                                     insurer_amount=ZERO))
    session.add(invoice)
    session.flush()
    audit.record(session, actor, "create", "invoice", invoice.id, invoice.patient_id,
                 detail="draft, service price")
    packages.draw(session, actor, invoice, appointment)
    return invoice


def draft_patient_invoice(session: Session, actor: Actor, *, patient_id: int, code: str,
                          description: str, amount: Decimal, on: date) -> Invoice:
    """A one-line draft invoice to the patient for something sold at the desk (a package
    of sessions), outside any case or visit."""
    actor.require("billing.write", patient_id=patient_id)
    amount = money(amount)
    invoice = Invoice(patient_id=patient_id, status="draft", date_of_service=on,
                      total=amount, patient_portion=amount, insurer_portion=ZERO)
    invoice.lines.append(InvoiceLine(position=0, code=code, description=description[:200],
                                     units=1, unit_price=amount, amount=amount,
                                     patient_amount=amount, insurer_amount=ZERO))
    session.add(invoice)
    session.flush()
    audit.record(session, actor, "create", "invoice", invoice.id, invoice.patient_id,
                 detail=f"draft, {code}")
    return invoice


def draft_fee_invoice(session: Session, actor: Actor, appointment: Appointment) -> Invoice | None:
    """The late-cancellation or no-show fee of the appointment's service, billed to the
    patient (insurers do not pay for missed visits); none when the service has no fee."""
    service = session.get(Service, appointment.service_id) if appointment.service_id else None
    if service is None or money(service.late_cancel_fee) <= ZERO:
        return None
    label = "No-show fee" if appointment.status == "no-show" else "Late cancellation fee"
    fee = money(service.late_cancel_fee)
    invoice = Invoice(patient_id=appointment.patient_id, case_id=appointment.case_id,
                      appointment_id=appointment.id,
                      practitioner_id=appointment.practitioner_id, status="draft",
                      date_of_service=appointment.start_at.date(), total=fee,
                      patient_portion=fee, insurer_portion=ZERO)
    invoice.lines.append(InvoiceLine(position=0, code="FEE", description=label, units=1,
                                     unit_price=fee, amount=fee, patient_amount=fee,
                                     insurer_amount=ZERO))
    session.add(invoice)
    session.flush()
    audit.record(session, actor, "create", "invoice", invoice.id, invoice.patient_id,
                 detail=label.lower())
    return invoice


# -- invoice changes -------------------------------------------------------------------


class LineUpdate(Input):
    unit_price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    units: int | None = Field(default=None, ge=1, le=99)
    #: Why the price differs from the fee schedule's: required with ``unit_price``.
    reason: str | None = Field(default=None, max_length=200)

    _floats = field_validator("unit_price", mode="before")(_no_float)


class LineIn(Input):
    """A line added to a draft invoice: a billing code, priced from the payer's schedule
    (or the clinic's, or the code's default fee) unless a price is given with a reason."""

    code: str = Field(min_length=1, max_length=10)
    units: int = Field(default=1, ge=1, le=99)
    unit_price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    reason: str | None = Field(default=None, max_length=200)

    _floats = field_validator("unit_price", mode="before")(_no_float)


class DiscountIn(Input):
    """A discount off the patient's share of a draft invoice, with its reason."""

    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    reason: str = Field(min_length=1, max_length=200)

    _floats = field_validator("amount", mode="before")(_no_float)


def _invoice(session: Session, actor: Actor, invoice_id: int, permission: str) -> Invoice:
    invoice = get(session, Invoice, invoice_id, "invoice")
    actor.require(permission, patient_id=invoice.patient_id)
    return invoice


def _draft(session: Session, actor: Actor, invoice_id: int) -> Invoice:
    invoice = _invoice(session, actor, invoice_id, "billing.write")
    if invoice.status != "draft":
        raise Conflict(f"the invoice is {invoice.status}: only a draft can be changed "
                       "(void it and draft a new one)")
    return invoice


def _line(invoice: Invoice, line_id: int) -> InvoiceLine:
    line = next((ln for ln in invoice.lines if ln.id == line_id), None)
    if line is None:
        raise Invalid(f"the invoice has no line {line_id}", field="line_id")
    return line


def reprice(session: Session, invoice: Invoice) -> None:
    """Renumber the lines, split them again and refuse a discount larger than what the
    patient would otherwise pay (an invoice never owes the patient money). A package line
    pays the visit's charges up to what they were when it was drawn (its unit price): a
    line taken off lowers it, a line added or priced higher is the patient's to pay."""
    charges = sum((ln.amount for ln in invoice.lines if ln.code not in (DISCOUNT, PACKAGE)),
                  ZERO)
    for position, line in enumerate(invoice.lines):
        line.position = position
        if line.code == PACKAGE:
            line.amount = max(line.unit_price, -max(charges, ZERO))
    coverage = session.get(Coverage, invoice.coverage_id) if invoice.coverage_id else None
    _apply_split(invoice, coverage)
    if invoice.patient_portion < ZERO:
        raise Invalid("the discount is more than the patient pays on this invoice",
                      field="amount")


def update_line(session: Session, actor: Actor, invoice_id: int, line_id: int,
                data: LineUpdate) -> Invoice:
    """Change the units of a draft line, or override its price (a reason is required and
    kept on the line and in the audit log)."""
    invoice = _draft(session, actor, invoice_id)
    line = _line(invoice, line_id)
    if line.code in (DISCOUNT, PACKAGE):
        raise Conflict("a discount or package session is not edited: remove it (and add "
                       "another)", field="line_id")
    reason = (data.reason or "").strip()
    changes = []
    if data.unit_price is not None and (money(data.unit_price) != line.unit_price
                                        or not line.priced):
        if line.priced and not reason:  # pricing an unpriced code overrides nothing
            raise Invalid("say why the price differs from the fee schedule's",
                          field="reason")
        changes.append(f"price {line.unit_price} -> {money(data.unit_price)}")
        line.unit_price, line.priced = money(data.unit_price), True
        line.price_reason = reason
    if data.units is not None and data.units != line.units:
        changes.append(f"units {line.units} -> {data.units}")
        line.units = data.units
    line.amount = money(line.unit_price * line.units)
    reprice(session, invoice)
    audit.record(session, actor, "update", "invoice", invoice.id, invoice.patient_id,
                 detail=(f"line {line.id} {line.code}: " + ", ".join(changes)
                         + (f" ({reason})" if reason and changes else ""))[:300])
    return invoice


def add_line(session: Session, actor: Actor, invoice_id: int, data: LineIn) -> Invoice:
    """Add a billing code to a draft invoice, priced as drafting would price it."""
    invoice = _draft(session, actor, invoice_id)
    code = get_registry().billing_codes.get(data.code)
    if code is None:
        raise Invalid(f"{data.code} is not a billing code of an installed pack",
                      field="code")
    reason = (data.reason or "").strip()
    scheduled = fees_for(session, invoice.payer_id, [data.code],
                         invoice.date_of_service).get(data.code)
    price = money(data.unit_price) if data.unit_price is not None else scheduled
    if data.unit_price is not None and price != scheduled and not reason:
        raise Invalid("say why the price differs from the fee schedule's", field="reason")
    invoice.lines.append(InvoiceLine(
        position=len(invoice.lines), code=code.code, description=code.label, modifiers=[],
        units=data.units, unit_price=price if price is not None else ZERO,
        amount=money((price or ZERO) * data.units), priced=price is not None,
        price_reason=reason or None))
    reprice(session, invoice)
    session.flush()
    audit.record(session, actor, "update", "invoice", invoice.id, invoice.patient_id,
                 detail=f"added {code.code} x{data.units}"
                        + (f" at {price} ({reason})" if reason else "")[:200])
    return invoice


def add_discount(session: Session, actor: Actor, invoice_id: int,
                 data: DiscountIn) -> Invoice:
    """A discount line off the patient's share of a draft invoice (never more than it)."""
    invoice = _draft(session, actor, invoice_id)
    amount = money(data.amount)
    invoice.lines.append(InvoiceLine(
        position=len(invoice.lines), code=DISCOUNT, description="Discount", modifiers=[],
        units=1, unit_price=-amount, amount=-amount, priced=True,
        price_reason=data.reason))
    reprice(session, invoice)
    session.flush()
    audit.record(session, actor, "update", "invoice", invoice.id, invoice.patient_id,
                 detail=f"discount {amount} ({data.reason})"[:300])
    return invoice


def remove_line(session: Session, actor: Actor, invoice_id: int, line_id: int) -> Invoice:
    """Take a line off a draft invoice."""
    invoice = _draft(session, actor, invoice_id)
    line = _line(invoice, line_id)
    if line.code == PACKAGE:
        packages.line_removed(session, actor, line)
    invoice.lines.remove(line)
    reprice(session, invoice)
    session.flush()
    audit.record(session, actor, "update", "invoice", invoice.id, invoice.patient_id,
                 detail=f"removed {line.code} x{line.units} ({line.amount})")
    return invoice


def issue(session: Session, actor: Actor, invoice_id: int, on: date | None = None) -> Invoice:
    invoice = _invoice(session, actor, invoice_id, "billing.write")
    return _issue(session, actor, invoice, on)


def _issue(session: Session, actor: Actor, invoice: Invoice, on: date | None = None) -> Invoice:
    if invoice.status == "issued":
        return invoice
    if invoice.status != "draft":
        raise Conflict(f"the invoice is {invoice.status}")
    if not invoice.lines:
        raise Conflict("the invoice has no lines: add one or void it", field="lines")
    unpriced = [line.code for line in invoice.lines if not line.priced]
    if unpriced:
        raise Conflict(f"set a price for {', '.join(unpriced)} before issuing (no fee "
                       "schedule or default fee has one)", field="lines")
    invoice.status, invoice.issued_on = "issued", on or date.today()
    invoice.number = f"INV-{invoice.id:06d}"
    invoice.claim_state = ("to-claim" if invoice.payer_id is not None
                           and invoice.insurer_portion > ZERO else "none")
    revenue.book(session, invoice.practitioner_id, invoice.date_of_service, invoice.total, 1)
    audit.record(session, actor, "issue", "invoice", invoice.id, invoice.patient_id)
    return invoice


@dataclass(frozen=True)
class BulkIssue:
    """What issuing many invoices at once did: the invoices issued, and each one refused
    with the reason (the others were issued all the same)."""

    issued: list[Invoice]
    refused: list[tuple[int, str]]


def issue_many(session: Session, actor: Actor, invoice_ids: Sequence[int],
               on: date | None = None) -> BulkIssue:
    """Issue each of the draft invoices, each on its own savepoint.

    One invoice per unit of work, not all-or-nothing: invoices are independent documents,
    and one line without a price must not hold back a day's forty others. Each invoice is
    still atomic (its number, revenue and audit land together or not at all), and the
    refused ones are returned with their reasons to fix and issue again."""
    actor.require("billing.write")
    ids = list(dict.fromkeys(invoice_ids))[:500]
    found = {i.id: i for i in session.scalars(
        select(Invoice).options(selectinload(Invoice.lines)).where(Invoice.id.in_(ids)))}
    issued: list[Invoice] = []
    refused: list[tuple[int, str]] = []
    for invoice_id in ids:
        invoice = found.get(invoice_id)
        if invoice is None:
            refused.append((invoice_id, "no such invoice"))
            continue
        try:
            with session.begin_nested():
                actor.require("billing.write", patient_id=invoice.patient_id)
                if invoice.status != "draft":
                    raise Conflict(f"the invoice is {invoice.status}")
                issued.append(_issue(session, actor, invoice, on))
        except ServiceError as exc:
            refused.append((invoice_id, exc.message))
    return BulkIssue(issued, refused)


def void(session: Session, actor: Actor, invoice_id: int, reason: str) -> Invoice:
    invoice = _invoice(session, actor, invoice_id, "billing.write")
    if invoice.status == "void":
        raise Conflict("the invoice is already void")
    if not reason.strip():
        raise Invalid("give a reason", field="reason")
    paid = session.scalar(select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
                          .where(PaymentAllocation.invoice_id == invoice.id))
    if money(paid or 0) != ZERO:
        raise Conflict("payments are applied to this invoice: refund or move them first")
    from ..models import ClaimLine

    claimed = session.scalar(select(func.count()).select_from(ClaimLine).join(
        InvoiceLine, InvoiceLine.id == ClaimLine.invoice_line_id)
        .where(InvoiceLine.invoice_id == invoice.id))
    if claimed:
        raise Conflict("the invoice is on a claim")
    packages.invoice_voided(session, actor, invoice, reason.strip())
    if invoice.status == "issued":
        revenue.book(session, invoice.practitioner_id, invoice.date_of_service,
                     -invoice.total, -1)
    invoice.status, invoice.void_reason = "void", reason.strip()[:300]
    invoice.claim_state = "none"
    audit.record(session, actor, "void", "invoice", invoice.id, invoice.patient_id)
    return invoice


# -- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Paid:
    patient: Decimal
    insurer: Decimal


def paid_by_invoice(session: Session, invoice_ids: Sequence[int]) -> dict[int, Paid]:
    """Allocated amounts per invoice and portion: one grouped query."""
    if not invoice_ids:
        return {}
    rows = session.execute(
        select(PaymentAllocation.invoice_id, PaymentAllocation.portion,
               func.sum(PaymentAllocation.amount))
        .where(PaymentAllocation.invoice_id.in_(invoice_ids))
        .group_by(PaymentAllocation.invoice_id, PaymentAllocation.portion)
    ).all()
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: {"patient": ZERO,
                                                               "insurer": ZERO})
    for invoice_id, portion, amount in rows:
        sums[invoice_id][portion] = money(amount or 0)
    return {i: Paid(v["patient"], v["insurer"]) for i, v in sums.items()}


@dataclass(frozen=True)
class InvoiceView:
    invoice: Invoice
    paid: Paid

    @property
    def patient_due(self) -> Decimal:
        return self.invoice.patient_portion - self.paid.patient

    @property
    def insurer_due(self) -> Decimal:
        return self.invoice.insurer_portion - self.paid.insurer

    @property
    def balance(self) -> Decimal:
        return self.patient_due + self.insurer_due if self.invoice.status != "void" else ZERO


def list_invoices(session: Session, actor: Actor, *, case_id: int | None = None,
                  patient_id: int | None = None, status: str | None = None,
                  limit: int = 200) -> list[InvoiceView]:
    """Invoices with their lines and what is paid: three queries whatever their number."""
    if actor.is_patient:
        if patient_id not in (None, actor.patient_id):
            raise Forbidden("this record belongs to another patient")
        patient_id = actor.patient_id
    query = select(Invoice).options(selectinload(Invoice.lines))
    if case_id is not None:
        case = get(session, Case, case_id, "case")
        actor.require("billing.read", patient_id=case.patient_id)
        query = query.where(Invoice.case_id == case_id)
    if patient_id is not None:
        actor.require("billing.read", patient_id=patient_id)
        query = query.where(Invoice.patient_id == patient_id)
    if case_id is None and patient_id is None:
        actor.require("reports.read")
    if status is not None:
        query = query.where(Invoice.status == status)
    # The newest ``limit`` invoices (a long history must not hide this week's), returned
    # oldest first as before.
    invoices = list(session.scalars(
        query.order_by(Invoice.date_of_service.desc(), Invoice.id.desc())
        .limit(max(1, min(limit, 1000)))))[::-1]
    paid = paid_by_invoice(session, [i.id for i in invoices])
    audit.record_many(session, actor, "read", "invoice",
                      [(i.id, i.patient_id) for i in invoices])
    return [InvoiceView(i, paid.get(i.id, Paid(ZERO, ZERO))) for i in invoices]


def read_invoice(session: Session, actor: Actor, invoice_id: int) -> InvoiceView:
    invoice = _invoice(session, actor, invoice_id, "billing.read")
    audit.record(session, actor, "read", "invoice", invoice.id, invoice.patient_id)
    paid = paid_by_invoice(session, [invoice.id])
    return InvoiceView(invoice, paid.get(invoice.id, Paid(ZERO, ZERO)))


# -- payments --------------------------------------------------------------------------


class AllocationIn(Input):
    invoice_id: int
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)

    _floats = field_validator("amount", mode="before")(_no_float)


class PaymentIn(Input):
    patient_id: int
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    method: Literal[PAYMENT_METHODS]  # type: ignore[valid-type]
    reference: str | None = Field(default=None, max_length=100)
    received_on: date | None = None
    #: The insurer that paid (method "insurer").
    payer_id: int | None = None
    #: Where the money goes; empty: the oldest open invoices of the patient first.
    allocations: list[AllocationIn] | None = None
    note: str | None = Field(default=None, max_length=300)

    _floats = field_validator("amount", mode="before")(_no_float)


def _due(view: InvoiceView, portion: str) -> Decimal:
    return view.insurer_due if portion == "insurer" else view.patient_due


def record_payment(session: Session, actor: Actor, data: PaymentIn) -> Payment:
    """Take a payment and apply it to invoices (a draft invoice is issued when paid).
    What is not applied stays on the patient's account as credit."""
    actor.require("billing.write", patient_id=data.patient_id)
    get(session, Patient, data.patient_id, "patient", field="patient_id")
    portion = "insurer" if data.method == "insurer" else "patient"
    if portion == "insurer":
        if data.payer_id is None:
            raise Invalid("an insurer payment names the payer", field="payer_id")
        get(session, Payer, data.payer_id, "payer", field="payer_id")
    amount = money(data.amount)
    payment = Payment(patient_id=data.patient_id, payer_id=data.payer_id, method=data.method,
                      reference=data.reference, amount=amount,
                      received_on=data.received_on or date.today(), note=data.note,
                      created_by=actor.user_id)
    session.add(payment)
    session.flush()
    if data.allocations is None:
        open_views = [v for v in list_invoices(session, actor, patient_id=data.patient_id)
                      if v.invoice.status in ("draft", "issued") and _due(v, portion) > ZERO
                      and all(line.priced for line in v.invoice.lines)]
        left = amount
        plan = []
        for view in open_views:
            if left <= ZERO:
                break
            take = min(left, _due(view, portion))
            plan.append((view, take))
            left -= take
    else:
        if sum((money(a.amount) for a in data.allocations), ZERO) > amount:
            raise Invalid("the allocations add up to more than the payment",
                          field="allocations")
        views = {v.invoice.id: v for v in list_invoices(session, actor,
                                                         patient_id=data.patient_id)}
        plan = []
        for i, allocation in enumerate(data.allocations):
            view = views.get(allocation.invoice_id)
            if view is None or view.invoice.status == "void":
                raise Invalid("no open invoice of this patient with that id",
                              field=f"allocations[{i}].invoice_id")
            if money(allocation.amount) > _due(view, portion):
                raise Invalid(f"more than the {portion} owes on invoice {view.invoice.id} "
                              f"({_due(view, portion)})", field=f"allocations[{i}].amount")
            plan.append((view, money(allocation.amount)))
    for view, take in plan:
        if view.invoice.status == "draft":
            _issue(session, actor, view.invoice)
        session.add(PaymentAllocation(payment_id=payment.id, invoice_id=view.invoice.id,
                                      portion=portion, amount=take))
    session.flush()
    audit.record(session, actor, "create", "payment", payment.id, payment.patient_id,
                 detail=f"{data.method}, {len(plan)} invoices")
    notices().payment_recorded(session, payment)
    return payment


class RefundIn(Input):
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    reason: str = Field(min_length=1, max_length=300)
    method: Literal[PAYMENT_METHODS] | None = None  # type: ignore[valid-type]

    _floats = field_validator("amount", mode="before")(_no_float)


def refund(session: Session, actor: Actor, payment_id: int, data: RefundIn) -> Payment:
    """Give money back from a payment: first from what it left as credit, then by taking
    it back from the invoices it paid (newest first), which reopens their balance."""
    original = get(session, Payment, payment_id, "payment")
    actor.require("billing.write", patient_id=original.patient_id)
    if original.refund_of_id is not None or original.amount <= ZERO:
        raise Conflict("a refund cannot be refunded")
    amount = money(data.amount)
    refunded = -money(session.scalar(select(func.coalesce(func.sum(Payment.amount), 0))
                                     .where(Payment.refund_of_id == original.id)) or 0)
    if amount > original.amount - refunded:
        raise Invalid(f"at most {original.amount - refunded} can still be refunded",
                      field="amount")
    allocations = list(session.scalars(select(PaymentAllocation)
                                       .where(PaymentAllocation.payment_id == original.id)
                                       .order_by(PaymentAllocation.id.desc())))
    net_by_invoice: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for allocation in allocations:
        net_by_invoice[(allocation.invoice_id, allocation.portion)] += allocation.amount
    applied = sum(net_by_invoice.values(), ZERO)
    credit = original.amount - refunded - applied
    back = Payment(patient_id=original.patient_id, payer_id=original.payer_id,
                   method=data.method or original.method, reference=original.reference,
                   amount=-amount, received_on=date.today(), refund_of_id=original.id,
                   note=data.reason, created_by=actor.user_id)
    session.add(back)
    session.flush()
    to_take = amount - min(amount, max(credit, ZERO))
    for (invoice_id, portion), net in net_by_invoice.items():
        if to_take <= ZERO:
            break
        take = min(net, to_take)
        if take > ZERO:
            session.add(PaymentAllocation(payment_id=original.id, invoice_id=invoice_id,
                                          portion=portion, amount=-take))
            to_take -= take
    session.flush()
    audit.record(session, actor, "refund", "payment", back.id, original.patient_id,
                 detail=f"of payment {original.id}")
    return back


def apply_credit(session: Session, actor: Actor, invoice_id: int) -> Decimal:
    """Pay the patient's share of an invoice from money the patient paid earlier and that
    is not applied (an overpayment, a deposit), oldest payment first; returns the amount
    applied. A draft is issued, as when it is paid at the desk. Four queries."""
    invoice = _invoice(session, actor, invoice_id, "billing.write")
    if invoice.status == "void":
        raise Conflict("the invoice is void", field="invoice_id")
    paid = paid_by_invoice(session, [invoice.id]).get(invoice.id, Paid(ZERO, ZERO))
    due = invoice.patient_portion - paid.patient
    if due <= ZERO:
        raise Conflict("the patient owes nothing on this invoice", field="invoice_id")
    payments = list(session.scalars(
        select(Payment).where(Payment.patient_id == invoice.patient_id,
                              Payment.method != "insurer", Payment.amount > 0,
                              Payment.refund_of_id.is_(None))
        .order_by(Payment.received_on, Payment.id)))
    ids = [p.id for p in payments]
    refunded = dict(session.execute(
        select(Payment.refund_of_id, func.sum(Payment.amount))
        .where(Payment.refund_of_id.in_(ids)).group_by(Payment.refund_of_id)).all()) \
        if ids else {}
    applied = dict(session.execute(
        select(PaymentAllocation.payment_id, func.sum(PaymentAllocation.amount))
        .where(PaymentAllocation.payment_id.in_(ids))
        .group_by(PaymentAllocation.payment_id)).all()) if ids else {}
    plan = []
    for payment in payments:
        # A refund takes from a payment's credit first (see refund): what is left of it.
        left = (payment.amount + money(refunded.get(payment.id) or 0)
                - money(applied.get(payment.id) or 0))
        if left > ZERO and due > ZERO:
            take = min(left, due)
            plan.append((payment, take))
            due -= take
    if not plan:
        raise Conflict("the patient has no unapplied credit", field="invoice_id")
    if invoice.status == "draft":
        _issue(session, actor, invoice)
    for payment, take in plan:
        session.add(PaymentAllocation(payment_id=payment.id, invoice_id=invoice.id,
                                      portion="patient", amount=take))
    session.flush()
    total = sum((take for _p, take in plan), ZERO)
    audit.record(session, actor, "update", "invoice", invoice.id, invoice.patient_id,
                 detail=f"paid {total} from credit")
    return total


@dataclass(frozen=True)
class Account:
    """What a patient (or one case) owes and has paid; all exact decimals."""

    invoiced: Decimal
    patient_portion: Decimal
    insurer_portion: Decimal
    paid_by_patient: Decimal
    paid_by_insurer: Decimal
    patient_balance: Decimal
    insurer_balance: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.patient_balance + self.insurer_balance


def account(session: Session, actor: Actor, patient_id: int,
            case_id: int | None = None) -> Account:
    """Balances over issued invoices (drafts are not owed yet). ``credit``: patient money
    received and not applied (over the whole account, not one case). Four queries."""
    actor.require("billing.read", patient_id=patient_id)
    inv = select(func.coalesce(func.sum(Invoice.total), 0),
                 func.coalesce(func.sum(Invoice.patient_portion), 0),
                 func.coalesce(func.sum(Invoice.insurer_portion), 0)).where(
        Invoice.patient_id == patient_id, Invoice.status == "issued")
    alloc = (select(PaymentAllocation.portion, func.sum(PaymentAllocation.amount))
             .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
             .where(Invoice.patient_id == patient_id, Invoice.status == "issued")
             .group_by(PaymentAllocation.portion))
    if case_id is not None:
        inv = inv.where(Invoice.case_id == case_id)
        alloc = alloc.where(Invoice.case_id == case_id)
    total, patient_part, insurer_part = (money(v) for v in session.execute(inv).one())
    paid = {portion: money(v or 0) for portion, v in session.execute(alloc)}
    received = money(session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.patient_id == patient_id, Payment.method != "insurer")) or 0)
    applied = money(session.scalar(
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.patient_id == patient_id, Payment.method != "insurer")) or 0)
    audit.record(session, actor, "read", "account", case_id, patient_id)
    return Account(
        invoiced=total, patient_portion=patient_part, insurer_portion=insurer_part,
        paid_by_patient=paid.get("patient", ZERO), paid_by_insurer=paid.get("insurer", ZERO),
        patient_balance=patient_part - paid.get("patient", ZERO),
        insurer_balance=insurer_part - paid.get("insurer", ZERO),
        credit=received - applied,
    )


def payments_of(session: Session, actor: Actor, patient_id: int) -> list[Payment]:
    actor.require("billing.read", patient_id=patient_id)
    found = list(session.scalars(select(Payment).options(selectinload(Payment.allocations))
                                 .where(Payment.patient_id == patient_id)
                                 .order_by(Payment.id)))
    audit.record_many(session, actor, "read", "payment", [(p.id, p.patient_id) for p in found])
    return found


@dataclass(frozen=True)
class Receipt:
    """One payment as a receipt: the invoices it paid (with what each still owes) and what
    it left on the account as credit."""

    payment: Payment
    applied: list[tuple[InvoiceView, Decimal]]
    credit: Decimal


def receipt(session: Session, actor: Actor, payment_id: int) -> Receipt:
    """The receipt of a payment: three queries whatever the number of invoices it paid."""
    payment = session.scalar(select(Payment).options(selectinload(Payment.allocations))
                             .where(Payment.id == payment_id))
    if payment is None:
        raise NotFound("no payment with that id")
    actor.require("billing.read", patient_id=payment.patient_id)
    amounts: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for allocation in payment.allocations:
        amounts[allocation.invoice_id] += allocation.amount
    invoices = list(session.scalars(select(Invoice).options(selectinload(Invoice.lines))
                                    .where(Invoice.id.in_(list(amounts)))
                                    .order_by(Invoice.date_of_service, Invoice.id)))
    paid = paid_by_invoice(session, [i.id for i in invoices])
    audit.record(session, actor, "read", "payment", payment.id, payment.patient_id)
    return Receipt(payment, [(InvoiceView(i, paid.get(i.id, Paid(ZERO, ZERO))), amounts[i.id])
                             for i in invoices],
                   payment.amount - sum(amounts.values(), ZERO))
