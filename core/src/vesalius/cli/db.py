"""``vesalius db``: create or upgrade the clinic database."""

from __future__ import annotations

import click

from ..db import Database
from ..db.migrate import current, head, upgrade
from .output import emit_json


@click.group("db")
def command() -> None:
    """The clinic database (SQLite by default; VESALIUS_DATABASE_URL for PostgreSQL)."""


@command.command("upgrade")
@click.option("--database", "url", metavar="URL", help="Database URL (default: "
              "VESALIUS_DATABASE_URL, else ./vesalius.sqlite3).")
def upgrade_command(url: str | None) -> None:
    """Create the schema, or bring it to the newest migration."""
    db = Database(url)
    before = current(db.engine)
    upgrade(db.engine)
    after = current(db.engine)
    click.echo(f"{db.engine.url.render_as_string(hide_password=True)}: "
               f"{before or 'empty'} -> {after}")
    db.dispose()


@command.command("status")
@click.option("--database", "url", metavar="URL")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def status_command(url: str | None, as_json: bool) -> None:
    """Show the database's migration and the newest one."""
    db = Database(url)
    data = {"url": db.engine.url.render_as_string(hide_password=True),
            "current": current(db.engine), "head": head()}
    db.dispose()
    if as_json:
        emit_json(data)
    else:
        state = "up to date" if data["current"] == data["head"] else "needs `vesalius db upgrade`"
        click.echo(f"{data['url']}: at {data['current'] or 'nothing'}, newest {data['head']} "
                   f"({state})")
