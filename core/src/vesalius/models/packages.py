"""Packages of sessions: the products a clinic sells ("10 x Physio follow-up"), the packages
patients bought, and each session drawn from one by an invoiced visit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base
from ..db.types import Money, UTCDateTime
from ._common import created_at, updated_at

#: What is stored; "used up" and "expired" are read from the counts and the date
#: (:attr:`PatientPackage.state`), so they never go stale.
PACKAGE_STATUSES = ("active", "refunded")


class PackageProduct(Base):
    """A package the clinic sells: so many sessions of some services, at a price, usable
    for so many days from the sale."""

    __tablename__ = "package_products"
    __table_args__ = (
        CheckConstraint("sessions > 0", name="sessions_positive"),
        CheckConstraint("validity_days > 0", name="validity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sessions: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Money())
    validity_days: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    services: Mapped[list[PackageProductService]] = relationship(
        cascade="all, delete-orphan", order_by="PackageProductService.service_id",
        lazy="selectin")

    @property
    def service_ids(self) -> list[int]:
        return [s.service_id for s in self.services]


class PackageProductService(Base):
    """A service whose visits a product's sessions pay for."""

    __tablename__ = "package_product_services"

    product_id: Mapped[int] = mapped_column(ForeignKey("package_products.id"),
                                            primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True,
                                            index=True)


class PatientPackage(Base):
    """A package sold to a patient. Name, sessions and price are copied from the product at
    the sale, so changing the product later never changes what a patient bought."""

    __tablename__ = "patient_packages"
    __table_args__ = (
        CheckConstraint("sessions_used >= 0 AND sessions_used <= sessions_total",
                        name="sessions_within_total"),
        Index("ix_patient_packages_patient_expires", "patient_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("package_products.id"))
    name: Mapped[str] = mapped_column(String(200))
    sessions_total: Mapped[int] = mapped_column(Integer)
    #: Kept by a conditional UPDATE (see :func:`vesalius.services.packages.draw`): two
    #: invoices drafted at once never both take the last session.
    sessions_used: Mapped[int] = mapped_column(Integer, default=0)
    price: Mapped[Decimal] = mapped_column(Money())
    sold_on: Mapped[date] = mapped_column(Date)
    #: The last day a visit may draw on it.
    expires_on: Mapped[date] = mapped_column(Date)
    #: The invoice that sold it (issued at the sale).
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    refunded_on: Mapped[date | None] = mapped_column(Date)
    refund_reason: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()

    @property
    def sessions_left(self) -> int:
        return self.sessions_total - self.sessions_used

    def state(self, today: date) -> str:
        """"active", "used up", "expired" or "refunded" as of ``today``."""
        if self.status == "refunded":
            return "refunded"
        if self.sessions_used >= self.sessions_total:
            return "used up"
        if self.expires_on < today:
            return "expired"
        return "active"


class PackageDrawdown(Base):
    """One session of a package paying for one invoiced visit: the invoice's package line
    points back here. ``returned_at`` is set when the invoice is voided or the line taken
    off its draft; the session is then back on the package."""

    __tablename__ = "package_drawdowns"
    __table_args__ = (UniqueConstraint("invoice_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("patient_packages.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    #: Emptied when the line is taken off a draft (the line is deleted; the row stays).
    invoice_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_lines.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    #: Which session of the package it was ("session 3 of 10"): the count used after it.
    session_number: Mapped[int] = mapped_column(Integer)
    drawn_at: Mapped[datetime] = created_at()
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str | None] = mapped_column(String(300))
