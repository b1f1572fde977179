"""Schemathesis over every operation of ``/api/v1/openapi.json`` with an owner's, a
practitioner's and a patient's token on a small seeded clinic, on SQLite and on PostgreSQL
(the clinic tests' engine-parametrized ``db_url`` fixture): zero server errors, and no
status code the document does not list. The patient's valid examples name their own
records (patient, case, appointment, invoice, payment), so their input reaches the views.

Fixed seed (``derandomize``), bounded budget: each operation the role's permission allows
gets :data:`EXAMPLES` valid and as many invalid examples; one the table refuses it gets
:data:`REFUSED_EXAMPLES` of each (the refusal comes before the input is read, so more would
test nothing new). About a minute per engine on a small machine.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance
from sqlalchemy import select
from vesalius.app import create_app
from vesalius.demo import seed_demo
from vesalius.models import Appointment, Case, Invoice, Payment, User
from vesalius.permissions import allowed
from vesalius.services import Actor, users

#: Examples per operation and generation mode (valid, invalid) for an allowed operation.
EXAMPLES = 12
#: ... and for an operation the role may not call.
REFUSED_EXAMPLES = 2

_spec = importlib.util.spec_from_file_location(
    "clinic_engines", Path(__file__).resolve().parents[1] / "core/tests/clinic/conftest.py")
assert _spec and _spec.loader
_engines = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_engines)
# The same engines as the clinic tests (SQLite always, PostgreSQL with the URL set; its
# half fails under CI=true without it). Installed packs stay: every operation is real.
sqlite_template = _engines.sqlite_template
postgres_url = _engines.postgres_url
db_url = _engines.db_url


def _own_ids(session, patient_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The patient's own records by parameter name: valid examples for the patient token
    aim at these (random ids are nearly always someone else's, refused before the input is
    read; the role matrix covers those refusals)."""
    ids = {"patient_id": patient_id}
    for name, column, owner in (("case_id", Case.id, Case.patient_id),
                                ("appointment_id", Appointment.id, Appointment.patient_id),
                                ("invoice_id", Invoice.id, Invoice.patient_id),
                                ("payment_id", Payment.id, Payment.patient_id)):
        found = session.scalar(select(column).where(owner == patient_id).order_by(column))
        if found is not None:
            ids[name] = found
    return ids


def _aim(case, ids: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    """Put ``ids`` in the case's path, query and body where it names those parameters."""
    for part in (case.path_parameters, case.query, case.body):
        if isinstance(part, dict):
            for name in ids.keys() & part.keys():
                part[name] = ids[name]


def _user(session, role: str) -> User:  # type: ignore[no-untyped-def]
    """The demo's owner, its first practitioner, or a patient user for the patient of the
    first appointment (the demo has no patient logins)."""
    if role != "patient":
        user = session.scalars(select(User).where(User.role == role).order_by(User.id)).first()
        assert user is not None
        return user
    patient_id = session.scalars(select(Appointment.patient_id)
                                 .order_by(Appointment.id)).first()
    return users.create_user(session, Actor.system("tests"), users.UserIn(
        email="patient@demo.vesalius.test", role="patient", patient_id=patient_id))


def _explore(operation, mode: GenerationMode, budget: int, headers: dict[str, str],  # type: ignore[no-untyped-def]
             aim: dict[str, int], seen: Counter[int]) -> None:
    """Call ``operation`` with ``budget`` generated cases; raise on the first failure."""

    @settings(max_examples=budget, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):  # type: ignore[no-untyped-def]
        _aim(case, aim)
        response = case.call(headers=headers)
        seen[response.status_code] += 1
        case.validate_response(response, headers=headers,
                               checks=[not_a_server_error, status_code_conformance])

    check()


@pytest.fixture
def seeded_app(db_url):  # type: ignore[no-untyped-def]
    app = create_app(db_url)
    app.config["TESTING"] = True
    db = app.extensions["vesalius.db"]
    seed_demo(db, seed=13, patients_count=12, days_back=4, days_ahead=3, per_day=2)
    yield app
    db.dispose()


@pytest.mark.parametrize("role", ["owner", "practitioner", "patient"])
def test_every_operation_answers_without_server_errors(seeded_app, role):  # type: ignore[no-untyped-def]
    app = seeded_app
    with app.extensions["vesalius.db"].session() as s:
        user = _user(s, role)
        token = users.issue_token(s, Actor.system("tests"), user)
        own = _own_ids(s, user.patient_id) if user.patient_id else {}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    seen: Counter[int] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60

    for operation in operations:
        permission = operation.definition.raw.get("x-permission")
        budget = EXAMPLES if permission is None or allowed(role, permission) \
            else REFUSED_EXAMPLES
        raw = operation.definition.raw
        # A public operation with no input at all (the online services list) has nothing
        # to make invalid: its negative mode cannot generate a case.
        takes_input = bool(raw.get("parameters") or raw.get("requestBody")
                           or raw.get("security"))
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode is GenerationMode.NEGATIVE and not takes_input:
                continue
            aim = own if mode is GenerationMode.POSITIVE else {}
            try:
                _explore(operation, mode, budget, headers, aim, seen)
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failure
                failures.append(f"{operation.label} [{mode.value}]: "
                                f"{str(exc).strip().splitlines()[:12]}")
    assert not failures, "\n".join(failures)
    # The run did reach the views: successes and refusals both, hundreds of requests.
    assert seen[200] and seen[422] and seen[404], seen
    assert seen[403] if role != "owner" else seen[201], seen
    assert sum(seen.values()) >= len(operations) * REFUSED_EXAMPLES * 2, seen
