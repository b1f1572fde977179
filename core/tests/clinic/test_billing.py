"""Billing: fee schedules, insurer/patient split, exact money, payments, refunds, balances,
claims and their checks, the ready-to-bill worklist, revenue per practitioner."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from clinic_factories import MONDAY, at, clinic_setup, insured_visit
from pydantic import ValidationError
from sqlalchemy import select
from vesalius.db.types import money
from vesalius.errors import Conflict, Invalid
from vesalius.models import Invoice, Patient, Payer
from vesalius.services import (
    Actor,
    billing,
    cases,
    claims,
    reports,
    scheduling,
)
from vesalius.services.billing import split_line
from vesalius.services.scheduling import BookingIn

PAST = date(2025, 1, 13)  # a Monday in the past, so claims may be submitted


@pytest.fixture
def insured(db, system):  # type: ignore[no-untyped-def]
    """A payer with a fee schedule, a covered patient, an insured case, and a signed visit."""
    with db.session() as s:
        c = clinic_setup(s, system)
        made = insured_visit(s, system, c, day=PAST, coverage={
            "member_id": "ACM-778899", "copay": Decimal("20.00"),
            "coinsurance_percent": Decimal("20")}, address={
            "address_line1": "12 Analytical Row", "city": "London", "postal_code": "N1 7AA"})
        return {**made, "clinic": c}


def test_split_line_exact_decimal_arithmetic() -> None:
    assert split_line(Decimal("50.00"), Decimal("20.00"), Decimal("20")) == (
        Decimal("26.00"), Decimal("24.00"), Decimal("0.00"))
    # Half-up at the cent: 20% of 61.73 = 12.346 -> 12.35.
    assert split_line(Decimal("61.73"), Decimal("0.00"), Decimal("20")) == (
        Decimal("12.35"), Decimal("49.38"), Decimal("0.00"))
    assert money("33.335") == Decimal("33.34")
    assert sum([money("0.10")] * 3, Decimal("0.00")) == Decimal("0.30")
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        billing.PaymentIn(patient_id=1, amount=10.5, method="cash")  # type: ignore[arg-type]


def test_invoice_priced_from_payer_schedule_and_split(db, insured):  # type: ignore[no-untyped-def]
    with db.session() as s:
        invoice = s.get(Invoice, insured["invoice"])
        assert [(ln.code, ln.units, ln.modifiers, str(ln.unit_price), str(ln.amount),
                 str(ln.patient_amount), str(ln.insurer_amount)) for ln in invoice.lines] == [
            ("97110", 2, ["GP"], "50.00", "100.00", "36.00", "64.00"),
            ("97140", 1, ["GP"], "48.00", "48.00", "9.60", "38.40"),
        ]
        assert (invoice.total, invoice.patient_portion, invoice.insurer_portion) == (
            Decimal("148.00"), Decimal("45.60"), Decimal("102.40"))
        assert invoice.payer_id == insured["payer"]


def test_payment_claim_lifecycle_to_zero_balance(db, system, insured):  # type: ignore[no-untyped-def]
    desk = Actor(user_id=None, role="system")
    with db.session() as s:
        payment = billing.record_payment(s, desk, billing.PaymentIn(
            patient_id=insured["patient"], amount=Decimal("45.60"), method="card",
            reference="visa 4242"))
        assert [(a.portion, a.amount) for a in payment.allocations] == [
            ("patient", Decimal("45.60"))]
    with db.session() as s:
        assert s.get(Invoice, insured["invoice"]).status == "issued"  # paid -> issued
        acct = billing.account(s, desk, insured["patient"])
        assert (acct.patient_balance, acct.insurer_balance, acct.credit) == (
            Decimal("0.00"), Decimal("102.40"), Decimal("0.00"))
        claim = claims.create(s, system, insured["invoice"])
        claim_id = claim.id
        assert claim.total == Decimal("102.40") and len(claim.lines) == 2
    with pytest.raises(Conflict), db.session() as s:  # nothing left to claim
        claims.create(s, system, insured["invoice"])
    with pytest.raises(Conflict), db.session() as s:
        claims.set_status(s, system, claim_id, claims.ClaimStatusIn(status="submitted"))
    for status in ("ready", "submitted", "accepted"):
        with db.session() as s:
            claims.set_status(s, system, claim_id, claims.ClaimStatusIn(status=status))
    with db.session() as s:
        claims.set_status(s, system, claim_id, claims.ClaimStatusIn(
            status="paid", payer_reference="ERA-5531"))
    with db.session() as s:
        acct = billing.account(s, desk, insured["patient"])
        assert acct.balance == Decimal("0.00") and acct.paid_by_insurer == Decimal("102.40")
        (view,) = billing.list_invoices(s, desk, case_id=insured["case"])
        assert view.balance == Decimal("0.00")


def test_claim_checks_say_what_is_missing(db, system, insured):  # type: ignore[no-untyped-def]
    with db.session() as s:
        s.get(Payer, insured["payer"]).payer_code = None
        patient = s.get(Patient, insured["patient"])
        patient.birth_date = None
        cases.update(s, system, insured["case"], cases.CaseUpdate(diagnosis_codes=[]))
        claim = claims.create(s, system, insured["invoice"])
        claim_id = claim.id
        problems = {p.field for p in claims.check(s, claim)}
    assert {"payer.payer_code", "patient.birth_date", "case.diagnosis_codes"} <= problems
    with pytest.raises(Invalid) as caught, db.session() as s:
        claims.set_status(s, system, claim_id, claims.ClaimStatusIn(status="ready"))
    assert "payer id" in caught.value.message and len(caught.value.details) == 3
    with db.session() as s:
        assert claims.read(s, system, claim_id)[0].status == "draft"


def test_denied_claim_moves_the_share_to_the_patient(db, system, insured):  # type: ignore[no-untyped-def]
    with db.session() as s:
        claim_id = claims.create(s, system, insured["invoice"]).id
        for status in ("ready", "submitted", "accepted"):
            claims.set_status(s, system, claim_id, claims.ClaimStatusIn(status=status))
        claims.set_status(s, system, claim_id, claims.ClaimStatusIn(
            status="denied", reason="not medically necessary"))
    with db.session() as s:
        acct = billing.account(s, system, insured["patient"])
        assert (acct.patient_balance, acct.insurer_balance) == (Decimal("148.00"),
                                                                Decimal("0.00"))


def test_overpayment_credit_and_refund(db, system, insured):  # type: ignore[no-untyped-def]
    with db.session() as s:
        payment = billing.record_payment(s, system, billing.PaymentIn(
            patient_id=insured["patient"], amount=Decimal("60.00"), method="cash"))
        pid = payment.id
    with db.session() as s:
        acct = billing.account(s, system, insured["patient"])
        assert acct.credit == Decimal("14.40") and acct.patient_balance == Decimal("0.00")
    with pytest.raises(Invalid), db.session() as s:
        billing.refund(s, system, pid, billing.RefundIn(amount=Decimal("60.01"), reason="x"))
    with db.session() as s:
        billing.refund(s, system, pid, billing.RefundIn(amount=Decimal("20.00"),
                                                         reason="overpaid"))
    with db.session() as s:
        acct = billing.account(s, system, insured["patient"])
        # 14.40 credit went back, and 5.60 was taken back from the invoice.
        assert acct.credit == Decimal("0.00") and acct.patient_balance == Decimal("5.60")


def test_unpriced_code_blocks_issue_until_priced(db, system, insured):  # type: ignore[no-untyped-def]
    from vesalius.models import Case
    from vesalius_sdk import ChargeLine
    with db.session() as s:
        case = s.get(Case, insured["case"])
        case.payer_id, case.coverage_id = None, None
        s.flush()
        import vesalius.plugins as host
        codes = dict(host.get_registry().billing_codes)
        assert "97161" in codes
        invoice = billing.draft_invoice(s, system, case=case, lines=[
            ChargeLine(code="97161", units=1), ChargeLine(code="97110", units=3)],
            date_of_service=PAST)
        assert [ln.priced for ln in invoice.lines] == [True, True]
        assert invoice.total == Decimal("245.00")  # 110.00 + 3 x 45.00, self-pay
        assert invoice.patient_portion == invoice.total
        invoice_id, line_id = invoice.id, invoice.lines[0].id
        from vesalius.models import InvoiceLine
        s.get(InvoiceLine, line_id).priced = False
    with pytest.raises(Conflict), db.session() as s:
        billing.issue(s, system, invoice_id)
    with db.session() as s:
        billing.update_line(s, system, invoice_id, line_id,
                            billing.LineUpdate(unit_price=Decimal("99.99")))
        issued = billing.issue(s, system, invoice_id)
        assert issued.number == f"INV-{invoice_id:06d}" and issued.total == Decimal("234.99")


def test_ready_to_bill_worklist(db, system, insured, count_queries):  # type: ignore[no-untyped-def]
    with db.session() as s:
        items = reports.ready_to_bill(s, system)
        assert [(i.invoice_id, i.action) for i in items] == [(insured["invoice"],
                                                             "issue-invoice")]
        billing.issue(s, system, insured["invoice"])
    with db.session() as s:
        items = reports.ready_to_bill(s, system)
        assert [i.action for i in items] == ["make-claim"]
        claims.create(s, system, insured["invoice"])
    with db.session() as s, count_queries() as counter:
        assert reports.ready_to_bill(s, system) == []
    assert counter.count == 2


def test_late_cancel_fee_invoice(db, system):  # type: ignore[no-untyped-def]
    from clinic_factories import service
    with db.session() as s:
        c = clinic_setup(s, system)
        svc = service(s, system, "Rehab with fee")
        svc.late_cancel_fee = Decimal("40.00")
        appt = scheduling.book(s, system, BookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            start=at(MONDAY, 10), service_id=svc.id))
        scheduling.set_status(s, system, appt.id, "no-show")
        invoice = s.scalar(select(Invoice).where(Invoice.appointment_id == appt.id))
        assert invoice.total == Decimal("40.00") and invoice.lines[0].description == \
            "No-show fee"


def test_revenue_by_practitioner_per_month(db, system, insured, count_queries):  # type: ignore[no-untyped-def]
    with db.session() as s:
        billing.issue(s, system, insured["invoice"])
    with db.session() as s, count_queries() as counter:
        rows = reports.revenue_by_practitioner(s, system, date(2025, 1, 1), date(2026, 1, 1))
    assert [(r.month, r.invoiced, r.visits) for r in rows] == [("2025-01", Decimal("148.00"),
                                                                1)]
    assert counter.count == 1  # the monthly totals kept as invoices are issued
    with db.session() as s:
        billing.void(s, system, insured["invoice"], "issued to the wrong payer")
    with db.session() as s:
        assert reports.revenue_by_practitioner(s, system, date(2025, 1, 1),
                                               date(2026, 1, 1)) == []
    with db.session() as s:
        timeline = reports.case_timeline(s, system, insured["case"])
        assert [e.kind for e in timeline] == ["appointment", "note", "measure", "invoice"]
        assert timeline[0].at == PAST and timeline[-1].at == PAST + timedelta(days=0)


def test_invoice_list_shows_the_newest_window_oldest_first(db, system, insured) -> None:
    with db.session() as s:
        for days in (10, 20, 30):  # older visits' invoices, added after the signed one
            s.add(Invoice(patient_id=insured["patient"], case_id=insured["case"],
                          date_of_service=PAST - timedelta(days=days)))
    with db.session() as s:
        views = billing.list_invoices(s, system, patient_id=insured["patient"], limit=2)
        dates = [v.invoice.date_of_service for v in views]
    assert dates == [PAST - timedelta(days=10), PAST]
