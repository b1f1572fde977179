"""Clinical notes: drafts from a pack's template (the visit's default one unless chosen,
optionally copied forward from the case's last signed note), switched to another template
or discarded while drafts, validation naming the field, signing (pack validation with
warnings that do not block, charge lines, invoice, snapshot, SHA-256, lock, the visit
completed), addenda, and "entered in error". A signed note is never changed: this service
refuses (409 with the code ``note-signed``), and so does the database (migration 0002)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from vesalius_sdk import (
    CaseContext,
    ChartField,
    CodesField,
    DocumentError,
    MeasureField,
    NoteContext,
    NoteProblem,
    NoteSummary,
    NoteTemplate,
    PayerContext,
    ProceduresField,
    ProcedureSummary,
    ResponseError,
    Score,
)
from vesalius_sdk.documents import carried_forward, switched

from ..db.types import utcnow
from ..errors import Conflict, Forbidden, Invalid
from ..models import (
    Appointment,
    Case,
    Invoice,
    InvoiceLine,
    MeasureResult,
    Note,
    NoteAddendum,
    Payer,
    Practitioner,
)
from ..plugins import PackError, Registry, get_registry
from . import access, audit, billing, note_templates, scheduling
from .actor import Actor
from .common import Input, get
from .events import after_commit

#: The ``code`` in a 409's ``details`` when a signed note is asked to change: the editor
#: stops saving and shows the signed note (a late autosave after signing, say).
NOTE_SIGNED = "note-signed"
#: The ``code`` in a 403's ``details`` when the signer has no practitioner record.
NO_PRACTITIONER_RECORD = "no-practitioner-record"
NO_PRACTITIONER_MESSAGE = ("only a treating practitioner signs notes: your account has no "
                           "practitioner record")


class DraftIn(Input):
    """A new draft for a visit. Without ``template_id`` the visit's default template is
    used (:func:`vesalius.services.note_templates.default_template`). ``copy_forward``
    pre-fills the template's carried fields from the case's last signed note; ``document``
    is laid over both (what is sent wins, field by field)."""

    appointment_id: int
    template_id: str | None = None
    document: dict[str, Any] = Field(default_factory=dict)
    copy_forward: bool = False


class AddendumIn(Input):
    text: str = Field(min_length=1, max_length=20000)
    kind: Literal["addendum", "correction", "late-entry"] = "addendum"
    reason: str | None = Field(default=None, max_length=500)


def _note(session: Session, actor: Actor, note_id: int, permission: str) -> Note:
    """The note, once :func:`vesalius.services.access.require` lets ``actor`` do
    ``permission`` on its patient's record (role, patient scope, care team)."""
    note = get(session, Note, note_id, "note")
    access.require(session, actor, permission, note.patient_id)
    return note


def _draft(session: Session, actor: Actor, note_id: int, doing: str) -> Note:
    """A note that must still be a draft for ``doing``: 409 coded ``note-signed`` else."""
    note = _note(session, actor, note_id, "notes.write")
    access.require_author(actor, note)
    if note.status != "draft":
        message = (f"the note is {note.status} and can no longer be {doing}; "
                   + ("add an addendum" if note.status == "signed" else "start a new note"))
        raise Conflict(message, field="document",
                       details=[{"code": NOTE_SIGNED, "field": "document", "message": message,
                                 "status": note.status}])
    return note


def _problem_error(problems: list[Any]) -> Invalid:
    first = problems[0]
    return Invalid(first.message if not first.field else f"{first.field}: {first.message}",
                   field=first.field,
                   details=[{"field": p.field, "message": p.message,
                             "severity": getattr(p, "severity", "error")} for p in problems])


def _validated(registry: Registry, template_id: str, document: Any) -> dict[str, Any]:
    try:
        return registry.validate_document(template_id, document)
    except DocumentError as exc:
        raise _problem_error(exc.problems) from None


def _installed(registry: Registry, template_id: str) -> NoteTemplate:
    if template_id not in registry.templates:
        raise Invalid(f"no note template {template_id!r} is installed", field="template_id")
    return registry.template(template_id)


def _layered(*documents: Mapping[str, Any]) -> dict[str, Any]:
    """Documents laid over each other field by field: a later one wins."""
    out: dict[str, dict[str, Any]] = {}
    for document in documents:
        for section, values in document.items():
            if isinstance(values, Mapping):
                out.setdefault(section, {}).update(values)
            else:  # not an object: left for validation to name
                out[section] = values  # type: ignore[assignment]
    return out


