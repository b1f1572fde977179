"""Packages of sessions: selling one issues its invoice; a self-pay visit of a covered
service draws a session at invoicing (oldest usable package first, never an expired one,
never for an insurer's visit); voiding the visit's invoice gives the session back; two
invoices drafted at once never both take the last session. Clinic policy (as Jane's and
Cliniko's packages work), not a published rule: the amounts are the service's own price."""

from __future__ import annotations

import threading
import time as clock
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from clinic_factories import at, clinic_setup, visit_document
from pydantic import ValidationError
from sqlalchemy import func, select
from test_api import api  # noqa: F401  (the fixture)
from vesalius.errors import Conflict, Forbidden, Invalid
from vesalius.models import (
    Appointment,
    AuditEvent,
    Invoice,
    PackageDrawdown,
    PatientPackage,
)
from vesalius.services import (
    Actor,
    billing,
    cases,
    notes,
    packages,
    payers,
    practitioners,
    scheduling,
)
from vesalius.services.scheduling import BookingIn

SOLD = date(2025, 1, 6)  # a Monday in the past: visits are signed after it
DESK = Actor(user_id=None, role="front-desk")


@pytest.fixture
def clinic(db, system):  # type: ignore[no-untyped-def]
    """clinic_setup's patient, self-pay case and "Rehab follow-up" (95.00), and a product
    "5 x Rehab follow-up": 5 sessions, 400.00, 90 days."""
    with db.session() as s:
        c = clinic_setup(s, system)
        product = packages.create_product(s, system, packages.PackageProductIn(
            name="5 x Rehab follow-up", service_ids=[c["service"].id], sessions=5,
            price="400.00", validity_days=90))
        prac = c["practitioner"]
        return {"patient": c["patient"].id, "case": c["case"].id, "service": c["service"].id,
                "practitioner": prac.id, "product": product.id,
                "signer": Actor(user_id=prac.user_id, role="practitioner",
                                practitioner_id=prac.id)}


def _visit(db, system, c, day: date, hour: int = 10, procedures=None,  # type: ignore[no-untyped-def]
           case_id: int | None = None) -> int:
    """A visit of the service on ``day``, charted and signed: its invoice's id."""
    with db.session() as s:
        appt = scheduling.book(s, system, BookingIn(
            patient_id=c["patient"], practitioner_id=c["practitioner"],
            case_id=case_id or c["case"], service_id=c["service"], start=at(day, hour)))
        scheduling.set_status(s, system, appt.id, "arrived")
        note = notes.create_draft(s, c["signer"], notes.DraftIn(
            appointment_id=appt.id, template_id="rehab.visit",
            document=visit_document(procedures=procedures or [],
                                    diagnosis=["M54.50"] if procedures else None)))
        _note, invoice = notes.sign(s, c["signer"], note.id)
        return int(invoice.id)


def _sell(db, c, on: date = SOLD, product: int | None = None) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return packages.sell(s, DESK, c["patient"], packages.PackageSaleIn(
            product_id=product or c["product"], sold_on=on)).id


def _lines(s, invoice_id: int) -> list[tuple[str, str, Decimal]]:  # type: ignore[no-untyped-def]
    return [(ln.code, ln.description, ln.amount) for ln in s.get(Invoice, invoice_id).lines]


