"""``vesalius claims``: 837P batches out to a payer, 835 remittances in."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..db import Database
from ..db.migrate import ensure_schema
from ..errors import ServiceError
from ..services import Actor
from .output import emit_json, fail

_database = click.option("--database", "url", metavar="URL",
                         help="Database URL (default: VESALIUS_DATABASE_URL, else "
                              "./vesalius.sqlite3).")


def _db(url: str | None) -> Database:
    db = Database(url)
    ensure_schema(db.engine)
    return db


def _problems(exc: ServiceError) -> str:
    lines = [exc.message]
    for detail in exc.details or []:
        if "claim" in detail:
            lines.append(f"  claim {detail['claim']}: {detail['field']}: {detail['message']}")
    return "\n".join(lines) if len(lines) > 1 else exc.message


@click.group("claims")
def command() -> None:
    """Insurance claims: X12 837P files out, 835 remittances in."""


@command.command("export-837")
@click.option("--payer", "payer_id", type=int, required=True, help="The payer's id.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Write the 837P here.")
@_database
def export_837(payer_id: int, output: Path, url: str | None) -> None:
    """Write every ready claim of the payer into one 837P (005010X222A1) and mark them
    submitted. Any claim that breaks a rule stops the batch: each is listed by claim and
    field, nothing is written and no claim changes."""
    from ..x12 import export

    db = _db(url)
    partial = output.with_name(output.name + ".partial")
    try:
        with db.session() as session:
            made = export.batch(session, Actor.system("cli"), payer_id)
            # Written before the transaction commits: a failed write marks nothing.
            partial.write_text(made.text, encoding="ascii")
            os.replace(partial, output)
            summary = (f"{output}: 837P interchange {made.interchange.control_number}, "
                       f"{len(made.claims)} claims, total {made.interchange.total}; "
                       "claims marked submitted")
    except ServiceError as exc:
        fail(_problems(exc))
    except Exception:
        partial.unlink(missing_ok=True)
        if output.exists():  # the file is there but the claims were not marked: remove it
            output.unlink()
        raise
    finally:
        db.dispose()
    click.echo(summary)


@command.command("import-835")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@_database
def import_835(file: Path, as_json: bool, url: str | None) -> None:
    """Post an 835 remittance: payments, adjustments, patient responsibility and claim
    states. What cannot be posted goes to the worklist; a file seen before changes nothing."""
    from ..x12 import posting

    text = file.read_text(encoding="ascii", errors="replace")
    db = _db(url)
    try:
        with db.session() as session:
            result = posting.import_835(session, Actor.system("cli"), text)
            rem = posting.with_claims(session, result.remittance.id)
            rows = [{"claim": c.claim_reference, "outcome": c.outcome, "paid": str(c.paid),
                     "reason": c.reason} for c in rem.claims]
            head = {"remittance": rem.id, "trace": rem.trace_number,
                    "total_paid": str(rem.total_paid), "duplicate": result.duplicate,
                    "claims": rows}
    except ServiceError as exc:
        fail(f"{exc.field}: {exc.message}" if exc.field else exc.message)
    finally:
        db.dispose()
    if as_json:
        emit_json(head)
        return
    if head["duplicate"]:
        click.echo(f"{file}: 835 {head['trace']} was imported before (remittance "
                   f"{head['remittance']}): nothing changed")
        return
    click.echo(f"{file}: 835 {head['trace']}, {head['total_paid']} paid, remittance "
               f"{head['remittance']}")
    for row in rows:
        click.echo(f"  {row['claim']}: {row['outcome']} {row['paid']}"
                   + (f" ({row['reason']})" if row["reason"] else ""))