def _at(document: Mapping[str, Any], path: str) -> Any:
    section, _, key = path.partition(".")
    values = document.get(section)
    return values.get(key) if isinstance(values, Mapping) else None


def _last_signed(session: Session, case_id: int, patient_id: int, on_or_before: date | None,
                 exclude: int | None) -> Note | None:
    """The case's newest signed note (date of service, then signing time), on or before a
    date and other than a note when given."""
    values = {"case_id": case_id, "patient_id": patient_id, "on_or_before": on_or_before,
              "exclude": exclude}
    return session.scalar(_last_signed_query(on_or_before is not None, exclude is not None),
                          {k: v for k, v in values.items() if v is not None})


@functools.cache
def _last_signed_query(dated: bool, excluding: bool):  # type: ignore[no-untyped-def]
    """:func:`_last_signed`'s statement, built once per shape (building a statement costs
    more CPU than running this one)."""
    query = select(Note).where(Note.case_id == bindparam("case_id"),
                               Note.patient_id == bindparam("patient_id"),
                               Note.status == "signed")
    if dated:
        query = query.where(Note.date_of_service <= bindparam("on_or_before"))
    if excluding:
        query = query.where(Note.id != bindparam("exclude"))
    return query.order_by(Note.date_of_service.desc(), Note.signed_at.desc(),
                          Note.id.desc()).limit(1)


def _copy_forward(session: Session, registry: Registry, template: NoteTemplate,
                  note: Note) -> tuple[Note | None, dict[str, Any]]:
    """The source (the case's last signed note on or before this note's date) and what
    ``template`` carries from it. Same patient and same case only, by construction."""
    source = _last_signed(session, note.case_id, note.patient_id, note.date_of_service,
                          note.id)
    if source is None:
        return None, {}
    return source, carried_forward(template, source.document,
                                   registry.document_model(template.id))


def _carried_marks(copied: Mapping[str, Any], document: Mapping[str, Any],
                   source: Note) -> dict[str, str]:
    """``{path: source date}`` for each copied value the final document still holds."""
    day = source.date_of_service.isoformat()
    return {f"{section}.{key}": day
            for section, values in copied.items() for key, value in values.items()
            if _at(document, f"{section}.{key}") == value}


def create_draft(session: Session, actor: Actor, data: DraftIn) -> Note:
    """A draft note for an appointment: from ``data.template_id`` or the visit's default
    template, started from the template's pre-filled tables, the case's last signed note
    (``copy_forward``) and ``data.document``, in that order of precedence (last wins).
    ``note.copied_from_id`` names the source note (``None``: nothing to copy from) and
    ``note.carried`` the carried paths with the source's date of service."""
    appointment = get(session, Appointment, data.appointment_id, "appointment",
                      field="appointment_id")
    access.require(session, actor, "notes.write", appointment.patient_id)
    registry = get_registry()
    if appointment.case_id is None:
        raise Invalid("the appointment has no case: attach it to the patient's case first",
                      field="appointment_id")
    if appointment.status in ("cancelled", "late-cancelled", "no-show"):
        raise Conflict(f"the appointment is {appointment.status}", field="appointment_id")
    if data.template_id:
        template = _installed(registry, data.template_id)
    else:
        template = visit_template(session, registry, appointment).template
    pack = registry.owner("template", template.id)
    note = Note(patient_id=appointment.patient_id, case_id=appointment.case_id,
                appointment_id=appointment.id, author_id=actor.user_id or 0,
                practitioner_id=actor.practitioner_id or appointment.practitioner_id,
                template_id=template.id, template_version=template.version, pack=pack,
                pack_version=registry.pack(pack).version,
                date_of_service=appointment.start_at.date(), status="draft", carried={})
    source, copied = (_copy_forward(session, registry, template, note) if data.copy_forward
                      else (None, {}))
    note.document = _validated(registry, template.id,
                               _layered(template.new_document(), copied, data.document))
    if source is not None:
        note.copied_from_id = source.id
        note.carried = _carried_marks(copied, note.document, source)
    if actor.user_id is None:  # the command line or a seed: credit the treating practitioner
        note.author_id = session.scalar(select(Practitioner.user_id).where(
            Practitioner.id == appointment.practitioner_id)) or 0
    session.add(note)
    session.flush()
    audit.record(session, actor, "create", "note", note.id, note.patient_id,
                 detail=template.id + (f", copied forward from note {source.id}"
                                       if source is not None else ""))
    return note


