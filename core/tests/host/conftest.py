"""Example packs built inside the tests, installed as real distributions on sys.path."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from vesalius.plugins import reset_registry

GOOD_PACK = '''
from vesalius_sdk import (BillingCode, ChargeLine, Discipline, LongTextField, NoteTemplate,
                          ProceduresField, Section, hookimpl)

@hookimpl
def register_disciplines(register):
    register(Discipline(id="{name}", title="{name} care"))

@hookimpl
def register_note_templates(register):
    register(NoteTemplate(id="{name}.visit", title="Visit", discipline="{name}", sections=[
        Section(id="notes", title="Notes", fields=[
            LongTextField(id="text", label="Text", required=True),
            ProceduresField(id="done", label="Done", record="units")])]))

@hookimpl
def register_billing_codes(register):
    register(BillingCode(code="99990", label="A made-up visit code", default_fee="40.00"))

@hookimpl
def charge_lines(note):
    return [ChargeLine(code=e["code"], units=e["units"]) for e in note.value("notes.done", [])]
'''


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory on sys.path where tests install throw-away pack distributions."""
    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.syspath_prepend(str(path))
    monkeypatch.delenv("VESALIUS_STRICT_PLUGINS", raising=False)
    monkeypatch.delenv("VESALIUS_DISABLED_PLUGINS", raising=False)
    reset_registry()
    yield path
    reset_registry()
    for name in [m for m in sys.modules if m.startswith("vtest_")]:
        del sys.modules[name]


@pytest.fixture
def make_pack(site: Path) -> Callable[..., str]:
    """Install a pack named ``name`` whose module source is ``source``.

    ``requires`` is the pack's own ``Requires-Dist`` on the SDK (``None``: none declared).
    """

    def make(name: str, source: str = GOOD_PACK,
             requires: str | None = "vesalius-sdk>=0.2,<0.3") -> str:
        module = f"vtest_{name.replace('-', '_')}"
        (site / f"{module}.py").write_text(textwrap.dedent(source).replace("{name}", name))
        dist = site / f"vtest_{name}-1.0.dist-info"
        dist.mkdir()
        lines = ["Metadata-Version: 2.1", f"Name: vtest-{name}", "Version: 1.0"]
        if requires:
            lines.append(f"Requires-Dist: {requires}")
        (dist / "METADATA").write_text("\n".join(lines) + "\n")
        (dist / "entry_points.txt").write_text(f"[vesalius.plugins]\n{name} = {module}\n")
        importlib.invalidate_caches()
        return module

    return make
