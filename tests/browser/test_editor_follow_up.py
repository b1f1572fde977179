"""A follow-up visit of every discipline the registry holds, at a tablet's 1024x768, as
its practitioner charts it: the pack's follow-up template is preselected, the note starts
from the last visit (carried values marked, the last note beside the draft), a chart mark
is placed through the region list, a measure is scored, what signing still needs is filled
from the checks beside Sign (by their field's kind), and the note is signed and billed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "vesalius-demo-2026"
TEXT = "Seen today; as planned."


def _disciplines() -> list[str]:
    from vesalius.plugins import get_registry

    return sorted({t.discipline for t in get_registry().templates.values()
                   if "follow-up" in t.default_for})


@pytest.fixture(scope="module")
def follow_ups(live_app: tuple[Any, str]) -> dict[str, tuple[int, str]]:
    """Discipline -> (a visit, not cancelled, of a case with a signed note and no note of its
    own, its practitioner's e-mail)."""
    from sqlalchemy import exists, select
    from vesalius.models import Appointment, Case, Note, Practitioner, User

    found: dict[str, tuple[int, str]] = {}
    with live_app[0].extensions["vesalius.db"].session() as session:
        rows = session.execute(
            select(Case.discipline, Appointment.id, User.email)
            .join(Appointment, Appointment.case_id == Case.id)
            .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
            .join(User, User.id == Practitioner.user_id)
            .where(Appointment.status.not_in(("cancelled", "late-cancelled", "no-show")),
                   # the demo's practitioners (other tests' own sign in with other
                   # passwords and book into the same clinic)
                   User.email.like("%@demo.vesalius.test"),
                   exists().where(Note.case_id == Case.id, Note.status == "signed"),
                   ~exists().where(Note.appointment_id == Appointment.id))
            .order_by(Appointment.start_at))
        for discipline, appointment_id, email in rows:
            found.setdefault(discipline, (appointment_id, email))
    return found


def _fill(page: Any, path: str) -> None:
    """Give a field a plausible value through the page, by its kind."""
    field = page.locator(f'.note-field[data-path="{path}"]')
    field.evaluate("(f) => { const d = f.closest('details'); if (d) d.open = true; }")
    kind = field.get_attribute("data-kind")
    if kind in ("text", "long-text"):
        field.locator(".v").fill(TEXT)
    elif kind == "codes":
        field.locator(".v").fill("M54.5")
    elif kind == "date":
        field.locator(".v").fill(date.today().isoformat())
    elif kind == "number":
        field.locator(".v").fill(field.locator(".v").get_attribute("min") or "1")
    elif kind in ("choice", "boolean", "scale"):
        if field.locator("select.v").count():
            field.locator("select.v").select_option(index=1)
        else:
            radio = field.locator("input[value=true]") if kind == "boolean" else \
                field.locator("input[type=radio]").first
            radio.check()
    elif kind == "multi-choice":
        field.locator("input[type=checkbox]").first.check()
    elif kind == "procedures":
        field.locator(".add-row").click()
        row = field.locator("tbody tr").last
        row.locator("select[data-col=code]").select_option(index=0)
        row.locator("input[type=number]").fill("15")
    elif kind == "table":
        if not field.locator("tbody tr").count():
            field.locator(".add-row").click()
        for cell in field.locator("tbody [data-col]").all():  # every empty cell of every row
            if cell.evaluate("(e) => e.tagName") == "SELECT":
                if not cell.input_value():
                    cell.select_option(index=1)
            elif not cell.input_value():
                cell.fill(cell.get_attribute("min") or "10"
                          if cell.get_attribute("type") == "number" else TEXT)
    elif kind == "measure":
        _score(page, path)
    elif kind == "chart":
        _mark(page, path)


def _mark(page: Any, path: str) -> None:
    """A mark through the region list: search, pick, attributes, Add mark. The chart may
    refuse a mark ("Not added: ..."): then every attribute is given, then other regions."""
    chart = page.locator(f'.note-field[data-path="{path}"]')
    before = chart.locator(".mark-list tr").count()
    for attempt in range(6):
        search = chart.locator("input.region-search")
        search.fill("")
        search.click()
        for _ in range(1 + attempt // 2 * 7):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        wanted = "[data-attr]" if attempt % 2 else "[aria-required=true]"
        for attr in chart.locator(f".mark-attrs {wanted}").all():
            if attr.evaluate("(e) => e.tagName") == "SELECT":
                attr.select_option(index=1)
            elif attr.get_attribute("type") == "checkbox":
                attr.check()
            else:
                attr.fill(attr.get_attribute("min") or ("1" if attr.get_attribute("type")
                                                       == "number" else TEXT))
        chart.locator("button.add-mark").click()
        page.wait_for_function(
            "([p, n]) => document.querySelectorAll(`.note-field[data-path=\"${p}\"]"
            " .mark-list tr`).length > n || document.querySelector(`.note-field[data-path="
            "\"${p}\"] .howto`).textContent.startsWith('Not added')", arg=[path, before])
        if chart.locator(".mark-list tr").count() > before:
            return
    raise AssertionError(chart.locator(".howto").inner_text())


def _score(page: Any, path: str) -> None:
    """Every item of a measure answered with its first option; the score is shown."""
    field = page.locator(f'.note-field[data-path="{path}"]')
    if field.locator(".add-measure").is_visible():
        field.locator(".add-measure").click()
    for item in field.locator("fieldset.measure-item").all():
        item.locator("input[type=radio]").first.check()
    page.wait_for_function("(p) => document.querySelector(`.note-field[data-path=\"${p}\"]"
                           " .score-box`).textContent.startsWith('Score')", arg=path)


def _errors(page: Any) -> list[tuple[str, str]]:
    """What the checks beside Sign still ask for (errors, not warnings) as (field path,
    text), once the draft is saved and checked."""
    # Saved, and the checks that follow the save shown: the save state is busy until then.
    page.wait_for_function("() => { const s = document.querySelector('#save-state');"
                           " return s.textContent.startsWith('Saved')"
                           " && !s.hasAttribute('aria-busy'); }")
    return page.eval_on_selector_all(
        "#sign-checks li.error", "(items) => items.map((li) => [(li.querySelector"
        "('a[data-path]') || {dataset: {}}).dataset.path || '', li.textContent])")


@pytest.mark.parametrize("discipline", _disciplines())
def test_follow_up_of_each_discipline(page_as, live_server, follow_ups, shot, discipline):
    from vesalius.plugins import get_registry

    reg = get_registry()
    assert discipline in follow_ups, f"the demo clinic has no {discipline} follow-up to chart"
    appointment_id, email = follow_ups[discipline]
    expected = next(t for t in reg.templates.values()
                    if t.discipline == discipline and "follow-up" in t.default_for)
    page = page_as(email, DEMO_PASSWORD, width=1024, height=768)
    page.goto(f"{live_server}/chart/visit/{appointment_id}")
    assert page.locator("input[name=template_id]:checked").get_attribute("value") == expected.id
    assert page.locator("input[name=copy_forward]").is_checked()
    page.click("button:has-text('Start the note')")
    page.wait_for_url(re.compile(r"/chart/notes/\d+$"))
    assert page.locator("#last-note").count() == 1
    carried = page.locator(".note-field[data-carried]").count()
    assert carried == page.locator(".note-field .carried").count()

    charts = [p for p, f in expected.iter_fields() if f.kind == "chart"
              and f.chart in reg.charts]
    measures = [p for p, f in expected.iter_fields() if f.kind == "measure"
                and f.measure in reg.measures]
    if charts:
        page.locator(f'.note-field[data-path="{charts[0]}"]').evaluate(
            "(f) => { f.closest('details').open = true; }")
        _mark(page, charts[0])
    if measures:
        page.locator(f'.note-field[data-path="{measures[0]}"]').evaluate(
            "(f) => { f.closest('details').open = true; }")
        _score(page, measures[0])
    # Filling one field may ask for another (a chart mark wants its diagnosis code): until
    # the checks ask for nothing, never signing with a fill not checked yet.
    for _ in range(10):
        missing = _errors(page)
        if not missing:
            break
        for path, text in missing:
            code = re.search(r"\b([A-Z]\d\d\.\d{1,4})\b", text)
            codes = page.locator(f'.note-field[data-path="{path}"][data-kind="codes"] .v')
            if code and codes.count():  # a rule that names the code it wants
                codes.fill(", ".join(filter(None, (codes.input_value(), code.group(1)))))
            elif path:
                _fill(page, path)
    else:
        raise AssertionError(f"the checks still ask for {missing}")
    shot(page, f"follow-up-{discipline}")
    page.locator("#sign-confirm").press("Space")  # keys: immune to a late layout shift
    page.locator("#sign-button").press("Enter")
    page.locator("#sign-ok").press("Enter")
    page.wait_for_selector(".badge.signed, #problems, .flash-error, .note-field.has-error")
    refused = page.locator(".note-field.has-error .problem").all_inner_texts()
    assert not refused, (refused, page.locator("#save-state").inner_text())
    assert page.locator("#problems").count() == 0, page.locator("#problems").inner_text()
    assert page.locator(".flash-error").count() == 0, page.locator(".flash-error").inner_text()
    assert page.locator(".badge", has_text="content verified").count() == 1
    assert page.locator(".flash-success", has_text="ready to bill").count() == 1
    assert not page.errors, page.errors
