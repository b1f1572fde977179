"""What a backup says about itself, and the check of a restored database against it.

The manifest is taken from the very snapshot the backup holds (SQLite: the copy; PostgreSQL:
the exported snapshot ``pg_dump`` reads), so a clinic that keeps working while the backup
runs cannot make them disagree. Two lists that grow with the clinic travel beside it as
their own archive members, sorted by id, and are compared as streams (never loaded whole):
every signed note's SHA-256 as the notes table stores it, and every patient's balances.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from sqlalchemy import Connection, func, inspect, select, table
from sqlalchemy.orm import Session

from .. import __version__
from ..db.types import money
from ..models import Invoice, Note, Payment, PaymentAllocation

FORMAT = "vesalius-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NOTES = "signed-notes.tsv"
BALANCES = "balances.tsv"
#: Problems named per check; the rest are counted.
SHOWN = 20
VERSION_TABLES = {"core": "alembic_version", "web": "alembic_version_web"}


def revisions(conn: Connection, tables: Iterable[str]) -> dict[str, str | None]:
    found = set(tables)
    return {stream: (conn.exec_driver_sql(f"SELECT version_num FROM {name}").scalar()
                     if name in found else None)
            for stream, name in VERSION_TABLES.items()}


def table_counts(conn: Connection) -> dict[str, int]:
    names = sorted(inspect(conn).get_table_names())
    return {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in names}


def signed_notes(conn: Connection) -> Iterator[tuple[int, str, bool]]:
    """``(note id, content_sha256 as stored, whether the note's content still matches it)``
    of every signed note (entered-in-error ones were signed too), by id. The hash is
    recomputed as signing computed it."""
    from ..services.notes import content_hash

    cols = (Note.id, Note.patient_id, Note.case_id, Note.template_id, Note.template_version,
            Note.pack, Note.pack_version, Note.date_of_service, Note.document, Note.signed_by,
            Note.signed_at, Note.content_sha256)
    rows = conn.execution_options(yield_per=1000).execute(
        select(*cols).where(Note.content_sha256.is_not(None)).order_by(Note.id))
    for row in rows:
        # A plain namespace: content_hash reads attributes only (an ORM object costs more).
        values = SimpleNamespace(**row._mapping)
        yield values.id, values.content_sha256, content_hash(values) == values.content_sha256  # type: ignore[arg-type]


Balance = tuple[Decimal, Decimal, Decimal]  # patient balance, insurer balance, credit


def balances(conn: Connection) -> list[tuple[int, Balance]]:
    """Every patient's balances as the billing service's account defines them (issued
    invoices less what was allocated to them; credit: patient money not applied), in four
    grouped queries, by patient id. Patients with no billing are left out."""
    parts = conn.execute(
        select(Invoice.patient_id, func.sum(Invoice.patient_portion),
               func.sum(Invoice.insurer_portion))
        .where(Invoice.status == "issued").group_by(Invoice.patient_id))
    paid = conn.execute(
        select(Invoice.patient_id, PaymentAllocation.portion, func.sum(PaymentAllocation.amount))
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(Invoice.status == "issued")
        .group_by(Invoice.patient_id, PaymentAllocation.portion))
    received = conn.execute(
        select(Payment.patient_id, func.sum(Payment.amount))
        .where(Payment.method != "insurer").group_by(Payment.patient_id))
    applied = conn.execute(
        select(Payment.patient_id, func.sum(PaymentAllocation.amount))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.method != "insurer").group_by(Payment.patient_id))
    zero = money(0)
    found: dict[int, list[Decimal]] = {}

    def row(patient_id: int) -> list[Decimal]:
        return found.setdefault(patient_id, [zero, zero, zero])

    for patient_id, patient_part, insurer_part in parts:
        row(patient_id)[0] += money(patient_part or 0)
        row(patient_id)[1] += money(insurer_part or 0)
    for patient_id, portion, amount in paid:
        row(patient_id)[0 if portion == "patient" else 1] -= money(amount or 0)
    for patient_id, amount in received:
        row(patient_id)[2] += money(amount or 0)
    for patient_id, amount in applied:
        row(patient_id)[2] -= money(amount or 0)
    return [(pid, (v[0], v[1], v[2])) for pid, v in sorted(found.items())]


@dataclass(frozen=True)
class Collected:
    manifest: dict[str, Any]
    notes: Path
    balances: Path


def collect(conn: Connection, engine: str, workdir: Path) -> Collected:
    """The manifest of the database behind ``conn`` (in its current transaction), with the
    two lists written to files in ``workdir``."""
    counts = table_counts(conn)
    notes_path, balances_path = workdir / NOTES, workdir / BALANCES
    signed = altered = 0
    with notes_path.open("w") as out:
        for note_id, digest, matches in signed_notes(conn):
            out.write(f"{note_id}\t{digest}\t{int(matches)}\n")
            signed += 1
            altered += not matches
    owed = balances(conn)
    with balances_path.open("w") as out:
        for patient_id, (patient, insurer, credit) in owed:
            out.write(f"{patient_id}\t{patient}\t{insurer}\t{credit}\n")
    return Collected(
        manifest={
            "format": FORMAT, "format_version": FORMAT_VERSION, "engine": engine,
            "vesalius_version": __version__, "revisions": revisions(conn, counts),
            "tables": counts, "signed_notes": signed,
            "signed_notes_not_matching": altered, "patients_with_balances": len(owed),
        },
        notes=notes_path, balances=balances_path)


def dump(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, indent=2, sort_keys=True).encode()


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    summary: str
    problems: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return [f"{self.name}: {self.summary}"] + [f"  - {p}" for p in self.problems]


@dataclass(frozen=True)
class Verification:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def lines(self) -> list[str]:
        return [line for check in self.checks for line in check.lines()]


@dataclass
class _Problems:
    shown: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, text: str) -> None:
        self.count += 1
        if len(self.shown) < SHOWN:
            self.shown.append(text)

    def final(self) -> tuple[str, ...]:
        more = self.count - len(self.shown)
        return tuple(self.shown) + ((f"... and {more} more",) if more else ())


def _merge(expected: Iterator[tuple[int, Any]], actual: Iterator[tuple[int, Any]],
           problems: _Problems, what: str, differs: Callable[[int, Any, Any], str]) -> int:
    """Walk two id-sorted streams together; name what one has and the other has not, and
    what differs. Returns how many ids matched."""
    matched = 0
    sentinel = (None, None)
    exp, act = next(expected, sentinel), next(actual, sentinel)
    while exp != sentinel or act != sentinel:
        if act == sentinel or (exp != sentinel and exp[0] < act[0]):
            problems.add(f"{what} {exp[0]}: in the backup, missing from the database")
            exp = next(expected, sentinel)
        elif exp == sentinel or act[0] < exp[0]:
            problems.add(f"{what} {act[0]}: in the database, not in the backup")
            act = next(actual, sentinel)
        else:
            if exp[1] == act[1]:
                matched += 1
            else:
                problems.add(differs(exp[0], exp[1], act[1]))
            exp, act = next(expected, sentinel), next(actual, sentinel)
    return matched


def _read_tsv(handle: IO[str], parse: Callable[[list[str]], Any]) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(handle, start=1):
        parts = line.rstrip("\n").split("\t")
        try:
            yield int(parts[0]), parse(parts[1:])
        except (ValueError, IndexError, ArithmeticError):
            raise ValueError(f"line {number} of the backup's list is malformed") from None


def check_revisions(conn: Connection, manifest: dict[str, Any]) -> Check:
    found = revisions(conn, inspect(conn).get_table_names())
    wanted = manifest.get("revisions", {})
    problems = tuple(f"{stream} schema: {found.get(stream)}, the backup says {rev}"
                     for stream, rev in wanted.items() if found.get(stream) != rev)
    return Check("schema", not problems, "at " + ", ".join(
        f"{k} {v}" for k, v in found.items() if v) if not problems else "differs", problems)


def check_counts(conn: Connection, manifest: dict[str, Any]) -> Check:
    found, wanted = table_counts(conn), manifest["tables"]
    problems = _Problems()
    for name in sorted(set(found) | set(wanted)):
        if name not in found:
            problems.add(f"table {name}: missing (the backup has {wanted[name]} rows)")
        elif name not in wanted:
            problems.add(f"table {name}: not in the backup ({found[name]} rows)")
        elif found[name] != wanted[name]:
            problems.add(f"table {name}: {found[name]} rows, the backup says {wanted[name]}")
    return Check("row counts", not problems.count,
                 f"{len(found)} tables, {sum(found.values())} rows" + (
                     " match" if not problems.count else f"; {problems.count} differ"),
                 problems.final())


def check_notes(conn: Connection, manifest: dict[str, Any], listing: IO[str]) -> Check:
    """Each signed note's stored SHA-256 against the backup's list, and its content against
    that hash. A note whose content already did not match when the backup was taken is
    restored as it was and named, but does not fail the restore; one that matched then and
    does not now does."""
    problems = _Problems()
    bad_then: set[int] = set()
    bad_now: set[int] = set()

    def listed() -> Iterator[tuple[int, str]]:
        for note_id, (digest, matched) in _read_tsv(listing, lambda p: (p[0], p[1:] != ["0"])):
            if not matched:
                bad_then.add(note_id)
            yield note_id, digest

    def stored() -> Iterator[tuple[int, str]]:
        for note_id, digest, matches in signed_notes(conn):
            if not matches:
                bad_now.add(note_id)
            yield note_id, digest

    matched = _merge(listed(), stored(), problems, "signed note",
                     lambda i, want, got: f"signed note {i}: SHA-256 {got[:12]}..., the "
                                          f"backup says {want[:12]}...")
    for note_id in sorted(bad_now - bad_then):
        problems.add(f"note {note_id}: its content no longer matches the SHA-256 taken when "
                     "it was signed")
    for note_id in sorted(bad_then - bad_now):
        problems.add(f"note {note_id}: its content was changed since the backup")
    if matched != manifest["signed_notes"] and not problems.count:
        problems.add(f"{matched} signed notes, the backup says {manifest['signed_notes']}")
    summary = (f"{matched} SHA-256 match" if not problems.count
               else f"{matched} match, {problems.count} problems")
    known = _Problems()
    for note_id in sorted(bad_then & bad_now):
        known.add(f"note {note_id}")
    if known.count:
        summary += (f"; {known.count} did not match their own content already when the "
                    "backup was taken (restored as they were)")
    return Check("signed notes", not problems.count, summary,
                 problems.final() + (known.final() if known.count else ()))


def check_balances(conn: Connection, manifest: dict[str, Any], listing: IO[str]) -> Check:
    problems = _Problems()

    def show(b: Balance) -> str:
        return f"patient {b[0]}, insurer {b[1]}, credit {b[2]}"

    expected = _read_tsv(listing, lambda p: (Decimal(p[0]), Decimal(p[1]), Decimal(p[2])))
    matched = _merge(expected, iter(balances(conn)), problems, "patient",
                     lambda i, want, got: f"patient {i}: {show(got)}; the backup says "
                                          f"{show(want)}")
    return Check("balances", not problems.count,
                 f"{matched} patients match" if not problems.count
                 else f"{matched} patients match, {problems.count} differ", problems.final())


def check_audit_chain(conn: Connection, manifest: dict[str, Any] | None = None,
                      anchor_key: bytes | None = None) -> Check:
    """The chain, and that it reaches the anchor the backup carries (its head when it was
    taken, signed with a key outside the database: checked when that key is here)."""
    from ..services import audit, audit_anchors

    carried = (manifest or {}).get("audit_anchor")
    anchors: list[audit_anchors.Anchor] = []
    note = ""
    if carried is not None:
        try:
            found = audit_anchors.parse(carried, anchor_key) if anchor_key else None
        except ValueError as exc:
            return Check("audit chain", False, "the backup's anchor is refused",
                         (f"its anchor: {exc}",))
        if found is None:
            note = ("; its anchor not checked (the anchor key it was signed with is not "
                    "here: VESALIUS_SECRET_KEY or audit-anchor.key)")
        else:
            anchors.append(found)
            note = f"; it reaches the backup's anchor (position {found.seq})"
    with Session(bind=conn) as session:
        report = audit.verify_chain(session, anchors=anchors)
    if report.ok:
        return Check("audit chain", True, f"{report.checked} events checked, unbroken{note}")
    if report.cut:
        return Check("audit chain", False, f"cut: {report.cut} events missing",
                     (str(report.reason),))
    return Check("audit chain", False, f"broken at event {report.first_broken_id}",
                 (str(report.reason),))


def verify(conn: Connection, manifest: dict[str, Any], notes: Path,
           balances_file: Path, anchor_key: bytes | None = None) -> Verification:
    """Check the database behind ``conn`` against a backup's manifest and lists (and its
    audit anchor when ``anchor_key`` is given)."""
    with notes.open() as listing_notes, balances_file.open() as listing_balances:
        return Verification((
            check_revisions(conn, manifest),
            check_counts(conn, manifest),
            check_notes(conn, manifest, listing_notes),
            check_balances(conn, manifest, listing_balances),
            check_audit_chain(conn, manifest, anchor_key),
        ))
