"""Billing: the ready-to-bill worklist, invoices (view, issue, void, print), payments, and
the claims worklist with each claim's pre-submission checks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import Claim, Location, Payer, Practitioner, User
from ..models.billing import PAYMENT_METHODS
from ..services import billing, claims, patients, payers, reports
from ..services.common import bounded_date, parse_id
from .context import actor, db, registry, rollback
from .forms import FormError, clean, parse, service_errors, summary
from .lookups import patients_by_id
from .security import requires

bp = Blueprint("billing", __name__, url_prefix="/billing")

#: Claim statuses that wait for the clinic or the payer: the worklist's default view.
OPEN_CLAIMS = ("draft", "rejected", "ready", "submitted")


def _fail(exc: ServiceError | FormError) -> str:
    rollback()
    if isinstance(exc, ServiceError) and exc.status in (403, 404):
        raise exc
    return summary(exc)


def _ready_filters() -> dict[str, Any]:
    """The worklist's filters from the query string; unreadable values are ignored."""
    args = request.values
    payer = (args.get("payer") or "").strip()
    return {"practitioner_id": parse_id(args.get("practitioner")),
            "payer_id": parse_id(payer), "self_pay": payer == "self",
            "start": bounded_date(args.get("from")), "end": bounded_date(args.get("to"))}


@bp.route("/ready")
@requires("billing.write")
def ready() -> str:
    session, who = db(), actor()
    filters = _ready_filters()
    items = reports.ready_to_bill(session, who, **filters)
    practitioners = session.scalars(select(Practitioner).where(Practitioner.active.is_(True))
                                    .order_by(Practitioner.display_name)).all()
    payer_list = session.scalars(select(Payer).order_by(Payer.name)).all()
    return render_template("billing/ready.html", items=items, filters=filters,
                           practitioners=practitioners, payer_list=payer_list,
                           args=request.args)


@bp.route("/ready/issue", methods=["POST"])
@requires("billing.write")
def issue_many() -> Response:
    """Issue the ticked drafts; each invoice on its own (see :func:`billing.issue_many`)."""
    ids = [i for i in (parse_id(v) for v in request.form.getlist("invoice")) if i]
    if not ids:
        flash("Tick the invoices to issue.", "error")
    else:
        done = billing.issue_many(db(), actor(), ids)
        if done.issued:
            total = sum((i.total for i in done.issued), Decimal("0.00"))
            flash(f"{len(done.issued)} invoice(s) issued, {total:,.2f} in all: "
                  + ", ".join(i.number or "" for i in done.issued) + ".", "success")
        for invoice_id, reason in done.refused:
            flash(f"Draft {invoice_id} not issued: {reason}.", "error")
    back = {k: v for k, v in request.form.items() if k in ("practitioner", "payer", "from",
                                                          "to") and v}
    return redirect(url_for("billing.ready", **back))


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
    credit = billing.account(session, who, invoice.patient_id).credit \
        if template == "billing/invoice.html" and who.can("billing.write") \
        and invoice.status != "void" and view.patient_due > 0 else Decimal("0.00")
    return render_template(template, credit=credit, view=view, invoice=invoice, patient=patient,
                           practitioner=practitioner, payer=payer, claims=invoice_claims,
                           codes=codes, methods=PAYMENT_METHODS,
                           location=_location(),
                           receipt_id=parse_id(request.args.get("receipt")))


def _location() -> Any:
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


def _edit(invoice_id: int, change: Any) -> Response:
    """Apply one change to a draft invoice and come back to it (with the refusal, if any)."""
    try:
        change()
    except (FormError, ServiceError) as exc:
        flash("Not changed: " + _fail(exc), "error")
    else:
        flash("Invoice updated.", "success")
    return redirect(url_for("billing.invoice", invoice_id=invoice_id) + "#lines")


def _form(*names: str) -> dict[str, Any]:
    return {k: v for k, v in clean(request.form, names).items() if v is not None}


@bp.route("/invoices/<int:invoice_id>/lines", methods=["POST"])
@requires("billing.write")
def add_line(invoice_id: int) -> Response:
    return _edit(invoice_id, lambda: billing.add_line(db(), actor(), invoice_id, parse(
        billing.LineIn, _form("code", "units", "unit_price", "reason"))))


