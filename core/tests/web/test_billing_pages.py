"""The billing clerk's pages: a draft invoice edited in place, "Make a claim" only while
something is left to claim (and its refusal said once), the claim page, the ready-to-bill
filters with bulk issue, and a payment that returns to the invoice with a receipt."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from vesalius.errors import Conflict, Invalid
from vesalius.models import Case, Claim, Invoice, Patient, Payment, Practitioner
from vesalius.services import Actor, billing, cases, claims, payers
from vesalius.web.forms import FormError, summary
from vesalius_sdk import ChargeLine

SYSTEM = Actor.system("tests")


def _flashes(html: str) -> list[str]:
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", m)).strip()
            for m in re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</', html, re.S)]


def _draft_id(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(Invoice.id).where(Invoice.status == "draft",
                                                 Invoice.note_id.is_not(None))
                        .order_by(Invoice.id.desc()))


@pytest.fixture(scope="module")
def insured_invoice(db) -> int:  # type: ignore[no-untyped-def]
    """An issued invoice of a payer's case, with an insurer share still to claim."""
    with db.session() as s:
        payer = payers.create_payer(s, SYSTEM, payers.PayerIn(
            name="Maple Mutual", payer_code="MAPLE1"))
        patient = s.scalar(select(Patient).order_by(Patient.id))
        coverage = payers.add_coverage(s, SYSTEM, patient.id, payers.CoverageIn(
            payer_id=payer.id, member_id="MM-1200", coinsurance_percent=Decimal("20")))
        case = s.scalar(select(Case).where(Case.patient_id == patient.id))
        cases.update(s, SYSTEM, case.id, cases.CaseUpdate(payer_id=payer.id,
                                                          coverage_id=coverage.id))
        invoice = billing.draft_invoice(s, SYSTEM, case=s.get(Case, case.id),
                                        lines=[ChargeLine(code="97161", units=1)],
                                        date_of_service=date.today() - timedelta(days=3),
                                        practitioner_id=s.scalar(
                                            select(Practitioner.id).where(
                                                Practitioner.npi.is_not(None))))
        billing.issue(s, SYSTEM, invoice.id)
        return invoice.id


def test_summary_says_a_refusal_once() -> None:
    # The message named its field, so the field error repeated it in brackets.
    assert summary(Conflict("nothing on this invoice is left to claim", field="invoice_id")) \
        == "nothing on this invoice is left to claim"
    assert summary(Invalid("the claim is missing data: payer.payer_code: no id",
                           field="payer.payer_code", details=[
                               {"field": "payer.payer_code", "message": "no id"},
                               {"field": "coverage", "message": "no coverage"}])) \
        == "the claim is missing data: payer.payer_code: no id (coverage: no coverage)"
    # A form refusal marks no field in a flash: its fields are listed, in words.
    assert summary(FormError({"paid_amount": "Input should be a valid decimal"})) \
        == "paid amount: Input should be a valid decimal"


def test_edit_a_draft_invoice(browser, db, kit):  # type: ignore[no-untyped-def]
    clerk = browser("billing")
    invoice_id = _draft_id(db)
    url = f"/billing/invoices/{invoice_id}"
    with kit.QueryCounter(db) as counter:
        page = clerk.get(url).get_data(as_text=True)
    assert counter.count <= 25, counter.count
    assert 'aria-label="Add a discount"' in page and "Add line" in page
    with db.session() as s:
        line = s.get(Invoice, invoice_id).lines[0]
        line_id, price = line.id, line.unit_price
    changed = clerk.post(f"{url}/lines/{line_id}", {"units": "1",
                                                    "unit_price": str(price + 5)})
    assert changed.status_code == 302
    flashes = _flashes(clerk.get(url).get_data(as_text=True))
    assert flashes == ["Not changed: say why the price differs from the fee schedule's"]
    clerk.post(f"{url}/lines/{line_id}", {"units": "2", "unit_price": str(price + 5),
                                          "reason": "longer session agreed"})
    clerk.post(f"{url}/lines", {"code": "97161", "units": "1"})
    bad = clerk.post(f"{url}/discount", {"amount": "1.5.0", "reason": "x"})
    assert bad.status_code == 302
    assert any(f.startswith("Not changed: amount:")
               for f in _flashes(clerk.get(url).get_data(as_text=True)))
    clerk.post(f"{url}/discount", {"amount": "5.00", "reason": "loyalty"})
    with db.session() as s:
        invoice = s.get(Invoice, invoice_id)
        assert [(ln.code == "97161", ln.units, ln.amount) for ln in invoice.lines][1:] == [
            (True, 1, Decimal("150.00")), (False, 1, Decimal("-5.00"))]
        assert invoice.lines[0].amount == (price + 5) * 2
        assert invoice.total == sum((ln.amount for ln in invoice.lines), Decimal("0.00"))
        added = invoice.lines[1].id
    clerk.post(f"{url}/lines/{added}/remove", {})
    with db.session() as s:
        assert [ln.code for ln in s.get(Invoice, invoice_id).lines][-1] == "DISCOUNT"
    clerk.post(f"/billing/invoices/{invoice_id}/issue", {})
    issued = clerk.get(url).get_data(as_text=True)
    assert "Add line" not in issued and "longer session agreed" in issued
    clerk.post(f"{url}/discount", {"amount": "1.00", "reason": "late"})
    assert "only a draft can be changed" in " ".join(_flashes(clerk.get(url).get_data(
        as_text=True)))


