"""Intake before a visit: staff send a patient sections of a note template and outcome
measures to fill; the patient fills them on the portal (or through the message's link alone),
their answers are saved as they go, and on submit they land in the visit's draft note marked
"reported by the patient" and each measure's score in the case's results (source "patient").

The link's token is the credential for its one request: only its SHA-256 is stored, it
expires, and it is single-use once the answers are submitted (the request is then locked).

Conflicts: a patient's answer never overwrites what the practitioner already wrote in the
draft. Such an answer is kept on the request (outcome ``kept``) and shown beside the note in
the editor's "Reported by the patient" panel, as is any answer the note's template has no
field for; the note itself keeps the practitioner's words.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from vesalius_sdk import NoteTemplate
from vesalius_sdk.templates import (
    BooleanField,
    ChoiceField,
    DateField,
    LongTextField,
    MultiChoiceField,
    NumberField,
    ScaleField,
    TextField,
)

from ..db.types import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..messaging import kinds, notify
from ..models import Appointment, IntakeRequest, MeasureResult, Note, Patient
from ..plugins import get_registry
from . import access, audit, measure_wording, notes
from .actor import Actor
from .common import Input, get
from .scheduling import location_zone

KIND = kinds.register(kinds.MessageKind(
    key="intake-request",
    label="Forms to fill before a visit",
    description="Sent when staff ask a patient to fill intake forms or questionnaires "
                "before a visit: the link opens them on the portal.",
    subject="Forms to fill before your visit on {{ date }}",
    text=("Dear {{ given_name }},\n\n"
          "Before your visit with {{ practitioner }} on {{ date }} at {{ time }}, please "
          "fill in a few forms. It takes a few minutes and your answers are saved as you "
          "go:\n\n{{ link }}\n\nThe link works until {{ expires }}.\n\n{{ location }}"),
    sms=("Please fill in your forms before your visit on {{ date }} at {{ time }}: "
         "{{ link }}"),
    variables={"given_name": "the patient's first (or preferred) name",
               "date": "the visit's date", "time": "the visit's start time",
               "practitioner": "the practitioner's name", "service": "the service booked",
               "location": "the clinic location", "minutes": "the visit's length",
               "link": "the link to the forms", "expires": "when the link stops working"}))

#: Field kinds a patient can fill; charts, codes, tables, procedures are the clinician's.
PATIENT_FIELDS = (TextField, LongTextField, NumberField, BooleanField, ChoiceField,
                  MultiChoiceField, ScaleField, DateField)
#: How long a link works at least, and after the visit's start.
MIN_VALID = timedelta(days=2)
AFTER_START = timedelta(days=1)


class SendIn(Input):
    """What to ask: sections of ``template_id`` (all its sections when none are named) and
    measures by id. At least one of them."""

    template_id: str | None = Field(default=None, max_length=128)
    sections: list[str] = Field(default_factory=list, max_length=50)
    measures: list[str] = Field(default_factory=list, max_length=20)


@dataclass(frozen=True)
class Sent:
    request: IntakeRequest
    #: The link with its token (shown once: only its hash is stored).
    link: str
    #: How many messages were queued (0: the patient takes no e-mail or SMS).
    queued: int


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def patient_fields(template: NoteTemplate, sections: list[str]
                   ) -> list[tuple[Any, list[tuple[str, Any]]]]:
    """(section, [(path, field)]) of the fields a patient fills, for ``sections``.

    A yes/no the note needs ticked before signing (``must_be_true``: an attestation such as
    "red-flag screen completed", or a consent taken in person) is the practitioner's and is
    left out."""
    out = []
    for section in template.sections:
        if section.id not in sections:
            continue
        fields = [(f"{section.id}.{f.id}", f) for f in section.fields
                  if isinstance(f, PATIENT_FIELDS) and not getattr(f, "must_be_true", False)]
        if fields:
            out.append((section, fields))
    return out


def send(session: Session, actor: Actor, appointment_id: int, data: SendIn,
         base_url: str) -> Sent:
    """Ask the appointment's patient to fill ``data`` before the visit; the message (kind
    ``intake-request``) goes on the channels their preferences allow."""
    appointment = get(session, Appointment, appointment_id, "appointment")
    access.require(session, actor, "intake.send", appointment.patient_id)
    if appointment.status in ("cancelled", "late-cancelled", "no-show", "completed"):
        raise Conflict(f"the appointment is {appointment.status}", field="appointment_id")
    if appointment.case_id is None:
        raise Invalid("the appointment has no case: attach it to the patient's case first",
                      field="appointment_id")
    registry = get_registry()
    template = None
    sections: list[str] = []
    if data.template_id:
        if data.template_id not in registry.templates:
            raise Invalid(f"no note template {data.template_id!r} is installed",
                          field="template_id")
        template = registry.template(data.template_id)
        known = [s.id for s in template.sections]
        for n, section_id in enumerate(data.sections):
            if section_id not in known:
                raise Invalid(f"{template.title} has no section {section_id!r}",
                              field=f"sections[{n}]")
        chosen = data.sections or known
        sections = [s for s in known if s in chosen]
        if not patient_fields(template, sections):
            raise Invalid("the chosen sections hold nothing a patient fills (only charts, "
                          "codes, tables or procedures)", field="sections")
    elif data.sections:
        raise Invalid("choose the template the sections belong to", field="template_id")
    measures = list(dict.fromkeys(data.measures))
    for n, measure_id in enumerate(measures):
        offer = measure_wording.offer(session, measure_id)
        if not offer.offered:
            raise Invalid(f"{offer.title}: {offer.reason}", field=f"measures[{n}]")
    if template is None and not measures:
        raise Invalid("choose a form or at least one measure", field="template_id")
    now = utcnow()
    token = secrets.token_urlsafe(32)
    request = IntakeRequest(
        patient_id=appointment.patient_id, appointment_id=appointment.id,
        case_id=appointment.case_id, template_id=template.id if template else None,
        template_version=template.version if template else None, sections=sections,
        measures=measures, token_sha256=_hash(token),
        expires_at=max(appointment.start_at + AFTER_START, now + MIN_VALID),
        status="sent", answers={}, outcome={}, result_ids=[], created_by=actor.user_id)
    session.add(request)
    session.flush()
    link = f"{base_url.rstrip('/')}/portal/intake/{token}"
    zone = location_zone(session, appointment.location_id)
    until = request.expires_at.astimezone(zone)
    patient = get(session, Patient, appointment.patient_id, "patient")
    queued = notify.send(session, kind=KIND.key, patient=patient,
                         dedupe_key=f"intake-request:{request.id}", appointment=appointment,
                         context={"link": link,
                                  "expires": f"{until:%A} {until.day} {until:%B} {until:%H:%M}"})
    audit.record(session, actor, "create", "intake-request", request.id, request.patient_id,
                 detail=f"appointment {appointment.id}: "
                        + ", ".join(([template.id] if template else []) + measures))
    return Sent(request, link, len(queued))


def of_appointment(session: Session, actor: Actor, appointment_id: int) -> list[IntakeRequest]:
    appointment = get(session, Appointment, appointment_id, "appointment")
    access.require(session, actor, "intake.read", appointment.patient_id)
    return list(session.scalars(select(IntakeRequest).where(
        IntakeRequest.appointment_id == appointment_id).order_by(IntakeRequest.id)))


def open_for_patient(session: Session, actor: Actor, patient_id: int) -> list[IntakeRequest]:
    """The patient's requests still to fill (not submitted, not expired), soonest visit
    first: for the portal's "forms to fill" list (link: ``intake.portal_form``)."""
    actor.require("intake.fill" if actor.is_patient else "intake.read", patient_id)
    return list(session.scalars(
        select(IntakeRequest).join(Appointment, Appointment.id == IntakeRequest.appointment_id)
        .where(IntakeRequest.patient_id == patient_id, IntakeRequest.status == "sent",
               IntakeRequest.expires_at > utcnow())
        .order_by(Appointment.start_at, IntakeRequest.id)))


