"""Anchors of the audit chain: the head (position, hash, time) signed with a key outside
the database, kept in an append-only file and in every backup's manifest. Deleting the
newest events (the tail) leaves a chain that holds by itself; against its anchors it is
named as cut, with how many events and after when. A forged or edited anchor line is
refused, never trusted; writers appending at once never tear a line."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from clinic_factories import clinic_setup
from sqlalchemy import select
from test_audit_chain import FRONT_DESK, _tamper
from vesalius.backup import restore, take
from vesalius.backup.settings import Settings
from vesalius.backup.worker import make_huey
from vesalius.cli import main
from vesalius.db import Database
from vesalius.models import AuditEvent
from vesalius.services import audit, audit_anchors, patients
from vesalius.services.audit_anchors import ANCHORS_FILE, KEY_FILE, Anchor


@pytest.fixture
def logged(db, system):  # type: ignore[no-untyped-def]
    """A clinic whose log holds its set-up and a few reads of a patient's record."""
    with db.session() as s:
        patient_id = clinic_setup(s, system)["patient"].id
    _reads(db, patient_id, 3)
    return {"patient": patient_id}


def _reads(db: Database, patient_id: int, n: int) -> None:
    """``n`` more events (reads of a patient's record)."""
    for _ in range(n):
        with db.session() as s:
            patients.read(s, FRONT_DESK, patient_id)


def _anchor(db: Database, data_dir: Path) -> Anchor:
    with db.engine.connect() as conn:
        written = audit_anchors.anchor(conn, data_dir, only_if_moved=False)
    assert written is not None
    return written


def _loaded(data_dir: Path) -> audit_anchors.Loaded:
    return audit_anchors.read(data_dir / ANCHORS_FILE, audit_anchors.load_key(data_dir))


def _report(db: Database, data_dir: Path) -> audit.ChainReport:
    with db.session() as s:
        return audit.verify_chain(s, anchors=_loaded(data_dir).anchors)


def _head(db: Database) -> tuple[int, int, str]:
    with db.session() as s:
        row = s.execute(select(AuditEvent.id, AuditEvent.seq, AuditEvent.hash)
                        .order_by(AuditEvent.id.desc()).limit(1)).one()
    return row.id, row.seq, row.hash


def _verify(db: Database, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "verify", "--database", db.url, *options])
    return result.exit_code, result.output


def test_an_intact_chain_reaches_its_anchors(db, logged, data_dir):  # type: ignore[no-untyped-def]
    first = CliRunner().invoke(main, ["audit", "anchor", "--database", db.url])
    assert first.exit_code == 0, first.output
    _, seq, digest = _head(db)
    assert f"anchored position {seq} ({digest})" in first.output
    _reads(db, logged["patient"], 3)
    _anchor(db, data_dir)
    code, output = _verify(db)
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("audit chain intact: ")
    assert f"reaches the newest anchor (position {seq + 3}, " in lines[0]
    assert lines[1] == (f"anchors: 2 valid in {data_dir / ANCHORS_FILE}, 2 reached and "
                        "matching")
    # Only positions, hashes and times are written, under a private key file.
    line = json.loads((data_dir / ANCHORS_FILE).read_text().splitlines()[0])
    assert sorted(line) == ["at", "hash", "key", "mac", "seq"]
    assert (line["seq"], line["hash"]) == (seq, digest)
    assert stat.S_IMODE((data_dir / KEY_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir / ANCHORS_FILE).stat().st_mode) == 0o600


def test_a_cut_tail_is_named(db, logged, data_dir):  # type: ignore[no-untyped-def]
    _reads(db, logged["patient"], 2)
    anchored = _anchor(db, data_dir)
    head_id, seq, _ = _head(db)
    # An attacker with the database: past the append-only trigger, the newest 3 go.
    _tamper(db, f"DELETE FROM audit_events WHERE id > {head_id - 3}")
    with db.session() as s:
        alone = audit.verify_chain(s)
    assert alone.ok  # the shorter chain holds by itself: the gap anchors close
    report = _report(db, data_dir)
    assert not report.ok and report.cut == 3
    when = anchored.at.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert report.reason.startswith(f"the last 3 events were removed after {when}")
    assert f"vouches for {seq} events" in report.reason
    assert f"position {seq - 3}" in report.reason
    code, output = _verify(db)
    assert code == 1
    assert f"audit chain cut: the last 3 events were removed after {when}" in output
    as_json = json.loads(_verify(db, "--json")[1])
    assert as_json["ok"] is False and as_json["cut"] == 3
    assert as_json["anchors"]["newest_seq"] == seq


