"""The role x operation matrix (issue 13), generated from the permission table and the
OpenAPI document, on SQLite and PostgreSQL.

Every documented operation is called with every role's token, on a clinic built for that
role (the notes it may write are its own, the patient's records are the patient's own):

* a role the table grants the operation's permission gets a success (2xx): the table and
  the services agree, and a grant the services refuse is found;
* any other role gets 403 before its input is looked at; no token, or an unknown one, 401;
* patient A with patient B's ids (B's record, cases, appointments, notes, invoices,
  payments, measures, in paths, filters and bodies) gets 403 or 404, never a success.

The expected outcome comes from the table (``allowed(role, x-permission)``), never from a
list here. :data:`REQUESTS` only says how to call each operation well; an operation it
does not know is still called, its path ids filled by name and an empty body, so a new
route is in the matrix the day it is added. A route outside the OpenAPI document, or one
whose permission is not in the table, fails :func:`test_every_api_route_is_in_the_table`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from clinic_factories import visit_document
from clinic_x12 import era
from sqlalchemy import update
from vesalius.app import create_app
from vesalius.models import Patient
from vesalius.permissions import PERMISSIONS, ROLES, allowed
from vesalius.services import Actor, users

#: Operations anyone may call without a token.
PUBLIC = frozenset({("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/public/services"),
                    ("GET", "/api/v1/public/slots")})
PAST = date(2025, 1, 13)  # a Monday: past visits, charted and billed


def _next_monday() -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=14 - today.weekday())  # 8 to 14 days ahead


FUTURE = _next_monday()


def iso(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), UTC).isoformat()


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str  # "/api/v1/notes/{note_id}"
    permission: str | None
    path_params: tuple[str, ...]


def operations(app: Any) -> list[Operation]:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    return [Operation(op["operationId"], method.upper(), path, op.get("x-permission"),
                      tuple(p["name"] for p in op["parameters"] if p["in"] == "path"))
            for path, ops in doc["paths"].items() for method, op in ops.items()]


# -- the clinic ---------------------------------------------------------------------------


@dataclass
class Api:
    client: Any
    tokens: dict[str, str]

    def call(self, method: str, path: str, role: str | None = "owner",
             query: dict[str, Any] | None = None, body: Any = None) -> tuple[int, Any]:
        headers = {"User-Agent": "matrix"}
        if role is not None:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        kw: dict[str, Any] = {"headers": headers}
        if query:
            kw["query_string"] = query
        if body is not None:
            kw["json"] = body
        response = self.client.open(path if path.startswith("/api/") else "/api/v1" + path,
                                    method=method, **kw)
        return response.status_code, response.get_json(silent=True)

    def ok(self, method: str, path: str, role: str = "owner", **kw: Any) -> Any:
        status, body = self.call(method, path, role, **kw)
        assert 200 <= status < 300, (method, path, role, status, body)
        return body


@dataclass
class Records:
    """One patient's records, each made for the operation that uses it (operations change
    state: the draft one signs is not the draft another discards)."""

    patient: int
    case: int = 0
    case_to_close: int = 0
    visit: int = 0          # arrived, no note yet
    draft: int = 0          # read, edited, previewed
    draft_to_sign: int = 0
    draft_to_discard: int = 0
    signed: int = 0         # addenda; its invoice is read and issued
    signed_in_error: int = 0
    invoice: int = 0
    invoice_to_void: int = 0
    invoice_to_edit: int = 0
    line_to_edit: int = 0
    invoice_to_claim: int = 0
    claim: int = 0
    payment: int = 0
    upcoming: int = 0
    to_cancel: int = 0
    to_move: int = 0
    in_series: int = 0
    in_series_to_cancel: int = 0
    waitlist_entry: int = 0
    payer: int = 0
    package: int = 0        # sold to the patient, refunded by the role
    hour: int = 7           # the first hour of this patient's visits (A 07:00, B 13:00)


@dataclass
class World:
    api: Api
    practitioner: int
    location: int
    service: int
    payer: int
    digest: str
    mine: Records
    other: Records
    users: dict[str, int] = field(default_factory=dict)
    past_retention: int = 0     # a patient last seen in 1990: their record may be destroyed
    erasure_to_process: int = 0
    erasure_to_refuse: int = 0
    product: int = 0            # a package of sessions on sale


def _signed(api: Api, appointment: int) -> tuple[int, dict[str, Any]]:
    """A note signed by the practitioner, with its invoice."""
    author = "practitioner"
    note = api.ok("POST", "/notes", author, body={"appointment_id": appointment,
                                                  "template_id": "rehab.visit"})
    api.ok("PATCH", f"/notes/{note['id']}", author, body={"document": visit_document(
        pain=6, diagnosis=["M25.561"],
        procedures=[{"code": "97110", "minutes": 25}, {"code": "97140", "minutes": 13}])})
    signed = api.ok("POST", f"/notes/{note['id']}/sign", author)
    assert signed["invoice"] is not None
    return note["id"], signed["invoice"]


def _records(api: Api, patient: int, day: date, hour: int, author: str, prac: int,
             service: int, payer: int, author_treats: int | None = None) -> Records:
    """``author_treats``: the author's own practitioner record (an owner who treats), put on
    the case's team so that the patient is in their care (they sign as a practitioner)."""
    r = Records(patient=patient, hour=hour, payer=payer)
    coverage = api.ok("POST", f"/patients/{patient}/coverages", "front-desk", body={
        "payer_id": payer, "member_id": f"ACM-{patient}", "copay": "10.00",
        "coinsurance_percent": "20"})
    r.case = api.ok("POST", "/cases", "front-desk", body={
        "patient_id": patient, "discipline": "rehab", "title": "Right knee pain",
        "diagnosis_codes": ["M25.561"], "coverage_id": coverage["id"],
        "primary_practitioner_id": prac})["id"]
    if author_treats is not None:
        api.ok("POST", f"/cases/{r.case}/team", body={"practitioner_id": author_treats})
    r.case_to_close = api.ok("POST", "/cases", "front-desk", body={
        "patient_id": patient, "discipline": "rehab", "title": "Old ankle sprain"})["id"]
    api.ok("POST", f"/cases/{r.case}/measures", "practitioner",
           body={"measure": "nprs", "responses": [7], "taken_on": day.isoformat()})

    def visit(hour_of_day: int, on: date = day) -> int:
        """A visit the patient arrived for."""
        appt = api.ok("POST", "/appointments", "front-desk", body={
            "patient_id": patient, "practitioner_id": prac, "case_id": r.case,
            "service_id": service, "start": iso(on, hour_of_day)})
        api.ok("POST", f"/appointments/{appt['id']}/status", "front-desk",
               body={"status": "arrived"})
        return int(appt["id"])

    def draft(hour_of_day: int, document: dict[str, Any] | None = None) -> int:
        return int(api.ok("POST", "/notes", author, body={
            "appointment_id": visit(hour_of_day), "template_id": "rehab.visit",
            "document": document or {}})["id"])

    r.visit = visit(hour)
    r.draft = draft(hour + 1, visit_document(pain=5))
    r.draft_to_sign = draft(hour + 2, visit_document(pain=4, diagnosis=["M25.561"]))
    r.draft_to_discard = draft(hour + 3)
    r.signed, invoice = _signed(api, visit(hour + 4))
    r.invoice = invoice["id"]
    r.signed_in_error, invoice = _signed(api, visit(hour + 5))
    r.invoice_to_void = invoice["id"]
    # Three more signed visits, two days later.
    next_day = day + timedelta(days=2)
    _note, invoice = _signed(api, visit(hour, next_day))
    r.invoice_to_edit, r.line_to_edit = invoice["id"], invoice["lines"][0]["id"]
    _note, invoice = _signed(api, visit(hour + 1, next_day))
    r.invoice_to_claim = invoice["id"]
    _note, invoice = _signed(api, visit(hour + 2, next_day))
    r.claim = api.ok("POST", "/claims", "billing", body={"invoice_id": invoice["id"]})["id"]
    r.payment = api.ok("POST", "/payments", "front-desk", body={
        "patient_id": patient, "amount": "20.00", "method": "card"})["id"]

    def upcoming(days: int, hour_of_day: int) -> int:
        return int(api.ok("POST", "/appointments", "front-desk", body={
            "patient_id": patient, "practitioner_id": prac, "case_id": r.case,
            "service_id": service, "start": iso(FUTURE + timedelta(days=days),
                                                hour_of_day)})["id"])

    r.upcoming, r.to_cancel, r.to_move = upcoming(0, hour), upcoming(0, hour + 1), \
        upcoming(0, hour + 2)
    for attr, hour_of_day in (("in_series", hour + 3), ("in_series_to_cancel", hour + 4)):
        series = api.ok("POST", "/appointment-series", "front-desk", body={
            "patient_id": patient, "practitioner_id": prac, "case_id": r.case,
            "service_id": service, "start": iso(FUTURE, hour_of_day),
            "recurrence": {"frequency": "weekly", "count": 2}})
        setattr(r, attr, series["appointments"][0]["id"])
    r.waitlist_entry = api.ok("POST", "/waitlist", "front-desk", body={
        "patient_id": patient, "service_id": service})["id"]
    return r


