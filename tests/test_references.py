"""Packs, the SDK and the docs cite only what ships: every Markdown file they name exists in
this repository, and none points at a folder outside it (issue 12, item 7). A measure's
``source`` is shown to practitioners: it cites the primary publication (authors, year,
journal or the publisher's page), never a working file of the people who wrote the pack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: What ships to pack authors and clinics, by name: each pack, the SDK, the core, the docs,
#: and the tests and benchmarks beside them.
AREAS = {
    **{f"plugins/{p.name}": p for p in sorted((ROOT / "plugins").iterdir()) if p.is_dir()},
    "sdk": ROOT / "sdk",
    "core": ROOT / "core",
    "docs": ROOT / "docs",
    "tests": ROOT / "tests",
    "bench": ROOT / "bench",
}
SUFFIXES = {".py", ".md", ".toml", ".html", ".jinja", ".txt", ".json", ".cfg"}
SKIP = {".venv", "__pycache__", "dist", "build", ".pytest_cache"}

#: A Markdown file named in upper case (``NOTES.md``), as references to documents are.
MARKDOWN_NAME = re.compile(r"\b([A-Z][A-Z0-9_-]*\.md)\b")
#: A path into a folder beside the repository (``../shared/x``, ``/work/...``).
OUTSIDE = re.compile(r"(?<![\w.-])(?:\.\./)+[\w-]+/|(?<![\w.-])/work/|(?<![\w./-])shared/")

SHIPPED = {p.name for p in ROOT.rglob("*.md") if not SKIP & set(p.relative_to(ROOT).parts)}


def files(root: Path) -> list[Path]:
    return [p for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in SUFFIXES
            and not SKIP & set(p.relative_to(root).parts)
            and p != Path(__file__).resolve()]  # this file names references on purpose


def references(root: Path) -> list[str]:
    found = []
    for path in files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), 1):
            where = f"{path.relative_to(root.parent)}:{n}"
            found += [f"{where}: {name}" for name in MARKDOWN_NAME.findall(line)
                      if name not in SHIPPED]
            found += [f"{where}: {m.group(0)}" for m in OUTSIDE.finditer(line)]
    return found


def test_the_scan_finds_a_reference(tmp_path: Path):
    (tmp_path / "m.py").write_text('SOURCE = "NOTES.md section 2"\nsee = "../shared/x"\n')
    (tmp_path / "ok.md").write_text("See README.md and the Roland-Morris paper.\n")
    found = references(tmp_path)
    assert len(found) == 2 and found[0].endswith(": NOTES.md") and "../shared/" in found[1]


@pytest.mark.parametrize("area", list(AREAS))
def test_no_reference_to_a_file_outside_the_repository(area):
    found = references(AREAS[area])
    assert not found, f"{len(found)} reference(s) to files that do not ship:\n" + "\n".join(
        found[:40])
