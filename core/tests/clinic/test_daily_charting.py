"""Daily charting through the JSON API, on SQLite and PostgreSQL: the visit's template chosen
without asking (service, discipline default, kind, fallback), switching and discarding a
draft, copy-forward from the case's last signed note (only carried paths, never across
cases or patients, audited with its source), warnings that do not block signing, a visit
never checked in completed by signing and so on the worklist, saves after signing refused
with a code, same-day notes seen by charge rules, the snapshot's tables and warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import clinic_dailypack as daily
import clinic_testpack as testpack
import pytest
from vesalius.app import create_app
from vesalius.plugins import build_registry, get_registry, set_registry
from vesalius.services import Actor, note_templates, users

MONDAY = date(2025, 1, 13)
MARK = {"region": "posterior-low-back", "type": "pain", "attributes": {"intensity": 5}}


@pytest.fixture(autouse=True)
def registry():  # type: ignore[no-untyped-def]
    """The clinic tests' packs plus the daily-charting test packs."""
    reg = build_registry(extra_plugins=[(testpack.NAME, testpack), *daily.PLUGINS],
                         entry_points=False)
    assert {p.name for p in reg.packs if p.status == "enabled"} >= {"daily", "kinds", "bare"}
    set_registry(reg)
    daily.SEEN.clear()
    yield reg
    set_registry(None)


def iso(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour)).isoformat() + "+00:00"


@pytest.fixture
def api(db_url):  # type: ignore[no-untyped-def]
    app = create_app(db_url)
    app.config["TESTING"] = True
    db = app.extensions["vesalius.db"]
    system = Actor.system("tests")
    tokens = {}
    with db.session() as s:
        for email, role, extra in (
            ("owner@clinic.test", "owner", {}),
            ("billing@clinic.test", "billing", {}),
            ("pt@clinic.test", "practitioner",
             {"disciplines": ["daily", "kinds", "bare", "empty", "rehab", "general"]}),
        ):
            user = users.create_user(s, system, users.UserIn(email=email, role=role, name=role,
                                                             **extra))
            tokens[role] = users.issue_token(s, system, user)
    client = app.test_client()

    class Api:
        def __init__(self) -> None:
            self.db = db

        def call(self, method: str, path: str, role: str = "practitioner", **kw):  # type: ignore[no-untyped-def]
            response = client.open("/api/v1" + path, method=method, headers={
                "Authorization": f"Bearer {tokens[role]}", "User-Agent": "pytest"}, **kw)
            return response.status_code, response.get_json()

        def ok(self, method: str, path: str, role: str = "practitioner", **kw):  # type: ignore[no-untyped-def]
            status, body = self.call(method, path, role, **kw)
            assert status < 300, (status, body)
            return body

    client_api = Api()
    (prac,) = client_api.ok("GET", "/practitioners", "owner")
    client_api.prac = prac["id"]  # type: ignore[attr-defined]
    yield client_api
    db.dispose()


def patient(api, given: str = "Ada"):  # type: ignore[no-untyped-def]
    return api.ok("POST", "/patients", "owner", json={
        "given_name": given, "family_name": "Lovelace", "birth_date": "1985-12-10"})["id"]


def case(api, patient_id: int, discipline: str = "daily"):  # type: ignore[no-untyped-def]
    return api.ok("POST", "/cases", "owner", json={
        "patient_id": patient_id, "discipline": discipline, "title": "Low back pain"})["id"]


def book(api, patient_id: int, case_id: int, day: date, hour: int = 10,  # type: ignore[no-untyped-def]
         service_id: int | None = None):
    body = {"patient_id": patient_id, "practitioner_id": api.prac, "case_id": case_id,
            "start": iso(day, hour), "end": iso(day, hour + 1)}
    if service_id is not None:
        body["service_id"] = service_id
    return api.ok("POST", "/appointments", "owner", json=body)["id"]


def signed_note(api, patient_id: int, case_id: int, day: date, document: dict,  # type: ignore[no-untyped-def]
                template_id: str | None = "daily.assessment", hour: int = 10):
    appointment = book(api, patient_id, case_id, day, hour)
    body = {"appointment_id": appointment, "document": document}
    if template_id:
        body["template_id"] = template_id
    note = api.ok("POST", "/notes", json=body)
    return api.ok("POST", f"/notes/{note['id']}/sign")