def build_world(db_url: str, acting: str | None) -> Iterator[World]:
    """A clinic for the role ``acting``: the drafts are written by it when it may write
    notes (drafts are their author's), else by the practitioner; the patient token is
    patient A's."""
    app = create_app(db_url)
    app.config["TESTING"] = True
    db = app.extensions["vesalius.db"]
    system = Actor.system("tests")
    tokens: dict[str, str] = {}
    user_ids: dict[str, int] = {}
    with db.session() as s:
        for email, role, extra in (  # the owner treats too (the usual small clinic)
                ("owner@clinic.test", "owner", {"disciplines": ["rehab"]}),
                ("desk@clinic.test", "front-desk", {}),
                ("billing@clinic.test", "billing", {}),
                ("pt@clinic.test", "practitioner", {"disciplines": ["rehab", "general"]})):
            user = users.create_user(s, system, users.UserIn(email=email, role=role,
                                                             name=role, **extra))
            tokens[role], user_ids[role] = users.issue_token(s, system, user), user.id
    api = Api(app.test_client(), tokens)
    loc = api.ok("POST", "/locations", body={"name": "Harbour St", "timezone": "UTC",
                                            "rooms": ["Room A", "Room B"]})
    prac = next(p for p in api.ok("GET", "/practitioners") if p["display_name"] ==
                "practitioner")
    owners = next(p["id"] for p in api.ok("GET", "/practitioners") if p["display_name"] ==
                  "owner")
    api.ok("PATCH", f"/practitioners/{prac['id']}", body={
        "npi": "1234567893", "provider_number": "PRV-77", "default_location_id": loc["id"]})
    api.ok("PUT", f"/practitioners/{prac['id']}/hours", body={"hours": [
        {"location_id": loc["id"], "weekday": d, "start_time": "07:00", "end_time": "20:00"}
        for d in range(5)]})
    service = api.ok("POST", "/services", body={
        "name": "Rehab follow-up", "discipline": "rehab", "duration_minutes": 45,
        "price": "95.00"})
    payer = api.ok("POST", "/payers", body={"name": "Acme Health", "kind": "commercial",
                                            "payer_code": "ACME01"})
    api.ok("POST", "/fee-schedules", body={"name": "Acme", "payer_id": payer["id"], "fees": [
        {"code": "97110", "amount": "50.00"}, {"code": "97140", "amount": "48.00"}]})
    ids = [api.ok("POST", "/patients", "front-desk", body={
        "given_name": given, "family_name": "Tester", "birth_date": "1980-01-01",
        "sex": "female", "email": f"{given.lower()}@example.org",
        "address_line1": "12 Analytical Row", "city": "London", "postal_code": "N1 7AA",
    })["id"] for given in ("Ada", "Grace")]
    with db.session() as s:
        for key, patient_id in zip(("patient", "patient-b"), ids, strict=True):
            user = users.create_user(s, system, users.UserIn(
                email=f"{key}@example.org", role="patient", patient_id=patient_id))
            tokens[key], user_ids[key] = users.issue_token(s, system, user), user.id
    author = acting if acting in PERMISSIONS["notes.write"] else "practitioner"
    mine, other = (
        _records(api, patient_id, PAST + timedelta(days=i), hour, author, prac["id"],
                 service["id"], payer["id"], owners if author == "owner" else None)
        for i, (patient_id, hour) in enumerate(zip(ids, (7, 13), strict=True)))
    api.ok("GET", "/calendar", query={"date": PAST.isoformat()})  # a list read to look up
    digest = next(e["list_digest"] for e in api.ok("GET", "/audit") if e["list_digest"])
    world = World(api, prac["id"], loc["id"], service["id"], payer["id"], digest, mine,
                  other, user_ids)
    old, *erasing = (api.ok("POST", "/patients", "front-desk", body={
        "given_name": given, "family_name": "Record", "birth_date": "1950-01-01",
        "email": f"{given.lower()}@example.org"})["id"] for given in ("Old", "Dora", "Erin"))
    with db.session() as s:  # registered, and last seen, in 1990
        s.execute(update(Patient).where(Patient.id == old).values(
            created_at=datetime(1990, 1, 1, tzinfo=UTC)))
    world.past_retention = old
    # Patient A holds 7 upcoming visits (its records need them): the online cap is above.
    api.ok("PATCH", "/settings/online-booking", body={"max_future": 20})
    for records in (mine, other):  # a team member each role may take off its case
        api.ok("POST", f"/cases/{records.case_to_close}/team",
               body={"practitioner_id": prac["id"]})
    world.erasure_to_process, world.erasure_to_refuse = (api.ok(
        "POST", f"/patients/{pid}/erasure-requests", body={"scope": "marketing"})["id"]
        for pid in erasing)
    world.product = api.ok("POST", "/package-products", body={
        "name": "10 x Rehab follow-up", "service_ids": [service["id"]], "sessions": 10,
        "price": "800.00", "validity_days": 365})["id"]
    for records in (mine, other):
        records.package = api.ok("POST", f"/patients/{records.patient}/packages",
                                 "front-desk", body={"product_id": world.product})["id"]
    yield world
    db.dispose()


