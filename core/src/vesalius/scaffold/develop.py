"""Where the SDK and core come from while a pack is developed, and the commands that set up
the pack's environment from there.

``vesalius`` and ``vesalius-sdk`` are not on PyPI: a pack's environment gets them from a
local checkout of the Vesalius repository (editable installs) or from wheels built from one.
``vesalius new-pack`` prints the commands for the way the running core was installed.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class Origin:
    """How the running core was installed: ``checkout`` (editable, from the repository at
    ``path``), ``wheels`` (from a wheel in the folder ``path``) or ``unknown``."""

    kind: str
    path: Path | None = None


def origin(distribution: str = "vesalius") -> Origin:
    """Read the core's ``direct_url.json`` (PEP 610) to tell how it was installed."""
    try:
        text = metadata.distribution(distribution).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return Origin("unknown")
    if not text:
        return Origin("unknown")
    info = json.loads(text)
    url = urlparse(info.get("url", ""))
    if url.scheme != "file":
        return Origin("unknown")
    path = Path(unquote(url.path))
    if "dir_info" in info:  # installed from the checkout's core folder, editable or not
        root = path.parent
        if (root / "sdk" / "pyproject.toml").is_file():
            return Origin("checkout", root)
        return Origin("unknown")
    if path.suffix == ".whl":
        return Origin("wheels", path.parent)
    return Origin("unknown")


def install_command(source: Origin) -> str:
    """The ``uv pip install`` that gives the pack's environment the SDK, the core, pytest and
    the pack itself (editable)."""
    if source.kind == "checkout" and source.path:
        root = source.path
        return (f"uv pip install -e {shlex.quote(str(root / 'sdk'))} "
                f"-e {shlex.quote(str(root / 'core'))} -e . pytest")
    wheels = shlex.quote(str(source.path)) if source.path else "WHEELS"
    return f"uv pip install --find-links {wheels} -e . pytest vesalius"


def next_steps(target: Path, source: Origin | None = None) -> list[str]:
    """What to type after ``vesalius new-pack`` wrote the pack into ``target``."""
    source = source or origin()
    where = {
        "checkout": f"the SDK and core from your checkout, {source.path}",
        "wheels": f"the SDK and core from the wheels in {source.path}",
    }.get(source.kind, "the SDK and core from wheels built from a Vesalius checkout "
                       "(WHEELS: their folder)")
    return [
        f"Next ({where}; see docs/local-checkout.md):",
        f"  cd {shlex.quote(str(target))}",
        "  uv venv",
        f"  {install_command(source)}",
        "  uv run --no-sync pytest",
        "then read README.md: it says what to change first.",
    ]