def by_token(session: Session, token: str) -> tuple[IntakeRequest, Actor]:
    """The request a link's token opens and the patient-scoped actor it stands for. An
    unknown, expired or cancelled link is :class:`NotFound` (nothing told about why)."""
    request = session.scalar(select(IntakeRequest).where(
        IntakeRequest.token_sha256 == _hash(token))) if 20 <= len(token) <= 100 else None
    if request is None or request.status == "cancelled" or (
            request.status == "sent" and request.expires_at <= utcnow()):
        raise NotFound("this link is not valid any more: ask the clinic for a new one")
    return request, Actor(user_id=None, role="patient", patient_id=request.patient_id,
                          user_agent="intake link")


def for_patient(session: Session, actor: Actor, request_id: int) -> IntakeRequest:
    """A request, for the signed-in patient it belongs to."""
    request = get(session, IntakeRequest, request_id, "intake request")
    if actor.is_patient and request.patient_id != actor.patient_id:
        # Another patient's request does not exist for this one (the portal's rule: 404).
        raise NotFound(f"no intake request {request_id}")
    actor.require("intake.fill", request.patient_id)
    if request.status == "cancelled" or (request.status == "sent"
                                         and request.expires_at <= utcnow()):
        raise NotFound("this request is closed: ask the clinic for a new one")
    return request


