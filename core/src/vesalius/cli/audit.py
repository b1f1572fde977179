"""``vesalius audit``: check the audit log's hash chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..db import Database
from ..db.migrate import ensure_schema
from ..services.audit import verify_chain
from .output import emit_json, fail


@click.group("audit")
def command() -> None:
    """The audit log (who read or changed what, when, from where) and its anchors."""


ANCHORS_HELP = ("The anchors file (default: audit-anchors.jsonl in VESALIUS_DATA_DIR, else "
                "in the vesalius-data folder beside a SQLite database).")


def _anchors_path(path: str | None, url: str) -> Path:
    from ..services.audit_anchors import ANCHORS_FILE, data_dir

    return Path(path) if path else data_dir(url) / ANCHORS_FILE


@command.command("verify")
@click.option("--database", "url", metavar="URL",
              help="Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
@click.option("--anchors", "anchors_path", metavar="FILE", help=ANCHORS_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(url: str | None, anchors_path: str | None, as_json: bool) -> None:
    """Check every event's hash and link, and every list read's items, in id order, and
    the chain against its anchors.

    Exit 0 with a one-line summary and a line on the anchors when the chain is intact;
    exit 1 naming the first broken event and why (changed, deleted, reordered, or
    rewritten after an anchor), or how many of the last events were removed after the
    newest anchor, or which anchor lines were refused (tampered: never trusted). No anchors
    file is said, not an error (`vesalius audit anchor` and the worker write it).
    """
    from sqlalchemy.orm import Session

    from ..services import audit_anchors
    from ..web.sessions import deferred_engine

    db = Database(url)
    try:
        path = _anchors_path(anchors_path, db.url)
        try:
            loaded = audit_anchors.read(path, audit_anchors.load_key(path.parent)) \
                if path.exists() else audit_anchors.Loaded(path, present=False)
        except audit_anchors.AnchorError as exc:
            fail(str(exc))
        ensure_schema(db.engine)
        # On SQLite, read without the write lock (the core's sessions take it at once):
        # the clinic keeps working while a long log is checked.
        reader = deferred_engine(db, read_only=True)
        with Session(reader) as session:
            report = verify_chain(session, anchors=loaded.anchors)
        if reader is not db.engine:
            reader.dispose()
    finally:
        db.dispose()
    ok = report.ok and not loaded.refused
    if as_json:
        emit_json({"ok": ok, "checked": report.checked,
                   "first_broken_id": report.first_broken_id, "reason": report.reason,
                   "head_id": report.head_id, "head_hash": report.head_hash,
                   "lists_checked": report.lists_checked, "cut": report.cut,
                   "anchors": {"file": str(path), "present": loaded.present,
                               "valid": len(loaded.anchors),
                               "checked": report.anchors_checked,
                               "newest_seq": report.anchor_seq,
                               "newest_at": report.anchor_at and report.anchor_at.isoformat(),
                               "refused": list(loaded.refused),
                               "other_key": loaded.other_key}})
    else:
        click.echo(report.summary(), err=not report.ok)
        click.echo(_anchor_line(loaded, report), err=not ok)
        for line in loaded.refused:
            click.echo(f"  refused, not trusted: {line}", err=True)
    if not ok:
        raise SystemExit(1)


def _anchor_line(loaded: Any, report: Any) -> str:
    if not loaded.present:
        return (f"anchors: no anchors file at {loaded.path}, so a cut tail cannot be seen "
                "(`vesalius audit anchor` or the worker writes one)")
    parts = [f"anchors: {len(loaded.anchors)} valid in {loaded.path}, "
             f"{report.anchors_checked} reached and matching"]
    if loaded.refused:
        parts.append(f"{len(loaded.refused)} lines refused (tampered or torn)")
    if loaded.other_key:
        parts.append(f"{loaded.other_key} made with another key (not checked)")
    return "; ".join(parts)


@command.command("anchor")
@click.option("--database", "url", metavar="URL",
              help="Database URL (default: VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
@click.option("--anchors", "anchors_path", metavar="FILE", help=ANCHORS_HELP)
def anchor(url: str | None, anchors_path: str | None) -> None:
    """Write the audit chain's head (position, hash, time) to the anchors file now.

    The line is signed with a key that is not in the database (derived from
    VESALIUS_SECRET_KEY, else the file audit-anchor.key beside the anchors, made on first
    use), so `vesalius audit verify` sees events removed after it. The worker writes one
    every VESALIUS_AUDIT_ANCHOR_MINUTES (default 10) when the log grew.
    """
    from ..services import audit_anchors

    db = Database(url)
    try:
        path = _anchors_path(anchors_path, db.url)
        ensure_schema(db.engine)
        with db.engine.connect() as conn:
            try:
                written = audit_anchors.anchor(conn, path.parent, only_if_moved=False,
                                               file_name=path.name)
            except (audit_anchors.AnchorError, OSError) as exc:
                fail(f"the anchor was not written: {exc}")
    finally:
        db.dispose()
    if written is None:
        click.echo("audit log empty: nothing to anchor")
        return
    click.echo(f"anchored position {written.seq} ({written.hash}) at "
               f"{written.at.isoformat(timespec='seconds')} in {path}")
