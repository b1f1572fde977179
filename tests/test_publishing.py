"""Publishing, for real: wheels pass ``twine check``, are uploaded with twine to a local
package index (pypiserver on 127.0.0.1), and a clinic installs from it with pip.

Third-party dependencies (Flask, SQLAlchemy, ...) come from the usual index
(``PIP_INDEX_URL``, else PyPI). The tests of this module share one index and one clinic
environment and run in file order: install, an incompatible pack, uninstall.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from vesalius.scaffold import write_pack

from .conftest import Venv, uv

pytestmark = pytest.mark.slow

USUAL_INDEX = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/")
PUBLISHED = ("vesalius-sdk", "vesalius", "vesalius-physio")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def twine(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twine", *args], capture_output=True,
                          text=True, env={**os.environ, "TWINE_NON_INTERACTIVE": "1"})


class Index:
    """A pypiserver on 127.0.0.1 serving a temporary directory; uploads need no password."""

    def __init__(self, packages: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p",
             str(self.port), "-a", ".", "-P", ".", str(packages)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"{self.url}/simple/")
        except BaseException:
            self.close()
            raise

    def upload(self, *wheels: Path) -> None:
        done = twine("upload", "--repository-url", f"{self.url}/", "-u", "vesalius",
                     "-p", "unused", "--disable-progress-bar", *map(str, wheels))
        assert done.returncode == 0, done.stdout + done.stderr

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, wheels: dict[str, Path]) -> Iterator[Index]:
    packages = tmp_path_factory.mktemp("index")
    server = Index(packages)
    try:
        server.upload(*(wheels[name] for name in PUBLISHED))
        yield server
    finally:
        server.close()


class Clinic(Venv):
    """A clinic's environment, with pip as its admin would use it."""

    def pip(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        # A shared pip cache keeps reruns fast; nothing else of the caller's setup leaks in.
        cache = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
        return self.run("python", "-m", "pip", "--disable-pip-version-check", *args,
                        check=check, env={"PIP_CACHE_DIR": cache})

    def packs(self) -> dict[str, dict]:
        out = self.run("vesalius", "plugins", "list", "--json").stdout
        return {p["name"]: p for p in json.loads(out)}

    def installed(self) -> dict[str, str]:
        listed = json.loads(self.pip("list", "--format", "json").stdout)
        return {p["name"].lower(): p["version"] for p in listed}


@pytest.fixture(scope="module")
def clinic(index: Index, tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    env = Clinic(tmp_path_factory.mktemp("clinic") / "env", pip=True)
    done = env.pip("install", "--index-url", f"{index.url}/simple/", "--extra-index-url",
                   USUAL_INDEX, "vesalius", "vesalius-physio", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def test_wheels_pass_twine_check(wheels: dict[str, Path]):
    done = twine("check", "--strict", *(str(wheels[name]) for name in PUBLISHED))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == len(PUBLISHED)


def test_index_serves_what_was_uploaded(index: Index):
    with urllib.request.urlopen(f"{index.url}/simple/") as page:
        listing = page.read().decode()
    for name in PUBLISHED:
        assert f"{name}/" in listing


def test_pip_install_from_the_index_enables_the_pack(clinic: Clinic, wheels):
    versions = clinic.installed()
    # Ours, from the local index (not a namesake from the usual index).
    for name in PUBLISHED:
        assert versions[name] == wheels[name].name.split("-")[1], name
    packs = clinic.packs()
    assert packs["physio"]["status"] == "enabled", packs["physio"]["reason"]
    assert packs["physio"]["distribution"] == "vesalius-physio"
    assert packs["physio"]["contributions"]["templates"] >= 1


def test_a_pack_for_another_sdk_is_listed_disabled_with_the_reason(
        clinic: Clinic, index: Index, tmp_path: Path):
    project = tmp_path / "vesalius-nextgen"
    write_pack("nextgen", project, "Next generation care")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"vesalius-sdk>=0.2,<0.3"',
                                                       '"vesalius-sdk>=0.3,<0.4"'))
    built = subprocess.run([uv(), "build", "--wheel", "-o", str(tmp_path / "dist"),
                            str(project)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    index.upload(*(tmp_path / "dist").glob("*.whl"))
    source = ["--index-url", f"{index.url}/simple/", "--extra-index-url", USUAL_INDEX]

    # pip itself refuses: no vesalius-sdk 0.3 exists to satisfy it.
    refused = clinic.pip("install", *source, "vesalius-nextgen", check=False)
    assert refused.returncode != 0
    assert "vesalius-sdk" in refused.stdout + refused.stderr

    # Forced in (or installed where pip did not resolve), the host disables it by itself.
    clinic.pip("install", "--no-deps", *source, "vesalius-nextgen")
    try:
        packs = clinic.packs()
        assert packs["nextgen"]["status"] == "disabled"
        assert packs["nextgen"]["reason"] == (
            "requires vesalius-sdk<0.4,>=0.3 but vesalius-sdk 0.2.1 is installed")
        assert packs["physio"]["status"] == "enabled"
    finally:
        clinic.pip("uninstall", "--yes", "vesalius-nextgen")


def test_pip_uninstall_removes_the_pack_and_the_app_still_starts(clinic: Clinic):
    clinic.pip("uninstall", "--yes", "vesalius-physio")
    assert set(clinic.packs()) == {"general"}
    started = clinic.run("python", "-c", (
        "from vesalius.app import create_app\n"
        "client = create_app('sqlite://').test_client()\n"
        "print(client.get('/api/v1/openapi.json').status_code)\n"))
    assert started.stdout.strip() == "200", started.stderr
