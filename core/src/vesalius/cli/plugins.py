"""``vesalius plugins``: the installed packs and what they contribute."""

from __future__ import annotations

import click

from ..plugins import get_registry
from .output import emit_json, emit_table


@click.group("plugins")
def command() -> None:
    """Installed discipline packs."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_plugins(as_json: bool) -> None:
    """List every pack found, enabled or disabled, with the reason when disabled."""
    packs = [p.as_json() for p in get_registry().packs]
    if as_json:
        emit_json(packs)
        return
    emit_table(
        ("NAME", "VERSION", "STATUS", "TEMPLATES", "CHARTS", "MEASURES", "CODES", "REASON"),
        [(p["name"], p["version"], p["status"],
          *(p["contributions"][k] for k in ("templates", "charts", "measures", "billing_codes")),
          p["reason"] or "") for p in packs],
    )
