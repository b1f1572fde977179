"""The checker every FHIR test relies on finds what fhir.resources lets through: a code
outside a required binding, a reference to the wrong type of resource, a bundle reference
to nothing in it, an entry twice, a fullUrl that is not its resource's."""

from __future__ import annotations

import pytest
from checks import FhirCheckError, check_bundle, check_resource, references
from fhir.resources.R4B.patient import Patient


def _entry(resource: dict) -> dict:  # type: ignore[type-arg]
    return {"fullUrl": f"http://x/fhir/R4/{resource['resourceType']}/{resource['id']}",
            "resource": resource}


PATIENT = {"resourceType": "Patient", "id": "1", "gender": "female",
           "managingOrganization": {"reference": "Organization/clinic"}}
CLINIC = {"resourceType": "Organization", "id": "clinic", "name": "Clinic"}


def test_good_resources_pass_and_come_back_parsed():
    assert isinstance(check_resource(PATIENT), Patient)
    assert check_resource(Patient.model_validate(PATIENT)).id == "1"
    bundle = {"resourceType": "Bundle", "type": "searchset",
              "entry": [_entry(PATIENT), _entry(CLINIC)]}
    assert len(check_bundle(bundle).entry) == 2
    assert references(bundle) == ["Organization/clinic"]


@pytest.mark.parametrize("bad, message", [
    (PATIENT | {"gender": "f"}, "Patient.gender: 'f' is not one of"),
    (PATIENT | {"managingOrganization": {"reference": "Location/1"}},
     "must reference one of ['Organization']"),
    ({"resourceType": "Appointment", "status": "done", "participant": [
        {"status": "accepted", "actor": {"reference": "Patient/1"}}]}, "Appointment.status"),
    ({"resourceType": "Appointment", "status": "booked", "participant": [
        {"status": "maybe", "actor": {"reference": "Patient/1"}}]},
     "Appointment.participant[0].status"),
])
def test_what_fhir_resources_accepts_is_refused(bad, message):  # type: ignore[no-untyped-def]
    with pytest.raises(FhirCheckError, match=message.replace("[", r"\[").replace(
            "]", r"\]").replace(".", r"\.")):
        check_resource(bad)


def test_bundle_rules():
    lonely = {"resourceType": "Bundle", "type": "searchset", "entry": [_entry(PATIENT)]}
    with pytest.raises(FhirCheckError, match="'Organization/clinic' resolves to no entry"):
        check_bundle(lonely)
    check_bundle(lonely, closed=False)  # a search page need not hold what it references
    twice = {"resourceType": "Bundle", "type": "searchset",
             "entry": [_entry(CLINIC), _entry(CLINIC)]}
    with pytest.raises(FhirCheckError, match="appears twice"):
        check_bundle(twice)
    wrong = {"resourceType": "Bundle", "type": "searchset",
             "entry": [{"fullUrl": "http://x/fhir/R4/Organization/other", "resource": CLINIC}]}
    with pytest.raises(FhirCheckError, match="fullUrl"):
        check_bundle(wrong)
    with pytest.raises(FhirCheckError, match="not a Bundle"):
        check_bundle(CLINIC)
