"""The note editor with the keyboard alone, at a tablet's 1024x768: "Pick a region first"
announced, zoom, chart a mark (Tab to the chart, arrow keys between regions, Enter picks,
the mark form, Add mark), choose a
region from the searchable list, score a measure (arrow keys within an item), remove a
mark (focus stays in the marks table), and sign (the box, the button, the dialog). Only
``keyboard.press``/``keyboard.type`` act on the page; reads check where focus is."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PHYSIO = "physio.browser@clinic.test"  # made by the live_app fixture
PASSWORD = "correct horse battery staple"
ACTIVE = "() => document.activeElement"


@pytest.fixture
def draft(live_app: tuple[Any, str]) -> int:
    """A new physio follow-up draft of Pat Browser's on a physio case (no appointment)."""
    from sqlalchemy import select
    from vesalius.models import Case, Note, Practitioner, User
    from vesalius.plugins import get_registry

    reg = get_registry()
    template = reg.templates["physio.follow-up"]
    pack = reg.owner("template", template.id)
    with live_app[0].extensions["vesalius.db"].session() as session:
        case = session.scalars(select(Case).where(Case.discipline == "physio")
                               .order_by(Case.id.desc()).limit(1)).one()
        user = session.scalars(select(User).where(User.email == PHYSIO)).one()
        practitioner = session.scalars(select(Practitioner.id).where(
            Practitioner.user_id == user.id)).one()
        note = Note(patient_id=case.patient_id, case_id=case.id, author_id=user.id,
                    practitioner_id=practitioner, template_id=template.id,
                    template_version=template.version, pack=pack,
                    pack_version=reg.pack(pack).version, date_of_service=case.opened_on,
                    status="draft", document=template.new_document())
        session.add(note)
        session.flush()
        return note.id