def _blank(value: Any) -> bool:
    if isinstance(value, Mapping) and "responses" in value:  # a measure field
        return all(r is None for r in value.get("responses") or [])
    return value is None or value == "" or value == [] or value == {}


def report_from_patient(session: Session, note: Note, answers: Mapping[str, Any],
                        day: date, *, request_id: int) -> dict[str, str]:
    """Write a patient's answers (``{path: value}``, filled before the visit) into a draft,
    each marked "reported by the patient" (``note.reported``, like copy-forward's marks: the
    mark leaves when the practitioner changes the value). What the practitioner already
    wrote is never overwritten. Returns ``{path: outcome}``: ``written``, ``kept`` (the
    note already held a value there: the note keeps it) or ``no-field`` (the note's
    template has no such field, or the answer does not fit it)."""
    if note.status != "draft":
        return dict.fromkeys(answers, "not-a-draft")
    registry = get_registry()
    template = registry.template(note.template_id)
    paths = {path for path, _field in template.iter_fields()}
    document = note.document or {}
    outcome: dict[str, str] = {}
    marks = dict(note.reported or {})
    for path, value in answers.items():
        if path not in paths:
            outcome[path] = "no-field"
            continue
        if not _blank(_at(document, path)):
            outcome[path] = "kept"
            continue
        section, _, key = path.partition(".")
        trial = _layered(document, {section: {key: value}})
        try:
            document = registry.validate_document(template.id, trial)
        except DocumentError:
            outcome[path] = "no-field"  # another template's field of another shape
            continue
        outcome[path] = "written"
        marks[path] = day.isoformat()
    if any(v == "written" for v in outcome.values()):
        note.document = document
        note.reported = marks
        note.updated_at = utcnow()
        session.flush()
        audit.record(session, Actor.system("intake"), "update", "note", note.id,
                     note.patient_id, detail=f"answers reported by the patient "
                                             f"(intake request {request_id})")
    return outcome


@dataclass(frozen=True)
class TemplateChoice:
    """The template a visit opens with and the visit kind it was chosen for."""

    template: NoteTemplate
    visit_kind: note_templates.VisitKind


def visit_template(session: Session, registry: Registry,
                   appointment: Appointment) -> TemplateChoice:
    """The template a visit's new note opens with: its service's, else its case's
    discipline's, for the visit kind (first visit of the case or a later one)."""
    case = session.get(Case, appointment.case_id) if appointment.case_id else None
    kind = note_templates.visit_kind(session, case.id) if case else "initial"
    template = note_templates.default_template(
        registry, case.discipline if case else None, kind, appointment.service)
    if template is None:
        raise Invalid("no note template is installed: enable a discipline pack",
                      field="template_id")
    return TemplateChoice(template, kind)


def template_for_visit(session: Session, actor: Actor, appointment_id: int) -> TemplateChoice:
    """What :func:`create_draft` would open for the appointment without a ``template_id``
    (the editor preselects it)."""
    appointment = get(session, Appointment, appointment_id, "appointment")
    access.require(session, actor, "notes.write", appointment.patient_id)
    return visit_template(session, get_registry(), appointment)


def read(session: Session, actor: Actor, note_id: int) -> Note:
    note = _note(session, actor, note_id, "notes.read")
    audit.record(session, actor, "read", "note", note.id, note.patient_id)
    return note


def update_draft(session: Session, actor: Actor, note_id: int,
                 document: dict[str, Any]) -> Note:
    """Replace the draft's document; :class:`Conflict` once signed (``details`` carry
    ``code: "note-signed"``), :class:`Invalid` naming the first offending field (all of
    them in ``details``). A carried value the practitioner changed loses its mark."""
    note = _draft(session, actor, note_id, "edited")
    registry = get_registry()
    if note.template_id not in registry.templates:
        raise Conflict(f"the template {note.template_id} is not installed (pack {note.pack})")
    checked = _validated(registry, note.template_id, document)
    note.carried = {path: day for path, day in (note.carried or {}).items()
                    if _at(checked, path) == _at(note.document, path)}
    note.reported = {path: day for path, day in (note.reported or {}).items()
                     if _at(checked, path) == _at(note.document, path)}
    note.document = checked
    note.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "update", "note", note.id, note.patient_id)
    return note