# -- what the patient sees -------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    request: IntakeRequest
    title: str | None
    sections: list[tuple[Any, list[tuple[str, Any]]]]
    measures: list[measure_wording.PatientMeasure]
    appointment: Appointment
    #: The visit's start in the location's wall clock.
    starts: datetime

    @property
    def locked(self) -> bool:
        return self.request.status != "sent"

    def value(self, path: str) -> Any:
        section, _, key = path.partition(".")
        return ((self.request.answers or {}).get("form", {}).get(section) or {}).get(key)

    def response(self, measure_id: str, item_id: str) -> int | None:
        found = ((self.request.answers or {}).get("measures", {}).get(measure_id) or {})
        value = found.get(item_id)
        return value if isinstance(value, int) else None


def form(session: Session, actor: Actor, request: IntakeRequest) -> Form:
    actor.require("intake.fill", request.patient_id)
    registry = get_registry()
    template = registry.templates.get(request.template_id or "")
    appointment = get(session, Appointment, request.appointment_id, "appointment")
    audit.record(session, actor, "read", "intake-request", request.id, request.patient_id)
    return Form(request, template.title if template else None,
                patient_fields(template, list(request.sections)) if template else [],
                [measure_wording.patient_measure(session, m) for m in request.measures
                 if measure_wording.offer(session, m).offered],
                appointment,
                appointment.start_at.astimezone(location_zone(session, appointment.location_id)))


# -- answers ---------------------------------------------------------------------------------


def _parse(field: Any, raw: list[str]) -> Any:
    """A form value as the note document stores it; ValueError says what is wrong."""
    values = [v.strip() for v in raw if v.strip()]
    if isinstance(field, MultiChoiceField):
        allowed = {o.value for o in field.options}
        if any(v not in allowed for v in values):
            raise ValueError("choose from the options given")
        return list(dict.fromkeys(values)) or None
    if not values:
        return None
    text = values[0]
    if isinstance(field, TextField | LongTextField):
        if len(text) > field.max_length:
            raise ValueError(f"at most {field.max_length} characters")
        return text
    if isinstance(field, BooleanField):
        if text not in ("yes", "no"):
            raise ValueError("answer yes or no")
        return text == "yes"
    if isinstance(field, ChoiceField):
        if text not in {o.value for o in field.options}:
            raise ValueError("choose one of the options given")
        return text
    if isinstance(field, ScaleField | NumberField):
        try:
            number = float(text)
        except ValueError:
            raise ValueError("give a number") from None
        whole = isinstance(field, ScaleField) or field.integer
        if whole and not number.is_integer():
            raise ValueError("give a whole number")
        low, high = field.minimum, field.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(f"give a number from {low:g} to {high:g}" if low is not None
                             and high is not None else "the number is out of range")
        return int(number) if whole or number.is_integer() else number
    if isinstance(field, DateField):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("give a date (YYYY-MM-DD)") from None
    raise ValueError("this field is not filled by patients")


def _editable(request: IntakeRequest) -> None:
    if request.status == "submitted":
        raise Conflict("these forms were submitted: they cannot be changed")
    if request.status != "sent" or request.expires_at <= utcnow():
        raise NotFound("this request is closed: ask the clinic for a new one")


