"""Restore: only into an empty database (a non-empty one is refused and left untouched); a
damaged or altered backup fails, naming what does not match; the audit chain is checked
when this version can check it."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from clinic_backups import empty_target, insured_clinic, rewrite, unpack, visit
from sqlalchemy import func, select
from vesalius.backup import CorruptBackup, NotEmpty, crypto, restore, take
from vesalius.cli import main
from vesalius.db import Database
from vesalius.models import Note
from vesalius.services import audit


def _small_backup(db: Database, url: str, system: object, out: Path) -> Path:
    clinic = insured_clinic(db, system, patients=2)  # type: ignore[arg-type]
    for n in range(2):
        visit(db, system, clinic, n)  # type: ignore[arg-type]
    return take(url, out, key=None).path


@pytest.fixture
def backup(db, db_url, system, tmp_path):  # type: ignore[no-untyped-def]
    """An unencrypted backup of a small clinic with two signed visits (either engine)."""
    return _small_backup(db, db_url, system, tmp_path / "clinic.tar.gz")


@pytest.fixture
def sqlite_backup(sqlite_template, system, tmp_path):  # type: ignore[no-untyped-def]
    """The same of a SQLite clinic, for tests that operate on the file itself."""
    path = tmp_path / "source.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    try:
        return _small_backup(db, f"sqlite:///{path}", system, tmp_path / "sqlite.tar.gz")
    finally:
        db.dispose()


def _fingerprint(url: str) -> object:
    """What a database holds, to show that a refused restore changed nothing."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return hashlib.sha256(path.read_bytes()).hexdigest()
    db = Database(url)
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(Note)), sorted(
                s.scalars(select(Note.content_sha256).where(Note.content_sha256.is_not(None))))
    finally:
        db.dispose()


def test_restore_refuses_a_database_that_is_not_empty(db, db_url, backup):  # type: ignore[no-untyped-def]
    db.dispose()  # SQLite: everything checkpointed into the file, so bytes can be compared
    before = _fingerprint(db_url)
    with pytest.raises(NotEmpty, match=r"is not empty .* nothing was changed"):
        restore(backup, db_url, None)
    done = CliRunner().invoke(main, ["restore", str(backup), "--database", db_url])
    assert done.exit_code == 1
    assert "is not empty" in done.output and "nothing was changed" in done.output
    assert _fingerprint(db_url) == before


def test_restore_into_an_empty_file_and_again_refused(sqlite_backup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'new' / 'clinic.sqlite3'}"
    done = CliRunner().invoke(main, ["restore", str(sqlite_backup), "--database", url])
    assert done.exit_code == 0, done.output
    for line in ("row counts: ", "signed notes: 2 SHA-256 match", "balances: 2 patients match",
                 "audit chain: ", "events checked, unbroken", "verified"):
        assert line in done.output
    target = tmp_path / "new" / "clinic.sqlite3"
    assert target.stat().st_mode & 0o777 == 0o600
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".vesalius")]
    again = CliRunner().invoke(main, ["restore", str(sqlite_backup), "--database", url])
    assert again.exit_code == 1 and "is not empty" in again.output


