"""The X12 pages in Chromium, as the billing clerk: reached from Claims (no new top-level
button), inside the window at 1024x768 and 1440x900; an 835 for a claim that is not ours
uploaded through the form lands in the worklist, and "Resolved" takes it off."""

from __future__ import annotations

import importlib.util
import secrets
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

BILLING = "billing@demo.vesalius.test"
ROOT = Path(__file__).resolve().parents[2]


def _era(tmp_path) -> tuple[str, Path]:  # type: ignore[no-untyped-def]
    """An 835 (built by the X12 tests' helper) for a claim number no clinic has."""
    spec = importlib.util.spec_from_file_location(
        "clinic_x12", ROOT / "core" / "tests" / "clinic" / "clinic_x12.py")
    assert spec is not None and spec.loader is not None
    helper = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helper)
    tag = secrets.token_hex(3).upper()
    claim = f"NOTOURS{tag}"
    path = tmp_path / "era.835"
    path.write_text(helper.era(claim, [("97110", "10.00", "10.00", [])], trace=f"BRW{tag}",
                               control=f"{secrets.randbelow(10**8) + 1:09d}"))
    return claim, path


def test_x12_pages_from_claims_upload_and_resolve(live_app, page_as, shot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _app, base = live_app
    claim, path = _era(tmp_path)
    for width, height in ((1024, 768), (1440, 900)):
        page = page_as(BILLING, width=width, height=height)
        page.goto(f"{base}/billing/claims")
        page.get_by_role("link", name="X12: send 837P, read 835, worklist").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="X12 claims and remittances").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"x12-{width}x{height}")
        page.goto(f"{base}/billing/x12/settings")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"x12-settings-{width}x{height}")
        assert page.errors == []
    page.goto(f"{base}/billing/x12/")
    page.set_input_files("#f-file", str(path))
    page.get_by_role("button", name="Read and post").click()
    page.wait_for_load_state()
    result = page.locator("#x12-result")
    assert "0 of 1 claims posted" in result.inner_text(), page.content()[:3000]
    assert "unmatched" in result.inner_text()
    shot(page, "x12-835-read")
    page.get_by_role("button", name="Remittance worklist").click()
    page.wait_for_load_state()
    row = page.locator("#x12-worklist tr", has_text=claim)
    assert row.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "x12-worklist-1440x900")
    row.get_by_label("What was done").fill("Not ours: told the payer")
    row.get_by_role("button", name="Resolved").click()
    page.wait_for_load_state()
    assert page.get_by_text("Taken off the worklist.").is_visible()
    assert page.locator("#x12-worklist tr", has_text=claim).count() == 0
    assert page.errors == []
