"""Demo data: a realistic clinic seeded through the services, and a bulk seed for benchmarks.

``seed_demo`` runs the clinic's own services (booking, charting with each installed pack's
templates, signing, invoicing, payments, claims), so the demo shows what the product does.
``bulk_seed`` writes large volumes with SQLAlchemy Core inserts for the benchmark.
Names, addresses and numbers are invented; ``example.org`` e-mails and 555 phone numbers.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, literal_column, select, update
from vesalius_sdk import (
    BooleanField,
    ChartField,
    ChoiceField,
    CodesField,
    DateField,
    LongTextField,
    MeasureField,
    MultiChoiceField,
    NoteTemplate,
    NumberField,
    ProceduresField,
    ScaleField,
    TableField,
    TextField,
)

from . import demo_courses as courses
from .db import Database
from .db.types import utcnow
from .errors import ServiceError
from .models import (
    Appointment,
    Case,
    Coverage,
    Invoice,
    InvoiceLine,
    Location,
    Note,
    Patient,
    Payer,
    Practitioner,
    Service,
    User,
    WorkingHours,
)
from .plugins import Registry, get_registry
from .services import (
    Actor,
    billing,
    cases,
    claims,
    clinic,
    notes,
    patients,
    payers,
    practitioners,
    revenue,
    scheduling,
    users,
)
from .services.common import clinic_timezone
from .services.patients import name_key, phone_key, phone_tail_key

GIVEN = ("Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah", "Sophia",
         "Lucas", "Isabella", "Mateo", "Mia", "Levi", "Charlotte", "Ethan", "Harper", "Aiden",
         "Evelyn", "Hiroshi", "Priya", "Kwame", "Ingrid", "Mohammed", "Fatima", "Chen",
         "Aroha", "Siobhan", "Diego", "Zanele", "Mei", "Arjun", "Nadia", "Tomas", "Leilani")
FAMILY = ("Smith", "Nguyen", "Garcia", "Johnson", "Okafor", "Martin", "Tremblay", "Roy",
          "Patel", "Williams", "Brown", "Kowalski", "Singh", "Murphy", "Lee", "Wilson",
          "Gagnon", "Andersen", "Haddad", "Rossi", "MacDonald", "Kim", "Silva", "Novak",
          "Campbell", "Dubois", "Tanaka", "Ahmed", "O'Brien", "Fischer", "Walker")
STREETS = ("Harbour St", "Maple Ave", "King St W", "Queen St E", "Elm Rd", "Cedar Lane",
           "Bay St", "Church St", "Victoria Rd", "Front St")
PRACTITIONERS = ("Dr Maya Chen", "Sam Okonkwo", "Dr Lea Fournier", "Jonas Berg",
                 "Dr Rosa Alvarez", "Ivy Thompson", "Kai Nakamura", "Dr Elena Petrova",
                 "Tariq Hassan", "Grace Whitfield", "Dr Omar Said", "Nina Larsen")
#: A few common musculoskeletal ICD-10-CM codes per discipline.
DIAGNOSES = {
    "physio": (("M54.50", "Low back pain"), ("M25.561", "Right knee pain"),
               ("M75.41", "Right shoulder impingement"), ("S93.401A", "Right ankle sprain"),
               ("M54.2", "Neck pain")),
    "chiro": (("M54.50", "Low back pain"), ("M54.2", "Neck pain"),
               ("M99.03", "Lumbar segmental dysfunction"), ("G44.209", "Tension headache")),
    "osteo": (("M54.50", "Low back pain"), ("M54.6", "Thoracic spine pain"),
              ("M53.3", "Sacrococcygeal pain")),
    "podiatry": (("M72.2", "Plantar fasciitis"), ("L60.0", "Ingrowing nail"),
                 ("M79.671", "Right foot pain"), ("M20.11", "Hallux valgus, right")),
    "massage": (("M62.830", "Muscle spasm of back"), ("M54.2", "Neck pain")),
    "acupuncture": (("M54.50", "Low back pain"), ("G44.209", "Tension headache"),
                    ("M25.511", "Right shoulder pain")),
}
GENERIC_DIAGNOSES = (("M54.50", "Low back pain"), ("M25.561", "Right knee pain"),
                     ("M54.2", "Neck pain"))
PHRASES = (
    "Reports steady improvement since the last visit; sleeping better.",
    "Pain worse after long periods of sitting at work, eases with walking.",
    "Tolerated the home programme well; mild soreness the day after.",
    "Tender to palpation; range of motion improved compared with last visit.",
    "Continue the current plan and progress loading as tolerated.",
    "Discussed activity modification and pacing at work.",
)
DEMO_PASSWORD = "vesalius-demo-2026"
ZERO = Decimal("0.00")


def _text(rng: random.Random, max_length: int) -> str:
    return rng.choice(PHRASES)[:max_length]


def fill_document(template: NoteTemplate, registry: Registry, rng: random.Random,
                  diagnosis: list[str], day: date,
                  procedure_codes: list[str], severity: float | None = None
                  ) -> dict[str, Any]:
    """A plausible document for any template, built from its field definitions; outcome
    measures answered at ``severity`` (0 none ... 1 worst; see :mod:`.demo_courses`) when
    given."""
    document: dict[str, dict[str, Any]] = {}
    for section in template.sections:
        values: dict[str, Any] = {}
        for field in section.fields:
            # Optional structured fields stay empty: packs check them against each other
            # (nail by nail, segment by segment) in ways a generic filler cannot know.
            if not field.required and not isinstance(
                    field, TextField | LongTextField | MeasureField | CodesField
                    | ProceduresField):
                continue
            value = _field_value(field, registry, rng, diagnosis, day, procedure_codes,
                                 severity)
            if value is not None:
                values[field.id] = value
        if values:
            document[section.id] = values
    return document


def _scalar(field: Any, rng: random.Random, day: date) -> Any:
    if isinstance(field, TextField | LongTextField):
        return _text(rng, field.max_length)
    if isinstance(field, BooleanField):
        return any(word in field.id for word in ("consent", "screened", "rescreened"))
    if isinstance(field, NumberField):
        low = field.minimum if field.minimum is not None else 0
        high = field.maximum if field.maximum is not None else low + 10
        value = low + (high - low) * rng.random() / 2
        return int(value) if field.integer else round(value, 1)
    if isinstance(field, ChoiceField):
        return field.options[0].value
    if isinstance(field, ScaleField):
        return rng.randint(field.minimum, field.maximum)
    if isinstance(field, DateField):
        return day.isoformat()
    return None


def _field_value(field: Any, registry: Registry, rng: random.Random, diagnosis: list[str],
                 day: date, procedure_codes: list[str], severity: float | None = None) -> Any:
    if isinstance(field, MultiChoiceField):
        return [field.options[0].value]
    if isinstance(field, CodesField):
        return list(diagnosis)
    if isinstance(field, TableField):
        if not field.required:
            return None
        return [{c.id: _scalar(c, rng, day) for c in field.columns}]
    if isinstance(field, ChartField):
        chart = registry.charts.get(field.chart)
        if chart is None:
            return None
        kind = chart.mark_types[0]
        attributes: dict[str, Any] = {}
        for attribute in kind.attributes:
            if attribute.kind == "choice" and attribute.options:
                attributes[attribute.id] = attribute.options[0]
            elif attribute.kind in ("integer", "number"):
                attributes[attribute.id] = int(attribute.minimum or 0) + 1 \
                    if attribute.maximum is None or attribute.maximum >= 1 \
                    else attribute.minimum or 0
            elif attribute.kind == "boolean":
                attributes[attribute.id] = False
            elif attribute.required:
                attributes[attribute.id] = "noted"
        region = chart.regions[rng.randrange(len(chart.regions))]
        return [{"region": region.id, "type": kind.id, "attributes": attributes}]
    if isinstance(field, MeasureField):
        measure = registry.measures.get(field.measure)
        if measure is None:
            return None
        if severity is not None:
            return {"responses": courses.responses(measure, severity, rng)}
        return {"responses": [rng.randint(i.minimum, (i.minimum + i.maximum) // 2 + 1)
                              if i.maximum > i.minimum + 1 else i.minimum
                              for i in measure.items]}
    if isinstance(field, ProceduresField):
        offered = [c for c in (field.codes or procedure_codes) if c in registry.billing_codes]
        if not offered:
            return None
        timed = [c for c in offered if registry.billing_codes[c].timed]
        chosen = timed[:2] if timed else offered[:1]
        entries = []
        for code in chosen:
            if registry.billing_codes[code].timed or field.record == "minutes":
                entries.append({"code": code, "minutes": rng.choice((15, 20, 23, 30))})
            else:
                entries.append({"code": code, "units": 1})
        return entries
    return _scalar(field, rng, day)


def _templates_for(registry: Registry, discipline: str) -> tuple[NoteTemplate, NoteTemplate]:
    """(first-visit template, follow-up template) of a discipline, else the core's SOAP."""
    own = [t for t in registry.templates.values() if t.discipline == discipline]
    initial = next((t for t in own if t.kind == "initial"), None)
    follow = next((t for t in own if t.kind in ("follow-up", "treatment")), None)
    soap = registry.templates["general.soap"]
    return initial or follow or soap, follow or initial or soap


