"""X12 interchanges: the clinic's identity as a billing provider, the 837P files sent (their
control numbers and claims), and the 835 remittances read, claim by claim, with the
payer's adjustments and the worklist of what could not be posted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base
from ..db.types import Money, UTCDateTime
from ._common import created_at, updated_at


class X12Settings(Base):
    """One row: who the clinic is on an 837P (submitter, billing provider) and to whom the
    files go (the clearinghouse or payer receiving them)."""

    __tablename__ = "x12_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Billing provider (loop 2010AA): the organisation, its NPI, EIN and pay-to address.
    organisation_name: Mapped[str] = mapped_column(String(60))
    npi: Mapped[str] = mapped_column(String(10))
    tax_id: Mapped[str] = mapped_column(String(9))
    taxonomy_code: Mapped[str | None] = mapped_column(String(10))
    address_line1: Mapped[str] = mapped_column(String(55))
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    #: Nine digits (ZIP+4): the implementation guide requires them for the billing provider.
    postal_code: Mapped[str] = mapped_column(String(9))
    #: Submitter (loop 1000A) and the interchange sender (ISA06): the id the clearinghouse
    #: gave the clinic.
    submitter_id: Mapped[str] = mapped_column(String(15))
    contact_name: Mapped[str] = mapped_column(String(60))
    contact_phone: Mapped[str] = mapped_column(String(10))
    #: Receiver (loop 1000B) and the interchange receiver (ISA08).
    receiver_name: Mapped[str] = mapped_column(String(60))
    receiver_id: Mapped[str] = mapped_column(String(15))
    #: ISA15: "T" (test) until the clearinghouse says the clinic may send production files.
    test_mode: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = updated_at()


class X12Interchange(Base):
    """An 837P interchange made by the clinic: its control number (ISA13, GS06 and ST02 all
    derive from the row's id, so each is used once), when, for which payer, and a SHA-256 of
    the text (the text itself is not kept: it holds patients' details)."""

    __tablename__ = "x12_interchanges"

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    #: "batch" (exported, the claims marked submitted) or "single" (one claim's file,
    #: downloaded; the claim's status is left as it was).
    purpose: Mapped[str] = mapped_column(String(10))
    usage: Mapped[str] = mapped_column(String(1))
    claim_count: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Money())
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()

    claims: Mapped[list[X12InterchangeClaim]] = relationship(
        order_by="X12InterchangeClaim.id", cascade="all, delete-orphan")

    @property
    def control_number(self) -> str:
        return f"{self.id:09d}"


class X12InterchangeClaim(Base):
    __tablename__ = "x12_interchange_claims"
    __table_args__ = (UniqueConstraint("interchange_id", "claim_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interchange_id: Mapped[int] = mapped_column(ForeignKey("x12_interchanges.id"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)


class Remittance(Base):
    """An 835 read in. The interchange (sender, ISA13) and the payment's trace (TRN02 with
    TRN03) each identify it: a file seen before changes nothing."""

    __tablename__ = "remittances"
    __table_args__ = (UniqueConstraint("sender_id", "interchange_control"),
                      UniqueConstraint("trace_number", "trace_originator"))

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(15))
    interchange_control: Mapped[str] = mapped_column(String(9))
    trace_number: Mapped[str] = mapped_column(String(50))
    trace_originator: Mapped[str] = mapped_column(String(10), default="")
    payer_name: Mapped[str] = mapped_column(String(60), default="")
    #: BPR02 and BPR04: the money the payer sent and how (CHK, ACH, NON).
    total_paid: Mapped[Decimal] = mapped_column(Money())
    payment_method: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date | None] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    claim_count: Mapped[int] = mapped_column(Integer)
    posted_count: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()

    claims: Mapped[list[RemittanceClaim]] = relationship(order_by="RemittanceClaim.id")


#: What became of a CLP: posted to its claim, a repeat of one posted before, or in the
#: worklist (no claim with that number, or the claim could not take it: ``reason`` says).
REMITTANCE_OUTCOMES = ("posted", "duplicate", "unmatched", "refused")


class RemittanceClaim(Base):
    """One CLP of an 835: the payer's answer for one claim."""

    __tablename__ = "remittance_claims"
    __table_args__ = (UniqueConstraint("post_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittances.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    #: CLP01 as the payer sent it (our claim number, the 837P's CLM01).
    claim_reference: Mapped[str] = mapped_column(String(38))
    #: CLP02: 1 processed as primary, 2 secondary, 3 tertiary, 4 denied, 22 reversal...
    status_code: Mapped[str] = mapped_column(String(2))
    billed: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[Decimal] = mapped_column(Money())
    patient_responsibility: Mapped[Decimal] = mapped_column(Money())
    #: CLP07: the payer's own claim number.
    payer_claim_number: Mapped[str] = mapped_column(String(50), default="")
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(300))
    #: Set on posted rows only: CLP01, CLP07, CLP02 and CLP04 together, so the same answer
    #: arriving again in another file is not posted twice.
    post_key: Mapped[str | None] = mapped_column(String(160))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    #: When someone dealt with a worklist row (posted it by hand, or found it is not ours).
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: What was done about it, in the biller's words (billing correspondence, not clinical).
    resolution: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at()

    adjustments: Mapped[list[RemittanceAdjustment]] = relationship(
        order_by="RemittanceAdjustment.id", cascade="all, delete-orphan")


class RemittanceAdjustment(Base):
    """One CAS triplet: why the payer paid less than billed (group CO contractual, PR patient
    responsibility, OA other, PI payer initiated; the reason a CARC such as 45)."""

    __tablename__ = "remittance_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_claim_id: Mapped[int] = mapped_column(ForeignKey("remittance_claims.id"),
                                                     index=True)
    #: The service line it belongs to (SVC01 as sent), empty for a claim-level CAS.
    procedure: Mapped[str | None] = mapped_column(String(60))
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_lines.id"))
    group_code: Mapped[str] = mapped_column(String(2))
    reason_code: Mapped[str] = mapped_column(String(5))
    amount: Mapped[Decimal] = mapped_column(Money())
