"""axe-core in the browser tests: ``assert_accessible(page)`` fails a test on any violation
of the WCAG 2.0/2.1/2.2 A and AA rules, naming each rule and the elements it found.

axe-core comes bundled with the ``axe-playwright-python`` package (a dev dependency), so
nothing is fetched at test time. Reuse it in any browser test::

    from axe import assert_accessible          # tests/browser is on sys.path (rootdir)
    assert_accessible(page)                    # the whole page
    assert_accessible(page, context="#editor") # or a part of it (a CSS selector / axe context)
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

#: The WCAG A/AA rule tags axe runs (WCAG 2.0, 2.1, 2.2).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


@cache
def _script() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def run_axe(page: Any, context: str | dict[str, Any] | None = None,
            tags: tuple[str, ...] = WCAG_TAGS) -> list[dict[str, Any]]:
    """axe's violations on ``page`` (a Playwright sync page), limited to ``tags``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_script())
    options = {"runOnly": {"type": "tag", "values": list(tags)},
               "resultTypes": ["violations"]}
    results = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options])
    return list(results["violations"])


def describe(violations: list[dict[str, Any]], limit: int = 8) -> str:
    """One paragraph per rule: id, impact, help, and the first nodes' targets and summary."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} [{len(v['nodes'])} node(s)]")
        for node in v["nodes"][:limit]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t
                              for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:240]
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Any, context: str | dict[str, Any] | None = None,
                      tags: tuple[str, ...] = WCAG_TAGS, label: str | None = None) -> None:
    """Fail with a readable message when axe finds any WCAG A/AA violation on ``page``
    (or inside ``context``)."""
    violations = run_axe(page, context, tags)
    if violations:
        where = label or page.url
        raise AssertionError(f"axe: {len(violations)} WCAG rule(s) violated on {where}:\n"
                             + describe(violations))
