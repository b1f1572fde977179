"""Small builders of clinic records for the tests (through the services, as a clinic would)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session
from vesalius.models import Case, Location, Patient, Practitioner, Service
from vesalius.services import Actor, cases, clinic, patients, practitioners, users

MONDAY = date(2030, 3, 4)  # far enough ahead that nothing is "in the past"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


def location(session: Session, actor: Actor, name: str = "Main St",
             rooms: tuple[str, ...] = ("Room 1", "Room 2")) -> Location:
    return practitioners.create_location(session, actor, practitioners.LocationIn(
        name=name, timezone="UTC", rooms=list(rooms)))


def practitioner(session: Session, actor: Actor, email: str = "pat.rehab@example.org",
                 discipline: str = "rehab", location_id: int | None = None,
                 hours: tuple[int, int] = (9, 17), role: str = "practitioner") -> Practitioner:
    """A practitioner record and its user (``role="owner"``: an owner who treats)."""
    user = users.create_user(session, actor, users.UserIn(
        email=email, role=role, name=email.split("@")[0].replace(".", " ").title(),
        disciplines=[discipline]))
    prac = user.practitioner
    assert prac is not None
    prac.provider_number, prac.npi = "PRV-1001", "1234567893"
    if location_id is not None:
        prac.default_location_id = location_id
        practitioners.set_hours(session, actor, prac.id, [
            practitioners.HoursIn(location_id=location_id, weekday=d, start_time=time(hours[0]),
                                  end_time=time(hours[1]))
            for d in range(5)
        ] + [practitioners.HoursIn(location_id=location_id, weekday=d, start_time=time(12),
                                   end_time=time(13), kind="break") for d in range(5)])
    return prac


def patient(session: Session, actor: Actor, given: str = "Ada", family: str = "Lovelace",
            **extra: object) -> Patient:
    return patients.create(session, actor, patients.PatientIn(
        given_name=given, family_name=family, birth_date=date(1985, 12, 10),
        email=f"{given.lower()}.{family.lower()}@example.org", phone="+1 416 555 0101",
        **extra))


def case(session: Session, actor: Actor, patient_id: int, **extra: object) -> Case:
    values: dict[str, object] = {"patient_id": patient_id, "discipline": "rehab",
                                 "title": "Low back pain", "diagnosis_codes": ["M54.50"]}
    values.update(extra)
    return cases.open_case(session, actor, cases.CaseIn(**values))  # type: ignore[arg-type]


def service(session: Session, actor: Actor, name: str = "Rehab follow-up", minutes: int = 45,
            buffer: int = 0, price: str = "95.00") -> Service:
    return clinic.create_service(session, actor, clinic.ServiceIn(
        name=name, discipline="rehab", duration_minutes=minutes, buffer_minutes=buffer,
        price=Decimal(price)))


def clinic_setup(session: Session, actor: Actor) -> dict[str, object]:
    """A location with two rooms, one practitioner working Mon-Fri 9-17 (lunch 12-13),
    one patient with an open case, and a 45-minute service."""
    loc = location(session, actor)
    prac = practitioner(session, actor, location_id=loc.id)
    pat = patient(session, actor)
    return {
        "location": loc, "practitioner": prac, "patient": pat,
        "case": case(session, actor, pat.id), "service": service(session, actor),
        "rooms": loc.rooms,
    }


def later(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


def visit_document(history: str = "Sore back after lifting, improving.", pain: int = 6,
                   procedures: list[dict[str, object]] | None = None,
                   diagnosis: list[str] | None = None) -> dict[str, object]:
    document: dict[str, object] = {
        "subjective": {"history": history, "pain": {"responses": [pain]}},
        "plan": {"procedures": procedures if procedures is not None else [
            {"code": "97110", "minutes": 23}, {"code": "97140", "minutes": 10}]},
    }
    if diagnosis is not None:
        document["assessment"] = {"diagnosis": diagnosis}
    return document


def insured_visit(session: Session, actor: Actor, c: dict[str, object], *, day: date,
                  coverage: dict[str, object], address: dict[str, str]) -> dict[str, int]:
    """A payer (Acme Health, fee schedule 97110 at 50.00 and 97140 at 48.00, modifier GP),
    ``c``'s patient covered by it (``coverage``: the CoverageIn fields besides the payer)
    and living at ``address``, their case billed to it, and a signed 45-minute visit on
    ``day`` (97110 for 30 minutes, 97140 for 15, diagnosis M54.50) with its invoice."""
    from vesalius.services import notes, payers, scheduling

    payer = payers.create_payer(session, actor, payers.PayerIn(
        name="Acme Health", kind="commercial", payer_code="ACME01", modifiers=["GP"]))
    payers.create_fee_schedule(session, actor, payers.FeeScheduleIn(
        name="Acme 2025", payer_id=payer.id, fees=[
            payers.FeeIn(code="97110", amount=Decimal("50.00")),
            payers.FeeIn(code="97140", amount=Decimal("48.00"))]))
    pat, case_, prac = c["patient"], c["case"], c["practitioner"]
    assert isinstance(pat, Patient) and isinstance(case_, Case)
    assert isinstance(prac, Practitioner)
    cover = payers.add_coverage(session, actor, pat.id, payers.CoverageIn(
        payer_id=payer.id, **coverage))
    patient_row = session.get(Patient, pat.id)
    assert patient_row is not None
    patient_row.sex = "female"
    for key, value in address.items():
        setattr(patient_row, key, value)
    cases.update(session, actor, case_.id, cases.CaseUpdate(payer_id=payer.id,
                                                           coverage_id=cover.id))
    appt = scheduling.book(session, actor, scheduling.BookingIn(
        patient_id=pat.id, practitioner_id=prac.id, case_id=case_.id,
        start=at(day, 10), end=at(day, 10, 45)))
    scheduling.set_status(session, actor, appt.id, "arrived")
    treating = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)
    note = notes.create_draft(session, treating, notes.DraftIn(
        appointment_id=appt.id, template_id="rehab.visit",
        document=visit_document(diagnosis=["M54.50"], procedures=[
            {"code": "97110", "minutes": 30}, {"code": "97140", "minutes": 15}])))
    _note, invoice = notes.sign(session, treating, note.id)
    return {"invoice": invoice.id, "patient": pat.id, "payer": payer.id, "case": case_.id,
            "practitioner": prac.id, "appointment": appt.id}