@bp.route("/invoices/<int:invoice_id>/lines/<int:line_id>", methods=["POST"])
@requires("billing.write")
def update_line(invoice_id: int, line_id: int) -> Response:
    return _edit(invoice_id, lambda: billing.update_line(
        db(), actor(), invoice_id, line_id,
        parse(billing.LineUpdate, _form("units", "unit_price", "reason"))))


@bp.route("/invoices/<int:invoice_id>/lines/<int:line_id>/remove", methods=["POST"])
@requires("billing.write")
def remove_line(invoice_id: int, line_id: int) -> Response:
    return _edit(invoice_id, lambda: billing.remove_line(db(), actor(), invoice_id, line_id))


@bp.route("/invoices/<int:invoice_id>/discount", methods=["POST"])
@requires("billing.write")
def add_discount(invoice_id: int) -> Response:
    return _edit(invoice_id, lambda: billing.add_discount(
        db(), actor(), invoice_id, parse(billing.DiscountIn, _form("amount", "reason"))))


@bp.route("/invoices/<int:invoice_id>/apply-credit", methods=["POST"])
@requires("billing.write")
def apply_credit(invoice_id: int) -> Response:
    try:
        applied = billing.apply_credit(db(), actor(), invoice_id)
    except ServiceError as exc:
        flash(_fail(exc), "error")
    else:
        flash(f"{applied:,.2f} paid from the patient's credit.", "success")
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
    return redirect(url_for("billing.claim_page", claim_id=claim.id))


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
            payment = billing.record_payment(session, who, parse(billing.PaymentIn, data))
        except (FormError, ServiceError) as exc:
            rollback()
            if isinstance(exc, ServiceError) and exc.status in (403, 404):
                raise
            failure = exc if isinstance(exc, FormError) else service_errors(exc)
            errors, message = failure.errors, failure.message
        else:
            flash("Payment recorded.", "success")
            paid = payment.allocations[0].invoice_id if payment.allocations else None
            if paid is None:  # all of it left as credit: the patient's account shows it
                return redirect(url_for("patients.profile", patient_id=patient.id)
                                + "#account")
            return redirect(url_for("billing.invoice", invoice_id=paid, receipt=payment.id))
    return render_template("billing/payment.html", patient=patient, open_views=open_views,
                           form=form, errors=errors, message=message, due=due,
                           methods=[m for m in PAYMENT_METHODS if m != "insurer"]), (
        422 if errors else 200)


@bp.route("/payments/<int:payment_id>/receipt")
@requires("billing.read")
def receipt(payment_id: int) -> str:
    """A printable receipt of one payment: what was paid, how, and where it went."""
    session, who = db(), actor()
    found = billing.receipt(session, who, payment_id)
    patient = patients.read(session, who, found.payment.patient_id)
    return render_template("billing/receipt.html", receipt=found, patient=patient,
                           location=_location())


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


@bp.route("/claims/<int:claim_id>")
@requires("claims.read")
def claim_page(claim_id: int) -> str:
    """One claim: its lines, what the checks still miss, its history with the payer's
    answers, notes, and the next steps."""
    session, who = db(), actor()
    claim, problems = claims.read(session, who, claim_id)
    patient = patients.read(session, who, claim.patient_id)
    invoice = billing.read_invoice(session, who, claim.invoice_id).invoice
    payer = session.get(Payer, claim.payer_id)
    user_ids = {e.user_id for e in claim.events if e.user_id}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))} \
        if user_ids else {}
    return render_template("billing/claim.html", claim=claim, problems=problems,
                           patient=patient, invoice=invoice, payer=payer, users=users,
                           transitions=claims.TRANSITIONS)


@bp.route("/claims/<int:claim_id>/notes", methods=["POST"])
@requires("claims.write")
def claim_note(claim_id: int) -> Response:
    try:
        claims.add_note(db(), actor(), claim_id, parse(claims.ClaimNoteIn, _form("text")))
    except (FormError, ServiceError) as exc:
        flash("Note not added: " + _fail(exc), "error")
    else:
        flash("Note added.", "success")
    return redirect(url_for("billing.claim_page", claim_id=claim_id) + "#history")


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
    if request.form.get("back") == "claim":
        return redirect(url_for("billing.claim_page", claim_id=claim_id))
    claim = db().get(Claim, claim_id)
    return redirect(url_for("billing.claims_page", status=claim.status if claim else None))
