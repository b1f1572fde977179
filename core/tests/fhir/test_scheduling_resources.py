"""Appointment and Encounter resources from the appointments table: statuses mapped, the
participants and references the server serves, one batch in a bounded number of queries."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

pytest_plugins = ["clinical_data"]
pytest.register_assert_rewrite("clinical_data")

from clinical_data import check, ctx  # noqa: E402
from vesalius.fhir import registry  # noqa: E402
from vesalius.fhir.resources.scheduling import APPOINTMENT, ENCOUNTER  # noqa: E402
from vesalius.models import Appointment  # noqa: E402


def _rows(session, fhir_type):  # type: ignore[no-untyped-def]
    statement = select(Appointment).order_by(Appointment.id)
    if fhir_type.where is not None:
        statement = statement.where(fhir_type.where())
    return list(session.scalars(statement))


def test_appointments_map_status_participants_and_reasons(db, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        found = {r.id: check(r) for r in registry.resources(ctx(s), APPOINTMENT,
                                                           _rows(s, APPOINTMENT))}
    found = {int(k): v for k, v in found.items()}
    assert {k: found[clinic[k]]["status"] for k in
            ("signed_visit", "arrived", "cancelled", "booked")} == {
        "signed_visit": "fulfilled", "arrived": "arrived", "cancelled": "cancelled",
        "booked": "booked"}
    visit = found[clinic["booked"]]
    assert [p["actor"]["reference"] for p in visit["participant"]] == [
        f"Patient/{clinic['patient']}", f"Practitioner/{clinic['practitioner']}",
        f"Location/{clinic['location']}", f"Location/{clinic['location']}-{clinic['room']}"]
    assert visit["minutesDuration"] == 45
    assert visit["start"].endswith(("Z", "+00:00")) and visit["serviceType"] == [
        {"text": "Rehab follow-up"}]
    assert [r["reference"] for r in visit["reasonReference"]] == [
        f"Condition/{clinic['case']}-1", f"Condition/{clinic['case']}-2"]
    assert visit["meta"]["lastUpdated"]
    cancelled = found[clinic["cancelled"]]["cancelationReason"]["text"]
    assert "patient unwell" in cancelled
    assert "cancelationReason" not in visit


def test_encounters_are_the_attended_visits(db, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        found = {r.id: check(r) for r in registry.resources(ctx(s), ENCOUNTER,
                                                           _rows(s, ENCOUNTER))}
    assert set(found) == {str(clinic["signed_visit"]), str(clinic["arrived"])}
    done = found[str(clinic["signed_visit"])]
    assert done["status"] == "finished" and found[str(clinic["arrived"])]["status"] == \
        "arrived"
    assert done["class"] == {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                             "code": "AMB", "display": "ambulatory"}
    assert done["subject"]["reference"] == f"Patient/{clinic['patient']}"
    assert done["episodeOfCare"] == [{"reference": f"EpisodeOfCare/{clinic['case']}"}]
    assert done["appointment"] == [{"reference": f"Appointment/{clinic['signed_visit']}"}]
    assert done["participant"][0]["individual"]["reference"] == \
        f"Practitioner/{clinic['practitioner']}"
    assert done["serviceProvider"] == {"reference": "Organization/clinic"}
    assert done["location"] == [{"location": {"reference": f"Location/{clinic['location']}"}}]
    assert done["period"]["start"] < done["period"]["end"]
    assert "end" not in found[str(clinic["arrived"])]["period"]


def test_a_batch_costs_the_same_queries_as_one_row(db, clinic):  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(*args):  # type: ignore[no-untyped-def]
        statements.append(args[2])

    for fhir_type in (APPOINTMENT, ENCOUNTER):
        with db.session() as s:
            rows = _rows(s, fhir_type)
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                registry.resources(ctx(s), fhir_type, rows[:1])
                one = len(statements)
                statements.clear()
                registry.resources(ctx(s), fhir_type, rows)
                assert len(statements) == one <= 2, (fhir_type.name, statements)
                statements.clear()
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
