"""The workspace's ``wheels`` fixture and ``Venv`` helper (tests/conftest.py), shared here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("_workspace_conftest",
                                               ROOT / "tests" / "conftest.py")
assert _spec and _spec.loader
_workspace = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_workspace)

Venv = _workspace.Venv
uv = _workspace.uv
wheels = _workspace.wheels
