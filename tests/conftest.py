"""Cross-package fixtures: wheels of every distribution in the workspace, built once."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    return str(Path(sys.executable).parent / "uv")


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Distribution name -> built wheel, for the SDK, the core and every pack."""
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run([uv(), "build", "--all-packages", "--wheel", "-o", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    built = {}
    for wheel in out.glob("*.whl"):
        name = wheel.name.split("-")[0].replace("_", "-")
        built[name] = wheel
    return built


class Venv:
    """A fresh virtual environment made with uv, and commands run inside it."""

    def __init__(self, path: Path, pip: bool = False) -> None:
        """``pip=True`` seeds pip into it, for tests of what a clinic's admin would type."""
        self.path = path
        seed = ["--seed"] if pip else []
        subprocess.run([uv(), "venv", "--quiet", *seed, "--python", sys.executable, str(path)],
                       check=True, capture_output=True)
        self.python = path / "bin" / "python"

    def install(self, *wheels: Path | str) -> None:
        """Install wheels (or requirement strings such as "pytest") with uv."""
        subprocess.run([uv(), "pip", "install", "--quiet", "--python", str(self.python),
                        *map(str, wheels)], check=True, capture_output=True)

    def uninstall(self, *names: str) -> None:
        subprocess.run([uv(), "pip", "uninstall", "--quiet", "--python", str(self.python),
                        *names], check=True, capture_output=True)

    def run(self, *args: str, check: bool = True, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run a command of the venv's ``bin/`` with a minimal environment (plus ``env``)."""
        base = {"PATH": f"{self.path / 'bin'}:/usr/bin:/bin", "HOME": str(self.path)}
        return subprocess.run([str(self.path / "bin" / args[0]), *args[1:]],
                              env={**base, **(env or {})}, cwd=cwd,
                              capture_output=True, text=True, check=check)