# -- how to call each operation -----------------------------------------------------------


def _line_to_remove(w: World, r: Records) -> Request:
    """A line the owner adds to the draft for the role to remove (one of its own each time)."""
    invoice = w.api.ok("POST", f"/invoices/{r.invoice_to_edit}/lines", body={"code": "97110"})
    line = max(line["id"] for line in invoice["lines"])
    return Request({"invoice_id": r.invoice_to_edit, "line_id": line})


X12_SETTINGS = {
    "organisation_name": "Harbour Physio", "npi": "1234567893", "tax_id": "123456789",
    "address_line1": "123 Main St", "city": "Springfield", "state": "IL",
    "postal_code": "627011234", "submitter_id": "SUBM001", "contact_name": "Billing Office",
    "contact_phone": "5555551234", "receiver_name": "Acme Clearinghouse",
    "receiver_id": "RECV001"}


def _x12_ready(w: World, r: Records, request: Request) -> Request:
    """The owner sets the clinic's X12 details and gives the patient a US address, so an
    837P of the patient's claim can be written."""
    w.api.ok("PUT", "/x12/settings", body=X12_SETTINGS)
    w.api.ok("PATCH", f"/patients/{r.patient}", body={"region": "IL", "postal_code": "62701"})
    return request


_ROWS = itertools.count(1)