def tab_to(page: Any, selector: str, limit: int = 400, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focused element matches ``selector``."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def focused(page: Any, expression: str) -> Any:
    return page.evaluate(f"() => {{ const e = document.activeElement; return {expression}; }}")


def test_chart_measure_and_sign_with_the_keyboard(page_as, live_server, draft, shot):
    page = page_as(PHYSIO, PASSWORD, width=1024, height=768)
    page.goto(f"{live_server}/chart/notes/{draft}")
    page.wait_for_selector("#note-editor")

    # -- the report, by typing -------------------------------------------------------------
    tab_to(page, '[data-path="subjective.report"] textarea')
    page.keyboard.type("Knee better; stairs easier.")

    # -- no region yet: Add mark says so (announced) and goes to the region search ---------
    tab_to(page, '[data-path="objective.body_chart"] button.add-mark')
    page.keyboard.press("Enter")
    chart = page.locator('[data-path="objective.body_chart"]')
    page.wait_for_function("() => document.querySelector('[data-path=\"objective.body_chart\"]"
                           " .announce').textContent.startsWith('Pick a region first')")
    assert focused(page, "e.classList.contains('region-search')")

    # -- zoom from the keyboard: the chart grows inside its box, never the page -------------
    tab_to(page, '[data-path="objective.body_chart"] button.zoom-in', back=True)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert chart.locator(".zoom-level").inner_text() == "225%"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.keyboard.press("Tab")
    assert focused(page, "e.classList.contains('zoom-reset')")
    page.keyboard.press("Enter")

    # -- a mark from the chart: Tab in, arrows move, Enter picks --------------------------
    tab_to(page, '[data-path="objective.body_chart"] .chart-svg .region[tabindex="0"]')
    first = focused(page, "e.dataset.region")
    page.keyboard.press("ArrowRight")
    moved = focused(page, "e.dataset.region")
    assert moved != first, "the arrow key did not move to a neighbouring region"
    page.keyboard.press("ArrowDown")
    region = focused(page, "e.dataset.region")
    label = focused(page, "e.getAttribute('aria-label')")
    assert label and label.endswith("no marks"), label
    page.keyboard.press("Enter")
    assert focused(page, "e.classList.contains('mark-type')"), "Enter did not open the mark form"
    tab_to(page, '[data-path="objective.body_chart"] input[data-attr="intensity"]')
    page.keyboard.type("6")
    tab_to(page, '[data-path="objective.body_chart"] button.add-mark')
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(r) => document.activeElement && document.activeElement.dataset.region === r"
        " && document.activeElement.getAttribute('aria-label').includes('(')", arg=region)
    assert chart.locator(".mark-list tr").count() == 1
    page.wait_for_function("() => document.querySelector('[data-path=\"objective.body_chart\"]"
                           " .announce').textContent.startsWith('Added')")

    # -- a mark from the region list: type, arrow, Enter ----------------------------------
    tab_to(page, '[data-path="objective.body_chart"] input.region-search')
    page.keyboard.type("shoulder")
    assert chart.locator('[role="listbox"] [role="option"]').count() >= 1
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert focused(page, "e.classList.contains('mark-type')")
    tab_to(page, '[data-path="objective.body_chart"] input[data-attr="intensity"]')
    page.keyboard.type("3")
    tab_to(page, '[data-path="objective.body_chart"] button.add-mark')
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll("
                           "'[data-path=\"objective.body_chart\"] .mark-list tr').length === 2")
    page.wait_for_function("() => document.activeElement.classList.contains('region-search')")

    # -- removing a mark keeps focus in the marks table -----------------------------------
    tab_to(page, '[data-path="objective.body_chart"] .remove-mark')
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll("
                           "'[data-path=\"objective.body_chart\"] .mark-list tr').length === 1")
    assert focused(page, "e.classList.contains('remove-mark')")

    # -- the pain measure: unfold if folded, arrows choose within the item ----------------
    measure = page.locator('[data-path="subjective.nprs"]')
    if measure.locator(".add-measure").is_visible():
        tab_to(page, '[data-path="subjective.nprs"] .add-measure', back=True)
        page.keyboard.press("Enter")
    else:
        tab_to(page, '[data-path="subjective.nprs"] input[type=radio]', back=True)
        page.keyboard.press("Space")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('[data-path=\"subjective.nprs\"]"
                           " .score-box').textContent.startsWith('Score 6')")

    # -- the rest the sign needs, then the signature ---------------------------------------
    tab_to(page, '[data-path="assessment.assessment"] textarea')
    page.keyboard.type("Improving as expected.")
    tab_to(page, '[data-path="plan.plan"] textarea')
    page.keyboard.type("Progress loading.")
    tab_to(page, '[data-path="treatment.procedures"] .add-row', back=True)
    page.keyboard.press("Enter")
    assert focused(page, "e.dataset.col === 'code'")
    page.keyboard.type("97110")
    page.keyboard.press("Tab")
    page.keyboard.type("23")
    shot(page, "keyboard-editor")
    tab_to(page, "#sign-confirm")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page, "e.id") == "sign-button"
    page.keyboard.press("Enter")
    page.wait_for_selector("#sign-dialog[open]")
    tab_to(page, "#sign-ok")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/chart/notes/\d+/view"))
    assert page.locator(".badge", has_text="content verified").count() == 1
    assert not page.errors, page.errors


def test_sign_refusal_leads_to_the_fields(page_as, live_server, draft):
    """Signing an empty draft: the refusal lists the fields by label, takes focus, and each
    link moves focus into its field (opening its section); the field is marked invalid."""
    page = page_as(PHYSIO, PASSWORD, width=1024, height=768)
    page.goto(f"{live_server}/chart/notes/{draft}")
    page.wait_for_selector("#note-editor")
    tab_to(page, "#sign-confirm")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#sign-dialog[open]")
    tab_to(page, "#sign-ok")
    page.keyboard.press("Enter")
    page.wait_for_selector("#problems")
    assert focused(page, "e.id") == "problems"
    links = page.locator("#problems a[data-path]")
    texts = links.all_inner_texts()
    assert texts and not any(re.fullmatch(r"[a-z_]+\.[a-z_]+", t) for t in texts), texts
    page.keyboard.press("Tab")
    target = focused(page, "e.dataset.path")
    page.keyboard.press("Enter")
    field = page.locator(f'.note-field[data-path="{target}"]')
    assert page.evaluate("(p) => document.activeElement.closest('.note-field')"
                         " && document.activeElement.closest('.note-field').dataset.path === p",
                         target)
    assert field.locator('[aria-invalid="true"]').count() >= 1
    assert field.locator(".problem").inner_text().strip()
    others = [e for e in page.errors if "status of 422" not in e]  # the refusal page itself
    assert not others, others
