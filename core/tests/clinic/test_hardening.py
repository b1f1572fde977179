"""Hostile input through the JSON API, on SQLite and PostgreSQL (issue 13, findings 7, 8, 9
and 11): every answer a 4xx naming the field, never a 500.

- 7: ids and integers beyond the database's range, Unicode digits, dates near 9999-12-31,
  search prefixes of punctuation, JSON nested thousands deep, NUL in text.
- 8: the body limit (``MAX_CONTENT_LENGTH``) is set and answered with a JSON 413.
- 9: the caller is judged before the body (401 before 422).
- 11: money parsed strictly: ASCII digits, at most 2 decimals, within ``Numeric(12, 2)``.
"""

from __future__ import annotations

from datetime import date

import pytest
from vesalius.app import MAX_BODY_BYTES, create_app
from vesalius.services import Actor, users

BIG = 2**63 + 1  # SQLite's OverflowError
PG_BIG = 2**31  # one beyond a PostgreSQL integer column


@pytest.fixture
def api(db_url):  # type: ignore[no-untyped-def]
    app = create_app(db_url)
    app.config["TESTING"] = True
    db = app.extensions["vesalius.db"]
    with db.session() as s:
        owner = users.create_user(s, Actor.system("tests"), users.UserIn(
            email="owner@clinic.test", role="owner", name="Owner"))
        token = users.issue_token(s, Actor.system("tests"), owner)
    client = app.test_client()

    class Api:
        app_ = app

        def call(self, method: str, path: str, *, auth: bool = True, **kw):  # type: ignore[no-untyped-def]
            headers = {"Authorization": f"Bearer {token}"} if auth else {}
            response = client.open("/api/v1" + path, method=method, headers=headers, **kw)
            assert response.status_code < 500, (method, path, response.get_data(as_text=True))
            return response.status_code, response.get_json()

    yield Api()
    db.dispose()


@pytest.mark.parametrize("ident", [BIG, PG_BIG, 0, 10**30])
def test_ids_outside_the_database_range_name_no_record(api, ident):  # type: ignore[no-untyped-def]
    for path in (f"/patients/{ident}", f"/notes/{ident}", f"/invoices/{ident}",
                 f"/appointments/{ident}", f"/cases/{ident}/timeline"):
        status, body = api.call("GET", path)
        assert status == 404, (path, body)
        assert body["error"]


def test_unicode_digits_are_not_ids(api):  # type: ignore[no-untyped-def]
    assert api.call("GET", "/patients/\u0661")[0] == 404  # ARABIC-INDIC DIGIT ONE
    status, body = api.call("GET", "/availability", query_string={
        "service": "\u00b9", "from": "2026-03-02T00:00:00+00:00",
        "to": "2026-03-03T00:00:00+00:00"})
    assert status == 422 and body["field"] == "service"


@pytest.mark.parametrize("value", [str(BIG), str(PG_BIG), "1_000", "\u0661", "-99999999999"])
def test_integer_filters_out_of_range_are_422_naming_the_field(api, value):  # type: ignore[no-untyped-def]
    for path, name in (("/invoices", "patient_id"), ("/appointments", "practitioner_id"),
                       ("/audit", "user_id"), ("/patients", "offset")):
        status, body = api.call("GET", path, query_string={name: value})
        assert status == 422, (path, value, body)
        assert body["field"] == name


def test_integer_in_a_body_out_of_range_is_422(api):  # type: ignore[no-untyped-def]
    status, body = api.call("POST", "/cases", json={
        "patient_id": BIG, "discipline": "general", "title": "Knee"})
    assert status == 422 and body["field"] == "patient_id"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_dates_outside_the_sane_range_are_422(api, day):  # type: ignore[no-untyped-def]
    status, body = api.call("GET", "/calendar", query_string={"date": day})
    assert status == 422 and body["field"] == "date", body
    status, body = api.call("GET", "/reports/revenue",
                            query_string={"from": "2026-01-01", "to": day})
    assert status == 422 and body["field"] == "to", body
    status, body = api.call("GET", "/availability", query_string={
        "service": "1", "from": f"{day}T00:00:00+00:00", "to": f"{day}T23:00:00+00:00"})
    assert status == 422 and body["field"] == "from", body
    status, body = api.call("POST", "/appointments", json={
        "patient_id": 1, "practitioner_id": 1, "start": f"{day}T23:00:00-05:00"})
    assert status == 422 and body["field"] == "start", body
    status, body = api.call("POST", "/patients", json={
        "given_name": "Ada", "family_name": "Byron", "birth_date": day})
    assert status == 422 and body["field"] == "birth_date", body


