"""The billing clerk's day in Chromium: edit a draft invoice (units with a price reason, a
discount), issue drafts in bulk from the filtered ready-to-bill list, work a claim on its own
page (a note in its history), take a payment and land back on the invoice with a receipt to
print. Every page fits the window at 1440x900 and 1024x768."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.browser

BILLING = ("billing@demo.vesalius.test", "vesalius-demo-2026")
SIZES = [(1440, 900), (1024, 768)]


def _fits(page: Any, problems: list[str], what: str) -> None:
    wider = int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
    if wider > 1:
        problems.append(f"{what}: {wider} px wider than the window")


def _insured_claim(app: Any) -> int:
    """A claim of a payer's case (the demo clinic is self-pay), made through the services."""
    from sqlalchemy import select
    from vesalius.models import Case, Payer, Practitioner
    from vesalius.services import Actor, billing, cases, claims, payers
    from vesalius_sdk import ChargeLine

    system = Actor.system("tests")
    with app.extensions["vesalius.db"].session() as s:
        payer = s.scalar(select(Payer).where(Payer.name == "Lakeshore Benefits")) or \
            payers.create_payer(s, system, payers.PayerIn(name="Lakeshore Benefits",
                                                          payer_code="LKS01"))
        case = s.scalar(select(Case).where(Case.payer_id.is_(None)).order_by(Case.id.desc()))
        coverage = payers.add_coverage(s, system, case.patient_id, payers.CoverageIn(
            payer_id=payer.id, member_id="LB-4410", coinsurance_percent=Decimal("20")))
        cases.update(s, system, case.id, cases.CaseUpdate(payer_id=payer.id,
                                                          coverage_id=coverage.id))
        invoice = billing.draft_invoice(
            s, system, case=s.get(Case, case.id), lines=[ChargeLine(code="97161", units=1)],
            date_of_service=date.today() - timedelta(days=2),
            practitioner_id=s.scalar(select(Practitioner.id).order_by(Practitioner.id)))
        return claims.create(s, system, invoice.id).id


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_billing_clerk_day(page_as, live_app, shot, size):
    app, base = live_app
    problems: list[str] = []
    page = page_as(*BILLING, width=size[0], height=size[1])
    tag = f"billing-{size[0]}"

    # Ready to bill, self-pay only: pick the first draft and edit it.
    page.goto(f"{base}/billing/ready?payer=self")
    _fits(page, problems, "ready to bill")
    shot(page, f"{tag}-ready")
    boxes = page.locator("input[type=checkbox][name=invoice]")
    assert boxes.count() >= 3
    first = boxes.nth(0).get_attribute("value")
    page.goto(f"{base}/billing/invoices/{first}")
    row = page.locator("table.invoice-edit tbody tr").first
    row.locator("input[name=units]").fill("2")
    price = row.locator("input[name=unit_price]")
    price.fill(str(Decimal(price.input_value()) + 10))
    row.locator("input[name=reason]").fill("double session agreed")
    row.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Invoice updated." in page.locator(".flash").first.inner_text()
    page.fill("#disc-amount", "5.00")
    page.fill("#disc-reason", "loyalty")
    page.get_by_role("button", name="Add discount").click()
    page.wait_for_load_state()
    assert page.locator("tr[data-line=DISCOUNT]").count() == 1
    assert page.locator("tr[data-line=DISCOUNT]").inner_text().count("-5.00") == 2
    _fits(page, problems, "draft invoice")
    shot(page, f"{tag}-draft")

    # Bulk issue: the edited draft and the next one, nothing else.
    page.goto(f"{base}/billing/ready?payer=self")
    boxes = page.locator("input[type=checkbox][name=invoice]")
    chosen = [boxes.nth(i).get_attribute("value") for i in range(2)]
    assert chosen[0] == first
    for i in range(2, boxes.count()):
        boxes.nth(i).uncheck()
    page.get_by_role("button", name=re.compile("Issue the ticked invoices")).click()
    page.wait_for_load_state()
    assert page.locator(".flash").first.inner_text().startswith("2 invoice(s) issued")
    assert page.locator(f"input[name=invoice][value='{first}']").count() == 0
    assert "payer=self" in page.url

    # A claim on its own page: lines, history, a note.
    claim_id = _insured_claim(app)
    page.goto(f"{base}/billing/claims/{claim_id}")
    page.fill("#claim-note", "Phoned Lakeshore: claim received.")
    page.get_by_role("button", name="Add note").click()
    page.wait_for_load_state()
    history = page.locator("#history").inner_text()
    assert "Phoned Lakeshore: claim received." in history and "Draft" in history
    assert "97161" in page.locator("table").first.inner_text()
    _fits(page, problems, "claim page")
    shot(page, f"{tag}-claim")

    # Payment of the edited invoice: back to the invoice, then its receipt.
    page.goto(f"{base}/billing/invoices/{first}")
    page.get_by_role("button", name="Take payment").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Record payment").click()
    page.wait_for_load_state()
    assert f"/billing/invoices/{first}" in page.url
    page.get_by_role("button", name="Print the receipt").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Receipt"
    assert "double session agreed" not in page.content()  # a receipt, not the invoice
    page.emulate_media(media="print")
    assert not page.locator("p.no-print").is_visible()
    page.emulate_media(media="screen")
    _fits(page, problems, "receipt")
    shot(page, f"{tag}-receipt")
    assert not page.errors, page.errors
    assert not problems, "\n".join(problems)
