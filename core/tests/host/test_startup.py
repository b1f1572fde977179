"""The command line starts light: ``vesalius --help`` imports no command, no database layer,
no web app and no password hasher; ``vesalius plugins list`` loads the packs but not the
database layer; no password is hashed at import. (Not timed: bench/startup.py measures.)"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import click
import pytest
from vesalius.cli import COMMANDS, main

#: Modules whose import means a heavy start: the ORM/engine, the web app, argon2, the
#: clinic services (which import all three).
HEAVY = ("sqlalchemy", "flask", "argon2", "alembic", "gunicorn", "huey",
         "vesalius.services", "vesalius.web", "vesalius.db", "vesalius.models")


def _modules_after(args: list[str], prelude: str = "") -> list[str]:
    """The modules a fresh interpreter holds after running ``vesalius ARGS``."""
    code = textwrap.dedent(f"""
        import json, sys
        {prelude}
        from vesalius.cli import main
        try:
            main({args!r}, prog_name="vesalius")
        except SystemExit as done:
            assert not done.code, done.code
        print("\\n" + json.dumps(sorted(sys.modules)))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_help_imports_nothing_heavy() -> None:
    modules = _modules_after(["--help"])
    assert _heavy(modules) == []
    assert not [m for m in modules if m.startswith("vesalius.cli.")], \
        "--help lists the commands without importing them"
    assert "vesalius.plugins" not in modules and "vesalius_sdk" not in modules


def test_plugins_list_loads_packs_but_no_database_layer() -> None:
    modules = _modules_after(["plugins", "list"])
    assert "vesalius.plugins" in modules
    assert _heavy(modules) == []
    # Packs import their printouts' Jinja on the first printout, not at load.
    assert "jinja2" not in modules
    # A plain SDK requirement is read with a specifier set: no requirement parser.
    assert "packaging.requirements" not in modules


def test_no_password_is_hashed_at_import() -> None:
    """Importing the services and the web app computes no argon2 hash (each costs tens of
    milliseconds at every start)."""
    modules = _modules_after(["--version"], prelude=textwrap.dedent("""
        import argon2
        def refuse(*args, **kwargs):
            raise AssertionError("an argon2 hash at import")
        argon2.PasswordHasher.hash = refuse
        import vesalius.services.users, vesalius.app, vesalius.web
    """).replace("\n", "\n        "))
    # The interpreter ran to the end (a hash would have raised) with all three imported.
    assert {"vesalius.services.users", "vesalius.app", "vesalius.web"} <= set(modules)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_help_is_the_commands_own(name: str) -> None:
    """The table ``--help`` prints from says what each command's own help says first."""
    ctx = click.Context(main)
    command = main.get_command(ctx, name)
    assert command is not None and command.name == name
    listed = COMMANDS[name][1]
    for limit in (45, 60, 200):
        assert click.Command(name, help=listed).get_short_help_str(limit) == \
            command.get_short_help_str(limit), (name, limit)


def test_every_command_module_is_listed() -> None:
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        assert isinstance(main.get_command(ctx, name), click.Command)
    assert main.get_command(ctx, "no-such-command") is None
