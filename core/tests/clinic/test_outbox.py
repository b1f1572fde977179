"""The outbox's contract (queueing in the caller's transaction, once per dedupe key,
cancelling what is pending) and the sandboxed rendering of clinic-editable message
templates. Both engines."""

from __future__ import annotations

import pytest
from clinic_factories import patient
from sqlalchemy import func, select
from vesalius.messaging import kinds, outbox
from vesalius.messaging.render import Rendered, TemplateProblem, render
from vesalius.models import OutboxMessage
from vesalius.services import Actor

KIND = kinds.MessageKind(
    key="test-hello", label="Hello (tests)", description="A message the tests send.",
    subject="Hello {{ given_name }}", text="Dear {{ given_name }},\nsee you at {{ time }}.",
    sms="Hi {{ given_name }}, {{ time }}", variables={"given_name": "", "time": ""})


def test_queue_once_per_key_and_only_if_the_change_commits(db) -> None:  # type: ignore[no-untyped-def]
    message = render(KIND, {"given_name": "Ada", "time": "09:00"})
    with db.session() as s:
        pid = patient(s, Actor.system("tests")).id
        first = outbox.enqueue(s, kind=KIND.key, channel="email", to="ada@example.org",
                               message=message, dedupe_key="hello:1", patient_id=pid)
        assert first is not None and first.subject == "Hello Ada"
        assert outbox.enqueue(s, kind=KIND.key, channel="sms", to="+14165550100",
                              message=message, dedupe_key="hello:1", patient_id=pid) is None
        sms = outbox.enqueue(s, kind=KIND.key, channel="sms", to="+14165550100",
                             message=message, dedupe_key="hello:2", patient_id=pid)
        assert sms is not None and sms.body_text == "Hi Ada, 09:00" and sms.subject is None
        s.commit()
    with db.session() as s:
        outbox.enqueue(s, kind=KIND.key, channel="email", to="ada@example.org",
                       message=message, dedupe_key="hello:3", patient_id=pid)
        s.rollback()  # the change that caused it did not happen: nor does the message
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert outbox.cancel_pending(s, patient_id=pid, kinds=["test-hello"]) == 2
        assert outbox.cancel_pending(s, patient_id=pid) == 0
        s.commit()
        assert set(s.scalars(select(OutboxMessage.status))) == {"cancelled"}


def test_refuses_what_it_cannot_send(db) -> None:  # type: ignore[no-untyped-def]
    message = Rendered(subject="s", text="t")
    with db.session() as s, pytest.raises(ValueError, match="channel"):
        outbox.enqueue(s, kind="x", channel="fax", to="1", message=message, dedupe_key="k")
    with db.session() as s, pytest.raises(ValueError, match="patient"):
        outbox.enqueue(s, kind="x", channel="email", to="a@b.c", message=message,
                       dedupe_key="k", appointment_id=1)


def test_templates_render_in_a_sandbox() -> None:
    assert render(KIND, {"given_name": "Ada", "time": "09:00"}).text == (
        "Dear Ada,\nsee you at 09:00.")
    # A clinic's template cannot walk to Python internals ...
    with pytest.raises(TemplateProblem) as exc:
        render(KIND, {"given_name": "Ada", "time": "9"},
               overrides={"text": "{{ given_name.__class__.__mro__ }}"})
    assert exc.value.field == "text"
    # ... and a misspelt variable is an error naming the part, not a blank.
    with pytest.raises(TemplateProblem, match=r"subject.*givn_name"):
        render(KIND, {"given_name": "Ada", "time": "9"}, overrides={"subject": "{{ givn_name }}"})


def test_a_kind_is_registered_once() -> None:
    assert kinds.register(KIND) is KIND
    assert kinds.register(KIND) is KIND  # the same content again is fine (re-import)
    with pytest.raises(ValueError, match="registered already"):
        kinds.register(KIND.model_copy(update={"label": "Other"}))
    assert kinds.get("test-hello") is KIND and KIND in kinds.all_kinds()


def test_notify_follows_the_patients_preferences(db) -> None:  # type: ignore[no-untyped-def]
    from clinic_factories import MONDAY, at, clinic_setup
    from vesalius.messaging import notify
    from vesalius.services import patients, scheduling
    from vesalius.services.scheduling import BookingIn

    kinds.register(KIND)
    system = Actor.system("tests")
    with db.session() as s:
        c = clinic_setup(s, system)
        ada = c["patient"]
        appt = scheduling.book(s, system, BookingIn(
            patient_id=ada.id, practitioner_id=c["practitioner"].id,
            service_id=c["service"].id, case_id=c["case"].id, start=at(MONDAY, 14)))
        rows = notify.send(s, kind=KIND.key, patient=ada, appointment=appt,
                           dedupe_key=f"hello:{appt.id}")
        assert [(r.channel, r.recipient) for r in rows] == [("email", "ada.lovelace@example.org")]
        assert rows[0].body_text.endswith("see you at 14:00.")
        ada.reminders_sms, ada.reminders_email = True, False
        # SMS only with the patient's SMS consent in force.
        assert notify.send(s, kind=KIND.key, patient=ada, appointment=appt,
                           dedupe_key=f"hello2:{appt.id}") == []
        patients.add_consent(s, system, ada.id, patients.ConsentIn(kind="sms", granted=True))
        rows = notify.send(s, kind=KIND.key, patient=ada, appointment=appt,
                           dedupe_key=f"hello2:{appt.id}")
        assert [(r.channel, r.body_text) for r in rows] == [("sms", "Hi Ada, 14:00")]
