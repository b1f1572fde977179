"""One import run in its own transaction: committed only when every row is good and it is
not a dry run; otherwise rolled back, so a bad file (or a dry run) writes nothing."""

from __future__ import annotations

from ..db import Database
from ..services.actor import Actor
from .appointments import import_appointments
from .patients import import_patients
from .presets import PRESETS
from .report import ImportReport
from .rows import FileProblem

KINDS = {"patients": import_patients, "appointments": import_appointments}


def run(db: Database, actor: Actor, kind: str, text: str, preset: str = "generic", *,
        dry_run: bool = False, date_format: str | None = None,
        extra_map: dict[str, str] | None = None) -> ImportReport:
    """Import ``text`` (a CSV file's content) as ``kind``; :class:`FileProblem` when the
    file as a whole cannot be read, else the report (its errors by row and field)."""
    if kind not in KINDS:
        raise FileProblem(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if preset not in PRESETS:
        raise FileProblem(f"preset must be one of {', '.join(PRESETS)}", field="preset")
    with db.session() as session:
        report = KINDS[kind](session, actor, text, PRESETS[preset], dry_run=dry_run,
                             date_format=date_format, extra_map=extra_map)
        if report.ok and not dry_run:
            session.commit()
        else:
            session.rollback()
    return report