FIRST = {
    "subjective": {"history": "Lifted a box on Monday; pain since.", "pain": {"responses": [7]}},
    "objective": {"body_chart": [MARK],
                  "rom": [{"movement": "Flexion", "trial1": 40, "trial2": 50}]},
    "assessment": {"diagnosis": ["M54.50"]},
    "plan": {"goals": "Walk 30 minutes without pain", "plan": "Twice weekly for 4 weeks",
             "home_programme": True},
}


# -- 1. the right template without asking -------------------------------------------------


def test_default_template_rule(registry) -> None:  # type: ignore[no-untyped-def]
    pick = note_templates.default_template

    def chosen(discipline: str, kind: str, service=None) -> str:  # type: ignore[no-untyped-def]
        template = pick(registry, discipline, kind, service)  # type: ignore[arg-type]
        assert template is not None
        return template.id

    # The template declaring itself the default wins over title order.
    assert chosen("daily", "initial") == "daily.assessment"
    assert chosen("daily", "follow-up") == "daily.treatment"
    # Without declarations: the template of the kind, else the first by title.
    assert chosen("kinds", "initial") == "kinds.intake"
    assert chosen("kinds", "follow-up") == "kinds.treatment"
    assert chosen("bare", "follow-up") == "bare.only"
    assert chosen("empty", "initial") == "general.soap"
    assert chosen("rehab", "initial") == "rehab.visit"

    class Service:
        initial_template_id = "daily.aaa-brief"
        follow_up_template_id = "physio.not-installed"

    # A service's choice wins; one not installed (or disabled) is passed over.
    assert chosen("daily", "initial", Service()) == "daily.aaa-brief"
    assert chosen("daily", "follow-up", Service()) == "daily.treatment"


