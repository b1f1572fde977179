"""Sending the outbox: e-mail to a real SMTP server (aiosmtpd on 127.0.0.1, also with
STARTTLS or TLS and AUTH), SMS to a local server with Twilio's Messages shape; each row at
most once, temporary failures retried with backoff, permanent ones failed with the channel's
words; two workers at once never take the same row. Both engines."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from clinic_mail import MailServer, running_mail_server
from clinic_outbox import basic, queue, rows, running_sms_server, statuses
from vesalius.messaging.channels import ChannelSettingsError, factories, smtp
from vesalius.messaging.sender import BACKOFF, MAX_ATTEMPTS, send_due

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
FROM = "Riverside Physio <reception@riverside.example>"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with running_mail_server() as server:
        yield server


def email(url: str, **extra: str) -> dict:  # type: ignore[type-arg]
    return factories({"VESALIUS_SMTP_URL": url, "VESALIUS_MAIL_FROM": FROM, **extra})


def test_sends_what_is_due_once_in_order(db, mail) -> None:  # type: ignore[no-untyped-def]
    first = queue(db, 3, send_after=NOW - timedelta(minutes=5))
    later = queue(db, 1, start=10, send_after=NOW + timedelta(hours=1))
    outcome = send_due(db, email(mail.url), now=NOW)
    assert (outcome.sent, outcome.retry, outcome.failed) == (3, 0, 0)
    got = mail.messages
    assert [m["To"] for m in got] == [f"patient{n}@example.org" for n in range(3)]
    assert got[0]["Subject"] == "Reminder 0" and got[0]["From"] == FROM
    assert got[0].get_content().strip() == "See you 0"
    assert got[0]["Message-ID"].startswith(f"<outbox-{first[0]}.")
    assert got[0]["Message-ID"].endswith("@riverside.example>")
    kept = rows(db)
    assert {kept[i].status for i in first} == {"sent"} and kept[later[0]].status == "pending"
    assert kept[first[0]].sent_at == NOW and kept[first[0]].attempts == 1
    # Again at the same moment: nothing more; an hour on, the later one only.
    assert send_due(db, email(mail.url), now=NOW).sent == 0
    assert send_due(db, email(mail.url), now=NOW + timedelta(hours=1)).sent == 1
    assert len(mail.messages) == 4


def test_temporary_refusals_back_off_then_fail(db, mail) -> None:  # type: ignore[no-untyped-def]
    (row,) = queue(db, 1, send_after=NOW)
    mail.refuse("451 4.3.0 Mailbox busy, try again later")
    moment = NOW
    for attempt in range(1, MAX_ATTEMPTS):
        assert send_due(db, email(mail.url), now=moment).retry == 1
        state = rows(db)[row]
        assert (state.status, state.attempts) == ("pending", attempt)
        assert state.send_after == moment + BACKOFF[attempt - 1]
        assert state.last_error == ("SMTP 451 at end of DATA: 4.3.0 Mailbox busy, "
                                    "try again later")
        # Not due before its time.
        assert send_due(db, email(mail.url),
                        now=state.send_after - timedelta(seconds=1)).retry == 0
        moment = state.send_after
    assert send_due(db, email(mail.url), now=moment).failed == 1
    state = rows(db)[row]
    assert (state.status, state.attempts) == ("failed", MAX_ATTEMPTS)
    assert len(mail.refusals) == MAX_ATTEMPTS and mail.messages == []


def test_a_refusal_then_success(db, mail) -> None:  # type: ignore[no-untyped-def]
    (row,) = queue(db, 1, send_after=NOW)
    mail.refuse("421 4.7.0 Too many connections", times=1)
    assert send_due(db, email(mail.url), now=NOW).retry == 1
    assert send_due(db, email(mail.url), now=NOW + BACKOFF[0]).sent == 1
    state = rows(db)[row]
    assert (state.status, state.attempts, state.last_error) == ("sent", 2, None)
    assert len(mail.messages) == 1


def test_a_permanent_refusal_fails_at_once(db, mail) -> None:  # type: ignore[no-untyped-def]
    bad, good = queue(db, 2, send_after=NOW)
    mail.refuse("550 5.1.1 Mailbox unavailable", times=1)
    outcome = send_due(db, email(mail.url), now=NOW)
    assert (outcome.sent, outcome.failed) == (1, 1)  # the connection goes on to the next
    kept = rows(db)
    assert kept[bad].status == "failed" and kept[bad].attempts == 1
    assert kept[bad].last_error == "SMTP 550 at end of DATA: 5.1.1 Mailbox unavailable"
    assert "See you" not in (kept[bad].last_error or "")  # never the content
    assert kept[good].status == "sent"


def test_an_unreachable_server_puts_the_batch_back(db) -> None:  # type: ignore[no-untyped-def]
    from clinic_mail import free_port

    ids = queue(db, 5, send_after=NOW)
    outcome = send_due(db, email(f"smtp://127.0.0.1:{free_port()}"), now=NOW)
    assert (outcome.sent, outcome.retry, outcome.released) == (0, 1, 4)
    assert "ConnectionRefusedError" in outcome.down["email"]
    kept = rows(db)
    assert kept[ids[0]].status == "pending" and kept[ids[0]].attempts == 1
    assert kept[ids[0]].send_after == NOW + BACKOFF[0]
    # The others were not tried: untouched, still due.
    assert {(kept[i].status, kept[i].attempts, kept[i].send_after) for i in ids[1:]} == {
        ("pending", 0, NOW)}


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_tls_and_login(db, tls) -> None:  # type: ignore[no-untyped-def]
    queue(db, 2, send_after=NOW)
    with running_mail_server(tls=tls, login=("clinic", "p@ss word")) as mail:
        url = mail.url.replace("p@ss word", "p%40ss%20word")
        assert url.startswith("smtps://" if tls == "implicit" else "smtp://")
        # Without the clinic's own authority the certificate is refused: nothing sent, the
        # channel is down for this run, the rows wait.
        outcome = send_due(db, email(url), now=NOW)
        assert (outcome.sent, outcome.retry, outcome.released) == (0, 1, 1)
        assert outcome.down["email"] == "SMTP TLS certificate: self-signed certificate"
        later = NOW + BACKOFF[0]
        outcome = send_due(db, email(url, VESALIUS_SMTP_CAFILE=mail.cafile), now=later)
        assert outcome.sent == 2 and len(mail.messages) == 2
    with running_mail_server(tls=tls, login=("clinic", "right")) as mail:
        queue(db, 1, start=5, send_after=NOW)
        wrong = mail.url.replace(":right@", ":wrong@")
        outcome = send_due(db, email(wrong, VESALIUS_SMTP_CAFILE=mail.cafile), now=NOW)
        assert outcome.retry == 1 and mail.messages == []
        assert outcome.down["email"] == "SMTP login refused (535)"
        assert max(rows(db).values(), key=lambda r: r.id).last_error == \
            "SMTP login refused (535)"


def test_smtp_url_syntax() -> None:
    s = smtp.parse_url("smtp://me%40clinic:pw@mail.example.org", FROM)
    assert (s.host, s.port, s.starttls, s.implicit_tls, s.user, s.password) == (
        "mail.example.org", 587, True, False, "me@clinic", "pw")
    s = smtp.parse_url("smtps://me:pw@mail.example.org", FROM)
    assert (s.port, s.implicit_tls, s.starttls) == (465, True, False)
    s = smtp.parse_url("smtp://localhost", FROM)
    assert (s.port, s.starttls, s.user) == (25, False, None)
    assert smtp.parse_url("smtp://relay:2525?starttls=yes", FROM).starttls
    for bad, words in (("http://x", "VESALIUS_SMTP_URL"), ("smtp://me@host", "password"),
                       ("smtp://me:pw@host?starttls=no", "without TLS"),
                       ("smtp://host:99999", "VESALIUS_SMTP_URL")):
        with pytest.raises(ChannelSettingsError, match=words):
            smtp.parse_url(bad, FROM)
    with pytest.raises(ChannelSettingsError, match="VESALIUS_MAIL_FROM"):
        factories({"VESALIUS_SMTP_URL": "smtp://localhost"})
    with pytest.raises(ChannelSettingsError, match="VESALIUS_SMS_FROM"):
        factories({"VESALIUS_SMS_URL": "https://AC1:t@api.example", "VESALIUS_SMS_FROM": "1"})
    assert factories({}) == {}


def test_sms_through_the_providers_rest_shape(db) -> None:  # type: ignore[no-untyped-def]
    ids = queue(db, 4, channel="sms", send_after=NOW)
    with running_sms_server() as server:
        server.answers = [
            (400, {"code": 21211, "message": "The 'To' number is not a valid phone number.",
                   "status": 400}),
            (429, {"code": 20429, "message": "Too Many Requests", "status": 429}),
        ]
        channels = factories({"VESALIUS_SMS_URL": server.url(),
                              "VESALIUS_SMS_FROM": "+15550001111"})
        outcome = send_due(db, channels, now=NOW)
        assert (outcome.sent, outcome.retry, outcome.failed) == (2, 1, 1)
        path, auth, form = server.requests[0]
        assert path == "/2010-04-01/Accounts/AC0123/Messages.json"
        assert auth == basic("AC0123", "s3cret")
        assert form == {"To": "+14165550000", "From": "+15550001111", "Body": "See you 0"}
        kept = rows(db)
        assert kept[ids[0]].status == "failed"
        assert kept[ids[0]].last_error == ("SMS provider 400: 21211 The 'To' number is not "
                                           "a valid phone number.")
        assert (kept[ids[1]].status, kept[ids[1]].last_error) == (
            "pending", "SMS provider 429: 20429 Too Many Requests")
        assert send_due(db, channels, now=NOW + BACKOFF[0]).sent == 1
        assert [f["Body"] for _, _, f in server.requests] == [
            "See you 0", "See you 1", "See you 2", "See you 3", "See you 1"]
    assert statuses(db) == {"failed": 1, "sent": 3}


def test_a_channel_not_configured_leaves_its_rows_waiting(db, mail) -> None:  # type: ignore[no-untyped-def]
    queue(db, 1, channel="sms", send_after=NOW)
    queue(db, 1, send_after=NOW)
    assert send_due(db, email(mail.url), now=NOW).sent == 1
    assert statuses(db) == {"pending": 1, "sent": 1}


def test_two_workers_never_take_the_same_row(db, mail) -> None:  # type: ignore[no-untyped-def]
    count = 120
    queue(db, count, send_after=NOW)
    mail.delay = 0.01  # so that the three overlap
    outcomes, errors = [], []
    start = threading.Barrier(3)

    def work() -> None:
        start.wait()
        try:
            outcomes.append(send_due(db, email(mail.url), now=NOW, batch=5))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors
    assert sum(o.sent for o in outcomes) == count
    assert all(o.sent > 0 for o in outcomes), [o.sent for o in outcomes]  # all took a share
    ids = [m["Message-ID"] for m in mail.messages]
    assert len(ids) == count == len(set(ids))
    assert statuses(db) == {"sent": count}


def test_non_ascii_and_html_arrive_intact(db, mail) -> None:  # type: ignore[no-untyped-def]
    from vesalius.messaging import outbox
    from vesalius.messaging.render import Rendered

    with db.session() as s:
        outbox.enqueue(s, kind="test-reminder", channel="email", to="zoe@example.org",
                       message=Rendered(subject="Rendez-vous à 9 h", text="Bonjour Zoë,\nà lundi."),
                       html="<p>Bonjour Zoë</p>", dedupe_key="fr:1", send_after=NOW)
    clinique = factories({"VESALIUS_SMTP_URL": mail.url,
                          "VESALIUS_MAIL_FROM": "Clinique Côte <accueil@cote.example>"})
    assert send_due(db, clinique, now=NOW).sent == 1
    (got,) = mail.messages
    assert got["Subject"] == "Rendez-vous à 9 h"
    assert got["From"] == "Clinique Côte <accueil@cote.example>"
    # On the wire every line ends CRLF (RFC 5321); a reader's parser keeps those.
    assert got.get_body(("plain",)).get_content() == "Bonjour Zoë,\r\nà lundi."
    assert got.get_body(("html",)).get_content() == "<p>Bonjour Zoë</p>"
    assert got["Auto-Submitted"] == "auto-generated"
