"""Quick search (services/search.py): patients by name, date of birth in several formats,
phone (digits only, with or without the country code) and e-mail; invoices by number; what
each role may see; audited as list reads; a bounded number of statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from clinic_factories import patient
from sqlalchemy import select
from vesalius.models import AuditEvent, Invoice
from vesalius.services import Actor, patients
from vesalius.services import search as quick

FRONT = Actor(user_id=11, role="front-desk")


@pytest.fixture
def register(db, system):  # type: ignore[no-untyped-def]
    """Three patients and two invoices (one issued, one draft without a number)."""
    with db.session() as s:
        smith = patient(s, system, "Jane", "Smith", mobile="+1 416-555-0188")
        patient(s, system, "Abe", "Smithers")
        mensah = patients.create(s, system, patients.PatientIn(
            given_name="Kofi", family_name="Mensah", birth_date=date(1980, 3, 14),
            email="Kofi.Mensah@Example.org", phone="+44 20 7946 0018"))
        april = patients.create(s, system, patients.PatientIn(
            given_name="Ines", family_name="Avril", birth_date=date(1980, 4, 3)))
        issued = Invoice(patient_id=smith.id, number="INV-000123", status="issued",
                         date_of_service=date(2026, 3, 2), total=Decimal("85.00"))
        draft = Invoice(patient_id=mensah.id, status="draft", date_of_service=date(2026, 3, 3),
                        total=Decimal("40.00"))
        s.add_all([issued, draft])
        s.flush()
        return {"smith": smith.id, "mensah": mensah.id, "avril": april.id,
                "invoice": issued.id}


def labels(db, actor: Actor, q: str, **kw: object) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return [f"{h.kind}:{h.label}" for h in quick.quick_search(s, actor, q, **kw)]


def test_names_emails_and_the_shortest_query(db, register):  # type: ignore[no-untyped-def]
    assert labels(db, FRONT, "smi") == ["patient:Jane Smith", "patient:Abe Smithers"]
    assert labels(db, FRONT, "jane smi") == ["patient:Jane Smith"]
    assert labels(db, FRONT, "Smith, Ja") == ["patient:Jane Smith"]
    assert labels(db, FRONT, "KOFI.mensah@ex") == ["patient:Kofi Mensah"]
    assert labels(db, FRONT, "s") == []  # one character: too many to be of use
    assert labels(db, FRONT, "zzz") == []


@pytest.mark.parametrize("q", ["1980-03-14", "1980/03/14", "14/03/1980", "14.03.1980",
                               "14-03-1980", "03/14/1980"])
def test_birth_date_formats(db, register, q):  # type: ignore[no-untyped-def]
    assert labels(db, FRONT, q) == ["patient:Kofi Mensah"]


def test_ambiguous_birth_date_keeps_both_readings_unless_the_clinic_says(db, register):  # type: ignore[no-untyped-def]
    # 03/04/1980: 3 April (day first) or 4 March (month first).
    assert labels(db, FRONT, "03/04/1980") == ["patient:Ines Avril"]
    assert quick.birth_dates("03/04/1980") == [date(1980, 4, 3), date(1980, 3, 4)]
    assert quick.birth_dates("03/04/1980", day_first=True) == [date(1980, 4, 3)]
    assert quick.birth_dates("03/04/1980", day_first=False) == [date(1980, 3, 4)]
    assert quick.birth_dates("14/03/1980", day_first=False) == [date(1980, 3, 14)]
    assert quick.birth_dates("31/02/1980") == []  # no such day
    assert quick.birth_dates("14/03/80") == []  # two-digit years are not guessed


@pytest.mark.parametrize("q", ["416 555 0188", "+1 416 555 0188", "(416) 555-0188",
                               "1-416-555-0188", "416.555.0188", "4165550188"])
def test_phone_digits_only_with_or_without_country_code(db, register, q):  # type: ignore[no-untyped-def]
    assert labels(db, FRONT, q) == ["patient:Jane Smith"]


def test_phone_national_form_with_trunk_zero(db, register):  # type: ignore[no-untyped-def]
    assert labels(db, FRONT, "020 7946 0018") == ["patient:Kofi Mensah"]
    assert labels(db, FRONT, "+44 20 7946") == ["patient:Kofi Mensah"]  # as it is typed


def test_phone_key_kept_on_update_and_cleared_with_the_number(db, system, register):  # type: ignore[no-untyped-def]
    with db.session() as s:
        patients.update(s, system, register["smith"],
                        patients.PatientUpdate(mobile="+1 905 555 0111"))
    assert labels(db, FRONT, "416 555 0188") == []
    assert labels(db, FRONT, "905 555 0111") == ["patient:Jane Smith"]


@pytest.mark.parametrize("q", ["INV-000123", "inv-000123", "INV 123", "000123", "INV-0001"])
def test_invoice_by_number(db, register, q):  # type: ignore[no-untyped-def]
    with db.session() as s:
        hits = quick.quick_search(s, FRONT, q)
    invoice = [h for h in hits if h.kind == "invoice"]
    assert [(h.label, h.patient_name, h.total, h.status) for h in invoice] == [
        ("INV-000123", "Jane Smith", Decimal("85.00"), "issued")]
    if q.upper().startswith("INV"):
        assert hits[0].kind == "invoice"  # what was asked for comes first


def test_what_each_role_sees(db, register):  # type: ignore[no-untyped-def]
    for role in ("owner", "front-desk", "billing"):
        assert labels(db, Actor(user_id=12, role=role), "INV-000123") == ["invoice:INV-000123"]
    practitioner = Actor(user_id=13, role="practitioner", practitioner_id=99)
    # Names, as on the patient search page; invoices are not a practitioner's to read.
    assert labels(db, practitioner, "jane smith") == ["patient:Jane Smith"]
    assert labels(db, practitioner, "INV-000123") == []
    portal = Actor(user_id=14, role="patient", patient_id=register["smith"])
    assert labels(db, portal, "smith") == []


def test_audited_as_list_reads(db, register):  # type: ignore[no-untyped-def]
    with db.session() as s:
        quick.quick_search(s, FRONT, "smi")
        quick.quick_search(s, FRONT, "INV-000123")
    with db.session() as s:
        events = list(s.execute(select(AuditEvent.resource_type, AuditEvent.detail,
                                       AuditEvent.list_digest)
                                .where(AuditEvent.user_id == FRONT.user_id)))
    assert sorted((kind, detail) for kind, detail, _ in events) == [
        ("invoice", "quick search"), ("patient", "quick search")]
    assert all(digest for _, _, digest in events)


def test_bounded_statements(db, system, register, count_queries):  # type: ignore[no-untyped-def]
    """The same number of statements with 3 patients or 60 (no query per result)."""
    def counted(q: str) -> int:
        with db.session() as s, count_queries() as counter:
            quick.quick_search(s, FRONT, q)
        return counter.count

    before = {q: counted(q) for q in ("smi", "14/03/1980", "416 555 0188", "INV-000123")}
    with db.session() as s:
        for n in range(60):
            patients.create(s, system, patients.PatientIn(
                given_name=f"Given{n}", family_name=f"Smith{n:02d}",
                birth_date=date(1980, 3, 14), mobile=f"+1 416 555 {n:04d}"))
    after = {q: counted(q) for q in before}
    # "smi" now shows a full page (8) where it showed 2, in as many statements; a list read
    # again costs one statement less (its items are recorded the first time only).
    assert after["smi"] == before["smi"]
    assert all(after[q] <= before[q] for q in before)
    assert max(before.values()) <= 8
