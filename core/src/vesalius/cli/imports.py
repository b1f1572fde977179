"""``vesalius import``: patients, cases, appointments and opening balances from CSV files
(another system's export, or the ``import/`` files of ``vesalius export``), or a whole
``vesalius export`` zip at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .output import emit_json, fail

if TYPE_CHECKING:
    from ..imports.report import ImportReport

DATABASE_HELP = "Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3)."
MAX_SHOWN = 200


@click.group("import")
def command() -> None:
    """Import patients, then their cases, appointments and opening balances, from CSV
    files (the export of the system the clinic leaves), or a vesalius export zip. Every
    row is checked first; a file with any bad row imports nothing. Re-running a file
    updates by external id and never duplicates."""


def _options(f):  # type: ignore[no-untyped-def]
    f = click.argument("file", type=click.Path(exists=True, dir_okay=False,
                                               path_type=Path))(f)
    f = click.option("--preset", type=click.Choice(["generic", "jane", "cliniko"]),
                     default="generic", show_default=True,
                     help="Whose column names the file has (generic: Vesalius's own field "
                          "names, e.g. given_name, family_name, birth_date, external_id).")(f)
    f = click.option("--map", "mappings", multiple=True, metavar="HEADER=FIELD",
                     help="Read the column HEADER as FIELD (repeat; adds to the preset).")(f)
    f = click.option("--date-format", metavar="FORMAT",
                     help="How dates are written when not YYYY-MM-DD, e.g. %d/%m/%Y.")(f)
    f = click.option("--dry-run", is_flag=True,
                     help="Check every row and report; write nothing.")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")(f)
    return click.option("--database", "url", metavar="URL", help=DATABASE_HELP)(f)


def _run(kind: str, file: Path, preset: str, mappings: tuple[str, ...],
         date_format: str | None, dry_run: bool, as_json: bool, url: str | None) -> None:
    from ..db import Database
    from ..db.migrate import ensure_schema
    from ..imports.rows import FileProblem, decode
    from ..imports.run import run
    from ..services.actor import Actor

    extra: dict[str, str] = {}
    for item in mappings:
        header, sep, field = item.partition("=")
        if not sep or not header.strip() or not field.strip():
            fail(f"--map {item!r}: write it as HEADER=field")
        extra[header.strip()] = field.strip()
    db = Database(url)
    try:
        ensure_schema(db.engine)
        report = run(db, Actor.system("import"), kind, decode(file.read_bytes()), preset,
                     dry_run=dry_run, date_format=date_format, extra_map=extra)
    except FileProblem as exc:
        fail(f"{file}: {exc}")
    finally:
        db.dispose()
    _show([report], as_json)


def _as_dict(report: ImportReport) -> dict[str, object]:
    return {"kind": report.kind, "preset": report.preset, "dry_run": report.dry_run,
            "rows": report.rows, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "ignored_columns": report.ignored_columns,
            "errors": [{"row": e.row, "field": e.field, "message": e.message}
                       for e in report.errors]}


def _show(reports: list[ImportReport], as_json: bool) -> None:
    if as_json:
        emit_json(_as_dict(reports[0]) if len(reports) == 1
                  else {"files": [_as_dict(r) for r in reports]})
    else:
        for report in reports:
            prefix = f"{report.kind}: " if len(reports) > 1 else ""
            for error in report.errors[:MAX_SHOWN]:
                click.echo(prefix + str(error), err=True)
            if len(report.errors) > MAX_SHOWN:
                click.echo(f"... and {len(report.errors) - MAX_SHOWN} more problems",
                           err=True)
            if report.ignored_columns:
                click.echo(prefix + "Columns not imported: "
                           + ", ".join(report.ignored_columns))
            click.echo(prefix + report.summary())
    if not all(r.ok for r in reports):
        raise SystemExit(1)


@command.command("patients")
@_options
def patients(**options: object) -> None:
    """Patients from FILE (CSV, UTF-8), matched by external_id."""
    _run("patients", **options)  # type: ignore[arg-type]


@command.command("appointments")
@_options
def appointments(**options: object) -> None:
    """Appointments from FILE (CSV, UTF-8): each names its patient by
    patient_external_id, its practitioner by e-mail or name, its service and location by
    name; times without an offset are the location's local time."""
    _run("appointments", **options)  # type: ignore[arg-type]


@command.command("cases")
@_options
def cases(**options: object) -> None:
    """Cases from FILE (CSV, UTF-8; the generic preset: vesalius export's
    import/cases.csv), each naming its patient by patient_external_id and its primary
    practitioner by e-mail or name; payers and coverages are set afterwards."""
    _run("cases", **options)  # type: ignore[arg-type]


@command.command("balances")
@_options
def balances(**options: object) -> None:
    """Opening balances from FILE (CSV, UTF-8; the generic preset: vesalius export's
    import/balances.csv): per patient_external_id the patient's and the insurer's balance
    and the credit, as of a date."""
    _run("balances", **options)  # type: ignore[arg-type]


@command.command("archive")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every file and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.option("--database", "url", metavar="URL", help=DATABASE_HELP)
def archive(file: Path, dry_run: bool, as_json: bool, url: str | None) -> None:
    """Patients, cases, appointments and balances from FILE, a zip written by vesalius
    export (its import/ files), in that order and in one transaction. The new clinic's
    practitioners, services and locations must exist first (matched by e-mail or name)."""
    from ..db import Database
    from ..db.migrate import ensure_schema
    from ..imports.rows import FileProblem
    from ..imports.run import run_archive
    from ..services.actor import Actor

    db = Database(url)
    try:
        ensure_schema(db.engine)
        reports = run_archive(db, Actor.system("import"), file.read_bytes(), dry_run=dry_run)
    except FileProblem as exc:
        fail(f"{file}: {exc}")
    finally:
        db.dispose()
    _show(reports, as_json)
