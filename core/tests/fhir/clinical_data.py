"""Shared by the clinical FHIR tests (a pytest plugin of theirs): a small clinic with
demo-like records made through the services (on the FHIR conftest's SQLite and PostgreSQL
databases, with the clinic tests' ``rehab`` pack beside ``general``), and the resources as
JSON once the FHIR checker passed them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from checks import check_resource
from clinic_factories import MONDAY, at, clinic_setup, practitioner, visit_document
from fhir.resources.R4B.resource import Resource
from vesalius.db import Database
from vesalius.fhir.registry import Ctx
from vesalius.services import Actor, case_team, cases, notes, scheduling
from vesalius.services.scheduling import BookingIn

BASE = "https://clinic.example/fhir/R4"
#: ODI worked example: all ten sections answered, sum 16 -> 16/50 x 100 = 32 %
#: (Fairbank JC, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-52).
ODI_RESPONSES = [2, 1, 3, 2, 2, 1, 2, 1, 1, 1]


@pytest.fixture
def clinic(db: Database) -> dict[str, Any]:
    """A visit signed with an addendum, one arrived, one cancelled, one booked; the ODI
    worked example recorded on the case and one filled by the patient; a team member."""
    system = Actor.system("tests")
    with db.session() as s:
        c = clinic_setup(s, system)
        prac = c["practitioner"]
        pat, case = c["patient"], c["case"]
        cases.update(s, system, case.id, cases.CaseUpdate(
            diagnosis_codes=["M54.50", "M51.26"], injury_date=date(2030, 2, 20),
            primary_practitioner_id=prac.id))
        colleague = practitioner(s, system, email="sam.colleague@example.org")
        case_team.add(s, system, case.id, case_team.TeamMemberIn(
            practitioner_id=colleague.id))
        actor = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id,
                      ip="127.0.0.1")

        def book(hour: int, **extra: Any) -> int:
            return scheduling.book(s, system, BookingIn(
                patient_id=pat.id, practitioner_id=prac.id, case_id=case.id,
                service_id=c["service"].id, location_id=c["location"].id,
                start=at(MONDAY, hour), end=at(MONDAY, hour, 45), **extra)).id

        signed_visit = book(9)
        scheduling.set_status(s, system, signed_visit, "arrived")
        note = notes.create_draft(s, actor, notes.DraftIn(
            appointment_id=signed_visit, template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"])))
        notes.sign(s, actor, note.id)
        addendum = notes.add_addendum(s, actor, note.id, notes.AddendumIn(
            text="Phoned: pain eased overnight.", kind="late-entry"))
        arrived = book(10)
        scheduling.set_status(s, system, arrived, "arrived")
        cancelled = book(11)
        scheduling.cancel(s, system, cancelled, "patient unwell")
        booked = book(14, room_id=c["rooms"][0].id)
        odi = notes.record_measure(s, actor, case.id, "odi", ODI_RESPONSES, MONDAY)
        patient_odi = notes.record_measure(s, actor, case.id, "odi",
                                           [2, 1, 3, 2, 2, 1, 2, None, 2, 1], MONDAY,
                                           source="patient")
        not_scored = notes.record_measure(s, actor, case.id, "odi",
                                          [2, 1, 3, 2, 2, 1, None, None, 1, 1], MONDAY)
        return {"system": system, "actor": actor, "patient": pat.id, "case": case.id,
                "practitioner": prac.id, "colleague": colleague.id,
                "location": c["location"].id, "room": c["rooms"][0].id, "note": note.id,
                "addendum": addendum.id, "signed_visit": signed_visit, "arrived": arrived,
                "cancelled": cancelled, "booked": booked, "odi": odi.id,
                "patient_odi": patient_odi.id, "not_scored": not_scored.id}


def ctx(session: Any) -> Ctx:
    return Ctx(session=session, actor=Actor.system("tests"), base=BASE)


def check(resource: Resource) -> dict[str, Any]:
    """The resource as JSON once :func:`checks.check_resource` passes it (parsed back with
    its R4B model, required code bindings and reference target types enforced)."""
    return check_resource(resource).model_dump(mode="json", exclude_none=True)
