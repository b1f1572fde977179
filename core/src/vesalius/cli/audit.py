"""``vesalius audit``: check the audit log's hash chain."""

from __future__ import annotations

import click

from ..db import Database
from ..db.migrate import ensure_schema
from ..services.audit import verify_chain
from .output import emit_json


@click.group("audit")
def command() -> None:
    """The audit log (who read or changed what, when, from where)."""


@command.command("verify")
@click.option("--database", "url", metavar="URL",
              help="Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(url: str | None, as_json: bool) -> None:
    """Check every event's hash and link, and every list read's items, in id order.

    Exit 0 with a one-line summary when the chain is intact; exit 1 naming the first broken
    event and why (changed, deleted or reordered). Keep the printed head (id and hash)
    somewhere else: a later check that no longer reaches it shows the tail was cut or
    rewritten.
    """
    from sqlalchemy.orm import Session

    from ..web.sessions import deferred_engine

    db = Database(url)
    try:
        ensure_schema(db.engine)
        # On SQLite, read without the write lock (the core's sessions take it at once):
        # the clinic keeps working while a long log is checked.
        reader = deferred_engine(db, read_only=True)
        with Session(reader) as session:
            report = verify_chain(session)
        if reader is not db.engine:
            reader.dispose()
    finally:
        db.dispose()
    if as_json:
        emit_json({"ok": report.ok, "checked": report.checked,
                   "first_broken_id": report.first_broken_id, "reason": report.reason,
                   "head_id": report.head_id, "head_hash": report.head_hash,
                   "lists_checked": report.lists_checked})
    else:
        click.echo(report.summary(), err=not report.ok)
    if not report.ok:
        raise SystemExit(1)