def save(session: Session, actor: Actor, request: IntakeRequest,
         raw: Mapping[str, list[str]]) -> dict[str, str]:
    """Keep what the patient entered so far (``raw``: the form's values by input name,
    ``f:<section>.<field>`` and ``m:<measure>.<item>``). A value that does not fit its
    field is not kept and is named in the errors returned (``{input name: message}``);
    the rest is saved. Only inputs present in ``raw`` change (one section saved at a time)."""
    actor.require("intake.fill", request.patient_id)
    _editable(request)
    view = form(session, actor, request)
    answers = {"form": {s: dict(v) for s, v in (request.answers or {}).get("form", {}).items()},
               "measures": {m: dict(v) for m, v in
                            (request.answers or {}).get("measures", {}).items()}}
    errors: dict[str, str] = {}
    for section, fields in view.sections:
        for path, field in fields:
            name = f"f:{path}"
            if name not in raw:
                continue
            try:
                value = _parse(field, list(raw[name]))
            except ValueError as exc:
                errors[name] = f"{field.label}: {exc}"
                continue
            bucket = answers["form"].setdefault(section.id, {})
            if value is None:
                bucket.pop(field.id, None)
            else:
                bucket[field.id] = value
    for measure in view.measures:
        for item in measure.items:
            name = f"m:{measure.id}.{item.id}"
            if name not in raw:
                continue
            text = (list(raw[name]) or [""])[0].strip()
            bucket = answers["measures"].setdefault(measure.id, {})
            if not text:
                bucket.pop(item.id, None)
            elif text.isdigit() and int(text) in {v for v, _w in item.choices}:
                bucket[item.id] = int(text)
            else:
                errors[name] = f"{measure.title}, {item.text}: choose one of the answers"
    request.answers = answers
    request.saved_at = utcnow()
    session.flush()
    audit.record(session, actor, "update", "intake-request", request.id, request.patient_id,
                 detail="answers saved")
    return errors


def problems(session: Session, actor: Actor, request: IntakeRequest) -> dict[str, str]:
    """What stops the answers being submitted, by input name: required fields left empty,
    measures their published rule cannot score (saying which items are missing)."""
    view = form(session, actor, request)
    registry = get_registry()
    found: dict[str, str] = {}
    for _section, fields in view.sections:
        for path, field in fields:
            # A required yes/no is the practitioner's to settle when the patient leaves it.
            if (field.required and not isinstance(field, BooleanField)
                    and view.value(path) in (None, "", [])):
                found[f"f:{path}"] = f"{field.label}: this answer is needed"
    for shown in view.measures:
        measure = registry.measures[shown.id]
        given = {i.id: view.response(shown.id, i.id) for i in measure.items}
        score = measure.score(given)
        if score.value is None:
            left = [n for n, item in enumerate(shown.items, start=1)
                    if given[item.id] is None and not item.optional]
            rule = measure.missing_rule.text if measure.missing_rule else score.reason
            first = shown.items[left[0] - 1].id if left else shown.items[0].id
            found[f"m:{shown.id}.{first}"] = (
                f"{shown.title}: question{'s' if len(left) > 1 else ''} "
                f"{', '.join(map(str, left))} not answered. {rule}")
    return found


def submit(session: Session, actor: Actor, request: IntakeRequest,
           raw: Mapping[str, list[str]]) -> dict[str, str]:
    """Save ``raw``, check everything (:func:`problems`) and, when nothing is wrong, lock
    the request, write the answers into the visit's draft note (one is started, as a
    practitioner would, when the visit has none) and store each measure's score with source
    "patient". Returns the problems (empty: submitted); with problems nothing is locked."""
    errors = save(session, actor, request, raw)
    errors.update({k: v for k, v in problems(session, actor, request).items()
                   if k not in errors})
    if errors:
        return errors
    now = utcnow()
    appointment = get(session, Appointment, request.appointment_id, "appointment")
    day = now.astimezone(location_zone(session, appointment.location_id)).date()
    registry = get_registry()
    answers = request.answers or {}
    by_path: dict[str, Any] = {f"{section}.{key}": value
                               for section, values in answers.get("form", {}).items()
                               for key, value in values.items()}
    results = []
    template = registry.templates.get(_note_template(session, appointment) or "")
    for measure_id in request.measures:
        measure = registry.measures[measure_id]
        given = answers.get("measures", {}).get(measure_id) or {}
        result = notes.record_measure(session, actor, request.case_id, measure_id,
                                      [given.get(i.id) for i in measure.items], day,
                                      source="patient")
        results.append(result)
        for path, field in (template.iter_fields() if template else []):
            if getattr(field, "measure", None) == measure_id:  # the note's own measure field
                by_path.setdefault(path, {"responses": list(result.responses)})
                break
    note = _draft_for(session, appointment)
    outcome = (notes.report_from_patient(session, note, by_path, day, request_id=request.id)
               if note is not None else dict.fromkeys(by_path, "no-note"))
    request.note_id = note.id if note is not None else None
    request.outcome = outcome
    request.result_ids = [r.id for r in results]
    request.status, request.submitted_at = "submitted", now
    session.flush()
    audit.record(session, actor, "submit", "intake-request", request.id, request.patient_id,
                 detail=f"{sum(v == 'written' for v in outcome.values())} answers into note "
                        f"{request.note_id}, {len(results)} measures")
    return {}


