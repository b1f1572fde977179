"""Helpers of the backup and restore tests: a clinic with insured patients, one visit
(book, arrive, chart, sign, issue, pay), an empty restore target per engine, and a way to
rewrite an unencrypted backup (to tamper with it)."""

from __future__ import annotations

import gzip
import io
import tarfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from clinic_factories import at, case, location, patient, practitioner, visit_document
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from vesalius.db import Database
from vesalius.services import Actor, billing, notes, payers, scheduling
from vesalius.services.scheduling import BookingIn

PAST = date(2025, 1, 13)
SLOTS = (9, 10, 11, 13, 14, 15, 16)


def insured_clinic(db: Database, system: Actor, patients: int = 3) -> dict[str, object]:
    """A practitioner, a payer with fees, and ``patients`` covered patients with a case."""
    with db.session() as s:
        loc = location(s, system)
        prac = practitioner(s, system, location_id=loc.id)
        payer = payers.create_payer(s, system, payers.PayerIn(
            name="Acme Health", kind="commercial", payer_code="ACME01"))
        payers.create_fee_schedule(s, system, payers.FeeScheduleIn(
            name="Acme 2025", payer_id=payer.id, fees=[
                payers.FeeIn(code="97110", amount=Decimal("50.00")),
                payers.FeeIn(code="97140", amount=Decimal("48.00"))]))
        people = []
        for n in range(patients):
            pat = patient(s, system, given=f"Pat{n}", family="Backup")
            coverage = payers.add_coverage(s, system, pat.id, payers.CoverageIn(
                payer_id=payer.id, member_id=f"ACM-{n:04d}", copay=Decimal("20.00"),
                coinsurance_percent=Decimal("20")))
            kase = case(s, system, pat.id, payer_id=payer.id, coverage_id=coverage.id)
            people.append((pat.id, kase.id))
        return {"practitioner": prac.id, "user": prac.user_id, "people": people}


def visit(db: Database, system: Actor, clinic: dict[str, object], n: int) -> None:
    """Visit number ``n``: book, arrive, chart, sign, issue the invoice, take a payment."""
    people = clinic["people"]
    assert isinstance(people, list)
    patient_id, case_id = people[n % len(people)]
    start = at(PAST + timedelta(days=n // len(SLOTS)), SLOTS[n % len(SLOTS)])
    actor = Actor(user_id=clinic["user"], role="practitioner",  # type: ignore[arg-type]
                  practitioner_id=clinic["practitioner"])  # type: ignore[arg-type]
    with db.session() as s:
        appt = scheduling.book(s, system, BookingIn(
            patient_id=patient_id, practitioner_id=clinic["practitioner"], case_id=case_id,
            start=start, end=start + timedelta(minutes=45)))
        scheduling.set_status(s, system, appt.id, "arrived")
        note = notes.create_draft(s, actor, notes.DraftIn(
            appointment_id=appt.id, template_id="rehab.visit",
            document=visit_document(history=f"Visit {n}", pain=n % 10,
                                    diagnosis=["M54.50"])))
        _note, invoice = notes.sign(s, actor, note.id)
        billing.issue(s, system, invoice.id)
    with db.session() as s:
        billing.record_payment(s, system, billing.PaymentIn(
            patient_id=patient_id, amount=Decimal("12.34"), method="card"))


@contextmanager
def empty_target(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same engine as ``db_url`` to restore into."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / f'restored-{uuid.uuid4().hex[:6]}.sqlite3'}"
        return
    name = f"vesalius_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield make_url(db_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def unpack(path: Path) -> dict[str, bytes]:
    """The members of an unencrypted backup, in order (the test clinics are small)."""
    with gzip.open(path) as gz, tarfile.open(fileobj=gz, mode="r|") as tar:
        found = {}
        for info in tar:
            handle = tar.extractfile(info)
            assert handle is not None
            found[info.name] = handle.read()
        return found


def repack(members: dict[str, bytes], out: Path) -> None:
    with gzip.open(out, "wb") as gz, tarfile.open(fileobj=gz, mode="w|") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def rewrite(src: Path, out: Path, edit: Callable[[dict[str, bytes]], None]) -> None:
    members = unpack(src)
    edit(members)
    repack(members, out)