def _unmatched_row(w: World) -> int:
    """A worklist row of its own: an 835 (new trace each time) for a claim not ours."""
    count = next(_ROWS)
    answer = w.api.ok("POST", "/remittances", body={"x12": era(
        f"NOT-OURS-{count}", [("97110", "50.00", "50.00", [])], trace=f"EFT-RESOLVE-{count}",
        control=f"{900000000 + count:09d}")})
    return int(answer["claims"][0]["id"])


@dataclass(frozen=True)
class Request:
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None


Build = Callable[[World, Records], Request]


def _series(w: World, r: Records, offset: int) -> dict[str, Any]:
    return {"patient_id": r.patient, "practitioner_id": w.practitioner, "case_id": r.case,
            "service_id": w.service, "start": iso(FUTURE + timedelta(days=offset), r.hour)}


#: A request each operation succeeds with, for a role the table allows, on records in its
#: scope (``r``: the patient's records). Never an expected outcome.
REQUESTS: dict[str, Build] = {
    # Patients.
    "me": lambda w, r: Request(),
    "create_patient": lambda w, r: Request(body={
        "given_name": "Mary", "family_name": "Shelley", "birth_date": "1997-08-30"}),
    "search_patients": lambda w, r: Request(query={"q": "tes"}),
    "read_patient": lambda w, r: Request({"patient_id": r.patient}),
    "update_patient": lambda w, r: Request({"patient_id": r.patient},
                                           body={"mobile": "+1 416 555 0199"}),
    "list_consents": lambda w, r: Request({"patient_id": r.patient}),
    "add_consent": lambda w, r: Request({"patient_id": r.patient},
                                        body={"kind": "email", "granted": False}),
    "list_coverages": lambda w, r: Request({"patient_id": r.patient}),
    "add_coverage": lambda w, r: Request({"patient_id": r.patient}, body={
        "payer_id": w.payer, "member_id": "SECOND-1"}),
    "patient_cases": lambda w, r: Request({"patient_id": r.patient}),
    "patient_account": lambda w, r: Request({"patient_id": r.patient},
                                            query={"case_id": r.case}),
    "break_the_glass": lambda w, r: Request({"patient_id": r.patient},
                                            body={"reason": "Covering for a colleague"}),
    # The clinic.
    "list_practitioners": lambda w, r: Request(query={"discipline": "rehab"}),
    "read_practitioner": lambda w, r: Request({"practitioner_id": w.practitioner}),
    "update_practitioner": lambda w, r: Request({"practitioner_id": w.practitioner},
                                                body={"colour": "#336699"}),
    "set_hours": lambda w, r: Request({"practitioner_id": w.practitioner}, body={"hours": [
        {"location_id": w.location, "weekday": d, "start_time": "07:00",
         "end_time": "20:00"} for d in range(5)]}),
    "list_locations": lambda w, r: Request(),
    "create_location": lambda w, r: Request(body={"name": "Second site", "rooms": ["Gym"]}),
    "list_services": lambda w, r: Request(),
    "create_service": lambda w, r: Request(body={
        "name": "Rehab group class", "discipline": "rehab", "duration_minutes": 30}),
    "list_payers": lambda w, r: Request(),
    "create_payer": lambda w, r: Request(body={"name": "Harbour Mutual"}),
    "create_fee_schedule": lambda w, r: Request(body={
        "name": "Own fees", "fees": [{"code": "97110", "amount": "55.00"}]}),
    "list_access_grants": lambda w, r: Request(),
    # Cases.
    "open_case": lambda w, r: Request(body={"patient_id": r.patient, "discipline": "rehab",
                                            "title": "Neck pain"}),
    "read_case": lambda w, r: Request({"case_id": r.case}),
    "update_case": lambda w, r: Request({"case_id": r.case},
                                        body={"referrer_name": "Dr Babbage"}),
    "close_case": lambda w, r: Request({"case_id": r.case_to_close},
                                       body={"reason": "Goals met"}),
    "case_timeline": lambda w, r: Request({"case_id": r.case}),
    # Scheduling.
    "book": lambda w, r: Request(body={"patient_id": r.patient,
                                       "practitioner_id": w.practitioner,
                                       "service_id": w.service, "case_id": r.case,
                                       "start": iso(FUTURE + timedelta(days=2), r.hour)}),
    "list_appointments": lambda w, r: Request(query={"patient_id": r.patient}),
    "read_appointment": lambda w, r: Request({"appointment_id": r.upcoming}),
    "set_status": lambda w, r: Request({"appointment_id": r.to_cancel}, body={
        "status": "cancelled", "reason": "Feeling better"}),
    "reschedule": lambda w, r: Request({"appointment_id": r.to_move}, body={
        "start": iso(FUTURE + timedelta(days=4), r.hour)}),
    "book_series": lambda w, r: Request(body=_series(w, r, 3) | {
        "recurrence": {"frequency": "weekly", "count": 2}}),
    "edit_series": lambda w, r: Request({"appointment_id": r.in_series}, body={
        "scope": "one", "duration_minutes": 30}),
    "cancel_series": lambda w, r: Request({"appointment_id": r.in_series_to_cancel}, body={
        "scope": "one", "reason": "Away that week"}),
    "calendar": lambda w, r: Request(query={"date": FUTURE.isoformat()}),
    "find_availability": lambda w, r: Request(query={
        "service": w.service, "from": iso(FUTURE, 0), "to": iso(FUTURE + timedelta(7), 0)}),
    "public_services": lambda w, r: Request(),
    "public_slots": lambda w, r: Request(query={"service_id": w.service}),
    "list_waitlist": lambda w, r: Request(),
    "add_waitlist": lambda w, r: Request(body={"patient_id": r.patient,
                                               "service_id": w.service}),
    "book_from_waitlist": lambda w, r: Request({"entry_id": r.waitlist_entry}, body={
        "practitioner_id": w.practitioner,
        "start": iso(FUTURE + timedelta(days=1), r.hour)}),
    # Clinical records.
    "create_note": lambda w, r: Request(body={"appointment_id": r.visit,
                                              "template_id": "rehab.visit"}),
    "visit_template": lambda w, r: Request({"appointment_id": r.visit}),
    "read_note": lambda w, r: Request({"note_id": r.draft}),
    "update_note": lambda w, r: Request({"note_id": r.draft},
                                        body={"document": visit_document(pain=3)}),
    "discard_note": lambda w, r: Request({"note_id": r.draft_to_discard}),
    "previous_note": lambda w, r: Request({"note_id": r.draft}),
    "note_problems": lambda w, r: Request({"note_id": r.draft}),
    "preview_charges": lambda w, r: Request({"note_id": r.draft}),
    "sign_note": lambda w, r: Request({"note_id": r.draft_to_sign}),
    "add_addendum": lambda w, r: Request({"note_id": r.signed},
                                         body={"text": "Home programme reviewed by phone."}),
    "entered_in_error": lambda w, r: Request({"note_id": r.signed_in_error},
                                             body={"reason": "Charted on the wrong visit"}),
    "case_notes": lambda w, r: Request({"case_id": r.case}),
    "list_templates": lambda w, r: Request(),
    "read_template": lambda w, r: Request({"template_id": "rehab.visit"}),
    "list_measures": lambda w, r: Request(),
    "score_measure": lambda w, r: Request({"measure_id": "nprs"}, body={"responses": [4]}),
    "record_measure": lambda w, r: Request({"case_id": r.case}, body={
        "measure": "nprs", "responses": [3]}),
    "case_measures": lambda w, r: Request({"case_id": r.case}),
    # Intake before a visit.
    "send_intake": lambda w, r: Request({"appointment_id": r.upcoming}, body={
        "template_id": "rehab.visit", "sections": ["subjective"]}),
    "appointment_intake": lambda w, r: Request({"appointment_id": r.upcoming}),
    # Money.
    "list_invoices": lambda w, r: Request(query={"patient_id": r.patient}),
    "read_invoice": lambda w, r: Request({"invoice_id": r.invoice}),
    "issue_invoice": lambda w, r: Request({"invoice_id": r.invoice}),
    "void_invoice": lambda w, r: Request({"invoice_id": r.invoice_to_void},
                                         body={"reason": "Duplicate"}),
    "update_line": lambda w, r: Request({"invoice_id": r.invoice_to_edit,
                                         "line_id": r.line_to_edit}, body={"units": 1}),
    "add_line": lambda w, r: Request({"invoice_id": r.invoice_to_edit},
                                     body={"code": "97110"}),
    "remove_line": lambda w, r: _line_to_remove(w, r),
    "add_discount": lambda w, r: Request({"invoice_id": r.invoice_to_edit},
                                         body={"amount": "1.00", "reason": "Loyalty"}),
    # An invoice already issued: the answer is 200 with it among the refused.
    "issue_invoices": lambda w, r: Request(body={"invoice_ids": [r.invoice]}),
    "record_payment": lambda w, r: Request(body={"patient_id": r.patient, "amount": "15.00",
                                                 "method": "cash"}),
    "list_payments": lambda w, r: Request(query={"patient_id": r.patient}),
    "refund": lambda w, r: Request({"payment_id": r.payment},
                                   body={"amount": "5.00", "reason": "Overpaid"}),
    "create_claim": lambda w, r: Request(body={"invoice_id": r.invoice_to_claim}),
    "list_claims": lambda w, r: Request(query={"patient_id": r.patient}),
    "read_claim": lambda w, r: Request({"claim_id": r.claim}),
    "claim_note": lambda w, r: Request({"claim_id": r.claim},
                                       body={"text": "Called the payer: in review"}),
    "claim_status": lambda w, r: Request({"claim_id": r.claim}, body={"status": "ready"}),
    "worklist": lambda w, r: Request(),
    # X12 (837P out, 835 in).
    "read_x12_settings": lambda w, r: _x12_ready(w, r, Request()),
    "save_x12_settings": lambda w, r: Request(body=X12_SETTINGS),
    "claim_837p": lambda w, r: _x12_ready(w, r, Request({"claim_id": r.claim})),
    "import_remittance": lambda w, r: Request(body={"x12": era(
        "NOT-OURS-1", [("97110", "50.00", "40.00", [("CO", "45", "10.00")])])}),
    "remittance_worklist": lambda w, r: Request(),
    "resolve_remittance_row": lambda w, r: Request(
        {"row_id": _unmatched_row(w)}, body={"resolution": "Not our patient: told the payer"}),
    "revenue": lambda w, r: Request(query={"from": "2025-01-01", "to": "2025-02-01"}),
    "audit_log": lambda w, r: Request(query={"patient_id": r.patient}),
    "audit_list": lambda w, r: Request({"digest": w.digest}),
    # Packages of sessions.
    "list_package_products": lambda w, r: Request(),
    "create_package_product": lambda w, r: Request(body={
        "name": "5 x Rehab follow-up", "service_ids": [w.service], "sessions": 5,
        "price": "420.00", "validity_days": 180}),
    "update_package_product": lambda w, r: Request({"product_id": w.product},
                                                   body={"price": "780.00"}),
    "patient_packages": lambda w, r: Request({"patient_id": r.patient}),
    "sell_package": lambda w, r: Request({"patient_id": r.patient},
                                         body={"product_id": w.product}),
    "refund_package": lambda w, r: Request({"package_id": r.package},
                                           body={"reason": "Moving away"}),
    "package_drawdowns": lambda w, r: Request({"package_id": r.package}),
    # The case team.
    "case_team_list": lambda w, r: Request({"case_id": r.case}),
    "case_team_add": lambda w, r: Request({"case_id": r.case},
                                          body={"practitioner_id": w.practitioner}),
    "case_team_remove": lambda w, r: Request({"case_id": r.case_to_close,
                                              "practitioner_id": w.practitioner}),
    # Retention and erasure.
    "read_policy": lambda w, r: Request(),
    "set_policy": lambda w, r: Request(body={
        "jurisdiction": "Ontario", "adult_years": 10, "majority_age": 18,
        "minor_years_after_majority": 10, "minor_years_after_contact": 10,
        "financial_years": 7}),
    "report": lambda w, r: Request(),
    "destroy": lambda w, r: Request(body={"patient_ids": [w.past_retention],
                                          "reason": "retention period ended"}),
    "destructions": lambda w, r: Request(),
    "request_erasure": lambda w, r: Request({"patient_id": r.patient},
                                            body={"scope": "marketing"}),
    "patient_requests": lambda w, r: Request({"patient_id": r.patient}),
    "list_requests": lambda w, r: Request(),
    "process_request": lambda w, r: Request({"request_id": w.erasure_to_process}),
    "refuse_request": lambda w, r: Request({"request_id": w.erasure_to_refuse},
                                           body={"reason": "records still needed for a claim"}),
}


