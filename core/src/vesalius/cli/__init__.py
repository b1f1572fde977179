"""The ``vesalius`` command line. Output meant for scripts is stable (``--json``)."""

from __future__ import annotations

import importlib

import click

from .. import __version__

#: Modules that each define a click command or group named ``command``, added to ``main``.
COMMAND_MODULES = (
    "vesalius.cli.plugins",
    "vesalius.cli.measures",
    "vesalius.cli.charts",
    "vesalius.cli.templates",
    "vesalius.cli.new_pack",
    "vesalius.cli.db",
    "vesalius.cli.users",
    "vesalius.cli.audit",
    "vesalius.cli.serve",
    "vesalius.cli.demo",
    "vesalius.cli.backup",
    "vesalius.cli.restore",
    "vesalius.cli.worker",
    "vesalius.cli.imports",
    "vesalius.cli.export",
    "vesalius.cli.claims",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vesalius")
def main() -> None:
    """Vesalius: practice management and health records for allied-health clinics."""


for _name in COMMAND_MODULES:
    main.add_command(importlib.import_module(_name).command)
