"""Packages of sessions ("10 x Physio follow-up"): the products a clinic sells, selling one
to a patient, and drawing a session from it when a visit of a covered service is invoiced.

Rules a clinic can rely on:

- A sale issues an invoice for the package's price (code ``PKG-SALE``, billed to the
  patient). The sessions are usable from the sale on, paid or not: like a gift card sold
  on account, collecting the money is the invoice's business, not the visit's.
- A self-pay visit of a covered service, invoiced while a package of the patient has
  sessions left and its date of service lies between the sale and the expiry, draws one
  session from the oldest such package (sold first, then lowest id). The invoice keeps the
  visit's own lines at their prices and gains one ``PACKAGE`` line, "<package> · session 3
  of 10", that takes the same amount off: the total is zero, the visit's value stays
  visible, and revenue is counted once, at the sale.
- A visit billed to an insurer (the case has a payer) draws nothing: the insurer is
  billed as usual, as most clinics do (the package is the patient's own prepayment).
  Late-cancellation and no-show fees draw nothing either (a session is for a visit given).
- Voiding the visit's invoice, or taking the package line off its draft, gives the session
  back. Voiding the sale invoice refunds an unused package; a used one refuses.
- Two invoices drafted at once never both take the last session: the count is raised by a
  conditional UPDATE (``sessions_used < sessions_total``), which PostgreSQL re-checks after
  the competing transaction commits and SQLite runs under its write lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import Field, field_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db.types import money, utcnow
from ..errors import Conflict, Invalid
from ..models import (
    Appointment,
    Invoice,
    InvoiceLine,
    Location,
    PackageDrawdown,
    PackageProduct,
    PackageProductService,
    Patient,
    PatientPackage,
    PaymentAllocation,
    Service,
)
from . import audit, billing
from .actor import Actor
from .common import Input, clinic_timezone, get

ZERO = Decimal("0.00")
#: The code of an invoice line selling a package.
SALE = "PKG-SALE"


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("money is never a float: send a string such as \"850.00\"")
    return value


# -- products --------------------------------------------------------------------------


class PackageProductIn(Input):
    """A package the clinic sells."""

    name: str = Field(min_length=1, max_length=200)
    #: The services whose visits its sessions pay for (at least one).
    service_ids: list[int] = Field(min_length=1, max_length=50)
    sessions: int = Field(ge=1, le=500)
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    #: Days from the sale during which its sessions can be used.
    validity_days: int = Field(ge=1, le=3660)
    active: bool = True

    _floats = field_validator("price", mode="before")(_no_float)


class PackageProductUpdate(Input):
    """Fields to change on a product; what patients already bought keeps its terms."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    service_ids: list[int] | None = Field(default=None, min_length=1, max_length=50)
    sessions: int | None = Field(default=None, ge=1, le=500)
    price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    validity_days: int | None = Field(default=None, ge=1, le=3660)
    active: bool | None = None

    _floats = field_validator("price", mode="before")(_no_float)


