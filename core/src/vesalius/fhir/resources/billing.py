"""Coverage, Claim and Invoice: a patient's insurance, what was billed to a payer, and
what was billed to the patient.

Money is ``Decimal`` throughout (FHIR ``Money`` takes it as it is; nothing here adds or
multiplies floats) in the clinic's currency, ``VESALIUS_CURRENCY`` (ISO 4217, default
``USD``: the claims follow the US 837P). Not clinical types: the front desk and billing
read them by role (``billing.read``; claims ``claims.read``), without the care-team rule.

Each builder reads what a whole batch needs in a fixed number of queries (the lines of all
the batch's claims or invoices in one, their cases' diagnoses in one, payments in one).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.claim import Claim as FhirClaim
from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from fhir.resources.R4B.invoice import Invoice as FhirInvoice
from fhir.resources.R4B.resource import Resource
from sqlalchemy import select

from ...models import Case, Claim, ClaimLine, Coverage, Invoice, InvoiceLine, Payer
from ...services.billing import InvoiceView, Paid, paid_by_invoice
from .. import registry
from ..registry import Ctx, FhirType, reference

#: Code systems of billing codes, by the ``system`` a pack's ``BillingCode`` declares.
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "urn:oid:2.16.840.1.113883.6.285"
#: Codes a pack defines for itself (``system="local"``) or that no installed pack knows
#: and do not look like CPT.
LOCAL_CODES = "urn:vesalius:billing-code"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
SUBSCRIBER_RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PROCESS_PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"

CURRENCY_ENV = "VESALIUS_CURRENCY"
_CPT_SHAPE = re.compile(r"^[0-9]{4}[0-9FTU]$")
ZERO = Decimal("0.00")


def currency() -> str:
    """The clinic's currency, ISO 4217 (``VESALIUS_CURRENCY``, default ``USD``)."""
    code = (os.environ.get(CURRENCY_ENV) or "USD").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"{CURRENCY_ENV}={code!r}: give an ISO 4217 code such as USD or CAD")
    return code


def _money(amount: Decimal, code: str) -> dict[str, Any]:
    return {"value": amount, "currency": code}


def _meta(updated: Any) -> dict[str, Any] | None:
    return {"lastUpdated": updated} if updated is not None else None


def code_system(code: str) -> str:
    """The FHIR system of a billing code: what its pack declares, else CPT for a code of
    CPT's shape (five characters, four digits first), else our own local system."""
    from ...plugins import get_registry

    known = get_registry().billing_codes.get(code)
    if known is not None:
        return {"CPT": CPT, "HCPCS": HCPCS}.get(known.system, LOCAL_CODES)
    return CPT if _CPT_SHAPE.match(code) else LOCAL_CODES


