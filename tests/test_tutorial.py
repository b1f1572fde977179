"""The pack author's pages run as written: every ``sh`` block of docs/tutorial.md and of
docs/local-checkout.md, in order, in a fresh home directory where the Vesalius clone is at
``~/src/vesalius`` (this checkout), offline: the SDK and core come from this checkout or
wheels built from it, third-party packages from uv's cache."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from .conftest import ROOT, uv

pytestmark = pytest.mark.slow

DOCS = ROOT / "docs"
#: uv's hint when a package is not in its cache and the network is off.
OFFLINE_MISS = "Packages were unavailable because the network was disabled"


def sh_blocks(page: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", (DOCS / page).read_text(), re.S)


def run_page(page: str, home: Path) -> subprocess.CompletedProcess[str]:
    (home / "src").mkdir(parents=True)
    (home / "src" / "vesalius").symlink_to(ROOT)
    cache = subprocess.run([uv(), "cache", "dir"], capture_output=True, text=True,
                           check=True).stdout.strip()
    # The interpreter this test runs on, found by uv on PATH without the usual home
    # directory. (Not UV_PYTHON: uv pip would install into that interpreter itself instead
    # of the pack's .venv.)
    python_bin = Path(os.path.realpath(sys.executable)).parent
    env = {
        "HOME": str(home), "PATH": f"{Path(uv()).parent}:{python_bin}:/usr/bin:/bin",
        "UV_CACHE_DIR": cache, "UV_OFFLINE": "1",
    }
    script = "set -euo pipefail\n" + "\n".join(sh_blocks(page))
    result = subprocess.run(["bash", "-c", script], cwd=home, env=env, capture_output=True,
                            text=True, timeout=1200)
    if result.returncode and OFFLINE_MISS in result.stderr:
        pytest.skip("uv's cache lacks a third-party package this page installs (run the "
                    "packaging tests once with the network on to fill it)")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


def installed(project: Path) -> set[str]:
    """The distributions in the pack's own environment (where the page's commands must
    have installed everything)."""
    (site,) = (project / ".venv" / "lib").glob("python3*/site-packages")
    return {p.name.split("-")[0] for p in site.glob("*.dist-info")}


def test_pages_have_commands():
    assert len(sh_blocks("tutorial.md")) >= 3
    assert len(sh_blocks("local-checkout.md")) == 2


def test_tutorial_runs_as_written(tmp_path: Path):
    result = run_page("tutorial.md", tmp_path)
    assert re.search(r"\d+ passed", result.stdout) and " failed" not in result.stdout
    assert re.search(r"hand-therapy\s+0\.1\.0\s+enabled", result.stdout), result.stdout
    project = tmp_path / "packs" / "vesalius-hand-therapy"
    assert {"vesalius", "vesalius_sdk", "vesalius_hand_therapy", "pytest"} <= installed(project)
    assert (project / "back.svg").read_text().startswith("<svg")
    (sdist,) = (project / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert not {n for n in names if n.startswith((".venv", "uv.lock", "dist", "back.svg"))}
    assert (project / "dist" / "vesalius_hand_therapy-0.1.0-py3-none-any.whl").is_file()


def test_local_checkout_page_runs_as_written(tmp_path: Path):
    result = run_page("local-checkout.md", tmp_path)
    assert len(re.findall(r"\d+ passed", result.stdout)) == 2, result.stdout
    assert " failed" not in result.stdout
    for pack in ("vesalius-hand-therapy", "vesalius-massage-plus"):
        assert {"vesalius", "vesalius_sdk", pack.replace("-", "_")} <= installed(
            tmp_path / "packs" / pack)
        assert not (tmp_path / "packs" / pack / "uv.lock").exists()