def test_sale_issues_its_invoice_and_a_visit_draws_a_session(db, system, clinic):  # type: ignore[no-untyped-def]
    package_id = _sell(db, clinic)
    with db.session() as s:
        package = s.get(PatientPackage, package_id)
        assert (package.sessions_total, package.sessions_used, package.price,
                package.expires_on) == (5, 0, Decimal("400.00"), SOLD + timedelta(days=89))
        sale = s.get(Invoice, package.invoice_id)
        assert (sale.status, sale.number, sale.total, sale.patient_portion) == (
            "issued", f"INV-{sale.id:06d}", Decimal("400.00"), Decimal("400.00"))
        assert [(ln.code, ln.description) for ln in sale.lines] == [
            ("PKG-SALE", "5 x Rehab follow-up")]
    invoice_id = _visit(db, system, clinic, SOLD + timedelta(days=7))
    with db.session() as s:
        # The visit keeps its price; the package line takes it off: the patient owes 0.
        assert _lines(s, invoice_id) == [
            (f"SVC{clinic['service']}", "Rehab follow-up", Decimal("95.00")),
            ("PACKAGE", "5 x Rehab follow-up · session 1 of 5", Decimal("-95.00"))]
        invoice = s.get(Invoice, invoice_id)
        assert (invoice.total, invoice.patient_portion) == (Decimal("0.00"), Decimal("0.00"))
        (drawdown,) = s.scalars(select(PackageDrawdown)).all()
        assert (drawdown.package_id, drawdown.invoice_id, drawdown.invoice_line_id,
                drawdown.session_number, drawdown.returned_at) == (
            package_id, invoice_id, invoice.lines[1].id, 1, None)
        assert s.get(PatientPackage, package_id).sessions_used == 1
        billing.issue(s, DESK, invoice_id)  # a zero invoice issues like any other
        actions = s.execute(select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.resource_type == "package").order_by(AuditEvent.id)).all()
        assert [a for a, _ in actions] == ["sell", "draw"]
        assert actions[1][1] == f"session 1 of 5 for invoice {invoice_id}"


def test_code_billed_visit_drawn_too_and_insured_visit_never(db, system, clinic):  # type: ignore[no-untyped-def]
    package_id = _sell(db, clinic)
    day = SOLD + timedelta(days=7)
    # A note that bills codes (default fees 45.00 x2 and 42.50): the package pays them all.
    invoice_id = _visit(db, system, clinic, day, procedures=[
        {"code": "97110", "minutes": 30}, {"code": "97140", "minutes": 15}])
    with db.session() as s:
        assert [(code, amount) for code, _d, amount in _lines(s, invoice_id)] == [
            ("97110", Decimal("90.00")), ("97140", Decimal("42.50")),
            ("PACKAGE", Decimal("-132.50"))]
        assert s.get(Invoice, invoice_id).total == Decimal("0.00")
        payer = payers.create_payer(s, system, payers.PayerIn(
            name="Acme Health", kind="commercial", payer_code="ACME01"))
        coverage = payers.add_coverage(s, system, clinic["patient"], payers.CoverageIn(
            payer_id=payer.id, member_id="ACM-1"))
        insured = cases.open_case(s, system, cases.CaseIn(
            patient_id=clinic["patient"], discipline="rehab", title="Neck",
            payer_id=payer.id, coverage_id=coverage.id))
        insured_id = insured.id
    # The insurer is billed for an insured visit: the package is not touched.
    invoice_id = _visit(db, system, clinic, day, hour=14, case_id=insured_id, procedures=[
        {"code": "97110", "minutes": 30}])
    with db.session() as s:
        assert "PACKAGE" not in [code for code, _d, _a in _lines(s, invoice_id)]
        assert s.get(Invoice, invoice_id).insurer_portion > 0
        assert s.get(PatientPackage, package_id).sessions_used == 1


