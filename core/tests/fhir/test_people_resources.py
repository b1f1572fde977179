"""Patient, Practitioner, PractitionerRole, Organization and Location as the API serves
them: each parses with fhir.resources R4B and passes the binding and reference checks."""

from __future__ import annotations

from checks import check_bundle, check_resource, references


def test_patient(fhir):  # type: ignore[no-untyped-def]
    status, body, response = fhir.get(f"/Patient/{fhir.ids['patient']}")
    assert status == 200 and response.mimetype == "application/fhir+json"
    patient = check_resource(body)
    assert patient.gender == "female" and str(patient.birthDate) == "1985-12-10"
    assert patient.name[0].family == "Lovelace" and patient.name[0].given == ["Ada"]
    assert patient.identifier[0].system == "http://localhost/fhir/R4/sid/patient"
    assert patient.identifier[0].value == str(fhir.ids["patient"])
    assert {(t.system, t.value) for t in patient.telecom} == {
        ("phone", "+1 416 555 0101"), ("email", "ada.lovelace@example.org")}
    assert patient.address[0].city == "London"
    assert patient.contact[0].name.text == "Byron"
    assert patient.contact[0].relationship[0].coding[0].code == "C"
    assert patient.communication[0].language.coding[0].code == "en"
    assert patient.managingOrganization.reference == "Organization/clinic"
    assert patient.meta.lastUpdated is not None


def test_practitioner_and_role(fhir):  # type: ignore[no-untyped-def]
    pid = fhir.ids["practitioner"]
    prac = check_resource(fhir.get(f"/Practitioner/{pid}")[1])
    assert ("http://hl7.org/fhir/sid/us-npi", "1234567893") in {
        (i.system, i.value) for i in prac.identifier}
    assert prac.name[0].text == "Pt" and prac.qualification[0].code.coding[0].code == "rehab"
    assert prac.telecom[0].value == "pt@clinic.test" and prac.meta.lastUpdated
    role = check_resource(fhir.get(f"/PractitionerRole/{pid}")[1])
    assert role.practitioner.reference == f"Practitioner/{pid}"
    assert role.organization.reference == "Organization/clinic"
    assert [loc.reference for loc in role.location] == [f"Location/{fhir.ids['location']}"]
    assert role.specialty[0].coding[0].code == "rehab"
    assert [(t.daysOfWeek, str(t.availableStartTime), str(t.availableEndTime))
            for t in role.availableTime] == [([day], "09:00:00", "17:00:00")
                                             for day in ("mon", "tue", "wed", "thu", "fri")]
    for ref in references(role):  # every reference is served
        assert fhir.get("/" + ref)[0] == 200, ref


def test_organizations_clinic_and_payers(fhir):  # type: ignore[no-untyped-def]
    clinic = check_resource(fhir.get("/Organization/clinic")[1])
    assert clinic.name == "Main St" and clinic.type[0].coding[0].code == "prov"
    payer = check_resource(fhir.get(f"/Organization/payer-{fhir.ids['payer']}")[1])
    assert payer.name == "Acme Health" and payer.identifier[0].value == "ACME01"
    assert payer.type[0].coding[0].code == "pay"
    bundle = check_bundle(fhir.get("/Organization")[1])
    assert [e.resource.id for e in bundle.entry] == ["clinic", f"payer-{fhir.ids['payer']}"]
    assert fhir.get("/Organization/payer-x")[0] == 404
    assert fhir.get("/Organization/99")[0] == 404


def test_locations_sites_and_rooms(fhir):  # type: ignore[no-untyped-def]
    site = fhir.ids["location"]
    bundle = check_bundle(fhir.get("/Location")[1], closed=False)  # names the clinic
    found = {e.resource.id: e.resource for e in bundle.entry}
    rooms = [r for r in found.values() if r.partOf is not None]
    assert len(rooms) == 2 and {r.partOf.reference for r in rooms} == {f"Location/{site}"}
    assert {r.physicalType.coding[0].code for r in rooms} == {"ro"}
    building = found[str(site)]
    assert building.physicalType.coding[0].code == "bu" and building.status == "active"
    assert [(h.daysOfWeek, str(h.openingTime), str(h.closingTime))
            for h in building.hoursOfOperation] == [([day], "09:00:00", "17:00:00")
                                                    for day in ("mon", "tue", "wed", "thu",
                                                                "fri")]
    room = f"{site}-{fhir.ids['room']}"
    assert check_resource(fhir.get(f"/Location/{room}")[1]).name == "Room 1"
    assert [e["resource"]["id"] for e in fhir.get(f"/Location?_id={room}")[1]["entry"]] \
        == [room]