def switch_template(session: Session, actor: Actor, note_id: int, template_id: str | None, *,
                    document: dict[str, Any] | None = None,
                    copy_forward: bool = False) -> Note:
    """Switch a draft to another installed template. Of ``document`` (default: the draft's
    own) the values whose path exists in the new template and fit its field are kept
    (:func:`vesalius_sdk.documents.switched`); the new template's pre-filled tables and,
    with ``copy_forward``, its carried fields from the case's last signed note fill the
    rest. ``template_id=None`` keeps the draft's template (to copy forward into it).
    Audited with both template ids (and the source note when copied)."""
    note = _draft(session, actor, note_id, "switched")
    registry = get_registry()
    template = _installed(registry, template_id or note.template_id)
    base = note.document if document is None else document
    model = registry.document_model(template.id)
    kept = switched(base, model)
    source, copied = (_copy_forward(session, registry, template, note) if copy_forward
                      else (None, {}))
    old_id, old_carried, old_document = note.template_id, dict(note.carried or {}), note.document
    pack = registry.owner("template", template.id)
    note.template_id, note.template_version = template.id, template.version
    note.pack, note.pack_version = pack, registry.pack(pack).version
    note.document = _validated(registry, template.id,
                               _layered(template.new_document(), copied, kept))
    # Marks survive where the carried value is still there, unchanged.
    carried = {path: day for path, day in old_carried.items()
               if _at(note.document, path) is not None
               and _at(note.document, path) == _at(old_document, path)}
    if source is not None:
        note.copied_from_id = source.id
        carried.update(_carried_marks(copied, note.document, source))
    note.carried = carried
    note.reported = {path: day for path, day in (note.reported or {}).items()
                     if _at(note.document, path) is not None
                     and _at(note.document, path) == _at(old_document, path)}
    note.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "update", "note", note.id, note.patient_id,
                 detail=f"template {old_id} -> {template.id}"
                 + (f", copied forward from note {source.id}" if source is not None else ""))
    return note


def discard(session: Session, actor: Actor, note_id: int) -> None:
    """Discard a draft: the row is deleted (a draft was never attested, so no reader of a
    visit's notes has to skip it and a new note can be started at once); the audit row
    keeps who, when, the template and the SHA-256 of the discarded content. A signed note
    is never discarded: 409 (mark it entered in error instead)."""
    note = _note(session, actor, note_id, "notes.write")
    if note.status == "draft":
        access.require_author(actor, note)
    if note.status != "draft":
        message = (f"the note is {note.status}: only a draft can be discarded"
                   + ("; mark it entered in error instead" if note.status == "signed" else ""))
        raise Conflict(message, details=[{"code": NOTE_SIGNED, "field": None,
                                          "message": message, "status": note.status}])
    digest = hashlib.sha256(json.dumps(note.document, sort_keys=True,
                                       separators=(",", ":")).encode()).hexdigest()
    audit.record(session, actor, "discard", "note", note.id, note.patient_id,
                 detail=f"{note.template_id} draft, content sha256 {digest}")
    session.delete(note)
    session.flush()


@dataclass(frozen=True)
class ChartMarks:
    """One chart field of a note: where it is, its chart, and the marks recorded."""

    path: str
    label: str
    chart: str
    marks: list[dict[str, Any]]


@dataclass(frozen=True)
class LastSigned:
    """The case's last signed note, for the editor's side panel: the note (its stored
    snapshot in ``note.rendered``), its template's title when installed, and its charts."""

    note: Note
    template_title: str | None
    charts: list[ChartMarks]


def last_signed(session: Session, actor: Actor, case_id: int,
                before_note_id: int | None = None) -> LastSigned | None:
    """The case's last signed note (by date of service, then signing time), or ``None``.
    With ``before_note_id`` (the note being written): the last one on or before its date,
    the note itself left out. Two or three primary-key/indexed queries; audited as a read."""
    case = get(session, Case, case_id, "case")
    access.require(session, actor, "notes.read", case.patient_id)
    on_or_before = None
    if before_note_id is not None:
        current = get(session, Note, before_note_id, "note")
        if current.case_id != case.id:
            raise Invalid(f"note {before_note_id} is not of case {case.id}",
                          field="before_note_id")
        on_or_before = current.date_of_service
    note = _last_signed(session, case.id, case.patient_id, on_or_before, before_note_id)
    if note is None:
        return None
    audit.record(session, actor, "read", "note", note.id, note.patient_id)
    template = get_registry().templates.get(note.template_id)
    charts = [ChartMarks(path, f.label, f.chart, list(_at(note.document, path) or []))
              for path, f in (template.iter_fields() if template else [])
              if isinstance(f, ChartField)]
    return LastSigned(note, template.title if template else None, charts)


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
    """The read-only view a pack's hooks get: no names, no contact details. Carries the
    note's template and the case's other notes of the same day (:func:`same_day_notes`)."""
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
    registry = get_registry()
    return NoteContext(
        id=str(note.id), template_id=note.template_id, template_version=note.template_version,
        document=note.document, date_of_service=note.date_of_service,
        case=CaseContext(id=str(case.id), discipline=case.discipline,
                         diagnosis_codes=tuple(case.diagnosis_codes), payer=payer_context,
                         visits_before=visits_before),
        scores=scores, signed_at=signed_at, template=registry.templates.get(note.template_id),
        same_day_notes=same_day_notes(session, registry, note),
    )


