"""Billing: the ready-to-bill worklist, invoices (view, issue, void, print), payments, and
the claims worklist with each claim's pre-submission checks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import Claim, Payer, Practitioner
from ..models.billing import PAYMENT_METHODS
from ..services import billing, claims, patients, payers, reports
from ..services.common import parse_id
from .context import actor, db, registry, rollback
from .forms import FormError, clean, parse, service_errors
from .lookups import patients_by_id
from .security import requires

bp = Blueprint("billing", __name__, url_prefix="/billing")

#: Claim statuses that wait for the clinic or the payer: the worklist's default view.
OPEN_CLAIMS = ("draft", "rejected", "ready", "submitted")


def _fail(exc: ServiceError | FormError) -> str:
    rollback()
    if isinstance(exc, ServiceError) and exc.status in (403, 404):
        raise exc
    failure = exc if isinstance(exc, FormError) else service_errors(exc)
    details = "; ".join(f"{k}: {v}" for k, v in failure.errors.items())
    return failure.message + (f" ({details})" if details and details not in failure.message
                              else "")


@bp.route("/ready")
@requires("billing.write")
def ready() -> str:
    items = reports.ready_to_bill(db(), actor())
    return render_template("billing/ready.html", items=items)


@bp.route("/invoices")
@requires("reports.read")
def invoices() -> str:
    status = request.args.get("status") or None
    if status not in (None, "draft", "issued", "void"):
        abort(400)
    views = list(reversed(billing.list_invoices(db(), actor(), status=status, limit=300)))
    names = patients_by_id(db(), actor(), (v.invoice.patient_id for v in views))
    return render_template("billing/invoices.html", views=views, patients=names,
                           status=status)


def _invoice_page(invoice_id: int, template: str) -> str:
    session, who = db(), actor()
    view = billing.read_invoice(session, who, invoice_id)
    invoice = view.invoice
    patient = patients.read(session, who, invoice.patient_id)
    practitioner = session.get(Practitioner, invoice.practitioner_id) \
        if invoice.practitioner_id else None
    payer = session.get(Payer, invoice.payer_id) if invoice.payer_id else None
    invoice_claims = claims.list_claims(session, who, patient_id=invoice.patient_id) \
        if who.can("claims.read") else []
    invoice_claims = [c for c in invoice_claims if c.invoice_id == invoice.id]
    codes = registry().billing_codes
    return render_template(template, view=view, invoice=invoice, patient=patient,
                           practitioner=practitioner, payer=payer, claims=invoice_claims,
                           codes=codes, methods=PAYMENT_METHODS,
                           location=_location())


def _location() -> Any:
    from sqlalchemy import select

    from ..models import Location

    return db().scalar(select(Location).where(Location.active.is_(True))
                       .order_by(Location.id).limit(1))


@bp.route("/invoices/<int:invoice_id>")
@requires("billing.read")
def invoice(invoice_id: int) -> str:
    return _invoice_page(invoice_id, "billing/invoice.html")


@bp.route("/invoices/<int:invoice_id>/print")
@requires("billing.read")
def print_invoice(invoice_id: int) -> str:
    return _invoice_page(invoice_id, "billing/invoice_print.html")


@bp.route("/invoices/<int:invoice_id>/issue", methods=["POST"])
@requires("billing.write")
def issue(invoice_id: int) -> Response:
    try:
        billing.issue(db(), actor(), invoice_id)
    except ServiceError as exc:
        flash(_fail(exc), "error")
    else:
        flash("Invoice issued.", "success")
    return redirect((request.form.get("back") == "ready" and url_for("billing.ready"))
                    or url_for("billing.invoice", invoice_id=invoice_id))


@bp.route("/invoices/<int:invoice_id>/void", methods=["POST"])
@requires("billing.write")
def void(invoice_id: int) -> Response:
    try:
        billing.void(db(), actor(), invoice_id, (request.form.get("reason") or "").strip())
    except ServiceError as exc:
        flash(_fail(exc), "error")
    else:
        flash("Invoice voided.", "success")
    return redirect(url_for("billing.invoice", invoice_id=invoice_id))


@bp.route("/invoices/<int:invoice_id>/claim", methods=["POST"])
@requires("claims.write")
def make_claim(invoice_id: int) -> Response:
    try:
        claim = claims.create(db(), actor(), invoice_id)
    except ServiceError as exc:
        flash(_fail(exc), "error")
        return redirect(url_for("billing.invoice", invoice_id=invoice_id))
    flash(f"Claim {claim.number} drafted.", "success")
    return redirect(url_for("billing.claims_page", status="draft"))


# -- payments --------------------------------------------------------------------------


@bp.route("/payments/new", methods=["GET", "POST"])
@requires("billing.write")
def new_payment() -> str | Response | tuple[str, int]:
    session, who = db(), actor()
    patient_id = parse_id(request.values.get("patient"))
    if patient_id is None:
        abort(404)
    patient = patients.read(session, who, patient_id)
    open_views = [v for v in billing.list_invoices(session, who, patient_id=patient.id)
                  if v.invoice.status != "void" and v.patient_due > 0]
    invoice_arg = request.values.get("invoice", "")
    errors: dict[str, str] = {}
    message = None
    form: dict[str, Any] = {"method": "card", "invoice": invoice_arg}
    due = sum((v.patient_due for v in open_views), Decimal("0.00"))
    chosen = next((v for v in open_views if str(v.invoice.id) == invoice_arg), None)
    form["amount"] = f"{(chosen.patient_due if chosen else due):.2f}"
    if request.method == "POST":
        form = clean(request.form, ("amount", "method", "reference", "received_on", "note",
                                    "invoice"))
        data: dict[str, Any] = {k: v for k, v in form.items() if k != "invoice" and v}
        data["patient_id"] = patient.id
        try:
            if "amount" in data:
                try:
                    data["amount"] = Decimal(str(data["amount"]).replace(",", ""))
                except InvalidOperation:
                    raise FormError({"amount": "Give an amount such as 85.00."}) from None
            if form.get("invoice"):
                target = next((v for v in open_views if str(v.invoice.id) == form["invoice"]),
                              None)
                if target is None:
                    raise FormError({"invoice": "Choose an open invoice of this patient."})
                data["allocations"] = [{"invoice_id": target.invoice.id,
                                        "amount": min(target.patient_due, data["amount"])}]
            billing.record_payment(session, who, parse(billing.PaymentIn, data))
        except (FormError, ServiceError) as exc:
            rollback()
            if isinstance(exc, ServiceError) and exc.status in (403, 404):
                raise
            failure = exc if isinstance(exc, FormError) else service_errors(exc)
            errors, message = failure.errors, failure.message
        else:
            flash("Payment recorded.", "success")
            return redirect(url_for("patients.profile", patient_id=patient.id) + "#account")
    return render_template("billing/payment.html", patient=patient, open_views=open_views,
                           form=form, errors=errors, message=message, due=due,
                           methods=[m for m in PAYMENT_METHODS if m != "insurer"]), (
        422 if errors else 200)


# -- claims ----------------------------------------------------------------------------


@bp.route("/claims")
@requires("claims.read")
def claims_page() -> str:
    session, who = db(), actor()
    status = request.args.get("status") or None
    if status is not None and status not in (*claims.TRANSITIONS, "all"):
        abort(400)
    if status is None:  # the worklist: claims that still need someone, newest first
        found = [c for s in OPEN_CLAIMS for c in claims.list_claims(session, who, status=s,
                                                                    limit=200)]
        found.sort(key=lambda c: c.id, reverse=True)
    else:
        found = list(reversed(claims.list_claims(
            session, who, status=None if status == "all" else status, limit=200)))
    # The checks read the claim's case, payer and coverage: shown for the open claims only.
    checks = {c.id: claims.check(session, c) for c in found
              if c.status in ("draft", "rejected")}
    names = patients_by_id(session, who, (c.patient_id for c in found))
    payer_names = {p.id: p.name for p in payers.list_payers(session, who)} \
        if who.can("settings.read") else {}
    return render_template("billing/claims.html", claims=found, checks=checks,
                           patients=names, payers=payer_names, status=status,
                           transitions=claims.TRANSITIONS,
                           statuses=list(claims.TRANSITIONS))


@bp.route("/claims/<int:claim_id>/status", methods=["POST"])
@requires("claims.write")
def claim_status(claim_id: int) -> Response:
    data = clean(request.form, ("status", "reason", "payer_reference", "paid_amount"))
    try:
        claims.set_status(db(), actor(), claim_id, parse(
            claims.ClaimStatusIn, {k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        flash(_fail(exc), "error")
    else:
        flash(f"Claim moved to {data.get('status')}.", "success")
    claim = db().get(Claim, claim_id)
    return redirect(url_for("billing.claims_page", status=claim.status if claim else None))