def _note_template(session: Session, appointment: Appointment) -> str | None:
    """The template of the visit's draft, or the one a new draft would open with."""
    draft = session.scalar(select(Note.template_id).where(
        Note.appointment_id == appointment.id, Note.status == "draft").order_by(Note.id.desc())
        .limit(1))
    if draft is not None:
        return draft
    try:
        return notes.visit_template(session, get_registry(), appointment).template.id
    except Invalid:
        return None


def _draft_for(session: Session, appointment: Appointment) -> Note | None:
    """The visit's draft note; started through the notes service (the visit's usual
    template, copied forward, audited) when the visit has no note. None when the visit's
    note is signed already or none can be started: the answers stay on the request."""
    existing = list(session.scalars(select(Note).where(
        Note.appointment_id == appointment.id,
        Note.status.in_(("draft", "signed"))).order_by(Note.id.desc())))
    draft = next((n for n in existing if n.status == "draft"), None)
    if draft is not None or existing:
        return draft
    try:
        with session.begin_nested():
            return notes.create_draft(session, Actor.system("intake from the patient"),
                                      notes.DraftIn(appointment_id=appointment.id,
                                                    copy_forward=True))
    except (Invalid, Conflict):
        return None


# -- the practitioner's view -----------------------------------------------------------------


@dataclass(frozen=True)
class Reported:
    """A submitted request as the note editor shows it beside the draft."""

    request: IntakeRequest
    #: (label, shown value, outcome) per answer of the form.
    answers: list[tuple[str, str, str]]
    results: list[MeasureResult]


def _shown(field: Any, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(field, ChoiceField | MultiChoiceField):
        labels = {o.value: o.label for o in field.options}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in values)
    return str(value)


@functools.cache
def _submitted() -> Any:
    """The visit's submitted requests (every note editor asks): built once, as building
    the statement costs more than running it."""
    return (select(IntakeRequest)
            .where(IntakeRequest.appointment_id == bindparam("appointment_id"),
                   IntakeRequest.status == "submitted")
            .order_by(IntakeRequest.id))


def reported_for(session: Session, actor: Actor, appointment_id: int) -> list[Reported]:
    """The visit's submitted requests with their answers and the results they stored
    (two queries): for the note editor's "Reported by the patient" panel."""
    appointment = get(session, Appointment, appointment_id, "appointment")
    access.require(session, actor, "notes.read", appointment.patient_id)
    requests = list(session.scalars(_submitted(), {"appointment_id": appointment_id}))
    if not requests:
        return []
    wanted = [i for r in requests for i in (r.result_ids or [])]
    results = {r.id: r for r in session.scalars(select(MeasureResult).where(
        MeasureResult.id.in_(wanted)))} if wanted else {}
    registry = get_registry()
    out = []
    for request in requests:
        template = registry.templates.get(request.template_id or "")
        rows = []
        for _section, fields in (patient_fields(template, list(request.sections))
                                 if template else []):
            for path, field in fields:
                section, _, key = path.partition(".")
                value = ((request.answers or {}).get("form", {}).get(section) or {}).get(key)
                if value not in (None, "", []):
                    rows.append((field.label, _shown(field, value),
                                 (request.outcome or {}).get(path, "")))
        mine = [results[i] for i in (request.result_ids or []) if i in results]
        out.append(Reported(request, rows, mine))
    audit.record(session, actor, "read", "intake-request", None, appointment.patient_id,
                 detail=f"appointment {appointment_id}")
    return out
