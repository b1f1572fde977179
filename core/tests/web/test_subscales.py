"""KOOS subscales where a practitioner reads the measure (issue 20): the editor's live
score, the signed note's view and print, and the case's first/latest table.

Worked values from the KOOS scoring rule (Roos EM, KOOS Scoring 2012, koos.nu: each
subscale 100 - mean x 100 / 4 when at least half its items are answered; Roos EM et al.,
J Orthop Sports Phys Ther 1998;28(2):88-96): the physio pack's constructed example,
Symptoms 8 over 7 items = 71.43, Pain 14 over 9 = 61.11, ADL 23 over 17 = 66.18, Sport/Rec
16 over 5 = 20, QOL 10 over 4 = 37.5.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from vesalius.models import Appointment, Practitioner, User
from vesalius.services import notes as note_service
from vesalius.services.actor import Actor

EXAMPLE = ([1, 1, 0, 2, 1, 2, 1] + [2, 1, 1, 2, 2, 1, 2, 1, 2] + [1] * 11 + [2] * 6
           + [3, 4, 3, 2, 4] + [3, 2, 3, 2])
#: The example with Sport/Rec two of five answered (three needed): not scored.
PARTIAL = [*EXAMPLE[:33], 3, 4, None, None, None, *EXAMPLE[38:]]
LABELS = ["Symptoms", "Pain", "Daily living (ADL)", "Sport and recreation", "Quality of life"]


@pytest.fixture(scope="module")
def knee_visit(app, db, kit):
    """A physio visit tomorrow of a new case, booked by the desk: (appointment, case)."""
    _patient, (appointment_id,) = kit.book_physio_visits(app, {
        "given_name": "Ewa", "family_name": "Knee", "birth_date": "1961-03-02",
        "mobile": "+1 416 555 0178"}, [(1, "06:30", "Left knee osteoarthritis")])
    with db.session() as s:
        case_id = s.scalar(select(Appointment.case_id).where(Appointment.id == appointment_id))
    return appointment_id, case_id


def test_the_live_score_names_each_subscale(browser):
    physio = browser("practitioner")
    data = physio.post_json("/chart/measures/koos/score", {"responses": EXAMPLE}).get_json()
    assert data["value"] == 61.11
    assert [(s["label"], s["value"]) for s in data["subscales"]] == list(zip(
        LABELS, [71.43, 61.11, 66.18, 20.0, 37.5], strict=True))
    # Sport/Rec with two of five answered (three needed) is not scored, and says why.
    data = physio.post_json("/chart/measures/koos/score", {"responses": PARTIAL}).get_json()
    sport = data["subscales"][3]
    assert (sport["value"], sport["reason"]) == (None, "2 of 5 answered, 3 needed")
    # A measure that declares no subscales sends none (the NPRS).
    nprs = physio.post_json("/chart/measures/nprs/score", {"responses": [6]}).get_json()
    assert nprs["subscales"] == []


def test_the_editor_has_a_place_for_the_subscales(browser, knee_visit):
    physio = browser("practitioner")
    made = physio.post(f"/chart/visit/{knee_visit[0]}",
                       {"template_id": "physio.re-assessment"})
    note_id = int(re.search(r"/chart/notes/(\d+)", made.headers["Location"]).group(1))
    try:
        html = physio.get(f"/chart/notes/{note_id}").get_data(as_text=True)
        koos = html[html.index('data-measure="koos"'):]
        assert '<ul class="subscores" aria-label="KOOS (knee) subscales" hidden></ul>' in \
            koos[:koos.index('data-measure=', 20)]
    finally:
        physio.post(f"/chart/notes/{note_id}/discard")


def test_signed_note_and_case_show_the_subscales(browser, db, knee_visit, kit):
    physio = browser("practitioner")
    appointment_id, case_id = knee_visit
    made = physio.post(f"/chart/visit/{appointment_id}", {"template_id": "physio.re-assessment"})
    note_id = int(re.search(r"/chart/notes/(\d+)", made.headers["Location"]).group(1))
    document = {
        "subjective": {"interval_history": "Stairs easier since the last assessment."},
        "outcome_measures": {"koos": {"responses": PARTIAL}},
        "assessment": {"impression": "Improving as planned."},
        "plan": {"decision": "continue"},
    }
    saved = physio.post_json(f"/chart/notes/{note_id}", {"document": document})
    assert saved.status_code == 200, saved.get_data(as_text=True)[:500]
    signed = physio.post(f"/chart/notes/{note_id}/sign", {"confirm": "yes"})
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/view"), \
        signed.get_data(as_text=True)[:3000]
    for page in (f"/chart/notes/{note_id}/view", f"/chart/notes/{note_id}/print"):
        html = physio.get(page).get_data(as_text=True)
        assert ("<li>Symptoms: 71.43</li><li>Pain: 61.11</li><li>Daily living (ADL): 66.18</li>"
                '<li class="not-scored">Sport and recreation: not scored: 2 of 5 answered, '
                "3 needed</li><li>Quality of life: 37.5</li>") in html, page

    # A second KOOS a week later, recorded outside a note: the case shows first and latest.
    with db.session() as s:
        user = s.scalar(select(User).where(User.email == kit.ROLES["practitioner"]))
        practitioner = s.scalar(select(Practitioner.id).where(Practitioner.user_id == user.id))
        note_service.record_measure(
            s, Actor(user_id=user.id, role="practitioner", practitioner_id=practitioner),
            case_id, "koos", [0] * 42, date.today() + timedelta(days=8))
    html = physio.get(f"/cases/{case_id}").get_data(as_text=True)
    table = html[html.index("Subscales, first and latest"):]
    table = table[:table.index("</table>")]
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)]
    first = (date.today() + timedelta(days=1)).strftime("%d %b %Y")
    later = (date.today() + timedelta(days=8)).strftime("%d %b %Y")
    # 100 - 0 x 25 = 100 everywhere the second time; Sport/Rec was not scored the first time,
    # so its first score is the second one and there is no latest or change yet.
    assert rows == [
        f"Symptoms 71.43 {first} 100 {later} +28.57",
        f"Pain 61.11 {first} 100 {later} +38.89",
        f"Daily living (ADL) 66.18 {first} 100 {later} +33.82",
        f"Sport and recreation 100 {later} — —",
        f"Quality of life 37.5 {first} 100 {later} +62.5"]
    assert "(higher is better)" in table
