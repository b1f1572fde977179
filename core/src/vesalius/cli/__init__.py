"""The ``vesalius`` command line. Output meant for scripts is stable (``--json``).

Start-up is kept short: each command's module (and what it needs: the database layer, the
packs, the web app) is imported only when that command runs. ``vesalius --help`` lists the
commands from :data:`COMMANDS` without importing any of them; a test checks that the
one-line help kept there is the command's own.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

#: Command name -> (module defining a click command or group named ``command``, the first
#: sentence of its help: what ``vesalius --help`` shows, shortened to the terminal's width).
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("vesalius.cli.audit",
              "The audit log (who read or changed what, when, from where) and its anchors."),
    "backup": ("vesalius.cli.backup",
               "Back up the clinic database while it runs: `vesalius backup -o FILE`."),
    "charts": ("vesalius.cli.charts", "Clickable charts (body, spine, meridian, foot)."),
    "claims": ("vesalius.cli.claims",
               "Insurance claims: X12 837P files out, 835 remittances in."),
    "db": ("vesalius.cli.db",
           "The clinic database (SQLite by default; VESALIUS_DATABASE_URL for PostgreSQL)."),
    "demo": ("vesalius.cli.demo", "Seed a demo clinic into the database, then serve it."),
    "export": ("vesalius.cli.export",
               "Export every table as CSV with a data dictionary, every signed note as HTML "
               "with its SHA-256, every FHIR resource type as ndjson, and the patients, "
               "cases, appointments and balances in the import format (vesalius import "
               "archive reads them back), with a manifest of counts and hashes."),
    "import": ("vesalius.cli.imports",
               "Import patients, then their cases, appointments and opening balances, from "
               "CSV files (the export of the system the clinic leaves), or a vesalius "
               "export zip."),
    "measures": ("vesalius.cli.measures", "Outcome measures and their scoring."),
    "new-pack": ("vesalius.cli.new_pack",
                 "Write a new discipline pack NAME: pyproject, hooks, a template, a chart, a "
                 "measure, a billing code with its charge rule, tests using the SDK's kit, "
                 "and a README."),
    "plugins": ("vesalius.cli.plugins", "Installed discipline packs."),
    "restore": ("vesalius.cli.restore",
                "Restore the backup FILE (a path or s3://bucket/key) into an EMPTY database "
                "and verify it: row counts, every signed note's SHA-256, balances per "
                "patient, the audit chain."),
    "serve": ("vesalius.cli.serve",
              "Serve the web pages and the API with gunicorn (the database is upgraded first "
              "when it is behind)."),
    "templates": ("vesalius.cli.templates", "Note templates."),
    "users": ("vesalius.cli.users",
              "Accounts (owner, front desk, practitioner, billing, patient) and API tokens."),
    "worker": ("vesalius.cli.worker",
               "Run the background worker until stopped (Ctrl-C, SIGTERM)."),
}
#: The command modules, for code that wants them all (kept for compatibility).
COMMAND_MODULES = tuple(module for module, _help in COMMANDS.values())


def _listed(name: str) -> click.Command:
    """A stand-in carrying the command's listed help (the real one is not imported)."""
    return click.Command(name, help=COMMANDS[name][1])


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (see the module docstring)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            command = importlib.import_module(COMMANDS[cmd_name][0]).command
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: Any) -> None:
        """Click's own layout, from the table instead of the imported commands."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, (self.commands.get(name) or _listed(name)).get_short_help_str(limit))
                for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vesalius", prog_name="vesalius",
                      message="%(prog)s, version %(version)s")
def main() -> None:
    """Vesalius: practice management and health records for allied-health clinics."""