def test_a_flipped_byte_is_caught_before_anything_is_written(sqlite_backup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(sqlite_backup.read_bytes())
    data[len(data) // 2] ^= 0x40
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    target = tmp_path / "never.sqlite3"
    with pytest.raises(CorruptBackup, match="damaged"):
        restore(damaged, f"sqlite:///{target}", None)
    assert not target.exists()
    done = CliRunner().invoke(main, ["restore", str(damaged), "--database",
                                     f"sqlite:///{target}"])
    assert done.exit_code == 1 and "nothing was restored" in done.output


def test_a_flipped_byte_in_an_encrypted_backup(db, db_url, system, tmp_path) -> None:  # type: ignore[no-untyped-def]
    insured_clinic(db, system, patients=1)
    key = crypto.new_key()
    sealed = take(db_url, tmp_path / "b.tar.gz.enc", key).path
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 1
    sealed.write_bytes(bytes(data))
    with empty_target(db_url, tmp_path) as target:
        with pytest.raises(CorruptBackup, match=r"damaged or was changed .chunk 0"):
            restore(sealed, target, key)
        assert _empty(target)


def _empty(url: str) -> bool:
    from vesalius.backup.service import target_tables

    return not target_tables(url)


def _signed_notes(members: dict[str, bytes]) -> list[list[str]]:
    return [line.split("\t") for line in members["signed-notes.tsv"].decode().splitlines()]


def test_a_changed_signed_note_in_the_manifest_names_the_note(db_url, backup, tmp_path):  # type: ignore[no-untyped-def]
    first_id, first_hash, _matched = _signed_notes(unpack(backup))[0]

    def change(members: dict[str, bytes]) -> None:
        lines = members["signed-notes.tsv"].decode().splitlines()
        lines[0] = f"{first_id}\t{'0' * 64}"
        members["signed-notes.tsv"] = ("\n".join(lines) + "\n").encode()

    altered = tmp_path / "altered.tar.gz"
    rewrite(backup, altered, change)
    with empty_target(db_url, tmp_path) as target:
        result = restore(altered, target, None)
        assert not result.verification.ok
        (check,) = [c for c in result.verification.checks if not c.ok]
        assert check.name == "signed notes"
        assert check.problems == (
            f"signed note {first_id}: SHA-256 {first_hash[:12]}..., the backup says "
            f"{'0' * 12}...",)
        if db_url.startswith("sqlite"):  # checked before it was moved into place
            assert not result.restored and _empty(target)
        else:  # restored in one transaction, then checked: the command says not to use it
            assert result.restored
    with empty_target(db_url, tmp_path) as target:
        done = CliRunner().invoke(main, ["restore", str(altered), "--database", target])
        assert done.exit_code == 1 and f"signed note {first_id}" in done.output
        assert ("nothing was restored" if db_url.startswith("sqlite")
                else "does NOT match the backup") in done.output


def test_a_note_changed_inside_the_copy_names_the_note(sqlite_backup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Someone edits a signed note's document in the database file (past the trigger that
    forbids it) and fixes up the file's checksum: the note's own hash gives it away."""
    members = unpack(sqlite_backup)
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(members["database.sqlite3"])
    conn = sqlite3.connect(copy)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger' "
                                "AND tbl_name='notes'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    note_id = conn.execute("SELECT min(id) FROM notes WHERE status='signed'").fetchone()[0]
    conn.execute("UPDATE notes SET document=json_set(document, '$.subjective.history', "
                 "'rewritten') WHERE id=?", (note_id,))
    conn.commit()
    conn.close()
    members["database.sqlite3"] = copy.read_bytes()
    manifest = json.loads(members["manifest.json"])
    manifest["database"]["sha256"] = hashlib.sha256(members["database.sqlite3"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    forged = tmp_path / "forged.tar.gz"
    rewrite(sqlite_backup, forged, lambda m: m.update(members))
    result = restore(forged, f"sqlite:///{tmp_path / 'r.sqlite3'}", None)
    problems = [p for c in result.verification.checks for p in c.problems]
    assert f"note {note_id}: its content no longer matches the SHA-256 taken when it was " \
           "signed" in problems
    assert not (tmp_path / "r.sqlite3").exists()


def test_a_database_swapped_without_its_checksum_is_refused(sqlite_backup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def swap(members: dict[str, bytes]) -> None:
        members["database.sqlite3"] = members["database.sqlite3"][:-1] + b"\x01"

    forged = tmp_path / "swapped.tar.gz"
    rewrite(sqlite_backup, forged, swap)
    with pytest.raises(CorruptBackup, match=r"database in the backup \(database.sqlite3\)"):
        restore(forged, f"sqlite:///{tmp_path / 'r.sqlite3'}", None)


def test_changed_balances_and_row_counts_are_named(db_url, backup, tmp_path):  # type: ignore[no-untyped-def]
    def change(members: dict[str, bytes]) -> None:
        lines = members["balances.tsv"].decode().splitlines()
        patient_id, _patient, insurer, credit = lines[0].split("\t")
        lines[0] = f"{patient_id}\t999.99\t{insurer}\t{credit}"
        members["balances.tsv"] = ("\n".join(lines) + "\n").encode()
        manifest = json.loads(members["manifest.json"])
        manifest["tables"]["invoices"] += 1
        members["manifest.json"] = json.dumps(manifest).encode()

    altered = tmp_path / "altered.tar.gz"
    rewrite(backup, altered, change)
    patient_id = unpack(backup)["balances.tsv"].decode().split("\t")[0]
    with empty_target(db_url, tmp_path) as target:
        result = restore(altered, target, None)
    failed = {c.name: c.problems for c in result.verification.checks if not c.ok}
    assert set(failed) == {"row counts", "balances"}
    assert failed["row counts"] == ("table invoices: 2 rows, the backup says 3",)
    assert failed["balances"][0].startswith(f"patient {patient_id}: patient ")
    assert "the backup says patient 999.99" in failed["balances"][0]


def test_a_broken_audit_chain_fails_the_restore(sqlite_backup, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    broken = SimpleNamespace(ok=False, checked=41, first_broken_id=17, cut=0,
                             reason="event 17's hash does not match its content")
    monkeypatch.setattr(audit, "verify_chain", lambda session, **options: broken)
    result = restore(sqlite_backup, f"sqlite:///{tmp_path / 'r.sqlite3'}", None)
    (check,) = [c for c in result.verification.checks if c.name == "audit chain"]
    assert not check.ok and check.summary == "broken at event 17"
    assert check.problems == ("event 17's hash does not match its content",)
    monkeypatch.setattr(audit, "verify_chain", lambda session, **options: SimpleNamespace(
        ok=True, checked=41, first_broken_id=None, reason=None, cut=0))
    result = restore(sqlite_backup, f"sqlite:///{tmp_path / 'r2.sqlite3'}", None)
    assert result.verification.ok
    assert any(line.startswith("audit chain: 41 events checked, unbroken")
               for line in result.verification.lines())


def test_a_backup_of_one_engine_is_not_restored_into_the_other(sqlite_backup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def claim_postgres(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        manifest["engine"] = "postgresql"
        members["manifest.json"] = json.dumps(manifest).encode()

    other = tmp_path / "other.tar.gz"
    rewrite(sqlite_backup, other, claim_postgres)
    with pytest.raises(Exception, match="backup of a postgresql database; restoring it "
                                        "into sqlite is not supported"):
        restore(other, f"sqlite:///{tmp_path / 'r.sqlite3'}", None)


def test_a_note_already_altered_before_the_backup_is_restored_and_named(  # type: ignore[no-untyped-def]
        sqlite_template, system, tmp_path):
    """The backup is a faithful copy: a note whose content no longer matched its hash when
    the backup was taken is restored as it was, named, and does not block the restore."""
    path = tmp_path / "source.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    clinic = insured_clinic(db, system, patients=1)
    for n in range(2):
        visit(db, system, clinic, n)
    db.dispose()
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger' "
                                "AND tbl_name='notes'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    note_id = conn.execute("SELECT max(id) FROM notes WHERE status='signed'").fetchone()[0]
    conn.execute("UPDATE notes SET document=json_set(document, '$.subjective.history', "
                 "'rewritten') WHERE id=?", (note_id,))
    conn.commit()
    conn.close()
    made = take(f"sqlite:///{path}", tmp_path / "b.tar.gz", None)
    assert made.manifest["signed_notes_not_matching"] == 1
    result = restore(made.path, f"sqlite:///{tmp_path / 'r.sqlite3'}", None)
    assert result.verification.ok and result.restored
    (notes_check,) = [c for c in result.verification.checks if c.name == "signed notes"]
    assert notes_check.summary == ("2 SHA-256 match; 1 did not match their own content "
                                   "already when the backup was taken (restored as they were)")
    assert notes_check.problems == (f"note {note_id}",)
