"""The header's quick search in a real browser: "/" (or Ctrl-K) from a page puts the focus in
the box, but not while typing in a field; results come as you type; the arrow keys move
through them and Enter lands on the patient (or the invoice); the header fits the window at
1024x768 and 1440x900 (screenshots in test-artifacts/browser/ with VESALIUS_A11Y_SHOTS=1)."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DESK = "desk@demo.vesalius.test"
OWNER = "owner@demo.vesalius.test"  # the longest menu


def _unique_patient(app: Any) -> tuple[int, str]:
    """A demo patient whose full name no other patient has: (id, "Given Family")."""
    from sqlalchemy import func, select
    from vesalius.models import Patient

    with app.extensions["vesalius.db"].session() as s:
        unique = (select(Patient.given_name, Patient.family_name)
                  .where(Patient.preferred_name.is_(None), Patient.active.is_(True))
                  .group_by(Patient.given_name, Patient.family_name)
                  .having(func.count() == 1).order_by(Patient.family_name).limit(1)).subquery()
        pid, given, family = s.execute(
            select(Patient.id, Patient.given_name, Patient.family_name)
            .join(unique, (unique.c.given_name == Patient.given_name)
                  & (unique.c.family_name == Patient.family_name))).one()
        return pid, f"{given} {family}"


def _issued_invoice(app: Any) -> tuple[int, str]:
    from sqlalchemy import select
    from vesalius.models import Invoice

    with app.extensions["vesalius.db"].session() as s:
        return s.execute(select(Invoice.id, Invoice.number)
                         .where(Invoice.number.is_not(None)).limit(1)).one()


def _type_and_wait(page: Any, text: str) -> None:
    page.keyboard.type(text, delay=20)
    page.wait_for_function(
        "text => document.getElementById('quick-results').dataset.query === text"
        " && document.getElementById('quick-q').getAttribute('aria-expanded') === 'true'",
        arg=text)


def _choose(page: Any, wanted: str) -> None:
    """Arrow down until the active option is ``wanted``, then Enter."""
    names = page.locator("#quick-results [role=option] strong").all_inner_texts()
    assert wanted in names, names
    for _ in range(names.index(wanted) + 1):
        page.keyboard.press("ArrowDown")
    active = page.get_attribute("#quick-q", "aria-activedescendant")
    assert page.locator(f"#{active} strong").inner_text() == wanted
    assert page.get_attribute(f"#{active}", "aria-selected") == "true"
    page.keyboard.press("Enter")


def test_slash_type_arrow_enter_lands_on_the_patient(page_as, live_app):
    app, base = live_app
    patient_id, name = _unique_patient(app)
    page = page_as(DESK)
    page.goto(base + "/calendar/")
    page.wait_for_load_state()
    page.locator("body").click(position={"x": 5, "y": 300})  # focus on the page, not a field
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "quick-q"
    assert page.input_value("#quick-q") == ""  # the slash opened the box, typed nothing
    _type_and_wait(page, name)
    _choose(page, name)
    page.wait_for_url(re.compile(rf"/patients/{patient_id}$"))
    assert name in page.locator("h1").first.inner_text()
    assert not page.errors, page.errors


def test_ctrl_k_and_an_invoice_number(page_as, live_app):
    app, base = live_app
    invoice_id, number = _issued_invoice(app)
    page = page_as(DESK)
    page.goto(base + "/patients/")
    page.wait_for_load_state()
    page.locator("h1").click()
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.id") == "quick-q"
    _type_and_wait(page, number)
    _choose(page, number)
    page.wait_for_url(re.compile(rf"/billing/invoices/{invoice_id}$"))
    assert not page.errors, page.errors


def test_slash_in_a_field_is_just_a_slash(page_as, live_app):
    _app, base = live_app
    page = page_as(DESK)
    page.goto(base + "/patients/")
    page.wait_for_load_state()
    page.click("#q")  # the patient page's own search field
    page.keyboard.type("a/b")
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.id") == "q"
    assert page.input_value("#q") == "a/b"
    assert page.input_value("#quick-q") == ""


@pytest.mark.parametrize("size", [(1024, 768), (1440, 900)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_header_with_search_fits_the_window(page_as, live_app, shot, size):
    app, base = live_app
    _, name = _unique_patient(app)
    for login in (OWNER, DESK):
        page = page_as(login, width=size[0], height=size[1])
        for path in ("/", "/calendar/", "/patients/", "/billing/ready", "/search/?q=" + name):
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            wider = int(page.evaluate("document.documentElement.scrollWidth - "
                                      "window.innerWidth"))
            assert wider <= 1, f"{login} {path}: {wider} px wider than the {size[0]} px window"
            if path == "/" and os.environ.get("VESALIUS_A11Y_SHOTS"):
                shot(page, f"quick-search-home-{login.split('@')[0]}-{size[0]}")
    page.goto(base + "/calendar/")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    _type_and_wait(page, name.split()[1][:3])
    page.keyboard.press("ArrowDown")
    box = page.locator("#quick-results").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size[0] + 1
    if os.environ.get("VESALIUS_A11Y_SHOTS"):
        shot(page, f"quick-search-{size[0]}")
    assert not page.errors, page.errors
