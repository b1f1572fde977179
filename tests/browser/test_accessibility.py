"""Accessibility of the main pages (WCAG 2.2 AA), in every role, in a real browser:

- axe-core's WCAG 2.0/2.1/2.2 A and AA rules find nothing on any page, at 1440x900 and
  1024x768;
- no page is wider than the window at 1440, 1024 and 320 CSS px (reflow, WCAG 1.4.10: the
  calendar grid and the data tables scroll inside their own box);
- booking an appointment works with the keyboard alone, through the patient combobox.

The pages a role audits are the main pages its permissions open (read from each view's
declared permission, as the gate does). The note editor has its own tests.
Set ``VESALIUS_A11Y_SHOTS=1`` to keep a screenshot of every page and size.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DEMO = "vesalius-demo-2026"
PASSWORD = "correct horse battery staple"
LOGINS = {
    "owner": ("owner@demo.vesalius.test", DEMO),
    "front-desk": ("desk@demo.vesalius.test", DEMO),
    "billing": ("billing@demo.vesalius.test", DEMO),
    "practitioner": ("maya.chen@demo.vesalius.test", DEMO),
    "patient": ("portal.browser@clinic.test", PASSWORD),  # made by the live_app fixture
}
SIZES = [(1440, 900), (1024, 768)]


def _ids(app: Any) -> dict[str, int]:
    """Records the detail pages show: a patient with visits, their case with measures, an
    appointment, an invoice."""
    from sqlalchemy import func, select
    from vesalius.models import Appointment, Case, Invoice, MeasureResult

    with app.extensions["vesalius.db"].session() as s:
        case_id = s.scalar(select(MeasureResult.case_id).where(MeasureResult.case_id.is_not(None))
                           .group_by(MeasureResult.case_id)
                           .order_by(func.count().desc()).limit(1))
        if case_id is None:
            case_id = s.scalar(select(Case.id).order_by(Case.id).limit(1))
        patient_id = s.scalar(select(Case.patient_id).where(Case.id == case_id))
        appointment = s.scalar(select(Appointment.id).where(
            Appointment.patient_id == patient_id).order_by(Appointment.start_at.desc()).limit(1))
        invoice = s.scalar(select(Invoice.id).where(Invoice.number.is_not(None))
                           .order_by(Invoice.id).limit(1))
    return {"patient": patient_id, "case": case_id, "appointment": appointment,
            "invoice": invoice}


def main_pages(app: Any) -> list[str]:
    ids = _ids(app)
    return [
        "/chart/", "/calendar/", "/calendar/week", "/calendar/book", "/calendar/waitlist",
        f"/calendar/appointments/{ids['appointment']}",
        "/patients/", "/patients/?q=a", "/patients/new", f"/patients/{ids['patient']}",
        f"/patients/{ids['patient']}/edit", f"/cases/{ids['case']}",
        "/billing/ready", "/billing/invoices", f"/billing/invoices/{ids['invoice']}",
        f"/billing/payments/new?patient={ids['patient']}", "/billing/claims?status=all",
        "/reports/", "/admin/", "/admin/users", "/admin/services", "/admin/locations",
        "/account", "/portal/", "/portal/details", "/no-such-page",
    ]


def may_open(app: Any, role: str, path: str) -> bool:
    """Whether the gate lets ``role`` open ``path`` (the rule the menu uses: the view's
    declared permission and audience against the permission table); unknown paths: a 404
    anyone may see."""
    from vesalius.web.filters import may_open as opens
    from werkzeug.exceptions import NotFound

    try:
        endpoint, _args = app.url_map.bind("localhost").match(path.split("?")[0])
    except NotFound:
        return True
    with app.app_context():
        return opens(role, endpoint)


def overflow(page: Any) -> int:
    """How many CSS px the page is wider than the window."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    page.wait_for_load_state()
    expected = 404 if url.endswith("/no-such-page") else 200
    assert response is not None and response.status == expected, (url, response and
                                                                   response.status)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("role", list(LOGINS))
def test_every_main_page_passes_axe_and_fits(page_as, live_app, axe, shot, role, size):
    app, base = live_app
    page = page_as(*LOGINS[role], width=size[0], height=size[1])
    problems: list[str] = []
    pages = [p for p in main_pages(app) if may_open(app, role, p)]
    assert len(pages) >= 4, pages
    for path in pages:
        _visit(page, base + path)
        violations = axe.run_axe(page)
        if violations:
            problems.append(f"{path}:\n{axe.describe(violations)}")
        wider = overflow(page)
        if wider > 1:
            problems.append(f"{path}: {wider} px wider than the {size[0]} px window")
        if os.environ.get("VESALIUS_A11Y_SHOTS"):
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            shot(page, f"a11y-{role}-{size[0]}-{name}")
    assert not problems, f"{role} at {size[0]}x{size[1]}:\n" + "\n".join(problems)
    errors = [e for e in page.errors if "status of 404" not in e]  # the 404 page's own
    assert not errors, errors


@pytest.mark.parametrize("role", list(LOGINS))
def test_every_main_page_reflows_at_320_px(page_as, live_app, role):
    """WCAG 1.4.10: at 320 CSS px (1280 px at 400% zoom) nothing needs sideways scrolling
    but the calendar grid and data tables, which scroll inside their own box."""
    app, base = live_app
    page = page_as(*LOGINS[role], width=320, height=640)
    wide = []
    for path in (p for p in main_pages(app) if may_open(app, role, p)):
        _visit(page, base + path)
        wider = overflow(page)
        if wider > 1:
            culprits = page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter((n) => n.getBoundingClientRect().right > window.innerWidth + 1
                        && !n.closest('.table-wrap, .cal, .scroll-box'))
                .slice(0, 3).map((n) => n.tagName.toLowerCase() + (n.id ? '#' + n.id : '')
                        + (n.className && n.className.baseVal === undefined
                           ? '.' + String(n.className).split(' ').join('.') : ''))""")
            wide.append(f"{path}: {wider} px too wide ({', '.join(culprits)})")
    assert not wide, "\n".join(wide)


def test_sign_in_and_error_pages_pass_axe(chromium, live_server, axe):
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        for path in ("/login", "/login?next=/calendar/"):
            page.goto(live_server + path)
            axe.assert_accessible(page)
            assert overflow(page) <= 1
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(live_server + "/login")
        assert overflow(page) <= 1
    finally:
        context.close()
