"""The outbox page (owner): counts by status, a filter, the rows without their bodies, a
failed message or one a stopped worker left "sending" sent again, a pending one cancelled;
each action audited, CSRF-protected, and refused to other roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from vesalius.messaging import outbox
from vesalius.messaging.render import Rendered
from vesalius.models import AuditEvent, OutboxMessage


def _queue(db, n: int, status: str, **values: object) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        row = outbox.enqueue(s, kind="appointment-reminder", channel="email",
                             to=f"page{n}@example.org",
                             message=Rendered(subject=f"Subject {n}", text=f"Secret body {n}"),
                             dedupe_key=f"page:{n}")
        assert row is not None
        row.status = status
        for name, value in values.items():
            setattr(row, name, value)
        s.flush()
        return row.id


def test_the_outbox_page(browser, db, kit) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        s.execute(delete(OutboxMessage))
    now = datetime.now(UTC)
    pending = _queue(db, 1, "pending")
    failed = _queue(db, 2, "failed", attempts=6, last_error="SMTP 550 at RCPT TO: no such user")
    stale = _queue(db, 3, "sending", claimed_at=now - timedelta(hours=1), attempts=1)
    busy = _queue(db, 4, "sending", claimed_at=now, attempts=1)
    _queue(db, 5, "sent", sent_at=now, attempts=1)

    owner = browser("owner")
    page = owner.get("/admin/outbox/").get_data(as_text=True)
    assert "Failed (1)" in page and "Sending (2)" in page and "Worker stopped (1)" in page
    assert "the worker stopped while sending; check with the patient" in page
    assert "SMTP 550 at RCPT TO: no such user" in page and "page2@example.org" in page
    assert "Secret body" not in page  # never the body
    assert 'href="/admin/outbox/"' in owner.get("/admin/").get_data(as_text=True)

    page = owner.get("/admin/outbox/?status=failed").get_data(as_text=True)
    assert "page2@example.org" in page and "page1@example.org" not in page
    bad = owner.get("/admin/outbox/?status=lost")
    assert bad.status_code == 422 and "status must be one of" in bad.get_data(as_text=True)
    owner.get("/admin/outbox/?status=sending")
    with kit.QueryCounter(db) as counter:
        owner.get("/admin/outbox/?status=sending&channel=email")
    assert counter.count <= 10  # bounded whatever the number of rows

    # Send again: the failed one and the stale one; not one a live worker is sending.
    assert owner.post(f"/admin/outbox/{failed}/requeue",
                      {"from_status": "failed"}).status_code == 302
    assert owner.post(f"/admin/outbox/{stale}/requeue").status_code == 302
    refused = owner.post(f"/admin/outbox/{busy}/requeue")
    assert refused.status_code == 409 and "being sent now" in refused.get_data(as_text=True)
    assert owner.post(f"/admin/outbox/{pending}/cancel").status_code == 302
    assert owner.post(f"/admin/outbox/{pending}/cancel").status_code == 409
    assert owner.post("/admin/outbox/999999/cancel").status_code == 404
    with db.session() as s:
        state = {r.id: (r.status, r.attempts) for r in s.scalars(select(OutboxMessage))}
        assert state[failed] == ("pending", 0) and state[stale] == ("pending", 0)
        assert state[busy] == ("sending", 1) and state[pending][0] == "cancelled"
        events = s.execute(select(AuditEvent.action, AuditEvent.resource_id).where(
            AuditEvent.resource_type == "outbox_message")).all()
        assert sorted(events) == sorted([("requeue", failed), ("requeue", stale),
                                         ("cancel", pending)])

    # CSRF: a form without the token changes nothing.
    assert owner.client.post(f"/admin/outbox/{failed}/cancel").status_code == 400
    for role in ("front-desk", "practitioner", "billing"):
        who = browser(role)
        assert who.get("/admin/outbox/").status_code == 403
        assert who.post(f"/admin/outbox/{failed}/cancel").status_code == 403