def _by_name(w: World, r: Records, name: str) -> Any:
    """A path id for an operation :data:`REQUESTS` does not know, from its name."""
    known = {"patient_id": r.patient, "case_id": r.case, "appointment_id": r.upcoming,
             "note_id": r.draft, "invoice_id": r.invoice, "payment_id": r.payment,
             "claim_id": r.claim, "entry_id": r.waitlist_entry, "line_id": r.line_to_edit,
             "practitioner_id": w.practitioner, "location_id": w.location,
             "service_id": w.service, "payer_id": w.payer, "template_id": "rehab.visit",
             "measure_id": "nprs", "digest": w.digest}
    assert name in known, f"the matrix cannot fill the path parameter {name!r}: add the " \
                          f"operation to REQUESTS"
    return known[name]


def request_for(op: Operation, w: World, r: Records, has_body: bool) -> Request:
    if op.id in REQUESTS:
        return REQUESTS[op.id](w, r)
    return Request({name: _by_name(w, r, name) for name in op.path_params},
                   body={} if has_body else None)


def send(w: World, op: Operation, req: Request, role: str | None) -> tuple[int, Any]:
    path = op.path
    for name in op.path_params:
        path = path.replace("{" + name + "}", str(req.path[name]))
    return w.api.call(op.method, path, role, query=req.query, body=req.body)


