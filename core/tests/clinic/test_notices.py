"""The clinic's messages about visits and payments: queued by booking, moving, cancelling
and paying in the same transaction, at the right UTC time for the location's wall clock,
following the patient's preferences and SMS consent, in the clinic's own (checked) words
and the patient's language, and never with clinical content. Both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from clinic_factories import MONDAY, at, case, clinic_setup
from clinic_outbox import session_rows as _rows
from sqlalchemy import select
from vesalius.db.types import utcnow
from vesalius.errors import Forbidden, Invalid
from vesalius.messaging import kinds, notices, templates
from vesalius.models import AuditEvent, Invoice, Patient
from vesalius.services import (
    Actor,
    billing,
    patients,
    practitioners,
    recurrence,
    scheduling,
)
from vesalius.services.scheduling import BookingIn, RescheduleIn

TUESDAY = MONDAY + timedelta(days=1)
AFTER_DST = date(2030, 3, 11)  # Toronto moved to daylight time on Sunday 10 March 2030


def _toronto(s, system):  # type: ignore[no-untyped-def]
    c = clinic_setup(s, system)
    loc = practitioners.create_location(s, system, practitioners.LocationIn(
        name="Queen St", timezone="America/Toronto", rooms=["Room A", "Room B"]))
    c["toronto"] = loc
    return c


def _book(s, system, c, start, **extra):  # type: ignore[no-untyped-def]
    return scheduling.book(s, system, BookingIn(
        patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
        service_id=c["service"].id, case_id=c["case"].id, location_id=c["toronto"].id,
        start=start, **extra))


def test_booking_queues_confirmation_and_reminder_in_the_locations_time(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = _toronto(s, system)
        # 14:00 UTC on 4 March 2030 is 09:00 in Toronto (EST, UTC-5).
        appt = _book(s, system, c, at(MONDAY, 14))
        confirmation, = _rows(s, appt.id, notices.CONFIRMATION)
        assert confirmation.channel == "email" and confirmation.status == "pending"
        assert confirmation.recipient == "ada.lovelace@example.org"
        assert confirmation.subject == "Your appointment on Monday 4 March 2030 at 09:00"
        assert "Rehab follow-up with Pat Rehab" in confirmation.body_text
        assert "(45 minutes)" in confirmation.body_text and "Queen St" in confirmation.body_text
        assert confirmation.send_after <= utcnow()
        reminder, = _rows(s, appt.id, notices.REMINDER)
        assert reminder.send_after == datetime(2030, 3, 3, 14, 0, tzinfo=UTC)  # 24 h before
        assert reminder.subject == "Reminder: your appointment on Monday 4 March 2030 at 09:00"
        # Calling the trigger again queues nothing new (dedupe keys).
        assert notices.booked(s, appt) == 0 and len(_rows(s)) == 2

        # Several reminders, across the change to daylight time: 13:00 UTC on 11 March is
        # 09:00 EDT; each reminder is that many hours before, in UTC.
        templates.set_settings(s, system, templates.SettingsIn(reminder_hours=[2, 48]))
        later = _book(s, system, c, at(AFTER_DST, 13))
        assert sorted(r.send_after for r in _rows(s, later.id, notices.REMINDER)) == [
            datetime(2030, 3, 9, 13, 0, tzinfo=UTC), datetime(2030, 3, 11, 11, 0, tzinfo=UTC)]
        assert _rows(s, later.id, notices.CONFIRMATION)[0].subject.endswith(
            "Monday 11 March 2030 at 09:00")

        # A reminder whose time is already past is skipped (the confirmation says it all);
        # a visit entered after the fact gets nothing.
        soon = _book(s, system, c, (utcnow() + timedelta(hours=3)).replace(microsecond=0))
        assert [r.send_after > utcnow() for r in _rows(s, soon.id, notices.REMINDER)] == [True]
        past = _book(s, system, c, at(date(2024, 3, 4), 14))
        assert _rows(s, past.id) == []


def test_reschedule_moves_the_reminder_and_tells_the_patient(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = _toronto(s, system)
        appt = _book(s, system, c, at(MONDAY, 14))
        scheduling.reschedule(s, system, appt.id, RescheduleIn(start=at(TUESDAY, 15)))
        reminders = _rows(s, appt.id, notices.REMINDER)
        assert [(r.status, r.send_after) for r in reminders] == [
            ("cancelled", datetime(2030, 3, 3, 14, tzinfo=UTC)),
            ("pending", datetime(2030, 3, 4, 15, tzinfo=UTC))]
        # The confirmation not yet sent is withdrawn; the notice names both times.
        assert _rows(s, appt.id, notices.CONFIRMATION)[0].status == "cancelled"
        moved, = _rows(s, appt.id, notices.RESCHEDULED)
        assert moved.subject == "Your appointment has moved to Tuesday 5 March 2030 at 10:00"
        assert "on Monday 4 March 2030 at 09:00 has moved" in moved.body_text

        # Back to the first time: a fresh reminder for it (the first one stays cancelled).
        scheduling.reschedule(s, system, appt.id, RescheduleIn(start=at(MONDAY, 14)))
        assert [r.status for r in _rows(s, appt.id, notices.REMINDER)] == [
            "cancelled", "cancelled", "pending"]
        assert [r.status for r in _rows(s, appt.id, notices.RESCHEDULED)] == [
            "cancelled", "pending"]
        # A change of room alone tells the patient nothing.
        count = len(_rows(s, appt.id))
        scheduling.reschedule(s, system, appt.id, RescheduleIn(
            start=at(MONDAY, 14), room_id=c["toronto"].rooms[1].id))
        assert len(_rows(s, appt.id)) == count


def test_cancel_withdraws_the_reminder_and_queues_the_cancellation(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = _toronto(s, system)
        appt = _book(s, system, c, at(MONDAY, 14))
        scheduling.set_status(s, system, appt.id, "cancelled", "Patient called")
        assert {r.kind: r.status for r in _rows(s, appt.id)} == {
            notices.CONFIRMATION: "cancelled", notices.REMINDER: "cancelled",
            notices.CANCELLATION: "pending"}
        cancellation, = _rows(s, appt.id, notices.CANCELLATION)
        assert cancellation.subject == (
            "Your appointment on Monday 4 March 2030 at 09:00 is cancelled")
        assert "Patient called" not in cancellation.body_text
        # The same request again (a retry) changes nothing and queues nothing.
        scheduling.set_status(s, system, appt.id, "cancelled", "Patient called")
        assert len(_rows(s, appt.id)) == 3
        # A no-show withdraws the reminders and says nothing.
        other = _book(s, system, c, at(TUESDAY, 14))
        scheduling.set_status(s, system, other.id, "no-show")
        assert {r.kind: r.status for r in _rows(s, other.id)} == {
            notices.CONFIRMATION: "cancelled", notices.REMINDER: "cancelled"}
        # Undone: its reminder is queued again.
        scheduling.set_status(s, system, other.id, "booked")
        assert [r.status for r in _rows(s, other.id, notices.REMINDER)] == [
            "cancelled", "pending"]


def test_opt_outs_and_sms_consent(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = _toronto(s, system)
        ada = s.get(Patient, c["patient"].id)
        ada.reminders_email, ada.reminders_sms = False, False
        appt = _book(s, system, c, at(MONDAY, 14))
        assert _rows(s, appt.id) == []  # no confirmation, no reminder
        # The cancellation is transactional: e-mailed anyway; no SMS without the preference.
        scheduling.set_status(s, system, appt.id, "cancelled", "Patient called")
        assert [(r.kind, r.channel) for r in _rows(s, appt.id)] == [
            (notices.CANCELLATION, "email")]

        # SMS wanted but no consent on file: e-mail only.
        ada.reminders_email, ada.reminders_sms, ada.mobile = True, True, "+14165550199"
        second = _book(s, system, c, at(TUESDAY, 14))
        assert {r.channel for r in _rows(s, second.id)} == {"email"}
        # With consent: the SMS too, to the mobile, in the short text.
        patients.add_consent(s, system, ada.id, patients.ConsentIn(kind="sms", granted=True))
        third = _book(s, system, c, at(TUESDAY, 16))
        sms = _rows(s, third.id, notices.REMINDER)
        assert {(r.channel, r.recipient) for r in sms} == {
            ("email", "ada.lovelace@example.org"), ("sms", "+14165550199")}
        text, = [r.body_text for r in sms if r.channel == "sms"]
        assert text.startswith("Reminder: Ada, your appointment with Pat Rehab is on Tuesday")
        # Consent withdrawn (the latest answer is in force): no SMS again.
        patients.add_consent(s, system, ada.id, patients.ConsentIn(kind="sms", granted=False))
        fourth = _book(s, system, c, at(TUESDAY, 18))
        assert {r.channel for r in _rows(s, fourth.id)} == {"email"}


def test_a_series_sends_one_confirmation_listing_its_dates(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = _toronto(s, system)
        booked, skipped = recurrence.book_series(s, system, recurrence.SeriesBookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            service_id=c["service"].id, location_id=c["toronto"].id, start=at(MONDAY, 14),
            recurrence=recurrence.RecurrenceIn(frequency="weekly", count=3)))
        assert len(booked) == 3 and skipped == []
        confirmations = _rows(s, kind=notices.CONFIRMATION)
        assert confirmations == []
        series, = _rows(s, kind=notices.SERIES_CONFIRMATION)
        assert series.appointment_id == booked[0].id
        assert series.subject == "Your 3 appointments with Pat Rehab"
        # The same wall-clock time on each side of the change to daylight time.
        for line in ("- Monday 4 March 2030 09:00", "- Monday 11 March 2030 09:00",
                     "- Monday 18 March 2030 09:00"):
            assert line in series.body_text
        assert len(_rows(s, kind=notices.REMINDER)) == 3


def test_payment_receipt(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = _toronto(s, system)
        c["service"].late_cancel_fee = Decimal("40.00")
        appt = _book(s, system, c, at(MONDAY, 14))
        scheduling.set_status(s, system, appt.id, "no-show")  # drafts the fee invoice
        invoice = s.scalar(select(Invoice).where(Invoice.appointment_id == appt.id))
        payment = billing.record_payment(s, system, billing.PaymentIn(
            patient_id=c["patient"].id, amount=Decimal("40.00"), method="card",
            received_on=date(2030, 3, 5),
            allocations=[billing.AllocationIn(invoice_id=invoice.id, amount=Decimal("40"))]))
        receipt, = _rows(s, kind=notices.RECEIPT)
        assert receipt.channel == "email" and receipt.appointment_id is None
        assert receipt.subject == "Receipt: payment of 40.00 received"
        assert "on 5 March 2030" in receipt.body_text
        assert f"applied to invoice {invoice.number}." in receipt.body_text
        assert "No-show fee" not in receipt.body_text and "portal" not in receipt.body_text
        assert receipt.dedupe_key == f"receipt:payment:{payment.id}:email"
        # Transactional: sent though the patient turned e-mail reminders off; credit only.
        s.get(Patient, c["patient"].id).reminders_email = False
        billing.record_payment(s, system, billing.PaymentIn(
            patient_id=c["patient"].id, amount=Decimal("10.00"), method="cash"))
        assert len(_rows(s, kind=notices.RECEIPT)) == 2


def test_receipt_links_the_portal(db, system, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VESALIUS_PUBLIC_URL", "https://clinic.example.org/")
    with db.session() as s:
        c = clinic_setup(s, system)
        billing.record_payment(s, system, billing.PaymentIn(
            patient_id=c["patient"].id, amount=Decimal("10.00"), method="cash"))
        receipt, = _rows(s, kind=notices.RECEIPT)
        assert "patient portal: https://clinic.example.org/portal/" in receipt.body_text


def test_clinic_templates_are_checked_saved_used_and_reset(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = _toronto(s, system)
        # An unknown variable: refused, naming the part and the variable.
        with pytest.raises(Invalid) as exc:
            templates.save(s, system, notices.REMINDER, "en",
                           {"subject": "See you {{ dte }}"})
        assert exc.value.field == "subject" and "dte" in exc.value.message
        assert "given_name" in exc.value.message  # and what it may use
        with pytest.raises(Invalid) as exc:
            templates.save(s, system, notices.REMINDER, "en", {"text": "Hi {% if %}"})
        assert exc.value.field == "text"
        with pytest.raises(Invalid) as exc:
            templates.save(s, system, notices.REMINDER, "en",
                           {"sms": "{{ given_name.__class__.__mro__ }}"})
        assert exc.value.field == "sms"
        with pytest.raises(Invalid) as exc:
            templates.save(s, system, notices.RECEIPT, "en", {"sms": "Paid"})
        assert exc.value.field == "sms"  # a receipt is not sent by SMS
        with pytest.raises(Invalid) as exc:
            templates.save(s, system, notices.REMINDER, "de", {"text": "Hallo"})
        assert exc.value.field == "language"
        with pytest.raises(Forbidden):
            templates.save(s, Actor(user_id=None, role="front-desk"), notices.REMINDER, "en",
                           {"subject": "Hi"})

        sample = templates.save(s, system, notices.REMINDER, "en",
                                {"subject": "See you {{ date }}, {{ given_name }}!"})
        assert sample.subject == "See you Monday 4 March 2030, Alex!"
        appt = _book(s, system, c, at(MONDAY, 14))
        assert _rows(s, appt.id, notices.REMINDER)[0].subject == (
            "See you Monday 4 March 2030, Ada!")
        assert templates.reset(s, system, notices.REMINDER, "en") == 1
        later = _book(s, system, c, at(TUESDAY, 14))
        assert _rows(s, later.id, notices.REMINDER)[0].subject.startswith("Reminder:")
        s.commit()
    with db.session() as s:  # audited (which kind and part, never the text)
        audit = list(s.scalars(select(AuditEvent.detail).order_by(AuditEvent.id)
                               .where(AuditEvent.resource_type == "message-template")))
        assert audit == [f"{notices.REMINDER} (en): subject",
                         f"{notices.REMINDER} (en): back to the default"]


def test_a_clinic_template_that_fails_on_a_real_message_falls_back(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = _toronto(s, system)
        # Passes the check (the sample visit lasts 45 minutes) but not on a 30-minute one.
        templates.save(s, system, notices.CONFIRMATION, "en",
                       {"text": "{{ 60 // (minutes - 30) }}"})
        appt = _book(s, system, c, at(MONDAY, 14), end=at(MONDAY, 14, 30))
        confirmation, = _rows(s, appt.id, notices.CONFIRMATION)
        assert confirmation.body_text.startswith("Hello Ada,")


def test_language_of_the_patient_else_the_clinic(db, system):  # type: ignore[no-untyped-def]
    kinds.register(kinds.MessageKind(
        key="test-english-only", label="English only (tests)",
        description="A kind with no French words.", subject="On {{ date }}",
        text="Hello", variables={"date": ""}))
    with db.session() as s:
        c = _toronto(s, system)
        ada = s.get(Patient, c["patient"].id)
        ada.language = "fr-CA"
        appt = _book(s, system, c, at(MONDAY, 14))
        confirmation, = _rows(s, appt.id, notices.CONFIRMATION)
        assert confirmation.subject == "Votre rendez-vous du lundi 4 mars 2030 à 09:00"
        assert confirmation.body_text.startswith("Bonjour Ada,")
        # A kind without French words is English throughout, dates included.
        from vesalius.messaging import notify
        row, = notify.send(s, kind="test-english-only", patient=ada, appointment=appt,
                           dedupe_key="english-only")
        assert row.subject == "On Monday 4 March 2030"
        # A clinic's French override is used for French patients only.
        templates.save(s, system, notices.REMINDER, "fr",
                       {"subject": "À {{ date }}, {{ given_name }}"})
        later = _book(s, system, c, at(TUESDAY, 14))
        assert _rows(s, later.id, notices.REMINDER)[0].subject == "À mardi 5 mars 2030, Ada"
        # No language given: the clinic's default (French here).
        ada.language = None
        templates.set_settings(s, system, templates.SettingsIn(
            reminder_hours=[24], default_language="fr"))
        third = _book(s, system, c, at(TUESDAY, 16))
        assert _rows(s, third.id, notices.CONFIRMATION)[0].subject.startswith("Votre")
        ada.language = "en-GB"
        fourth = _book(s, system, c, at(TUESDAY, 18))
        assert _rows(s, fourth.id, notices.CONFIRMATION)[0].subject.startswith("Your")


def test_settings_are_checked_and_audited(db, system):  # type: ignore[no-untyped-def]
    from pydantic import ValidationError
    for bad in ([0], [400], [24, 24], [1, 2, 3, 4, 5, 6]):
        with pytest.raises(ValidationError):
            templates.SettingsIn(reminder_hours=bad)
    with pytest.raises(ValidationError):
        templates.SettingsIn(reminder_hours=[24], default_language="xx")
    with db.session() as s:
        assert templates.settings(s).reminder_minutes == (1440,)
        done = templates.set_settings(s, system, templates.SettingsIn(reminder_hours=[2, 48]))
        assert done.reminder_minutes == (2880, 120) and done.reminder_hours == [48, 2]
        s.commit()
    with db.session() as s:
        assert s.scalar(select(AuditEvent.detail).where(
            AuditEvent.resource_type == "message-settings")) == "changed: reminder schedule"
        # No reminders at all is a choice too.
        templates.set_settings(s, system, templates.SettingsIn(reminder_hours=[]))
        c = _toronto(s, system)
        appt = _book(s, system, c, at(MONDAY, 14))
        assert [r.kind for r in _rows(s, appt.id)] == [notices.CONFIRMATION]


SENTINELS = ("SENTINEL-TITLE", "SENTINEL-NOTE", "SENTINEL-REASON", "M54.50", "SENTINEL-ALERT")


def test_no_clinical_content_in_any_message(db, system):  # type: ignore[no-untyped-def]
    """Every kind, in every language it has words for, through the real triggers, with a
    case, booking note, cancellation reason and front-desk remark that are sentinels."""
    with db.session() as s:
        c = _toronto(s, system)
        ada = s.get(Patient, c["patient"].id)
        ada.admin_note, ada.mobile, ada.reminders_sms = "SENTINEL-ALERT", "+14165550199", True
        patients.add_consent(s, system, ada.id, patients.ConsentIn(kind="sms", granted=True))
        c["case"] = case(s, system, ada.id, title="SENTINEL-TITLE",
                         diagnosis_codes=["M54.50"])
        c["service"].late_cancel_fee = Decimal("40.00")
        for language in ("en", "fr"):
            ada.language = language
            appt = _book(s, system, c, at(MONDAY, 14 if language == "en" else 16),
                         booking_note="SENTINEL-NOTE")
            scheduling.reschedule(s, system, appt.id, RescheduleIn(
                start=appt.start_at + timedelta(days=1)))
            scheduling.set_status(s, system, appt.id, "late-cancelled", "SENTINEL-REASON")
            recurrence.book_series(s, system, recurrence.SeriesBookingIn(
                patient_id=ada.id, practitioner_id=c["practitioner"].id,
                service_id=c["service"].id, case_id=c["case"].id,
                location_id=c["toronto"].id, booking_note="SENTINEL-NOTE",
                start=at(MONDAY + timedelta(days=14), 14 if language == "en" else 16),
                recurrence=recurrence.RecurrenceIn(frequency="weekly", count=2)))
            billing.record_payment(s, system, billing.PaymentIn(
                patient_id=ada.id, amount=Decimal("40.00"), method="card"))
        rows = _rows(s)
        mine = {"appointment-confirmation", "appointment-series-confirmation",
                "appointment-reminder", "appointment-rescheduled",
                "appointment-cancellation", "payment-receipt"}
        assert {r.kind for r in rows} == mine
        assert {r.channel for r in rows} == {"email", "sms"}
        for row in rows:
            for text in (row.subject or "", row.body_text):
                assert not any(sentinel in text for sentinel in SENTINELS), (row.kind, text)
        assert any(r.body_text.startswith("Bonjour") for r in rows)
    # And each registered kind's default templates (every language), with samples.
    for kind in kinds.all_kinds():
        if kind.key.startswith("test-"):
            continue
        for language in ("en", *kind.translations):
            rendered = templates.check(kind, language, {})
            for text in (rendered.subject, rendered.text, rendered.sms or ""):
                assert not any(sentinel in text for sentinel in SENTINELS)


def test_each_worker_keeps_the_settings_and_wording_until_they_change(db, db_url, system):  # type: ignore[no-untyped-def]
    """Two workers on one database (two engines: each keeps its own copy). A change of the
    reminder schedule or the clinic's wording through one, or straight in SQL, is used by
    the other's next booking; and the copy is used: the second booking reads neither."""
    from sqlalchemy import event, text
    from vesalius.db import Database

    other = Database(db_url)
    try:
        with db.session() as s:
            c = _toronto(s, system)
            ids = {key: c[key].id for key in ("patient", "practitioner", "service", "case",
                                              "toronto")}

        def book(database, start):  # type: ignore[no-untyped-def]
            with database.session() as s:
                appt = scheduling.book(s, system, BookingIn(
                    patient_id=ids["patient"], practitioner_id=ids["practitioner"],
                    service_id=ids["service"], case_id=ids["case"],
                    location_id=ids["toronto"], start=start))
                return [(r.kind, r.subject) for r in _rows(s, appt.id)]

        assert len(book(other, at(MONDAY, 9))) == 2  # confirmation, the 24 h reminder
        seen: list[str] = []
        event.listen(other.engine, "before_cursor_execute",
                     lambda *args: seen.append(args[2]))
        book(other, at(MONDAY, 10))
        assert not [q for q in seen if "message_settings" in q or "message_templates" in q]
        with db.session() as s:  # through this worker
            templates.set_settings(s, system, templates.SettingsIn(reminder_hours=[2, 48]))
            templates.save(s, system, notices.CONFIRMATION, "en",
                           {"subject": "Booked: {{ date }}"})
        queued = book(other, at(MONDAY, 11))
        assert [k for k, _ in queued].count(notices.REMINDER) == 2
        assert (notices.CONFIRMATION, "Booked: Monday 4 March 2030") in queued
        with db.engine.begin() as conn:  # straight in SQL: psql, a script
            conn.execute(text("DELETE FROM message_templates"))
        queued = book(other, at(MONDAY, 13))
        assert (notices.CONFIRMATION, "Your appointment on Monday 4 March 2030 at 08:00") in (
            queued)  # 13:00 UTC is 08:00 in Toronto
    finally:
        other.dispose()
