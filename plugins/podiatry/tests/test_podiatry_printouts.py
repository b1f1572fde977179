"""The orthotic prescription printout: a whole page with labels, escaped note text."""

from __future__ import annotations

from vesalius_podiatry.printouts import ORTHOTIC_PRESCRIPTION, render_orthotic_prescription

DOCUMENT = {
    "indication": {"diagnoses": ["M72.2"],
                   "indication": "Plantar heel pain <b>left</b> & overpronation"},
    "device": {"device_type": "custom-functional", "feet": "both",
               "casting_method": "scan-nwb", "shell_material": "polypropylene",
               "shell_thickness_mm": 3.0, "shell_length": "sulcus", "top_cover": "eva",
               "laboratory": "Acme Orthotics"},
    "posting": {"posts": [{"foot": "left", "location": "rearfoot", "direction": "varus",
                           "degrees": 4.0, "type": "intrinsic"}],
                "additions": ["medial-skive", "deep-heel-cup"], "heel_lift_left": 3.0},
    "footwear": {"footwear": "Running shoes", "review_weeks": 4},
}


def test_page_shows_the_prescription_with_labels(note_factory) -> None:
    page = render_orthotic_prescription(note_factory("podiatry.orthotic-prescription",
                                                     DOCUMENT))
    assert page.lstrip().lower().startswith("<!doctype html>")
    for text in ("Custom functional orthosis", "3D scan, non-weight-bearing", "Polypropylene",
                 "3 mm", "To the sulcus", "Acme Orthotics", "Rearfoot", "Varus",
                 "Medial heel skive", "Deep heel cup", "left 3 mm", "M72.2",
                 "Running shoes", "Review 4 weeks", "2025-03-14"):
        assert text in page, text


def test_note_text_is_escaped(note_factory) -> None:
    page = render_orthotic_prescription(note_factory("podiatry.orthotic-prescription",
                                                     DOCUMENT))
    assert "<b>left</b>" not in page
    assert "&lt;b&gt;left&lt;/b&gt; &amp; overpronation" in page


def test_empty_prescription_still_prints(note_factory) -> None:
    page = render_orthotic_prescription(note_factory("podiatry.orthotic-prescription", {}))
    assert "No posts." in page


def test_printout_is_offered_on_the_prescription_only() -> None:
    assert ORTHOTIC_PRESCRIPTION.templates == ("podiatry.orthotic-prescription",)
    assert ORTHOTIC_PRESCRIPTION.audience == "clinician"