def _with_body(app: Any) -> set[str]:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    return {op["operationId"] for ops in doc["paths"].values() for op in ops.values()
            if "requestBody" in op}


# -- the tests ----------------------------------------------------------------------------


def test_every_api_route_is_in_the_table(db_url):  # type: ignore[no-untyped-def]
    """Every ``/api/`` rule of the app is a documented operation whose permission is in the
    table (or is one of the public ones); every permission the routes use exists."""
    app = create_app(db_url)
    documented = {(op.method, op.path): op for op in operations(app)}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((method, path))
    assert routed == set(documented), (routed ^ set(documented))
    for key, op in documented.items():
        if key in PUBLIC:
            assert op.permission is None
        else:
            assert op.permission in PERMISSIONS, f"{key}: {op.permission!r} not in the table"
    assert len(documented) >= 77
    app.extensions["vesalius.db"].dispose()


@pytest.mark.parametrize("role", ROLES)
def test_role_by_operation(db_url, role):  # type: ignore[no-untyped-def]
    """Allowed by the table: a success; denied: 403; on the role's own clinic."""
    for w in build_world(db_url, role):
        app_ops = operations(w.api.client.application)
        bodies = _with_body(w.api.client.application)
        problems, successes = [], 0
        for op in app_ops:
            if op.permission is None:
                continue
            req = request_for(op, w, w.mine, op.id in bodies)
            status, body = send(w, op, req, role)
            may = allowed(role, op.permission)
            if may and not 200 <= status < 300:
                problems.append(f"{op.method} {op.path} ({op.permission}): allowed, got "
                                f"{status} {body}")
            elif not may and status != 403:
                problems.append(f"{op.method} {op.path} ({op.permission}): denied, got "
                                f"{status} {body}")
            elif not may:
                assert set(body) == {"error", "field"}, body  # no details on a refusal
            successes += may
        assert not problems, "\n".join(problems)
        expected = sum(allowed(role, op.permission) for op in app_ops if op.permission)
        assert successes == expected and expected > 0


