"""Routes: notes (drafts, signing, addenda), templates, measures and their trends."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field
from vesalius_sdk import ResponseError

from ..errors import Invalid, NotFound
from ..plugins import get_registry
from ..services import billing, notes, outcomes
from ..services.common import Input
from .billing import invoice_out
from .framework import Call, route
from .schemas import (
    AddendumOut,
    ChargeLineOut,
    ChartMarksOut,
    MeasureOut,
    MeasureResultOut,
    NoteOut,
    NoteProblemOut,
    PreviousNoteOut,
    SignOut,
    TemplateChoiceOut,
    TemplateOut,
    TemplateSummaryOut,
    TrendOut,
)


@route("POST", "/notes", permission="notes.write", body=notes.DraftIn, response=NoteOut,
       status=201, tag="notes")
def create_note(call: Call) -> object:
    """Start a draft note for an appointment (without ``template_id``: the visit's default
    template, returned in ``template_id``; ``copy_forward``: from the case's last signed
    note, named in ``copied_from``)."""
    return notes.create_draft(call.session, call.actor, call.body)


@route("GET", "/appointments/<int:appointment_id>/note-template", permission="notes.write",
       response=TemplateChoiceOut, tag="notes")
def visit_template(call: Call, appointment_id: int) -> object:
    """The template a new note of the visit opens with when none is chosen."""
    choice = notes.template_for_visit(call.session, call.actor, appointment_id)
    return TemplateChoiceOut(template_id=choice.template.id, title=choice.template.title,
                             visit_kind=choice.visit_kind)


@route("GET", "/notes/<int:note_id>", permission="notes.read", response=NoteOut, tag="notes")
def read_note(call: Call, note_id: int) -> object:
    """One note with its addenda (and, once signed, its snapshot and hash)."""
    return notes.read(call.session, call.actor, note_id)


class NotePatchIn(Input):
    """A draft's new document, or a switch to another template (``template_id``, with the
    document to keep values from, default the draft's own), or ``copy_forward`` into it."""

    document: dict[str, Any] | None = None
    template_id: str | None = None
    copy_forward: bool = False


@route("PATCH", "/notes/<int:note_id>", permission="notes.write", body=NotePatchIn,
       response=NoteOut, tag="notes")
def update_note(call: Call, note_id: int) -> object:
    """Replace a draft's document, or switch it to another template keeping the values
    whose path and kind exist there; 422 naming the field; 409 once signed (``details``
    carry ``code: "note-signed"``)."""
    b = call.body
    if b.template_id is not None or b.copy_forward:
        return notes.switch_template(call.session, call.actor, note_id, b.template_id,
                                     document=b.document, copy_forward=b.copy_forward)
    if b.document is None:
        raise Invalid("send the document, or a template_id to switch to", field="document")
    return notes.update_draft(call.session, call.actor, note_id, b.document)


@route("POST", "/notes/<int:note_id>/discard", permission="notes.write", status=204,
       tag="notes")
def discard_note(call: Call, note_id: int) -> object:
    """Discard a draft (audited); a signed note answers 409."""
    notes.discard(call.session, call.actor, note_id)
    return None


@route("GET", "/notes/<int:note_id>/previous", permission="notes.read",
       response=PreviousNoteOut, tag="notes")
def previous_note(call: Call, note_id: int) -> object:
    """The case's last signed note before this one, with its snapshot and chart marks."""
    note = notes.read(call.session, call.actor, note_id)
    found = notes.last_signed(call.session, call.actor, note.case_id, before_note_id=note.id)
    if found is None:
        return PreviousNoteOut(note=None)
    return PreviousNoteOut(
        note=NoteOut.model_validate(found.note), template_title=found.template_title,
        charts=[ChartMarksOut(path=c.path, label=c.label, chart=c.chart, marks=c.marks)
                for c in found.charts])


@route("GET", "/notes/<int:note_id>/problems", permission="notes.read",
       response=list[NoteProblemOut], tag="notes")
def note_problems(call: Call, note_id: int) -> object:
    """What stops the draft from being signed (errors) and what to know (warnings)."""
    return [NoteProblemOut.model_validate(p)
            for p in notes.signing_problems(call.session, call.actor, note_id)]


@route("GET", "/notes/<int:note_id>/charges", permission="notes.read",
       response=list[ChargeLineOut], tag="notes")
def preview_charges(call: Call, note_id: int) -> object:
    """What the pack's charge rule would bill for the note as it stands."""
    return [ChargeLineOut(code=c.code, units=c.units, modifiers=list(c.modifiers),
                          minutes=c.minutes)
            for c in notes.preview_charges(call.session, call.actor, note_id)]


@route("POST", "/notes/<int:note_id>/sign", permission="notes.sign", response=SignOut,
       tag="notes")
def sign_note(call: Call, note_id: int) -> object:
    """Sign: the pack's checks (errors block; warnings come back in ``warnings``), then
    lock, snapshot, hash, draft the invoice and complete the visit."""
    signed = notes.sign(call.session, call.actor, note_id)
    invoice = signed.invoice
    view = billing.InvoiceView(invoice, billing.Paid(billing.ZERO, billing.ZERO)) \
        if invoice is not None else None
    return SignOut(note=NoteOut.model_validate(signed.note),
                   invoice=invoice_out(view) if view else None,
                   warnings=[NoteProblemOut.model_validate(w) for w in signed.warnings])


