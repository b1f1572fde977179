"""The /fhir/R4 read API on SQLite and PostgreSQL: metadata, errors as OperationOutcomes
(401/403/404/400/406), search parameters and paging, a patient's compartment, the care team
on a clinical type (break the glass as in the JSON API), audit rows, $everything, and a
bounded number of queries per page."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from urllib.parse import urlsplit

import clinic_factories as make
import pytest
from checks import check_bundle, check_resource, references
from fhir.resources.R4B.basic import Basic
from sqlalchemy import select
from vesalius.fhir import registry
from vesalius.fhir.registry import Ctx, FhirType
from vesalius.models import AuditEvent, AuditListItem, Case, Practitioner
from vesalius.services import Actor, access, cases


def _basic(ctx: Ctx, rows: Sequence[Case]) -> list[Basic]:
    """A stand-in clinical type (a case as Basic) so that these tests need no other
    module's resources; its author names the case's practitioner."""
    return [Basic(id=str(c.id), code={"text": c.discipline},
                  subject=registry.reference("Patient", c.patient_id),
                  created=c.opened_on, meta={"lastUpdated": c.updated_at},
                  author=registry.reference("Practitioner", c.primary_practitioner_id)
                  if c.primary_practitioner_id else None) for c in rows]


@pytest.fixture
def clinical(fhir) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """``Basic``: cases as a clinical type read with ``notes.read`` (owner, practitioner),
    dated by ``opened_on``; A has cases opened 2024-03-10 and 2024-05-02, B one 2024-04-01."""
    types = registry.types()
    types["Basic"] = FhirType("Basic", "notes.read", _basic, model=Case, patient=Case.patient_id,
                              date=Case.opened_on, updated=Case.updated_at, clinical=True)
    actor = Actor.system("tests")
    with fhir.app.extensions["vesalius.db"].session() as s:
        for key, patient, day in (("case_a1", "patient", date(2024, 3, 10)),
                                  ("case_a2", "patient", date(2024, 5, 2)),
                                  ("case_b", "patient_b", date(2024, 4, 1))):
            fhir.ids[key] = make.case(s, actor, fhir.ids[patient], opened_on=day,
                                      primary_practitioner_id=fhir.ids["practitioner"]
                                      if patient == "patient" else None).id
    yield
    del types["Basic"]


#: The types these tests look at in a bundle (the clinical modules' types, whose own tests
#: check them, come along in $everything too).
OWN_TYPES = ("Patient", "Basic", "Organization", "Practitioner")


def _ids(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["resource"]["id"] for e in body.get("entry", [])]


def _issue(body: dict) -> dict:  # type: ignore[type-arg]
    outcome = check_resource(body)
    assert outcome.get_resource_type() == "OperationOutcome"
    return body["issue"][0]  # type: ignore[no-any-return]


def test_metadata_is_built_from_the_registry(fhir):  # type: ignore[no-untyped-def]
    status, body, response = fhir.get("/metadata", None)
    assert status == 200 and response.mimetype == "application/fhir+json"
    statement = check_resource(body)
    assert statement.fhirVersion == "4.0.1" and statement.kind == "instance"
    rest = statement.rest[0]
    served = {r.type: r for r in rest.resource}
    assert set(served) == set(registry.types())
    patient = served["Patient"]
    assert [i.code for i in patient.interaction] == ["read", "search-type"]
    assert {p.name for p in patient.searchParam} == {"_id", "_lastUpdated", "patient"}
    assert ("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything") in [
        (o.name, o.definition) for o in patient.operation]
    assert "Bearer" in rest.security.description


def test_errors_are_operation_outcomes(fhir):  # type: ignore[no-untyped-def]
    status, body, response = fhir.get("/Patient", None)
    assert status == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _issue(body)["code"] == "login"
    fhir.tokens["forged"] = "vsl_" + "x" * 40
    assert fhir.get("/Patient", "forged")[0] == 401
    status, body, _ = fhir.get("/Nonsense")
    assert status == 404 and _issue(body)["code"] == "not-found"
    assert fhir.get("/Patient/999999")[0] == 404
    assert fhir.get("/Patient/abc")[0] == 404
    assert fhir.get("/Patient/1/nothing/here")[0] == 404
    for huge in ("/Patient/99999999999", "/Patient/9999999999", "/Location/9999999999-1",
                 "/Organization/payer-9999999999", "/Patient/%00"):
        assert fhir.get(huge)[0] == 404, huge  # no row has it, whatever the column's range
    for odd in ("/Patient?_id=9999999999", "/Patient?patient=9999999999",
                "/Patient?_id=%00", "/Patient?_offset=999999999&_count=999999999"):
        status, body, _ = fhir.get(odd)
        assert status == 200 and "entry" not in body, odd
    status, body, _ = fhir.get("/Patient?name=Ada")
    assert status == 400 and _issue(body)["expression"] == ["name"]
    assert "name" in _issue(body)["diagnostics"]
    status, body, _ = fhir.get("/Patient?name=Ada", headers={
        "Prefer": "return=representation, handling=lenient"})
    assert status == 200 and body["total"] == 2  # ignored, and left out of the links
    assert "name=" not in body["link"][0]["url"]
    for bad, param in (("_count=ten", "_count"), ("_lastUpdated=yesterday", "_lastUpdated"),
                       ("patient=Practitioner/1", "patient"), ("_offset=-1", "_offset"),
                       ("_id=" + ",".join(map(str, range(101))), "_id"),
                       ("_lastUpdated=ge2024-02-30", "_lastUpdated")):
        status, body, _ = fhir.get(f"/Patient?{bad}")
        assert status == 400 and _issue(body)["expression"] == [param], bad
    assert fhir.get("/Patient?_format=json")[0] == 200
    assert fhir.get("/Patient?_format=application/fhir%2Bjson")[0] == 200
    status, body, _ = fhir.get("/Patient?_format=xml")
    assert status == 406 and _issue(body)["code"] == "not-supported"


def test_search_parameters_and_paging(fhir, clinical):  # type: ignore[no-untyped-def]
    actor = Actor.system("tests")
    with fhir.app.extensions["vesalius.db"].session() as s:
        extra = [make.patient(s, actor, f"P{n}", "Extra").id for n in range(7)]
    every = sorted([fhir.ids["patient"], fhir.ids["patient_b"], *extra])
    status, body, _ = fhir.get("/Patient?_count=4")
    bundle = check_bundle(body, closed=False)
    assert bundle.type == "searchset" and bundle.total == 9 and len(bundle.entry) == 4
    assert all(e.search.mode == "match" for e in bundle.entry)
    seen, pages, url = [], 0, None
    url = "/Patient?_count=4"
    while url:
        status, body, _ = fhir.get(url)
        assert status == 200
        seen += _ids(body)
        links = {link["relation"]: link["url"] for link in body["link"]}
        if pages:
            assert "previous" in links
        nxt = links.get("next")
        url = f"{urlsplit(nxt).path.removeprefix('/fhir/R4')}?{urlsplit(nxt).query}" \
            if nxt else None
        pages += 1
    assert pages == 3 and seen == [str(i) for i in every]  # all, once, in a stable order
    a, b = fhir.ids["patient"], fhir.ids["patient_b"]
    assert _ids(fhir.get(f"/Patient?_id={a},{b}")[1]) == [str(a), str(b)]
    assert _ids(fhir.get(f"/Patient?_id={a}&_id={b}")[1]) == []
    assert _ids(fhir.get(f"/Patient?patient=Patient/{b}")[1]) == [str(b)]
    assert fhir.get("/Patient?_lastUpdated=lt2000-01-01")[1]["total"] == 0
    assert fhir.get("/Patient?_lastUpdated=ge2000")[1]["total"] == 9
    status, body, _ = fhir.get("/Patient?_count=0")
    assert status == 200 and body["total"] == 9 and "entry" not in body
    # date= on a Date column, with prefixes; several conditions are all met.
    c1, c2, cb = (str(fhir.ids[k]) for k in ("case_a1", "case_a2", "case_b"))
    for query, expected in (("date=2024-03-10", [c1]), ("date=2024-03", [c1]),
                            ("date=ge2024-04-01", [cb, c2]), ("date=gt2024-04-01", [c2]),
                            ("date=lt2024-04-01", [c1]), ("date=le2024-04-01", [c1, cb]),
                            ("date=ne2024", []), ("date=ge2024-03-11&date=lt2024-05", [cb]),
                            ("date=2024-03-10T10:00:00Z", [c1]),
                            (f"patient={a}&date=2024", [c1, c2])):
        assert sorted(_ids(fhir.get(f"/Basic?{query}")[1])) == sorted(expected), query
    status, body, _ = fhir.get("/Patient?date=2024")  # Patient has no date parameter
    assert status == 400 and _issue(body)["expression"] == ["date"]


def test_a_patient_token_sees_its_own_compartment(fhir, clinical):  # type: ignore[no-untyped-def]
    a, b = fhir.ids["patient"], fhir.ids["patient_b"]
    assert _ids(fhir.get("/Patient", "patient")[1]) == [str(a)]
    assert _ids(fhir.get("/Patient", "patient-b")[1]) == [str(b)]
    status, body, _ = fhir.get(f"/Patient/{b}", "patient")
    assert status == 403 and _issue(body)["code"] == "forbidden"
    assert fhir.get(f"/Patient?patient={b}", "patient")[0] == 403
    assert fhir.get(f"/Patient/{b}/$everything", "patient")[0] == 403
    status, body, _ = fhir.get(f"/Patient/{a}/$everything", "patient")
    assert status == 200  # not Basic: the role lacks notes.read; the clinic it references
    assert [(e.resource.get_resource_type(), e.resource.id)
            for e in check_bundle(body).entry
            if e.resource.get_resource_type() in OWN_TYPES[:3]] == [
                ("Patient", str(a)), ("Organization", "clinic")]
    # The clinic's directory is everyone's.
    for path in (f"/Practitioner/{fhir.ids['practitioner']}", "/Location", "/Organization",
                 f"/PractitionerRole/{fhir.ids['practitioner']}"):
        assert fhir.get(path, "patient")[0] == 200, path


def test_the_care_team_rule_on_a_clinical_type(fhir, clinical):  # type: ignore[no-untyped-def]
    a, b = fhir.ids["patient"], fhir.ids["patient_b"]
    case_a = fhir.ids["case_a1"]
    assert fhir.get(f"/Basic/{case_a}", "practitioner")[0] == 200  # A was seen by pt
    status, body, _ = fhir.get(f"/Basic/{case_a}", "locum")
    assert status == 403
    issue = _issue(body)
    assert issue["code"] == "forbidden" and "break the glass" in issue["diagnostics"]
    assert issue["details"]["coding"][0]["code"] == "break-the-glass"
    assert fhir.get(f"/Basic?patient={a}", "locum")[0] == 403
    assert fhir.get(f"/Patient/{a}/$everything", "locum")[0] == 403
    assert fhir.get("/Basic", "locum")[1]["total"] == 0  # a list across patients: filtered
    assert sorted(_ids(fhir.get("/Basic", "practitioner")[1])) == sorted(
        [str(fhir.ids["case_a1"]), str(fhir.ids["case_a2"])])  # not B's: not in pt's care
    assert fhir.get(f"/Basic/{fhir.ids['case_b']}", "practitioner")[0] == 403
    assert fhir.get("/Basic", "front-desk")[0] == 403  # the role holds no notes.read
    assert len(_ids(fhir.get("/Basic", "owner")[1])) == 3
    # Breaking the glass (as in the JSON API) opens A's record to the locum.
    db = fhir.app.extensions["vesalius.db"]
    with db.session() as s:
        locum = Actor(user_id=s.get(Practitioner, fhir.ids["locum"]).user_id,
                      role="practitioner",
                      practitioner_id=fhir.ids["locum"])
        access.break_glass(s, locum, access.BreakGlassIn(
            patient_id=a, reason="covering for Pt today, urgent review"))
    assert fhir.get(f"/Basic/{case_a}", "locum")[0] == 200
    assert fhir.get(f"/Basic?patient={a}", "locum")[1]["total"] == 2
    assert fhir.get("/Basic", "locum")[1]["total"] == 2
    assert fhir.get(f"/Basic?patient={b}", "locum")[0] == 403


def test_reads_and_searches_are_audited(fhir):  # type: ignore[no-untyped-def]
    a = fhir.ids["patient"]
    assert fhir.get(f"/Patient/{a}", "front-desk")[0] == 200
    assert fhir.get("/Patient?_count=1", "front-desk")[0] == 200
    assert fhir.get("/Organization?_id=nothing", "front-desk")[0] == 200
    assert fhir.get(f"/Patient/{fhir.ids['patient_b']}", "patient")[0] == 403
    db = fhir.app.extensions["vesalius.db"]
    with db.session() as s:
        found = s.execute(select(AuditEvent.action, AuditEvent.resource_type,
                                 AuditEvent.resource_id, AuditEvent.patient_id,
                                 AuditEvent.role, AuditEvent.list_digest, AuditEvent.outcome)
                          .where(AuditEvent.resource_type.like("fhir%"))
                          .order_by(AuditEvent.id)).all()
        assert [(r.action, r.resource_type, r.resource_id, r.patient_id, r.role, r.outcome)
                for r in found] == [
            ("read", "fhir:Patient", a, a, "front-desk", "ok"),
            ("read", "fhir:Patient", None, None, "front-desk", "ok"),
            ("read", "fhir:Organization", None, None, "front-desk", "ok"),
            ("denied", "fhir", None, fhir.ids["patient"], "patient", "denied")]
        listed = s.execute(select(AuditListItem.resource_id, AuditListItem.patient_id)
                           .where(AuditListItem.list_digest == found[1].list_digest)).all()
        assert [tuple(r) for r in listed] == [(a, a)]


def test_everything_holds_the_compartment_and_what_it_references(fhir, clinical):  # type: ignore[no-untyped-def]
    a = fhir.ids["patient"]
    status, body, _ = fhir.get(f"/Patient/{a}/$everything", "practitioner")
    assert status == 200
    bundle = check_bundle(body)  # every reference resolves inside the bundle
    kinds = [(e.resource.get_resource_type(), e.resource.id, e.search.mode)
             for e in bundle.entry if e.resource.get_resource_type() in OWN_TYPES]
    assert kinds[:3] == [("Patient", str(a), "match"),
                         ("Basic", str(fhir.ids["case_a1"]), "match"),
                         ("Basic", str(fhir.ids["case_a2"]), "match")]
    assert set(kinds[3:]) == {("Organization", "clinic", "include"),
                              ("Practitioner", str(fhir.ids["practitioner"]), "include")}
    assert fhir.get("/Patient/999999/$everything")[0] == 404


def test_a_page_costs_the_same_queries_whatever_the_data(fhir, clinical, count_queries):  # type: ignore[no-untyped-def]
    engine = fhir.app.extensions["vesalius.db"].engine
    actor = Actor.system("tests")

    def cost(path: str, role: str) -> int:
        fhir.get(path, role)  # warm: the token's last use is written once a minute
        with count_queries(engine) as counter:
            assert fhir.get(path, role)[0] == 200
        return counter.count

    paths = ("/Patient?_count=5", "/Basic?_count=5", "/Location", "/PractitionerRole",
             "/Practitioner", "/Organization", "/Basic?date=ge2024&_count=5",
             f"/Patient/{fhir.ids['patient']}/$everything")
    before = {(p, r): cost(p, r) for p in paths for r in ("owner", "practitioner")}
    with fhir.app.extensions["vesalius.db"].session() as s:
        for n in range(30):
            patient = make.patient(s, actor, f"Q{n}", "More")
            cases.open_case(s, actor, cases.CaseIn(
                patient_id=patient.id, discipline="rehab", title="x",
                opened_on=date(2024, 6, 1), primary_practitioner_id=fhir.ids["practitioner"]))
        for n in range(5):
            make.case(s, actor, fhir.ids["patient"], primary_practitioner_id=fhir.ids["locum"])
            make.location(s, actor, name=f"Site {n}")
            make.practitioner(s, actor, email=f"p{n}@clinic.test")
    after = {(p, r): cost(p, r) for p in paths for r in ("owner", "practitioner")}
    assert after == before
    everything = f"/Patient/{fhir.ids['patient']}/$everything"
    # A search page: token, total, page, the builder's batch, audit.
    assert max(n for (path, _r), n in after.items() if path != everything) <= 12
    # $everything: a few per type of the compartment, whatever the record's size.
    kinds = sum(t.patient is not None for t in registry.types().values())
    assert max(n for (path, _r), n in after.items() if path == everything) <= 8 + 4 * kinds


def test_every_type_searches_and_every_reference_is_served(fhir, clinical):  # type: ignore[no-untyped-def]
    """Whatever types are registered: a search of each passes the checks, and each
    reference in the answers reads back (references name only what this server serves)."""
    referenced: set[str] = set()
    for name in registry.types():
        status, body, _ = fhir.get(f"/{name}?_count=500")
        assert status == 200, (name, body)
        bundle = check_bundle(body, closed=False)
        assert all(e.resource.get_resource_type() == name for e in bundle.entry or [])
        referenced |= {ref for ref in references(body) if "://" not in ref}
    assert {"Organization/clinic", f"Patient/{fhir.ids['patient']}"} <= referenced
    for ref in sorted(referenced):
        assert fhir.get(f"/{ref}")[0] == 200, ref