def test_no_token_or_an_unknown_one_is_401_for_every_operation(db_url):  # type: ignore[no-untyped-def]
    for w in build_world(db_url, None):
        w.api.tokens["forged"] = "vsl_" + "x" * 40
        bodies = _with_body(w.api.client.application)
        checked = 0
        for op in operations(w.api.client.application):
            req = request_for(op, w, w.mine, op.id in bodies)
            if op.permission is None:
                assert send(w, op, req, None)[0] == 200
                continue
            for role in (None, "forged"):
                status, body = send(w, op, req, role)
                assert status == 401 and set(body) == {"error", "field"}, \
                    (op.method, op.path, role, status, body)
                checked += 1
        assert checked >= 2 * 76


def test_patient_a_never_reaches_patient_b(db_url):  # type: ignore[no-untyped-def]
    """Patient A's token with B's ids, in paths, filters and bodies: 403 or 404 for every
    operation whose request names B's records; A's own request for the same operation is
    the control (it differs only in the records)."""
    for w in build_world(db_url, "patient"):
        bodies = _with_body(w.api.client.application)
        problems, checked = [], 0
        for op in operations(w.api.client.application):
            if op.permission is None:
                continue
            mine = request_for(op, w, w.mine, op.id in bodies)
            theirs = request_for(op, w, w.other, op.id in bodies)
            if theirs == mine:
                continue  # the clinic's own (practitioners, services): nobody's record
            status, body = send(w, op, theirs, "patient")
            checked += 1
            if status not in (403, 404):
                problems.append(f"{op.method} {op.path} with B's records: {status} {body}")
        assert not problems, "\n".join(problems)
        assert checked >= 50
        # A's own requests with one of B's records inside: never a success.
        by_id = {op.id: op for op in operations(w.api.client.application)}
        a, b = w.mine, w.other
        for op_id, req in (
                ("list_appointments", Request(query={"case_id": b.case})),
                ("list_invoices", Request(query={"case_id": b.case})),
                ("book", Request(body=REQUESTS["book"](w, a).body | {"case_id": b.case})),
                ("record_measure", Request({"case_id": b.case}, body={
                    "measure": "nprs", "responses": [2]}))):
            status, body = send(w, by_id[op_id], req, "patient")
            assert 400 <= status < 500, (op_id, req, status, body)
        # B's own token reaches B's record: the refusals above are about A, not the ids.
        assert send(w, next(o for o in operations(w.api.client.application)
                            if o.id == "read_patient"),
                    Request({"patient_id": w.other.patient}), "patient-b")[0] == 200


def test_a_refusal_carries_a_message_only(db_url):  # type: ignore[no-untyped-def]
    """A 403 names no record: a practitioner outside the care team is told to break the
    glass, without the ``details`` the service raised (they carry the patient's id)."""
    for w in build_world(db_url, "practitioner"):
        app = w.api.client.application
        with app.extensions["vesalius.db"].session() as s:
            system = Actor.system("tests")
            user = users.create_user(s, system, users.UserIn(
                email="locum@clinic.test", role="practitioner", name="Locum",
                disciplines=["rehab"]))
            w.api.tokens["locum"] = users.issue_token(s, system, user)
        for path in (f"/notes/{w.mine.draft}", f"/cases/{w.mine.case}/notes",
                     f"/cases/{w.mine.case}/measures"):
            status, body = w.api.call("GET", path, "locum")
            assert status == 403 and set(body) == {"error", "field"}, (path, body)
            assert "break the glass" in body["error"]
