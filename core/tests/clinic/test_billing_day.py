"""The billing clerk's day: editing a draft invoice (units, price override with its reason,
added codes, a discount), issuing many drafts at once, a claim's history and notes, the
ready-to-bill filters, and a payment's receipt.

The copay-then-coinsurance split these amounts follow is the one of ``test_billing.py``
(CMS, Medicare Claims Processing Manual, ch. 1 s. 30: the patient pays the copayment and
the coinsurance share of the allowed amount); a discount is the clinic's own policy and
only lowers the patient's share."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from clinic_factories import at, case, visit_document
from pydantic import ValidationError
from sqlalchemy import select
from test_api import api  # noqa: F401  (the fixture)
from test_billing import PAST, insured  # noqa: F401  (the fixture)
from vesalius.errors import Conflict, Invalid
from vesalius.models import AuditEvent, Invoice
from vesalius.services import Actor, billing, claims, notes, reports, scheduling
from vesalius.services.scheduling import BookingIn


def _amounts(invoice: Invoice) -> tuple[Decimal, Decimal, Decimal]:
    assert invoice.total == sum((ln.amount for ln in invoice.lines), Decimal("0.00"))
    assert invoice.total == invoice.patient_portion + invoice.insurer_portion
    return invoice.total, invoice.patient_portion, invoice.insurer_portion


def test_edit_a_draft_invoice_audited(db, system, insured):  # type: ignore[no-untyped-def]  # noqa: F811
    inv = insured["invoice"]
    with db.session() as s:
        lines = {ln.code: ln.id for ln in s.get(Invoice, inv).lines}
        # 97140 x2 at 48.00: copay 20 and 20% of 80 on 97110, 20% of 96 on 97140.
        invoice = billing.update_line(s, system, inv, lines["97140"],
                                      billing.LineUpdate(units=2))
        assert _amounts(invoice) == (Decimal("196.00"), Decimal("55.20"), Decimal("140.80"))
    with pytest.raises(Invalid) as refused, db.session() as s:
        billing.update_line(s, system, inv, lines["97110"],
                            billing.LineUpdate(unit_price="45.00"))
    assert refused.value.field == "reason"
    with db.session() as s:
        invoice = billing.update_line(s, system, inv, lines["97110"], billing.LineUpdate(
            unit_price="45.00", reason="agreed rate for this course"))
        line = next(ln for ln in invoice.lines if ln.code == "97110")
        assert (line.unit_price, line.amount, line.price_reason) == (
            Decimal("45.00"), Decimal("90.00"), "agreed rate for this course")
        # 97161 has no Acme fee: the code's default fee (110.00) prices it.
        invoice = billing.add_line(s, system, inv, billing.LineIn(code="97161"))
        assert [ln.code for ln in invoice.lines] == ["97110", "97140", "97161"]
        assert invoice.lines[-1].unit_price == Decimal("110.00")
        before = _amounts(invoice)
        invoice = billing.add_discount(s, system, inv, billing.DiscountIn(
            amount="10.00", reason="hardship"))
        # The discount comes off the patient's share only; the insurer is billed the same.
        assert _amounts(invoice) == (before[0] - 10, before[1] - 10, before[2])
        assert invoice.lines[-1].amount == Decimal("-10.00")
    with pytest.raises(Invalid) as refused, db.session() as s:
        billing.add_discount(s, system, inv, billing.DiscountIn(amount="500.00",
                                                                reason="too much"))
    assert refused.value.field == "amount"
    with pytest.raises(Invalid), db.session() as s:
        billing.add_line(s, system, inv, billing.LineIn(code="NOPE"))
    with pytest.raises(ValidationError):  # money is never a float
        billing.DiscountIn(amount=1.5, reason="x")  # type: ignore[arg-type]
    with db.session() as s:
        added = next(ln.id for ln in s.get(Invoice, inv).lines if ln.code == "97161")
        invoice = billing.remove_line(s, system, inv, added)
        assert [(ln.position, ln.code) for ln in invoice.lines] == [
            (0, "97110"), (1, "97140"), (2, "DISCOUNT")]
        billing.issue(s, system, inv)
    with pytest.raises(Conflict), db.session() as s:  # issued invoices never change
        billing.update_line(s, system, inv, lines["97140"], billing.LineUpdate(units=1))
    with pytest.raises(Conflict), db.session() as s:
        billing.add_discount(s, system, inv, billing.DiscountIn(amount="1.00", reason="x"))
    with db.session() as s:
        details = s.scalars(select(AuditEvent.detail).where(
            AuditEvent.resource_type == "invoice", AuditEvent.resource_id == inv,
            AuditEvent.action == "update").order_by(AuditEvent.id)).all()
        assert len(details) == 5
        assert "price 50.00 -> 45.00" in details[1] and "agreed rate" in details[1]
        assert details[3] == "discount 10.00 (hardship)"


def test_issue_many_one_invoice_at_a_time(db, system, insured):  # type: ignore[no-untyped-def]  # noqa: F811
    with db.session() as s:
        draft = s.get(Invoice, insured["invoice"])
        second = Invoice(patient_id=draft.patient_id, case_id=draft.case_id, status="draft",
                         date_of_service=PAST, payer_id=None)
        s.add(second)
        s.flush()
        billing.add_line(s, system, second.id, billing.LineIn(code="97161"))
        billing.add_line(s, system, second.id, billing.LineIn(code="97110"))
        second.lines[-1].priced = False  # a code no schedule prices blocks its invoice
        third = Invoice(patient_id=draft.patient_id, status="draft", date_of_service=PAST)
        s.add(third)
        s.flush()
        billing.add_line(s, system, third.id, billing.LineIn(code="97161"))
        ids = [insured["invoice"], second.id, third.id]
    with db.session() as s:
        done = billing.issue_many(s, system, [*ids, ids[0], 999999])
        assert [i.id for i in done.issued] == [ids[0], ids[2]]
        assert [(i, "97110" in why) for i, why in done.refused] == [
            (ids[1], True), (999999, False)]
    with db.session() as s:
        assert [s.get(Invoice, i).status for i in ids] == ["issued", "draft", "issued"]
        assert s.get(Invoice, ids[1]).number is None
        again = billing.issue_many(s, system, [ids[0]])
        assert again.issued == [] and again.refused == [(ids[0], "the invoice is issued")]


def test_claim_history_payer_answers_and_notes(db, system, insured):  # type: ignore[no-untyped-def]  # noqa: F811
    with db.session() as s:
        billing.issue(s, system, insured["invoice"])
        claim_id = claims.create(s, system, insured["invoice"]).id
        assert s.get(Invoice, insured["invoice"]).claim_state == "claimed"
    for step in (claims.ClaimStatusIn(status="ready"),
                 claims.ClaimStatusIn(status="submitted", payer_reference="TRN-1"),
                 claims.ClaimStatusIn(status="rejected", reason="member id not found")):
        with db.session() as s:
            claims.set_status(s, system, claim_id, step)
    with db.session() as s:
        claims.add_note(s, system, claim_id, claims.ClaimNoteIn(
            text="Called Acme: the member id has a new prefix."))
    with pytest.raises(ValidationError):
        claims.ClaimNoteIn(text="")
    with db.session() as s:
        claim, _ = claims.read(s, system, claim_id)
        assert [(e.kind, e.from_status, e.to_status, e.payer_reference, e.text)
                for e in claim.events] == [
            ("status", None, "draft", None, f"made from invoice INV-{insured['invoice']:06d}"),
            ("status", "draft", "ready", None, None),
            ("status", "ready", "submitted", "TRN-1", None),
            ("status", "submitted", "rejected", None, "member id not found"),
            ("note", None, None, None, "Called Acme: the member id has a new prefix."),
        ]
        assert claim.payer_reference == "TRN-1"


def test_ready_to_bill_filters(db, system, insured):  # type: ignore[no-untyped-def]  # noqa: F811
    with db.session() as s:
        c = insured["clinic"]
        prac = c["practitioner"]
        actor = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)
        day = PAST + timedelta(days=7)
        own = case(s, system, insured["patient"], title="Ankle sprain")  # self-pay case
        appt = scheduling.book(s, system, BookingIn(
            patient_id=insured["patient"], practitioner_id=prac.id, case_id=own.id,
            start=at(day, 11), end=at(day, 11, 45)))
        scheduling.set_status(s, system, appt.id, "arrived")
        note = notes.create_draft(s, actor, notes.DraftIn(
            appointment_id=appt.id, template_id="rehab.visit",
            document=visit_document(diagnosis=["S93.40"])))
        _note, self_pay = notes.sign(s, actor, note.id)
        assert self_pay is not None and self_pay.payer_id is None
    with db.session() as s:
        def ids(**filters: object) -> list[int]:
            return [i.invoice_id for i in reports.ready_to_bill(s, system, **filters)]
        both = [insured["invoice"], self_pay.id]
        assert ids() == both
        assert ids(payer_id=insured["payer"]) == [insured["invoice"]]
        assert ids(self_pay=True) == [self_pay.id]
        assert ids(start=day) == [self_pay.id]
        assert ids(end=PAST) == [insured["invoice"]]
        assert ids(start=PAST, end=day, practitioner_id=prac.id) == both
        assert ids(practitioner_id=prac.id + 1000) == []


def test_receipt_of_a_payment(db, system, insured, count_queries):  # type: ignore[no-untyped-def]  # noqa: F811
    with db.session() as s:
        payment = billing.record_payment(s, system, billing.PaymentIn(
            patient_id=insured["patient"], amount="50.00", method="card",
            allocations=[billing.AllocationIn(invoice_id=insured["invoice"],
                                              amount="45.60")]))
        payment_id = payment.id
    with db.session() as s, count_queries() as counter:
        found = billing.receipt(s, system, payment_id)
    # payment, its allocations, the invoices, their lines, what is paid, the audit row:
    # the same six whatever the number of invoices the payment paid.
    assert counter.count <= 6
    ((view, amount),) = found.applied
    assert view.invoice.id == insured["invoice"] and amount == Decimal("45.60")
    assert view.patient_due == Decimal("0.00")
    assert found.credit == Decimal("4.40")


def test_billing_api(db, api, insured):  # type: ignore[no-untyped-def]  # noqa: F811
    inv = insured["invoice"]
    status, body = api.call("POST", f"/invoices/{inv}/lines", "billing",
                            json={"code": "97161", "unit_price": 99.0})
    assert status == 422 and body["field"] == "unit_price"  # never a float
    status, body = api.call("POST", f"/invoices/{inv}/lines", "billing",
                            json={"code": "97161", "unit_price": "99.00"})
    assert status == 422 and body["field"] == "reason"
    status, body = api.call("POST", f"/invoices/{inv}/lines", "billing", json={
        "code": "97161", "unit_price": "99.00", "reason": "package rate"})
    assert status == 201 and body["lines"][-1]["price_reason"] == "package rate"
    added = body["lines"][-1]["id"]
    status, body = api.call("POST", f"/invoices/{inv}/discounts", "billing",
                            json={"amount": "4.00", "reason": "hardship"})
    assert status == 201 and body["lines"][-1]["amount"] == "-4.00"
    status, body = api.call("DELETE", f"/invoices/{inv}/lines/{added}", "billing")
    assert status == 200 and [ln["code"] for ln in body["lines"]] == [
        "97110", "97140", "DISCOUNT"]
    assert body["total"] == "144.00" and body["insurer_portion"] == "102.40"
    status, items = api.call("GET", f"/worklist?payer_id={insured['payer']}&from="
                             f"{PAST.isoformat()}&to={PAST.isoformat()}", "billing")
    assert status == 200 and [i["invoice_id"] for i in items] == [inv]
    assert api.call("GET", "/worklist?self_pay=true", "billing")[1] == []
    status, body = api.call("POST", "/invoices/issue", "billing",
                            json={"invoice_ids": [inv, 424242]})
    assert status == 200, body
    assert [i["number"] for i in body["issued"]] == [f"INV-{inv:06d}"]
    assert body["refused"] == [{"invoice_id": 424242, "message": "no such invoice"}]
    status, claim = api.call("POST", "/claims", "billing", json={"invoice_id": inv})
    status, note = api.call("POST", f"/claims/{claim['id']}/notes", "billing",
                            json={"text": "Faxed the referral."})
    assert status == 201 and note["kind"] == "note"
    assert api.call("POST", f"/claims/{claim['id']}/notes", "front-desk",
                    json={"text": "x"})[0] == 403
    status, events = api.call("GET", f"/claims/{claim['id']}/events", "billing")
    assert [(e["kind"], e["to_status"]) for e in events] == [("status", "draft"),
                                                             ("note", None)]


def test_unapplied_credit_pays_an_invoice(db, system, insured):  # type: ignore[no-untyped-def]  # noqa: F811
    inv = insured["invoice"]
    with pytest.raises(Conflict) as none, db.session() as s:
        billing.apply_credit(s, system, inv)
    assert none.value.message == "the patient has no unapplied credit"
    with db.session() as s:  # a deposit, applied to nothing yet
        deposit = billing.record_payment(s, system, billing.PaymentIn(
            patient_id=insured["patient"], amount="30.00", method="cash", allocations=[]))
        billing.refund(s, system, deposit.id, billing.RefundIn(amount="5.00", reason="x"))
        billing.record_payment(s, system, billing.PaymentIn(
            patient_id=insured["patient"], amount="40.00", method="card", allocations=[]))
    with db.session() as s:
        # 25.00 left of the deposit, then 20.60 of the card payment: the 45.60 share.
        assert billing.apply_credit(s, system, inv) == Decimal("45.60")
    with db.session() as s:
        view = billing.read_invoice(s, system, inv)
        assert view.invoice.status == "issued" and view.patient_due == Decimal("0.00")
        assert billing.account(s, system, insured["patient"]).credit == Decimal("19.40")
    with pytest.raises(Conflict), db.session() as s:
        billing.apply_credit(s, system, inv)
