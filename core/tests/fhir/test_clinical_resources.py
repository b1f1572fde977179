"""EpisodeOfCare, Condition, Observation, QuestionnaireResponse and DocumentReference from
cases, measure results and signed notes: parsed back with fhir.resources, code bindings and
reference targets checked, the ODI worked example carrying its published score, one batch in
a bounded number of queries."""

from __future__ import annotations

import base64
import hashlib

import pytest
from sqlalchemy import event, select

pytest_plugins = ["clinical_data"]
pytest.register_assert_rewrite("clinical_data")

from checks import check_resource  # noqa: E402
from clinical_data import BASE, ODI_RESPONSES, check, ctx  # noqa: E402
from vesalius.fhir import registry  # noqa: E402
from vesalius.fhir.resources.clinical import (  # noqa: E402
    CONDITION,
    DOCUMENT_REFERENCE,
    EPISODE_OF_CARE,
    NOTE_HTML_SHA256,
    OBSERVATION,
    QUESTIONNAIRE_RESPONSE,
)
from vesalius.fhir.resources.questionnaires import catalogue  # noqa: E402
from vesalius.models import MeasureResult, Note  # noqa: E402
from vesalius.services import notes  # noqa: E402


def _built(session, fhir_type):  # type: ignore[no-untyped-def]
    statement = select(fhir_type.model).order_by(fhir_type.model.id)
    if fhir_type.where is not None:
        statement = statement.where(fhir_type.where())
    return {r.id: check(r) for r in registry.resources(ctx(session), fhir_type,
                                                       list(session.scalars(statement)))}


def _identifier(resource, system):  # type: ignore[no-untyped-def]
    return next(i["value"] for i in resource["identifier"] if i["system"] == system)


