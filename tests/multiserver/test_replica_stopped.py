"""Server B's reports while its streaming replica is stopped: they answer from the primary
(the same figures: the replica had caught up), B logs one warning naming the replica's
address and nothing of the report, and once the replica is back B reads it again."""

from __future__ import annotations

import glob
import os
import subprocess
import time
from pathlib import Path

import pytest
from multiserver_kit import Clinic, Server, required, revenue
from sqlalchemy import create_engine, text
from vesalius.db.replica import RETRY_AFTER

pytestmark = pytest.mark.postgres

WARNING = "cannot be reached"


def _pg_ctl(data: str, *args: str) -> None:
    """``pg_ctl`` on the replica's data directory, as the directory's owner."""
    (binary,) = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1:] or ["pg_ctl"]
    command = [binary, "-D", data, *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", Path(data).owner(), "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def _answers(url: str, deadline: float) -> None:
    engine = create_engine(url)
    try:
        while True:
            try:
                with engine.connect() as conn:
                    assert conn.scalar(text("SELECT pg_is_in_recovery()")) is True
                    return
            except Exception:
                assert time.monotonic() < deadline, "the replica did not come back"
                time.sleep(0.2)
    finally:
        engine.dispose()


def test_reports_on_b_answer_from_the_primary_while_the_replica_is_stopped(
        servers: tuple[Server, Server], clinic: Clinic) -> None:
    required("VESALIUS_TEST_REPLICA_URL", 'eval "$(bash .ci/replica)" after .ci/postgres')
    data = required("VESALIUS_TEST_REPLICA_DATA", 'eval "$(bash .ci/replica)"')
    assert clinic.replica_url
    _a, b = servers
    before = revenue(b, clinic.token)  # read from the replica
    assert before
    logged = b.log.read_text().count(WARNING)
    _pg_ctl(data, "stop", "-m", "fast", "-w")
    try:
        for _ in range(3):
            assert revenue(b, clinic.token) == before  # from the primary: no error
        log = b.log.read_text()
        assert log.count(WARNING) == logged + 1  # three reports, one warning
        line = next(x for x in log.splitlines()[::-1] if WARNING in x)
        port = clinic.replica_url.split("@", 1)[1].split("/", 1)[0]
        assert port in line and "revenue" not in line and "owner" not in line
    finally:
        _pg_ctl(data, "-l", str(Path(data).parent / "server.log"), "-w", "-t", "60",
                "restart")  # with the options it was started with (postmaster.opts)
        _answers(clinic.replica_url, time.monotonic() + 60)
    time.sleep(RETRY_AFTER)  # B tries the replica again after this long
    assert revenue(b, clinic.token) == before
    assert "reachable again" in b.log.read_text()
