"""``vesalius new-pack``: write a new discipline pack, ready to install and test."""

from __future__ import annotations

from pathlib import Path

import click

from ..scaffold import ScaffoldError, names, write_pack
from ..scaffold.develop import next_steps
from .output import fail


@click.command("new-pack")
@click.argument("name")
@click.option("--discipline", "discipline", metavar="TITLE",
              help="The discipline's title, e.g. 'Massage therapy' (default: from NAME).")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the pack into (default: ./vesalius-NAME).")
def command(name: str, discipline: str | None, output: Path | None) -> None:
    """Write a new discipline pack NAME: pyproject, hooks, a template, a chart, a measure,
    a billing code with its charge rule, tests using the SDK's kit, and a README."""
    try:
        pack = names(name, discipline)
        target = output or Path(pack.distribution)
        written = write_pack(name, target, discipline)
    except ScaffoldError as exc:
        fail(str(exc))
    click.echo(f"Wrote {pack.distribution} ({len(written)} files) in {target}")
    for line in next_steps(target):
        click.echo(line)
