"""What a pack's follow-up visit needs, read from the registry, and the set-up of one through
the services: a patient, a case of the pack's discipline, a first visit whose note (the
pack's initial template) is signed with a chart mark, a diagnosis code and a plan where the
follow-up template carries them, and a follow-up visit booked for today and checked in.

Used by ``test_pack_visits.py``; nothing here drives the browser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from vesalius_sdk import NoteTemplate

PASSWORD = "correct horse battery staple"
CODE = "M25.50"  # pain in an unspecified joint: a valid ICD-10-CM code any pack accepts
PLAN = "Review in two weeks; continue the home programme."


@dataclass(frozen=True)
class Planted:
    """A value the first note holds at ``source`` that the follow-up carries to ``path``."""

    path: str
    source: str
    kind: str  # chart, codes or long-text
    value: Any


@dataclass(frozen=True)
class PackVisit:
    """One discipline's visit templates and the fields the flow uses, from the registry."""

    discipline: str
    initial: NoteTemplate
    follow_up: NoteTemplate
    chart_path: str | None
    chart_id: str | None
    measure_path: str | None
    measure_id: str | None

    def planted(self, registry: Any) -> list[Planted]:
        """The values the follow-up carries (its ``carried_paths``) that the first note can
        hold: for each, the first note's field it comes from (the same path or one of its
        ``carry_forward_from``, of the same kind) and the value the first note gets there.
        Tables are left out (their rows are the pack's own business)."""
        initial = dict(self.initial.iter_fields())
        found = []
        for path in self.follow_up.carried_paths():
            field = self.follow_up.field(path)
            source = next((s for s in (path, *field.carry_forward_from)
                           if s in initial and initial[s].kind == field.kind), None)
            if source is None or field.kind == "table":
                continue
            value = carried_value(field, initial[source], registry)
            if value is not None:
                found.append(Planted(path, source, field.kind, value))
        return found


def carried_value(field: Any, source: Any, registry: Any) -> Any:
    """A value valid both in the first note's ``source`` field and the follow-up's
    ``field`` (an option both offer, say); ``None`` when there is none."""
    kind = field.kind
    if kind == "chart":
        return [first_mark(registry.charts[field.chart])]
    if kind == "codes":
        return [CODE]
    if kind in ("text", "long-text"):
        return PLAN if field.id == "plan" else f"Carried {field.label.lower()}"
    if kind in ("choice", "multi-choice"):
        offered = {o.value for o in source.options}
        both = [o.value for o in field.options if o.value in offered]
        if not both:
            return None
        # A list's last option: its first ones (diabetes, say) ask for more to be charted.
        return both[0] if kind == "choice" else both[-1:]
    if kind == "boolean":
        return bool(field.must_be_true or source.must_be_true)
    if kind == "number":
        low = max(field.minimum or 0, source.minimum or 0, 1)
        return int(low) if field.integer or source.integer else float(low)
    if kind == "date":
        return None  # a date carried is the first visit's own: nothing to plant
    return None


def pack_visits(registry: Any) -> dict[str, PackVisit]:
    """Discipline -> its visit: every discipline (but "general") whose pack declares a
    follow-up default template and an initial one."""
    out = {}
    for template in registry.templates.values():
        if "follow-up" not in template.default_for or template.discipline == "general":
            continue
        initial = next((t for t in registry.templates.values()
                        if t.discipline == template.discipline and "initial" in t.default_for),
                       None)
        if initial is None:
            continue
        fields = template.iter_fields()
        chart = next(((p, f.chart) for p, f in fields if f.kind == "chart"), (None, None))
        measures = [(p, f) for p, f in fields if f.kind == "measure"]
        measure = next(((p, f.measure) for p, f in measures if f.default),
                       next(((p, f.measure) for p, f in measures), (None, None)))
        out[template.discipline] = PackVisit(template.discipline, initial, template, *chart,
                                             *measure)
    return dict(sorted(out.items()))


def attribute_value(attribute: Any) -> Any:
    """A valid value for a mark attribute (the first option, the minimum, yes, a word)."""
    if attribute.kind == "choice":
        return attribute.options[0]
    if attribute.kind == "boolean":
        return True
    if attribute.kind in ("integer", "number"):
        low = attribute.minimum if attribute.minimum is not None else 1
        return int(max(low, 1)) if attribute.kind == "integer" else float(max(low, 1))
    return "noted"