def _check_services(session: Session, service_ids: Sequence[int]) -> list[int]:
    ids = list(dict.fromkeys(service_ids))
    found = set(session.scalars(select(Service.id).where(Service.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid(f"no service with id {missing[0]}", field="service_ids")
    return ids


def _name_free(session: Session, name: str, product_id: int | None = None) -> None:
    taken = session.scalar(select(PackageProduct.id).where(PackageProduct.name == name))
    if taken is not None and taken != product_id:
        raise Conflict(f"a package named {name!r} exists already", field="name")


def list_products(session: Session, actor: Actor,
                  include_inactive: bool = False) -> list[PackageProduct]:
    """The clinic's packages, by name (their services in one more query): for those who
    sell them."""
    actor.require("packages.sell")
    query = select(PackageProduct).order_by(PackageProduct.name)
    if not include_inactive:
        query = query.where(PackageProduct.active.is_(True))
    return list(session.scalars(query))


def create_product(session: Session, actor: Actor, data: PackageProductIn) -> PackageProduct:
    actor.require("packages.products")
    _name_free(session, data.name)
    product = PackageProduct(name=data.name, sessions=data.sessions, price=money(data.price),
                             validity_days=data.validity_days, active=data.active)
    product.services = [PackageProductService(service_id=i)
                        for i in _check_services(session, data.service_ids)]
    session.add(product)
    session.flush()
    audit.record(session, actor, "create", "package-product", product.id,
                 detail=f"{data.sessions} sessions at {money(data.price)}")
    return product


def update_product(session: Session, actor: Actor, product_id: int,
                   data: PackageProductUpdate) -> PackageProduct:
    actor.require("packages.products")
    product = get(session, PackageProduct, product_id, "package")
    given = data.model_dump(exclude_unset=True)
    changed = []
    for key, value in given.items():
        if value is None:
            raise Invalid(f"{key} cannot be empty", field=key)
        if key == "service_ids":
            ids = _check_services(session, value)
            if ids != product.service_ids:
                product.services = [PackageProductService(service_id=i) for i in ids]
                changed.append(key)
            continue
        if key == "name":
            _name_free(session, value, product.id)
        if key == "price":
            value = money(value)
        if getattr(product, key) != value:
            setattr(product, key, value)
            changed.append(key)
    session.flush()
    if changed:
        audit.record(session, actor, "update", "package-product", product.id,
                     detail="fields: " + ", ".join(sorted(changed)))
    return product


# -- selling and refunding -------------------------------------------------------------


class PackageSaleIn(Input):
    product_id: int
    #: The day of the sale (today when not given); the validity counts from it.
    sold_on: date | None = None


def sell(session: Session, actor: Actor, patient_id: int, data: PackageSaleIn) -> PatientPackage:
    """Sell a package: the patient's package and its invoice, issued for the price."""
    actor.require("packages.sell", patient_id=patient_id)
    get(session, Patient, patient_id, "patient")
    product = get(session, PackageProduct, data.product_id, "package", field="product_id")
    if not product.active:
        raise Invalid(f"{product.name} is no longer sold", field="product_id")
    sold_on = data.sold_on or clinic_today(session)
    invoice = billing.draft_patient_invoice(
        session, actor, patient_id=patient_id, code=SALE, description=product.name,
        amount=money(product.price), on=sold_on)
    billing.issue(session, actor, invoice.id, on=sold_on)
    package = PatientPackage(
        patient_id=patient_id, product_id=product.id, name=product.name,
        sessions_total=product.sessions, sessions_used=0, price=money(product.price),
        sold_on=sold_on, expires_on=sold_on + timedelta(days=product.validity_days - 1),
        invoice_id=invoice.id, status="active", created_by=actor.user_id)
    session.add(package)
    session.flush()
    audit.record(session, actor, "sell", "package", package.id, patient_id,
                 detail=f"{product.name}: {product.sessions} sessions, invoice {invoice.id}")
    return package


class PackageRefundIn(Input):
    reason: str = Field(min_length=1, max_length=300)


def refund(session: Session, actor: Actor, package_id: int,
           data: PackageRefundIn) -> PatientPackage:
    """End a package: its sessions left can no longer be used. When nothing was paid and
    no session used, its sale invoice is voided too; money paid goes back through the
    payment's refund (:func:`vesalius.services.billing.refund`), for the amount the clinic
    agrees with the patient."""
    package = get(session, PatientPackage, package_id, "package")
    actor.require("packages.sell", patient_id=package.patient_id)
    if package.status == "refunded":
        raise Conflict("the package is refunded already")
    _end(session, package, data.reason)
    audit.record(session, actor, "refund", "package", package.id, package.patient_id,
                 detail=f"{package.sessions_left} sessions left unused: {data.reason}"[:300])
    if package.invoice_id is not None and package.sessions_used == 0:
        paid = session.scalar(select(PaymentAllocation.id).where(
            PaymentAllocation.invoice_id == package.invoice_id).limit(1))
        sale = session.get(Invoice, package.invoice_id)
        if paid is None and sale is not None and sale.status != "void":
            billing.void(session, actor, sale.id, f"package refunded: {data.reason}"[:300])
    return package


def _end(session: Session, package: PatientPackage, reason: str) -> None:
    package.status, package.refunded_on = "refunded", clinic_today(session)
    package.refund_reason = reason.strip()[:300]


# -- drawing sessions ------------------------------------------------------------------


def draw(session: Session, actor: Actor, invoice: Invoice,
         appointment: Appointment | None) -> PackageDrawdown | None:
    """Pay a freshly drafted visit invoice with a session of the patient's oldest usable
    package covering the visit's service; none when there is no such package, the
    invoice is an insurer's, or nothing on it costs anything. Called by billing's drafting
    (whose caller's permission covers it)."""
    if appointment is None or appointment.service_id is None or invoice.payer_id is not None:
        return None
    charges = sum((ln.patient_amount for ln in invoice.lines), ZERO)
    if charges <= ZERO:
        return None
    day = _local_day(session, appointment)
    candidates = session.scalars(
        select(PatientPackage.id)
        .join(PackageProductService, PackageProductService.product_id
              == PatientPackage.product_id)
        .where(PatientPackage.patient_id == invoice.patient_id,
               PackageProductService.service_id == appointment.service_id,
               PatientPackage.status == "active",
               PatientPackage.sessions_used < PatientPackage.sessions_total,
               PatientPackage.sold_on <= day, PatientPackage.expires_on >= day)
        .order_by(PatientPackage.sold_on, PatientPackage.id)).all()
    for package_id in candidates:
        # The conditional UPDATE is the lock: it takes a session only while one is left,
        # whatever another transaction did since the SELECT above.
        number = session.execute(
            update(PatientPackage)
            .where(PatientPackage.id == package_id, PatientPackage.status == "active",
                   PatientPackage.sessions_used < PatientPackage.sessions_total)
            .values(sessions_used=PatientPackage.sessions_used + 1)
            .returning(PatientPackage.sessions_used)
            .execution_options(synchronize_session=False)).scalar()
        if number is None:
            continue
        package = session.get(PatientPackage, package_id)
        assert package is not None
        session.refresh(package)
        line = InvoiceLine(
            position=len(invoice.lines), code=billing.PACKAGE,
            description=(f"{package.name} · session {number} of "
                         f"{package.sessions_total}")[:200],
            modifiers=[], units=1, unit_price=-charges, amount=-charges,
            patient_amount=-charges, insurer_amount=ZERO, priced=True,
            price_reason="paid by package")
        invoice.lines.append(line)
        billing.reprice(session, invoice)
        session.flush()
        drawdown = PackageDrawdown(package_id=package.id, invoice_id=invoice.id,
                                   invoice_line_id=line.id, appointment_id=appointment.id,
                                   session_number=number)
        session.add(drawdown)
        session.flush()
        audit.record(session, actor, "draw", "package", package.id, package.patient_id,
                     detail=f"session {number} of {package.sessions_total} for invoice "
                            f"{invoice.id}")
        return drawdown
    return None


def _local_day(session: Session, appointment: Appointment) -> date:
    """The visit's day on the clinic's wall clock (its location's zone): the day a package
    sold that morning, or expiring that evening, is judged by."""
    location = session.get(Location, appointment.location_id) \
        if appointment.location_id else None
    zone = clinic_timezone(location.timezone if location else None)
    return appointment.start_at.astimezone(zone).date()


def clinic_today(session: Session) -> date:
    """Today on the clinic's wall clock (its first active location's zone, as the pages
    show it): a sale's default day, and the day a package's state is read on."""
    name = session.scalar(select(Location.timezone).where(Location.active.is_(True))
                          .order_by(Location.id).limit(1))
    return datetime.now(clinic_timezone(name)).date()


def _give_back(session: Session, actor: Actor, drawdown: PackageDrawdown,
               reason: str) -> None:
    session.execute(
        update(PatientPackage)
        .where(PatientPackage.id == drawdown.package_id, PatientPackage.sessions_used > 0)
        .values(sessions_used=PatientPackage.sessions_used - 1)
        .execution_options(synchronize_session=False))
    package = session.get(PatientPackage, drawdown.package_id)
    assert package is not None
    session.refresh(package)
    drawdown.returned_at, drawdown.return_reason = utcnow(), reason[:300]
    audit.record(session, actor, "return", "package", package.id, package.patient_id,
                 detail=f"session {drawdown.session_number} back from invoice "
                        f"{drawdown.invoice_id}: {reason}"[:300])


def line_removed(session: Session, actor: Actor, line: InvoiceLine) -> None:
    """A package line is taken off a draft: its session goes back to the package."""
    drawdown = session.scalar(select(PackageDrawdown).where(
        PackageDrawdown.invoice_line_id == line.id, PackageDrawdown.returned_at.is_(None)))
    if drawdown is not None:
        _give_back(session, actor, drawdown, "line taken off the draft")
        drawdown.invoice_line_id = None
        session.flush()


def invoice_voided(session: Session, actor: Actor, invoice: Invoice, reason: str) -> None:
    """Before an invoice is voided: its sessions go back to their packages; a package it
    sold ends (refused while one of its sessions pays for a visit)."""
    for drawdown in session.scalars(select(PackageDrawdown).where(
            PackageDrawdown.invoice_id == invoice.id, PackageDrawdown.returned_at.is_(None))):
        _give_back(session, actor, drawdown, f"invoice voided: {reason}")
    sold = session.scalar(select(PatientPackage).where(PatientPackage.invoice_id == invoice.id))
    if sold is not None and sold.status != "refunded":
        if sold.sessions_used:
            raise Conflict(f"{sold.sessions_used} sessions of the package this invoice sold "
                           "pay for visits: void those visits' invoices, or refund the "
                           "package, first")
        _end(session, sold, f"sale invoice voided: {reason}")
        audit.record(session, actor, "refund", "package", sold.id, sold.patient_id,
                     detail="sale invoice voided")


# -- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """A package of a patient as the desk reads it."""

    package: PatientPackage
    state: str
    service_ids: list[int]

    @property
    def sessions_left(self) -> int:
        return self.package.sessions_left if self.state == "active" else 0


def of_patient(session: Session, actor: Actor, patient_id: int,
               today: date | None = None) -> list[Balance]:
    """The patient's packages, newest sale first, with their state (on ``today``, else the
    clinic's today) and covered services: two or three queries."""
    actor.require("packages.read", patient_id=patient_id)
    today = today or clinic_today(session)
    found = list(session.scalars(select(PatientPackage)
                                 .where(PatientPackage.patient_id == patient_id)
                                 .order_by(PatientPackage.sold_on.desc(),
                                           PatientPackage.id.desc()).limit(200)))
    covers: dict[int, list[int]] = {}
    product_ids = {p.product_id for p in found}
    if product_ids:
        for product_id, service_id in session.execute(
                select(PackageProductService.product_id, PackageProductService.service_id)
                .where(PackageProductService.product_id.in_(product_ids))):
            covers.setdefault(product_id, []).append(service_id)
    audit.record_many(session, actor, "read", "package", [(p.id, p.patient_id) for p in found])
    return [Balance(p, p.state(today), covers.get(p.product_id, [])) for p in found]


def usable(session: Session, actor: Actor, patient_id: int, service_id: int,
           today: date | None = None) -> list[Balance]:
    """The patient's packages a visit of the service would draw on today, in the order
    they are drawn (the first one pays next)."""
    today = today or clinic_today(session)
    found = [b for b in of_patient(session, actor, patient_id, today)
             if b.state == "active" and service_id in b.service_ids
             and b.package.sold_on <= today]
    return sorted(found, key=lambda b: (b.package.sold_on, b.package.id))


def balance_words(balance: Balance) -> str:
    """"3 sessions left on 10 x Physio follow-up, expires 3 Mar 2027"."""
    left = balance.sessions_left
    expires = balance.package.expires_on
    return (f"{left} session{'s' if left != 1 else ''} left on {balance.package.name}, "
            f"expires {expires.day} {expires:%b %Y}")


def drawdowns_of(session: Session, actor: Actor, package_id: int) -> list[PackageDrawdown]:
    """A package's sessions drawn (and given back), oldest first."""
    package = get(session, PatientPackage, package_id, "package")
    actor.require("packages.read", patient_id=package.patient_id)
    return list(session.scalars(select(PackageDrawdown)
                                .where(PackageDrawdown.package_id == package_id)
                                .order_by(PackageDrawdown.id)))
