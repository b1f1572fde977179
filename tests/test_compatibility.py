"""SDK 0.2 loads a pack written and built for SDK 0.1 unchanged (issue 12, item 8): a wheel
of a module of ``@hookimpl`` functions, declaring ``vesalius-sdk>=0.1,<0.3``, installed
beside the 0.2 SDK and the core, is enabled with all its contributions and its rules run."""

from __future__ import annotations

import json
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest

from .conftest import Venv, uv

pytestmark = pytest.mark.slow

#: An SDK 0.1 pack as the 0.1 scaffold wrote them: one hook function per contribution.
PLUGIN = '''
"""An SDK 0.1 pack: hook implementations only."""

from decimal import Decimal

from vesalius_sdk import (BillingCode, ChargeLine, Discipline, LongTextField, MeasureItem,
                          NoteProblem, NoteTemplate, OutcomeMeasure, ProceduresField,
                          Section, hookimpl)


@hookimpl
def register_disciplines(register):
    register(Discipline(id="oldstyle", title="Old style"))


@hookimpl
def register_note_templates(register):
    register(NoteTemplate(id="oldstyle.visit", title="Visit", discipline="oldstyle",
                          sections=[Section(id="notes", title="Notes", fields=[
                              LongTextField(id="text", label="Text", required=True),
                              ProceduresField(id="done", label="Done", record="units")])]))


@hookimpl
def register_measures(register):
    register(OutcomeMeasure(id="oldstyle-scale", title="Scale", minimum=0, maximum=10,
                            direction="higher-is-worse", licence="Generic, no text.",
                            items=[MeasureItem(id="p", label="Pain", maximum=10)],
                            scorer=lambda m, r: m.result(r[0])))


@hookimpl
def register_billing_codes(register):
    register(BillingCode(code="99990", label="A made-up visit", default_fee=Decimal("40")))


@hookimpl
def validate_note(note):
    if not note.value("notes.done"):
        return [NoteProblem(field="notes.done", message="Record what was done")]
    return []


@hookimpl
def charge_lines(note):
    return [ChargeLine(code=e["code"], units=e["units"]) for e in note.value("notes.done", [])]
'''

PYPROJECT = '''
[project]
name = "vesalius-oldstyle"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["vesalius-sdk>=0.1,<0.3"]

[project.entry-points."vesalius.plugins"]
oldstyle = "vesalius_oldstyle.plugin"

[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["src/vesalius_oldstyle"]
'''

RUN_RULES = '''
import json
from datetime import date
from vesalius.plugins import get_registry
from vesalius_sdk import CaseContext, NoteContext

registry = get_registry()
def note(done):
    return NoteContext(template_id="oldstyle.visit", template_version=1,
                       document={"notes": {"text": "x", "done": done}},
                       date_of_service=date(2026, 12, 1),
                       case=CaseContext(discipline="oldstyle"))
print(json.dumps({
    "lines": [[l.code, l.units] for l in registry.charge_lines(note([{"code": "99990",
                                                                       "units": 2}]))],
    "problems": [p.message for p in registry.problems_before_signing(note([]))],
    "score": registry.score("oldstyle-scale", [4]).value,
}))
'''


@pytest.fixture(scope="module")
def old_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("oldstyle")
    (project / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT))
    package = project / "src" / "vesalius_oldstyle"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "plugin.py").write_text(textwrap.dedent(PLUGIN))
    subprocess.run([uv(), "build", "--wheel", "-o", str(project / "dist"), str(project)],
                   check=True, capture_output=True)
    (wheel,) = (project / "dist").glob("*.whl")
    return wheel


def test_a_0_1_pack_loads_beside_the_0_2_sdk(old_wheel: Path, wheels, tmp_path: Path):
    with zipfile.ZipFile(wheels["vesalius-sdk"]) as archive:
        meta = next(n for n in archive.namelist() if n.endswith("METADATA"))
        assert "\nVersion: 0.2." in archive.read(meta).decode()
    with zipfile.ZipFile(old_wheel) as archive:
        meta = next(n for n in archive.namelist() if n.endswith("METADATA"))
        assert "Requires-Dist: vesalius-sdk<0.3,>=0.1" in archive.read(meta).decode()

    venv = Venv(tmp_path / "env")
    venv.install(wheels["vesalius-sdk"], wheels["vesalius"], old_wheel)
    found = {p["name"]: p for p in json.loads(
        venv.run("vesalius", "plugins", "list", "--json").stdout)}
    old = found["oldstyle"]
    assert (old["status"], old["reason"]) == ("enabled", None)
    assert old["requires_sdk"] == "<0.3,>=0.1"
    assert old["contributions"] == {"templates": 1, "charts": 0, "measures": 1,
                                    "billing_codes": 1, "printouts": 0}
    assert old["hooks"] == ["charge_lines", "register_billing_codes", "register_disciplines",
                            "register_measures", "register_note_templates", "validate_note"]
    rules = json.loads(venv.run("python", "-c", RUN_RULES).stdout)
    assert rules == {"lines": [["99990", 2]], "problems": ["Record what was done"],
                     "score": 4.0}
