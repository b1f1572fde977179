"""What one app server does holds on the other: two ``vesalius serve`` processes on one
PostgreSQL, driven over HTTP as a browser behind a round-robin proxy would be."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from multiserver_kit import (
    DESK,
    DESK_NAME,
    OWNER,
    PUBLIC_RATE,
    TARGET,
    Browser,
    Clinic,
    Server,
    server_env,
)
from sqlalchemy import create_engine, func, select

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def test_a_session_made_on_a_holds_on_b_and_a_sign_out_on_a_ends_it_on_b(servers):
    a, b = servers
    user = Browser()
    # The sign-in form is read from B and sent to A: its CSRF token is signed with the
    # key both servers share (kept in the database) and bound to the stored session.
    signed_in = user.login(a, DESK, form_from=b)
    assert signed_in.status_code == 302, signed_in.text[:300]
    page = user.get(b, "/account")
    assert page.status_code == 200 and DESK_NAME in page.text
    assert user.get(a, "/account").status_code == 200

    assert user.post(b, "/logout").status_code == 302  # the token of B's page, sent to B
    user.get(a, "/login")
    for server in (a, b):
        gone = user.get(server, "/account")
        assert gone.status_code == 302 and "/login" in gone.headers["Location"]

    # Signing in again on B and out on A: the copied cookie is dead on B at once.
    assert user.login(b, DESK).status_code == 302
    cookie = dict(user.http.cookies)
    assert user.get(a, "/account").status_code == 200
    assert user.post(a, "/logout").status_code == 302
    copy = Browser()
    copy.http.cookies.update(cookie)
    assert copy.get(b, "/account").status_code == 302


def test_failed_sign_ins_on_a_count_on_b_and_a_browser_trusted_on_a_is_trusted_on_b(servers):
    a, b = servers
    trusted = Browser()  # signed in to the account before: it carries a device cookie
    assert trusted.login(a, TARGET).status_code == 302
    trusted.get(a, "/account")
    assert trusted.post(a, "/logout").status_code == 302
    guesser = Browser()
    for server in (a, b, a, b, a):  # the account's budget: 5 failures in 15 minutes
        assert guesser.login(server, TARGET, "wrong").status_code == 401
    for server in (b, a):
        refused = guesser.login(server, TARGET, "wrong")
        assert refused.status_code == 429, refused.text[:300]
        assert int(refused.headers["Retry-After"]) > 0
    # The owner of the account is not locked out on either: the cookie A signed is B's too.
    assert guesser.login(b, TARGET).status_code == 429
    assert trusted.login(b, TARGET).status_code == 302


def test_the_public_rate_limit_is_one_budget_across_servers(servers):
    a, b = servers
    from vesalius.services.public_booking import RATE_WINDOW

    window = RATE_WINDOW.total_seconds()  # fixed windows from the epoch: not across an edge
    if window - time.time() % window < 5:
        time.sleep(window - time.time() % window + 0.1)
    visitor = Browser()
    codes = [visitor.get(server, "/book/").status_code for server in (a, b) * PUBLIC_RATE]
    assert codes == [200] * PUBLIC_RATE + [429] * PUBLIC_RATE, codes
    refused = visitor.get(a, "/book/")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= window


def _offers(server: Server, owner: Browser, discipline: str) -> bool:
    page = owner.get(server, "/admin/services")
    assert page.status_code == 200
    return f'<option value="{discipline}">' in page.text


def test_a_pack_switched_off_on_a_is_off_on_b_and_back_on(servers):
    a, b = servers
    owner = Browser()
    assert owner.login(a, OWNER).status_code == 302
    assert _offers(a, owner, "massage") and _offers(b, owner, "massage")
    owner.get(a, "/admin/")
    assert owner.post(a, "/admin/packs/massage", {"enabled": "no",
                                                  "reason": "multiserver test"}
                      ).status_code == 302
    try:
        # Both at their next request: the switches' cache version moved with the change.
        assert not _offers(a, owner, "massage")
        assert not _offers(b, owner, "massage")
    finally:
        owner.get(b, "/admin/")
        assert owner.post(b, "/admin/packs/massage", {"enabled": "yes"}).status_code == 302
    assert _offers(b, owner, "massage")
    assert _offers(a, owner, "massage")


def test_a_practitioner_renamed_on_a_shows_on_b_calendar_at_its_next_request(
        servers, clinic: Clinic):
    """B keeps the staff in its cache; the rename on A moves the cache version in the
    same transaction, so B's next calendar page draws the new name."""
    a, b = servers
    from vesalius.models import Practitioner, WorkingHours

    engine = create_engine(clinic.url)
    with engine.connect() as conn:
        hours = conn.execute(select(WorkingHours.practitioner_id, WorkingHours.location_id,
                                    WorkingHours.weekday)
                             .where(WorkingHours.practitioner_id != clinic.practitioner_id)
                             .order_by(WorkingHours.id).limit(1)).one()
        name = conn.scalar(select(Practitioner.display_name)
                           .where(Practitioner.id == hours.practitioner_id))
    engine.dispose()
    today = date.today()
    day = today + timedelta(days=(hours.weekday - today.weekday()) % 7)
    owner = Browser()
    assert owner.login(a, OWNER).status_code == 302

    def calendar(server: Server) -> str:
        page = owner.get(server, f"/calendar/?date={day}&location={hours.location_id}")
        assert page.status_code == 200
        return page.text

    assert name in calendar(b) and name in calendar(b)  # B's cache is warm
    renamed = f"{name} (renamed on A)"
    owner.get(a, "/admin/locations")
    changed = owner.post(a, f"/admin/practitioners/{hours.practitioner_id}",
                         {"display_name": renamed})
    assert changed.status_code == 302
    try:
        assert renamed in calendar(b)
        assert renamed in calendar(a)
    finally:
        owner.get(b, "/admin/locations")
        owner.post(b, f"/admin/practitioners/{hours.practitioner_id}", {"display_name": name})
    page = calendar(a)
    assert name in page and renamed not in page


