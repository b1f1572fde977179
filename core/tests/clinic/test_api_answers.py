"""What the API answers to input found by the role matrix and schemathesis runs (issue 13):
a 4xx naming the field, never a 409 for bad input or a 5xx; on both engines."""

from __future__ import annotations

import pytest
from vesalius.app import create_app
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
        user = users.create_user(s, system, users.UserIn(email="owner@clinic.test",
                                                         role="owner", name="Owner"))
        tokens["owner"] = users.issue_token(s, system, user)

    def call(method: str, path: str, role: str = "owner", **kw):  # type: ignore[no-untyped-def]
        response = client.open("/api/v1" + path, method=method, **kw, headers={
            "Authorization": f"Bearer {tokens[role]}"})
        return response.status_code, response.get_json()

    status, patient = call("POST", "/patients", json={
        "given_name": "Ada", "family_name": "Tester", "birth_date": "1980-01-01"})
    assert status == 201, patient
    with db.session() as s:
        user = users.create_user(s, system, users.UserIn(
            email="ada@example.org", role="patient", patient_id=patient["id"]))
        tokens["patient"] = users.issue_token(s, system, user)
    yield call, patient["id"]
    db.dispose()


@pytest.mark.parametrize("role", ["owner", "patient"])
@pytest.mark.parametrize("name", ["reminders_sms", "reminders_email", "marketing_opt_in",
                                  "preferred_contact"])
def test_null_for_a_field_that_needs_a_value_is_a_422_naming_it(api, role, name):  # type: ignore[no-untyped-def]
    """It was a 409 "the change conflicts with existing records" (the NOT NULL column)."""
    call, me = api
    status, body = call("PATCH", f"/patients/{me}", role, json={name: None})
    assert (status, body["field"]) == (422, name), body
    status, body = call("GET", f"/patients/{me}", role)
    assert body[name] is not None


def test_null_for_a_field_that_may_be_empty_empties_it(api):  # type: ignore[no-untyped-def]
    call, me = api
    assert call("PATCH", f"/patients/{me}", json={"mobile": "+1 416 555 0199"})[0] == 200
    status, body = call("PATCH", f"/patients/{me}", "patient", json={"mobile": None})
    assert status == 200 and body["mobile"] is None


def test_a_query_parameter_text_problem_names_the_parameter(api):  # type: ignore[no-untyped-def]
    """The field is the parameter's name, as for every other query problem (was
    ``query.status``)."""
    call, me = api
    status, body = call("GET", f"/invoices?patient_id={me}&status=%00")
    assert (status, body["field"]) == (422, "status"), body
    status, body = call("GET", "/patients?q=ada%00")
    assert (status, body["field"]) == (422, "q"), body
