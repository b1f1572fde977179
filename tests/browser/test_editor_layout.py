"""The note editor fits the window for every template the registry holds: no sideways
scrolling at 1024x768 or 1440x900 (with every section and measure opened too), the Sign
button in view wherever the page is scrolled at 1024, no axe violation of the WCAG 2.2
A/AA rules with everything open, and the physio initial assessment,
as a new note shows it, at most 4,000 px tall at 1440. Screenshots go to
test-artifacts/browser/editor-<template>-<width>.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

OWNER = "owner@demo.vesalius.test"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
SIZES = ((1024, 768), (1440, 900))
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
OPEN_ALL = """() => {
  document.querySelectorAll('details.note-section').forEach((d) => { d.open = true; });
  document.querySelectorAll('.add-measure').forEach((b) => b.click());
}"""
# The drafts are the demo owner's, who has no practitioner record: their editor's side panel
# says who signs where a practitioner's has the Sign button (the same place in the layout).
SIGN_IN_VIEW = """() => {
  const r = document.querySelector('#sign-button, #sign-unavailable').getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0;
}"""


@pytest.fixture(scope="module")
def drafts(live_app: tuple[Any, str]) -> dict[str, int]:
    """A new draft of every registered template (as the service starts one: tables
    pre-filled), on a case of the demo clinic that has recorded no measure yet (so the
    measures a template does not open by default start folded). Template id -> note id."""
    from sqlalchemy import exists, select
    from vesalius.models import Case, MeasureResult, Note, User
    from vesalius.plugins import get_registry

    reg = get_registry()
    database = live_app[0].extensions["vesalius.db"]
    made: dict[str, int] = {}
    with database.session() as session:
        case = session.scalars(select(Case).where(~exists().where(
            MeasureResult.case_id == Case.id)).order_by(Case.id).limit(1)).one()
        owner = session.scalars(select(User.id).where(User.email == OWNER)).one()
        for template in reg.templates.values():
            pack = reg.owner("template", template.id)
            note = Note(patient_id=case.patient_id, case_id=case.id, author_id=owner,
                        template_id=template.id, template_version=template.version, pack=pack,
                        pack_version=reg.pack(pack).version, date_of_service=case.opened_on,
                        status="draft", document=template.new_document())
            session.add(note)
            session.flush()
            made[template.id] = note.id
    return made


def _problems_at(page: Any, width: int) -> list[str]:
    found = []
    overflow = page.evaluate(OVERFLOW)
    if overflow > 1:
        found.append(f"{overflow}px wider than the window")
    if width <= 1024:
        for y in ("0", "document.documentElement.scrollHeight / 2",
                  "document.documentElement.scrollHeight"):
            page.evaluate(f"window.scrollTo(0, {y})")
            if not page.evaluate(SIGN_IN_VIEW):
                found.append(f"Sign button out of view scrolled to {y}")
        page.evaluate("window.scrollTo(0, 0)")
    return found


def test_every_template_editor_fits(page_as, live_server, drafts, shot, axe):
    failures = []
    for width, height in SIZES:
        page = page_as(OWNER, width=width, height=height)
        for template_id, note_id in drafts.items():
            page.goto(f"{live_server}/chart/notes/{note_id}")
            page.wait_for_selector("#note-editor")
            name = template_id.replace(".", "-")
            shot(page, f"editor-{name}-{width}")
            page.screenshot(path=str(ARTIFACTS / f"editor-{name}-{width}-window.png"))
            failures += [f"{template_id} at {width}: {p}" for p in _problems_at(page, width)]
            page.evaluate(OPEN_ALL)
            failures += [f"{template_id} at {width}, all open: {p}"
                         for p in _problems_at(page, width)]
            if width == SIZES[-1][0]:  # every section open: axe sees every field kind
                violations = axe.run_axe(page)
                if violations:
                    failures.append(f"{template_id}: axe\n{axe.describe(violations)}")
        assert not page.errors, page.errors
    assert not failures, "\n".join(failures)


def test_every_template_editor_reflows_at_320(page_as, live_server, drafts):
    """WCAG 1.4.10: at 320 CSS px (400% zoom of a 1280 px window) the editor, with every
    section open, reads without sideways scrolling (tables and charts scroll in their box)."""
    page = page_as(OWNER, width=320, height=640)
    failures = []
    for template_id, note_id in drafts.items():
        page.goto(f"{live_server}/chart/notes/{note_id}")
        page.wait_for_selector("#note-editor")
        page.evaluate(OPEN_ALL)
        overflow = page.evaluate(OVERFLOW)
        if overflow > 1:
            wide = page.evaluate("""() => [...document.querySelectorAll('#main *')]
              .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
                             && !e.closest('.table-wrap, .chart-svg, .region-box [role=listbox]'))
              .slice(0, 5).map((e) => e.tagName + '.' + e.className)""")
            failures.append(f"{template_id}: {overflow}px wider, e.g. {wide}")
    assert not failures, "\n".join(failures)
    assert not page.errors, page.errors


def test_physio_initial_assessment_is_short(page_as, live_server, drafts, shot):
    page = page_as(OWNER, width=1440, height=900)
    page.goto(f"{live_server}/chart/notes/{drafts['physio.initial-assessment']}")
    page.wait_for_selector("#note-editor")
    height = page.evaluate("document.documentElement.scrollHeight")
    shot(page, "editor-physio-initial-assessment-new-1440")
    print(f"physio initial assessment: {height} px at 1440")
    assert height <= 4000, height



@pytest.fixture(scope="module")
def open_visit(live_app: tuple[Any, str]) -> int:
    """A booked visit of the demo clinic with a case and no note yet."""
    from sqlalchemy import exists, select
    from vesalius.models import Appointment, Note

    with live_app[0].extensions["vesalius.db"].session() as session:
        return session.scalars(select(Appointment.id).where(
            Appointment.case_id.is_not(None), Appointment.status.in_(("booked", "confirmed")),
            ~exists().where(Note.appointment_id == Appointment.id))
            .order_by(Appointment.id).limit(1)).one()


def test_template_picker_fits(page_as, live_server, open_visit, shot):
    """Each template's title and description on their own lines, no overlap, no sideways
    scrolling; the visit's template is the one chosen."""
    for width, height in SIZES:
        page = page_as(OWNER, width=width, height=height)
        page.goto(f"{live_server}/chart/visit/{open_visit}")
        shot(page, f"template-picker-{width}")
        assert page.evaluate(OVERFLOW) <= 1
        overlaps = page.evaluate("""() => [...document.querySelectorAll('.template-choice')]
          .filter((c) => { const t = c.querySelector('.title').getBoundingClientRect(),
                                 d = c.querySelector('.desc').getBoundingClientRect();
                           return d.top < t.bottom - 1; }).length""")
        assert overlaps == 0
        assert page.locator("input[name=template_id]:checked").count() == 1
        assert not page.errors, page.errors
