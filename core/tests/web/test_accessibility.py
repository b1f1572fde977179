"""Accessibility of the pages' markup (WCAG 2.2 AA), without a browser: the menu is built
from the registered endpoints and the permission table, calendar blocks say their status in
words, outcome plots come with their values as a table, the patient picker is a combobox,
the portal's contact fields say what they hold. The browser tests run axe on the pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from vesalius.models import Appointment, MeasureResult, Practitioner, User
from vesalius.permissions import ROLES, STAFF

NAV = re.compile(r'<nav class="container-fluid" aria-label="Main">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"(?: aria-current="page")?>([^<]+)</a>')


def _menu(html: str) -> list[tuple[str, str]]:
    found = NAV.search(html)
    assert found, "no main menu on the page"
    return [(label, href) for href, label in LINK.findall(found.group(1))]


@pytest.mark.parametrize("role", sorted(STAFF))
def test_every_menu_entry_opens_for_the_role_that_sees_it(browser, role):
    b = browser(role)
    menu = _menu(b.get("/account").get_data(as_text=True))
    assert menu, role
    for label, href in menu:
        response = b.get(href)
        assert response.status_code == 200, (role, label, href, response.status_code)


def test_menu_follows_the_permission_table(app, browser):
    """Each role sees exactly the core entries whose page it may open; every other entry's
    page refuses it (so nothing is offered that fails, and nothing openable is hidden)."""
    from flask import url_for
    from vesalius.web.filters import MENU, may_open

    expected = {"owner": {"Calendar", "Patients", "Waitlist", "Ready to bill", "Invoices",
                          "Claims", "Reports", "Admin", "Today"},
                "front-desk": {"Calendar", "Patients", "Waitlist", "Ready to bill"},
                "practitioner": {"Today", "Calendar", "Patients", "Waitlist"},
                "billing": {"Calendar", "Patients", "Ready to bill", "Invoices", "Claims",
                            "Reports"}}
    for role in sorted(STAFF):
        b = browser(role)
        shown = {label for label, _href in _menu(b.get("/account").get_data(as_text=True))}
        assert shown == expected[role], role
        with app.test_request_context():
            hidden = [(label, url_for(endpoint)) for label, endpoint in MENU
                      if not may_open(role, endpoint)]
        for label, href in hidden:
            assert b.get(href).status_code == 403, (role, label, href)


def test_every_menu_entry_names_a_registered_endpoint(app):
    from vesalius.web.filters import MENU

    assert [e for _label, e in MENU if e not in app.view_functions] == []


def test_a_menu_entry_naming_no_endpoint_stops_the_start(app, monkeypatch):
    from vesalius.web import filters

    monkeypatch.setattr(filters, "MENU", (*filters.MENU, ("Nowhere", "calendar.nowhere")))
    with pytest.raises(RuntimeError, match=r"Nowhere -> calendar\.nowhere"):
        filters.check_menu(app)


def test_patients_and_roles_outside_staff_get_no_menu(app):
    from vesalius.web.filters import may_open

    assert set(ROLES) - STAFF == {"patient"}
    with app.test_request_context():
        assert may_open("patient", "portal.home")
        assert not may_open("patient", "calendar.day")
        assert not may_open("front-desk", "portal.home")


def test_calendar_blocks_say_their_status_in_words(browser, db):
    with db.session() as s:
        day = s.scalar(select(func.min(Appointment.start_at)).where(
            Appointment.status == "completed"))
    html = browser("front-desk").get(f"/calendar/?date={day.date().isoformat()}").get_data(
        as_text=True)
    blocks = re.findall(r'<a class="appt ([a-z-]+) [^"]*"[^>]*>(.*?)</a>', html, re.S)
    assert blocks
    labels = {"booked": "Booked", "confirmed": "Confirmed", "arrived": "Arrived",
              "in-session": "In session", "completed": "Completed",
              # Freed slots stay on the grid, struck through, in words too.
              "cancelled": "Cancelled", "late-cancelled": "Late cancel", "no-show": "No-show"}
    for status, text in blocks:
        assert f'<span class="st">{labels[status]}</span>' in text, (status, text)
    assert 'role="region"' in html and 'tabindex="0"' in html  # the grid scrolls in a box


def test_outcome_plots_come_with_their_values_as_a_table(browser, db, kit):
    with db.session() as s:
        case_id, count = s.execute(
            select(MeasureResult.case_id, func.count()).where(
                MeasureResult.case_id.is_not(None), MeasureResult.value.is_not(None))
            .group_by(MeasureResult.case_id).order_by(func.count().desc()).limit(1)).one()
        # A practitioner of the case's care team (one who saw the patient) reads the plots.
        email = s.scalar(select(User.email).join(Practitioner, Practitioner.user_id == User.id)
                         .join(Appointment, Appointment.practitioner_id == Practitioner.id)
                         .where(Appointment.case_id == case_id).limit(1))
    practitioner = browser()
    practitioner.login(email, kit.DEMO_PASSWORD)
    html = practitioner.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'class="plot"' in html
    assert "the values as a table</summary>" in html
    rows = re.findall(r"<tr><td>[^<]+</td><td class=\"num\">[-0-9.e+]+</td>", html)
    assert len(rows) == count


@pytest.mark.parametrize("path", ["/calendar/book", "/calendar/waitlist", "/patients/"])
def test_patients_are_picked_with_one_combobox(browser, path):
    page = browser("owner").get(path).get_data(as_text=True)
    # The header's quick search is the same combobox; the page's own picker is the other one.
    quick = re.search(r'<search class="quick-search".*?</search>', page, re.S)
    assert quick and "js/search.js" in page
    html = page.replace(quick.group(0), "")
    field = re.search(r'<input [^>]*role="combobox"[^>]*>', html)
    assert field, path
    for attribute in ('aria-expanded="false"', "aria-controls=", 'aria-autocomplete="list"'):
        assert attribute in field.group(0), (path, attribute)
    controls = re.search(r'aria-controls="([^"]+)"', field.group(0)).group(1)
    assert f'<div id="{controls}" role="listbox" aria-label="Patients found"' in html
    assert 'role="status" aria-live="polite" data-combo-status' in html
    assert "js/combobox.js" in html
    assert 'role="listbox"' not in html.replace(f'id="{controls}" role="listbox"', "")


def test_portal_contact_fields_say_what_they_hold(app, browser, db, kit):
    from vesalius.services import users
    from vesalius.services.actor import Actor

    with db.session() as s:
        patient_id = s.scalar(select(Appointment.patient_id).limit(1))
        users.create_user(s, Actor.system("tests"), users.UserIn(
            email="portal.a11y@clinic.test", role="patient", password=kit.PASSWORD,
            patient_id=patient_id))
    b = kit.Browser(app.test_client())
    assert b.login("portal.a11y@clinic.test").status_code == 302
    html = b.get("/portal/details").get_data(as_text=True)
    for name, token in (("email", "email"), ("mobile", "tel"), ("address_line1",
                        "address-line1"), ("city", "address-level2"),
                        ("postal_code", "postal-code")):
        field = re.search(rf'<input id="f-{name}"[^>]*>', html)
        assert field and f'autocomplete="{token}"' in field.group(0), name


def test_required_fields_are_marked_required(browser):
    html = browser("owner").get("/calendar/book").get_data(as_text=True)
    for field in ("f-patient_q", "f-practitioner_id", "f-date", "f-time"):
        tag = re.search(rf'<(?:input|select) id="{field}"[^>]*>', html)
        assert tag and " required" in tag.group(0), field
        assert re.search(rf'<label for="{field}" class="req">', html), field


def _luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of #rrggbb."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula():
    # WCAG 2.2 "contrast ratio": black on white is 21:1, a colour on itself 1:1.
    assert round(contrast("#000000", "#ffffff"), 2) == 21
    assert contrast("#777777", "#777777") == 1


def test_status_colours_pass_wcag_contrast():
    """Badges: white text on the status colour, 4.5:1 (1.4.3). Calendar blocks: the stripe
    against the block's tint and the white column, 3:1 (1.4.11). Read from app.css."""
    from pathlib import Path

    import vesalius.web

    css = (Path(vesalius.web.__file__).parent / "static/css/app.css").read_text()
    colours = dict(re.findall(r"--v-([a-z-]+): (#[0-9a-f]{6})", css))
    statuses = ("booked", "confirmed", "arrived", "in-session", "completed", "cancelled",
                "late-cancelled", "no-show")
    tints = {"booked": re.search(r"\.appt \{[^}]*background: (#[0-9a-f]{6})", css).group(1)}
    for status in statuses:
        found = re.search(rf"\.appt\.{status}[ ,][^{{]*\{{[^}}]*background: (#[0-9a-f]{{6}})",
                          css)
        tints.setdefault(status, found.group(1) if found else "#f1f2f4")
    for status in statuses:
        colour = colours[status]
        assert contrast("#ffffff", colour) >= 4.5, (status, colour)
        assert contrast(colour, tints[status]) >= 3, (status, colour, tints[status])
    badges = re.findall(r"\.badge[.a-z-, ]*\{[^}]*background: (#[0-9a-f]{6})", css)
    for colour in badges:
        assert contrast("#ffffff", colour) >= 4.5, colour
    border = re.search(r"--pico-form-element-border-color: (#[0-9a-f]{6})", css).group(1)
    assert contrast(border, "#ffffff") >= 3
    assert contrast(colours["focus-inner"], "#ffffff") >= 3
    assert contrast(colours["focus-outer"], "#1f3b57") >= 3  # on the menu bar