def test_episode_of_care_is_the_case(db, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        episode = _built(s, EPISODE_OF_CARE)[str(clinic["case"])]
    assert episode["status"] == "active"
    assert episode["patient"] == {"reference": f"Patient/{clinic['patient']}"}
    assert episode["managingOrganization"] == {"reference": "Organization/clinic"}
    assert episode["careManager"] == {"reference": f"Practitioner/{clinic['practitioner']}"}
    assert [(d["condition"]["reference"], d["rank"]) for d in episode["diagnosis"]] == [
        (f"Condition/{clinic['case']}-1", 1), (f"Condition/{clinic['case']}-2", 2)]
    assert episode["team"] == [{"reference": "#team"}]
    assert [p["member"]["reference"] for p in episode["contained"][0]["participant"]] == [
        f"Practitioner/{clinic['colleague']}"]
    assert "end" not in episode["period"]


def test_one_condition_per_code_with_its_case_as_row(db, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        found = _built(s, CONDITION)
    case = clinic["case"]
    assert set(found) == {f"{case}-1", f"{case}-2"}
    first = found[f"{case}-1"]
    assert first["code"]["coding"] == [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                        "code": "M54.50"}]
    assert first["clinicalStatus"]["coding"][0]["code"] == "active"
    assert first["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert first["onsetDateTime"] == "2030-02-20"
    assert first["subject"] == {"reference": f"Patient/{clinic['patient']}"}
    assert found[f"{case}-2"]["code"]["coding"][0]["code"] == "M51.26"
    assert CONDITION.row_key(f"{case}-2") == case
    assert CONDITION.row_key("M54.50") is None and CONDITION.row_key(f"{case}-M54.50") is None


def test_odi_worked_example_observation_carries_the_published_score(db, clinic):  # type: ignore[no-untyped-def]
    """Fairbank & Pynsent (Spine 2000;25(22):2940-52): responses 2,1,3,2,2,1,2,1,1,1 sum 16,
    16/50 x 100 = 32 %, Fairbank's band 21-40 "moderate disability". LOINC 97909-6 is
    "Oswestry disability index score ODI" (https://loinc.org/97909-6)."""
    with db.session() as s:
        observations = _built(s, OBSERVATION)
        responses = _built(s, QUESTIONNAIRE_RESPONSE)
        questionnaires = {q.id: q for q in catalogue(ctx(s))}
    odi = observations[str(clinic["odi"])]
    assert odi["code"]["coding"] == [{"system": "http://loinc.org", "code": "97909-6"}]
    assert odi["category"][0]["coding"][0]["code"] == "survey"
    assert odi["valueQuantity"] == {"value": 32.0, "unit": "%",
                                    "system": "http://unitsofmeasure.org", "code": "%"}
    assert odi["interpretation"] == [{"text": "moderate disability"}]
    assert odi["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{clinic['odi']}"}]
    assert odi["status"] == "final" and odi["effectiveDateTime"] == "2030-03-04"
    assert odi["performer"] == [{"reference": f"Practitioner/{clinic['practitioner']}"}]
    assert {c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"]
            for c in odi["component"]} == {"odi.raw": 16, "odi.answered": 10}

    response = responses[str(clinic["odi"])]
    assert response["status"] == "completed"
    assert response["questionnaire"] == f"{BASE}/Questionnaire/odi|2.1a"
    questionnaire = questionnaires["odi"]
    assert response["questionnaire"] == f"{questionnaire.url}|{questionnaire.version}"
    assert [i["linkId"] for i in response["item"]] == [i.linkId for i in questionnaire.item]
    assert [i["answer"][0]["valueInteger"] for i in response["item"]] == ODI_RESPONSES


def test_patient_reported_and_unscorable_results(db, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        observations = _built(s, OBSERVATION)
        responses = _built(s, QUESTIONNAIRE_RESPONSE)
    patient = f"Patient/{clinic['patient']}"
    reported = observations[str(clinic["patient_odi"])]
    assert reported["valueQuantity"]["value"] == 35.56  # 16/45 x 100, one section skipped
    assert reported["performer"] == [{"reference": patient}]
    answered = responses[str(clinic["patient_odi"])]
    assert answered["author"] == answered["source"] == {"reference": patient}
    assert "sex_life" not in [i["linkId"] for i in answered["item"]]
    unscored = observations[str(clinic["not_scored"])]
    assert "valueQuantity" not in unscored and "interpretation" not in unscored
    assert unscored["dataAbsentReason"]["coding"][0]["code"] == "unknown"


def test_a_note_measure_observation_has_its_encounter(db, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        nprs_id = s.scalar(select(MeasureResult.id).where(MeasureResult.measure_id == "nprs"))
        observation = _built(s, OBSERVATION)[str(nprs_id)]
        response = _built(s, QUESTIONNAIRE_RESPONSE)[str(nprs_id)]
    assert observation["code"]["coding"] == [{"system": "http://loinc.org",
                                              "code": "72514-3"}]
    assert observation["valueQuantity"]["value"] == 6
    assert observation["valueQuantity"]["code"] == "{score}"
    encounter = {"reference": f"Encounter/{clinic['signed_visit']}"}
    assert observation["encounter"] == response["encounter"] == encounter


def test_signed_notes_are_documents_with_their_html_hash_and_addenda(db, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        # A draft is not a document.
        draft = notes.create_draft(s, clinic["actor"], notes.DraftIn(
            appointment_id=clinic["arrived"], template_id="rehab.visit", document={}))
        documents = _built(s, DOCUMENT_REFERENCE)
        note = s.get(Note, clinic["note"])
        rendered, content_hash = note.rendered, note.content_sha256
        pack_version = note.pack_version
    assert str(draft.id) not in documents
    note_id, addendum_id = str(clinic["note"]), f"{clinic['note']}-addendum-{clinic['addendum']}"
    assert set(documents) == {note_id, addendum_id}
    document = documents[note_id]
    assert document["status"] == "current" and document["docStatus"] == "amended"
    attachment = document["content"][0]["attachment"]
    html = base64.b64decode(attachment["data"])
    assert html.decode() == rendered and attachment["contentType"] == "text/html"
    assert attachment["size"] == len(html)
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(html).digest()
    assert _identifier(document, NOTE_HTML_SHA256) == hashlib.sha256(html).hexdigest()
    assert _identifier(document, "urn:vesalius:note-content-sha256") == content_hash
    assert _identifier(document, "urn:vesalius:note-template") == "rehab.visit|3"
    assert _identifier(document, "urn:vesalius:note-pack") == "rehab" + (
        f"|{pack_version}" if pack_version else "")
    practitioner = {"reference": f"Practitioner/{clinic['practitioner']}"}
    assert document["author"] == [practitioner] and document["authenticator"] == practitioner
    assert document["subject"] == {"reference": f"Patient/{clinic['patient']}"}
    assert document["type"]["coding"][0]["code"] == "11506-3"  # a follow-up: progress note
    assert document["context"]["encounter"] == [
        {"reference": f"Encounter/{clinic['signed_visit']}"}]
    assert document["context"]["period"] == {"start": "2030-03-04", "end": "2030-03-04"}

    addendum = documents[addendum_id]
    assert addendum["relatesTo"] == [{"code": "appends",
                                      "target": {"reference": f"DocumentReference/{note_id}"}}]
    text = base64.b64decode(addendum["content"][0]["attachment"]["data"]).decode()
    assert text == "Phoned: pain eased overnight."
    assert addendum["author"] == [practitioner]
    assert DOCUMENT_REFERENCE.row_key(addendum_id) == DOCUMENT_REFERENCE.row_key(note_id) \
        == clinic["note"]


def test_a_note_entered_in_error_says_so_in_every_resource(db, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        notes.mark_entered_in_error(s, clinic["actor"], clinic["note"], "wrong patient")
        documents = _built(s, DOCUMENT_REFERENCE)
        nprs_id = s.scalar(select(MeasureResult.id).where(MeasureResult.measure_id == "nprs"))
        observation = _built(s, OBSERVATION)[str(nprs_id)]
        response = _built(s, QUESTIONNAIRE_RESPONSE)[str(nprs_id)]
    assert {d["status"] for d in documents.values()} == {"entered-in-error"}
    assert documents[str(clinic["note"])]["docStatus"] == "entered-in-error"
    assert observation["status"] == response["status"] == "entered-in-error"


def test_a_closed_case_is_finished_and_its_codes_inactive(db, clinic):  # type: ignore[no-untyped-def]
    from vesalius.services import cases

    with db.session() as s:
        cases.close(s, clinic["system"], clinic["case"], "goals met")
        episode = _built(s, EPISODE_OF_CARE)[str(clinic["case"])]
        conditions = _built(s, CONDITION)
    assert episode["status"] == "finished" and episode["period"]["end"]
    assert {c["clinicalStatus"]["coding"][0]["code"] for c in conditions.values()} == {
        "inactive"}


def test_a_batch_costs_the_same_queries_as_one_row(db, clinic):  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(*args):  # type: ignore[no-untyped-def]
        statements.append(args[2])

    for fhir_type, most in ((EPISODE_OF_CARE, 1), (CONDITION, 0), (OBSERVATION, 2),
                            (QUESTIONNAIRE_RESPONSE, 2), (DOCUMENT_REFERENCE, 3)):
        model = fhir_type.model
        with db.session() as s:
            statement = select(model).order_by(model.id)
            if fhir_type.where is not None:
                statement = statement.where(fhir_type.where())
            rows = list(s.scalars(statement))
            assert rows, fhir_type.name
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                counts = []
                for batch in (rows[:1], rows):
                    statements.clear()
                    registry.resources(ctx(s), fhir_type, batch)
                    counts.append(len(statements))
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
            assert counts[0] == counts[1] <= most, (fhir_type.name, counts, statements)


def test_read_and_search_through_the_api(fhir):  # type: ignore[no-untyped-def]
    """Through /fhir/R4: a Condition read by its ``<case>-<position>`` id, a patient's
    Observations searched, the care-team rule on a clinical type, a Questionnaire read."""
    import clinic_factories as make
    from vesalius.services import Actor

    actor = Actor.system("tests")
    a = fhir.ids["patient"]
    with fhir.app.extensions["vesalius.db"].session() as s:
        case = make.case(s, actor, a, diagnosis_codes=["M54.50", "M51.26"],
                         primary_practitioner_id=fhir.ids["practitioner"])
        notes.record_measure(s, actor, case.id, "odi", ODI_RESPONSES)
    status, body, _ = fhir.get(f"/Condition/{case.id}-2", "practitioner")
    assert status == 200 and check_resource(body).code.coding[0].code == "M51.26"
    assert fhir.get(f"/Condition/{case.id}-3", "owner")[0] == 404
    assert fhir.get(f"/Condition/{case.id}-2", "locum")[0] == 403  # not in their care
    status, body, _ = fhir.get(f"/Observation?patient={a}", "practitioner")
    assert status == 200
    [entry] = body["entry"]
    assert check_resource(entry["resource"]).valueQuantity.value == 32
    assert fhir.get(f"/Observation?patient={a}", "front-desk")[0] == 403  # no measures.read
    status, body, _ = fhir.get("/Questionnaire/odi", "patient")
    assert status == 200 and check_resource(body).version == "2.1a"


def test_everything_of_a_charted_patient_is_a_closed_bundle(db_url, clinic):  # type: ignore[no-untyped-def]
    """Every clinical type's references (Encounter, QuestionnaireResponse, the appended
    note, rooms, the clinic) resolve inside the patient's $everything."""
    from checks import check_bundle
    from vesalius.app import create_app
    from vesalius.fhir import views
    from vesalius.services import Actor

    app = create_app(db_url)
    with app.test_request_context("/fhir/R4/metadata"), \
            app.extensions["vesalius.db"].session() as s:
        bundle = views.everything(s, Actor.system("tests"), str(clinic["patient"]))
    checked = check_bundle(bundle.model_dump(mode="json", exclude_none=True))
    kinds = {e.resource.get_resource_type() for e in checked.entry}
    assert {"Appointment", "Encounter", "EpisodeOfCare", "Condition", "Observation",
            "QuestionnaireResponse", "DocumentReference", "Location", "Practitioner",
            "Organization"} <= kinds
    app.extensions["vesalius.db"].dispose()


def test_a_note_signed_before_snapshots_were_kept_says_so(db, clinic):  # type: ignore[no-untyped-def]
    """A signed note with no rendered HTML (signed by a version that kept none: the
    database refuses to change a signed note, so the row is built here, not stored)."""
    with db.session() as s:
        stored = s.get(Note, clinic["note"])
        old = Note(**{c.key: getattr(stored, c.key) for c in Note.__table__.columns})
        old.id, old.rendered = 10_000, None
        [document] = registry.resources(ctx(s), DOCUMENT_REFERENCE, [old])
    found = check(document)
    assert "data" not in found["content"][0]["attachment"]
    assert "not kept" in found["content"][0]["attachment"]["title"]
    assert NOTE_HTML_SHA256 not in [i["system"] for i in found["identifier"]]