def same_day_notes(session: Session, registry: Registry, note: Note) -> tuple[NoteSummary, ...]:
    """The case's other drafts and signed notes on ``note``'s date of service (entered in
    error ones left out), oldest first, with their procedures and, for signed ones, the
    codes of their invoice's lines (a void invoice charges nothing). Two queries at most,
    whatever the number of notes."""
    query = (select(Note.id, Note.template_id, Note.status, Note.document)
             .where(Note.case_id == note.case_id, Note.date_of_service == note.date_of_service,
                    Note.status.in_(("draft", "signed")))
             .order_by(Note.created_at, Note.id))
    if note.id is not None:
        query = query.where(Note.id != note.id)
    rows = session.execute(query).all()
    signed = [row.id for row in rows if row.status == "signed"]
    charged: dict[int, list[str]] = {}
    if signed:
        for note_id, code in session.execute(
                select(Invoice.note_id, InvoiceLine.code)
                .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
                .where(Invoice.note_id.in_(signed), Invoice.status != "void")
                .order_by(Invoice.note_id, InvoiceLine.position, InvoiceLine.id)):
            charged.setdefault(note_id, []).append(code)
    return tuple(
        NoteSummary(id=str(row.id), template_id=row.template_id,
                    template_kind=(registry.templates[row.template_id].kind
                                   if row.template_id in registry.templates else None),
                    signed=row.status == "signed",
                    procedures=_procedures(registry, row.template_id, row.document or {}),
                    charged_codes=tuple(charged.get(row.id, ())))
        for row in rows)


def _procedures(registry: Registry, template_id: str,
                document: Mapping[str, Any]) -> tuple[ProcedureSummary, ...]:
    template = registry.templates.get(template_id)
    if template is None:
        return ()
    found = []
    for path, one in template.iter_fields():
        if isinstance(one, ProceduresField):
            for entry in _at(document, path) or []:
                if isinstance(entry, Mapping) and entry.get("code"):
                    found.append(ProcedureSummary(code=str(entry["code"]),
                                                  minutes=entry.get("minutes"),
                                                  units=entry.get("units")))
    return tuple(found)


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


def _as_it_stands(session: Session, actor: Actor, note_id: int) -> tuple[Registry, NoteContext]:
    """The registry and the rules' view of a note as it stands (editor previews)."""
    note = _note(session, actor, note_id, "notes.read")
    registry = get_registry()
    if note.template_id not in registry.templates:
        raise Conflict(f"the template {note.template_id} is not installed (pack {note.pack})")
    case = get(session, Case, note.case_id, "case")
    scores = {m: s for m, (_p, s) in scores_of(registry, note.template_id,
                                               note.document).items()}
    return registry, context(session, note, case, scores)


def preview_charges(session: Session, actor: Actor, note_id: int) -> list[Any]:
    """The charge lines the pack would bill for the draft as it stands (editor preview)."""
    registry, note = _as_it_stands(session, actor, note_id)
    try:
        return registry.charge_lines(note)
    except PackError as exc:
        raise Conflict(str(exc)) from None


def signing_problems(session: Session, actor: Actor, note_id: int) -> list[NoteProblem]:
    """What the template and the pack say of the note as it stands: errors (which block
    signing) and warnings (which do not), for the editor to show before the sign."""
    registry, note = _as_it_stands(session, actor, note_id)
    try:
        return registry.problems_before_signing(note)
    except PackError as exc:
        raise Conflict(str(exc)) from None


