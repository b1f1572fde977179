"""Helpers of the multi-server tests: the clinic's schema, a ``vesalius serve`` process,
and a browser (a cookie jar and the last page's CSRF token). A uniquely named module, so
that ``from multiserver_kit import ...`` finds it whatever else is on the path."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

SCHEMA = "vesalius_multiserver"
PASSWORD = "correct horse battery staple"
OWNER = "owner@multi.test"
DESK = "desk@multi.test"
#: An account the sign-in throttling tests guess at.
TARGET = "target@multi.test"
OWNER_NAME, DESK_NAME = "Olive Owner", "Dana Desk"
#: Requests per minute one address may make to the public pages (both servers together).
PUBLIC_RATE = 8
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def required(env: str, how: str) -> str:
    value = os.environ.get(env)
    if not value:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{env} is not set: CI runs the multi-server tests ({how})")
        pytest.skip(f"{env} not set (run: {how})")
    return value


def in_schema(url: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={SCHEMA}')}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Clinic:
    url: str  # the primary, in the tests' schema
    replica_url: str | None
    token: str  # the owner's API token
    practitioner_id: int
    patient_ids: list[int]


class Server:
    """One ``vesalius serve`` process (gunicorn, one worker of four threads)."""

    def __init__(self, name: str, url: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vesalius", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1", "--database", url],
            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, timeout: float = 40.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server {self.name} exited:\n{self.log.read_text()}")
            try:
                if requests.get(self.base + "/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server {self.name} did not answer:\n{self.log.read_text()}")

    @staticmethod
    def stop(*servers: Server) -> None:
        """Gunicorn's quick shutdown; a worker still there after a few seconds is killed
        with its master (each server is a process group of its own)."""
        for server in servers:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGINT)
        for server in servers:
            try:
                server.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("VESALIUS_") or k.startswith("VESALIUS_TEST_")}
    env.update({"VESALIUS_PUBLIC_RATE": str(PUBLIC_RATE), "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def revenue(server: Server, token: str) -> list[dict[str, object]]:
    """The revenue report of the last 60 days through ``server``'s API (a report: it reads
    the replica when one is configured and reachable)."""
    today = date.today()
    answer = requests.get(server.base + "/api/v1/reports/revenue", timeout=30,
                          params={"from": (today - timedelta(days=60)).isoformat(),
                                  "to": today.isoformat()},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()  # type: ignore[no-any-return]


class Browser:
    """One browser: one cookie jar, whichever server it talks to (cookies ignore ports, as
    they would behind one proxy), and the CSRF token of the last page it read."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.token = ""

    def get(self, server: Server, path: str, **kwargs: object) -> requests.Response:
        response = self.http.get(server.base + path, allow_redirects=False, timeout=10,
                                 **kwargs)  # type: ignore[arg-type]
        found = CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def post(self, server: Server, path: str, data: dict[str, str] | None = None
             ) -> requests.Response:
        return self.http.post(server.base + path, data={"csrf_token": self.token,
                                                        **(data or {})},
                              allow_redirects=False, timeout=10)

    def login(self, server: Server, email: str, password: str = PASSWORD,
              form_from: Server | None = None) -> requests.Response:
        self.get(form_from or server, "/login")
        return self.post(server, "/login", {"email": email, "password": password})
