"""Clinical notes: drafts from a pack's template, validation naming the field, signing
(pack validation, charge lines, invoice, snapshot, SHA-256, lock), addenda, and
"entered in error". A signed note is never changed: this service refuses, and so does the
database (triggers in migration 0002)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from vesalius_sdk import (
    CaseContext,
    CodesField,
    DocumentError,
    MeasureField,
    NoteContext,
    PayerContext,
    ResponseError,
    Score,
)

from ..db.types import utcnow
from ..errors import Conflict, Forbidden, Invalid
from ..models import (
    Appointment,
    Case,
    Invoice,
    MeasureResult,
    Note,
    NoteAddendum,
    Payer,
    Practitioner,
)
from ..plugins import PackError, Registry, get_registry
from . import audit, billing, scheduling
from .actor import Actor
from .common import Input, get
from .events import after_commit


class DraftIn(Input):
    appointment_id: int
    template_id: str
    document: dict[str, Any] = Field(default_factory=dict)


class AddendumIn(Input):
    text: str = Field(min_length=1, max_length=20000)
    kind: Literal["addendum", "correction", "late-entry"] = "addendum"
    reason: str | None = Field(default=None, max_length=500)


def _note(session: Session, actor: Actor, note_id: int, permission: str) -> Note:
    note = get(session, Note, note_id, "note")
    actor.require(permission, patient_id=note.patient_id)
    return note


def _problem_error(problems: list[Any]) -> Invalid:
    first = problems[0]
    return Invalid(first.message if not first.field else f"{first.field}: {first.message}",
                   field=first.field,
                   details=[{"field": p.field, "message": p.message} for p in problems])


def _validated(registry: Registry, template_id: str, document: Any) -> dict[str, Any]:
    try:
        return registry.validate_document(template_id, document)
    except DocumentError as exc:
        raise _problem_error(exc.problems) from None


def create_draft(session: Session, actor: Actor, data: DraftIn) -> Note:
    """A draft note for an appointment, from a registered template."""
    appointment = get(session, Appointment, data.appointment_id, "appointment",
                      field="appointment_id")
    actor.require("notes.write", patient_id=appointment.patient_id)
    registry = get_registry()
    if data.template_id not in registry.templates:
        raise Invalid(f"no note template {data.template_id!r} is installed",
                      field="template_id")
    if appointment.case_id is None:
        raise Invalid("the appointment has no case: attach it to the patient's case first",
                      field="appointment_id")
    if appointment.status in ("cancelled", "late-cancelled", "no-show"):
        raise Conflict(f"the appointment is {appointment.status}", field="appointment_id")
    template = registry.template(data.template_id)
    pack = registry.owner("template", template.id)
    document = _validated(registry, template.id, data.document)
    note = Note(patient_id=appointment.patient_id, case_id=appointment.case_id,
                appointment_id=appointment.id, author_id=actor.user_id or 0,
                practitioner_id=actor.practitioner_id or appointment.practitioner_id,
                template_id=template.id, template_version=template.version, pack=pack,
                pack_version=registry.pack(pack).version,
                date_of_service=appointment.start_at.date(), status="draft",
                document=document)
    if actor.user_id is None:  # the command line or a seed: credit the treating practitioner
        note.author_id = session.scalar(select(Practitioner.user_id).where(
            Practitioner.id == appointment.practitioner_id)) or 0
    session.add(note)
    session.flush()
    audit.record(session, actor, "create", "note", note.id, note.patient_id,
                 detail=template.id)
    return note


def read(session: Session, actor: Actor, note_id: int) -> Note:
    note = _note(session, actor, note_id, "notes.read")
    audit.record(session, actor, "read", "note", note.id, note.patient_id)
    return note


def update_draft(session: Session, actor: Actor, note_id: int,
                 document: dict[str, Any]) -> Note:
    """Replace the draft's document; :class:`Conflict` once signed, :class:`Invalid` naming
    the first offending field (all of them in ``details``)."""
    note = _note(session, actor, note_id, "notes.write")
    if note.status != "draft":
        raise Conflict(f"the note is {note.status} and can no longer be edited; add an addendum",
                       field="document")
    registry = get_registry()
    if note.template_id not in registry.templates:
        raise Conflict(f"the template {note.template_id} is not installed (pack {note.pack})")
    note.document = _validated(registry, note.template_id, document)
    note.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "update", "note", note.id, note.patient_id)
    return note


def scores_of(registry: Registry, template_id: str,
              document: dict[str, Any]) -> dict[str, tuple[str, Score]]:
    """``measure id -> (field path, score)`` for the measure fields filled in."""
    template = registry.template(template_id)
    found: dict[str, tuple[str, Score]] = {}
    for path, field in template.iter_fields():
        if not isinstance(field, MeasureField) or field.measure not in registry.measures:
            continue
        section, _, key = path.partition(".")
        value = (document.get(section) or {}).get(key)
        if not value or all(r is None for r in value.get("responses", [])):
            continue
        try:
            found[field.measure] = (path, registry.score(field.measure, value["responses"]))
        except ResponseError as exc:
            raise Invalid(str(exc), field=path) from None
    return found


def context(session: Session, note: Note, case: Case, scores: dict[str, Score],
            signed_at: Any = None) -> NoteContext:
    """The read-only view a pack's hooks get: no names, no contact details."""
    payer = session.get(Payer, case.payer_id) if case.payer_id else None
    payer_context = PayerContext(
        id=str(payer.id), name=payer.name, kind=payer.kind,  # type: ignore[arg-type]
        timed_method=payer.timed_method,  # type: ignore[arg-type]
        modifiers=frozenset(payer.modifiers),
    ) if payer else PayerContext()
    visits_before = session.scalar(
        select(func.count()).select_from(Note).where(
            Note.case_id == case.id, Note.status == "signed", Note.id != note.id,
            Note.date_of_service <= note.date_of_service)) or 0
    return NoteContext(
        id=str(note.id), template_id=note.template_id, template_version=note.template_version,
        document=note.document, date_of_service=note.date_of_service,
        case=CaseContext(id=str(case.id), discipline=case.discipline,
                         diagnosis_codes=tuple(case.diagnosis_codes), payer=payer_context,
                         visits_before=visits_before),
        scores=scores, signed_at=signed_at,
    )