@dataclass(frozen=True)
class Signed:
    """What signing gives: the signed note, its draft invoice (``None`` when nothing is
    billed) and the warnings the practitioner signed over. Unpacks as ``note, invoice``."""

    note: Note
    invoice: Invoice | None
    warnings: tuple[NoteProblem, ...] = ()

    def __iter__(self) -> Iterator[Any]:
        return iter((self.note, self.invoice))


def sign(session: Session, actor: Actor, note_id: int) -> Signed:
    """Sign a draft: check it (document, required fields, the pack's rules: errors block,
    warnings are returned in :attr:`Signed.warnings` and kept in the snapshot), record the
    signer, time, pack and template versions, snapshot and hash, store measure results,
    draft the invoice from the pack's charge lines, complete the visit (one never checked in
    too). All in the caller's transaction: any failure leaves nothing half-written. A note
    already signed: 409 with ``code: "note-signed"``.

    The signer is the draft's author with a practitioner record (a practitioner, or an
    owner who treats), the patient in their care; the draft must name that record (the
    signature renders its name). Without a record: 403 coded ``no-practitioner-record``."""
    if actor.role != "system" and actor.practitioner_id is None:
        actor.require("notes.sign")  # a role without the permission hears that first
        raise Forbidden(NO_PRACTITIONER_MESSAGE, details=[{
            "code": NO_PRACTITIONER_RECORD, "field": None,
            "message": NO_PRACTITIONER_MESSAGE}])
    note = _note(session, actor, note_id, "notes.sign")
    access.require_author(actor, note)
    if note.status != "draft":
        message = f"the note is already {note.status}"
        raise Conflict(message, details=[{"code": NOTE_SIGNED, "field": None,
                                          "message": message, "status": note.status}])
    if actor.role != "system" and note.practitioner_id != actor.practitioner_id:
        raise Forbidden("this draft names another practitioner (it was started before "
                        "your account had a practitioner record): start a new note to sign")
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
        errors = [p for p in problems if p.blocks_signing]
        if errors:
            raise _problem_error(errors + [p for p in problems if not p.blocks_signing])
        warnings = tuple(problems)
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
    note.rendered = render(registry, template, note, scores, practitioner, warnings)
    note.content_sha256 = content_hash(note)
    session.flush()
    for measure_id, (path, score) in measured.items():
        if path in (note.reported or {}):
            continue  # the patient's own responses, stored with source "patient" already
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
    if appointment is not None:
        scheduling.complete_for_note(session, actor, appointment, note.id)
    signed_context = draft_context.model_copy(update={"signed_at": now,
                                                      "document": note.document})
    after_commit(session, lambda: registry.note_signed(signed_context))
    return Signed(note, invoice, warnings)


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
           practitioner: Practitioner | None, warnings: tuple[NoteProblem, ...] = ()) -> str:
    from .rendering import render_note

    return render_note(template, note.document, registry=registry, scores=scores,
                       date_of_service=note.date_of_service, pack=note.pack,
                       pack_version=note.pack_version,
                       practitioner=practitioner.display_name if practitioner else None,
                       warnings=warnings)


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
    access.require_error_marker(actor, note)
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
    access.require(session, actor, "notes.read", case.patient_id)
    found = list(session.scalars(select(Note).where(Note.case_id == case_id)
                                 .order_by(Note.date_of_service, Note.id)))
    audit.record_many(session, actor, "read", "note", [(n.id, n.patient_id) for n in found])
    return found


def record_measure(session: Session, actor: Actor, case_id: int, measure_id: str,
                   responses: list[int | None] | dict[str, int | None],
                   taken_on: date | None = None, *, source: str = "clinic") -> MeasureResult:
    """A result taken outside a note (a patient filling a measure before the visit).

    ``responses`` in item order, or by item id or 1-based number (stored in item order);
    ``source`` is "clinic" or "patient" (filled by the patient: intake)."""
    case = get(session, Case, case_id, "case")
    access.require(session, actor, "measures.record", case.patient_id)
    registry = get_registry()
    if measure_id not in registry.measures:
        raise Invalid(f"no measure {measure_id!r} is installed", field="measure")
    try:
        responses = list(registry.measures[measure_id].check_responses(responses))
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
        recorded_by=actor.user_id, source=source)
    session.add(result)
    session.flush()
    audit.record(session, actor, "create", "measure-result", result.id, case.patient_id,
                 detail=measure_id + (", reported by the patient" if source == "patient"
                                      else ""))
    return result
