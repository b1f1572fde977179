"""The owner's message pages in a real browser: the editor's live preview follows the
typing and names an unknown variable on its field; the list and the editor pass axe-core
and are never wider than the window (1440x900, 1024x768, 390x844). Screenshots with
``VESALIUS_A11Y_SHOTS=1``."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.browser

OWNER = ("owner@demo.vesalius.test", "vesalius-demo-2026")
EDIT = "/admin/messages/appointment-reminder/en"
SIZES = [(1440, 900), (1024, 768), (390, 844)]


def test_live_preview_follows_the_template(page_as, live_server):  # type: ignore[no-untyped-def]
    page = page_as(*OWNER)
    page.goto(live_server + EDIT)
    subject = page.locator("#f-subject")
    subject.fill("See you {{ date }}, {{ given_name }}")
    page.locator("#preview-subject").filter(
        has_text="See you Monday 4 March 2030, Alex").wait_for()
    subject.fill("See you {{ dte }}")
    error = page.locator("#subject-error")
    error.wait_for()
    assert "dte" in error.inner_text() and "is undefined" in error.inner_text()
    assert subject.get_attribute("aria-invalid") == "true"
    subject.fill("Back {{ time }}")
    page.locator("#preview-subject").filter(has_text="Back 09:30").wait_for()
    assert page.locator("#subject-error").count() == 0
    # The refused preview is a 422 by design (Chromium logs it): no script error besides.
    errors = [e for e in page.errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert not errors, errors


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_message_pages_pass_axe_and_fit(page_as, live_server, axe, shot, size):  # type: ignore[no-untyped-def]
    page = page_as(*OWNER, width=size[0], height=size[1])
    problems = []
    for path in ("/admin/messages/", EDIT, "/admin/messages/payment-receipt/fr"):
        response = page.goto(live_server + path)
        page.wait_for_load_state()
        assert response is not None and response.status == 200, path
        if violations := axe.run_axe(page):
            problems.append(f"{path}:\n{axe.describe(violations)}")
        wider = int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
        if wider > 1:
            problems.append(f"{path}: {wider} px wider than the {size[0]} px window")
        if os.environ.get("VESALIUS_A11Y_SHOTS"):
            shot(page, f"messages-{size[0]}-{path.strip('/').replace('/', '-')}")
    assert not page.errors, page.errors  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)
