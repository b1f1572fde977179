"""Retention and erasure: the periods' arithmetic with worked dates, the report of records
that may be destroyed (bounded queries), destruction (refused inside the period, guarded by
the database), erasure requests (removes what may go, keeps signed notes and invoices, all
or nothing), owner-only permissions and audit events.

Worked periods: College of Physiotherapists of Ontario, Record Keeping Standard (10 years
after the last contact; a minor's until 10 years after their 18th birthday if later) and
England's NHS Records Management Code of Practice 2021, Appendix II (adults 8 years;
children until their 25th birthday)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from clinic_factories import MONDAY, at, case, clinic_setup, visit_document
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from vesalius.errors import Conflict, Forbidden
from vesalius.models import (
    Appointment,
    AuditEvent,
    Consent,
    Invoice,
    MeasureResult,
    Note,
    NoteAddendum,
    Patient,
    Payment,
    User,
    WaitlistEntry,
)
from vesalius.models.retention import ErasureRequest, RecordDestruction
from vesalius.services import (
    Actor,
    billing,
    cases,
    claims,
    notes,
    patients,
    payers,
    retention,
    scheduling,
    users,
)
from vesalius.services import waitlist as waitlist_service
from vesalius.services.retention import (
    DEFAULT_POLICY,
    Policy,
    add_years,
    clinical_until,
    retained_until,
)
from vesalius.services.scheduling import BookingIn

ENGLAND = Policy(jurisdiction="England, NHS Records Management Code of Practice 2021",
                 adult_years=8, majority_age=18, minor_years_after_majority=7,
                 minor_years_after_contact=8, financial_years=6)
LATER = date(2065, 3, 2)  # a Monday, long after MONDAY (2030-03-04)


# -- arithmetic ------------------------------------------------------------------------------


def test_adult_kept_ten_years_after_last_contact() -> None:
    assert clinical_until(DEFAULT_POLICY, date(2014, 3, 15), date(1980, 7, 1)) == \
        date(2024, 3, 15)
    assert clinical_until(ENGLAND, date(2014, 3, 15), date(1980, 7, 1)) == date(2022, 3, 15)


def test_minor_kept_until_years_after_majority_when_later() -> None:
    # Seen at 6: 18th birthday 2028-06-01, + 10 years = 2038-06-01 (contact + 10 = 2026).
    assert clinical_until(DEFAULT_POLICY, date(2016, 9, 1), date(2010, 6, 1)) == \
        date(2038, 6, 1)
    # Seen at 17 (10 days short of 18): 2018-01-10 + 10 = 2028-01-10 beats 2027-12-31.
    assert clinical_until(DEFAULT_POLICY, date(2017, 12, 31), date(2000, 1, 10)) == \
        date(2028, 1, 10)
    # Seen on the 18th birthday: an adult, contact + 10.
    assert clinical_until(DEFAULT_POLICY, date(2018, 1, 10), date(2000, 1, 10)) == \
        date(2028, 1, 10)
    # England: a child seen at 4 is kept until the 25th birthday.
    assert clinical_until(ENGLAND, date(2010, 1, 1), date(2005, 5, 5)) == date(2030, 5, 5)
    # ... and a 17-year-old 8 years after the last contact when that is later.
    assert clinical_until(ENGLAND, date(2022, 11, 1), date(2005, 5, 5)) == date(2030, 11, 1)


def test_unknown_birth_date_is_kept_as_long_as_a_newborns() -> None:
    # Born as late as the last contact: 18 + 10 years after it.
    assert clinical_until(DEFAULT_POLICY, date(2015, 1, 1), None) == date(2043, 1, 1)


def test_leap_day_never_ends_early() -> None:
    assert add_years(date(2016, 2, 29), 10) == date(2026, 3, 1)
    assert add_years(date(2016, 2, 29), 8) == date(2024, 2, 29)
    # Born on 29 February: of age on 1 March in a common year, never on 28 February.
    assert clinical_until(DEFAULT_POLICY, date(2010, 1, 1), date(2008, 2, 29)) == \
        date(2036, 3, 1)


def test_financial_period_extends_the_whole_record() -> None:
    short = Policy(jurisdiction="short clinical", adult_years=5, majority_age=18,
                   minor_years_after_majority=5, minor_years_after_contact=5,
                   financial_years=7)
    assert retained_until(short, date(2014, 1, 1), date(2014, 1, 1), date(1970, 1, 1)) == \
        date(2021, 1, 1)
    assert retained_until(DEFAULT_POLICY, date(2014, 1, 1), date(2014, 1, 1),
                          date(1970, 1, 1)) == date(2024, 1, 1)
    assert retained_until(DEFAULT_POLICY, date(2014, 1, 1), None, date(1970, 1, 1)) == \
        date(2024, 1, 1)


# -- fixtures ----------------------------------------------------------------------------------

OWNER = Actor(user_id=None, role="owner")


def _visit(s, c, prac_actor, patient_id, case_id, day, sign=True):  # type: ignore[no-untyped-def]
    appt = scheduling.book(s, OWNER, BookingIn(
        patient_id=patient_id, practitioner_id=c["practitioner"].id, case_id=case_id,
        start=at(day, 10), end=at(day, 10, 45)))
    scheduling.set_status(s, OWNER, appt.id, "arrived")
    note = notes.create_draft(s, prac_actor, notes.DraftIn(
        appointment_id=appt.id, template_id="rehab.visit",
        document=visit_document(diagnosis=["M54.50"])))
    if sign:
        notes.sign(s, prac_actor, note.id)
    return appt, note


@pytest.fixture
def clinic(db, system):  # type: ignore[no-untyped-def]
    """Three patients. ``adult`` (born 1985): a signed, billed and paid visit on MONDAY
    (2030-03-04) with an addendum. ``child`` (born 2025-01-01): a signed visit on MONDAY,
    aged 5. ``recent`` (adult): a visit on LATER (2065)."""
    with db.session() as s:
        c = clinic_setup(s, system)
        prac = c["practitioner"]
        prac_actor = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)
        adult = c["patient"]
        _appt, note = _visit(s, c, prac_actor, adult.id, c["case"].id, MONDAY)
        notes.add_addendum(s, prac_actor, note.id, notes.AddendumIn(text="Called: better."))
        (invoice,) = s.scalars(select(Invoice).where(Invoice.patient_id == adult.id))
        billing.issue(s, OWNER, invoice.id)
        billing.record_payment(s, OWNER, billing.PaymentIn(
            patient_id=adult.id, amount=Decimal("10.00"), method="cash"))
        child = patients.create(s, OWNER, patients.PatientIn(
            given_name="Tim", family_name="Young", birth_date=date(2025, 1, 1)))
        child_case = case(s, OWNER, child.id)
        _visit(s, c, prac_actor, child.id, child_case.id, date(2030, 3, 5))
        recent = patients.create(s, OWNER, patients.PatientIn(
            given_name="Rae", family_name="Cent", birth_date=date(1990, 1, 1)))
        recent_case = case(s, OWNER, recent.id)
        _visit(s, c, prac_actor, recent.id, recent_case.id, LATER)
        return {"adult": adult.id, "child": child.id, "recent": recent.id,
                "prac_actor": prac_actor, "clinic": c}


def _owner(db):  # type: ignore[no-untyped-def]
    with db.session() as s:
        user = users.create_user(s, Actor.system(), users.UserIn(
            email="owner@example.org", role="owner", name="Olive Owner"))
        return Actor(user_id=user.id, role="owner")


# -- the report ------------------------------------------------------------------------------


def test_report_lists_whole_records_past_their_period(db, clinic, count_queries):  # type: ignore[no-untyped-def]
    owner = _owner(db)
    with db.session() as s:
        report = retention.destroyable(s, owner, as_of=date(2050, 1, 1))
        assert [r.patient_id for r in report.rows] == [clinic["adult"]]
        (row,) = report.rows
        assert row.last_contact == date(2030, 3, 4) and row.minor is False
        assert row.clinical_until == date(2040, 3, 4)
        assert row.last_financial is not None and row.financial_until is not None
        # The child (seen at 5): kept until 10 years after the 18th birthday.
        report = retention.destroyable(s, owner, as_of=date(2054, 1, 1))
        assert [r.patient_id for r in report.rows] == [clinic["adult"], clinic["child"]]
        assert report.rows[1].minor is True
        assert report.rows[1].retained_until == date(2053, 1, 1)
        # Nothing yet, and the recent patient only 10 years after 2065.
        assert retention.destroyable(s, owner, as_of=date(2039, 1, 1)).rows == []
        assert {r.patient_id for r in retention.destroyable(
            s, owner, as_of=date(2075, 3, 2)).rows} == {
            clinic["adult"], clinic["child"], clinic["recent"]}
    with db.session() as s:  # a shorter policy the owner sets moves the dates
        retention.set_policy(s, owner, retention.PolicyIn(
            jurisdiction="England (NHS code 2021)", adult_years=8, majority_age=18,
            minor_years_after_majority=7, minor_years_after_contact=8, financial_years=6))
    with db.session() as s:
        report = retention.destroyable(s, owner, as_of=date(2050, 1, 1))
        assert [(r.patient_id, r.retained_until) for r in report.rows] == [
            (clinic["adult"], date(2038, 3, 4)), (clinic["child"], date(2050, 1, 1))]
    # Bounded: the report costs the same number of queries with more patients.
    with count_queries() as few, db.session() as s:  # the event is written at commit
        retention.destroyable(s, owner, as_of=date(2080, 1, 1))
    with db.session() as s:
        for n in range(6):
            patients.create(s, OWNER, patients.PatientIn(
                given_name=f"P{n}", family_name="More", birth_date=date(1970, 1, 1)))
    with count_queries() as many, db.session() as s:
        report = retention.destroyable(s, owner, as_of=date(2080, 1, 1))
    assert len(report.rows) == 9
    # policy, the report, the list's id, its items (only the first time this exact list is
    # read: the smaller one was read before), the audit event.
    assert (few.count, many.count) == (4, 5), many.statements


def test_a_consent_is_not_contact(db):  # type: ignore[no-untyped-def]
    """Withdrawing a consent (as an erasure does) does not restart the retention period."""
    owner = _owner(db)
    with db.session() as s:
        pid = patients.create(s, OWNER, patients.PatientIn(
            given_name="Otto", family_name="Old", birth_date=date(1950, 1, 1))).id
        s.execute(update(Patient).where(Patient.id == pid).values(
            created_at=datetime(2000, 1, 3, 9, tzinfo=UTC)))
        patients.add_consent(s, OWNER, pid, patients.ConsentIn(kind="email", granted=False))
    with db.session() as s:
        (row,) = retention.destroyable(s, owner).rows
        assert (row.patient_id, row.last_contact, row.retained_until) == (
            pid, date(2000, 1, 3), date(2010, 1, 3))


def test_report_is_audited_as_a_list_read(db, clinic):  # type: ignore[no-untyped-def]
    owner = _owner(db)
    with db.session() as s:
        retention.destroyable(s, owner, as_of=date(2050, 1, 1))
    with db.session() as s:
        event = s.scalars(select(AuditEvent).where(
            AuditEvent.resource_type == "retention-report")).one()
        assert event.user_id == owner.user_id and event.list_digest
        assert retention.audit.list_items(s, owner, event.list_digest) == [
            (clinic["adult"], clinic["adult"])]


# -- destruction -------------------------------------------------------------------------------


def _rows(s, patient_id):  # type: ignore[no-untyped-def]
    return {
        "notes": s.scalar(select(func.count()).select_from(Note)
                          .where(Note.patient_id == patient_id)),
        "invoices": s.scalar(select(func.count()).select_from(Invoice)
                             .where(Invoice.patient_id == patient_id)),
        "payments": s.scalar(select(func.count()).select_from(Payment)
                             .where(Payment.patient_id == patient_id)),
        "appointments": s.scalar(select(func.count()).select_from(Appointment)
                                 .where(Appointment.patient_id == patient_id)),
    }


def test_destruction_refuses_a_record_inside_its_period(db, clinic):  # type: ignore[no-untyped-def]
    owner = _owner(db)
    with pytest.raises(Conflict) as caught, db.session() as s:
        retention.destroy(s, owner, retention.DestroyIn(
            patient_ids=[clinic["adult"], clinic["child"]], reason="annual review"),
            as_of=date(2050, 1, 1))
    assert "kept until 2053-01-01" in caught.value.message
    assert caught.value.field == "patient_ids"
    with db.session() as s:  # all or nothing: the adult's record is untouched too
        assert _rows(s, clinic["adult"]) == {"notes": 1, "invoices": 1, "payments": 1,
                                             "appointments": 1}
        assert s.scalar(select(func.count()).select_from(RecordDestruction)) == 0
    with pytest.raises(Conflict), db.session() as s:  # today: everything is inside
        retention.destroy(s, owner, retention.DestroyIn(
            patient_ids=[clinic["adult"]], reason="too early"))


def test_destruction_removes_the_whole_record_and_keeps_the_register(db, clinic):  # type: ignore[no-untyped-def]
    owner = _owner(db)
    with db.session() as s:
        users.create_user(s, Actor.system(), users.UserIn(
            email="ada@example.org", role="patient", password="correct horse battery",
            patient_id=clinic["adult"]))
    with db.session() as s:
        (done,) = retention.destroy(s, owner, retention.DestroyIn(
            patient_ids=[clinic["adult"]], reason="retention ended, review 2050"),
            as_of=date(2050, 1, 1))
        register_id = done.id
    with db.session() as s:
        assert _rows(s, clinic["adult"]) == {"notes": 0, "invoices": 0, "payments": 0,
                                             "appointments": 0}
        assert s.scalar(select(func.count()).select_from(NoteAddendum)) == 0
        patient = s.get(Patient, clinic["adult"])
        assert (patient.given_name, patient.family_name, patient.birth_date, patient.email,
                patient.active) == ("Destroyed", "record", None, None, False)
        account = s.scalars(select(User).where(User.patient_id == clinic["adult"])).one()
        assert not account.active and account.password_hash is None
        assert "ada" not in account.email
        row = s.get(RecordDestruction, register_id)
        assert row.status == "done" and row.reason == "retention ended, review 2050"
        assert row.retained_until == date(2040, 3, 4)
        assert row.removed["notes"] == 1 and row.removed["note addenda"] == 1
        assert row.removed["invoices"] == 1 and row.removed["payments"] == 1
        assert row.policy["adult_years"] == 10
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "destroy")).one()
        assert event.patient_id == clinic["adult"] and event.user_id == owner.user_id
        # The other patients' records are untouched; the destroyed one leaves the report.
        assert _rows(s, clinic["child"])["notes"] == 1
        assert [r.patient_id for r in retention.destroyable(
            s, owner, as_of=date(2054, 1, 1)).rows] == [clinic["child"]]
        assert [d.id for d in retention.destructions(s, owner)] == [register_id]
    with pytest.raises(Conflict), db.session() as s:
        retention.destroy(s, owner, retention.DestroyIn(
            patient_ids=[clinic["adult"]], reason="again"), as_of=date(2050, 1, 1))


def test_destruction_covers_every_table_that_refers_to_a_record() -> None:
    """A table added later with a foreign key into a patient's record must be destroyed
    with it (add it to ``retention._steps``), or destroying fails on the foreign key."""
    from vesalius.db.base import Base

    deleted = {statement.table.name for _kind, _count, statement in retention._steps([1])}
    record = deleted | {"patients"}
    handled = deleted | {"patients", "users"}  # users: the portal account is closed, kept
    missing = sorted(f"{table.name}.{fk.parent.name}" for table in Base.metadata.sorted_tables
                     for fk in table.foreign_keys
                     if fk.column.table.name in record and table.name not in handled)
    assert not missing, missing


def test_database_still_refuses_deleting_signed_records(db, clinic):  # type: ignore[no-untyped-def]
    """Outside a destruction the guards hold as before: a signed note, its addenda and its
    measure results cannot be deleted, even by hand."""
    with db.session() as s:
        note_id = s.scalar(select(Note.id).where(Note.patient_id == clinic["child"]))
        assert s.scalar(select(func.count()).select_from(MeasureResult)
                        .where(MeasureResult.note_id == note_id))
    for statement in ("DELETE FROM measure_results WHERE note_id = :n",
                      "DELETE FROM notes WHERE id = :n"):
        with pytest.raises((IntegrityError, DBAPIError)), db.session() as s:
            s.execute(text(statement), {"n": note_id})
    with db.session() as s:
        assert s.get(Note, note_id) is not None


# -- erasure requests ----------------------------------------------------------------------------


@pytest.fixture
def erasable(db, clinic):  # type: ignore[no-untyped-def]
    """The adult patient with a portal account, marketing opt-in, an e-mail consent, a
    waitlist entry and a future booking beside the signed, billed visit."""
    c = clinic["clinic"]
    with db.session() as s:
        pid = clinic["adult"]
        user = users.create_user(s, Actor.system(), users.UserIn(
            email="ada.portal@example.org", role="patient", password="correct horse battery",
            patient_id=pid))
        patients.update(s, OWNER, pid, patients.PatientUpdate(
            marketing_opt_in=True, mobile="+1 416 555 0199", address_line1="12 Row",
            emergency_contact_name="Byron"))
        patients.add_consent(s, OWNER, pid, patients.ConsentIn(kind="email", granted=True))
        waitlist_service.add(s, OWNER, waitlist_service.WaitlistIn(patient_id=pid))
        future = scheduling.book(s, OWNER, BookingIn(
            patient_id=pid, practitioner_id=c["practitioner"].id,
            start=at(date(2030, 3, 11), 11), end=at(date(2030, 3, 11), 11, 45)))
        me = Actor(user_id=user.id, role="patient", patient_id=pid)
    return {**clinic, "me": me, "future": future.id, "user": user.id}


def test_erasure_keeps_signed_notes_and_invoices_and_removes_the_rest(db, erasable):  # type: ignore[no-untyped-def]
    owner, me, pid = _owner(db), erasable["me"], erasable["adult"]
    with db.session() as s:
        request = retention.request_erasure(s, me, pid, retention.ErasureIn(
            channel="phone", note="please forget me"))
        assert (request.channel, request.status, request.scope) == ("portal", "open", "all")
        rid = request.id
    with db.session() as s:  # the patient sees their request's status
        assert [(r.id, r.status) for r in retention.requests_of(s, me, pid)] == [(rid, "open")]
    with pytest.raises(Conflict), db.session() as s:  # one open request at a time
        retention.request_erasure(s, me, pid, retention.ErasureIn())
    now = at(date(2030, 3, 6), 12)  # after the signed visit, before the future booking
    with db.session() as s:
        done = retention.process(s, owner, rid, now=now)
        outcome = done.outcome
    removed = {i["item"].split(":")[0]: i["count"] for i in outcome["removed"]}
    kept = {i["item"]: i for i in outcome["kept"]}
    assert removed["future appointments"] == 1 and removed["waitlist entries"] == 1
    assert removed["portal account (sign-in closed)"] == 1
    assert removed["consents to be contacted (withdrawn)"] == 1
    assert removed["marketing and reminder preferences"] >= 1
    assert "contact details" in removed
    assert kept["signed notes"]["count"] == 1 and "17(3)" in kept["signed notes"]["why"]
    assert kept["invoices"]["count"] == 1 and kept["payments"]["count"] == 1
    assert kept["past and documented appointments"]["count"] == 1
    assert "audit log" in kept
    assert outcome["retained_until"] == "2040-03-04"
    with db.session() as s:
        patient = s.get(Patient, pid)
        assert (patient.email, patient.mobile, patient.phone, patient.address_line1,
                patient.emergency_contact_name, patient.marketing_opt_in) == (
            None, None, None, None, None, False)
        assert (patient.given_name, patient.birth_date) == ("Ada", date(1985, 12, 10))
        assert not patient.active
        assert _rows(s, pid) == {"notes": 1, "invoices": 1, "payments": 1, "appointments": 1}
        assert s.get(Appointment, erasable["future"]) is None
        assert s.scalar(select(func.count()).select_from(WaitlistEntry)) == 0
        user = s.get(User, erasable["user"])
        assert not user.active and user.password_hash is None
        assert patients.consents_in_force(patient)["email"] is False
        assert s.scalar(select(func.count()).select_from(Consent)
                        .where(Consent.patient_id == pid)) == 2  # history kept
        request = s.get(ErasureRequest, rid)
        assert request.status == "completed" and request.processed_by == owner.user_id
        actions = set(s.scalars(select(AuditEvent.action).where(
            AuditEvent.resource_type.in_(("erasure-request", "patient")),
            AuditEvent.patient_id == pid)))
        assert {"create", "erase"} <= actions
    with pytest.raises(Conflict), db.session() as s:
        retention.process(s, owner, rid)


def test_erasure_keeps_the_address_while_a_claim_is_open(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = clinic_setup(s, system)
        pid = c["patient"].id
        payer = payers.create_payer(s, system, payers.PayerIn(
            name="Acme Health", kind="commercial", payer_code="ACME01"))
        payers.create_fee_schedule(s, system, payers.FeeScheduleIn(
            name="Acme", payer_id=payer.id, fees=[
                payers.FeeIn(code="97110", amount=Decimal("50.00")),
                payers.FeeIn(code="97140", amount=Decimal("48.00"))]))
        coverage = payers.add_coverage(s, system, pid, payers.CoverageIn(
            payer_id=payer.id, member_id="ACM-778899"))
        cases.update(s, system, c["case"].id, cases.CaseUpdate(
            payer_id=payer.id, coverage_id=coverage.id))
        s.get(Patient, pid).address_line1 = "12 Analytical Row"
        prac = c["practitioner"]
        _visit(s, c, Actor(user_id=prac.user_id, role="practitioner",
                           practitioner_id=prac.id), pid, c["case"].id, MONDAY)
        invoice_id = s.scalar(select(Invoice.id).where(Invoice.patient_id == pid))
        claims.create(s, system, invoice_id)
        rid = retention.request_erasure(s, OWNER, pid, retention.ErasureIn()).id
    with db.session() as s:
        kept = {i["item"]: i for i in retention.process(s, OWNER, rid).outcome["kept"]}
        assert "claim" in kept["postal address"]["why"]
        assert kept["insurance claims"]["count"] == 1
        assert kept["insurance coverages of kept cases, invoices or claims"]["count"] == 1
    with db.session() as s:
        patient = s.get(Patient, pid)
        assert patient.address_line1 == "12 Analytical Row" and patient.email is None


def test_erasure_is_all_or_nothing(db, erasable, monkeypatch):  # type: ignore[no-untyped-def]
    owner, pid = _owner(db), erasable["adult"]
    with db.session() as s:
        rid = retention.request_erasure(s, owner, pid, retention.ErasureIn()).id

    def broken(*args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(retention, "_close_accounts", broken)
    with pytest.raises(RuntimeError), db.session() as s:
        retention.process(s, owner, rid)
    with db.session() as s:
        patient = s.get(Patient, pid)
        assert patient.mobile == "+1 416 555 0199" and patient.marketing_opt_in
        assert s.get(Appointment, erasable["future"]) is not None
        assert s.get(ErasureRequest, rid).status == "open"


def test_marketing_only_request_and_refusal(db, erasable):  # type: ignore[no-untyped-def]
    owner, pid = _owner(db), erasable["adult"]
    with db.session() as s:
        rid = retention.request_erasure(s, owner, pid, retention.ErasureIn(
            scope="marketing", channel="email")).id
    with db.session() as s:
        outcome = retention.process(s, owner, rid).outcome
        assert outcome["removed"] == [{"item": "marketing consent (opt-in)", "count": 1}]
        patient = s.get(Patient, pid)
        assert not patient.marketing_opt_in and patient.mobile and patient.active
    with db.session() as s:
        rid = retention.request_erasure(s, owner, pid, retention.ErasureIn()).id
    with db.session() as s:
        refused = retention.refuse(s, owner, rid, retention.RefuseIn(
            reason="identity could not be confirmed"))
        assert refused.status == "refused"
    with db.session() as s:
        assert [r.status for r in retention.list_requests(s, owner)] == ["refused",
                                                                         "completed"]


# -- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front-desk", "practitioner", "billing", "patient"])
def test_only_the_owner_manages_retention(db, clinic, role):  # type: ignore[no-untyped-def]
    who = Actor(user_id=None, role=role,
                patient_id=clinic["adult"] if role == "patient" else None)
    attempts = [
        lambda s: retention.read_policy(s, who),
        lambda s: retention.set_policy(s, who, retention.PolicyIn(
            jurisdiction="x", adult_years=1, majority_age=18, minor_years_after_majority=0,
            minor_years_after_contact=1, financial_years=1)),
        lambda s: retention.destroyable(s, who, as_of=date(2060, 1, 1)),
        lambda s: retention.destroy(s, who, retention.DestroyIn(
            patient_ids=[clinic["adult"]], reason="not mine to do"), as_of=date(2060, 1, 1)),
        lambda s: retention.list_requests(s, who),
        lambda s: retention.destructions(s, who),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden), db.session() as s:
            attempt(s)
    if role != "patient":  # staff other than the owner cannot file one either
        with pytest.raises(Forbidden), db.session() as s:
            retention.request_erasure(s, who, clinic["adult"], retention.ErasureIn())


def test_a_patient_files_and_sees_only_their_own(db, clinic):  # type: ignore[no-untyped-def]
    me = Actor(user_id=None, role="patient", patient_id=clinic["child"])
    with pytest.raises(Forbidden), db.session() as s:
        retention.request_erasure(s, me, clinic["adult"], retention.ErasureIn())
    with db.session() as s:
        rid = retention.request_erasure(s, OWNER, clinic["adult"], retention.ErasureIn()).id
    with pytest.raises(Forbidden), db.session() as s:
        retention.requests_of(s, me, clinic["adult"])
    with pytest.raises(Forbidden), db.session() as s:
        retention.read_request(s, me, rid)
    with pytest.raises(Forbidden), db.session() as s:
        retention.process(s, me, rid)


def test_policy_change_is_audited_and_validated(db):  # type: ignore[no-untyped-def]
    owner = _owner(db)
    with db.session() as s:
        assert retention.read_policy(s, owner) == DEFAULT_POLICY
        retention.set_policy(s, owner, retention.PolicyIn(
            jurisdiction="NSW", adult_years=7, majority_age=18, minor_years_after_majority=7,
            minor_years_after_contact=7, financial_years=7))
    with db.session() as s:
        assert retention.read_policy(s, owner).adult_years == 7
        event = s.scalars(select(AuditEvent).where(
            AuditEvent.resource_type == "retention-policy")).one()
        assert "adult_years 10->7" in event.detail
    with pytest.raises(Exception) as caught:
        retention.PolicyIn(jurisdiction="x", adult_years=0, majority_age=18,
                           minor_years_after_majority=0, minor_years_after_contact=1,
                           financial_years=1)
    assert "adult_years" in str(caught.value)


# -- the JSON API --------------------------------------------------------------------------------


@pytest.fixture
def api(db_url):  # type: ignore[no-untyped-def]
    from vesalius.app import create_app

    app = create_app(db_url)
    app.config["TESTING"] = True
    database = app.extensions["vesalius.db"]
    system = Actor.system("tests")
    tokens = {}
    with database.session() as s:
        for role in ("owner", "front-desk", "billing"):
            user = users.create_user(s, system, users.UserIn(
                email=f"{role}@clinic.test", role=role, name=role))
            tokens[role] = users.issue_token(s, system, user)
        patient = patients.create(s, system, patients.PatientIn(
            given_name="Ada", family_name="Tester", birth_date=date(1980, 1, 1),
            email="ada@example.org"))
        user = users.create_user(s, system, users.UserIn(
            email="ada.portal@example.org", role="patient", patient_id=patient.id))
        tokens["patient"] = users.issue_token(s, system, user)
        patient_id = patient.id
    client = app.test_client()

    def call(method: str, path: str, role: str = "owner", **kw):  # type: ignore[no-untyped-def]
        response = client.open("/api/v1" + path, method=method,
                               headers={"Authorization": f"Bearer {tokens[role]}"}, **kw)
        return response.status_code, response.get_json()

    yield call, patient_id, client
    database.dispose()


def test_api_policy_report_destruction_and_erasure(api):  # type: ignore[no-untyped-def]
    call, pid, client = api
    status, policy = call("GET", "/retention/policy")
    assert status == 200 and policy["adult_years"] == 10 and policy["majority_age"] == 18
    for role in ("front-desk", "billing", "patient"):
        assert call("GET", "/retention/policy", role)[0] == 403
        assert call("GET", "/retention/report", role)[0] == 403
        assert call("GET", "/erasure-requests", role)[0] == 403
    status, body = call("PUT", "/retention/policy", json={**policy, "adult_years": -1})
    assert status == 422 and body["field"] == "adult_years"
    status, body = call("PUT", "/retention/policy", json={**policy, "adult_years": 8,
                                                          "jurisdiction": "England"})
    assert status == 200 and body["adult_years"] == 8
    status, report = call("GET", "/retention/report?as_of=2070-01-01")
    assert status == 200 and [r["patient_id"] for r in report["rows"]] == [pid]
    today = datetime.now(UTC).date()  # the patient was registered today: the last contact
    assert report["rows"][0]["retained_until"] == str(add_years(today, 8))
    assert report["rows"][0]["minor"] is False
    assert call("GET", "/retention/report")[1]["rows"] == []  # registered today
    status, body = call("POST", "/retention/destructions",
                        json={"patient_ids": [pid], "reason": "try"})
    assert status == 409 and body["field"] == "patient_ids" and "kept until" in body["error"]
    # The patient files a request and follows it; the owner processes it.
    status, filed = call("POST", f"/patients/{pid}/erasure-requests", "patient",
                         json={"scope": "all", "channel": "letter"})
    assert status == 201 and filed["channel"] == "portal" and filed["status"] == "open"
    assert call("POST", f"/patients/{pid + 1}/erasure-requests", "patient",
                json={})[0] in (403, 404)
    status, mine = call("GET", f"/patients/{pid}/erasure-requests", "patient")
    assert status == 200 and [r["status"] for r in mine] == ["open"]
    assert call("POST", f"/erasure-requests/{filed['id']}/process", "front-desk")[0] == 403
    status, done = call("POST", f"/erasure-requests/{filed['id']}/process")
    assert status == 200 and done["status"] == "completed"
    assert any(i["item"].startswith("portal account") for i in done["outcome"]["removed"])
    assert call("GET", "/retention/policy", "patient")[0] == 401  # the account is closed
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["paths"]["/api/v1/retention/destructions"]["post"]["x-permission"] == \
        "retention.manage"


def test_migration_goes_down_and_up_with_records_in_it(db, clinic):  # type: ignore[no-untyped-def]
    """0008 on a database with signed notes, a policy and a request: down to 0007 (the old
    guards come back whole), up again (the register guard works)."""
    from alembic import command
    from sqlalchemy import inspect
    from vesalius.db.migrate import alembic_config, current, head

    owner = _owner(db)
    with db.session() as s:
        retention.set_policy(s, owner, retention.PolicyIn(
            jurisdiction="x", adult_years=9, majority_age=18, minor_years_after_majority=9,
            minor_years_after_contact=9, financial_years=7))
        retention.request_erasure(s, owner, clinic["adult"], retention.ErasureIn())
        note_id = s.scalar(select(Note.id).where(Note.patient_id == clinic["adult"]))
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
    assert "retention_policy" not in inspect(db.engine).get_table_names()
    for statement in ("DELETE FROM note_addenda WHERE note_id = :n",
                      "DELETE FROM notes WHERE id = :n"):
        with pytest.raises((IntegrityError, DBAPIError)), db.session() as s:
            s.execute(text(statement), {"n": note_id})
    db.upgrade()
    assert current(db.engine) == head()
    with db.session() as s:
        (done,) = retention.destroy(s, owner, retention.DestroyIn(
            patient_ids=[clinic["adult"]], reason="after the round trip"),
            as_of=date(2050, 1, 1))
        assert done.removed["notes"] == 1