def test_a_cut_below_an_older_anchor_counts_from_the_newest(db, logged, data_dir):  # type: ignore[no-untyped-def]
    _anchor(db, data_dir)
    _reads(db, logged["patient"], 4)
    _anchor(db, data_dir)
    head_id, seq, _ = _head(db)
    _tamper(db, f"DELETE FROM audit_events WHERE id > {head_id - 6}")
    report = _report(db, data_dir)
    assert report.cut == 6 and report.anchor_seq == seq
    assert report.anchors_checked == 0  # the older anchor's position went too


def test_a_rewritten_and_rehashed_tail_is_named(db, logged, data_dir):  # type: ignore[no-untyped-def]
    """The newest event changed and re-hashed: the chain holds, the anchor does not."""
    anchored = _anchor(db, data_dir)
    head_id, _, _ = _head(db)
    with db.session() as s:
        row = dict(s.execute(select(*audit._EVENT_COLUMNS).where(AuditEvent.id == head_id))
                   .mappings().one())
    row["detail"] = "nothing to see"
    forged = audit.link(row["prev_hash"], row)
    _tamper(db, f"UPDATE audit_events SET detail = 'nothing to see', hash = '{forged}' "
                f"WHERE id = {head_id}")
    with db.session() as s:
        assert audit.verify_chain(s).ok
    report = _report(db, data_dir)
    assert not report.ok and report.first_broken_id == head_id
    assert report.reason.startswith(f"rewritten: it does not match the anchor of position "
                                    f"{anchored.seq} taken ")


def test_a_cut_tail_hidden_by_new_events_is_named(db, logged, data_dir):  # type: ignore[no-untyped-def]
    """The tail cut, then the clinic goes on: the log passes the anchor's position again,
    with other events there."""
    anchored = _anchor(db, data_dir)
    head_id, seq, _ = _head(db)
    _tamper(db, f"DELETE FROM audit_events WHERE id > {head_id - 2}")
    _reads(db, logged["patient"], 5)
    with db.session() as s:
        assert audit.verify_chain(s).ok
        replaced = s.scalar(select(AuditEvent.id).where(AuditEvent.seq == seq))
    report = _report(db, data_dir)
    assert not report.ok and report.first_broken_id == replaced and report.cut == 0
    assert report.reason.startswith(f"rewritten: it does not match the anchor of position "
                                    f"{anchored.seq} taken ")
    assert "removed and others written in their place" in report.reason


def test_a_forged_anchor_line_is_refused(db, logged, data_dir):  # type: ignore[no-untyped-def]
    real = _anchor(db, data_dir)
    path = data_dir / ANCHORS_FILE
    key = audit_anchors.load_key(data_dir)
    assert key is not None
    honest = real.signed(key)
    with path.open("a") as out:
        # Position moved on, HMAC kept: it no longer matches its fields.
        out.write(json.dumps(honest | {"seq": real.seq + 50}) + "\n")
        # A made-up HMAC under the real key id.
        out.write(json.dumps(honest | {"seq": real.seq + 60, "mac": "0" * 64}) + "\n")
        out.write('{"seq": 3, "hash": "ab\n')  # a torn line
    loaded = _loaded(data_dir)
    assert loaded.anchors == (real,)
    assert [r.split(":")[0] for r in loaded.refused] == ["line 2", "line 3", "line 4"]
    assert "tampered: its HMAC does not match its fields" in loaded.refused[0]
    report = _report(db, data_dir)
    assert report.ok and report.cut == 0 and report.anchor_seq == real.seq  # never trusted
    code, output = _verify(db)
    assert code == 1
    assert "audit chain intact" in output
    assert "3 lines refused (tampered or torn)" in output
    assert "refused, not trusted: line 2: tampered" in output


def test_an_anchor_signed_with_another_key_is_set_aside(db, logged, data_dir, monkeypatch):  # type: ignore[no-untyped-def]
    _anchor(db, data_dir)
    monkeypatch.setenv("VESALIUS_SECRET_KEY", "a secret the clinic set later")
    loaded = _loaded(data_dir)
    assert loaded.anchors == () and loaded.refused == () and loaded.other_key == 1
    code, output = _verify(db)
    assert code == 0 and "1 made with another key (not checked)" in output
    # The secret key, not the key file, signs from now on.
    _anchor(db, data_dir)
    assert len(_loaded(data_dir).anchors) == 1


def test_no_anchors_file_is_said_not_failed(db, logged, data_dir):  # type: ignore[no-untyped-def]
    code, output = _verify(db)
    assert code == 0
    assert f"anchors: no anchors file at {data_dir / ANCHORS_FILE}" in output
    assert not data_dir.exists()  # checking makes no key and no file


