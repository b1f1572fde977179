"""Each pack installs as a wheel beside only the core and the SDK, and is enabled there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Venv

#: Packs whose templates use a measure of another pack, and that pack (issue 6: chiro
#: without physio keeps its templates working, the missing pack's fields unavailable).
SOFT_REFERENCES = {"chiro": "physio", "osteo": "physio"}

PACKS = ["physio", "chiro", "osteo", "podiatry", "acupuncture", "massage"]


@pytest.fixture(scope="module")
def core_env(wheels: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Venv:
    venv = Venv(tmp_path_factory.mktemp("venv") / "env")
    venv.install(wheels["vesalius-sdk"], wheels["vesalius"])
    return venv


def packs(venv: Venv) -> dict[str, dict]:
    out = venv.run("vesalius", "plugins", "list", "--json").stdout
    return {p["name"]: p for p in json.loads(out)}


def test_core_alone_runs_with_its_default_pack(core_env: Venv):
    assert {n: p["status"] for n, p in packs(core_env).items()} == {"general": "enabled"}


@pytest.mark.slow
@pytest.mark.parametrize("pack", PACKS)
def test_pack_wheel_installs_beside_the_core_alone(core_env: Venv, wheels, pack: str):
    core_env.install(wheels[f"vesalius-{pack}"])
    try:
        found = packs(core_env)
        assert set(found) == {"general", pack}
        assert found[pack]["status"] == "enabled", found[pack]["reason"]
        assert found[pack]["distribution"] == f"vesalius-{pack}"
        counts = found[pack]["contributions"]
        assert counts["templates"] >= 1 and counts["billing_codes"] >= 1
        # Its templates work alone; fields needing other packs are reported unavailable.
        templates = json.loads(core_env.run("vesalius", "templates", "list", "--json").stdout)
        notices = {}
        for template in (t for t in templates if t["pack"] == pack):
            shown = json.loads(core_env.run("vesalius", "templates", "show", template["id"],
                                            "--json").stdout)
            for path, notice in shown["unavailable"].items():
                assert "install or enable the" in notice, (path, notice)
                notices[f"{template['id']}:{path}"] = notice
        if pack in SOFT_REFERENCES:  # measures of packs that are not installed here
            assert any(f"the {SOFT_REFERENCES[pack]!r} pack" in n for n in notices.values()), (
                notices)
    finally:
        core_env.uninstall(f"vesalius-{pack}")
    assert set(packs(core_env)) == {"general"}


@pytest.mark.slow
def test_scaffolded_pack_beside_every_first_party_pack(core_env: Venv, wheels, tmp_path):
    """Issue 12: a fresh `vesalius new-pack` pack installed with all first-party packs
    leaves every one enabled (its ids carry its own name)."""
    import subprocess

    from vesalius.scaffold import write_pack

    from .conftest import uv

    project = tmp_path / "vesalius-aaa"
    write_pack("aaa", project)
    subprocess.run([uv(), "build", "--wheel", "-o", str(tmp_path / "dist"), str(project)],
                   check=True, capture_output=True)
    (scaffolded,) = (tmp_path / "dist").glob("*.whl")
    installed = [wheels[f"vesalius-{p}"] for p in PACKS]
    core_env.install(*installed, scaffolded)
    try:
        found = packs(core_env)
        assert {n: p["status"] for n, p in found.items()} == dict.fromkeys(
            ["general", *PACKS, "aaa"], "enabled"), {n: p["reason"] for n, p in found.items()}
    finally:
        core_env.uninstall("vesalius-aaa", *(f"vesalius-{p}" for p in PACKS))
    assert set(packs(core_env)) == {"general"}
