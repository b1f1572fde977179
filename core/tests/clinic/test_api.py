"""The whole flow end to end through the JSON API, on SQLite and PostgreSQL: register a
patient, open a case, book, conflict, confirm, arrive, chart, validation error naming the
field, sign, 409 on edit, addendum, invoice from the pack's charge lines, payment, zero
balance, claim checks; patient scope; audit rows; OpenAPI."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from clinic_factories import visit_document
from vesalius.app import create_app
from vesalius.services import Actor, users

PAST = date(2025, 1, 13)  # a Monday: claims for past visits may be submitted


def iso(day: date, hour: int, minute: int = 0, offset: str = "+00:00") -> str:
    return datetime.combine(day, time(hour, minute)).isoformat() + offset


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
            ("desk@clinic.test", "front-desk", {}),
            ("billing@clinic.test", "billing", {}),
            ("pt@clinic.test", "practitioner", {"disciplines": ["rehab", "general"]}),
        ):
            user = users.create_user(s, system, users.UserIn(email=email, role=role, name=role,
                                                             **extra))
            tokens[role] = users.issue_token(s, system, user)
    client = app.test_client()

    class Api:
        def __init__(self) -> None:
            self.tokens, self.db, self.app = tokens, db, app

        def call(self, method: str, path: str, role: str = "owner", **kw):  # type: ignore[no-untyped-def]
            headers = {"Authorization": f"Bearer {self.tokens[role]}",
                       "User-Agent": "pytest-client"}
            response = client.open("/api/v1" + path, method=method, headers=headers, **kw)
            return response.status_code, response.get_json()

    yield Api()
    db.dispose()


def setup_clinic(api):  # type: ignore[no-untyped-def]
    status, loc = api.call("POST", "/locations", json={
        "name": "Harbour St", "timezone": "UTC", "rooms": ["Room A", "Room B"]})
    assert status == 201, loc
    (prac,) = [p for p in api.call("GET", "/practitioners")[1]]
    status, _ = api.call("PATCH", f"/practitioners/{prac['id']}", json={
        "npi": "1234567893", "provider_number": "PRV-77", "default_location_id": loc["id"]})
    assert status == 200
    hours = [{"location_id": loc["id"], "weekday": d, "start_time": "08:00",
              "end_time": "18:00"} for d in range(5)]
    assert api.call("PUT", f"/practitioners/{prac['id']}/hours", json={"hours": hours})[0] \
        == 204
    status, service = api.call("POST", "/services", json={
        "name": "Rehab follow-up", "discipline": "rehab", "duration_minutes": 45,
        "buffer_minutes": 15, "price": "95.00"})
    assert status == 201, service
    status, payer = api.call("POST", "/payers", json={
        "name": "Acme Health", "kind": "commercial", "payer_code": "ACME01"})
    assert status == 201
    status, _ = api.call("POST", "/fee-schedules", json={
        "name": "Acme", "payer_id": payer["id"],
        "fees": [{"code": "97110", "amount": "50.00"}, {"code": "97140", "amount": "48.00"}]})
    assert status == 201
    return {"location": loc, "practitioner": prac, "service": service, "payer": payer}


def test_end_to_end_flow(api):  # type: ignore[no-untyped-def]
    c = setup_clinic(api)
    prac_id = c["practitioner"]["id"]
    # Front desk registers the patient.
    status, patient = api.call("POST", "/patients", "front-desk", json={
        "given_name": "Ada", "family_name": "Lovelace", "birth_date": "1985-12-10",
        "email": "ada@example.org", "phone": "+44 20 7946 0018", "sex": "female",
        "address_line1": "12 Analytical Row", "city": "London", "postal_code": "N1 7AA"})
    assert status == 201, patient
    pid = patient["id"]
    status, bad = api.call("POST", "/patients", "front-desk", json={
        "given_name": "X", "family_name": "Y", "birth_date": "not a date"})
    assert status == 422 and bad["field"] == "birth_date"
    assert [p["id"] for p in api.call("GET", "/patients?q=love", "front-desk")[1]] == [pid]
    assert [p["id"] for p in api.call("GET", "/patients?q=ada%20lov", "front-desk")[1]] \
        == [pid]
    assert [p["id"] for p in api.call("GET", "/patients?q=1985-12-10", "front-desk")[1]] \
        == [pid]
    status, coverage = api.call("POST", f"/patients/{pid}/coverages", "front-desk", json={
        "payer_id": c["payer"]["id"], "member_id": "ACM-1", "copay": "20.00",
        "coinsurance_percent": "20"})
    assert status == 201, coverage
    # Open the case.
    status, case = api.call("POST", "/cases", "front-desk", json={
        "patient_id": pid, "discipline": "rehab", "title": "Right knee pain",
        "referral_source": "GP", "referrer_name": "Dr Babbage",
        "coverage_id": coverage["id"], "authorised_visits": 12})
    assert status == 201, case
    assert case["payer_id"] == c["payer"]["id"]
    # Book, then an overlapping booking is a 409 with a message.
    status, appt = api.call("POST", "/appointments", "front-desk", json={
        "patient_id": pid, "practitioner_id": prac_id, "case_id": case["id"],
        "start": iso(PAST, 10), "end": iso(PAST, 10, 45), "service_id": c["service"]["id"]})
    assert status == 201, appt
    assert appt["status"] == "booked" and appt["start"].startswith("2025-01-13T10:00")
    status, clash = api.call("POST", "/appointments", "front-desk", json={
        "patient_id": pid, "practitioner_id": prac_id, "case_id": case["id"],
        "start": iso(PAST, 11, 30, "+01:00"), "end": iso(PAST, 12, 0, "+01:00")})
    assert status == 409 and "already booked" in clash["error"]
    status, naive = api.call("POST", "/appointments", "front-desk", json={
        "patient_id": pid, "practitioner_id": prac_id, "start": "2025-01-13T14:00:00",
        "end": "2025-01-13T14:45:00"})
    assert status == 422 and naive["field"] == "start"
    # Confirm, arrive; a disallowed move is a 409.
    aid = appt["id"]
    for new in ("confirmed", "arrived"):
        status, body = api.call("POST", f"/appointments/{aid}/status", "front-desk",
                                json={"status": new})
        assert (status, body["status"]) == (200, new)
    status, body = api.call("POST", f"/appointments/{aid}/status", "front-desk",
                            json={"status": "no-show"})
    assert status == 409 and "arrived" in body["error"]
    # Chart from the pack's template (a client can read its fields first).
    status, template = api.call("GET", "/templates/rehab.visit", "practitioner")
    assert status == 200 and template["sections"][0]["fields"][0]["id"] == "history"
    status, note = api.call("POST", "/notes", "practitioner", json={
        "appointment_id": aid, "template_id": "rehab.visit"})
    assert status == 201 and note["status"] == "draft", note
    nid = note["id"]
    bad_doc = visit_document()
    bad_doc["subjective"]["pain"] = {"responses": [11]}  # type: ignore[index]
    status, body = api.call("PATCH", f"/notes/{nid}", "practitioner",
                            json={"document": bad_doc})
    assert status == 422 and body["field"] == "subjective.pain", body
    status, body = api.call("PATCH", f"/notes/{nid}", "practitioner",
                            json={"document": visit_document(pain=6)})
    assert status == 200
    status, body = api.call("POST", f"/notes/{nid}/sign", "practitioner")
    assert status == 422 and body["field"] == "assessment.diagnosis"
    status, body = api.call("PATCH", f"/notes/{nid}", "practitioner", json={
        "document": visit_document(pain=6, diagnosis=["M25.561"], procedures=[
            {"code": "97110", "minutes": 25}, {"code": "97140", "minutes": 13}])})
    assert status == 200
    status, charges = api.call("GET", f"/notes/{nid}/charges", "practitioner")
    assert [(x["code"], x["units"]) for x in charges] == [("97110", 2), ("97140", 1)]
    status, signed = api.call("POST", f"/notes/{nid}/sign", "practitioner")
    assert status == 200, signed
    assert signed["note"]["status"] == "signed" and len(signed["note"]["content_sha256"]) == 64
    # Signed: editing is a 409; an addendum is appended.
    status, body = api.call("PATCH", f"/notes/{nid}", "practitioner",
                            json={"document": visit_document()})
    assert status == 409
    status, addendum = api.call("POST", f"/notes/{nid}/addenda", "practitioner",
                                json={"text": "Home programme reviewed by phone."})
    assert status == 201 and addendum["author_id"] > 0
    assert api.call("GET", f"/notes/{nid}", "practitioner")[1]["addenda"][0]["text"] \
        .startswith("Home programme")
    assert api.call("GET", f"/appointments/{aid}", "front-desk")[1]["status"] == "completed"
    # The invoice was drafted with the pack's charge lines, priced from Acme's schedule.
    status, invoices = api.call("GET", f"/invoices?case_id={case['id']}", "front-desk")
    (invoice,) = invoices
    assert [(ln["code"], ln["units"], ln["unit_price"], ln["amount"])
            for ln in invoice["lines"]] == [("97110", 2, "50.00", "100.00"),
                                            ("97140", 1, "48.00", "48.00")]
    assert (invoice["total"], invoice["patient_portion"], invoice["insurer_portion"]) == (
        "148.00", "45.60", "102.40")
    status, items = api.call("GET", "/worklist", "billing")
    assert [i["action"] for i in items] == ["issue-invoice"]
    # The patient pays their share at the desk.
    status, payment = api.call("POST", "/payments", "front-desk", json={
        "patient_id": pid, "amount": "45.60", "method": "card", "reference": "visa 4242"})
    assert status == 201, payment
    status, float_payment = api.call("POST", "/payments", "front-desk", json={
        "patient_id": pid, "amount": 45.6, "method": "card"})
    assert status == 422 and float_payment["field"] == "amount"
    status, account = api.call("GET", f"/patients/{pid}/account", "front-desk")
    assert (account["patient_balance"], account["insurer_balance"]) == ("0.00", "102.40")
    # The claim is checked before it can be submitted, and says what is missing.
    status, claim = api.call("POST", "/claims", "billing",
                             json={"invoice_id": invoice["id"]})
    assert status == 201 and claim["status"] == "draft", claim
    assert claim["problems"] == []
    api.call("PATCH", f"/cases/{case['id']}", "front-desk", json={"diagnosis_codes": []})
    status, body = api.call("POST", f"/claims/{claim['id']}/status", "billing",
                            json={"status": "ready"})
    assert status == 422 and body["field"] == "case.diagnosis_codes", body
    api.call("PATCH", f"/cases/{case['id']}", "front-desk",
             json={"diagnosis_codes": ["M25.561"]})
    for new in ("ready", "submitted", "accepted"):
        status, body = api.call("POST", f"/claims/{claim['id']}/status", "billing",
                                json={"status": new})
        assert status == 200, body
    status, body = api.call("POST", f"/claims/{claim['id']}/status", "billing",
                            json={"status": "paid", "payer_reference": "ERA-1"})
    assert status == 200 and body["paid_amount"] == "102.40"
    status, account = api.call("GET", f"/patients/{pid}/account", "billing")
    assert account["balance"] == "0.00" and account["invoiced"] == "148.00"
    assert api.call("GET", "/worklist", "billing")[1] == []
    # Measures: the trend of the case.
    status, trends = api.call("GET", f"/cases/{case['id']}/measures", "practitioner")
    assert trends[0]["measure_id"] == "nprs" and trends[0]["points"][0]["value"] == 6.0
    # The front desk reads the day's calendar: one list-read event naming the appointment.
    status, day = api.call("GET", f"/calendar?date={PAST.isoformat()}", "front-desk")
    assert status == 200 and aid in [e["id"] for e in day]
    # Audit rows were written for reads and writes, with who and from where.
    status, events = api.call("GET", f"/audit?patient_id={pid}")
    (listed,) = [e for e in events if e["list_digest"] and e["role"] == "front-desk"]
    assert (listed["action"], listed["resource_type"], listed["detail"]) == (
        "read", "appointment", "day list")
    status, shown = api.call("GET", f"/audit/lists/{listed['list_digest']}")
    assert status == 200 and {"resource_id": aid, "patient_id": pid} in shown
    assert api.call("GET", f"/audit/lists/{listed['list_digest']}", "front-desk")[0] == 403
    actions = {(e["action"], e["resource_type"]) for e in events}
    assert {("create", "patient"), ("read", "patient"), ("sign", "note"),
            ("create", "payment"), ("read", "invoice")} <= actions
    assert all(e["ip"] == "127.0.0.1" for e in events)


def test_general_soap_template_of_the_core(api):  # type: ignore[no-untyped-def]
    c = setup_clinic(api)
    status, patient = api.call("POST", "/patients", "front-desk", json={
        "given_name": "Grace", "family_name": "Hopper", "birth_date": "1906-12-09"})
    status, case = api.call("POST", "/cases", "front-desk", json={
        "patient_id": patient["id"], "discipline": "general", "title": "Neck stiffness"})
    status, appt = api.call("POST", "/appointments", "front-desk", json={
        "patient_id": patient["id"], "practitioner_id": c["practitioner"]["id"],
        "case_id": case["id"], "start": iso(PAST, 9), "end": iso(PAST, 9, 30)})
    api.call("POST", f"/appointments/{appt['id']}/status", "front-desk",
             json={"status": "arrived"})
    status, templates = api.call("GET", "/templates", "practitioner")
    assert "general.soap" in [t["id"] for t in templates]
    status, note = api.call("POST", "/notes", "practitioner", json={
        "appointment_id": appt["id"], "template_id": "general.soap", "document": {
            "subjective": {"subjective": "Stiff neck for a week.", "pain": {"responses": [4]}},
            "plan": {"plan": "Exercise.", "procedures": [{"code": "97110", "minutes": 20}]}}})
    assert status == 201, note
    status, signed = api.call("POST", f"/notes/{note['id']}/sign", "practitioner")
    assert status == 200, signed
    # Self-pay case: priced from the code's default fee; the patient owes it all.
    assert [(ln["code"], ln["units"], ln["amount"]) for ln in signed["invoice"]["lines"]] \
        == [("97110", 1, "45.00")]
    assert signed["invoice"]["patient_portion"] == "45.00"


def test_patient_token_sees_only_their_own_records(api):  # type: ignore[no-untyped-def]
    setup_clinic(api)
    ids = []
    for given in ("Ada", "Grace"):
        status, p = api.call("POST", "/patients", "front-desk", json={
            "given_name": given, "family_name": "Tester", "birth_date": "1980-01-01"})
        ids.append(p["id"])
    mine, other = ids
    with api.db.session() as s:
        user = users.create_user(s, Actor.system("tests"), users.UserIn(
            email="ada.tester@example.org", role="patient", patient_id=mine))
        api.tokens["patient"] = users.issue_token(s, Actor.system("tests"), user)
    status, body = api.call("POST", "/cases", "front-desk", json={
        "patient_id": other, "discipline": "rehab", "title": "Other's case"})
    other_case = body["id"]
    assert api.call("GET", f"/patients/{mine}", "patient")[0] == 200
    for path in (f"/patients/{other}", f"/patients/{other}/cases", f"/cases/{other_case}",
                 f"/invoices?patient_id={other}", f"/patients/{other}/account",
                 f"/appointments?patient_id={other}"):
        status, body = api.call("GET", path, "patient")
        assert status == 403, (path, body)
    assert api.call("GET", "/patients?q=tester", "patient")[0] == 403
    assert api.call("GET", "/notes/1", "patient")[0] in (403, 404)
    # A patient's list of appointments is always their own.
    status, body = api.call("GET", "/appointments", "patient")
    assert status == 200 and body == []
    status, body = api.call("PATCH", f"/patients/{other}", "patient",
                            json={"phone": "+1 555 0100"})
    assert status == 403
    # A denied request is audited.
    status, events = api.call("GET", "/audit")
    assert any(e["outcome"] == "denied" and e["role"] == "patient" for e in events)


def test_tokens_roles_and_errors(api):  # type: ignore[no-untyped-def]
    setup_clinic(api)
    assert api.call("GET", "/me", "billing")[1]["role"] == "billing"
    api.tokens["bad"] = "vsl_not-a-token"
    status, body = api.call("GET", "/patients", "bad")
    assert status == 401 and body["error"]
    # Billing staff may not write notes; front desk may not read them.
    assert api.call("POST", "/notes", "billing", json={
        "appointment_id": 1, "template_id": "general.soap"})[0] == 403
    assert api.call("GET", "/notes/1", "front-desk")[0] == 403
    # Revoked tokens stop working.
    with api.db.session() as s:
        user = users.by_email(s, "billing@clinic.test")
        users.revoke_tokens(s, Actor.system("tests"), user)
    assert api.call("GET", "/me", "billing")[0] == 401
    status, body = api.call("GET", "/no/such/thing")
    assert status == 404 and "error" in body
    status, body = api.call("POST", "/patients", "front-desk", data="not json",
                            content_type="application/json")
    assert status == 422 and body["field"] == "body"
    status, body = api.call("GET", "/availability?service=Rehab%20follow-up&from=bad&to=x",
                            "front-desk")
    assert status == 422 and body["field"] == "from"


def test_availability_and_measure_scoring(api):  # type: ignore[no-untyped-def]
    c = setup_clinic(api)
    start = iso(PAST, 0)
    end = datetime.combine(PAST + timedelta(days=30), time(0)).isoformat() + "+00:00"
    status, slots = api.call("GET", f"/availability?service={c['service']['id']}"
                             f"&from={start}&to={end}", "front-desk")
    assert status == 200 and len(slots) == 10
    assert slots[0]["start"].startswith("2025-01-13T08:00")
    status, score = api.call("POST", "/measures/nprs/score", "front-desk",
                             json={"responses": [7]})
    assert status == 200 and score["measure"] == "nprs" and score["value"] == 7.0
    status, body = api.call("POST", "/measures/nprs/score", "front-desk",
                            json={"responses": [12]})
    assert status == 422 and body["field"] == "responses[0]"
    status, score = api.call("POST", "/measures/nprs/score", "front-desk",
                             json={"responses": {"pain": 6}})
    assert status == 200 and score["value"] == 6.0
    status, measures = api.call("GET", "/measures", "front-desk")
    nprs = next(m for m in measures if m["id"] == "nprs")
    assert nprs["missing_rule"]["text"] and nprs["source"]
    # SDK 0.2.1: declared subscales (none for the NPRS) and why a subscore is not scored.
    assert nprs["subscales"] == [] and score["subscore_reasons"] == {}


def test_openapi_document(api):  # type: ignore[no-untyped-def]
    client = api.app.test_client()
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    for path in ("/api/v1/patients", "/api/v1/appointments", "/api/v1/notes/{note_id}/sign",
                 "/api/v1/availability", "/api/v1/invoices", "/api/v1/claims"):
        assert path in doc["paths"], path
    post = doc["paths"]["/api/v1/appointments"]["post"]
    assert "409" in post["responses"] and post["x-permission"] == "appointments.book"
    assert "PatientOut" in doc["components"]["schemas"]
