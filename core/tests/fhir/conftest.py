"""Fixtures of the FHIR tests: the clinic tests' databases (every test on SQLite and
PostgreSQL), an app on them, a small clinic, and a token per role.

``fhir`` gives a client: ``fhir.get("/Patient", "owner")`` returns ``(status, json,
response)``. Resource tests run what they get through :mod:`checks`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
CLINIC = HERE.parent / "clinic"
sys.path[:0] = [str(HERE), str(CLINIC)]

# The clinic tests' database fixtures (SQLite and PostgreSQL, the test pack), shared.
_spec = importlib.util.spec_from_file_location("vesalius_clinic_conftest", CLINIC / "conftest.py")
assert _spec is not None and _spec.loader is not None
_clinic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_clinic)
sqlite_template = _clinic.sqlite_template
postgres_url = _clinic.postgres_url
db_url = _clinic.db_url
db = _clinic.db
registry = _clinic.registry
system = _clinic.system
count_queries = _clinic.count_queries

import clinic_factories as make  # noqa: E402
from vesalius.services import Actor, scheduling, users  # noqa: E402


@dataclass
class Fhir:
    app: Any
    tokens: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)

    def get(self, path: str, role: str | None = "owner",
            headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
        sent = {"User-Agent": "pytest-fhir", **(headers or {})}
        if role is not None:
            sent["Authorization"] = f"Bearer {self.tokens[role]}"
        url = path if path.startswith("http") else "/fhir/R4" + path
        response = self.app.test_client().get(url, headers=sent)
        return response.status_code, response.get_json(silent=True), response


@pytest.fixture
def fhir(db_url: str) -> Iterator[Fhir]:
    """A clinic: a site with two rooms, practitioner ``pt`` (NPI, Mon-Fri hours) who has
    seen patient A; a second practitioner ``locum`` who has seen nobody; patient B with no
    visit; a payer; tokens for owner, front-desk, billing, practitioner, locum, patient A
    (``patient``) and patient B (``patient-b``)."""
    from vesalius.app import create_app
    from vesalius.services import payers

    app = create_app(db_url)
    app.config["TESTING"] = True
    database = app.extensions["vesalius.db"]
    actor = Actor.system("tests")
    tokens: dict[str, str] = {}
    ids: dict[str, int] = {}
    with database.session() as s:
        loc = make.location(s, actor)
        prac = make.practitioner(s, actor, email="pt@clinic.test", location_id=loc.id)
        locum = make.practitioner(s, actor, email="locum@clinic.test")
        a = make.patient(s, actor, "Ada", "Lovelace", sex="female", city="London",
                         emergency_contact_name="Byron", emergency_contact_phone="+44 1",
                         language="en")
        b = make.patient(s, actor, "Bob", "Babbage")
        service = make.service(s, actor)
        appt = scheduling.book(s, actor, scheduling.BookingIn(
            patient_id=a.id, practitioner_id=prac.id, service_id=service.id,
            start=make.at(make.MONDAY, 10), room_id=loc.rooms[0].id))
        payer = payers.create_payer(s, actor, payers.PayerIn(
            name="Acme Health", kind="commercial", payer_code="ACME01"))
        ids.update(location=loc.id, room=loc.rooms[0].id, practitioner=prac.id,
                   locum=locum.id, patient=a.id, patient_b=b.id, appointment=appt.id,
                   payer=payer.id)
        for email, role, extra in (("owner@clinic.test", "owner", {}),
                                   ("desk@clinic.test", "front-desk", {}),
                                   ("billing@clinic.test", "billing", {}),
                                   ("ada@portal.test", "patient", {"patient_id": a.id}),
                                   ("bob@portal.test", "patient-b", {"patient_id": b.id})):
            user = users.create_user(s, actor, users.UserIn(
                email=email, role=role.removesuffix("-b"), name=role, **extra))
            tokens[role] = users.issue_token(s, actor, user)
        for role, p in (("practitioner", prac), ("locum", locum)):
            assert p.user is not None
            tokens[role] = users.issue_token(s, actor, p.user)
    yield Fhir(app, tokens, ids)
    database.dispose()