@route("POST", "/notes/<int:note_id>/addenda", permission="notes.write", body=notes.AddendumIn,
       response=AddendumOut, status=201, tag="notes")
def add_addendum(call: Call, note_id: int) -> object:
    """Append an addendum, correction or late entry to a signed note."""
    return notes.add_addendum(call.session, call.actor, note_id, call.body)


class ErrorIn(Input):
    reason: str = Field(min_length=1, max_length=500)


@route("POST", "/notes/<int:note_id>/entered-in-error", permission="notes.write",
       body=ErrorIn, response=NoteOut, tag="notes")
def entered_in_error(call: Call, note_id: int) -> object:
    """Mark a note entered in error (it stays in the record, flagged)."""
    return notes.mark_entered_in_error(call.session, call.actor, note_id, call.body.reason)


@route("GET", "/cases/<int:case_id>/notes", permission="notes.read", response=list[NoteOut],
       tag="notes")
def case_notes(call: Call, case_id: int) -> object:
    """The notes of a case in date order."""
    return notes.of_case(call.session, call.actor, case_id)


@route("GET", "/templates", permission="templates.read", response=list[TemplateSummaryOut],
       tag="templates")
def list_templates(call: Call) -> object:
    """Every installed note template."""
    registry = get_registry()
    return [TemplateSummaryOut(id=t.id, title=t.title, discipline=t.discipline, kind=t.kind,
                               version=t.version, pack=registry.owner("template", t.id),
                               description=t.description, default_for=list(t.default_for))
            for t in sorted(registry.templates.values(), key=lambda t: t.id)]


@route("GET", "/templates/<path:template_id>", permission="templates.read",
       response=TemplateOut, tag="templates")
def read_template(call: Call, template_id: str) -> object:
    """A template's sections and fields, so any client can fill any pack's template."""
    registry = get_registry()
    if template_id not in registry.templates:
        raise NotFound(f"no note template {template_id!r} is installed")
    t = registry.template(template_id)
    data = t.model_dump(mode="json")
    return TemplateOut(id=t.id, title=t.title, discipline=t.discipline, kind=t.kind,
                       version=t.version, pack=registry.owner("template", t.id),
                       description=t.description, default_for=list(t.default_for),
                       sections=data["sections"],
                       unavailable=dict(registry.unavailable_fields(t.id)))


@route("GET", "/measures", permission="measures.score", response=list[MeasureOut],
       tag="measures")
def list_measures(call: Call) -> object:
    """Installed outcome measures with their items (item text only where licensed)."""
    registry = get_registry()
    return [MeasureOut(id=m.id, title=m.title, version=m.version,
                       pack=registry.owner("measure", m.id), direction=m.direction,
                       minimum=m.minimum, maximum=m.maximum, unit=m.unit, mcid=m.mcid,
                       items=[i.model_dump(mode="json") for i in m.items], licence=m.licence,
                       source=m.source,
                       missing_rule=m.missing_rule.model_dump(mode="json")
                       if m.missing_rule else None,
                       subscales=[s.model_dump(mode="json")
                                  for s in getattr(m, "subscales", ())])
            for m in sorted(registry.measures.values(), key=lambda m: m.id)]


#: Responses in published item order (``null`` for an item not answered), or an object by
#: item id or 1-based item number (an item left out is not answered).
Responses = list[int | None] | dict[str, int | None]


class ResponsesIn(Input):
    responses: Responses


@route("POST", "/measures/<measure_id>/score", permission="measures.score", body=ResponsesIn,
       tag="measures")
def score_measure(call: Call, measure_id: str) -> object:
    """Score responses by the published rule (same output as ``vesalius measures score``)."""
    registry = get_registry()
    if measure_id not in registry.measures:
        raise NotFound(f"no measure {measure_id!r} is installed")
    try:
        result = registry.score(measure_id, call.body.responses)
    except ResponseError as exc:
        raise Invalid(str(exc), field=f"responses[{exc.item - 1}]" if exc.item
                      else "responses") from None
    return {"measure": measure_id, **result.model_dump(mode="json")}


class MeasureRecordIn(Input):
    measure: str
    responses: Responses
    taken_on: date | None = None


@route("POST", "/cases/<int:case_id>/measures", permission="measures.record",
       body=MeasureRecordIn, response=MeasureResultOut, status=201, tag="measures")
def record_measure(call: Call, case_id: int) -> object:
    """Record a measure taken outside a note (a patient's questionnaire, say)."""
    b = call.body
    return notes.record_measure(call.session, call.actor, case_id, b.measure, b.responses,
                                b.taken_on)


@route("GET", "/cases/<int:case_id>/measures", permission="measures.read",
       response=list[TrendOut], tag="measures")
def case_measures(call: Call, case_id: int) -> object:
    """Each measure's trend over the case and whether it reached its MCID."""
    return outcomes.case_trends(call.session, call.actor, case_id)
