"""The second tutorial's example pack (docs/examples/ot) builds, installs from its wheel beside
the SDK's and the core's wheels alone, and passes its own tests there.

The example is not a workspace member: this is the only place it is built and tested, the way
a vendor would (docs/tutorial-ot.md). Installs are offline: third-party packages come from
uv's cache, as in the tutorial's own test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest

from .conftest import ROOT, Venv, uv

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "docs" / "examples" / "ot"
#: uv's hint when a package is not in its cache and the network is off.
OFFLINE_MISS = "Packages were unavailable because the network was disabled"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's sdist and wheel, built as a vendor builds them (`uv build`)."""
    out = tmp_path_factory.mktemp("ot-dist")
    subprocess.run([uv(), "build", "-o", str(out), str(EXAMPLE)], check=True,
                   capture_output=True)
    return out


def install_offline(venv: Venv, *requirements: Path | str) -> None:
    result = subprocess.run(
        [uv(), "pip", "install", "--quiet", "--python", str(venv.python),
         *map(str, requirements)],
        env={**os.environ, "UV_OFFLINE": "1"}, capture_output=True, text=True)
    if result.returncode and OFFLINE_MISS in result.stderr:
        pytest.skip("uv's cache lacks a third-party package (run the packaging tests once "
                    "with the network on to fill it)")
    assert result.returncode == 0, result.stderr[-4000:]


def test_sdist_holds_the_pack_and_its_tests_and_no_local_path(dist: Path):
    (sdist,) = dist.glob("vesalius_ot-*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1]: m for m in archive.getmembers() if "/" in m.name}
        assert {n.split("/")[0] for n in members} <= {
            "src", "tests", "README.md", "pyproject.toml", "PKG-INFO", ".gitignore"}
        assert "tests/test_ot.py" in members and "src/vesalius_ot/plugin.py" in members
        for name, member in members.items():
            text = archive.extractfile(member).read().decode()  # type: ignore[union-attr]
            assert str(ROOT) not in text, f"{name} names this checkout's path"


def test_example_passes_its_own_tests_installed_from_its_wheel(
        dist: Path, wheels: dict[str, Path], tmp_path: Path):
    (wheel,) = dist.glob("vesalius_ot-*.whl")
    (sdist,) = dist.glob("vesalius_ot-*.tar.gz")
    venv = Venv(tmp_path / "env")
    install_offline(venv, wheels["vesalius-sdk"], wheels["vesalius"], wheel, "pytest")

    listed = {p["name"]: p for p in json.loads(
        venv.run("vesalius", "plugins", "list", "--json").stdout)}
    assert {n: p["status"] for n, p in listed.items()} == {"general": "enabled",
                                                          "ot": "enabled"}, listed
    assert listed["ot"]["contributions"]["templates"] == 2

    # The tests ship in the sdist; run them from there against the installed wheel.
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "src", filter="data")
    (project,) = (tmp_path / "src").iterdir()
    where = venv.run("python", "-c", "import vesalius_ot; print(vesalius_ot.__file__)",
                     cwd=project / "tests").stdout
    assert "site-packages" in where, where
    result = venv.run("pytest", "-q", "-p", "no:cacheprovider", cwd=project, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) >= 30, result.stdout[-2000:]
    assert "skipped" not in result.stdout, result.stdout[-2000:]