def test_make_a_claim_only_while_something_is_left(browser, db, insured_invoice):  # type: ignore[no-untyped-def]
    clerk = browser("billing")
    url = f"/billing/invoices/{insured_invoice}"
    assert "Make a claim" in clerk.get(url).get_data(as_text=True)
    made = clerk.post(f"{url}/claim", {})
    assert made.status_code == 302 and "/billing/claims/" in made.headers["Location"]
    page = clerk.get(url).get_data(as_text=True)
    assert "Make a claim" not in page and "CLM-" in page
    again = clerk.post(f"{url}/claim", {})  # a stale page's button
    flashes = _flashes(clerk.get(again.headers["Location"]).get_data(as_text=True))
    assert flashes == ["nothing on this invoice is left to claim"]


def test_claim_page_history_and_notes(browser, db, kit, insured_invoice):  # type: ignore[no-untyped-def]
    clerk = browser("billing")
    with db.session() as s:
        claim_id = s.scalar(select(Claim.id).where(Claim.invoice_id == insured_invoice)) \
            or claims.create(s, SYSTEM, insured_invoice).id
    url = f"/billing/claims/{claim_id}"
    ready = clerk.post(f"{url}/status", {"status": "ready", "back": "claim"})
    assert _flashes(clerk.get(ready.headers["Location"]).get_data(as_text=True)) == [
        "Claim moved to ready."]
    moved = clerk.post(f"{url}/status", {"status": "submitted", "back": "claim",
                                          "payer_reference": "TRN-778"})
    assert moved.headers["Location"].endswith(url)
    clerk.post(f"{url}/notes", {"text": "Phoned Maple: received, in review."})
    clerk.post(f"{url}/status", {"status": "rejected", "back": "claim", "reason": ""})
    with kit.QueryCounter(db) as counter:
        page = clerk.get(url).get_data(as_text=True)
    assert counter.count <= 25, counter.count
    assert "97161" in page and "TRN-778" in page and "Phoned Maple" in page
    assert _flashes(page)[-1] == "give the payer's reason"  # the refused rejection, once
    history = page[page.index('id="history"'):]
    assert history.index("Phoned Maple") < history.index("TRN-778")  # newest first
    assert clerk.get("/billing/claims").get_data(as_text=True).count(url) >= 1
    assert browser("front-desk").get(url).status_code == 403


def test_ready_filters_and_bulk_issue(browser, db, kit):  # type: ignore[no-untyped-def]
    desk = browser("front-desk")
    with kit.QueryCounter(db) as counter:
        page = desk.get("/billing/ready?payer=self").get_data(as_text=True)
    assert counter.count <= 25, counter.count
    ids = re.findall(r'name="invoice" value="(\d+)"', page)
    assert len(ids) >= 2
    future = (date.today() + timedelta(days=400)).isoformat()
    assert 'name="invoice"' not in desk.get(f"/billing/ready?from={future}").get_data(
        as_text=True)
    done = desk.post("/billing/ready/issue", {"invoice": ids[:2], "payer": "self"})
    assert done.status_code == 302 and "payer=self" in done.headers["Location"]
    flashes = _flashes(desk.get(done.headers["Location"]).get_data(as_text=True))
    assert flashes and flashes[0].startswith("2 invoice(s) issued")
    with db.session() as s:
        assert {s.get(Invoice, int(i)).status for i in ids[:2]} == {"issued"}
    nothing = desk.post("/billing/ready/issue", {})
    assert "Tick the invoices" in desk.get(nothing.headers["Location"]).get_data(as_text=True)


def test_payment_returns_to_the_invoice_with_a_receipt(browser, db):  # type: ignore[no-untyped-def]
    desk = browser("front-desk")
    with db.session() as s:
        invoice = s.scalar(select(Invoice).where(Invoice.status == "issued",
                                                 Invoice.payer_id.is_(None))
                           .order_by(Invoice.id.desc()))
        invoice_id, patient_id, total = invoice.id, invoice.patient_id, invoice.total
        view = billing.read_invoice(s, SYSTEM, invoice_id)
        due = view.patient_due
    assert due > 0
    paid = desk.post(f"/billing/payments/new?patient={patient_id}&invoice={invoice_id}", {
        "amount": str(due), "method": "cash", "invoice": str(invoice_id)})
    assert paid.status_code == 302
    where = paid.headers["Location"]
    assert f"/billing/invoices/{invoice_id}?receipt=" in where
    page = desk.get(where).get_data(as_text=True)
    receipt_url = re.search(r'href="(/billing/payments/\d+/receipt)"', page).group(1)
    receipt = desk.get(receipt_url).get_data(as_text=True)
    assert "Receipt" in receipt and f"{due:,.2f}" in receipt and "print-page" in receipt
    with db.session() as s:
        payment = s.scalar(select(Payment).order_by(Payment.id.desc()))
        assert payment.amount == due and total >= due
    assert browser("practitioner").get(receipt_url).status_code == 403
