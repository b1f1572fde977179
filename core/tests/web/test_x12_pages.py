"""The X12 pages of the billing area (issue 16, part 2's web side): the clinic's X12 details
(the owner saves, billing reads), a payer's ready claims downloaded as one 837P that pyx12
passes (the claims become submitted) or refused naming the claim and field, an 835
uploaded and posted (a second upload changes nothing), its unmatched answers in the
worklist until resolved; billing and owner only (CSRF: test_security checks every form)."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from sqlalchemy import select, update
from vesalius.models import Claim, Patient, Practitioner
from vesalius.models.x12 import RemittanceClaim
from vesalius.x12.validate import validate

_SPEC = importlib.util.spec_from_file_location(
    "clinic_x12", Path(__file__).parents[1] / "clinic" / "clinic_x12.py")
assert _SPEC and _SPEC.loader
clinic_x12 = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(clinic_x12)

DETAILS = {"organisation_name": "Harbour Physio", "npi": "1234567893", "tax_id": "123456789",
           "taxonomy_code": "225100000X", "address_line1": "123 Main St",
           "city": "Springfield", "state": "IL", "postal_code": "62701-1234",
           "submitter_id": "SUBM001", "contact_name": "Billing Office",
           "contact_phone": "5555551234", "receiver_name": "Acme Clearinghouse",
           "receiver_id": "RECV001", "test_mode": "1"}


def test_details_owner_saves_billing_reads(browser):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    page = owner.get("/billing/x12/settings").get_data(as_text=True)
    assert 'name="npi"' in page and "<fieldset disabled" not in page
    bad = owner.post("/billing/x12/settings", {**DETAILS, "npi": "1234567890",
                                               "postal_code": "62701"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="npi-error"' in html and 'id="postal_code-error"' in html
    saved = owner.post("/billing/x12/settings", DETAILS)
    assert saved.status_code == 302
    billing = browser("billing")
    page = billing.get("/billing/x12/settings").get_data(as_text=True)
    assert 'value="SUBM001"' in page and "<fieldset disabled" in page
    assert "Only the owner changes them" in page
    assert billing.post("/billing/x12/settings", DETAILS).status_code == 403


@pytest.mark.parametrize("role", ["front-desk", "practitioner"])
def test_other_roles_are_refused(browser, role):  # type: ignore[no-untyped-def]
    someone = browser(role)
    for path in ("/billing/x12/", "/billing/x12/worklist", "/billing/x12/settings"):
        assert someone.get(path).status_code == 403, path


def _ready_claim(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """One of the demo's submitted claims set back to ready, its patient's address and
    practitioner's NPI filled in as an 837P needs them."""
    with db.session() as s:
        claim = s.scalars(select(Claim).where(Claim.status == "submitted")
                          .order_by(Claim.id)).first()
        assert claim is not None
        s.execute(update(Claim).where(Claim.payer_id == claim.payer_id,
                                      Claim.status == "ready").values(status="draft"))
        claim.status = "ready"
        patient = s.get(Patient, claim.patient_id)
        patient.sex, patient.address_line1 = patient.sex or "female", "456 Oak St"
        patient.city, patient.region, patient.postal_code = "Springfield", "IL", "62701"
        if claim.practitioner_id:
            s.get(Practitioner, claim.practitioner_id).npi = "1234567893"
        s.commit()
        return claim.id, claim.payer_id


def test_send_a_payers_batch_then_read_the_835(browser, db):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    assert owner.post("/billing/x12/settings", DETAILS).status_code == 302
    claim_id, payer_id = _ready_claim(db)
    billing = browser("billing")
    page = billing.get("/billing/x12/").get_data(as_text=True)
    assert "Download 837P" in page and f'name="payer_id" value="{payer_id}"' in page
    sent = billing.post("/billing/x12/batch", {"payer_id": str(payer_id)})
    text = sent.get_data(as_text=True)
    if sent.status_code != 200:  # the demo's data broke a rule: say which
        pytest.fail(text[text.find('id="x12-problems"'):][:2000])
    assert sent.headers["Content-Disposition"].startswith('attachment; filename="837P-')
    assert text.startswith("ISA*") and validate(text).ok
    with db.session() as s:
        claim = s.get(Claim, claim_id)
        assert claim.status == "submitted"
        number, total = claim.number, claim.total
    again = billing.post("/billing/x12/batch", {"payer_id": str(payer_id)})
    assert again.status_code == 422 and "no claim ready" in again.get_data(as_text=True)
    # The payer answers: the claim paid in full, and one claim that is not ours.
    era = clinic_x12.era(number, [("97110", str(total), str(total), [])],
                         trace="WEB0001", extra_claims=["NOT-OURS-1"])
    posted = billing.post("/billing/x12/remittances",
                          {"file": (io.BytesIO(era.encode()), "era.835")},
                          content_type="multipart/form-data")
    html = posted.get_data(as_text=True)
    assert posted.status_code == 200, html[:2000]
    assert "1 of 2 claims posted" in html and "unmatched" in html
    twice = billing.post("/billing/x12/remittances",
                         {"file": (io.BytesIO(era.encode()), "era.835")},
                         content_type="multipart/form-data")
    assert "Read before: nothing changed." in twice.get_data(as_text=True)
    worklist = billing.get("/billing/x12/worklist").get_data(as_text=True)
    assert "NOT-OURS-1" in worklist
    with db.session() as s:
        row_id = s.scalar(select(RemittanceClaim.id).where(
            RemittanceClaim.claim_reference == "NOT-OURS-1"))
    done = billing.post(f"/billing/x12/worklist/{row_id}/resolve",
                        {"resolution": "Not ours: told the payer"})
    assert done.status_code == 302
    assert "NOT-OURS-1" not in billing.get("/billing/x12/worklist").get_data(as_text=True)


def test_bad_uploads_are_named(browser):  # type: ignore[no-untyped-def]
    billing = browser("billing")
    for data, words in ((b"%PDF-1.7", "not an X12 835"),
                        (b"ISA*00*garbage~", "")):
        response = billing.post("/billing/x12/remittances",
                                {"file": (io.BytesIO(data), "era.835")},
                                content_type="multipart/form-data")
        assert response.status_code == 422
        assert 'id="file-error"' in response.get_data(as_text=True)
        assert words in response.get_data(as_text=True)
    assert billing.post("/billing/x12/batch", {"payer_id": "x"}).status_code == 422