def test_sane_dates_still_work(api):  # type: ignore[no-untyped-def]
    status, body = api.call("GET", "/calendar", query_string={"date": "2200-12-31"})
    assert status == 200, body
    status, body = api.call("POST", "/patients", json={
        "given_name": "Ada", "family_name": "Byron", "birth_date": "1900-01-01"})
    assert status == 201, body
    assert body["birth_date"] == date(1900, 1, 1).isoformat()


@pytest.mark.parametrize("q", [",", ", ,", ";", "'", "\u00b7", ",,,,", "\U0010ffff"])
def test_search_prefixes_of_punctuation_return_empty(api, q):  # type: ignore[no-untyped-def]
    api.call("POST", "/patients", json={"given_name": "Jane", "family_name": "Smith"})
    status, body = api.call("GET", "/patients", query_string={"q": q})
    assert status == 200 and body == []


def test_deep_json_and_nul_text_are_422(api):  # type: ignore[no-untyped-def]
    status, body = api.call("POST", "/patients", data="[" * 5000 + "]" * 5000,
                            content_type="application/json")
    assert status == 422 and body["field"] == "body" and "deeper" in body["error"]
    status, body = api.call("POST", "/patients", json={"given_name": "A\x00a",
                                                       "family_name": "B"})
    assert status == 422 and body["field"] == "given_name", body
    status, body = api.call("GET", "/patients", query_string={"q": "sm\x00"})
    assert status == 422, body


def test_body_limit_is_set_and_answered_with_json_413(api):  # type: ignore[no-untyped-def]
    assert api.app_.config["MAX_CONTENT_LENGTH"] == MAX_BODY_BYTES == 2 * 1024 * 1024
    big = '{"given_name": "' + "x" * (MAX_BODY_BYTES + 10) + '", "family_name": "B"}'
    status, body = api.call("POST", "/patients", data=big, content_type="application/json")
    assert status == 413 and "limit" in body["error"]
    doc = api.call("GET", "/openapi.json")[1]
    assert "413" in doc["paths"]["/api/v1/patients"]["post"]["responses"]


def test_no_token_is_401_before_the_body_is_judged(api):  # type: ignore[no-untyped-def]
    status, body = api.call("POST", "/cases", auth=False, json={"nonsense": True})
    assert status == 401, body
    assert "discipline" not in body["error"]
    status, _ = api.call("POST", "/patients", auth=False, data="[" * 5000,
                         content_type="application/json")
    assert status == 401


@pytest.mark.parametrize("amount", ["1_000", "\u0661\u0660\u0660", "1E+2", "1e2", "12.345",
                                    "99999999999.99", "NaN", " ", "0x10", 1e20, "12,50"])
def test_money_is_parsed_strictly(api, amount):  # type: ignore[no-untyped-def]
    status, body = api.call("POST", "/services", json={
        "name": "Massage", "discipline": "general", "duration_minutes": 60,
        "price": amount})
    assert status == 422, (amount, body)
    assert body["field"] == "price"


@pytest.mark.parametrize(("amount", "stored"), [("95", "95.00"), ("95.5", "95.50"),
                                                ("9999999999.99", "9999999999.99"),
                                                (12, "12.00")])
def test_plain_amounts_still_work(api, amount, stored):  # type: ignore[no-untyped-def]
    status, body = api.call("POST", "/services", json={
        "name": f"Massage {stored}", "discipline": "general", "duration_minutes": 60,
        "price": amount})
    assert status == 201, body
    assert body["price"] == stored


def test_openapi_bounds_the_ids(api):  # type: ignore[no-untyped-def]
    doc = api.call("GET", "/openapi.json")[1]
    (param,) = doc["paths"]["/api/v1/patients/{patient_id}"]["get"]["parameters"]
    assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
