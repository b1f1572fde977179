"""A clinic's day in a real browser: the front desk registers, books and checks in; the
practitioner charts two body-chart regions, fills a measure and sees its score, enters
procedures and sees the charge preview, and signs; the front desk sees the visit ready to
bill and takes the payment; the balance is zero. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import re
import time

import pytest

pytestmark = pytest.mark.browser

DESK = "desk@demo.vesalius.test"
PHYSIO = "physio.browser@clinic.test"  # made by the live_server fixture
PASSWORD = "correct horse battery staple"


def _regions() -> list[str]:
    from vesalius.plugins import get_registry

    chart = get_registry().charts["physio.body"]
    front = [r.id for r in chart.regions if r.view == chart.views[0].id]
    return [next(r for r in front if "knee" in r), next(r for r in front if "shoulder" in r)]


def _slow_sign(seconds: float):  # type: ignore[no-untyped-def]
    """A route handler that holds the sign answer back: the server has signed, the page
    does not know yet (what a slow network or a busy server does)."""
    def handle(route):  # type: ignore[no-untyped-def]
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        time.sleep(seconds)
        route.fulfill(response=response)
    return handle


@pytest.mark.parametrize(("sign_delay", "given", "born", "hour"), [
    (0.0, "Rosalind", "1984-07-25", 16),
    (1.5, "Dorothy", "1980-05-12", 15),  # the autosave must not land after the signature
], ids=["plain", "slow-sign"])
def test_booking_charting_and_payment(page_as, live_server, shot, sign_delay, given, born,
                                      hour):
    patient = f"{given} Franklin"
    # -- front desk: register, book from an empty slot, check in -------------------------
    desk = page_as(DESK)
    desk.goto(f"{live_server}/patients/new")
    desk.fill("#f-given_name", given)
    desk.fill("#f-family_name", "Franklin")
    desk.fill("#f-birth_date", born)
    desk.fill("#f-mobile", f"+1 416 555 {hour:04d}")
    desk.click("main button[type=submit]")
    desk.wait_for_url(re.compile(r"/patients/\d+$"))
    patient_page = desk.url
    shot(desk, "01-registered")

    desk.goto(f"{live_server}/calendar/")
    # Click the free time at 16:00 in Pat Browser's column (5-minute rows of --row-h).
    first_hour = int(desk.locator("#calendar").get_attribute("data-first-hour"))
    row_height = float(desk.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('calendar'))"
        ".getPropertyValue('--row-h'))"))
    column = desk.locator('.cal-col[data-title="Pat Browser"]')
    column.click(position={"x": 30, "y": (hour - first_hour) * 12 * row_height + 2})
    desk.wait_for_url(re.compile(r"/calendar/book"))
    desk.fill("#f-patient_q", "Franklin")
    desk.locator("#patient-results [role=option]", has_text=patient).click()
    desk.wait_for_selector("#new-case:not([hidden])")
    desk.fill("#f-case_title", "Right ankle sprain")
    service = desk.locator("#f-service_id option", has_text="Physiotherapy: follow-up")
    desk.select_option("#f-service_id", service.first.get_attribute("value"))
    shot(desk, "02-booking")
    desk.click("#booking-form button[type=submit]")
    desk.wait_for_url(re.compile(r"/calendar/\?"))
    block = desk.locator("a.appt", has_text=patient)
    assert block.count() == 1
    shot(desk, "03-calendar")
    block.click()  # the in-place status menu: check-in without a page trip
    desk.click("#cal-menu button:has-text('Check in')")
    # This patient's block (others of the day may have arrived already).
    desk.locator("a.appt.arrived", has_text=patient).wait_for(state="attached")
    assert "Checked in." in desk.locator("#cal-said").inner_text()
    assert "arrived" in block.get_attribute("class")

    # -- practitioner: the day list, the chart, the measure, the charges, the signature ---
    physio = page_as(PHYSIO, PASSWORD)
    assert "/chart/" in physio.url
    physio.locator("tr", has_text=patient).locator("a", has_text="Chart").click()
    physio.check("input[value='physio.follow-up']")
    physio.click("button:has-text('Start the note')")
    physio.wait_for_url(re.compile(r"/chart/notes/\d+$"))
    physio.fill('[data-path="subjective.report"] textarea', "Ankle much better, stairs easier.")

    chart = physio.locator('[data-path="objective.body_chart"]')
    for region, mark in zip(_regions(), ("aching", "sharp"), strict=True):
        chart.locator(f'.chart-svg .region[data-region="{region}"]').click(force=True)
        chart.locator("select.mark-type").select_option(mark)
        chart.locator("input[data-attr=intensity]").fill("6")
        before = chart.locator(".mark-list tr").count()
        chart.locator("button.add-mark").click()
        physio.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length > n",
            arg=['[data-path="objective.body_chart"] .mark-list tr', before])
    physio.wait_for_selector('[data-path="objective.body_chart"] .chart-svg .mark-sharp')
    assert chart.locator(".chart-svg .region.marked").count() == 2

    measure = physio.locator('[data-path="subjective.nprs"]')
    if measure.locator(".add-measure").is_visible():  # a measure not chosen yet starts folded
        measure.locator(".add-measure").click()
    measure.locator("fieldset.measure-item").first.locator("input[value='6']").check()
    physio.wait_for_function(
        "() => document.querySelector('[data-path=\"subjective.nprs\"] .score-box')"
        ".textContent.startsWith('Score 6')")

    procedures = physio.locator('[data-path="treatment.procedures"]')
    for code, minutes in (("97110", "23"), ("97140", "15")):
        procedures.locator("button.add-row").click()
        row = procedures.locator("tbody tr").last
        row.locator("select[data-col=code]").select_option(code)
        row.locator("input[data-col=minutes]").fill(minutes)
    physio.fill('[data-path="assessment.assessment"] textarea', "Improving as expected.")
    physio.fill('[data-path="plan.plan"] textarea', "Progress balance work.")
    physio.wait_for_function(
        "() => document.querySelector('#charge-preview').textContent.includes('97140')")
    preview = physio.locator("#charge-preview").inner_text()
    assert "97110" in preview and "Total" in preview
    physio.wait_for_function(
        "() => document.querySelector('#save-state').textContent.startsWith('Saved')")
    shot(physio, "04-note-editor")
    if sign_delay:
        physio.route("**/chart/notes/*/sign", _slow_sign(sign_delay))
        # An edit just before signing leaves an autosave pending: signing must take it over.
        physio.fill('[data-path="plan.plan"] textarea', "Progress balance work; review in 2 weeks.")
    physio.check("#sign-confirm")
    physio.click("#sign-button")
    physio.click("#sign-ok")
    physio.wait_for_url(re.compile(r"/chart/notes/\d+/view"))
    assert physio.locator(".badge", has_text="content verified").count() == 1
    shot(physio, "05-signed-note")
    assert not physio.errors, physio.errors

    # -- front desk: ready to bill, payment, zero balance --------------------------------
    desk.goto(f"{live_server}/billing/ready")
    row = desk.locator("tr", has_text=patient)
    assert row.count() == 1
    shot(desk, "06-ready-to-bill")
    row.locator("a", has_text="Take payment").click()
    desk.select_option("#f-method", "card")
    shot(desk, "07-payment")
    desk.click("button:has-text('Record payment')")
    desk.wait_for_url(re.compile(r"/billing/invoices/\d+"))  # back to the invoice, receipt
    assert desk.get_by_role("button", name="Print the receipt").count() == 1
    desk.goto(patient_page)
    owes = desk.locator("#account dd strong").first.inner_text()
    assert owes == "0.00"
    shot(desk, "08-paid")
    desk.goto(f"{live_server}/billing/ready")
    assert desk.locator("tr", has_text=patient).count() == 0
    assert not desk.errors, desk.errors


@pytest.mark.parametrize("width", [1024, 820])
def test_tablet_width(page_as, live_server, shot, width):
    """The pages fit a tablet: no sideways scrolling of the page (the calendar scrolls
    inside its own box)."""
    desk = page_as(DESK, width=width, height=1100)
    for path, name in (("/calendar/", "calendar"), ("/billing/ready", "ready"),
                       ("/patients/?q=a", "patients")):
        desk.goto(live_server + path)
        overflow = desk.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
        shot(desk, f"tablet-{width}-{name}")
