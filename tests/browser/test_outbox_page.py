"""The owner's outbox page in Chromium: the warning about messages a stopped worker left
"sending", the table inside the window at 1024x768 and 1440x900, and "Send again" putting a
stale message back in the queue."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.browser

OWNER = "owner@demo.vesalius.test"


def _rows(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from vesalius.messaging import outbox
    from vesalius.messaging.render import Rendered

    tag = secrets.token_hex(4)  # the live app is shared by the session: keys of our own
    now = datetime.now(UTC)
    made = {}
    with app.extensions["vesalius.db"].session() as s:
        for name, status, extra in (
                ("stale", "sending", {"claimed_at": now - timedelta(hours=2), "attempts": 1}),
                ("failed", "failed", {"attempts": 6, "last_error":
                                      "SMTP 550 at RCPT TO: 5.1.1 <someone.with.a.rather.long."
                                      "address@example.org>: Recipient address rejected"}),
                ("waiting", "pending", {})):
            row = outbox.enqueue(s, kind="appointment-reminder", channel="email",
                                 to=f"{name}.{tag}.patient.with.a.long.address@example.org",
                                 message=Rendered(subject="Your appointment on Monday 7 "
                                                  "December 2026 at 09:00", text="body"),
                                 dedupe_key=f"browser:{tag}:{name}")
            assert row is not None
            row.status = status
            for key, value in extra.items():
                setattr(row, key, value)
            s.flush()
            made[name] = row.id
    return made


def test_outbox_page_sends_a_stale_message_again(live_app, page_as, shot) -> None:  # type: ignore[no-untyped-def]
    app, base = live_app
    made = _rows(app)
    for width, height in ((1024, 768), (1440, 900)):
        page = page_as(OWNER, width=width, height=height)
        page.goto(f"{base}/admin/outbox/")
        assert page.get_by_role("heading", name="Outbox").is_visible()
        assert page.get_by_role("alert").filter(
            has_text="the worker stopped while sending").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"outbox-{width}x{height}")
        assert page.errors == []
    row = page.locator(f"#message-{made['stale']}")
    assert "Worker stopped" in row.inner_text()
    row.get_by_role("button", name=f"Send message {made['stale']} again").click()
    page.wait_for_load_state()
    assert "is queued to be sent again" in page.locator(".flash").first.inner_text()
    assert "Waiting" in page.locator(f"#message-{made['stale']}").inner_text()
    assert page.errors == []
