"""One import run in its own transaction: committed only when every row is good and it is
not a dry run; otherwise rolled back, so a bad file (or a dry run) writes nothing. An
export's zip is one run too: its import files in order (patients, cases, appointments,
balances), all or nothing."""

from __future__ import annotations

import io
import zipfile

from ..db import Database
from ..services.actor import Actor
from .appointments import import_appointments
from .balances import import_balances
from .cases import import_cases
from .patients import import_patients
from .presets import GENERIC, PRESETS
from .report import ImportReport
from .rows import FileProblem, decode

#: In the order a clinic imports them (each names rows of the ones before).
KINDS = {"patients": import_patients, "cases": import_cases,
         "appointments": import_appointments, "balances": import_balances}
#: What only Vesalius's own export writes: read with the generic preset alone.
GENERIC_ONLY = ("cases", "balances")


def _check(kind: str, preset: str) -> None:
    if kind not in KINDS:
        raise FileProblem(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if preset not in PRESETS:
        raise FileProblem(f"preset must be one of {', '.join(PRESETS)}", field="preset")
    if kind in GENERIC_ONLY and preset != GENERIC.name:
        raise FileProblem(f"{kind} are read with the generic preset only (the columns "
                          "vesalius export writes)", field="preset")


def run(db: Database, actor: Actor, kind: str, text: str, preset: str = "generic", *,
        dry_run: bool = False, date_format: str | None = None,
        extra_map: dict[str, str] | None = None) -> ImportReport:
    """Import ``text`` (a CSV file's content) as ``kind``; :class:`FileProblem` when the
    file as a whole cannot be read, else the report (its errors by row and field)."""
    _check(kind, preset)
    with db.session() as session:
        report = KINDS[kind](session, actor, text, PRESETS[preset], dry_run=dry_run,
                             date_format=date_format, extra_map=extra_map)
        if report.ok and not dry_run:
            session.commit()
        else:
            session.rollback()
    return report


def run_archive(db: Database, actor: Actor, data: bytes, *,
                dry_run: bool = False) -> list[ImportReport]:
    """Import the ``import/<kind>.csv`` files of a ``vesalius export`` zip, in order, in one
    transaction. A file with a bad row stops the run there (the later files would only
    repeat that its rows are missing) and nothing is written; a dry run checks every file
    against the rows the earlier ones would create, then writes nothing."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise FileProblem("not a zip file (give the clinic.zip vesalius export wrote)",
                          field="file") from None
    members = [(kind, f"import/{kind}.csv") for kind in KINDS if f"import/{kind}.csv" in names]
    if not members:
        raise FileProblem("no import/*.csv files in the zip: is it a vesalius export?",
                          field="file")
    reports: list[ImportReport] = []
    with db.session() as session:
        for kind, name in members:
            try:
                text = decode(zf.read(name))
                report = KINDS[kind](session, actor, text, GENERIC, dry_run=dry_run)
            except FileProblem as exc:
                raise FileProblem(f"{name}: {exc}", field=exc.field) from None
            reports.append(report)
            if not report.ok:
                break
        if all(r.ok for r in reports) and not dry_run:
            session.commit()
        else:
            session.rollback()
    return reports