def _product(code: str, description: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": code_system(code), "code": code}
    if description:
        coding["display"] = description
    return {"coding": [coding]}


def _modifier(modifier: str) -> dict[str, Any]:
    # Therapy modifiers (GP, GO, 59...) are CPT or HCPCS Level II modifiers: both are
    # exchanged under the CPT system in US claims (CARIN Blue Button does the same).
    return {"coding": [{"system": CPT, "code": modifier}]}


# -- Coverage --------------------------------------------------------------------------------

#: Our relationship of the patient to the subscriber -> the HL7 code (837P SBR02 meanings).
RELATIONSHIPS = {"self": "self", "spouse": "spouse", "child": "child", "other": "other"}


def _coverages(ctx: Ctx, rows: Sequence[Coverage]) -> list[Resource]:
    out: list[Resource] = []
    for row in rows:
        classes = []
        if row.group_number:
            classes.append({"type": {"coding": [{"system": COVERAGE_CLASS, "code": "group"}]},
                            "value": row.group_number})
        if row.plan_name:
            classes.append({"type": {"coding": [{"system": COVERAGE_CLASS, "code": "plan"}]},
                            "value": row.plan_name})
        relation = RELATIONSHIPS.get(row.relationship_to_subscriber, "other")
        period = {k: v for k, v in (("start", row.valid_from), ("end", row.valid_to)) if v}
        out.append(FhirCoverage(
            id=str(row.id), status="active" if row.active else "cancelled",
            beneficiary=reference("Patient", row.patient_id),
            # The subscriber is a resource only when it is the patient (no RelatedPerson).
            subscriber=reference("Patient", row.patient_id) if relation == "self" else None,
            subscriberId=row.member_id,
            relationship={"coding": [{"system": SUBSCRIBER_RELATIONSHIP, "code": relation}]},
            payor=[reference("Organization", f"payer-{row.payer_id}")],
            class_fhir=classes or None, period=period or None))
    return out


COVERAGE = FhirType(
    name="Coverage", permission="billing.read", build=_coverages, model=Coverage,
    patient=Coverage.patient_id, date=Coverage.valid_from)


# -- Claim -----------------------------------------------------------------------------------

#: Our claim statuses -> FHIR Claim.status (FHIR's says whether the claim stands, not
#: where the payer is with it: that is ClaimResponse's business).
CLAIM_STATUS = {"draft": "draft"}


def _claims(ctx: Ctx, rows: Sequence[Claim]) -> list[Resource]:
    session, code = ctx.session, currency()
    ids = [row.id for row in rows]
    lines: dict[int, list[ClaimLine]] = defaultdict(list)
    for line in session.scalars(select(ClaimLine).where(ClaimLine.claim_id.in_(ids))
                                .order_by(ClaimLine.claim_id, ClaimLine.id)):
        lines[line.claim_id].append(line)
    case_ids = {row.case_id for row in rows if row.case_id is not None}
    diagnoses = dict(session.execute(select(Case.id, Case.diagnosis_codes)
                                     .where(Case.id.in_(case_ids))).all()) if case_ids else {}
    # A claim made before its coverage was recorded: the patient's policy with its payer.
    missing = {(row.patient_id, row.payer_id) for row in rows if row.coverage_id is None}
    policies: dict[tuple[int, int], int] = {}
    payer_names: dict[int, str] = {}
    if missing:
        for cov_id, patient_id, payer_id, _active in session.execute(
                select(Coverage.id, Coverage.patient_id, Coverage.payer_id, Coverage.active)
                .where(Coverage.patient_id.in_({p for p, _ in missing}))
                .order_by(Coverage.active, Coverage.id)):  # active last: it wins
            policies[(patient_id, payer_id)] = cov_id
        payer_names = dict(session.execute(select(Payer.id, Payer.name).where(
            Payer.id.in_({payer for _, payer in missing}))).all())
    out: list[Resource] = []
    for row in rows:
        codes = list(diagnoses.get(row.case_id, []) or [])
        coverage_id = row.coverage_id or policies.get((row.patient_id, row.payer_id))
        coverage = (reference("Coverage", coverage_id) if coverage_id is not None
                    else {"display": payer_names.get(row.payer_id, "insurer")})
        items = []
        for n, line in enumerate(lines[row.id], start=1):
            unit = (line.amount / line.units).quantize(Decimal("0.01")) if line.units else None
            pointers = [p for p in line.diagnosis_pointers if 1 <= p <= len(codes)]
            items.append({
                "sequence": n, "productOrService": _product(line.code),
                "modifier": [_modifier(m) for m in line.modifiers] or None,
                "servicedDate": line.date_of_service, "quantity": {"value": line.units},
                "unitPrice": _money(unit, code) if unit is not None else None,
                "net": _money(line.amount, code), "diagnosisSequence": pointers or None})
        out.append(FhirClaim(
            id=str(row.id), meta=_meta(row.updated_at),
            identifier=[{"value": row.number}] if row.number else None,
            status=CLAIM_STATUS.get(row.status, "active"),
            type={"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
            use="claim", patient=reference("Patient", row.patient_id), created=row.created_at,
            provider=(reference("Practitioner", row.practitioner_id)
                      if row.practitioner_id is not None else reference("Organization", "clinic")),
            insurer=reference("Organization", f"payer-{row.payer_id}"),
            priority={"coding": [{"system": PROCESS_PRIORITY, "code": "normal"}]},
            insurance=[{"sequence": 1, "focal": True, "coverage": coverage}],
            diagnosis=[{"sequence": n, "diagnosisCodeableConcept": {
                "coding": [{"system": ICD10_CM, "code": c}]}}
                for n, c in enumerate(codes, start=1)] or None,
            item=items or None, total=_money(row.total, code)))
    return out


CLAIM = FhirType(
    name="Claim", permission="claims.read", build=_claims, model=Claim,
    patient=Claim.patient_id, date=Claim.created_at, updated=Claim.updated_at)


# -- Invoice ---------------------------------------------------------------------------------


def invoice_status(view: InvoiceView) -> str:
    """Ours -> FHIR: a void invoice is ``cancelled``; an issued one with nothing left to
    pay (patient's and insurer's portions) is ``balanced``."""
    status = view.invoice.status
    if status == "void":
        return "cancelled"
    if status == "issued":
        return "balanced" if view.balance <= ZERO else "issued"
    return "draft"


def _terms(view: InvoiceView, code: str) -> str:
    invoice = view.invoice
    if invoice.status != "issued":
        return ""
    return (f"Patient portion {invoice.patient_portion} {code} "
            f"(due {view.patient_due} {code}); insurer portion {invoice.insurer_portion} "
            f"{code} (due {view.insurer_due} {code}).")


def _invoices(ctx: Ctx, rows: Sequence[Invoice]) -> list[Resource]:
    session, code = ctx.session, currency()
    ids = [row.id for row in rows]
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    for line in session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id.in_(ids))
                                .order_by(InvoiceLine.invoice_id, InvoiceLine.position,
                                          InvoiceLine.id)):
        lines[line.invoice_id].append(line)
    paid = paid_by_invoice(session, ids)
    out: list[Resource] = []
    for row in rows:
        view = InvoiceView(row, paid.get(row.id, Paid(ZERO, ZERO)))
        status = invoice_status(view)
        items = [{
            "sequence": n, "chargeItemCodeableConcept": _product(line.code, line.description),
            # The line's amount (units x unit price, after any discount) as its base.
            "priceComponent": [{"type": "base", "amount": _money(line.amount, code)}]}
            for n, line in enumerate(lines[row.id], start=1)]
        out.append(FhirInvoice(
            id=str(row.id), meta=_meta(row.updated_at),
            identifier=[{"value": row.number}] if row.number else None,
            status=status, cancelledReason=row.void_reason if status == "cancelled" else None,
            subject=reference("Patient", row.patient_id),
            recipient=reference("Patient", row.patient_id),
            date=row.issued_on or row.date_of_service,
            participant=[{"actor": reference("Practitioner", row.practitioner_id)}]
            if row.practitioner_id is not None else None,
            issuer=reference("Organization", "clinic"),
            lineItem=items or None, totalNet=_money(row.total, code),
            totalGross=_money(row.total, code), paymentTerms=_terms(view, code) or None))
    return out


INVOICE = FhirType(
    name="Invoice", permission="billing.read", build=_invoices, model=Invoice,
    patient=Invoice.patient_id, date=Invoice.date_of_service, updated=Invoice.updated_at)

registry.register(COVERAGE, CLAIM, INVOICE)
