"""Routes: packages of sessions (the products sold, a patient's packages and their
balance, selling, refunding, and the sessions drawn)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

from ..services import packages
from .framework import Call, route
from .schemas import Out


class PackageProductOut(Out):
    id: int
    name: str
    service_ids: list[int]
    sessions: int
    price: Decimal
    validity_days: int
    active: bool


class PatientPackageOut(BaseModel):
    id: int
    patient_id: int
    product_id: int
    name: str
    #: "active", "used up", "expired" or "refunded" (today).
    state: str
    service_ids: list[int]
    sessions_total: int
    sessions_used: int
    #: Sessions a visit can still draw (0 unless the state is "active").
    sessions_left: int
    price: Decimal
    sold_on: date
    expires_on: date
    #: The invoice that sold it.
    invoice_id: int | None
    refunded_on: date | None
    refund_reason: str | None


class DrawdownOut(Out):
    id: int
    package_id: int
    invoice_id: int
    invoice_line_id: int | None
    appointment_id: int | None
    session_number: int
    drawn_at: datetime
    returned_at: datetime | None
    return_reason: str | None


def package_out(balance: packages.Balance) -> PatientPackageOut:
    p = balance.package
    return PatientPackageOut(
        id=p.id, patient_id=p.patient_id, product_id=p.product_id, name=p.name,
        state=balance.state, service_ids=balance.service_ids, sessions_total=p.sessions_total,
        sessions_used=p.sessions_used, sessions_left=balance.sessions_left, price=p.price,
        sold_on=p.sold_on, expires_on=p.expires_on, invoice_id=p.invoice_id,
        refunded_on=p.refunded_on, refund_reason=p.refund_reason)


def _one(call: Call, package_id: int) -> PatientPackageOut:
    from ..models import PatientPackage

    package = call.session.get(PatientPackage, package_id)
    assert package is not None
    found = packages.of_patient(call.session, call.actor, package.patient_id)
    return package_out(next(b for b in found if b.package.id == package_id))


@route("GET", "/package-products", permission="packages.sell",
       response=list[PackageProductOut], tag="billing")
def list_package_products(call: Call) -> object:
    """The packages the clinic sells (active ones)."""
    return packages.list_products(call.session, call.actor)


@route("POST", "/package-products", permission="packages.products", body=packages.PackageProductIn,
       response=PackageProductOut, status=201, tag="billing")
def create_package_product(call: Call) -> object:
    """Add a package to sell: sessions of some services, a price, days of validity."""
    return packages.create_product(call.session, call.actor, call.body)


@route("PATCH", "/package-products/<int:product_id>", permission="packages.products",
       body=packages.PackageProductUpdate, response=PackageProductOut, tag="billing")
def update_package_product(call: Call, product_id: int) -> object:
    """Change a package on sale (what patients bought keeps its terms); ``active: false``
    stops selling it."""
    return packages.update_product(call.session, call.actor, product_id, call.body)


@route("GET", "/patients/<int:patient_id>/packages", permission="packages.read",
       response=list[PatientPackageOut], tag="billing")
def patient_packages(call: Call, patient_id: int) -> object:
    """A patient's packages, newest first, with sessions left and state."""
    return [package_out(b) for b in packages.of_patient(call.session, call.actor, patient_id)]


@route("POST", "/patients/<int:patient_id>/packages", permission="packages.sell",
       body=packages.PackageSaleIn, response=PatientPackageOut, status=201, tag="billing")
def sell_package(call: Call, patient_id: int) -> object:
    """Sell a package to the patient: its invoice is issued for the price, its sessions
    are usable at once (paid or not)."""
    package = packages.sell(call.session, call.actor, patient_id, call.body)
    return _one(call, package.id)


@route("POST", "/packages/<int:package_id>/refund", permission="packages.sell",
       body=packages.PackageRefundIn, response=PatientPackageOut, tag="billing")
def refund_package(call: Call, package_id: int) -> object:
    """End a package (its sessions left are no longer usable); an unpaid, unused one's
    invoice is voided. Money paid is refunded from the payment."""
    packages.refund(call.session, call.actor, package_id, call.body)
    return _one(call, package_id)


@route("GET", "/packages/<int:package_id>/drawdowns", permission="packages.read",
       response=list[DrawdownOut], tag="billing")
def package_drawdowns(call: Call, package_id: int) -> object:
    """The sessions drawn from a package (and given back), oldest first."""
    return packages.drawdowns_of(call.session, call.actor, package_id)
