"""Pages show people words, not internal ids: template titles on notes, measure names in a
case's timeline, the SDK range and counts in words on the packs page (ids stay in
tooltips). Issue 14."""

from __future__ import annotations

import re

from sqlalchemy import select
from vesalius.models import Case, MeasureResult, Note
from vesalius.plugins import get_registry
from vesalius.web.filters import counted, sdk_range


def test_sdk_range_and_counts_in_words():
    assert sdk_range("<0.2,>=0.1") == "SDK 0.1 or later, before 0.2"
    assert sdk_range(">=0.2") == "SDK 0.2 or later"
    assert sdk_range("~=0.1") == "SDK ~=0.1"
    assert counted(1, "disciplines") == "1 discipline"
    assert counted(2, "billing_codes") == "2 billing codes"
    assert counted(1, "billing_codes") == "1 billing code"


def test_note_page_shows_the_template_title(browser, db):
    with db.session() as s:
        note = s.scalar(select(Note).where(Note.status == "signed").order_by(Note.id).limit(1))
    title = get_registry().templates[note.template_id].title
    html = browser("owner").get(f"/chart/notes/{note.id}/view").get_data(as_text=True)
    head = html[html.index("<h1"):html.index('class="toolbar"')]
    assert title in head
    visible = re.sub(r'title="[^"]*"', "", head)
    assert note.template_id not in visible and "pack " not in visible


def test_timeline_names_measures_and_templates(browser, db):
    with db.session() as s:
        result = s.scalar(select(MeasureResult).where(MeasureResult.value.is_not(None))
                          .order_by(MeasureResult.id).limit(1))
        case = s.get(Case, result.case_id)
    measure = get_registry().measures[result.measure_id]
    html = browser("owner").get(f"/cases/{case.id}").get_data(as_text=True)
    timeline = html[html.index('class="timeline"'):]
    assert f"{measure.title}: {result.value:g}" in timeline
    assert f"Measure {result.measure_id}" not in timeline


def test_packs_page_reads_in_words(browser):
    html = browser("owner").get("/admin/").get_data(as_text=True)
    assert "1 disciplines" not in html
    assert not re.search(r">SDK [<>=]", html)


def test_case_page_badges_say_improved_worse_or_no_important_change(browser, db):
    """The badge's words come from the MCID verdict, so a worsening never reads like a
    small improvement (issue 14)."""
    from vesalius.services import Actor, outcomes
    from vesalius.services.mcid import LABELS

    with db.session() as s:
        case_ids = s.scalars(select(MeasureResult.case_id).distinct()
                             .order_by(MeasureResult.case_id)).all()
        verdicts = {cid: [t.mcid_verdict for t in outcomes.case_trends(
            s, Actor.system("tests"), cid)] for cid in case_ids}
    case_id, judged = next((c, v) for c, v in verdicts.items() if any(v))
    html = browser("owner").get(f"/cases/{case_id}").get_data(as_text=True)
    for verdict in filter(None, judged):
        assert f'class="badge mcid-{verdict}"' in html and LABELS[verdict] in html
    assert "below MCID" not in html
