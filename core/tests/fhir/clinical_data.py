"""Shared by the clinical FHIR tests (a pytest plugin of theirs): the clinic tests' database
fixtures (SQLite and PostgreSQL), a small clinic with demo-like records made through the
services, and a check of a resource beyond what fhir.resources enforces (required code
bindings, reference target types).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).parents[1] / "clinic"))

import clinic_testpack as testpack
from clinic_factories import MONDAY, at, clinic_setup, practitioner, visit_document
from fhir.resources.R4B import get_fhir_model_class
from vesalius.db import Database
from vesalius.fhir.registry import Ctx
from vesalius.plugins import build_registry, set_registry
from vesalius.services import Actor, case_team, cases, notes, scheduling
from vesalius.services.scheduling import BookingIn

BASE = "https://clinic.example/fhir/R4"
#: ODI worked example: all ten sections answered, sum 16 -> 16/50 x 100 = 32 %
#: (Fairbank JC, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-52).
ODI_RESPONSES = [2, 1, 3, 2, 2, 1, 2, 1, 1, 1]


@pytest.fixture
def clinic_registry() -> Iterator[object]:
    """The core's ``general`` pack (ODI, NPRS) and the clinic tests' ``rehab`` pack."""
    reg = build_registry(extra_plugins=[(testpack.NAME, testpack)], entry_points=False)
    set_registry(reg)
    yield reg
    set_registry(None)


@pytest.fixture
def clinic(db: Database, clinic_registry: object) -> dict[str, Any]:
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
        booked = book(14)
        odi = notes.record_measure(s, actor, case.id, "odi", ODI_RESPONSES, MONDAY)
        patient_odi = notes.record_measure(s, actor, case.id, "odi",
                                           [2, 1, 3, 2, 2, 1, 2, None, 2, 1], MONDAY,
                                           source="patient")
        not_scored = notes.record_measure(s, actor, case.id, "odi",
                                          [2, 1, 3, 2, 2, 1, None, None, 1, 1], MONDAY)
        return {"system": system, "actor": actor, "patient": pat.id, "case": case.id,
                "practitioner": prac.id, "colleague": colleague.id,
                "location": c["location"].id, "note": note.id,
                "addendum": addendum.id, "signed_visit": signed_visit, "arrived": arrived,
                "cancelled": cancelled, "booked": booked, "odi": odi.id,
                "patient_odi": patient_odi.id, "not_scored": not_scored.id}


def ctx(session: Any) -> Ctx:
    return Ctx(session=session, actor=Actor.system("tests"), base=BASE)


def check(resource: BaseModel) -> dict[str, Any]:
    """The resource as JSON, parsed back with its R4B model, with every required code
    binding and reference target type checked (fhir.resources checks neither)."""
    data = resource.model_dump(mode="json", exclude_none=True)
    model = get_fhir_model_class(data["resourceType"])
    parsed = model.model_validate_json(resource.model_dump_json(exclude_none=True))
    problems: list[str] = []
    _walk(parsed, data["resourceType"], problems)
    assert not problems, problems
    return data


def _walk(node: Any, path: str, problems: list[str]) -> None:
    if isinstance(node, list):
        for n, one in enumerate(node):
            _walk(one, f"{path}[{n}]", problems)
        return
    if not isinstance(node, BaseModel):
        return
    for name, field in type(node).model_fields.items():
        value = getattr(node, name, None)
        if value is None:
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        allowed = extra.get("enum_values")
        # A trailing "+" lists the common codes of a value set that holds more (R4
        # Observation.status: "final | amended +" also takes "entered-in-error").
        if allowed and "+" not in allowed and isinstance(value, str) \
                and value not in allowed:
            problems.append(f"{path}.{name}: {value!r} not in {allowed}")
        targets = extra.get("enum_reference_types")
        for ref in value if isinstance(value, list) else [value]:
            reference = getattr(ref, "reference", None) if targets else None
            if isinstance(reference, str) and not reference.startswith("#") \
                    and "Resource" not in targets:
                kind = reference.split("/")[0]
                if kind not in targets:
                    problems.append(f"{path}.{name}: {reference} is not one of {targets}")
        _walk(value, f"{path}.{name}", problems)
