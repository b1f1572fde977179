"""Every pack's follow-up visit, end to end in Chromium at 1024x768, as its practitioner: the
pack's follow-up template preselected, started from the last visit (the carried chart mark,
diagnosis code and plan there and marked "from <date>"), a new chart mark placed with the
mouse (zoomed in where the region is smaller than 24 CSS px), a measure scored live as the
registry scores it, the fields signing requires filled, signed, the visit completed and on
the ready-to-bill worklist with an invoice of the pack's charge lines. No page is wider
than the window. Packs, templates, charts and measures come from the registry; the set-up
(the first visit, signed) is done through the services (visits.py). Screenshots go to
test-artifacts/browser/visit-<discipline>-*.png."""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DESK = "desk@demo.vesalius.test"
WAIT = 15_000  # ms: the machine is shared and slow
MIN_TARGET = 24  # CSS px: WCAG 2.2 target size (2.5.8)
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def _visits() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vesalius_browser_visits",
                                                  Path(__file__).with_name("visits.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


visits = _visits()


def _disciplines() -> list[str]:
    from vesalius.plugins import get_registry, reset_registry

    found = list(visits.pack_visits(get_registry()))
    reset_registry()  # the live app builds its own
    return found


#: What each pack bills a visit from is its charge rule's business, not the registry's: the
#: mark type the new chart mark gets and the fields filled as "what was done today".
TREATED: dict[str, dict[str, Any]] = {
    "chiro": {"mark": "adjusted"},  # CMT by the spinal regions marked adjusted
    "osteo": {"mark": "hvla"},  # OMT by the regions marked with a technique
    "acupuncture": {"rows": {"contact.increments": 1}},  # 15-minute contact increments
    "podiatry": {"ticks": {"treatment.nails_debrided": 2}},  # nail debridement by count
}


def _fits(page: Any, where: str) -> None:
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{where}: {overflow}px wider than the window"


def _day(value: date) -> str:
    return f"{value.day} {value:%b}"


def _score_text(value: float) -> str:
    """The score as the editor prints it (an integer, else at most two decimals)."""
    number = float(value)
    return str(int(number)) if number.is_integer() else format(round(number, 2), "g")


def _db_note(live_app: Any, note_id: int) -> Any:
    from vesalius.models import Note

    with live_app[0].extensions["vesalius.db"].session() as session:
        note = session.get(Note, note_id)
        session.expunge(note)
        return note


# -- filling a field the way a practitioner does ----------------------------------------


def _fill_cell(cell: Any, column: Any) -> None:
    if column.kind in ("choice",):
        cell.select_option(column.options[0].value)
    elif column.kind == "multi-choice":
        cell.select_option([column.options[0].value])
    elif column.kind == "boolean":
        cell.select_option("false")
    elif column.kind in ("number", "scale"):
        low = column.minimum if column.minimum is not None else 0
        high = column.maximum if column.maximum is not None else 60
        cell.fill(str(int(min(max(low, 15), high))))
    elif column.kind == "date":
        cell.fill(date.today().isoformat())
    elif column.kind != "region":
        cell.fill("noted")


def _add_rows(field_el: Any, field: Any, count: int) -> None:
    for _ in range(count):
        before = field_el.locator("tbody tr").count()
        field_el.locator("button.add-row").click()
        row = field_el.locator("tbody tr").nth(before)
        if field.kind == "procedures":
            code = row.locator("select[data-col=code] option").first.get_attribute("value")
            row.locator("select[data-col=code]").select_option(code)
            row.locator(f"input[data-col={field.record}]").fill(
                "23" if field.record == "minutes" else "1")
            continue
        for column in field.columns:
            _fill_cell(row.locator(f"[data-col={column.id}]"), column)


def _fill(page: Any, path: str, field: Any, text: str) -> None:
    """Give a field of the editor a valid value through its controls."""
    el = page.locator(f'.note-field[data-path="{path}"]')
    section = page.locator(f"#sec-{path.split('.')[0]}")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    kind = field.kind
    if kind in ("text", "long-text", "date", "codes", "number"):
        value = {"date": date.today().isoformat(), "codes": "M25.50"}.get(kind, text)
        if kind == "number":
            value = str(int(field.minimum if field.minimum is not None else 1))
        el.locator(".v").fill(value)
    elif kind == "boolean":
        el.locator(f"input[value={'true' if field.must_be_true else 'false'}]").check()
    elif kind == "choice":
        if el.locator("select.v").count():
            el.locator("select.v").select_option(field.options[0].value)
        else:
            el.locator(f'input[type=radio][value="{field.options[0].value}"]').check()
    elif kind == "multi-choice":
        el.locator(f'input[type=checkbox][value="{field.options[0].value}"]').check()
    elif kind == "scale":
        el.locator(f"input[value='{field.minimum}']").check()
    elif kind in ("table", "procedures"):
        _add_rows(el, field, 1)
    else:
        raise AssertionError(f"{path}: the test cannot fill a required {kind} field")


# -- the chart: a region picked with the mouse, zoomed in when too small ----------------


#: A point of the region the pointer reaches (the region is the topmost element there),
#: nearest the centre of its largest drawing; null when every point of it is covered.
HIT_POINT = """([box, id]) => {
  const view = box.getBoundingClientRect();
  let best = null;
  for (const node of box.querySelectorAll('[data-region="' + CSS.escape(id) + '"]')) {
    const r = node.getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    for (let i = 0; i <= 8; i++) for (let j = 0; j <= 8; j++) {
      const x = r.left + r.width * i / 8, y = r.top + r.height * j / 8;
      if (x < view.left || x > view.right || y < view.top || y > view.bottom
          || x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
      const top = document.elementFromPoint(x, y);
      const hit = top && top.closest('[data-region]');
      if (!hit || hit.dataset.region !== id) continue;
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { x, y, d };
    }
  }
  return best && { x: best.x, y: best.y };
}"""
#: The size of a region's largest drawing (its hit area when it has one), CSS px.
TARGET_SIZE = """([box, id]) => Math.max(0, ...[...box.querySelectorAll(
  '[data-region="' + CSS.escape(id) + '"]')].map((n) => {
    const r = n.getBoundingClientRect(); return Math.min(r.width, r.height); }))"""

#: Of the given region ids, the one whose largest drawing is smallest (the first of ties).
SMALLEST = """([box, ids]) => {
  const size = (id) => Math.max(0, ...[...box.querySelectorAll(
    '[data-region="' + CSS.escape(id) + '"]')].map((n) => {
      const r = n.getBoundingClientRect(); return Math.min(r.width, r.height); }));
  let best = null, least = Infinity;
  for (const id of ids) { const s = size(id); if (s > 0 && s < least) { least = s; best = id; } }
  return best;
}"""


def _pick_region(page: Any, chart_el: Any, region: str, gaps: list[str]) -> None:
    """Zoom in (if the chart offers it) until the region is at least 24 CSS px or the zoom
    is at its largest, then click it with the mouse where it is visible."""
    svg_box = chart_el.locator(".chart-svg")
    handle = svg_box.element_handle()
    chart_el.locator(f'.chart-svg .region[data-region="{region}"]').first \
        .scroll_into_view_if_needed()
    zoom_in = chart_el.locator("button.zoom-in")
    level = chart_el.locator(".zoom-level")
    size = page.evaluate(TARGET_SIZE, [handle, region])
    while size < MIN_TARGET:
        if not zoom_in.count():
            gaps.append(f"{region} is {size:.0f} px and the chart offers no zoom")
            break
        before = level.inner_text()
        zoom_in.click()  # the level is updated by the click's handler
        if level.inner_text() == before:  # at its largest already
            gaps.append(f"{region} is {size:.0f} px at the chart's largest zoom ({before}): "
                        f"under the {MIN_TARGET} px target size")
            break
        size = page.evaluate(TARGET_SIZE, [handle, region])
    chart_el.locator(f'.chart-svg .region[data-region="{region}"]').first \
        .scroll_into_view_if_needed()
    point = page.evaluate(HIT_POINT, [handle, region])
    assert point is not None, f"{region}: every point of it is covered by another element"
    page.mouse.click(point["x"], point["y"])
    page.wait_for_function(
        "([el, id]) => el.value === id",
        arg=[chart_el.locator(".mark-region").element_handle(), region], timeout=WAIT)


def _fill_mark_form(chart_el: Any, mark_type: Any, visits_module: ModuleType) -> None:
    chart_el.locator("select.mark-type").select_option(mark_type.id)
    for attribute in mark_type.attributes:
        if attribute.kind == "text" and not attribute.required:
            continue  # free text a pack may check against its own notation (a listing)
        control = chart_el.locator(f'.mark-attrs [data-attr="{attribute.id}"]')
        value = visits_module.attribute_value(attribute)
        if attribute.kind == "choice":
            control.select_option(value)
        elif attribute.kind == "boolean":
            control.check()
        else:
            control.fill(str(value))


def _assert_shows(field_el: Any, value: Any, reg: Any, template: Any) -> None:
    """The editor shows the carried value in the field's own controls."""
    if value.kind == "chart":
        chart = reg.charts[template.field(value.path).chart]
        label = next(r.label for r in chart.regions if r.id == value.value[0]["region"])
        rows = field_el.locator(".mark-list tr")
        assert rows.count() == 1 and label in rows.first.inner_text(), value.path
    elif value.kind == "codes":
        assert field_el.locator(".v").input_value() == ", ".join(value.value), value.path
    elif value.kind in ("choice", "boolean") and not field_el.locator("select.v").count():
        wanted = str(value.value).lower() if value.kind == "boolean" else value.value
        assert field_el.locator("input[type=radio]:checked").get_attribute("value") == wanted
    elif value.kind == "multi-choice":
        ticked = [c.get_attribute("value")
                  for c in field_el.locator("input[type=checkbox]:checked").all()]
        assert ticked == value.value, value.path
    else:
        assert field_el.locator(".v").input_value() == str(value.value), value.path


# -- the test ------------------------------------------------------------------------------


@pytest.mark.parametrize("discipline", _disciplines())
def test_follow_up_visit(page_as, live_app, live_server, shot, discipline):
    from sqlalchemy import select
    from vesalius.models import Appointment, Case, Invoice
    from vesalius.plugins import get_registry
    from vesalius.services import notes as note_service

    reg = get_registry()
    visit = visits.pack_visits(reg)[discipline]
    template = visit.follow_up
    database = live_app[0].extensions["vesalius.db"]
    seeded = visits.seed(database, reg, visit)
    planted = visit.planted(reg)
    treated = TREATED.get(discipline, {})
    name = f"visit-{discipline}"
    gaps: list[str] = []  # what the issue asks for and the UI lacks: reported at the end

    # -- the day list, the visit: the follow-up template chosen without asking ------------
    page = page_as(seeded.email, visits.PASSWORD, width=1024, height=768)
    page.set_default_timeout(WAIT)
    assert "/chart/" in page.url
    _fits(page, "day list")
    page.locator("tr", has_text=seeded.patient).locator("a", has_text="Chart").click()
    page.wait_for_url(re.compile(rf"/chart/visit/{seeded.appointment_id}$"))
    _fits(page, "template choice")
    chosen = page.locator("input[name=template_id]:checked")
    assert chosen.get_attribute("value") == template.id
    choice = page.locator(".template-choice", has=chosen)
    assert template.title in choice.locator(".title").inner_text()
    assert "suggested for this visit" in choice.inner_text()
    assert "follow-up visit" in page.locator("main").inner_text()
    copy = page.locator("input[name=copy_forward]")
    if not copy.count():
        pytest.xfail("the visit page offers no 'start from the last visit'")
    copy.check()
    shot(page, f"{name}-1-choose")
    page.click("button:has-text('Start the note')")
    page.wait_for_url(re.compile(r"/chart/notes/\d+$"))
    note_id = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("#note-editor")
    assert page.locator("h1").first.inner_text() == template.title
    assert template.id in page.locator(".editor-side").inner_text()
    _fits(page, "editor")

    # -- copy-forward: the first visit's values, marked as carried -------------------------
    draft = _db_note(live_app, note_id)
    assert draft.template_id == template.id and draft.copied_from_id == seeded.first_note_id
    side = page.locator(".editor-side")
    assert "Started from" in side.inner_text()
    assert side.locator("#last-note").count() == 1  # the last signed note, beside the draft
    assert planted, f"{template.id} carries nothing from {visit.initial.id}"
    for value in planted:
        section, _, key = value.path.partition(".")
        assert draft.document[section][key] == value.value, value.path
        field_el = page.locator(f'.note-field[data-path="{value.path}"]')
        assert field_el.get_attribute("data-carried") == "1", f"{value.path} not marked"
        assert field_el.locator(".carried").inner_text() == f"from {_day(seeded.first_day)}"
        _assert_shows(field_el, value, reg, template)
    shot(page, f"{name}-2-carried")

    # -- a new chart mark, placed with the mouse -----------------------------------------
    if visit.chart_path is None:
        pytest.xfail(f"{template.id} has no chart field")
    chart = reg.charts[visit.chart_id]
    chart_el = page.locator(f'.note-field[data-path="{visit.chart_path}"]')
    section = page.locator(f"#sec-{visit.chart_path.split('.')[0]}")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    already = {m["region"] for m in (draft.document.get(visit.chart_path.split(".")[0])
                                     or {}).get(visit.chart_path.split(".")[1]) or []}
    # The smallest region of the first view not marked yet: the one a finger misses.
    candidates = [r.id for r in chart.regions
                  if r.view == chart.views[0].id and r.id not in already]
    smallest = page.evaluate(SMALLEST, [chart_el.locator(".chart-svg").element_handle(),
                                        candidates])
    region = next(r for r in chart.regions if r.id == smallest)
    mark_type = next(m for m in chart.mark_types if treated.get("mark") in (None, m.id))
    before = chart_el.locator(".mark-list tr").count()
    _pick_region(page, chart_el, region.id, gaps)
    _fill_mark_form(chart_el, mark_type, visits)
    chart_el.locator("button.add-mark").click()
    rows = chart_el.locator(".mark-list tr")
    page.wait_for_function("([list, n]) => list.rows.length > n",
                           arg=[chart_el.locator(".mark-list").element_handle(), before])
    assert rows.count() == before + 1
    assert region.label in rows.last.inner_text() and mark_type.label in rows.last.inner_text()
    # The server redraws the chart with the mark: the region then names it.
    page.wait_for_function(
        "([box, id, text]) => { const n = box.querySelector("
        "'.region[data-region=\"' + CSS.escape(id) + '\"]');"
        " return n && (n.getAttribute('aria-label') || '').includes(text); }",
        arg=[chart_el.locator(".chart-svg").element_handle(), region.id, mark_type.label])
    chart_el.locator("button.zoom-reset").click()
    _fits(page, "editor with the chart zoomed and marked")

    # -- today's treatment, what signing requires --------------------------------------
    fields = dict(template.iter_fields())
    for path, rows_wanted in treated.get("rows", {}).items():
        _add_rows(page.locator(f'.note-field[data-path="{path}"]'), fields[path], rows_wanted)
    for path, ticks in treated.get("ticks", {}).items():
        el = page.locator(f'.note-field[data-path="{path}"]')
        for option in fields[path].options[:ticks]:
            el.locator(f'input[type=checkbox][value="{option.value}"]').check()
    required = [(p, f) for p, f in template.iter_fields()
                if (f.required or getattr(f, "must_be_true", False))
                and not (draft.document.get(p.split(".")[0]) or {}).get(p.split(".")[1])]
    for path, field in required:
        _fill(page, path, field, "Better since the last visit.")

    # -- a measure, scored live --------------------------------------------------------
    responses: list[int] = []
    if visit.measure_path is not None:
        measure = reg.measures[visit.measure_id]
        measure_el = page.locator(f'.note-field[data-path="{visit.measure_path}"]')
        section = page.locator(f"#sec-{visit.measure_path.split('.')[0]}")
        if section.get_attribute("open") is None:
            section.locator("summary").click()
        add = measure_el.locator(".add-measure")
        if add.count() and add.is_visible():
            add.click()
        for i, item in enumerate(measure.items):
            answer = item.minimum + (i + 1) % (item.maximum - item.minimum + 1)
            responses.append(answer)
            measure_el.locator(f'fieldset.measure-item[data-item="{i}"] '
                               f'input[value="{answer}"]').check()
        expected = reg.score(visit.measure_id, responses)
        text = f"Score {_score_text(expected.value)}"
        score_box = measure_el.locator(".score-box")
        page.wait_for_function("([el, text]) => el.textContent.startsWith(text)",
                               arg=[score_box.element_handle(), text])
        shown = score_box.inner_text()
        span = f"({_score_text(expected.minimum)}\N{EN DASH}{_score_text(expected.maximum)})"
        assert span in shown, shown
        if expected.band:
            assert expected.band in shown

    # Today's report, typed last: once its save is answered the draft holds everything.
    report = next(p for p, f in template.iter_fields()
                  if f.kind == "long-text" and p not in template.carried_paths())
    words = f"{discipline.title()} follow-up: better since the last visit."
    answered: list[Any] = []

    def saved_words(response: Any) -> bool:
        if (response.request.method == "POST"
                and response.url.endswith(f"/chart/notes/{note_id}")
                and words in (response.request.post_data or "")):
            answered.append(response)
        return bool(answered)

    # The save carrying the report, then the charge preview it asks for: nothing is left
    # in flight when the page is loaded again.
    with page.expect_response(lambda r: bool(answered) and r.url.endswith("/charges"),
                              timeout=WAIT), \
            page.expect_response(saved_words, timeout=WAIT):
        page.locator(f'.note-field[data-path="{report}"] .v').fill(words)
    assert answered[0].ok, answered[0].text()

    # The editor afresh on the stored draft: its checks and charge preview. (A request may
    # wait up to SQLite's 30 s busy timeout on a loaded machine.)
    page.reload(timeout=45_000)
    page.wait_for_selector("#charge-preview .charge-lines, #charge-preview p:not(.muted)")
    page.wait_for_function(
        "() => !document.querySelector('#charge-preview').textContent.includes('appear here')")
    errors = page.locator("#sign-checks li.error")
    assert errors.count() == 0, errors.all_inner_texts()
    preview = [(row.locator("strong").inner_text(),
                int(row.locator("td.num").first.inner_text().split()[0]))
               for row in page.locator("#charge-preview .charge-lines tr:has(strong)").all()]
    assert preview, page.locator("#charge-preview").inner_text()
    if visit.measure_path is not None:  # the stored answers are shown and scored again
        score_box = page.locator(f'.note-field[data-path="{visit.measure_path}"] .score-box')
        page.wait_for_function("([el, text]) => el.textContent.startsWith(text)",
                               arg=[score_box.element_handle(), text])
    _fits(page, "editor before signing")
    shot(page, f"{name}-3-before-signing")

    # -- sign ------------------------------------------------------------------------------
    page.check("#sign-confirm")
    page.click("#sign-button")
    page.click("#sign-ok")
    page.wait_for_url(re.compile(rf"/chart/notes/{note_id}/view"))
    assert page.locator(".flash-success", has_text="ready to bill").count() == 1
    assert page.locator(".badge", has_text="content verified").count() == 1
    _fits(page, "signed note")
    shot(page, f"{name}-4-signed")
    assert not page.errors, page.errors

    # -- stored: signed, completed, invoiced as the pack's charge rule says ----------------
    with database.session() as session:
        note = note_service.read(session, _system(), note_id)
        assert note.status == "signed"
        section, _, key = visit.chart_path.partition(".")
        assert {"region": region.id, "type": mark_type.id} in [
            {"region": m["region"], "type": m["type"]} for m in note.document[section][key]]
        if responses:
            section, _, key = visit.measure_path.partition(".")
            assert note.document[section][key]["responses"] == responses
        appointment = session.get(Appointment, seeded.appointment_id)
        assert appointment.status == "completed"
        case = session.get(Case, note.case_id)
        scores = {m: s for m, (_p, s) in note_service.scores_of(
            reg, note.template_id, note.document).items()}
        lines = reg.charge_lines(note_service.context(session, note, case, scores))
        invoice = session.scalars(select(Invoice).where(Invoice.note_id == note_id)).one()
        billed = [(line.code, line.units, tuple(line.modifiers)) for line in
                  sorted(invoice.lines, key=lambda x: (x.position, x.id))]
        assert billed == [(line.code, line.units, tuple(line.modifiers)) for line in lines]
        assert [(code, units) for code, units, _m in billed] == preview
        invoice_id = invoice.id

    # -- the front desk's worklist ---------------------------------------------------------
    desk = page_as(DESK, width=1024, height=768)
    desk.goto(f"{live_server}/billing/ready")
    row = desk.locator("tr", has_text=seeded.patient)
    assert row.count() == 1
    assert row.locator(f'a[href$="/billing/invoices/{invoice_id}"]').count() == 1
    _fits(desk, "ready to bill")
    assert not desk.errors, desk.errors
    if visit.measure_path is None:
        gaps.append(f"{template.id} has no measure field: nothing to score")
    if gaps:
        pytest.xfail("; ".join(gaps))


def _system() -> Any:
    from vesalius.services.actor import Actor

    return Actor.system("tests")


def test_every_pack_is_visited() -> None:
    """The parametrization above covers each discipline pack with a follow-up template."""
    from vesalius.plugins import get_registry, reset_registry

    found = set(visits.pack_visits(get_registry()))
    reset_registry()
    assert found == {"physio", "chiro", "osteo", "podiatry", "acupuncture", "massage"}, found
