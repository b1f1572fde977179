"""A patient's scope through the JSON API (issue 13, findings 3, 4 and 12): they change only
their contact and consent details, never see staff-only fields, and list what the
permission table grants them (practitioners, services, locations). On both engines."""

from __future__ import annotations

import pytest
from vesalius.app import create_app
from vesalius.permissions import PATIENT_EDITABLE, STAFF_ONLY_FIELDS
from vesalius.services import Actor, users


@pytest.fixture
def api(db_url):  # type: ignore[no-untyped-def]
    app = create_app(db_url)
    app.config["TESTING"] = True
    db = app.extensions["vesalius.db"]
    system = Actor.system("tests")
    client = app.test_client()
    tokens = {}
    with db.session() as s:
        for email, role, extra in (("owner@clinic.test", "owner", {}),
                                   ("desk@clinic.test", "front-desk", {}),
                                   ("pt@clinic.test", "practitioner",
                                    {"disciplines": ["rehab"]})):
            user = users.create_user(s, system, users.UserIn(email=email, role=role,
                                                             name=role, **extra))
            tokens[role] = users.issue_token(s, system, user)

    def call(method: str, path: str, role: str = "owner", **kw):  # type: ignore[no-untyped-def]
        response = client.open("/api/v1" + path, method=method, **kw, headers={
            "Authorization": f"Bearer {tokens[role]}"})
        return response.status_code, response.get_json()

    status, loc = call("POST", "/locations", json={"name": "Harbour St", "timezone": "UTC",
                                                   "rooms": ["Room A"]})
    assert status == 201, loc
    assert call("POST", "/services", json={
        "name": "Rehab follow-up", "discipline": "rehab", "duration_minutes": 45,
        "price": "95.00"})[0] == 201
    status, me = call("POST", "/patients", "front-desk", json={
        "given_name": "Ada", "family_name": "Tester", "birth_date": "1980-01-01",
        "sex": "female", "admin_note": "Prefers the late slot; pays by card"})
    assert status == 201, me
    with db.session() as s:
        user = users.create_user(s, system, users.UserIn(
            email="ada.tester@example.org", role="patient", patient_id=me["id"]))
        tokens["patient"] = users.issue_token(s, system, user)
    yield call, me["id"]
    db.dispose()


@pytest.mark.parametrize("field, value", [
    ("given_name", "Eve"), ("family_name", "Mallory"), ("birth_date", "1999-09-09"),
    ("sex", "male"), ("admin_note", "VIP"), ("active", False)])
def test_a_patient_cannot_change_their_identity_or_staff_fields(api, field, value):  # type: ignore[no-untyped-def]
    call, me = api
    status, body = call("PATCH", f"/patients/{me}", "patient",
                        json={field: value, "mobile": "+1 416 555 0199"})
    assert status == 403 and body["field"] == field, body
    _status, staff_view = call("GET", f"/patients/{me}", "front-desk")
    assert (staff_view["given_name"], staff_view["family_name"], staff_view["birth_date"],
            staff_view["sex"], staff_view["active"]) == ("Ada", "Tester", "1980-01-01",
                                                         "female", True)
    assert staff_view["admin_note"] == "Prefers the late slot; pays by card"
    assert staff_view["mobile"] is None  # nothing of the refused request was written


def test_a_patient_changes_their_contact_and_consent_details(api):  # type: ignore[no-untyped-def]
    call, me = api
    status, body = call("PATCH", f"/patients/{me}", "patient", json={
        "mobile": "+1 416 555 0199", "preferred_contact": "sms", "reminders_sms": True,
        "pronouns": "she/her"})
    assert status == 200, body
    assert (body["mobile"], body["preferred_contact"], body["reminders_sms"]) == (
        "+1 416 555 0199", "sms", True)
    assert set(body).isdisjoint(STAFF_ONLY_FIELDS)
    status, consent = call("POST", f"/patients/{me}/consents", "patient",
                           json={"kind": "email", "granted": False})
    assert status == 201 and consent["granted"] is False
    # Staff still change identity fields.
    status, body = call("PATCH", f"/patients/{me}", "front-desk", json={"family_name": "Byron"})
    assert status == 200 and body["family_name"] == "Byron"


def test_staff_only_fields_are_absent_for_the_patient(api):  # type: ignore[no-untyped-def]
    call, me = api
    status, body = call("GET", f"/patients/{me}", "patient")
    assert status == 200
    assert "admin_note" not in body and set(body).isdisjoint(STAFF_ONLY_FIELDS)
    assert body["given_name"] == "Ada"
    for role in ("owner", "front-desk", "practitioner"):
        assert call("GET", f"/patients/{me}", role)[1]["admin_note"] == \
            "Prefers the late slot; pays by card"


def test_a_patient_lists_what_the_permission_table_grants(api):  # type: ignore[no-untyped-def]
    call, _me = api
    status, pracs = call("GET", "/practitioners", "patient")
    assert status == 200 and len(pracs) == 1, pracs
    assert call("GET", f"/practitioners/{pracs[0]['id']}", "patient")[0] == 200
    status, services = call("GET", "/services", "patient")
    assert status == 200 and services
    status, locations = call("GET", "/locations", "patient")
    assert status == 200 and [x["name"] for x in locations] == ["Harbour St"]
    assert call("GET", "/me", "patient")[0] == 200
    # Lists of records stay scoped: no patient search, nobody else's record.
    assert call("GET", "/patients?q=tes", "patient")[0] == 403


def test_patient_editable_fields_are_contact_and_preferences_only() -> None:
    assert PATIENT_EDITABLE.isdisjoint({"given_name", "family_name", "birth_date", "sex",
                                        "admin_note", "active"})