def _workdays(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


#: ``progress(done, total, counts)``: called as seeding goes (patients, then days).
Progress = Callable[[int, int, dict[str, Any]], None]


def seed_demo(db: Database, *, seed: int = 7, patients_count: int = 300, days_back: int = 90,
              days_ahead: int = 14, per_day: int = 7, today: date | None = None,
              progress: Progress | None = None,
              ready: Callable[[], None] | None = None,
              between: Callable[[], None] | None = None) -> dict[str, Any]:
    """Seed a demo clinic through the services; returns counts and the demo logins.

    ``ready`` is called once the clinic's location, staff, logins, services and payers are
    committed, before its patients, cases and visits are: from then on the clinic can be
    served while the rest is written (``vesalius demo`` does that). Each day of visits is
    its own transaction, and so are the patients with their cases; ``between`` is called
    after each of those commits (a background seed pauses there for the server's writes).

    The same ``seed`` and ``today`` give the same clinic (every row but the clocks: when
    rows were written, password salts, the audit chain's hashes), whatever the process's
    hash seed: nothing here iterates a set or a dict whose order depends on it."""
    rng = random.Random(seed)
    registry = get_registry()
    system = Actor.system("demo")
    today = today or date.today()
    zone_name = "America/Toronto"
    zone = clinic_timezone(zone_name)
    disciplines = [d for d in registry.disciplines if d != "general"] or ["general"]
    days = list(_workdays(today - timedelta(days=days_back), today + timedelta(days=days_ahead)))
    tell: Progress = progress or (lambda _done, _total, _counts: None)
    pause = between or (lambda: None)
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(Patient)):
            raise ServiceError("the database already holds patients: demo data goes into an "
                               "empty database (use another --database)")
        location = practitioners.create_location(s, system, practitioners.LocationIn(
            name="Vesalius Health, Harbour St", timezone=zone_name,
            address="200 Harbour St, Toronto ON M5J 0A1", phone="+1 416 555 0100",
            rooms=["Room 1", "Room 2", "Room 3", "Gym"]))
        logins = {}
        for role, email in (("owner", "owner@demo.vesalius.test"),
                            ("front-desk", "desk@demo.vesalius.test"),
                            ("billing", "billing@demo.vesalius.test")):
            users.create_user(s, system, users.UserIn(email=email, role=role,
                                                      name=role.replace("-", " ").title(),
                                                      password=DEMO_PASSWORD))
            logins[f"login {role}"] = f"{email} / {DEMO_PASSWORD}"
        staff: list[tuple[Practitioner, str]] = []
        for i, discipline in enumerate((disciplines * 2)[: max(len(disciplines), 6)]):
            name = PRACTITIONERS[i % len(PRACTITIONERS)]
            email = name.lower().replace("dr ", "").replace(" ", ".") + "@demo.vesalius.test"
            user = users.create_user(s, system, users.UserIn(
                email=email, role="practitioner", name=name, password=DEMO_PASSWORD,
                disciplines=[discipline]))
            prac = user.practitioner
            assert prac is not None
            prac.npi = f"{1000000000 + rng.randrange(10**8):010d}"
            prac.provider_number = f"PRV-{1000 + i}"
            prac.licence_number = f"LIC-{rng.randrange(10**5):05d}"
            prac.default_location_id = location.id
            practitioners.set_hours(s, system, prac.id, [
                practitioners.HoursIn(location_id=location.id, weekday=d, start_time=time(8),
                                      end_time=time(17)) for d in range(5)] + [
                practitioners.HoursIn(location_id=location.id, weekday=d, start_time=time(12),
                                      end_time=time(13), kind="break") for d in range(5)])
            staff.append((prac, discipline))
            if i == 0:
                logins["login practitioner"] = f"{email} / {DEMO_PASSWORD}"
        services: dict[str, tuple[Service, Service]] = {}
        for discipline in sorted({d for _p, d in staff}):
            title = registry.disciplines[discipline].title
            first = clinic.create_service(s, system, clinic.ServiceIn(
                name=f"{title}: initial assessment", discipline=discipline,
                duration_minutes=60, buffer_minutes=0, price=Decimal("120.00"),
                late_cancel_fee=Decimal("40.00")))
            follow = clinic.create_service(s, system, clinic.ServiceIn(
                name=f"{title}: follow-up", discipline=discipline, duration_minutes=45,
                buffer_minutes=15, price=Decimal("95.00"), late_cancel_fee=Decimal("40.00")))
            services[discipline] = (first, follow)
        codes = list(registry.billing_codes)
        medicare = payers.create_payer(s, system, payers.PayerIn(
            name="Medicare Part B", kind="medicare", payer_code="MCRB1", modifiers=["GP"]))
        blue = payers.create_payer(s, system, payers.PayerIn(
            name="Blue Shore Insurance", kind="commercial", payer_code="BSI77",
            timed_method="per-code"))
        payers.create_fee_schedule(s, system, payers.FeeScheduleIn(
            name="Medicare 2026", payer_id=medicare.id, fees=[
                payers.FeeIn(code=c, amount=(registry.billing_codes[c].default_fee
                                             or Decimal("60.00")) * Decimal("0.8"))
                for c in codes]))
        insurers = [medicare, blue]
    if ready is not None:  # the staff can sign in: the rest may be written while served
        ready()

    with db.session() as s:
        # Progress in steps of about equal cost: a patient, or a day's share of one visit.
        per_visit_day = len(staff) * per_day
        steps = patients_count + len(days) * per_visit_day
        patients_list = []
        for n in range(patients_count):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            patient = patients.create(s, system, patients.PatientIn(
                given_name=given, family_name=family,
                birth_date=date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65)),
                sex=rng.choice(("female", "male")),
                email=f"{name_key(given)}.{name_key(family).replace(' ', '')}{n}@example.org"
                .replace("'", ""),
                mobile=f"+1 416 555 {rng.randrange(10000):04d}",
                address_line1=f"{rng.randrange(1, 999)} {rng.choice(STREETS)}",
                city="Toronto", region="ON", postal_code="M5V 2T6", country="CA",
                reminders_sms=rng.random() < 0.6))
            patients.add_consent(s, system, patient.id, patients.ConsentIn(
                kind="treatment", granted=True))
            patients.add_consent(s, system, patient.id, patients.ConsentIn(
                kind="privacy-notice", granted=True))
            patients_list.append(patient)
            tell(n + 1, steps, {"patients": n + 1})
        case_pool: dict[str, list[int]] = {d: [] for d in sorted({d for _p, d in staff})}
        plans: dict[int, courses.Course] = {}
        for patient in patients_list:
            discipline = rng.choice(list(case_pool))
            code, title = rng.choice(DIAGNOSES.get(discipline, GENERIC_DIAGNOSES))
            payer_id = coverage_id = None
            if rng.random() < 0.4:
                payer = rng.choice(insurers)
                coverage = payers.add_coverage(s, system, patient.id, payers.CoverageIn(
                    payer_id=payer.id, member_id=f"M{rng.randrange(10**8):08d}",
                    copay=Decimal("15.00") if payer is blue else Decimal("0.00"),
                    coinsurance_percent=Decimal("20") if payer is medicare else Decimal("10"),
                    valid_from=today - timedelta(days=365)))
                payer_id, coverage_id = payer.id, coverage.id
            case = cases.open_case(s, system, cases.CaseIn(
                patient_id=patient.id, discipline=discipline, title=title,
                diagnosis_codes=[code], payer_id=payer_id, coverage_id=coverage_id,
                referral_source=rng.choice(("GP", "self", "surgeon", "sports club")),
                opened_on=today - timedelta(days=days_back + 7),
                authorised_visits=24 if payer_id else None))
            case_pool[discipline].append(case.id)
            plans[case.id] = courses.plan(rng)
    pause()

    counts = {"patients": patients_count, "appointments": 0, "signed notes": 0,
              "invoices": 0, "payments": 0, "claims": 0}
    seen_case: set[int] = set()
    attended: dict[int, int] = defaultdict(int)  # visits charted per case
    for n_day, day in enumerate(days, start=1):
        with db.session() as s:
            for prac, discipline in staff:
                actor = Actor(user_id=prac.user_id, role="practitioner",
                              practitioner_id=prac.id, user_agent="demo")
                first_svc, follow_svc = services[discipline]
                initial_t, follow_t = _templates_for(registry, discipline)
                slots = [datetime.combine(day, time(h, m), zone)
                         for h, m in ((8, 0), (9, 0), (10, 0), (11, 0), (13, 0), (14, 0),
                                      (15, 0), (16, 0))]
                for start in rng.sample(slots, k=min(per_day, len(slots))):
                    pool = case_pool[discipline]
                    if not pool:
                        continue
                    case_id = rng.choice(pool)
                    first_visit = case_id not in seen_case
                    service = first_svc if first_visit else follow_svc
                    case = s.get(Case, case_id)
                    appt = scheduling.book(s, system, scheduling.BookingIn(
                        patient_id=case.patient_id, practitioner_id=prac.id, case_id=case_id,
                        start=start.astimezone(UTC), service_id=service.id))
                    counts["appointments"] += 1
                    if day >= today:
                        if rng.random() < 0.5 and day > today:
                            scheduling.set_status(s, system, appt.id, "confirmed")
                        continue
                    roll = rng.random()
                    if roll < 0.04:
                        scheduling.set_status(s, system, appt.id, "no-show")
                        continue
                    if roll < 0.09:
                        scheduling.set_status(s, system, appt.id, "cancelled",
                                              reason=rng.choice(("unwell", "work conflict",
                                                                 "travel")))
                        continue
                    seen_case.add(case_id)
                    scheduling.set_status(s, system, appt.id, "arrived")
                    template = initial_t if first_visit else follow_t
                    course = plans[case_id]
                    level = courses.severity(course, attended[case_id], rng)
                    _chart_and_bill(s, actor, system, rng, registry, template, appt, case,
                                    today, counts, level)
                    attended[case_id] += 1
                    # The course ends (discharge at its goal, or the patient stops coming)
                    # unless the practitioner's list would run too short to fill a day:
                    # then the patient stays on for maintenance visits at the same level.
                    if attended[case_id] >= course.stop_after and len(pool) > per_day:
                        pool.remove(case_id)
                        if course.kind != "drop-out":
                            cases.close(s, system, case_id, on=day, reason=(
                                "discharged: plateau, home programme"
                                if course.kind == "plateau" else "discharged: goals met"))
        tell(patients_count + n_day * per_visit_day, steps, counts)
        pause()
    return counts | logins