def test_new_note_opens_the_visits_template(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    first = book(api, pid, cid, MONDAY)
    choice = api.ok("GET", f"/appointments/{first}/note-template")
    assert choice == {"template_id": "daily.assessment", "title": "Daily assessment",
                      "visit_kind": "initial"}
    note = api.ok("POST", "/notes", json={"appointment_id": first})
    assert note["template_id"] == "daily.assessment"
    # The new draft starts from the template's pre-filled table rows, merged with what is
    # sent (what is sent wins for its own fields).
    assert note["document"]["objective"]["rom"] == [{"movement": "Flexion"},
                                                    {"movement": "Extension"}]
    # A draft is not a signed note: the case's next visit is still an initial one.
    assert api.ok("GET", f"/appointments/{book(api, pid, cid, MONDAY, 14)}/note-template")[
        "visit_kind"] == "initial"
    api.ok("PATCH", f"/notes/{note['id']}", json={"document": FIRST})
    api.ok("POST", f"/notes/{note['id']}/sign")
    # Later visits of the case: the follow-up template.
    later = book(api, pid, cid, MONDAY + timedelta(days=7))
    assert api.ok("POST", "/notes", json={"appointment_id": later})["template_id"] \
        == "daily.treatment"
    # A service naming its own default overrides the discipline's.
    service = api.ok("POST", "/services", "owner", json={
        "name": "Daily quick", "discipline": "daily", "duration_minutes": 30,
        "initial_template_id": "daily.aaa-brief", "follow_up_template_id": "general.soap"})
    assert service["follow_up_template_id"] == "general.soap"
    other = case(api, pid)
    quick = book(api, pid, other, MONDAY + timedelta(days=8), service_id=service["id"])
    assert api.ok("POST", "/notes", json={"appointment_id": quick})["template_id"] \
        == "daily.aaa-brief"
    quick_later = book(api, pid, cid, MONDAY + timedelta(days=9), service_id=service["id"])
    assert api.ok("POST", "/notes", json={"appointment_id": quick_later})["template_id"] \
        == "general.soap"
    # A service cannot name a template that is not installed or of another discipline.
    status, body = api.call("POST", "/services", "owner", json={
        "name": "Daily wrong", "discipline": "daily", "duration_minutes": 30,
        "follow_up_template_id": "kinds.intake"})
    assert status == 422 and body["field"] == "follow_up_template_id", body
    status, body = api.call("POST", "/services", "owner", json={
        "name": "Daily missing", "discipline": "daily", "duration_minutes": 30,
        "initial_template_id": "daily.nope"})
    assert status == 422 and body["field"] == "initial_template_id", body


# -- 2. switch and discard ------------------------------------------------------------------


def test_switch_keeps_values_whose_path_and_kind_exist(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    appointment = book(api, pid, cid, MONDAY)
    note = api.ok("POST", "/notes", json={"appointment_id": appointment, "document": FIRST})
    switched = api.ok("PATCH", f"/notes/{note['id']}", json={"template_id": "daily.treatment"})
    assert switched["template_id"] == "daily.treatment"
    doc = switched["document"]
    assert doc["subjective"]["history"] == FIRST["subjective"]["history"]
    assert doc["objective"]["body_chart"] == [MARK]
    assert doc["plan"]["goals"] == FIRST["plan"]["goals"]
    # plan.plan is free text there and a choice here: dropped.
    assert "plan" not in doc["plan"]
    # To a template without those fields, with a document of the client's: only what fits.
    brief = api.ok("PATCH", f"/notes/{note['id']}", json={
        "template_id": "daily.aaa-brief",
        "document": {"subjective": {"history": "Typed in the editor."},
                     "plan": {"goals": "dropped"}}})
    assert brief["document"] == {"subjective": {"history": "Typed in the editor."}}
    status, body = api.call("PATCH", f"/notes/{note['id']}", json={"template_id": "nope.x"})
    assert status == 422 and body["field"] == "template_id"
    events = api.ok("GET", f"/audit?patient_id={pid}", "owner")
    assert any(e["detail"] == "template daily.assessment -> daily.treatment" for e in events)


def test_discard_a_draft_but_never_a_signed_note(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    appointment = book(api, pid, cid, MONDAY)
    draft = api.ok("POST", "/notes", json={"appointment_id": appointment,
                                           "template_id": "general.soap"})
    status, _ = api.call("POST", f"/notes/{draft['id']}/discard")
    assert status == 204
    assert api.call("GET", f"/notes/{draft['id']}")[0] == 404
    assert api.ok("GET", f"/cases/{cid}/notes") == []
    events = api.ok("GET", f"/audit?patient_id={pid}", "owner")
    (discarded,) = [e for e in events if e["action"] == "discard"]
    assert discarded["resource_id"] == draft["id"]
    assert discarded["detail"].startswith("general.soap draft, content sha256 ")
    # The visit takes a new note at once, from its default template.
    again = api.ok("POST", "/notes", json={"appointment_id": appointment, "document": FIRST})
    assert again["template_id"] == "daily.assessment"
    api.ok("POST", f"/notes/{again['id']}/sign")
    status, body = api.call("POST", f"/notes/{again['id']}/discard")
    assert status == 409 and "entered in error" in body["error"]
    assert body["details"][0]["code"] == "note-signed"
    assert api.ok("GET", f"/notes/{again['id']}")["status"] == "signed"


# -- 3. copy-forward --------------------------------------------------------------------------


def test_copy_forward_from_the_cases_last_signed_note(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    older = signed_note(api, pid, cid, MONDAY, FIRST)["note"]
    newer_doc = {**FIRST, "assessment": {"diagnosis": ["M54.16"]},
                 "plan": {"goals": "Return to running", "plan": "Weekly"}}
    newer = signed_note(api, pid, cid, MONDAY + timedelta(days=7), newer_doc)["note"]
    appointment = book(api, pid, cid, MONDAY + timedelta(days=14))
    note = api.ok("POST", "/notes", json={
        "appointment_id": appointment, "copy_forward": True,
        "document": {"subjective": {"history": "Better this week."}}})
    assert note["template_id"] == "daily.treatment" and note["copied_from"] == newer["id"]
    assert note["copied_from"] != older["id"]
    doc = note["document"]
    # Carried: the chart, the diagnosis, the goals (plan.plan is a choice here: not carried).
    assert doc["objective"]["body_chart"] == [MARK]
    assert doc["assessment"]["diagnosis"] == ["M54.16"]
    assert doc["plan"]["goals"] == "Return to running"
    assert note["carried"] == {"objective.body_chart": "2025-01-20",
                               "assessment.diagnosis": "2025-01-20",
                               "plan.goals": "2025-01-20"}
    # Never today's subjective, measures or the tables of the last visit.
    assert doc["subjective"] == {"history": "Better this week."}
    assert doc["objective"]["rom"] == [{"movement": "Flexion"}, {"movement": "Extension"}]
    assert "home_programme" not in doc["plan"]
    events = api.ok("GET", f"/audit?patient_id={pid}", "owner")
    assert any(e["action"] == "create" and e["resource_id"] == note["id"]
               and e["detail"] == f"daily.treatment, copied forward from note {newer['id']}"
               for e in events)
    # Changing a carried value clears its mark; the others stay marked.
    edited = {**doc, "plan": {"goals": "Run 5 km"}}
    after = api.ok("PATCH", f"/notes/{note['id']}", json={"document": edited})
    assert set(after["carried"]) == {"objective.body_chart", "assessment.diagnosis"}
    # The side panel: the last signed note before this one, with its snapshot and chart.
    previous = api.ok("GET", f"/notes/{note['id']}/previous")
    assert previous["note"]["id"] == newer["id"] and previous["note"]["rendered"]
    assert previous["template_title"] == "Daily assessment"
    assert previous["charts"] == [{"path": "objective.body_chart", "label": "Body chart",
                                   "chart": "general.body", "marks": [MARK]}]
    # A switch can copy forward too, into the new template's carried fields.
    switched = api.ok("PATCH", f"/notes/{note['id']}", json={
        "template_id": "daily.assessment", "copy_forward": True})
    assert switched["copied_from"] == newer["id"]
    assert switched["document"]["plan"]["goals"] == "Run 5 km"  # what was typed stays
    assert switched["document"]["plan"]["plan"] == "Weekly"  # carried in this template
    assert switched["carried"]["plan.plan"] == "2025-01-20"
    assert "plan.goals" not in switched["carried"]


def test_copy_forward_never_crosses_cases_or_patients(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    signed_note(api, pid, cid, MONDAY, FIRST)
    # The same patient's other case, and another patient: nothing to copy.
    other_case = case(api, pid)
    other_patient = patient(api, "Grace")
    other_patients_case = case(api, other_patient)
    for hour, p, c in ((9, pid, other_case), (14, other_patient, other_patients_case)):
        note = api.ok("POST", "/notes", json={
            "appointment_id": book(api, p, c, MONDAY + timedelta(days=1), hour),
            "copy_forward": True})
        assert note["copied_from"] is None and note["carried"] == {}
        assert note["template_id"] == "daily.assessment"  # their case's first visit
        assert "body_chart" not in note["document"].get("objective", {})
        assert api.ok("GET", f"/notes/{note['id']}/previous") == {
            "note": None, "template_title": None, "charts": []}


# -- 4. and 5. signing --------------------------------------------------------------------------


def test_warnings_do_not_block_and_a_booked_visit_is_completed(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    appointment = book(api, pid, cid, MONDAY)  # booked, never checked in
    document = {**FIRST, "subjective": {"history": "No pain score today."},
                "plan": {"procedures": [{"code": "97110", "minutes": 30}]},
                "assessment": {}}
    note = api.ok("POST", "/notes", json={"appointment_id": appointment, "document": document})
    problems = api.ok("GET", f"/notes/{note['id']}/problems")
    assert {(p["field"], p["severity"]) for p in problems} == {
        ("assessment.diagnosis", "error"), ("subjective.pain", "warning")}
    status, body = api.call("POST", f"/notes/{note['id']}/sign")
    assert status == 422 and body["field"] == "assessment.diagnosis"
    assert [d["severity"] for d in body["details"]] == ["error", "warning"]
    document["assessment"] = {"diagnosis": ["M54.50"]}
    api.ok("PATCH", f"/notes/{note['id']}", json={"document": document})
    signed = api.ok("POST", f"/notes/{note['id']}/sign")
    assert signed["warnings"] == [{"field": "subjective.pain", "severity": "warning",
                                   "message": "pain was not scored at this visit"}]
    assert "Signed with warnings" in signed["note"]["rendered"]
    assert signed["invoice"] is not None
    # The visit was completed with the signature, so it is ready to bill.
    assert api.ok("GET", f"/appointments/{appointment}", "owner")["status"] == "completed"
    items = api.ok("GET", "/worklist", "billing")
    assert [(i["appointment_id"], i["note_id"]) for i in items] == [
        (appointment, note["id"])]
    events = api.ok("GET", f"/audit?patient_id={pid}", "owner")
    assert any(e["resource_type"] == "appointment" and e["detail"] ==
               f"booked -> completed (completed when its note {note['id']} was signed)"
               for e in events)
    # The context carried the template.
    assert daily.SEEN[-1].template is not None
    assert daily.SEEN[-1].template.id == "daily.assessment"


def test_saves_after_signing_are_refused_with_a_code(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    note = signed_note(api, pid, cid, MONDAY, FIRST)["note"]
    for body in ({"document": FIRST}, {"template_id": "daily.treatment"}):
        status, answer = api.call("PATCH", f"/notes/{note['id']}", json=body)
        assert status == 409, answer
        assert answer["details"][0]["code"] == "note-signed"
        assert "addendum" in answer["error"]
    status, answer = api.call("POST", f"/notes/{note['id']}/sign")
    assert status == 409 and answer["details"][0]["code"] == "note-signed"


def test_same_day_notes_reach_the_rules(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    document = {**FIRST, "assessment": {"diagnosis": ["M54.50"], "complexity": "low"}}
    first = signed_note(api, pid, cid, MONDAY, document, hour=9)
    assert [ln["code"] for ln in first["invoice"]["lines"]] == ["97161"]
    # A second note the same day: the first one's evaluation is seen, not billed again.
    second = api.ok("POST", "/notes", json={"appointment_id": book(api, pid, cid, MONDAY, 14),
                                            "template_id": "daily.assessment",
                                            "document": document})
    assert api.ok("GET", f"/notes/{second['id']}/charges") == []
    (summary,) = daily.SEEN[-1].same_day_notes
    assert (summary.id, summary.signed, summary.charged_codes, summary.template_kind) == (
        str(first["note"]["id"]), True, ("97161",), "initial")
    # A note on another day is not a same-day note.
    other = api.ok("POST", "/notes", json={
        "appointment_id": book(api, pid, cid, MONDAY + timedelta(days=1)),
        "template_id": "daily.assessment", "document": document})
    assert [c["code"] for c in api.ok("GET", f"/notes/{other['id']}/charges")] == ["97161"]
    assert daily.SEEN[-1].same_day_notes == ()


def test_snapshot_shows_table_rows_and_computed_columns(api) -> None:  # type: ignore[no-untyped-def]
    pid = patient(api)
    cid = case(api, pid)
    signed = signed_note(api, pid, cid, MONDAY, FIRST)
    # The computed mean is stored in the document and printed in the snapshot.
    assert signed["note"]["document"]["objective"]["rom"] == [
        {"movement": "Flexion", "trial1": 40.0, "trial2": 50.0, "mean": 45.0}]
    rendered = signed["note"]["rendered"]
    assert '<th class="computed">Mean (deg)</th>' in rendered
    assert '<td class="computed">45</td>' in rendered
    assert "Signed with warnings" not in rendered


# -- 6. the physio evaluation code -------------------------------------------------------------


def test_physio_evaluation_complexity_is_billed(api) -> None:  # type: ignore[no-untyped-def]
    full = build_registry(extra_plugins=[(testpack.NAME, testpack), *daily.PLUGINS])
    if "physio.initial-assessment" not in full.templates:
        pytest.skip("the physio pack is not installed")
    set_registry(full)
    pid = patient(api)
    status, created = api.call("POST", "/cases", "owner", json={
        "patient_id": pid, "discipline": "physio", "title": "Knee"})
    assert status == 201, created
    appointment = book(api, pid, created["id"], MONDAY)
    template = get_registry().template("physio.initial-assessment")
    document: dict[str, dict[str, object]] = {}
    for path, one in template.iter_fields():
        section, _, key = path.partition(".")
        if one.kind == "boolean" and (one.required or getattr(one, "must_be_true", False)):
            document.setdefault(section, {})[key] = True
        elif one.required and one.kind in ("text", "long-text"):
            document.setdefault(section, {})[key] = "Recorded."
    document.setdefault("assessment", {}).update(complexity="moderate",
                                                 diagnosis_codes=["M25.561"])
    document.setdefault("outcome_measures", {})["nprs"] = {"responses": [6]}
    note = api.ok("POST", "/notes", json={"appointment_id": appointment,
                                          "template_id": template.id, "document": document})
    preview = [c["code"] for c in api.ok("GET", f"/notes/{note['id']}/charges")]
    signed = api.ok("POST", f"/notes/{note['id']}/sign")
    assert "97162" in preview
    assert "97162" in [ln["code"] for ln in (signed["invoice"] or {}).get("lines", [])]


# -- 7. OpenAPI ----------------------------------------------------------------------------------


def test_openapi_names_the_new_routes(api) -> None:  # type: ignore[no-untyped-def]
    status, doc = api.call("GET", "/openapi.json")
    assert status == 200
    paths = doc["paths"]
    for path, method in (("/api/v1/notes", "post"), ("/api/v1/notes/{note_id}", "patch"),
                         ("/api/v1/notes/{note_id}/discard", "post"),
                         ("/api/v1/notes/{note_id}/previous", "get"),
                         ("/api/v1/notes/{note_id}/problems", "get"),
                         ("/api/v1/appointments/{appointment_id}/note-template", "get")):
        assert method in paths[path], path
    schemas = doc["components"]["schemas"]

    def fields(name: str) -> set[str]:  # a response model may be split by mode
        return set((schemas.get(name) or schemas[f"{name}-Output"])["properties"])

    assert {"copied_from", "carried", "template_id"} <= fields("NoteOut")
    assert "warnings" in fields("SignOut")
    assert {"note", "template_title", "charts"} <= fields("PreviousNoteOut")
    assert {"field", "message", "severity"} <= fields("NoteProblemOut")
    assert "default_for" in fields("TemplateSummaryOut")
    assert {"template_id", "copy_forward", "document"} <= fields("NotePatchIn")
    assert {"template_id", "copy_forward", "document"} <= fields("DraftIn")


# -- bounded queries --------------------------------------------------------------------------


def _history(db, system, clinic, earlier: int, same_day: int, day: date):  # type: ignore[no-untyped-def]
    """A new patient's daily case with ``earlier`` signed notes on past weeks and
    ``same_day`` signed notes on ``day``; returns the appointment id of a visit on ``day``
    still to chart."""
    from clinic_factories import case as open_case
    from clinic_factories import patient as new_patient
    from vesalius.services import notes, scheduling
    from vesalius.services.scheduling import BookingIn

    with db.session() as s:
        someone = new_patient(s, system, given=f"P{earlier}")
        daily_case = open_case(s, system, someone.id, discipline="daily")
        document = {**FIRST, "assessment": {"diagnosis": ["M54.50"], "complexity": "low"}}

        def visit(on: date, hour: int) -> int:
            return scheduling.book(s, system, BookingIn(
                patient_id=someone.id, practitioner_id=clinic["prac"], case_id=daily_case.id,
                start=datetime.combine(on, time(hour), UTC),
                end=datetime.combine(on, time(hour, 30), UTC))).id

        slots = [(day - timedelta(days=7 * (n + 1)), 9) for n in range(earlier)]
        slots += [(day, 8 + n) for n in range(same_day)]
        for on, hour in slots:
            note = notes.create_draft(s, clinic["actor"], notes.DraftIn(
                appointment_id=visit(on, hour), template_id="daily.assessment",
                document=document))
            notes.sign(s, clinic["actor"], note.id)
        return visit(day, 15)


def test_create_and_sign_run_a_bounded_number_of_queries(db, system, count_queries) -> None:  # type: ignore[no-untyped-def]
    from clinic_factories import clinic_setup
    from vesalius.services import notes

    with db.session() as s:
        prac = clinic_setup(s, system)["practitioner"]
        clinic = {"prac": prac.id, "actor": Actor(
            user_id=prac.user_id, role="practitioner", practitioner_id=prac.id,
            ip="127.0.0.1")}
    counts = []
    for earlier, same_day, day in ((1, 1, MONDAY), (5, 3, MONDAY + timedelta(days=1))):
        appointment = _history(db, system, clinic, earlier, same_day, day)
        with count_queries() as created, db.session() as s:
            note = notes.create_draft(s, clinic["actor"], notes.DraftIn(
                appointment_id=appointment, copy_forward=True,
                document={"subjective": {"history": "Today."},
                          "assessment": {"diagnosis": ["M54.50"]}}))
            assert note.copied_from_id is not None and note.template_id == "daily.treatment"
            note_id = note.id
        with count_queries() as signed, db.session() as s:
            notes.sign(s, clinic["actor"], note_id)
        counts.append((created.count, signed.count))
    assert counts[0] == counts[1], counts
    # 6 and 11 statements on SQLite today; the bound leaves room, the equality is the test.
    assert counts[0][0] <= 10 and counts[0][1] <= 20, counts


def test_the_database_keeps_a_signed_notes_copy_record(api) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    pid = patient(api)
    cid = case(api, pid)
    note = signed_note(api, pid, cid, MONDAY, FIRST)["note"]
    for statement in ("UPDATE notes SET carried = '{\"plan.goals\": \"2025-01-01\"}' "
                      "WHERE id = :id", "UPDATE notes SET copied_from_id = id WHERE id = :id"):
        with pytest.raises(IntegrityError), api.db.session() as s:
            s.execute(text(statement), {"id": note["id"]})
