"""A freshly scaffolded pack, installed beside every first-party pack, leaves every one
enabled: its ids carry its own name (issue 12, item 1). The wheel-installed version of this
is in tests/test_packaging.py."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from vesalius.plugins import build_registry, reset_registry
from vesalius.scaffold import names, write_pack

FIRST_PARTY = ["acupuncture", "chiro", "massage", "osteo", "physio", "podiatry"]


@pytest.mark.parametrize("name", ["hand-therapy", "aaa", "massage-plus"])
def test_scaffolded_pack_beside_all_first_party_packs(tmp_path: Path, monkeypatch, name):
    pack = names(name)
    project = tmp_path / pack.distribution
    write_pack(name, project)
    site = project / "src"
    info = site / f"{pack.package}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {pack.distribution}\n"
                                   "Version: 0.1.0\nRequires-Dist: vesalius-sdk>=0.1,<0.3\n")
    (info / "entry_points.txt").write_text(
        f"[vesalius.plugins]\n{name} = {pack.package}.plugin:pack\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    reset_registry()
    try:
        registry = build_registry(strict=False)
        states = {p.name: (p.status, p.reason) for p in registry.packs}
        assert {n: s for n, (s, _) in states.items()} == {
            "general": "enabled", name: "enabled", **dict.fromkeys(FIRST_PARTY, "enabled")
        }, states
        assert registry.owner("measure", f"{name}-groc") == name
    finally:
        for module in [m for m in sys.modules if m.startswith(pack.package)]:
            del sys.modules[module]
        reset_registry()
