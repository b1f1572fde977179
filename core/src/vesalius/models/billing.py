"""Invoices and their lines, payments and allocations, claims and their lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base
from ..db.types import Money, UTCDateTime
from ._common import created_at, json_list, updated_at

INVOICE_STATUSES = ("draft", "issued", "void")
PAYMENT_METHODS = ("cash", "card", "insurer", "cheque", "bank-transfer", "other")
CLAIM_STATUSES = ("draft", "ready", "submitted", "accepted", "rejected", "partly-paid", "paid",
                  "denied")


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_case", "case_id"),
        Index("ix_invoices_patient", "patient_id"),
        Index("ix_invoices_status_dos", "status", "date_of_service"),
        Index("ix_invoices_claim_state_dos", "claim_state", "date_of_service"),
        Index("ix_invoices_external_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human-facing number, given when the invoice is issued.
    number: Mapped[str | None] = mapped_column(String(30), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"),
                                                       index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), unique=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverages.id"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    date_of_service: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date | None] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    insurer_portion: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    patient_portion: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    void_reason: Mapped[str | None] = mapped_column(String(300))
    #: "none" (nothing for an insurer), "to-claim" (issued, insurer lines not yet on a
    #: claim) or "claimed": kept by the services so the worklist reads an index, not history.
    claim_state: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    #: Set on an opening balance carried over by an import (unique when set).
    external_id: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(200), default="")
    modifiers: Mapped[list[str]] = json_list()
    minutes: Mapped[int | None] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer, default=1)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())
    insurer_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    patient_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    #: False when no fee schedule or default fee priced the code: the invoice cannot be issued.
    priced: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Why the price differs from the schedule's, or why a discount was given.
    price_reason: Mapped[str | None] = mapped_column(String(200))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(Base):
    """Money received (positive) or refunded (negative, with ``refund_of_id``)."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_external_id", "external_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    #: Set when an insurer paid (method "insurer").
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money())
    received_on: Mapped[date] = mapped_column(Date)
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    note: Mapped[str | None] = mapped_column(String(300))
    #: Set on an opening credit carried over by an import (unique when set).
    external_id: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()

    allocations: Mapped[list[PaymentAllocation]] = relationship(back_populates="payment")


class PaymentAllocation(Base):
    """Part of a payment applied to an invoice (negative when a refund takes it back)."""

    __tablename__ = "payment_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    #: Whose share it pays: "patient" or "insurer".
    portion: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money())
    created_at: Mapped[datetime] = created_at()

    payment: Mapped[Payment] = relationship(back_populates="allocations")


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(30), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverages.id"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    paid_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    payer_reference: Mapped[str | None] = mapped_column(String(80))
    status_reason: Mapped[str | None] = mapped_column(String(300))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    lines: Mapped[list[ClaimLine]] = relationship(back_populates="claim",
                                                  order_by="ClaimLine.id")
    events: Mapped[list[ClaimEvent]] = relationship(order_by="ClaimEvent.id",
                                                    cascade="all, delete-orphan")


class ClaimEvent(Base):
    """One step of a claim's history: a status change with what the payer answered
    (reference, reason, amount paid), or a note by the clinic. Append-only."""

    __tablename__ = "claim_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    at: Mapped[datetime] = created_at()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: "status" or "note".
    kind: Mapped[str] = mapped_column(String(10))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    payer_reference: Mapped[str | None] = mapped_column(String(80))
    paid_amount: Mapped[Decimal | None] = mapped_column(Money())
    text: Mapped[str | None] = mapped_column(String(1000))


class ClaimLine(Base):
    __tablename__ = "claim_lines"
    __table_args__ = (UniqueConstraint("invoice_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    invoice_line_id: Mapped[int] = mapped_column(ForeignKey("invoice_lines.id"))
    code: Mapped[str] = mapped_column(String(10))
    modifiers: Mapped[list[str]] = json_list()
    units: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    date_of_service: Mapped[date] = mapped_column(Date)
    #: 1-based pointers into the case's diagnosis codes (837P SV107).
    diagnosis_pointers: Mapped[list[int]] = json_list()

    claim: Mapped[Claim] = relationship(back_populates="lines")


class RevenueMonth(Base):
    """Issued revenue per practitioner per month of service, kept up to date as invoices are
    issued and voided, so the revenue report reads a dozen rows per practitioner instead of
    every invoice of the year."""

    __tablename__ = "revenue_months"
    __table_args__ = (UniqueConstraint("practitioner_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    visits: Mapped[int] = mapped_column(Integer, default=0)
