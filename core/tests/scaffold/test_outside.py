"""A scaffolded pack developed outside the Vesalius checkout (issue 12, item 2): the
commands ``vesalius new-pack`` prints set up its environment from the local checkout
(editable) or from wheels built from it, its tests pass as generated there, and the archives
it builds carry no lock file, environment or local path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from vesalius.scaffold import write_pack
from vesalius.scaffold.develop import Origin, install_command, next_steps, origin

from .conftest import ROOT, uv


def test_this_checkout_is_detected_from_the_editable_install():
    assert origin() == Origin("checkout", ROOT)


def test_next_steps_name_the_checkout_or_the_wheels():
    checkout = next_steps(Path("/p/vesalius-ot"), Origin("checkout", Path("/src/vesalius")))
    assert checkout[0] == ("Next (the SDK and core from your checkout, /src/vesalius; see "
                           "docs/local-checkout.md):")
    assert checkout[1:5] == [
        "  cd /p/vesalius-ot", "  uv venv",
        "  uv pip install -e /src/vesalius/sdk -e /src/vesalius/core -e . pytest",
        "  uv run --no-sync pytest"]
    wheels = next_steps(Path("ot"), Origin("wheels", Path("/w h")))
    assert wheels[3] == "  uv pip install --find-links '/w h' -e . pytest vesalius"
    unknown = next_steps(Path("ot"), Origin("unknown"))
    assert "(WHEELS: their folder)" in unknown[0]
    assert unknown[3] == "  uv pip install --find-links WHEELS -e . pytest vesalius"


def clean_env() -> dict[str, str]:
    """The shell of someone outside this checkout: no active environment, offline (every
    third-party dependency comes from uv's cache, the Vesalius ones from local sources)."""
    keep = ("HOME", "UV_CACHE_DIR", "UV_PYTHON_INSTALL_DIR", "LANG", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    # This test's interpreter first on PATH, for uv venv to find (never UV_PYTHON: uv pip
    # would then install into that interpreter instead of the pack's .venv).
    python_bin = Path(os.path.realpath(sys.executable)).parent
    env["PATH"] = f"{Path(uv()).parent}:{python_bin}:/usr/bin:/bin"
    env["UV_OFFLINE"] = "1"
    return env


def run_next_steps(project: Path, source: Origin) -> subprocess.CompletedProcess[str]:
    commands = [line.strip() for line in next_steps(project, source) if line.startswith("  ")]
    return subprocess.run(["bash", "-euc", "\n".join(commands)], capture_output=True,
                          text=True, env=clean_env())


def assert_installed_in_the_pack_env(project: Path) -> None:
    (site,) = (project / ".venv" / "lib").glob("python3*/site-packages")
    found = {p.name.split("-")[0] for p in site.glob("*.dist-info")}
    assert {"vesalius", "vesalius_sdk", "vesalius_hand_therapy", "pytest"} <= found, found


def archive_names_and_text(dist: Path) -> dict[str, str]:
    found = {}
    for path in dist.iterdir():
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    found[name] = archive.read(name).decode(errors="replace")
        elif path.name.endswith(".tar.gz"):
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    if member.isfile():
                        data = archive.extractfile(member).read()  # type: ignore[union-attr]
                        found[member.name] = data.decode(errors="replace")
    return found


def assert_clean_archives(project: Path, *local: Path) -> None:
    built = subprocess.run([uv(), "build", "-o", "dist"], cwd=project, capture_output=True,
                           text=True, env=clean_env())
    assert built.returncode == 0, built.stderr
    files = archive_names_and_text(project / "dist")
    assert any(n.endswith(".whl") for n in os.listdir(project / "dist"))
    assert any(n.endswith(".tar.gz") for n in os.listdir(project / "dist"))
    for name, text in files.items():
        assert not {"uv.lock", ".venv", ".pytest_cache", "dist"} & set(name.split("/")), name
        for path in local:
            assert str(path) not in text, f"{name} names the local path {path}"


@pytest.mark.slow
def test_from_a_local_checkout(tmp_path: Path):
    project = tmp_path / "elsewhere" / "vesalius-hand-therapy"
    write_pack("hand-therapy", project, "Hand therapy")
    result = run_next_steps(project, origin())
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout
    assert_installed_in_the_pack_env(project)
    (project / "uv.lock").write_text("# a lock file a developer made\n")
    assert_clean_archives(project, ROOT, tmp_path)


@pytest.mark.slow
def test_from_wheels_built_from_the_checkout(tmp_path: Path, wheels):
    folder = tmp_path / "vesalius-wheels"
    folder.mkdir()
    for name in ("vesalius-sdk", "vesalius"):
        shutil.copy(wheels[name], folder)
    project = tmp_path / "vesalius-hand-therapy"
    write_pack("hand-therapy", project, "Hand therapy")
    assert install_command(Origin("wheels", folder)).startswith("uv pip install --find-links")
    result = run_next_steps(project, Origin("wheels", folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout
    assert_installed_in_the_pack_env(project)
    assert_clean_archives(project, ROOT, tmp_path)
