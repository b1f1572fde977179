"""Packages of sessions at the desk: the products on sale (owner, billing), selling one to a
patient and refunding it (from the patient's page), and the balance line of the booking
form."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import PatientPackage
from ..services import clinic, packages
from ..services.common import parse_id
from .context import actor, db, rollback
from .forms import FormError, clean, parse, summary
from .security import requires

bp = Blueprint("packages", __name__, url_prefix="/packages")

PRODUCT_FIELDS = ("name", "sessions", "price", "validity_days")


def _report(exc: FormError | ServiceError) -> None:
    rollback()
    if isinstance(exc, ServiceError) and exc.status in (403, 404):
        raise exc
    flash(summary(exc), "error")


@bp.route("/products")
@requires("packages.products")
def products_page() -> str:
    session, who = db(), actor()
    services = clinic.list_services(session, who, include_inactive=True)
    return render_template("packages/products.html",
                           products=packages.list_products(session, who, include_inactive=True),
                           services=services, service_names={s.id: s.name for s in services})


def _product_form() -> dict[str, object]:
    data = clean(request.form, PRODUCT_FIELDS, lists=("service_ids",), booleans=("active",))
    return {k: v for k, v in data.items() if v is not None}


@bp.route("/products", methods=["POST"])
@requires("packages.products")
def create_product() -> Response:
    try:
        product = packages.create_product(db(), actor(), parse(packages.PackageProductIn,
                                                               _product_form()))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash(f"{product.name} is on sale.", "success")
    return redirect(url_for("packages.products_page"))


@bp.route("/products/<int:product_id>", methods=["POST"])
@requires("packages.products")
def update_product(product_id: int) -> Response:
    try:
        packages.update_product(db(), actor(), product_id, parse(
            packages.PackageProductUpdate, _product_form()))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Package saved.", "success")
    return redirect(url_for("packages.products_page"))


@bp.route("/sell", methods=["POST"])
@requires("packages.sell")
def sell() -> Response:
    patient_id = parse_id(request.form.get("patient_id"))
    if patient_id is None:
        flash("Choose the patient.", "error")
        return redirect(url_for("patients.search"))
    back = url_for("patients.profile", patient_id=patient_id) + "#packages"
    try:
        package = packages.sell(db(), actor(), patient_id, parse(
            packages.PackageSaleIn, clean(request.form, ("product_id",))))
    except (FormError, ServiceError) as exc:
        _report(exc)
        return redirect(back)
    flash(f"Sold {package.name}: its {package.sessions_total} sessions pay for visits "
          f"until {package.expires_on:%d %b %Y}. Take the payment on its invoice.", "success")
    return redirect(url_for("billing.invoice", invoice_id=package.invoice_id))


@bp.route("/<int:package_id>/refund", methods=["POST"])
@requires("packages.sell")
def refund(package_id: int) -> Response:
    package = db().get(PatientPackage, package_id)
    back = (url_for("patients.profile", patient_id=package.patient_id) + "#packages"
            if package is not None else url_for("patients.search"))
    try:
        packages.refund(db(), actor(), package_id, parse(
            packages.PackageRefundIn, clean(request.form, ("reason",))))
    except (FormError, ServiceError) as exc:
        _report(exc)
    else:
        flash("Package refunded: its sessions left can no longer be used. Money paid for it "
              "is refunded from the payment.", "success")
    return redirect(back)


@bp.route("/balance.json")
@requires("packages.read")
def balance() -> Response:
    """The booking form's line: the packages a visit of the service would draw on."""
    patient_id = parse_id(request.args.get("patient"))
    service_id = parse_id(request.args.get("service"))
    lines: list[str] = []
    if patient_id is not None and service_id is not None:
        lines = booking_lines(patient_id, service_id)
    return jsonify({"lines": lines})


def booking_lines(patient_id: int, service_id: int) -> list[str]:
    """"3 sessions left on 10 x Physio follow-up, expires 3 Mar 2027", first drawn first."""
    try:
        found = packages.usable(db(), actor(), patient_id, service_id)
    except ServiceError as exc:
        if exc.status in (403, 404):
            return []
        raise
    return [packages.balance_words(b) for b in found]