def _chart_and_bill(s: Any, actor: Actor, system: Actor, rng: random.Random,
                    registry: Registry, template: NoteTemplate, appt: Appointment, case: Case,
                    today: date, counts: dict[str, Any], severity: float | None = None
                    ) -> None:
    codes = [c for c in registry.billing_codes if registry.billing_codes[c].timed][:2] or \
        list(registry.billing_codes)[:1]
    leave_draft = appt.start_at.date() >= today - timedelta(days=1) and rng.random() < 0.3
    invoice = None
    for candidate in (template, registry.templates["general.soap"]):
        document = fill_document(candidate, registry, rng, list(case.diagnosis_codes),
                                 appt.start_at.date(), codes, severity)
        try:
            with s.begin_nested():
                note = notes.create_draft(s, actor, notes.DraftIn(
                    appointment_id=appt.id, template_id=candidate.id, document=document))
                if leave_draft:
                    return  # a few of the last day's notes are still drafts, as anywhere
                _note, invoice = notes.sign(s, actor, note.id)
            break
        except ServiceError:
            continue  # the pack's rules want more than a generic filler writes
    else:
        return
    counts["signed notes"] += 1
    if invoice is None:
        scheduling.set_status(s, system, appt.id, "completed") if appt.status in (
            "arrived", "in-session") else None
        return
    counts["invoices"] += 1
    age = (today - appt.start_at.date()).days
    if age < 3 or not all(line.priced for line in invoice.lines):
        return  # recent visits wait on the ready-to-bill worklist
    billing.issue(s, system, invoice.id, on=appt.start_at.date())
    if invoice.patient_portion > 0 and rng.random() < 0.9:
        billing.record_payment(s, system, billing.PaymentIn(
            patient_id=invoice.patient_id, amount=invoice.patient_portion,
            method=rng.choice(("card", "card", "cash", "bank-transfer")),
            received_on=appt.start_at.date(),
            allocations=[billing.AllocationIn(invoice_id=invoice.id,
                                              amount=invoice.patient_portion)]))
        counts["payments"] += 1
    if invoice.payer_id is not None and invoice.insurer_portion > 0:
        claim = claims.create(s, system, invoice.id)
        counts["claims"] += 1
        steps = ["ready", "submitted"] + (["accepted", "paid"] if age > 21 else [])
        try:
            with s.begin_nested():
                for step in steps:
                    claims.set_status(s, system, claim.id, claims.ClaimStatusIn(
                        status=step, payer_reference=f"ERA-{claim.id}"
                        if step == "paid" else None))
        except ServiceError:
            pass  # the claim's checks found missing data: it stays a draft to fix


