"""A billed clinic for the billing-resource and bulk-export tests, made through the services
as a clinic makes it: a payer, two insured patients, a signed visit whose invoice is issued
and claimed, a second invoice paid in full, a third voided."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from clinic_factories import at, case, clinic_setup, patient, visit_document
from vesalius.db import Database
from vesalius.services import Actor, billing, cases, claims, notes, payers, scheduling
from vesalius.services.scheduling import BookingIn

PAST = date(2025, 1, 13)
SYSTEM = Actor.system("tests")


def billed_clinic(db: Database) -> dict[str, int]:
    with db.session() as s:
        c = clinic_setup(s, SYSTEM)
        prac = c["practitioner"]
        payer = payers.create_payer(s, SYSTEM, payers.PayerIn(
            name="Acme Health", kind="commercial", payer_code="ACME01", modifiers=["GP"]))
        payers.create_fee_schedule(s, SYSTEM, payers.FeeScheduleIn(
            name="Acme 2025", payer_id=payer.id, fees=[
                payers.FeeIn(code="97110", amount=Decimal("50.00")),
                payers.FeeIn(code="97140", amount=Decimal("48.00"))]))
        ada = c["patient"]
        ada.sex, ada.address_line1 = "female", "456 Oak St"
        ada.city, ada.region, ada.postal_code = "Springfield", "IL", "62701"
        coverage = payers.add_coverage(s, SYSTEM, ada.id, payers.CoverageIn(
            payer_id=payer.id, member_id="W123456789", group_number="GRP123",
            plan_name="Acme Gold", copay=Decimal("20.00"), valid_from=date(2025, 1, 1)))
        cases.update(s, SYSTEM, c["case"].id, cases.CaseUpdate(
            payer_id=payer.id, coverage_id=coverage.id))
        appt = scheduling.book(s, SYSTEM, BookingIn(
            patient_id=ada.id, practitioner_id=prac.id, case_id=c["case"].id,
            start=at(PAST, 10), end=at(PAST, 10, 45)))
        scheduling.set_status(s, SYSTEM, appt.id, "arrived")
        me = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)
        note = notes.create_draft(s, me, notes.DraftIn(
            appointment_id=appt.id, template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"], procedures=[
                {"code": "97110", "minutes": 30}, {"code": "97140", "minutes": 15}])))
        _note, invoice = notes.sign(s, me, note.id)
        claim = claims.create(s, SYSTEM, invoice.id)
        claims.set_status(s, SYSTEM, claim.id, claims.ClaimStatusIn(status="ready"))

        grace = patient(s, SYSTEM, given="Grace", family="Hopper")
        child = payers.add_coverage(s, SYSTEM, grace.id, payers.CoverageIn(
            payer_id=payer.id, member_id="H-77", relationship_to_subscriber="child",
            subscriber_name="Someone Hopper"))
        grace_case = case(s, SYSTEM, grace.id, title="Ankle sprain", diagnosis_codes=[])
        paid = billing.draft_patient_invoice(
            s, SYSTEM, patient_id=grace.id, code="PKG5", description="Five-visit pass",
            amount=Decimal("300.00"), on=PAST)
        billing.issue(s, SYSTEM, paid.id, on=PAST)
        billing.record_payment(s, SYSTEM, billing.PaymentIn(
            patient_id=grace.id, amount=paid.total, method="card",
            allocations=[billing.AllocationIn(invoice_id=paid.id, amount=paid.total)]))
        voided = billing.draft_patient_invoice(
            s, SYSTEM, patient_id=grace.id, code="97140", description="Manual therapy",
            amount=Decimal("48.00"), on=PAST)
        billing.issue(s, SYSTEM, voided.id, on=PAST)
        billing.void(s, SYSTEM, voided.id, "entered twice")
        s.commit()
        return {"ada": ada.id, "grace": grace.id, "payer": payer.id, "coverage": coverage.id,
                "child_coverage": child.id, "claim": claim.id, "invoice": invoice.id,
                "paid": paid.id, "voided": voided.id, "practitioner": prac.id,
                "case": c["case"].id, "grace_case": grace_case.id}