def test_oldest_usable_package_first_and_expiry(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        short = packages.create_product(s, system, packages.PackageProductIn(
            name="2 x Rehab, 30 days", service_ids=[clinic["service"]], sessions=2,
            price="180.00", validity_days=30)).id
    older = _sell(db, clinic, SOLD, product=short)   # usable 6 Jan .. 4 Feb 2025
    newer = _sell(db, clinic, SOLD + timedelta(days=3))
    # Before any sale: nothing to draw on.
    early = _visit(db, system, clinic, SOLD - timedelta(days=3))
    first = _visit(db, system, clinic, SOLD + timedelta(days=7))
    # After the older one expired: the newer one pays.
    late = _visit(db, system, clinic, SOLD + timedelta(days=35))
    with db.session() as s:
        assert [c for c, _d, _a in _lines(s, early)] == [f"SVC{clinic['service']}"]
        assert _lines(s, first)[1][1] == "2 x Rehab, 30 days · session 1 of 2"
        assert _lines(s, late)[1][1] == "5 x Rehab follow-up · session 1 of 5"
        states = {b.package.id: b.state for b in packages.of_patient(
            s, DESK, clinic["patient"], today=SOLD + timedelta(days=35))}
        assert states == {older: "expired", newer: "active"}
        (usable,) = packages.usable(s, DESK, clinic["patient"], clinic["service"],
                                    today=SOLD + timedelta(days=35))
        assert packages.balance_words(usable) == (
            "4 sessions left on 5 x Rehab follow-up, expires 8 Apr 2025")  # 9 Jan + 89 days
        assert packages.usable(s, DESK, clinic["patient"], clinic["service"] + 99,
                               today=SOLD + timedelta(days=35)) == []


def test_void_or_removal_gives_the_session_back_and_used_up(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        one = packages.create_product(s, system, packages.PackageProductIn(
            name="1 x Rehab", service_ids=[clinic["service"]], sessions=1, price="90.00",
            validity_days=30)).id
    package_id = _sell(db, clinic, product=one)
    day = SOLD + timedelta(days=1)
    first = _visit(db, system, clinic, day, hour=9)
    second = _visit(db, system, clinic, day, hour=10)  # used up: the patient pays
    with db.session() as s:
        assert s.get(Invoice, second).total == Decimal("95.00")
        (balance,) = packages.of_patient(s, DESK, clinic["patient"], today=day)
        assert (balance.state, balance.sessions_left) == ("used up", 0)
        billing.void(s, DESK, first, "booked in error")
    with db.session() as s:
        assert s.get(PatientPackage, package_id).sessions_used == 0
        drawdown = s.scalar(select(PackageDrawdown))
        assert drawdown.returned_at is not None
        assert drawdown.return_reason == "invoice voided: booked in error"
    third = _visit(db, system, clinic, day, hour=14)
    with db.session() as s:
        assert _lines(s, third)[1][1] == "1 x Rehab · session 1 of 1"
        package_line = s.get(Invoice, third).lines[1].id
        with pytest.raises(Conflict):  # a package line is not edited: removed
            billing.update_line(s, DESK, third, package_line,
                                billing.LineUpdate(unit_price="1.00", reason="x"))
    with db.session() as s:
        invoice = billing.remove_line(s, DESK, third, package_line)
        assert invoice.total == Decimal("95.00")
        assert s.get(PatientPackage, package_id).sessions_used == 0
        returned = s.scalars(select(PackageDrawdown).order_by(PackageDrawdown.id)).all()[-1]
        assert (returned.invoice_line_id, returned.return_reason) == (
            None, "line taken off the draft")
    with db.session() as s:  # audit rows are written at commit
        assert s.scalars(select(AuditEvent.action).where(
            AuditEvent.resource_type == "package").order_by(AuditEvent.id)).all() == [
            "sell", "draw", "read", "return", "draw", "return"]


def test_package_line_follows_the_draft_edits(db, system, clinic):  # type: ignore[no-untyped-def]
    _sell(db, clinic)
    invoice_id = _visit(db, system, clinic, SOLD + timedelta(days=1), procedures=[
        {"code": "97110", "minutes": 30}, {"code": "97140", "minutes": 15}])
    with db.session() as s:
        lines = {ln.code: ln.id for ln in s.get(Invoice, invoice_id).lines}
        # A line taken off: the package pays what is left, the patient still owes nothing.
        invoice = billing.remove_line(s, DESK, invoice_id, lines["97140"])
        assert [(ln.code, ln.amount) for ln in invoice.lines] == [
            ("97110", Decimal("90.00")), ("PACKAGE", Decimal("-90.00"))]
        # Put back, the package pays it again: up to the visit's value when drawn.
        invoice = billing.add_line(s, DESK, invoice_id, billing.LineIn(code="97140"))
        assert (invoice.total, invoice.lines[1].amount) == (Decimal("0.00"),
                                                            Decimal("-132.50"))
        # Beyond that value, a line added is the patient's to pay.
        invoice = billing.add_line(s, DESK, invoice_id, billing.LineIn(code="97161"))
        assert (invoice.total, invoice.patient_portion) == (Decimal("110.00"),
                                                            Decimal("110.00"))
        with pytest.raises(Invalid):  # nothing is owed to the patient
            billing.add_discount(s, DESK, invoice_id, billing.DiscountIn(
                amount="150.00", reason="too much"))


def test_sale_invoice_void_and_refund(db, system, clinic):  # type: ignore[no-untyped-def]
    unused = _sell(db, clinic)
    used = _sell(db, clinic, SOLD + timedelta(days=1))
    _visit(db, system, clinic, SOLD + timedelta(days=2))  # draws from ``unused`` (older)
    with db.session() as s:
        sale_used = s.get(PatientPackage, unused).invoice_id
        sale_other = s.get(PatientPackage, used).invoice_id
    with pytest.raises(Conflict) as refused, db.session() as s:
        billing.void(s, DESK, sale_used, "sold in error")
    assert "sessions of the package" in refused.value.message
    with db.session() as s:
        billing.void(s, DESK, sale_other, "sold in error")
        assert s.get(PatientPackage, used).status == "refunded"
    with db.session() as s:
        billing.record_payment(s, DESK, billing.PaymentIn(
            patient_id=clinic["patient"], amount="400.00", method="card",
            allocations=[billing.AllocationIn(invoice_id=sale_used, amount="400.00")]))
        package = packages.refund(s, DESK, unused, packages.PackageRefundIn(reason="moving away"))
        assert (package.state(date.today()), package.refund_reason) == (
            "refunded", "moving away")
        # Paid: the sale invoice stays; the money goes back through the payment's refund.
        assert s.get(Invoice, sale_used).status == "issued"
    with pytest.raises(Conflict), db.session() as s:
        packages.refund(s, DESK, unused, packages.PackageRefundIn(reason="again"))
    later = _visit(db, system, clinic, SOLD + timedelta(days=3))
    with db.session() as s:  # a refunded package pays for nothing
        assert "PACKAGE" not in [c for c, _d, _a in _lines(s, later)]


def test_permissions_and_inputs(db, system, clinic):  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden), db.session() as s:
        packages.create_product(s, DESK, packages.PackageProductIn(
            name="x", service_ids=[clinic["service"]], sessions=1, price="1.00",
            validity_days=1))
    with pytest.raises(Forbidden), db.session() as s:
        packages.sell(s, Actor(user_id=None, role="practitioner"), clinic["patient"],
                      packages.PackageSaleIn(product_id=clinic["product"]))
    with pytest.raises(Forbidden), db.session() as s:  # another patient's packages
        packages.of_patient(s, Actor(user_id=None, role="patient",
                                     patient_id=clinic["patient"] + 1), clinic["patient"])
    with pytest.raises(ValidationError):  # money is never a float
        packages.PackageProductIn(name="x", service_ids=[1], sessions=1, price=1.5,  # type: ignore[arg-type]
                           validity_days=1)
    with pytest.raises(Invalid) as refused, db.session() as s:
        packages.create_product(s, system, packages.PackageProductIn(
            name="x", service_ids=[999999], sessions=1, price="1.00", validity_days=1))
    assert refused.value.field == "service_ids"
    with pytest.raises(Conflict) as refused, db.session() as s:
        packages.create_product(s, system, packages.PackageProductIn(
            name="5 x Rehab follow-up", service_ids=[clinic["service"]], sessions=1,
            price="1.00", validity_days=1))
    assert refused.value.field == "name"
    with db.session() as s:
        packages.update_product(s, system, clinic["product"],
                                packages.PackageProductUpdate(active=False))
    with pytest.raises(Invalid) as refused, db.session() as s:
        packages.sell(s, DESK, clinic["patient"],
                      packages.PackageSaleIn(product_id=clinic["product"]))
    assert refused.value.field == "product_id"


def test_two_invoices_at_once_take_the_last_session_once(db, system, clinic):  # type: ignore[no-untyped-def]
    """Two visits invoiced at the same moment with one session left: one is drawn, the
    other billed. On PostgreSQL the second UPDATE waits for the first transaction's row
    lock, then finds no session left; on SQLite the write lock queues them."""
    with db.session() as s:
        one = packages.create_product(s, system, packages.PackageProductIn(
            name="1 x Rehab", service_ids=[clinic["service"]], sessions=1, price="90.00",
            validity_days=30)).id
    package_id = _sell(db, clinic, product=one)
    day = SOLD + timedelta(days=1)
    with db.session() as s:
        ids = [scheduling.book(s, system, BookingIn(
            patient_id=clinic["patient"], practitioner_id=clinic["practitioner"],
            case_id=clinic["case"], service_id=clinic["service"], start=at(day, h))).id
            for h in (9, 10)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    lock = threading.Lock()

    def invoice(appointment_id: int) -> None:
        try:
            with db.session() as s:
                barrier.wait()
                drafted = billing.draft_service_invoice(
                    s, system, s.get(Appointment, appointment_id))
                clock.sleep(0.3)  # hold the transaction open: the other one must wait
                result: object = [ln.code for ln in drafted.lines]
        except Exception as exc:  # anything else is a failure of the test
            result = f"error {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=invoice, args=(i,)) for i in ids]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    svc = f"SVC{clinic['service']}"
    assert sorted(outcomes, key=len) == [[svc], [svc, "PACKAGE"]], outcomes  # type: ignore[arg-type]
    with db.session() as s:
        assert s.get(PatientPackage, package_id).sessions_used == 1
        assert s.scalar(select(func.count()).select_from(PackageDrawdown)) == 1


def test_api_products_sale_balance_and_errors(api):  # type: ignore[no-untyped-def]  # noqa: F811
    status, service = api.call("POST", "/services", json={
        "name": "Physio follow-up", "discipline": "rehab", "duration_minutes": 30,
        "price": "80.00"})
    assert status == 201
    status, body = api.call("POST", "/package-products", json={
        "name": "10 x Physio follow-up", "service_ids": [], "sessions": 10,
        "price": "700.00", "validity_days": 365})
    assert (status, body["field"]) == (422, "service_ids")
    status, body = api.call("POST", "/package-products", json={
        "name": "10 x Physio follow-up", "service_ids": [service["id"]], "sessions": 10,
        "price": 700.5, "validity_days": 365})
    assert (status, body["field"]) == (422, "price")
    status, body = api.call("POST", "/package-products", "front-desk", json={
        "name": "10 x Physio follow-up", "service_ids": [service["id"]], "sessions": 10,
        "price": "700.00", "validity_days": 365})
    assert status == 403
    status, product = api.call("POST", "/package-products", "billing", json={
        "name": "10 x Physio follow-up", "service_ids": [service["id"]], "sessions": 10,
        "price": "700.00", "validity_days": 365})
    assert status == 201 and product["price"] == "700.00"
    status, body = api.call("PATCH", f"/package-products/{product['id']}", json={
        "sessions": 0})
    assert (status, body["field"]) == (422, "sessions")
    status, patient = api.call("POST", "/patients", "front-desk", json={
        "given_name": "Ada", "family_name": "Lovelace", "birth_date": "1985-12-10"})
    assert status == 201
    status, body = api.call("POST", f"/patients/{patient['id']}/packages", "front-desk",
                            json={"product_id": 999999})
    assert (status, body["field"]) == (422, "product_id")
    status, body = api.call("POST", f"/patients/{patient['id']}/packages", "practitioner",
                            json={"product_id": product["id"]})
    assert status == 403
    status, sold = api.call("POST", f"/patients/{patient['id']}/packages", "front-desk",
                            json={"product_id": product["id"]})
    assert status == 201, sold
    assert (sold["state"], sold["sessions_left"], sold["service_ids"], sold["price"]) == (
        "active", 10, [service["id"]], "700.00")
    status, listed = api.call("GET", f"/patients/{patient['id']}/packages", "billing")
    assert status == 200 and [p["id"] for p in listed] == [sold["id"]]
    status, invoice = api.call("GET", f"/invoices/{sold['invoice_id']}", "billing")
    assert (invoice["status"], invoice["total"]) == ("issued", "700.00")
    status, body = api.call("POST", f"/packages/{sold['id']}/refund", "front-desk", json={})
    assert (status, body["field"]) == (422, "reason")
    status, refunded = api.call("POST", f"/packages/{sold['id']}/refund", "front-desk",
                                json={"reason": "changed their mind"})
    assert status == 200 and refunded["state"] == "refunded"
    status, invoice = api.call("GET", f"/invoices/{sold['invoice_id']}", "billing")
    assert invoice["status"] == "void"  # unpaid and unused: its invoice goes too
    status, drawn = api.call("GET", f"/packages/{sold['id']}/drawdowns", "front-desk")
    assert (status, drawn) == (200, [])
    status, body = api.call("GET", "/packages/999999/drawdowns", "front-desk")
    assert status == 404


def test_the_visit_day_is_the_clinics_wall_clock(db, system):  # type: ignore[no-untyped-def]
    """In Toronto, an evening visit falls on the next day in UTC: the package is judged by
    the clinic's own day, so a visit on its last evening draws, and one on the evening
    before the sale does not."""
    from clinic_factories import case, patient, practitioner, service

    with db.session() as s:
        loc = practitioners.create_location(s, system, practitioners.LocationIn(
            name="Queen St", timezone="America/Toronto"))
        prac = practitioner(s, system, location_id=loc.id, hours=(7, 22))
        pat = patient(s, system)
        svc = service(s, system)
        c = {"patient": pat.id, "case": case(s, system, pat.id).id, "service": svc.id,
             "practitioner": prac.id,
             "signer": Actor(user_id=prac.user_id, role="practitioner",
                             practitioner_id=prac.id)}
        c["product"] = packages.create_product(s, system, packages.PackageProductIn(
            name="1-day pass", service_ids=[svc.id], sessions=3, price="200.00",
            validity_days=1)).id
    tuesday = date(2025, 1, 14)
    _sell(db, c, tuesday)  # usable on Tuesday 14 January only
    zone = ZoneInfo("America/Toronto")

    def evening(day: date) -> int:  # 20:00 in Toronto: 01:00 UTC the day after
        with db.session() as s:
            appt = scheduling.book(s, system, BookingIn(
                patient_id=c["patient"], practitioner_id=c["practitioner"],
                case_id=c["case"], service_id=c["service"],
                start=datetime.combine(day, time(20), zone)))
            scheduling.set_status(s, system, appt.id, "arrived")
            note = notes.create_draft(s, c["signer"], notes.DraftIn(
                appointment_id=appt.id, template_id="rehab.visit",
                document=visit_document(procedures=[])))
            return int(notes.sign(s, c["signer"], note.id).invoice.id)

    before, last = evening(tuesday - timedelta(days=1)), evening(tuesday)
    with db.session() as s:
        assert "PACKAGE" not in [code for code, _d, _a in _lines(s, before)]
        assert _lines(s, last)[1][1] == "1-day pass · session 1 of 3"