def content_hash(note: Note) -> str:
    """SHA-256 of the canonical signed content (what the signature vouches for)."""
    body = {
        "note": note.id, "patient": note.patient_id, "case": note.case_id,
        "template": note.template_id, "template_version": note.template_version,
        "pack": note.pack, "pack_version": note.pack_version,
        "date_of_service": note.date_of_service.isoformat(), "document": note.document,
        "signed_by": note.signed_by,
        "signed_at": note.signed_at.isoformat() if note.signed_at else None,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def verify(note: Note) -> bool:
    """True when a signed note's content still matches the hash taken at signing."""
    return note.content_sha256 is not None and content_hash(note) == note.content_sha256


def preview_charges(session: Session, actor: Actor, note_id: int) -> list[Any]:
    """The charge lines the pack would bill for the draft as it stands (editor preview)."""
    note = _note(session, actor, note_id, "notes.read")
    registry = get_registry()
    case = get(session, Case, note.case_id, "case")
    scores = {m: s for m, (_p, s) in scores_of(registry, note.template_id,
                                               note.document).items()}
    try:
        return registry.charge_lines(context(session, note, case, scores))
    except PackError as exc:
        raise Conflict(str(exc)) from None


def sign(session: Session, actor: Actor, note_id: int) -> tuple[Note, Invoice | None]:
    """Sign a draft: check it (document, required fields, the pack's rules), record the
    signer, time, pack and template versions, snapshot and hash, store measure results,
    draft the invoice from the pack's charge lines, complete the appointment. All in the
    caller's transaction: any failure leaves nothing half-written."""
    note = _note(session, actor, note_id, "notes.sign")
    if note.status != "draft":
        raise Conflict(f"the note is already {note.status}")
    if actor.role != "system" and actor.practitioner_id is None:
        raise Forbidden("only a practitioner signs notes")
    registry = get_registry()
    if note.template_id not in registry.templates:
        raise Conflict(f"the template {note.template_id} is not installed (pack {note.pack})")
    template = registry.template(note.template_id)
    case = get(session, Case, note.case_id, "case")
    note.document = _validated(registry, template.id, note.document)
    measured = scores_of(registry, template.id, note.document)
    scores = {m: s for m, (_p, s) in measured.items()}
    draft_context = context(session, note, case, scores)
    try:
        problems = registry.problems_before_signing(draft_context)
        if problems:
            raise _problem_error(problems)
        lines = registry.charge_lines(draft_context)
    except PackError as exc:
        raise Conflict(f"the note cannot be signed: {exc}") from None

    now = utcnow()
    pack = registry.owner("template", template.id)
    practitioner = session.get(Practitioner, note.practitioner_id) if note.practitioner_id \
        else None
    note.status, note.signed_at = "signed", now
    note.signed_by = actor.user_id if actor.user_id is not None else note.author_id
    note.pack, note.pack_version = pack, registry.pack(pack).version
    note.template_version = template.version
    note.rendered = render(registry, template, note, scores, practitioner)
    note.content_sha256 = content_hash(note)
    session.flush()
    for measure_id, (path, score) in measured.items():
        measure = registry.measures[measure_id]
        section, _, key = path.partition(".")
        session.add(MeasureResult(
            patient_id=note.patient_id, case_id=note.case_id, note_id=note.id,
            field_path=path, measure_id=measure_id, measure_version=measure.version,
            pack=registry.owner("measure", measure_id),
            pack_version=registry.pack(registry.owner("measure", measure_id)).version,
            taken_on=note.date_of_service,
            responses=list(note.document[section][key]["responses"]), value=score.value,
            band=score.band, complete=score.complete, subscores=dict(score.subscores),
            recorded_by=note.signed_by))
    _diagnoses_to_case(session, actor, template, note, case)
    invoice = billing.draft_invoice(
        session, actor, case=case, lines=lines, date_of_service=note.date_of_service,
        appointment_id=note.appointment_id, note_id=note.id,
        practitioner_id=note.practitioner_id)
    audit.record(session, actor, "sign", "note", note.id, note.patient_id,
                 detail=f"{template.id} v{template.version}, {len(lines)} charge lines")
    appointment = session.get(Appointment, note.appointment_id) if note.appointment_id \
        else None
    if invoice is None and appointment is not None:
        invoice = billing.draft_service_invoice(session, actor, appointment, note_id=note.id)
    if appointment is not None and appointment.status in ("arrived", "in-session"):
        scheduling.set_status(session, actor, appointment.id, "completed")
    signed_context = context(session, note, case, scores, signed_at=now)
    after_commit(session, lambda: registry.note_signed(signed_context))
    return note, invoice


def _diagnoses_to_case(session: Session, actor: Actor, template: Any, note: Note,
                       case: Case) -> None:
    """ICD-10 codes charted in the note join the case's diagnosis codes (primary first,
    at most 12), so billing never re-types them."""
    found: list[str] = []
    for path, field in template.iter_fields():
        if isinstance(field, CodesField) and field.system.startswith("ICD-10"):
            section, _, key = path.partition(".")
            found += (note.document.get(section) or {}).get(key) or []
    added = [code for code in dict.fromkeys(found) if code not in case.diagnosis_codes]
    if added:
        case.diagnosis_codes = (list(case.diagnosis_codes) + added)[:12]
        audit.record(session, actor, "update", "case", case.id, case.patient_id,
                     detail=f"diagnosis codes from note {note.id}")


def render(registry: Registry, template: Any, note: Note, scores: dict[str, Score],
           practitioner: Practitioner | None) -> str:
    from .rendering import render_note

    return render_note(template, note.document, registry=registry, scores=scores,
                       date_of_service=note.date_of_service, pack=note.pack,
                       pack_version=note.pack_version,
                       practitioner=practitioner.display_name if practitioner else None)


def add_addendum(session: Session, actor: Actor, note_id: int,
                 data: AddendumIn) -> NoteAddendum:
    """Append to a signed note, with its own author, time, kind and reason."""
    note = _note(session, actor, note_id, "notes.write")
    if note.status == "draft":
        raise Conflict("the note is a draft: edit it instead of adding an addendum")
    if data.kind == "correction" and not data.reason:
        raise Invalid("a correction states its reason", field="reason")
    author = actor.user_id if actor.user_id is not None else note.author_id
    created = utcnow()
    digest = hashlib.sha256(json.dumps(
        {"note": note.id, "author": author, "at": created.isoformat(), "kind": data.kind,
         "reason": data.reason, "text": data.text}, sort_keys=True).encode()).hexdigest()
    addendum = NoteAddendum(note_id=note.id, kind=data.kind, author_id=author,
                            created_at=created, reason=data.reason, text=data.text,
                            content_sha256=digest)
    session.add(addendum)
    session.flush()
    audit.record(session, actor, "create", "addendum", addendum.id, note.patient_id,
                 detail=f"note {note.id}, {data.kind}")
    return addendum


def mark_entered_in_error(session: Session, actor: Actor, note_id: int, reason: str) -> Note:
    """Mark a note written for the wrong patient or visit; it stays in the record, flagged.
    A draft invoice it produced is voided."""
    note = _note(session, actor, note_id, "notes.write")
    if note.status == "entered-in-error":
        raise Conflict("the note is already marked entered in error")
    if not reason.strip():
        raise Invalid("give a reason", field="reason")
    note.status, note.error_reason = "entered-in-error", reason.strip()[:500]
    note.error_at, note.error_by = utcnow(), actor.user_id
    session.flush()
    invoice = session.scalar(select(Invoice).where(Invoice.note_id == note.id))
    if invoice is not None and invoice.status == "draft":
        billing.void(session, Actor.system("entered in error"), invoice.id,
                     f"note {note.id} entered in error")
    audit.record(session, actor, "entered-in-error", "note", note.id, note.patient_id)
    return note


def of_case(session: Session, actor: Actor, case_id: int) -> list[Note]:
    case = get(session, Case, case_id, "case")
    actor.require("notes.read", patient_id=case.patient_id)
    found = list(session.scalars(select(Note).where(Note.case_id == case_id)
                                 .order_by(Note.date_of_service, Note.id)))
    audit.record_many(session, actor, "read", "note", [(n.id, n.patient_id) for n in found])
    return found


def record_measure(session: Session, actor: Actor, case_id: int, measure_id: str,
                   responses: list[int | None], taken_on: date | None = None) -> MeasureResult:
    """A result taken outside a note (a patient filling a measure before the visit)."""
    case = get(session, Case, case_id, "case")
    actor.require("measures.record", patient_id=case.patient_id)
    registry = get_registry()
    if measure_id not in registry.measures:
        raise Invalid(f"no measure {measure_id!r} is installed", field="measure")
    try:
        score = registry.score(measure_id, responses)
    except ResponseError as exc:
        raise Invalid(str(exc), field=f"responses[{exc.item - 1}]" if exc.item else
                      "responses") from None
    owner = registry.owner("measure", measure_id)
    result = MeasureResult(
        patient_id=case.patient_id, case_id=case.id, measure_id=measure_id,
        measure_version=registry.measures[measure_id].version, pack=owner,
        pack_version=registry.pack(owner).version, taken_on=taken_on or date.today(),
        responses=list(responses), value=score.value, band=score.band,
        complete=score.complete, subscores=dict(score.subscores),
        recorded_by=actor.user_id)
    session.add(result)
    session.flush()
    audit.record(session, actor, "create", "measure-result", result.id, case.patient_id,
                 detail=measure_id)
    return result
