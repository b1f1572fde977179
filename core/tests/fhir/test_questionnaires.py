"""Questionnaires from the installed packs' contributions: one per measure and per intake
template, canonical URLs on the server's base, and item text and answer options only where
the measure's licence lets Vesalius ship them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

pytest_plugins = ["clinical_data"]
pytest.register_assert_rewrite("clinical_data")

from clinical_data import BASE, check, ctx  # noqa: E402
from vesalius.fhir.resources.questionnaires import PATIENT_FACING, catalogue  # noqa: E402
from vesalius.plugins import build_registry, set_registry  # noqa: E402
from vesalius.services import Actor, measure_wording  # noqa: E402
from vesalius.services.intake import patient_fields  # noqa: E402


@pytest.fixture
def installed() -> Iterator[object]:
    """Every installed pack (the measures and intake templates a clinic would serve)."""
    reg = build_registry()
    set_registry(reg)
    yield reg
    set_registry(None)


def _catalogue() -> dict[str, dict]:  # type: ignore[type-arg]
    return {q.id: check(q) for q in catalogue(ctx(None))}


def test_every_measure_and_intake_template_is_a_questionnaire(installed):  # type: ignore[no-untyped-def]
    found = _catalogue()
    intake = [t for t in installed.templates.values() if t.kind in PATIENT_FACING]
    assert intake, "an installed pack should contribute an intake template"
    assert set(found) == set(installed.measures) | {t.id for t in intake}
    for measure in installed.measures.values():
        questionnaire = found[measure.id]
        assert questionnaire["url"] == f"{BASE}/Questionnaire/{measure.id}"
        assert questionnaire["version"] == measure.version
        assert questionnaire["status"] == "active"
        assert questionnaire["copyright"] == measure.licence
        assert [i["linkId"] for i in questionnaire["item"]] == [i.id for i in measure.items]
        if measure.loinc:
            assert questionnaire["code"] == [{"system": "http://loinc.org",
                                              "code": measure.loinc}]
    assert found["odi"]["code"][0]["code"] == "97908-8"


def test_a_licence_restricted_measure_has_no_item_text(installed):  # type: ignore[no-untyped-def]
    """ODI v2.1a (Mapi licence), QuickDASH (IWH): structure and our own labels only."""
    found = _catalogue()
    restricted = [m for m in installed.measures.values() if not m.item_text_included]
    assert {"odi", "quickdash"} <= {m.id for m in restricted}
    for measure in restricted:
        for item, shown in zip(measure.items, found[measure.id]["item"], strict=True):
            assert item.text is None
            assert shown["text"] == item.label  # our short label, never published wording
            assert "answerOption" not in shown and shown["type"] == "integer"
            assert {e["url"].rsplit("/", 1)[1]: e["valueInteger"]
                    for e in shown["extension"]} == {"minValue": item.minimum,
                                                     "maxValue": item.maximum}
        assert "description" not in found[measure.id] or measure.item_text_included


def test_a_measure_that_ships_its_wording_has_items_and_options(installed):  # type: ignore[no-untyped-def]
    found = _catalogue()
    lefs = installed.measures["lefs"]
    assert lefs.item_text_included
    for item, shown in zip(lefs.items, found["lefs"]["item"], strict=True):
        assert shown["text"] == item.text and shown["type"] == "choice"
        assert [o["valueCoding"]["code"] for o in shown["answerOption"]] == [
            str(v) for v in range(item.minimum, item.maximum + 1)]


def test_a_clinics_licensed_wording_is_not_published(db, installed):  # type: ignore[no-untyped-def]
    before = _catalogue()
    odi = installed.measures["odi"]
    with db.session() as s:
        measure_wording.record(s, Actor.system("tests"), "odi", measure_wording.WordingIn(
            licence_holder="Clinic", licence_reference="MAPI-123", licensed_on=date(2030, 1, 1),
            instructions="Secret licensed instructions",
            items={i.id: measure_wording.ItemWordingIn(
                text=f"Licensed wording {i.id}",
                options={str(v): f"Licensed option {v}"
                         for v in range(i.minimum, i.maximum + 1)})
                for i in odi.items}))
        after = {q.id: check(q) for q in catalogue(ctx(s))}
    assert after == before
    assert "Licensed" not in str(after["odi"]) and "Secret" not in str(after["odi"])


def test_an_intake_template_asks_what_a_patient_fills(installed):  # type: ignore[no-untyped-def]
    found = _catalogue()
    template = installed.templates["massage.intake"]
    questionnaire = found["massage.intake"]
    assert questionnaire["version"] == str(template.version)
    groups = patient_fields(template, [s.id for s in template.sections])
    assert [g["linkId"] for g in questionnaire["item"]] == [s.id for s, _ in groups]
    assert [i["linkId"] for g in questionnaire["item"] for i in g["item"]] == [
        path for _, fields in groups for path, _ in fields]
    kinds = {i["type"] for g in questionnaire["item"] for i in g["item"]}
    assert kinds <= {"string", "text", "integer", "decimal", "boolean", "date", "choice"}
