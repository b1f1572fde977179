"""Coverage, Claim and Invoice as FHIR R4 (fhir.resources R4B models, then the binding and
reference-type checks the models leave out), on both engines: what each carries, money as
exact decimals in the clinic's currency, our statuses mapped to FHIR's, and a batch built
in a fixed number of queries however many rows it holds.

Element meanings: HL7 FHIR R4 (4.0.1) Coverage, Claim and Invoice resource pages; code
systems: terminology.hl7.org subscriber-relationship, coverage-class, claim-type and
processpriority; CPT as http://www.ama-assn.org/go/cpt (HL7 terminology, "CPT")."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from bulk_clinic import SYSTEM, billed_clinic
from checks import check_resource
from sqlalchemy import select
from vesalius.fhir import registry
from vesalius.fhir.registry import Ctx
from vesalius.models import Claim, Coverage, Invoice

# Every resource module first (importing one alone would leave the registry with its types).
registry.types()
from vesalius.fhir.resources import billing as fhir_billing  # noqa: E402


def _build(s, name: str, model, ids=None):  # type: ignore[no-untyped-def]
    fhir_type = {"Coverage": fhir_billing.COVERAGE, "Claim": fhir_billing.CLAIM,
                 "Invoice": fhir_billing.INVOICE}[name]
    statement = select(model).order_by(model.id)
    if ids is not None:
        statement = statement.where(model.id.in_(ids))
    rows = s.scalars(statement).all()
    built = registry.resources(Ctx(s, SYSTEM, "http://clinic.test/fhir/R4"), fhir_type, rows)
    # Every resource survives its own JSON and passes the checks the models leave out.
    return {r.id: json.loads(check_resource(r).json()) for r in built}


def test_the_types_are_registered_with_billing_permissions() -> None:
    for fhir_type, permission in ((fhir_billing.COVERAGE, "billing.read"),
                                  (fhir_billing.CLAIM, "claims.read"),
                                  (fhir_billing.INVOICE, "billing.read")):
        assert fhir_type.permission == permission and not fhir_type.clinical
        assert fhir_type.patient is not None


def test_coverage(db) -> None:  # type: ignore[no-untyped-def]
    ids = billed_clinic(db)
    with db.session() as s:
        built = _build(s, "Coverage", Coverage)
    own = built[str(ids["coverage"])]
    assert own["status"] == "active"
    assert own["beneficiary"] == own["subscriber"] == {"reference": f"Patient/{ids['ada']}"}
    assert own["subscriberId"] == "W123456789"
    assert own["relationship"]["coding"][0]["code"] == "self"
    assert own["payor"] == [{"reference": f"Organization/payer-{ids['payer']}"}]
    assert {(c["type"]["coding"][0]["code"], c["value"]) for c in own["class"]} == {
        ("group", "GRP123"), ("plan", "Acme Gold")}
    assert own["period"] == {"start": "2025-01-01"}
    child = built[str(ids["child_coverage"])]
    # A parent's policy: no RelatedPerson is served, so no subscriber reference.
    assert child["relationship"]["coding"][0]["code"] == "child" and "subscriber" not in child
    assert "class" not in child


def test_claim(db) -> None:  # type: ignore[no-untyped-def]
    ids = billed_clinic(db)
    with db.session() as s:
        (claim,) = _build(s, "Claim", Claim).values()
        row = s.get(Claim, ids["claim"])
        number, total = row.number, row.total
    assert claim["id"] == str(ids["claim"]) and claim["meta"]["lastUpdated"]
    assert claim["identifier"] == [{"value": number}]
    assert (claim["status"], claim["use"]) == ("active", "claim")
    assert claim["type"]["coding"] == [{"system": fhir_billing.CLAIM_TYPE,
                                        "code": "professional"}]
    assert claim["priority"]["coding"][0]["code"] == "normal"
    assert claim["patient"] == {"reference": f"Patient/{ids['ada']}"}
    assert claim["provider"] == {"reference": f"Practitioner/{ids['practitioner']}"}
    assert claim["insurer"] == {"reference": f"Organization/payer-{ids['payer']}"}
    assert claim["insurance"] == [{"sequence": 1, "focal": True,
                                   "coverage": {"reference": f"Coverage/{ids['coverage']}"}}]
    assert claim["diagnosis"] == [{"sequence": 1, "diagnosisCodeableConcept": {"coding": [
        {"system": fhir_billing.ICD10_CM, "code": "M54.50"}]}}]
    items = claim["item"]
    # 30 + 15 minutes: 97110 x2 and 97140 x1 (8-minute rule), at Acme's fees, less the
    # 20.00 copay the patient pays: the insurer's part is what is claimed.
    assert [(i["productOrService"]["coding"][0]["code"], i["quantity"]["value"],
             i["modifier"][0]["coding"][0]["code"], i["servicedDate"], i["diagnosisSequence"])
            for i in items] == [("97110", 2, "GP", "2025-01-13", [1]),
                                ("97140", 1, "GP", "2025-01-13", [1])]
    assert all(i["productOrService"]["coding"][0]["system"] == fhir_billing.CPT
               for i in items)
    nets = [Decimal(str(i["net"]["value"])) for i in items]
    assert sum(nets) == Decimal(str(claim["total"]["value"])) == total
    for item in items:
        assert Decimal(str(item["unitPrice"]["value"])) * item["quantity"]["value"] == \
            Decimal(str(item["net"]["value"]))
    assert {i["net"]["currency"] for i in items} == {claim["total"]["currency"]} == {"USD"}


def test_claim_without_coverage_row_finds_the_patients_policy(db) -> None:  # type: ignore[no-untyped-def]
    ids = billed_clinic(db)
    with db.session() as s:
        s.get(Claim, ids["claim"]).coverage_id = None
        s.flush()
        (claim,) = _build(s, "Claim", Claim).values()
    assert claim["insurance"][0]["coverage"] == {"reference": f"Coverage/{ids['coverage']}"}


def test_invoice_statuses_and_money(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VESALIUS_CURRENCY", "cad")
    ids = billed_clinic(db)
    with db.session() as s:
        built = _build(s, "Invoice", Invoice)
        visit = s.get(Invoice, ids["invoice"])
        portions = (visit.patient_portion, visit.insurer_portion, visit.total)
    assert {built[str(ids[k])]["status"] for k in ("invoice",)} == {"issued"}
    assert built[str(ids["paid"])]["status"] == "balanced"  # paid in full
    cancelled = built[str(ids["voided"])]
    assert cancelled["status"] == "cancelled" and cancelled["cancelledReason"] == "entered twice"
    invoice = built[str(ids["invoice"])]
    assert invoice["subject"] == invoice["recipient"] == {"reference": f"Patient/{ids['ada']}"}
    assert invoice["participant"] == [{"actor": {
        "reference": f"Practitioner/{ids['practitioner']}"}}]
    assert invoice["issuer"] == {"reference": "Organization/clinic"}
    lines = invoice["lineItem"]
    assert [(li["sequence"], li["chargeItemCodeableConcept"]["coding"][0]["code"],
             li["priceComponent"][0]["type"]) for li in lines] == [
        (1, "97110", "base"), (2, "97140", "base")]
    base = sum(Decimal(str(li["priceComponent"][0]["amount"]["value"])) for li in lines)
    assert base == Decimal(str(invoice["totalNet"]["value"])) == portions[2] == \
        Decimal(str(invoice["totalGross"]["value"]))
    assert invoice["totalNet"]["currency"] == "CAD"
    assert f"Patient portion {portions[0]} CAD" in invoice["paymentTerms"]
    assert f"insurer portion {portions[1]} CAD" in invoice["paymentTerms"]
    # A code no pack knows and not shaped like CPT is in our own code system.
    (package,) = built[str(ids["paid"])]["lineItem"]
    assert package["chargeItemCodeableConcept"]["coding"][0] == {
        "system": fhir_billing.LOCAL_CODES, "code": "PKG5", "display": "Five-visit pass"}


def test_a_bad_currency_names_the_setting(monkeypatch) -> None:
    monkeypatch.setenv("VESALIUS_CURRENCY", "dollars")
    with pytest.raises(ValueError, match="VESALIUS_CURRENCY"):
        fhir_billing.currency()


def test_a_batch_costs_the_same_queries_for_one_row_or_many(db, count_queries) -> None:  # type: ignore[no-untyped-def]
    ids = billed_clinic(db)
    with db.session() as s:
        s.get(Claim, ids["claim"]).coverage_id = None  # the policy look-up too
        s.flush()
        for name, model in (("Claim", Claim), ("Invoice", Invoice), ("Coverage", Coverage)):
            all_ids = list(s.scalars(select(model.id)))
            counts = []
            for chosen in (all_ids[:1], all_ids):
                rows = s.scalars(select(model).where(model.id.in_(chosen))).all()
                fhir_type = getattr(fhir_billing, name.upper())
                with count_queries() as counter:
                    fhir_type.build(Ctx(s, SYSTEM, "http://clinic.test/fhir/R4"), rows)
                counts.append(counter.count)
            assert counts[0] == counts[1] <= 4, (name, counts)
