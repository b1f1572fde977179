"""A billed clinic for the billing-resource and bulk-export tests, made through the services
as a clinic makes it: a payer, two insured patients, a signed visit whose invoice is issued
and claimed, a second invoice paid in full, a third voided."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from clinic_factories import case, clinic_setup, insured_visit, patient
from vesalius.db import Database
from vesalius.models import Case
from vesalius.services import Actor, billing, claims, payers

PAST = date(2025, 1, 13)
SYSTEM = Actor.system("tests")


def billed_clinic(db: Database) -> dict[str, int]:
    with db.session() as s:
        c = clinic_setup(s, SYSTEM)
        made = insured_visit(s, SYSTEM, c, day=PAST, coverage={
            "member_id": "W123456789", "group_number": "GRP123", "plan_name": "Acme Gold",
            "copay": Decimal("20.00"), "valid_from": date(2025, 1, 1)}, address={
            "address_line1": "456 Oak St", "city": "Springfield", "region": "IL",
            "postal_code": "62701"})
        claim = claims.create(s, SYSTEM, made["invoice"])
        claims.set_status(s, SYSTEM, claim.id, claims.ClaimStatusIn(status="ready"))

        grace = patient(s, SYSTEM, given="Grace", family="Hopper")
        child = payers.add_coverage(s, SYSTEM, grace.id, payers.CoverageIn(
            payer_id=made["payer"], member_id="H-77", relationship_to_subscriber="child",
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
        coverage = s.get(Case, made["case"]).coverage_id
        s.commit()
        return {"ada": made["patient"], "grace": grace.id, "payer": made["payer"],
                "coverage": coverage, "child_coverage": child.id, "claim": claim.id,
                "invoice": made["invoice"], "paid": paid.id, "voided": voided.id,
                "practitioner": made["practitioner"], "case": made["case"],
                "grace_case": grace_case.id}
