"""Helpers of the outbox tests: queue plain messages, read the rows back, and a local HTTP
server with Twilio's Messages resource shape that records what it is sent."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from vesalius.db import Database
from vesalius.messaging import outbox
from vesalius.messaging.render import Rendered
from vesalius.models import OutboxMessage

REDIS_ENV = "VESALIUS_TEST_REDIS_URL"


def queue(db: Database, count: int, *, channel: str = "email", start: int = 0,
          send_after: datetime | None = None, to: str | None = None) -> list[int]:
    """Queue ``count`` messages (dedupe keys ``t:<n>``); their ids."""
    ids = []
    with db.session() as s:
        for n in range(start, start + count):
            address = to or (f"patient{n}@example.org" if channel == "email"
                             else f"+1416555{n:04d}")
            row = outbox.enqueue(s, kind="test-reminder", channel=channel, to=address,
                                 message=Rendered(subject=f"Reminder {n}", text=f"See you {n}",
                                                  sms=f"See you {n}"),
                                 dedupe_key=f"t:{channel}:{n}", send_after=send_after)
            assert row is not None
            s.flush()
            ids.append(row.id)
    return ids


def rows(db: Database) -> dict[int, OutboxMessage]:
    with db.session() as s:
        return {r.id: r for r in s.scalars(select(OutboxMessage))}


def session_rows(s: Session, appointment_id: int | None = None, kind: str | None = None,
                 status: str | None = None) -> list[OutboxMessage]:
    """The rows in ``s``'s view, oldest first, of one appointment, kind or status."""
    query = (select(OutboxMessage).order_by(OutboxMessage.id)
             .execution_options(populate_existing=True))  # cancel_pending updates in bulk
    if appointment_id is not None:
        query = query.where(OutboxMessage.appointment_id == appointment_id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(s.scalars(query))


def statuses(db: Database) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows(db).values():
        found[row.status] = found.get(row.status, 0) + 1
    return found


def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{REDIS_ENV} is not set: CI must run the worker tests on Redis")
        pytest.skip(f"{REDIS_ENV} not set (run: eval \"$(bash .ci/redis)\")")
    return url


@dataclass
class SmsServer:
    """Answers like Twilio's Messages resource; ``answers`` (status, JSON) are given in turn
    (then 201 for ever); ``requests`` keeps (path, auth, form) of each."""

    port: int = 0
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    answers: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, account: str = "AC0123", token: str = "s3cret") -> str:
        return f"http://{account}:{token}@127.0.0.1:{self.port}"


@contextmanager
def running_sms_server() -> Iterator[SmsServer]:
    state = SmsServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            auth = self.headers.get("Authorization", "")
            with state.lock:
                state.requests.append((self.path, auth, form))
                status, body = state.answers.pop(0) if state.answers else (
                    201, {"sid": f"SM{len(state.requests):032d}", "status": "queued"})
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def basic(account: str, token: str) -> str:
    return "Basic " + base64.b64encode(f"{account}:{token}".encode()).decode()