def first_mark(chart: Any, mark_type: str | None = None) -> dict[str, Any]:
    """A mark of ``mark_type`` (else the chart's first) on the first region of its first
    view, with its required attributes and any side given."""
    kind = next(m for m in chart.mark_types if mark_type in (None, m.id))
    region = next(r for r in chart.regions if r.view == chart.views[0].id)
    attributes = {a.id: attribute_value(a) for a in kind.attributes
                  if a.required or a.id == "side"}
    return {"region": region.id, "type": kind.id, "attributes": attributes}


def required_value(field: Any, registry: Any, today: date) -> Any:
    """A value for a required field of the first note: ticks where a box must be ticked,
    "no" for other yes/no questions (screens), the first option, the minimum."""
    kind = field.kind
    if kind in ("text", "long-text"):
        return "Recorded at the first visit."
    if kind == "boolean":
        return bool(field.must_be_true)
    if kind == "choice":
        return field.options[0].value
    if kind == "multi-choice":
        return [field.options[0].value]
    if kind == "date":
        return today.isoformat()
    if kind == "codes":
        return [CODE]
    if kind in ("number", "scale"):
        low = field.minimum if field.minimum is not None else 0
        return int(low) if kind == "scale" or field.integer else float(low)
    if kind == "chart":
        return [first_mark(registry.charts[field.chart])]
    if kind == "measure":
        return {"responses": [item.minimum for item in registry.measures[field.measure].items]}
    raise ValueError(f"no value for a required {kind} field ({field.id})")


def first_document(visit: PackVisit, registry: Any, today: date) -> dict[str, Any]:
    """The first note's document: its template's required fields, and the values the
    follow-up carries."""
    document: dict[str, dict[str, Any]] = {}
    for path, field in visit.initial.iter_fields():
        if field.required:
            section, _, key = path.partition(".")
            document.setdefault(section, {})[key] = required_value(field, registry, today)
    for planted in visit.planted(registry):
        section, _, key = planted.source.partition(".")
        document.setdefault(section, {})[key] = planted.value
    return document


@dataclass(frozen=True)
class Seeded:
    email: str
    patient: str  # the patient's display name on the day list
    first_note_id: int
    first_day: date
    appointment_id: int  # the follow-up visit, checked in


def seed(database: Any, registry: Any, visit: PackVisit) -> Seeded:
    """A practitioner of the discipline (an empty diary of their own), a patient, a
    self-pay case, the first visit a week ago with its note signed, and today's follow-up
    visit checked in (status "arrived")."""
    from sqlalchemy import select
    from vesalius.models import Location
    from vesalius.services import cases, notes, patients, scheduling, users
    from vesalius.services.actor import Actor
    from vesalius.services.common import clinic_timezone

    system = Actor.system("tests")
    email = f"visits.{visit.discipline}@clinic.test"
    with database.session() as session:
        location = session.scalars(select(Location).where(Location.active.is_(True))
                                   .order_by(Location.id).limit(1)).one()
        zone = clinic_timezone(location.timezone)
        today = datetime.now(zone).date()
        first_day = today - timedelta(days=7)
        user = users.create_user(session, system, users.UserIn(
            email=email, role="practitioner", name=f"Sam {visit.discipline.title()}",
            password=PASSWORD, disciplines=[visit.discipline]))
        practitioner = user.practitioner
        practitioner.default_location_id = location.id
        me = Actor(user_id=user.id, role="practitioner", practitioner_id=practitioner.id)
        patient = patients.create(session, system, patients.PatientIn(
            given_name=visit.discipline.title(), family_name="Revisit",
            birth_date=date(1971, 3, 14)))
        case = cases.open_case(session, system, cases.CaseIn(
            patient_id=patient.id, discipline=visit.discipline, opened_on=first_day,
            title=f"{visit.discipline.title()} care"))

        def book(day: date, hour: int) -> int:
            start = datetime.combine(day, time(hour), tzinfo=zone)
            return scheduling.book(session, system, scheduling.BookingIn(
                patient_id=patient.id, practitioner_id=practitioner.id, case_id=case.id,
                start=start, end=start + timedelta(minutes=45))).id

        first = notes.create_draft(session, me, notes.DraftIn(
            appointment_id=book(first_day, 10),
            document=first_document(visit, registry, first_day)))
        assert first.template_id == visit.initial.id, first.template_id
        notes.sign(session, me, first.id)
        follow_up = book(today, 11)
        scheduling.set_status(session, system, follow_up, "arrived")
        name = patient.display_name
        return Seeded(email, name, first.id, first_day, follow_up)
