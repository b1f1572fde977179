"""X12: a claim made by the services goes out as an 837P (005010X222A1) that pyx12 passes
with no error; our own checks refuse what pyx12 lets through; an 835 (005010X221A1) built
for the claim posts the payment, the contractual adjustment and the patient's copay, and a
second import changes nothing; an unknown claim lands in the worklist.

Rules checked (sources): ASC X12N 005010X222A1 (837P) and 005010X221A1 (835)
implementation guides; NPI check digit: CMS, "Requirements for Constructing the National
Provider Identifier Check Digit" (Luhn over the NPI prefixed with 80840); CAS group codes
CO/PR and CARC 45 ("charge exceeds fee schedule") and 3 (co-payment): X12 Claim Adjustment
Reason Codes list.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from clinic_factories import clinic_setup, insured_visit
from clinic_x12 import GOOD_837
from clinic_x12 import era as _era
from sqlalchemy import func, select
from vesalius.errors import Conflict, Invalid
from vesalius.models import Claim, ClaimEvent, Invoice, Patient, Payment, PaymentAllocation
from vesalius.models.x12 import (
    RemittanceAdjustment,
    RemittanceClaim,
    X12Interchange,
    X12InterchangeClaim,
)
from vesalius.services import billing, claims
from vesalius.x12 import checks, export, p835, p837, posting, settings
from vesalius.x12.validate import validate

PAST = date(2025, 1, 13)

SETTINGS = settings.X12SettingsIn(
    organisation_name="Harbour Physio", npi="1234567893", tax_id="123456789",
    taxonomy_code="225100000X", address_line1="123 Main St", city="Springfield", state="IL",
    postal_code="62701-1234", submitter_id="SUBM001", contact_name="Billing Office",
    contact_phone="5555551234", receiver_name="Acme Clearinghouse", receiver_id="RECV001")


# -- pure rules ----------------------------------------------------------------------------


def test_npi_check_digit_is_luhn_with_the_80840_prefix() -> None:
    # CMS's worked example: 123456789 -> check digit 3.
    assert checks.npi_valid("1234567893")
    assert not checks.npi_valid("1234567890")
    assert not checks.npi_valid("123456789")
    assert not checks.npi_valid("12345678931")
    assert not checks.npi_valid(None)


def test_our_rules_name_the_claim_and_field() -> None:
    line = p837.Line("97110", ("GP",), Decimal("75.00"), 2, PAST, (1,))
    claim = p837.ClaimData(
        number="CLM-000009", total=Decimal("80.00"), relationship="self", member_id="W1",
        group_number=None, filing_indicator="CI", family_name="Doe", given_name="Jo",
        birth_date=date(1980, 1, 1), sex="female", address_line1="1 Oak St",
        city="Springfield", state="IL", postal_code="62701", payer_name="Acme",
        payer_code="12345", diagnoses=("M54.5X",),
        lines=(line, p837.Line("97140", ("GP",), Decimal("5.00"), 1, PAST, (1, 2))))
    found = {(p.claim, p.field) for p in p837.claim_problems(claim)}
    # A pointer to an HI entry that does not exist; the ICD code is fine here.
    assert found == {("CLM-000009", "lines[1].diagnosis_pointers")}
    unbalanced = p837.ClaimData(**{**claim.__dict__, "total": Decimal("81.00"),
                                   "lines": (line, p837.Line("97140", (), Decimal("5.00"), 1,
                                                             PAST, (1,)))})
    assert [p.field for p in p837.claim_problems(unbalanced)] == ["total"]
    dotted = p837.ClaimData(**{**claim.__dict__, "diagnoses": ("54.5",), "lines": (line,),
                               "total": Decimal("75.00"), "rendering_npi": "1234567890",
                               "rendering_family_name": "Smith", "state": "Illinois"})
    assert {p.field for p in p837.claim_problems(dotted)} == {
        "case.diagnosis_codes[0]", "practitioner.npi", "patient.region"}
    assert checks.icd10_for_x12("m54.50") == "M5450"


def test_billing_provider_needs_zip_plus_four_and_a_valid_npi() -> None:
    with pytest.raises(ValueError, match="nine digits"):
        settings.X12SettingsIn(**{**SETTINGS.model_dump(), "postal_code": "62701"})
    with pytest.raises(ValueError, match="check digit"):
        settings.X12SettingsIn(**{**SETTINGS.model_dump(), "npi": "1234567890"})


def test_pyx12_passes_the_sample_and_fails_its_broken_variants() -> None:
    assert validate(GOOD_837).ok
    assert "IK5*A" in validate(GOOD_837).ack
    broken = {
        "wrong segment count": GOOD_837.replace("SE*27*0001", "SE*25*0001"),
        "IEA control number differs": GOOD_837.replace("IEA*1*000000001", "IEA*1*000000002"),
        "service line without its date (bad 2400 loop)": GOOD_837.replace(
            "DTP*472*D8*20240501~\nLX*2~", "LX*2~").replace("SE*27", "SE*26"),
        "claim without diagnoses": GOOD_837.replace("HI*ABK:M5450~\n", "").replace(
            "SE*27", "SE*26"),
        "837I version in a professional file": GOOD_837.replace("005010X222A1",
                                                                "005010X223A2"),
    }
    for name, text in broken.items():
        result = validate(text)
        assert not result.ok, name
        assert result.errors, name


def test_835_reader_follows_the_sample() -> None:
    era = p835.parse(_era("PATACCT001", [("97110", "75.00", "65.00", [("CO", "45", "10.00")]),
                                         ("97140", "40.00", "35.00", [("CO", "45", "5.00")])],
                          trace="CHK10001"))
    assert (era.trace_number, era.total_paid, era.payment_method) == (
        "CHK10001", Decimal("100.00"), "ACH")
    (clp,) = era.claims
    assert (clp.reference, clp.billed, clp.paid) == ("PATACCT001", Decimal("115.00"),
                                                     Decimal("100.00"))
    assert [(s.code, s.modifiers, s.paid, [(a.group, a.reason, a.amount)
                                           for a in s.adjustments]) for s in clp.services] == [
        ("97110", ("GP",), Decimal("65.00"), [("CO", "45", Decimal("10.00"))]),
        ("97140", ("GP",), Decimal("35.00"), [("CO", "45", Decimal("5.00"))])]


# -- the clinic ------------------------------------------------------------------------------


@pytest.fixture
def billed(db, system):  # type: ignore[no-untyped-def]
    """A US clinic: its X12 details, a payer, a patient insured with no copay split at the
    desk, a signed visit (97110 x2, 97140 x1 at 50.00 and 48.00) and its ready claim."""
    with db.session() as s:
        c = clinic_setup(s, system)
        settings.save(s, system, SETTINGS)
        made = insured_visit(s, system, c, day=PAST, coverage={
            "member_id": "W123456789", "group_number": "GRP123"}, address={
            "address_line1": "456 Oak St", "city": "Springfield", "region": "IL",
            "postal_code": "62701"})
        claim = claims.create(s, system, made["invoice"])
        claims.set_status(s, system, claim.id, claims.ClaimStatusIn(status="ready"))
        return {"claim": claim.id, "number": claim.number, "invoice": made["invoice"],
                "patient": made["patient"], "payer": made["payer"]}


def test_a_claim_goes_out_as_an_837p_pyx12_passes(db, system, billed):  # type: ignore[no-untyped-def]
    with db.session() as s:
        made = export.one_claim(s, system, billed["claim"])
        control = made.interchange.control_number
    result = validate(made.text)
    assert result.ok, result.errors
    assert "IK5*A" in result.ack
    segments = [seg.strip() for seg in made.text.split("~") if seg.strip()]
    assert f"CLM*{billed['number']}*148.00***11:B:1*Y*A*Y*Y" in segments
    assert "HI*ABK:M5450" in segments  # the case's M54.50, without the dot
    assert "SV1*HC:97110:GP*100.00*UN*2***1" in segments
    assert "SV1*HC:97140:GP*48.00*UN*1***1" in segments
    assert "DTP*472*D8*20250113" in segments
    assert "N4*SPRINGFIELD*IL*627011234" in segments
    assert segments[0].split("*")[13] == control
    with db.session() as s:
        claim = s.get(Claim, billed["claim"])
        assert claim.status == "ready"  # a single claim's file leaves the status alone
        row = s.get(X12Interchange, int(control))
        assert (row.purpose, row.claim_count, row.total) == ("single", 1, Decimal("148.00"))
        assert [link.claim_id for link in row.claims] == [billed["claim"]]


def test_batch_export_marks_claims_submitted_with_unique_control_numbers(  # type: ignore[no-untyped-def]
        db, system, billed):
    with db.session() as s:
        single = export.one_claim(s, system, billed["claim"]).interchange.control_number
    with db.session() as s:
        made = export.batch(s, system, billed["payer"])
        control = made.interchange.control_number
    assert control != single
    assert validate(made.text).ok
    with db.session() as s:
        claim = s.get(Claim, billed["claim"])
        assert claim.status == "submitted" and claim.submitted_at is not None
        assert claim.events[-1].text == f"sent in 837P interchange {control}"
        assert s.scalar(select(func.count()).select_from(X12InterchangeClaim)) == 2
    with pytest.raises(Conflict), db.session() as s:  # nothing ready any more
        export.batch(s, system, billed["payer"])


def test_export_refuses_with_the_claim_and_field(db, system, billed):  # type: ignore[no-untyped-def]
    with db.session() as s:
        s.get(Patient, billed["patient"]).postal_code = "N1 7AA"
        for line in s.get(Claim, billed["claim"]).lines:
            line.diagnosis_pointers = [1, 3]
    with pytest.raises(Invalid) as refused, db.session() as s:
        export.batch(s, system, billed["payer"])
    fields = {(d["claim"], d["field"]) for d in refused.value.details}
    assert fields == {(billed["number"], "patient.postal_code"),
                      (billed["number"], "lines[0].diagnosis_pointers"),
                      (billed["number"], "lines[1].diagnosis_pointers")}
    assert billed["number"] in refused.value.message
    with db.session() as s:  # nothing written, nothing moved
        assert s.get(Claim, billed["claim"]).status == "ready"
        assert s.scalar(select(func.count()).select_from(X12Interchange)) == 0


def _submit(db, system, billed) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        export.batch(s, system, billed["payer"])


def _state(s, billed):  # type: ignore[no-untyped-def]
    return (s.scalar(select(func.count()).select_from(Payment)),
            s.scalar(select(func.count()).select_from(PaymentAllocation)),
            s.scalar(select(func.count()).select_from(ClaimEvent)),
            s.scalar(select(func.count()).select_from(RemittanceAdjustment)),
            s.get(Invoice, billed["invoice"]).total)


def test_835_posts_payment_adjustment_and_copay_once(db, system, billed):  # type: ignore[no-untyped-def]
    """Billed 148.00: the payer allows 120.00 (CO-45 writes off 28.00), the patient owes a
    20.00 copay (PR-3), the payer pays 100.00: the insurer owes nothing, the patient 20.00."""
    _submit(db, system, billed)
    text = _era(billed["number"], [
        ("97110", "100.00", "70.00", [("CO", "45", "20.00"), ("PR", "3", "10.00")]),
        ("97140", "48.00", "30.00", [("CO", "45", "8.00"), ("PR", "3", "10.00")])])
    assert validate(text).ok
    with db.session() as s:
        result = posting.import_835(s, system, text)
        assert not result.duplicate
        assert [(c.outcome, c.paid) for c in result.remittance.claims] == [
            ("posted", Decimal("100.00"))]
    with db.session() as s:
        claim = s.get(Claim, billed["claim"])
        assert (claim.status, claim.paid_amount, claim.payer_reference) == (
            "paid", Decimal("100.00"), f"PAYER{billed['number']}")
        assert claim.events[-1].from_status == "submitted"
        invoice = s.get(Invoice, billed["invoice"])
        assert (invoice.total, invoice.insurer_portion, invoice.patient_portion) == (
            Decimal("120.00"), Decimal("100.00"), Decimal("20.00"))
        account = billing.account(s, system, billed["patient"])
        assert account.insurer_balance == Decimal("0.00")
        assert account.patient_balance == Decimal("20.00")
        assert account.paid_by_insurer == Decimal("100.00")
        rows = s.scalars(select(RemittanceAdjustment).order_by(RemittanceAdjustment.id)).all()
        assert [(r.procedure, r.group_code, r.reason_code, r.amount) for r in rows] == [
            ("HC:97110:GP", "CO", "45", Decimal("20.00")),
            ("HC:97110:GP", "PR", "3", Decimal("10.00")),
            ("HC:97140:GP", "CO", "45", Decimal("8.00")),
            ("HC:97140:GP", "PR", "3", Decimal("10.00"))]
        assert all(r.claim_line_id is not None for r in rows)
        before = _state(s, billed)
    with db.session() as s:  # the same file again
        again = posting.import_835(s, system, text)
        assert again.duplicate
    with db.session() as s:
        assert _state(s, billed) == before
        assert s.get(Claim, billed["claim"]).status == "paid"
    # The same answer in another file (new trace and ISA13): the CLP is not posted twice.
    other = text.replace("EFT0001", "EFT0002").replace("000000101", "000000102")
    with db.session() as s:
        result = posting.import_835(s, system, other)
        assert [c.outcome for c in result.remittance.claims] == ["duplicate"]
    with db.session() as s:
        assert _state(s, billed)[:4] == (before[0], before[1], before[2], before[3] + 4)
        assert billing.account(s, system, billed["patient"]).patient_balance == Decimal(
            "20.00")


def test_unknown_claims_land_in_the_worklist(db, system, billed):  # type: ignore[no-untyped-def]
    _submit(db, system, billed)
    text = _era(billed["number"], [("97110", "100.00", "100.00", []),
                                   ("97140", "48.00", "48.00", [])],
                extra_claims=["NOT-OURS-1"])
    with db.session() as s:
        result = posting.import_835(s, system, text)
        assert [c.outcome for c in result.remittance.claims] == ["posted", "unmatched"]
        assert result.remittance.posted_count == 1
    with db.session() as s:
        (row,) = posting.worklist(s, system)
        assert (row.claim_reference, row.paid, row.claim_id) == (
            "NOT-OURS-1", Decimal("10.00"), None)
        assert "no claim numbered" in (row.reason or "")
        assert s.get(Claim, billed["claim"]).status == "paid"


def test_a_claim_not_yet_submitted_is_refused_into_the_worklist(db, system, billed):  # type: ignore[no-untyped-def]
    text = _era(billed["number"], [("97110", "100.00", "100.00", []),
                                   ("97140", "48.00", "48.00", [])])
    with db.session() as s:
        result = posting.import_835(s, system, text)
        assert [c.outcome for c in result.remittance.claims] == ["refused"]
    with db.session() as s:
        (row,) = posting.worklist(s, system)
        assert row.claim_id == billed["claim"] and "ready" in (row.reason or "")
        assert s.scalar(select(func.count()).select_from(Payment)) == 0
        assert s.scalar(select(func.count()).select_from(RemittanceClaim)) == 1


def test_denied_claim_moves_to_denied(db, system, billed):  # type: ignore[no-untyped-def]
    _submit(db, system, billed)
    text = _era(billed["number"], [("97110", "100.00", "0.00", [("CO", "50", "100.00")]),
                                   ("97140", "48.00", "0.00", [("CO", "50", "48.00")])],
                status="4")
    with db.session() as s:
        posting.import_835(s, system, text)
    with db.session() as s:
        claim = s.get(Claim, billed["claim"])
        assert claim.status == "denied" and "CO-50" in (claim.status_reason or "")
        account = billing.account(s, system, billed["patient"])
        assert account.balance == Decimal("0.00")  # not medically necessary: written off


def test_broken_835_is_refused_whole(db, system, billed):  # type: ignore[no-untyped-def]
    text = _era(billed["number"], [("97110", "100.00", "100.00", []),
                                   ("97140", "48.00", "48.00", [])])
    with pytest.raises(Invalid) as refused, db.session() as s:
        posting.import_835(s, system, text.replace("SE*", "SE*9"))
    assert refused.value.field == "x12"
    with pytest.raises(Invalid) as refused, db.session() as s:
        posting.import_835(s, system, text.replace("BPR*I*148.00", "BPR*I*140.00"))
    assert refused.value.field == "BPR02"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(RemittanceClaim)) == 0


# -- the API and the command line ----------------------------------------------------------


def test_api_and_cli_round_trip(db, db_url, system, billed, tmp_path):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner
    from vesalius.app import create_app
    from vesalius.cli import main
    from vesalius.services import users

    app = create_app(db_url)
    with db.session() as s:
        tokens = {}
        for role in ("billing", "front-desk"):
            user = users.create_user(s, system, users.UserIn(email=f"{role}@clinic.test",
                                                             role=role, name=role))
            tokens[role] = users.issue_token(s, system, user)
    client = app.test_client()

    def call(method: str, path: str, role: str = "billing", **kw):  # type: ignore[no-untyped-def]
        return client.open(f"/api/v1{path}", method=method,
                           headers={"Authorization": f"Bearer {tokens[role]}"}, **kw)

    one = call("GET", f"/claims/{billed['claim']}/x12-837p")
    assert one.status_code == 200 and one.mimetype == "text/plain"
    assert validate(one.get_data(as_text=True)).ok
    assert one.headers["X-Interchange-Control-Number"].isdigit()
    assert call("GET", f"/claims/{billed['claim']}/x12-837p", "front-desk").status_code == 403
    assert call("GET", "/x12/settings").get_json()["postal_code"] == "627011234"

    runner = CliRunner()
    out = tmp_path / "batch.837"
    done = runner.invoke(main, ["claims", "export-837", "--payer", str(billed["payer"]),
                                "-o", str(out), "--database", db_url])
    assert done.exit_code == 0, done.output
    assert "1 claims" in done.output and validate(out.read_text()).ok
    again = runner.invoke(main, ["claims", "export-837", "--payer", str(billed["payer"]),
                                 "-o", str(tmp_path / "none.837"), "--database", db_url])
    assert again.exit_code == 2 and "no claim ready" in again.output
    assert not (tmp_path / "none.837").exists()

    era_file = tmp_path / "payer.835"
    era_file.write_text(_era(billed["number"], [
        ("97110", "100.00", "80.00", [("CO", "45", "20.00")]),
        ("97140", "48.00", "40.00", [("CO", "45", "8.00")])]))
    posted = runner.invoke(main, ["claims", "import-835", str(era_file), "--database", db_url])
    assert posted.exit_code == 0, posted.output
    assert f"{billed['number']}: posted 120.00" in posted.output
    repeat = runner.invoke(main, ["claims", "import-835", str(era_file), "--database", db_url])
    assert "imported before" in repeat.output and "nothing changed" in repeat.output

    unknown = _era("NOT-OURS-7", [("97110", "50.00", "50.00", [])], trace="EFT0009",
                   control="000000109")
    answer = call("POST", "/remittances", json={"x12": unknown})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["duplicate"], body["claims"][0]["outcome"]) == (False, "unmatched")
    assert call("POST", "/remittances", json={"x12": unknown}).get_json()["duplicate"]
    (row,) = call("GET", "/remittances/worklist").get_json()
    assert (row["claim_reference"], row["paid"]) == ("NOT-OURS-7", "50.00")
    done = call("POST", f"/remittances/worklist/{row['id']}/resolve",
                json={"resolution": "Not our patient: told the payer"})
    assert done.status_code == 200 and done.get_json()["resolved_at"]
    assert call("GET", "/remittances/worklist").get_json() == []
    assert call("POST", f"/remittances/worklist/{row['id']}/resolve",
                json={"resolution": "again"}).status_code == 409
    bad = call("POST", "/remittances", json={"x12": unknown.replace("SE*", "SE*9")})
    assert bad.status_code == 422 and bad.get_json()["field"] == "x12"
    with db.session() as s:
        assert s.get(Claim, billed["claim"]).status == "paid"
        assert billing.account(s, system, billed["patient"]).balance == Decimal("0.00")
    app.extensions["vesalius.db"].dispose()


def test_import_reads_a_bounded_number_of_queries(db, system, billed, count_queries):  # type: ignore[no-untyped-def]
    """Matching and posting read each table once per file, not once per CLP."""
    _submit(db, system, billed)
    counts = []
    for n, (trace, control) in enumerate((("EFT1", "000000201"), ("EFT2", "000000202"))):
        unknown = [f"NOT-OURS-{n}-{i}" for i in range(1 if n == 0 else 8)]
        text = _era(billed["number"] if n == 0 else "NOT-OURS-X", [
            ("97110", "100.00", "100.00", []), ("97140", "48.00", "48.00", [])],
            trace=trace, control=control, extra_claims=unknown)
        with count_queries() as counter, db.session() as s:
            result = posting.import_835(s, system, text)
            posting.with_claims(s, result.remittance.id)
        counts.append(counter.count)
    # The first file also posts a claim (payment, invoice, events); the second, with eight
    # more unknown claims, reads no more than it.
    assert counts[1] <= counts[0], counts


def test_an_answer_for_part_of_the_claim_leaves_it_partly_paid(db, system, billed):  # type: ignore[no-untyped-def]
    _submit(db, system, billed)
    first = _era(billed["number"], [("97110", "100.00", "90.00", [("CO", "45", "10.00")])])
    with db.session() as s:
        posting.import_835(s, system, first)
    with db.session() as s:
        claim = s.get(Claim, billed["claim"])
        assert (claim.status, claim.paid_amount) == ("partly-paid", Decimal("90.00"))
        assert billing.account(s, system, billed["patient"]).insurer_balance == Decimal("48.00")
    rest = _era(billed["number"], [("97140", "48.00", "48.00", [])], trace="EFT0002",
                control="000000102")
    with db.session() as s:
        posting.import_835(s, system, rest)
    with db.session() as s:
        claim = s.get(Claim, billed["claim"])
        assert (claim.status, claim.paid_amount) == ("paid", Decimal("138.00"))
        assert billing.account(s, system, billed["patient"]).balance == Decimal("0.00")
