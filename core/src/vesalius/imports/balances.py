"""Importing opening balances: what each patient owed (their share and the insurer's) and
what credit they had when the clinic left the other system. A balance becomes one issued
invoice with one "opening balance" line (the patient's and the insurer's shares as the
line's split, no payer: it is never claimed again, and it is not revenue of the months
here); a credit becomes one unapplied payment (method "other"). After the import the
patient's account (:func:`vesalius.services.billing.account`) shows the same three numbers
as the file.

Idempotent per patient: the invoice and the payment carry the external ids
``opening-balance:<patient external id>`` and ``opening-credit:<...>``; a re-run with the
same amounts changes nothing, one with other amounts is refused on its row (money already
on the books is corrected by voiding or refunding it, never by overwriting)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from ..db.types import money
from ..models import Invoice, InvoiceLine, Payment
from ..services import audit
from ..services.actor import Actor
from . import rows as cells
from .presets import Preset
from .report import ImportReport
from .rows import RowError

REQUIRED = ("patient_external_id",)
#: The opening line's code, beside the billing service's DISCOUNT and PACKAGE lines.
OPENING = "OPENING"
ZERO = Decimal("0.00")
AMOUNTS = ("patient_balance", "insurer_balance", "credit")


def amount(value: str) -> Decimal:
    """A sum of money as written in a CSV: digits with at most two decimals, no sign."""
    text = value.replace(",", "").removeprefix("$").strip()
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        raise ValueError("must be an amount such as 120.50") from None
    if not parsed.is_finite() or parsed < 0:
        raise ValueError("must be an amount of zero or more")
    if parsed != parsed.quantize(Decimal("0.01")):
        raise ValueError("at most two decimals (cents)")
    return money(parsed)


def import_balances(session: Session, actor: Actor, text: str, preset: Preset, *,
                    dry_run: bool = False, date_format: str | None = None,
                    extra_map: dict[str, str] | None = None) -> ImportReport:
    actor.require("imports.run")
    table = cells.read(text, preset, "balances", REQUIRED, extra_map)
    report = ImportReport("balances", preset.name, dry_run, rows=len(table.rows),
                          ignored_columns=table.ignored)
    patient_ids = cells.patient_ids(session, [v.get("patient_external_id", "")
                                              for _, v in table.rows])
    checked: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, values in table.rows:
        data = _row(number, values, patient_ids, date_format, report.errors)
        if data is not None:
            cells.keep_first(checked, values["patient_external_id"], number, data,
                             report.errors)
    if report.errors:
        return report
    invoices: dict[str, Invoice] = cells.by_external_id(
        session, Invoice, [f"opening-balance:{k}" for k in checked])
    credits: dict[str, Payment] = cells.by_external_id(
        session, Payment, [f"opening-credit:{k}" for k in checked])
    new_invoices: list[Invoice] = []
    new_payments: list[Payment] = []
    for key, (number, data) in checked.items():
        invoice = invoices.get(f"opening-balance:{key}")
        payment = credits.get(f"opening-credit:{key}")
        owed = data["patient_balance"] + data["insurer_balance"]
        if invoice is not None:
            if (invoice.status, invoice.patient_portion, invoice.insurer_portion) != (
                    "issued", data["patient_balance"], data["insurer_balance"]):
                report.errors.append(RowError(number, "patient_balance", (
                    f"an opening balance was imported before ({invoice.number}, "
                    f"{invoice.status}, {invoice.patient_portion} + "
                    f"{invoice.insurer_portion}): void it to import another")))
        elif owed > ZERO:
            new_invoices.append(_invoice(key, data))
        if payment is not None:
            if payment.amount != data["credit"]:
                report.errors.append(RowError(number, "credit", (
                    f"an opening credit of {payment.amount} was imported before: refund it "
                    "to import another")))
        elif data["credit"] > ZERO:
            new_payments.append(Payment(
                patient_id=data["patient_id"], method="other", reference="opening credit",
                amount=data["credit"], received_on=data["as_of"],
                note="Credit carried over by an import", external_id=f"opening-credit:{key}",
                created_by=actor.user_id))
        made = (invoice is None and owed > ZERO) or (payment is None and data["credit"] > ZERO)
        if made:
            report.created += 1
        else:
            report.unchanged += 1
    if report.errors:
        return report
    session.add_all(new_invoices + new_payments)
    session.flush()
    for invoice in new_invoices:
        invoice.number = f"INV-{invoice.id:06d}"  # as issuing numbers an invoice
    audit.record_many(session, actor, "create", "invoice",
                      [(i.id, i.patient_id) for i in new_invoices],
                      detail="import: opening balance")
    audit.record_many(session, actor, "create", "payment",
                      [(p.id, p.patient_id) for p in new_payments],
                      detail="import: opening credit")
    session.flush()
    return report


def _invoice(key: str, data: dict[str, Any]) -> Invoice:
    owed = data["patient_balance"] + data["insurer_balance"]
    return Invoice(
        patient_id=data["patient_id"], status="issued", date_of_service=data["as_of"],
        issued_on=data["as_of"], total=owed, patient_portion=data["patient_balance"],
        insurer_portion=data["insurer_balance"], claim_state="none",
        external_id=f"opening-balance:{key}",
        lines=[InvoiceLine(position=0, code=OPENING,
                           description="Opening balance carried over", units=1,
                           unit_price=owed, amount=owed,
                           patient_amount=data["patient_balance"],
                           insurer_amount=data["insurer_balance"], priced=True)])


def _row(number: int, values: dict[str, str], patient_ids: dict[str, int],
         date_format: str | None, errors: list[RowError]) -> dict[str, Any] | None:
    before = len(errors)
    patient_id = cells.patient_of(number, values, patient_ids, errors)
    data: dict[str, Any] = {"patient_id": patient_id}
    for field in AMOUNTS:
        try:
            data[field] = amount(values[field]) if field in values else ZERO
        except ValueError as exc:
            errors.append(RowError(number, field, str(exc)))
    data["as_of"] = date.today()
    if "as_of" in values:
        try:
            data["as_of"] = cells.day(values["as_of"], date_format)
        except ValueError as exc:
            errors.append(RowError(number, "as_of", str(exc)))
    if len(values.get("patient_external_id", "")) > 100:
        errors.append(RowError(number, "patient_external_id", "at most 100 characters"))
    return None if len(errors) > before else data