# -- bulk seed for benchmarks ----------------------------------------------------------

PRACTITIONERS_PER_LOCATION = 20
PER_DAY = 10  # appointments per practitioner per working day, on the hour from 08:00
MAX_DAYS = 500


def _chunks(rows: Iterator[dict[str, Any]], size: int = 20000) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_seed(db: Database, *, appointments: int, seed: int = 7,
              today: date | None = None) -> dict[str, Any]:
    """Write about ``appointments`` appointments with SQLAlchemy Core bulk inserts.

    Layout: locations of 20 practitioners, each seeing up to 10 patients a working day on
    the hour from 08:00 (45 minutes, so never overlapping); 80% of the days lie in the past.
    Past slots are 90% filled (completed with a signed note and an issued invoice, the last
    two days' invoices still drafts; some no-shows and cancellations), future ones 75%
    (booked). One patient (with one case) per ten appointments. Every third patient is
    insured (a coverage with one payer, 80 % of each charge to the insurer): their issued
    invoices of the last two weeks still wait for a claim, older ones count as claimed. A
    few claims (with a note) and payments (each paying three invoices) are then made
    through the services, so that the claim page and the receipt have something to show.
    """
    rng = random.Random(seed)
    today = today or date.today()
    registry = get_registry()
    discipline = next((d for d in ("physio", "chiro", "osteo") if d in registry.disciplines),
                      "general")
    template = next((t for t in registry.templates.values()
                     if t.discipline == discipline and t.kind == "follow-up"),
                    registry.templates["general.soap"])
    locations = max(1, -(-appointments // (PER_DAY * PRACTITIONERS_PER_LOCATION * MAX_DAYS)))
    practitioner_count = locations * PRACTITIONERS_PER_LOCATION
    # Working days, so that slots x fill rate ~ the requested count.
    days = max(5, -(-appointments // int(practitioner_count * PER_DAY * 0.87)))
    workdays: list[date] = []
    day = today - timedelta(days=int(days * 0.8 * 7 / 5) + 1)
    while len(workdays) < days:
        if day.weekday() < 5:
            workdays.append(day)
        day += timedelta(days=1)
    patients_count = max(50, appointments // 10)
    now = utcnow()
    counts: dict[str, Any] = {}
    with db.engine.begin() as conn:
        if conn.scalar(select(func.count()).select_from(Appointment)):
            raise ServiceError("bulk seeding needs an empty database")
        location_ids = []
        for n in range(locations):
            location_ids.append(conn.execute(insert(Location).values(
                name=f"Bench location {n + 1}", timezone="UTC", address="", phone="",
                active=True).returning(Location.id)).scalar_one())
        user_rows = [{"email": f"bench.practitioner{n}@example.org", "name": f"Practitioner {n}",
                      "role": "practitioner", "active": True, "created_at": now}
                     for n in range(practitioner_count)]
        conn.execute(insert(User), user_rows)
        user_ids = list(conn.scalars(select(User.id).where(User.email.like("bench.%"))
                                     .order_by(User.id)))
        conn.execute(insert(Practitioner), [
            {"user_id": uid, "display_name": f"Practitioner {n:03d}", "disciplines":
             [discipline], "npi": f"{1000000000 + n:010d}", "provider_number": f"PRV-{n}",
             "default_location_id": location_ids[n // PRACTITIONERS_PER_LOCATION],
             "colour": "#4a7bd0", "active": True, "created_at": now}
            for n, uid in enumerate(user_ids)])
        prac_ids = list(conn.scalars(select(Practitioner.id).order_by(Practitioner.id)))
        prac_user = dict(zip(prac_ids, user_ids, strict=True))
        conn.execute(insert(WorkingHours), [
            {"practitioner_id": pid, "location_id": location_ids[n // PRACTITIONERS_PER_LOCATION],
             "weekday": wd, "start_time": time(8), "end_time": time(18), "kind": "work"}
            for n, pid in enumerate(prac_ids) for wd in range(5)])
        service_id = conn.execute(insert(Service).values(
            name=f"{discipline.title()} follow-up (bench)", discipline=discipline,
            duration_minutes=45, buffer_minutes=0, default_codes=[], price=Decimal("95.00"),
            late_cancel_fee=Decimal("0.00"), online_bookable=True, active=True,
        ).returning(Service.id)).scalar_one()
        for batch in _chunks(_patient_rows(rng, patients_count, now)):
            conn.execute(insert(Patient), batch)
        patient_ids = list(conn.scalars(select(Patient.id).order_by(Patient.id)))
        payer_id = conn.execute(insert(Payer).values(
            name="Bench Mutual", kind="commercial", payer_code="BM001", timed_method="cms",
            modifiers=[], address="", active=True).returning(Payer.id)).scalar_one()
        insured = patient_ids[::3]
        for batch in _chunks({"patient_id": pid, "payer_id": payer_id,
                              "member_id": f"BM{pid:08d}", "relationship_to_subscriber": "self",
                              "copay": Decimal("0.00"), "coinsurance_percent": Decimal("20"),
                              "valid_from": workdays[0], "active": True} for pid in insured):
            conn.execute(insert(Coverage), batch)
        coverage_of = dict(conn.execute(select(Coverage.patient_id, Coverage.id)).all())
        for batch in _chunks({"patient_id": pid, "discipline": discipline,
                              "title": "Low back pain", "status": "open",
                              "opened_on": workdays[0], "diagnosis_codes": ["M54.50"],
                              "payer_id": payer_id if pid in coverage_of else None,
                              "coverage_id": coverage_of.get(pid),
                              "created_at": now, "updated_at": now} for pid in patient_ids):
            conn.execute(insert(Case), batch)
        case_of = dict(conn.execute(select(Case.patient_id, Case.id)).all())
        counts |= {"locations": locations, "practitioners": practitioner_count,
                   "patients": len(patient_ids)}

    code = next((c for c in ("97110", "97140") if c in registry.billing_codes), None)
    fee = (registry.billing_codes[code].default_fee or Decimal("50.00")) if code \
        else Decimal("95.00")
    insurer = (fee * Decimal("0.8")).quantize(Decimal("0.01"))
    claimed_before = today - timedelta(days=14)
    booked = notes_made = invoices_made = 0
    for batch_days in [workdays[i:i + 10] for i in range(0, len(workdays), 10)]:
        appt_rows: list[dict[str, Any]] = []
        for day in batch_days:
            past = day < today
            for n, pid in enumerate(prac_ids):
                location_id = location_ids[n // PRACTITIONERS_PER_LOCATION]
                for hour in range(8, 8 + PER_DAY):
                    if rng.random() >= (0.9 if past else 0.75):
                        continue
                    patient_id = patient_ids[rng.randrange(len(patient_ids))]
                    start = datetime.combine(day, time(hour), UTC)
                    roll = rng.random()
                    status = ("booked" if not past else "no-show" if roll < 0.04 else
                              "cancelled" if roll < 0.08 else "completed")
                    appt_rows.append({
                        "patient_id": patient_id, "practitioner_id": pid,
                        "case_id": case_of[patient_id], "service_id": service_id,
                        "location_id": location_id, "room_id": None, "series_id": None,
                        "start_at": start, "end_at": start + timedelta(minutes=45),
                        "status": status, "status_changed_at": start,
                        "cancel_reason": "unwell" if status == "cancelled" else None,
                        "created_at": now, "updated_at": now})
        with db.engine.begin() as conn:
            for batch in _chunks(iter(appt_rows)):
                conn.execute(insert(Appointment), batch)
            booked += len(appt_rows)
            first_day, last_day = batch_days[0], batch_days[-1] + timedelta(days=1)
            done = conn.execute(
                select(Appointment.id, Appointment.patient_id, Appointment.case_id,
                       Appointment.practitioner_id, Appointment.start_at)
                .where(Appointment.status == "completed",
                       Appointment.start_at >= datetime.combine(first_day, time(0), UTC),
                       Appointment.start_at < datetime.combine(last_day, time(0), UTC))
                .order_by(Appointment.id)).all()
            if not done:
                continue
            document = {"subjective": {"subjective": "Improving; home exercises done."}}
            note_rows = [{
                "patient_id": pat, "case_id": case, "appointment_id": aid,
                "author_id": prac_user[prac], "practitioner_id": prac,
                "template_id": template.id, "template_version": template.version,
                "pack": "general", "pack_version": None, "date_of_service": start.date(),
                "status": "signed", "document": document, "created_at": start,
                "updated_at": start, "signed_at": start + timedelta(hours=1),
                "signed_by": prac_user[prac], "content_sha256": "0" * 64, "rendered": None}
                for aid, pat, case, prac, start in done]
            for batch in _chunks(iter(note_rows)):
                conn.execute(insert(Note), batch)
            notes_made += len(note_rows)
            note_ids = _note_ids(conn, done)
            recent = today - timedelta(days=2)
            invoice_rows = [{
                "patient_id": pat, "case_id": case, "appointment_id": aid,
                "note_id": note_ids[aid], "practitioner_id": prac,
                "payer_id": payer_id if pat in coverage_of else None,
                "coverage_id": coverage_of.get(pat),
                "status": "draft" if start.date() >= recent else "issued",
                "date_of_service": start.date(),
                "issued_on": None if start.date() >= recent else start.date(),
                "total": fee, "insurer_portion": insurer if pat in coverage_of else ZERO,
                "patient_portion": fee - insurer if pat in coverage_of else fee,
                "claim_state": "none" if pat not in coverage_of or start.date() >= recent
                else "to-claim" if start.date() >= claimed_before else "claimed",
                "created_at": start, "updated_at": start}
                for aid, pat, case, prac, start in done]
            for batch in _chunks(iter(invoice_rows)):
                conn.execute(insert(Invoice), batch)
            invoices_made += len(invoice_rows)
            # Issued invoices carry their number, as billing.issue gives it (INV-000123).
            conn.execute(update(Invoice).where(
                Invoice.status == "issued", Invoice.date_of_service >= first_day,
                Invoice.date_of_service < last_day).values(number=_invoice_number(conn)))
            invoice_ids = conn.execute(select(Invoice.id, Invoice.payer_id).where(
                Invoice.date_of_service >= first_day, Invoice.date_of_service < last_day,
                Invoice.note_id.is_not(None))).all()
            # A pack's timed code, else the service at its price (as an uncoded visit is).
            line_rows = ({"invoice_id": iid, "position": 0, "code": code or f"SVC{service_id}",
                          "description": registry.billing_codes[code].label if code
                          else f"{discipline.title()} follow-up (bench)", "modifiers": [],
                          "minutes": 30 if code else None, "units": 1, "unit_price": fee,
                          "amount": fee, "insurer_amount": insurer if payer else ZERO,
                          "patient_amount": fee - insurer if payer else fee,
                          "priced": True} for iid, payer in invoice_ids)
            for batch in _chunks(line_rows):
                conn.execute(insert(InvoiceLine), batch)
    with db.session() as session:
        revenue.rebuild(session)
        made = _claims_and_payments(session, Actor.system("bench"))
    return counts | made | {"appointments": booked, "signed notes": notes_made,
                            "invoices": invoices_made}


def _claims_and_payments(session: Any, actor: Actor, count: int = 5) -> dict[str, int]:
    """A few claims (submitted, with a note) and payments (each paying three of a patient's
    invoices) made through the services, oldest candidates first."""
    made = {"claims": 0, "payments": 0}
    for invoice_id in session.scalars(select(Invoice.id).where(
            Invoice.claim_state == "to-claim").order_by(Invoice.id).limit(count)):
        claim = claims.create(session, actor, invoice_id)
        try:
            with session.begin_nested():
                for step in ("ready", "submitted"):
                    claims.set_status(session, actor, claim.id,
                                      claims.ClaimStatusIn(status=step))
        except ServiceError:
            pass  # the checks want what a bulk seed leaves out: the claim stays a draft
        claims.add_note(session, actor, claim.id, claims.ClaimNoteIn(
            text="Payer asked for the plan of care; sent by fax."))
        made["claims"] += 1
    paying = select(Invoice.patient_id).where(
        Invoice.status == "issued", Invoice.payer_id.is_(None)).group_by(
        Invoice.patient_id).having(func.count() >= 3).order_by(Invoice.patient_id).limit(count)
    for patient_id in list(session.scalars(paying)):
        owed = session.execute(select(Invoice.id, Invoice.patient_portion, Invoice.issued_on)
                               .where(Invoice.patient_id == patient_id,
                                      Invoice.status == "issued")
                               .order_by(Invoice.id).limit(3)).all()
        billing.record_payment(session, actor, billing.PaymentIn(
            patient_id=patient_id, amount=sum((o[1] for o in owed), ZERO), method="card",
            received_on=max(o[2] for o in owed), allocations=[
                billing.AllocationIn(invoice_id=o[0], amount=o[1]) for o in owed]))
        made["payments"] += 1
    return made


def _invoice_number(conn: Any) -> Any:
    """SQL for ``INV-`` and the invoice id on six digits, in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return literal_column("'INV-' || lpad(invoices.id::text, "
                              "greatest(6, length(invoices.id::text)), '0')")
    return literal_column("printf('INV-%06d', invoices.id)")


def _note_ids(conn: Any, done: list[Any]) -> dict[int, int]:
    ids: dict[int, int] = {}
    keys = [d[0] for d in done]
    for i in range(0, len(keys), 20000):
        ids.update(conn.execute(select(Note.appointment_id, Note.id)
                                .where(Note.appointment_id.in_(keys[i:i + 20000]))).all())
    return ids


def _patient_rows(rng: random.Random, count: int, now: datetime) -> Iterator[dict[str, Any]]:
    for n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        phone = f"+1 416 555 {n % 10000:04d}"
        email = f"{name_key(given)}.{n}@example.org"
        yield {"given_name": given, "family_name": family,
               "birth_date": date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65)),
               "email": email, "phone": phone, "preferred_contact": "email",
               "reminders_email": True, "reminders_sms": False, "marketing_opt_in": False,
               "active": True, "family_name_key": name_key(family),
               "given_name_key": name_key(given), "phone_key": phone_key(phone),
               "phone_tail_key": phone_tail_key(phone),
               "email_key": email, "created_at": now, "updated_at": now}
