"""The exercise library and the printable home exercise programme."""

from html.parser import HTMLParser

import pytest
from vesalius_physio.exercises import FREQUENCIES, LIBRARY, REGIONS, exercise
from vesalius_physio.exercises import render_home_programme as render
from vesalius_physio.fields import EXERCISE_TABLE
from vesalius_physio.templates import BY_ID
from vesalius_sdk import document_model, validate_document


def test_the_library_has_thirty_or_more_complete_exercises_with_unique_ids():
    assert len(LIBRARY) >= 30
    assert len({e.id for e in LIBRARY}) == len(LIBRARY)
    for item in LIBRARY:
        assert item.name and item.purpose and item.starting_position and item.steps
        assert item.region in REGIONS and item.dosage.frequency in FREQUENCIES
    assert {e.region for e in LIBRARY} == set(REGIONS)


def test_the_prescription_table_offers_exactly_the_library():
    column = next(c for c in EXERCISE_TABLE.columns if c.id == "exercise")
    assert [o.value for o in column.options] == [e.id for e in LIBRARY]


def test_an_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="juggling"):
        exercise("juggling")


PROGRAMME = {
    "programme": {
        "title": "Knee programme, stage 1",
        "start_date": "2026-11-02",
        "review_date": "2026-11-16",
        "exercises": [
            {"exercise": "quad-set", "side": "right"},
            {"exercise": "step-up", "side": "right", "sets": 2, "reps": 8,
             "load": "2 kg ankle weight", "frequency": "3x-week",
             "progression": "Raise to a 20 cm step when 3 x 10 is easy <b>now</b>"},
            {"exercise": "calf-stretch", "hold_seconds": 45},
        ],
        "advice": "Ice for 10 minutes after exercise if the knee swells.",
        "precautions": "No running until reviewed.",
    },
}


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def rendered(document=PROGRAMME, **names):
    clean = validate_document(document_model(BY_ID["physio.exercise-programme"]), document)
    html = render(clean, **names)
    parser = Collect()
    parser.feed(html)
    return html, parser


def test_the_home_programme_prints_every_exercise_with_its_steps_and_dosage():
    _, parsed = rendered(patient_name="Ada Example", clinic_name="Harbour Physio")
    text = " ".join(" ".join(parsed.text).split())
    assert parsed.tags.count("section") >= 3 and parsed.tags[0] == "html"
    assert "Knee programme, stage 1" in text and "For: Ada Example" in text
    assert "Start: 2 November 2026 · Review: 16 November 2026" in text
    assert "1. Thigh tightening (right side)" in text
    # Blank dosage cells print the library default: quad sets 1 x 10, hold 5 s, 3x a day.
    assert "1 set of 10, hold 5 seconds · three times a day" in text
    assert "2 sets of 8, with 2 kg ankle weight · three times a week" in text
    assert "1 set of 3, hold 45 seconds · twice a day" in text
    for step in exercise("step-up").steps:
        assert step in text
    assert "No running until reviewed." in text and "Harbour Physio" in text


def test_clinician_text_is_escaped_not_rendered_as_markup():
    html, _ = rendered()
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>now" not in html
    evil = {"programme": {**PROGRAMME["programme"], "title": "<script>alert(1)</script>"}}
    html, parsed = rendered(evil)
    assert "script" not in parsed.tags


def test_an_anonymous_copy_prints_no_names():
    html, _ = rendered()
    assert "For:" not in html and "Your physiotherapist" not in html


def test_a_programme_without_exercises_or_with_an_empty_row_is_refused():
    with pytest.raises(ValueError, match="no exercises"):
        render({"programme": {"title": "Empty"}})
    with pytest.raises(ValueError, match="row 2"):
        render({"programme": {"exercises": [{"exercise": "bridge"}, {"sets": 2}]}})