def test_a_setting_changed_on_a_is_read_on_b(servers):
    a, b = servers
    owner = Browser()
    assert owner.login(b, OWNER).status_code == 302

    def rule(server: Server) -> str:
        page = owner.get(server, "/admin/locations").text
        marker = 'name="outside_hours"'
        assert marker in page
        chosen = [value for value in ("warn", "refuse")
                  if f'value="{value}" checked' in page or f'value="{value}" selected' in page]
        assert len(chosen) == 1, "the page shows one rule"
        return chosen[0]

    before = rule(a)
    after = "refuse" if before == "warn" else "warn"
    owner.get(a, "/admin/locations")
    assert owner.post(a, "/admin/booking-rules", {"outside_hours": after}).status_code == 302
    try:
        assert rule(b) == after
    finally:
        owner.post(a, "/admin/booking-rules", {"outside_hours": before})


def _mail() -> object:
    spec = importlib.util.spec_from_file_location(
        "clinic_mail", ROOT / "core/tests/clinic/clinic_mail.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_messages_queued_through_both_servers_are_sent_once_by_two_workers(
        servers, clinic: Clinic, tmp_path: Path):
    """The app servers queue messages in the database's outbox; any number of workers
    send them, each message once (a worker claims rows before sending). One worker is the
    long-running one (huey, its queue on Redis when the tests have one), the other a
    ``--once`` run as cron would start it."""
    a, b = servers
    from vesalius.models import OutboxMessage

    desk = Browser()
    assert desk.login(a, DESK).status_code == 302
    invited = clinic.patient_ids[:4]
    for server, patient_id in zip((a, b, a, b), invited, strict=True):
        desk.get(server, f"/patients/{patient_id}")
        sent = desk.post(server, f"/portal/patients/{patient_id}/invite")
        assert sent.status_code == 302, sent.text[:300]
    engine = create_engine(clinic.url)

    def unsent() -> int:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status.in_(("pending", "sending")),
                OutboxMessage.send_after <= func.now())) or 0)

    queue = ({"VESALIUS_REDIS_URL": os.environ["VESALIUS_TEST_REDIS_URL"]}
             if os.environ.get("VESALIUS_TEST_REDIS_URL")
             else {"VESALIUS_WORKER_STORE": str(tmp_path / "queue.sqlite3")})
    with _mail().running_mail_server() as mail:  # type: ignore[attr-defined]
        mail.delay = 0.3  # slow enough that the two workers run side by side
        env = server_env(VESALIUS_SMTP_URL=mail.url, VESALIUS_MAIL_FROM="clinic@multi.test",
                         VESALIUS_DATA_DIR=str(tmp_path), **queue)  # its audit anchors
        command = [sys.executable, "-m", "vesalius", "worker", "--database", clinic.url]
        running = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        once = subprocess.Popen([*command, "--once"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            output = once.communicate(timeout=60)[0]
            assert once.returncode == 0, output
            deadline = time.monotonic() + 30
            while unsent():  # the long-running worker finishes what it took
                assert time.monotonic() < deadline and running.poll() is None, "worker stuck"
                time.sleep(0.2)
        finally:
            running.terminate()  # SIGTERM: it finishes the send at hand and stops
            output += running.communicate(timeout=60)[0]
            engine.dispose()
        received = mail.messages
    invitations = [m for m in received
                   if "/portal/invitation/" in m.get_body(("plain",)).get_content()]
    assert len(invitations) == len(invited), output
    assert len({m["To"] for m in invitations}) == len(invited)
    assert len({m["Message-ID"] for m in received}) == len(received)
