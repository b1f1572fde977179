"""``vesalius export``: the clinic's data (or one patient's) as a zip of open formats."""

from __future__ import annotations

from pathlib import Path

import click

from .output import fail


@click.command("export")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False,
              path_type=Path), help="The zip file to write (refused if it exists).")
@click.option("--patient", "patient_id", type=int,
              help="Only this patient's records (an access request).")
@click.option("--database", "url", metavar="URL",
              help="Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
def command(output: Path, patient_id: int | None, url: str | None) -> None:
    """Export every table as CSV with a data dictionary, every signed note as HTML with its
    SHA-256, every FHIR resource type as ndjson, and the patients, cases, appointments and
    balances in the import format (vesalius import archive reads them back), with a manifest
    of counts and hashes. Password and token hashes are left out. The export holds
    health records: keep it encrypted and delete it when done."""
    from ..db import Database
    from ..db.migrate import ensure_schema
    from ..errors import NotFound
    from ..exports.archive import write_export
    from ..models import Patient
    from ..services.actor import Actor

    if output.exists():
        fail(f"{output} exists: choose another name (an export never overwrites a file)")
    db = Database(url)
    try:
        ensure_schema(db.engine)
        with db.session() as session:
            if patient_id is not None and session.get(Patient, patient_id) is None:
                raise NotFound(f"no patient {patient_id}")
            partial = output.with_name(output.name + ".part")
            manifest = write_export(session, Actor.system("export"), partial,
                                    patient_id=patient_id)
            session.commit()  # the audit event of the export
            partial.replace(output)
    except NotFound as exc:
        fail(str(exc))
    finally:
        db.dispose()
    rows = sum(f["rows"] or 0 for f in manifest["files"])
    click.echo(f"Wrote {output}: {len(manifest['files'])} files, {rows:,} rows.")