def test_the_worker_anchors_only_when_the_head_moved(db, db_url, logged, data_dir, tmp_path):  # type: ignore[no-untyped-def]
    huey = make_huey(Settings(worker_store=tmp_path / "q.sqlite3"), db_url, immediate=True,
                     backups=False, anchor_minutes=10)
    huey.audit_anchor_task()
    huey.audit_anchor_task()
    assert len(_loaded(data_dir).anchors) == 1
    _reads(db, logged["patient"], 1)
    huey.audit_anchor_task()
    loaded = _loaded(data_dir)
    assert [a.seq for a in loaded.anchors] == [loaded.anchors[0].seq,
                                               loaded.anchors[0].seq + 1]
    assert _report(db, data_dir).anchors_checked == 2


def test_a_backup_carries_and_writes_an_anchor(db, db_url, logged, data_dir, tmp_path):  # type: ignore[no-untyped-def]
    from clinic_backups import empty_target

    result = take(db_url, tmp_path / "clinic.tar.gz", key=None)
    _, seq, digest = _head(db)
    carried = result.manifest["audit_anchor"]
    assert (carried["seq"], carried["hash"]) == (seq, digest)
    (written,) = _loaded(data_dir).anchors
    assert (written.seq, written.hash) == (seq, digest)
    with empty_target(db_url, tmp_path) as target:
        restored = restore(result.path, target, None)
    (check,) = [c for c in restored.verification.checks if c.name == "audit chain"]
    assert check.ok, check.lines()
    assert check.summary.endswith(f"it reaches the backup's anchor (position {seq})")


def test_a_forged_anchor_in_a_backup_fails_its_restore(db, db_url, logged, tmp_path):  # type: ignore[no-untyped-def]
    from clinic_backups import empty_target, rewrite

    made = take(db_url, tmp_path / "clinic.tar.gz", key=None).path

    def forge(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        manifest["audit_anchor"]["seq"] += 1
        members["manifest.json"] = json.dumps(manifest).encode()

    rewrite(made, tmp_path / "forged.tar.gz", forge)
    with empty_target(db_url, tmp_path) as target:
        restored = restore(tmp_path / "forged.tar.gz", target, None)
    (check,) = [c for c in restored.verification.checks if c.name == "audit chain"]
    assert not check.ok and check.problems == (
        "its anchor: tampered: its HMAC does not match its fields",)


def _append_many(path: str, worker: int, n: int) -> None:
    key = audit_anchors.load_key(Path(path).parent, create=True)
    assert key is not None
    for i in range(n):
        audit_anchors.append(Path(path), Anchor(worker * 100_000 + i + 1, f"{worker:064x}",
                                                datetime.now(UTC)), key)


def test_concurrent_writers_never_tear_a_line(tmp_path) -> None:
    """Processes making the key and appending at once: one key, every line whole."""
    path = tmp_path / "data" / ANCHORS_FILE
    context = multiprocessing.get_context("fork")
    workers, each = 6, 150
    procs = [context.Process(target=_append_many, args=(str(path), w, each))
             for w in range(workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    assert [proc.exitcode for proc in procs] == [0] * workers
    loaded = _loaded(path.parent)
    assert loaded.refused == () and loaded.other_key == 0
    assert len(loaded.anchors) == workers * each
    assert sorted(a.seq for a in loaded.anchors) == sorted(
        w * 100_000 + i + 1 for w in range(workers) for i in range(each))
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no leftovers


def test_the_interval_setting() -> None:
    assert audit_anchors.minutes({}) == audit_anchors.DEFAULT_MINUTES
    assert audit_anchors.minutes({audit_anchors.MINUTES_ENV: "0"}) == 0
    assert audit_anchors.minutes({audit_anchors.MINUTES_ENV: "30"}) == 30
    for bad in ("-1", "61", "ten"):
        with pytest.raises(audit_anchors.AnchorError, match="VESALIUS_AUDIT_ANCHOR_MINUTES"):
            audit_anchors.minutes({audit_anchors.MINUTES_ENV: bad})


def test_the_secret_key_is_used_through_its_own_label(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VESALIUS_SECRET_KEY", "s3cret")
    key = audit_anchors.load_key(tmp_path, create=True)
    assert key is not None and key != b"s3cret" and len(key) == 32
    assert not (tmp_path / KEY_FILE).exists()
    assert os.environ["VESALIUS_SECRET_KEY"] == "s3cret"
