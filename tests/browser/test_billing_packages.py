"""The billing clerk's day with a package of sessions, in Chromium: the clerk puts a
package on sale, sells it from the patient's page (its invoice opens, the payment is
taken), the desk books the patient's visit and the booking form shows the sessions left;
the practitioner signs the visit's note (through the services: charting has its own
browser tests); the visit's draft invoice shows the package paying it, "session 1 of 5",
the patient owes nothing, and the patient's page and the booking form count one session
fewer. Voiding the visit's invoice gives the session back. Every page fits the window at
1440x900 and 1024x768."""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import date, datetime, time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.browser

BILLING = ("billing@demo.vesalius.test", "vesalius-demo-2026")
DESK = ("desk@demo.vesalius.test", "vesalius-demo-2026")
SIZES = [(1440, 900), (1024, 768)]
WAIT = 15_000  # ms: the machine is shared and slow


def _visits() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vesalius_browser_visits_packages",
                                                  Path(__file__).with_name("visits.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _fits(page: Any, problems: list[str], what: str) -> None:
    wider = int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
    if wider > 1:
        problems.append(f"{what}: {wider} px wider than the window")


def _clinic(app: Any, tag: str) -> dict[str, Any]:
    """A new self-pay patient with an open physio case, the physio follow-up service and a
    physio of the demo clinic (the demo is self-pay)."""
    from sqlalchemy import select
    from vesalius.models import Practitioner, Service, User
    from vesalius.services import Actor, cases, patients

    system = Actor.system("tests")
    with app.extensions["vesalius.db"].session() as s:
        patient = patients.create(s, system, patients.PatientIn(
            given_name="Penny", family_name=f"Package{tag}", birth_date=date(1979, 5, 2)))
        case = cases.open_case(s, system, cases.CaseIn(
            patient_id=patient.id, discipline="physio", title="Left shoulder"))
        service = s.scalar(select(Service).where(Service.discipline == "physio",
                                                 Service.name.like("%follow-up%")))
        prac = s.scalar(select(Practitioner).join(User, User.id == Practitioner.user_id)
                        .where(User.email == "physio.browser@clinic.test"))
        return {"patient": patient.id, "name": patient.display_name, "case": case.id,
                "service": service.id, "service_name": service.name,
                "practitioner": prac.id, "practitioner_user": prac.user_id,
                "practitioner_name": prac.display_name}


def _sign_visit(app: Any, c: dict[str, Any], appointment_id: int) -> int:
    """The practitioner checks the patient in and signs the visit's note: its invoice."""
    from vesalius.plugins import get_registry
    from vesalius.services import Actor, notes, scheduling

    visits = _visits()
    visit = visits.pack_visits(get_registry())["physio"]
    me = Actor(user_id=c["practitioner_user"], role="practitioner",
               practitioner_id=c["practitioner"])
    with app.extensions["vesalius.db"].session() as s:
        scheduling.set_status(s, Actor.system("tests"), appointment_id, "arrived")
        note = notes.create_draft(s, me, notes.DraftIn(
            appointment_id=appointment_id,
            document=visits.first_document(visit, get_registry(), date.today())))
        signed = notes.sign(s, me, note.id)
        assert signed.invoice is not None
        return int(signed.invoice.id)


def _book(app: Any, page: Any, base: str, c: dict[str, Any], problems: list[str],
          shot: Any, tag: str, left: int) -> int:
    """The desk books the patient's visit of the service for today; the booking form says
    how many sessions are left. The new appointment's id."""
    from vesalius.services.common import clinic_timezone

    page.goto(f"{base}/calendar/book?patient={c['patient']}")
    page.select_option("#f-case_id", str(c["case"]))
    page.select_option("#f-practitioner_id", str(c["practitioner"]))
    balance = page.locator("#package-balance")
    assert balance.is_hidden()
    page.select_option("#f-service_id", str(c["service"]))
    balance.wait_for(state="visible", timeout=WAIT)
    assert re.fullmatch(rf"{left} sessions? left on 5 x Physio \({tag}\), expires \d+ \w+ \d{{4}}",
                        balance.inner_text()), balance.inner_text()
    _fits(page, problems, "booking form")
    shot(page, f"packages-{tag}-book-{left}")
    # Today, a slot of its own per size and session (the physio's diary is otherwise empty).
    now = datetime.now(clinic_timezone())
    slot = time(6 + (5 - left) * 2 + (1 if tag.startswith("1024") else 0))
    page.fill("#f-date", now.date().isoformat())
    page.fill("#f-time", slot.strftime("%H:%M"))
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_load_state()
    anyway = page.locator("input[name=outside_ok]")
    if anyway.count():  # outside the physio's hours: the clinic asks, the desk confirms
        anyway.click()
        page.wait_for_load_state()
    assert "/calendar" in page.url and "/book" not in page.url, \
        (page.url, page.locator(".flash").all_inner_texts())
    assert page.locator(".flash").first.inner_text().startswith(f"Booked {c['name']}")
    from sqlalchemy import select
    from vesalius.models import Appointment

    with app.extensions["vesalius.db"].session() as s:
        return int(s.scalar(select(Appointment.id).where(
            Appointment.patient_id == c["patient"]).order_by(Appointment.id.desc())))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_package_sold_and_drawn_down(page_as, live_app, shot, size):
    app, base = live_app
    problems: list[str] = []
    tag = f"{size[0]}"
    c = _clinic(app, tag)
    product = f"5 x Physio ({tag})"

    # The clerk puts a package on sale.
    clerk = page_as(*BILLING, width=size[0], height=size[1])
    clerk.goto(f"{base}/packages/products")
    form = clerk.locator("#add-package")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    clerk.fill("#new-name", product)
    clerk.fill("#new-sessions", "5")
    clerk.fill("#new-price", "400.00")
    clerk.fill("#new-days", "365")
    form.get_by_label(c["service_name"]).check()
    form.get_by_role("button", name="Add").click()
    clerk.wait_for_load_state()
    assert f"{product} is on sale." in clerk.locator(".flash").first.inner_text()
    _fits(clerk, problems, "packages on sale")
    shot(clerk, f"packages-{tag}-products")

    # Sold from the patient's page: its invoice opens, issued; the payment is taken there.
    clerk.goto(f"{base}/patients/{c['patient']}")
    clerk.select_option("#sell-product", label=f"{product} · 400.00")
    clerk.get_by_role("button", name="Sell package").click()
    clerk.wait_for_load_state()
    assert "/billing/invoices/" in clerk.url
    assert clerk.locator("span.badge").first.inner_text() == "Issued"
    assert product in clerk.locator("table.invoice-lines").inner_text()
    sale_url = clerk.url
    clerk.get_by_role("button", name="Take payment").click()
    clerk.wait_for_load_state()
    clerk.get_by_role("button", name="Record payment").click()
    clerk.wait_for_load_state()
    assert clerk.url.startswith(sale_url)
    clerk.goto(f"{base}/patients/{c['patient']}#packages")
    assert "5 of 5 left" in clerk.locator("#packages").inner_text()

    # The desk books the visit: the form shows the package's balance.
    desk = page_as(*DESK, width=size[0], height=size[1])
    appointment = _book(app, desk, base, c, problems, shot, tag, left=5)

    # Signed: the visit's draft invoice is paid by the package.
    invoice_id = _sign_visit(app, c, appointment)
    clerk.goto(f"{base}/billing/invoices/{invoice_id}")
    package_row = clerk.locator("tr[data-line=PACKAGE]")
    assert package_row.count() == 1
    assert f"{product} · session 1 of 5" in package_row.inner_text()
    footer = clerk.locator("table.invoice-edit tfoot").inner_text()
    assert re.search(r"Patient\s+0\.00", footer), footer
    _fits(clerk, problems, "invoice paid by the package")
    shot(clerk, f"packages-{tag}-invoice")
    clerk.get_by_role("button", name="Issue").click()
    clerk.wait_for_load_state()
    assert clerk.locator("span.badge").first.inner_text() == "Issued"
    assert "Take payment" not in clerk.locator("article").first.inner_text()

    # One session fewer, on the patient's page and at booking.
    clerk.goto(f"{base}/patients/{c['patient']}")
    assert "4 of 5 left" in clerk.locator("#packages").inner_text()
    _fits(clerk, problems, "patient page")
    shot(clerk, f"packages-{tag}-patient")
    second = _book(app, desk, base, c, problems, shot, tag, left=4)
    assert second != appointment

    # Voiding the visit's invoice gives the session back.
    clerk.goto(f"{base}/billing/invoices/{invoice_id}")
    clerk.locator("details", has_text="Void this invoice").locator("summary").click()
    clerk.fill("#void-reason", "charted on the wrong visit")
    clerk.get_by_role("button", name="Void").click()
    clerk.wait_for_load_state()
    clerk.goto(f"{base}/patients/{c['patient']}")
    assert "5 of 5 left" in clerk.locator("#packages").inner_text()
    assert not clerk.errors, clerk.errors
    assert not desk.errors, desk.errors
    assert not problems, "\n".join(problems)


def test_balance_line_follows_the_choices(page_as, live_app, axe):
    """The booking line is empty until a patient with a package and a covered service are
    both chosen, and empties again for a service the package does not cover; the pages
    of packages pass axe."""
    app, base = live_app
    from sqlalchemy import select
    from vesalius.models import Service
    from vesalius.services import Actor, packages

    c = _clinic(app, "line")
    system = Actor.system("tests")
    with app.extensions["vesalius.db"].session() as s:
        product = packages.create_product(s, system, packages.PackageProductIn(
            name="5 x Physio (line)", service_ids=[c["service"]], sessions=5,
            price="400.00", validity_days=30))
        packages.sell(s, system, c["patient"], packages.PackageSaleIn(product_id=product.id))
        other = s.scalar(select(Service.id).where(Service.discipline == "physio",
                                                  Service.id != c["service"]))
    desk = page_as(*DESK)
    desk.goto(f"{base}/calendar/book")
    desk.select_option("#f-practitioner_id", str(c["practitioner"]))
    desk.select_option("#f-service_id", str(c["service"]))
    balance = desk.locator("#package-balance")
    assert balance.is_hidden()  # no patient yet
    desk.fill("#f-patient_q", c["name"].split()[-1])
    desk.locator("#patient-results [role=option]").first.click()
    balance.wait_for(state="visible", timeout=WAIT)
    assert balance.inner_text().startswith("5 sessions left on 5 x Physio (line), expires ")
    axe.assert_accessible(desk, label="the booking form with a package's balance")
    desk.select_option("#f-service_id", str(other))
    balance.wait_for(state="hidden", timeout=WAIT)
    desk.goto(f"{base}/patients/{c['patient']}")
    axe.assert_accessible(desk, "#packages", label="the patient's packages")
    clerk = page_as(*BILLING)
    clerk.goto(f"{base}/packages/products")
    axe.assert_accessible(clerk, label="the packages on sale")
    assert not clerk.errors, clerk.errors
    assert not desk.errors, desk.errors

