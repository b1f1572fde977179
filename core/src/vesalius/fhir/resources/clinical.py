"""The clinical record: EpisodeOfCare (our cases), Condition (a case's ICD-10 codes),
Observation and QuestionnaireResponse (each outcome-measure result), DocumentReference (each
signed note and each addendum).

Choices a reader of the resources needs:

- Condition: one per diagnosis code of a case, id ``<case id>-<position>`` (``7-2``: its
  second code; the id carries no code, since Appointments, which reference a case's
  Conditions, are read outside the care team; removing a code renumbers those after it); the
  code system is ICD-10-CM (``http://hl7.org/fhir/sid/icd-10-cm``) when every diagnosis
  field of the installed templates says ICD-10-CM (the clinic's code set, as its packs
  chart it), else WHO ICD-10 (``http://hl7.org/fhir/sid/icd-10``). An open case's codes are
  ``active``, a closed case's ``inactive`` (closing a case does not say it resolved).
- Observation: ``code`` is the measure's score LOINC (``OutcomeMeasure.score_loinc``, ODI
  97909-6) when it has one, else ``urn:vesalius:measure|<measure id>``; the total is
  ``valueQuantity`` (UCUM ``%`` or ``{score}``), each stored subscore a component
  (``urn:vesalius:measure|<measure id>.<key>``), the band ``interpretation.text``; a result
  the published rule could not score has ``dataAbsentReason`` instead of a value.
- QuestionnaireResponse: ``questionnaire`` is ``<base>/Questionnaire/<measure id>|<measure
  version>`` (see :mod:`.questionnaires`); answers by item id, ``valueCoding`` for a measure
  whose Questionnaire has answer options, else ``valueInteger``; unanswered items left out.
- DocumentReference: each signed note (and one marked entered in error after signing, with
  status ``entered-in-error``). ``content[0]`` is the note as rendered at signing
  (``text/html``, base64); ``attachment.hash`` is its SHA-1 as R4 defines the element, and
  its SHA-256 is the identifier ``urn:vesalius:note-html-sha256`` (hex: the same figure as
  the full export's ``html_sha256``). Further identifiers: the signature's content hash
  (``urn:vesalius:note-content-sha256``), the template (``urn:vesalius:note-template``,
  ``<template id>|<version>``) and the pack (``urn:vesalius:note-pack``,
  ``<pack>|<version>``). An addendum is its own DocumentReference, id ``<note
  id>-addendum-<addendum id>``, ``relatesTo`` ``appends`` its note, with its own author and
  time and its text as ``text/plain`` (SHA-256 of the text:
  ``urn:vesalius:addendum-text-sha256``; the addendum's own record hash:
  ``urn:vesalius:addendum-sha256``); a note with addenda has ``docStatus`` ``amended``.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource
from sqlalchemy import select
from sqlalchemy.orm import Session
from vesalius_sdk import OutcomeMeasure
from vesalius_sdk.templates import CodesField

from ...models import Appointment, Case, CaseTeamMember, MeasureResult, Note, NoteAddendum
from ...models import Practitioner as PractitionerRow
from ...plugins import get_registry
from .. import registry
from ..registry import Ctx, FhirType
from .people import clinic_reference, meta
from .questionnaires import canonical

#: Appointment statuses of a visit that took place (an Encounter).
ATTENDED = ("arrived", "in-session", "completed")

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
MEASURE_SYSTEM = "urn:vesalius:measure"
NOTE_HTML_SHA256 = "urn:vesalius:note-html-sha256"
NOTE_CONTENT_SHA256 = "urn:vesalius:note-content-sha256"
ADDENDUM_TEXT_SHA256 = "urn:vesalius:addendum-text-sha256"
ADDENDUM_SHA256 = "urn:vesalius:addendum-sha256"
NOTE_TEMPLATE = "urn:vesalius:note-template"
NOTE_PACK = "urn:vesalius:note-pack"
_TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
SURVEY = {"coding": [{"system": f"{_TERMINOLOGY}/observation-category", "code": "survey",
                      "display": "Survey"}]}
NOT_SCORED = {"coding": [{"system": f"{_TERMINOLOGY}/data-absent-reason", "code": "unknown",
                          "display": "Unknown"}],
              "text": "not scored: too few items answered for the published rule"}
#: LOINC document types by template kind (anything else is the generic "Note").
DOCUMENT_TYPES = {"follow-up": ("11506-3", "Progress note"),
                  "treatment": ("11506-3", "Progress note"),
                  "discharge": ("18842-5", "Discharge summary")}
GENERIC_NOTE = ("34109-9", "Note")


# --- Conditions: one per code of a case ----------------------------------------------------

def condition_id(case_id: int, position: int) -> str:
    """The id of a case's ``position``-th diagnosis code's Condition (1-based)."""
    return f"{case_id}-{position}"


def condition_refs(case_id: int, codes: Iterable[str]) -> list[dict[str, str]]:
    return [registry.reference("Condition", condition_id(case_id, n))
            for n, _code in enumerate(codes, start=1)]


def condition_row(resource_id: str) -> int | None:
    """The case id of a Condition id (``"7-2"`` -> 7)."""
    head, sep, position = resource_id.partition("-")
    return int(head) if sep and head.isdigit() and position.isdigit() else None


def icd_system() -> str:
    """ICD-10-CM when every installed template's ICD-10 field says so, else WHO ICD-10."""
    systems = {field.system for template in get_registry().templates.values()
               for _path, field in template.iter_fields() if isinstance(field, CodesField)}
    return ICD10_CM if systems == {"ICD-10-CM"} else ICD10


def build_conditions(ctx: Ctx, rows: Sequence[Case]) -> list[Resource]:
    """No query: every field is on the case."""
    system = icd_system()
    out: list[Resource] = []
    for case in rows:
        clinical = "active" if case.status == "open" else "inactive"
        for position, code in enumerate(case.diagnosis_codes or [], start=1):
            resource: dict[str, Any] = {
                "id": condition_id(case.id, position), "meta": meta(case.updated_at),
                "clinicalStatus": {"coding": [{
                    "system": f"{_TERMINOLOGY}/condition-clinical", "code": clinical}]},
                "verificationStatus": {"coding": [{
                    "system": f"{_TERMINOLOGY}/condition-ver-status", "code": "confirmed"}]},
                "category": [{"coding": [{
                    "system": f"{_TERMINOLOGY}/condition-category",
                    "code": "encounter-diagnosis"}]}],
                "code": {"coding": [{"system": system, "code": code}]},
                "subject": registry.reference("Patient", case.patient_id),
                "recordedDate": case.opened_on,
            }
            if case.injury_date is not None:
                resource["onsetDateTime"] = case.injury_date
            out.append(Condition(**resource))
    return out


# --- EpisodeOfCare: our cases --------------------------------------------------------------

def build_episodes(ctx: Ctx, rows: Sequence[Case]) -> list[Resource]:
    """One query for the batch: the case teams (a contained CareTeam each)."""
    team: dict[int, list[int]] = defaultdict(list)
    ids = [c.id for c in rows]
    for case_id, practitioner_id in ctx.session.execute(
            select(CaseTeamMember.case_id, CaseTeamMember.practitioner_id)
            .where(CaseTeamMember.case_id.in_(ids))
            .order_by(CaseTeamMember.case_id, CaseTeamMember.id)).all():
        team[case_id].append(practitioner_id)
    out: list[Resource] = []
    for case in rows:
        period: dict[str, Any] = {"start": case.opened_on}
        if case.closed_on is not None:
            period["end"] = case.closed_on
        resource: dict[str, Any] = {
            "id": str(case.id), "meta": meta(case.updated_at),
            "status": "active" if case.status == "open" else "finished",
            "type": [{"text": case.discipline}],
            "patient": registry.reference("Patient", case.patient_id),
            "managingOrganization": clinic_reference(), "period": period,
        }
        codes = list(case.diagnosis_codes or [])
        if codes:
            resource["diagnosis"] = [{"condition": ref, "rank": n} for n, ref in
                                     enumerate(condition_refs(case.id, codes), start=1)]
        if case.primary_practitioner_id is not None:
            resource["careManager"] = registry.reference("Practitioner",
                                                         case.primary_practitioner_id)
        if team.get(case.id):
            resource["contained"] = [{
                "resourceType": "CareTeam", "id": "team", "status": "active",
                "subject": registry.reference("Patient", case.patient_id),
                "participant": [{"member": registry.reference("Practitioner", p)}
                                for p in team[case.id]]}]
            resource["team"] = [{"reference": "#team"}]
        out.append(EpisodeOfCare(**resource))
    return out


# --- Outcome-measure results: QuestionnaireResponse and Observation ------------------------

def practitioners_of(session: Session, user_ids: Iterable[int | None]) -> dict[int, int]:
    """User id -> practitioner id, for the users that are practitioners (one query)."""
    wanted = {u for u in user_ids if u is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(PractitionerRow.user_id, PractitionerRow.id)
                                .where(PractitionerRow.user_id.in_(wanted))).all())


def _notes_of(session: Session, note_ids: Iterable[int | None]
              ) -> dict[int, tuple[str, int | None]]:
    """Note id -> (note status, the attended visit's appointment id or None); one query."""
    wanted = {n for n in note_ids if n is not None}
    if not wanted:
        return {}
    found = session.execute(
        select(Note.id, Note.status, Note.appointment_id, Appointment.status)
        .outerjoin(Appointment, Appointment.id == Note.appointment_id)
        .where(Note.id.in_(wanted))).all()
    return {nid: (status, appt if appt_status in ATTENDED else None)
            for nid, status, appt, appt_status in found}


@dataclass(frozen=True)
class _Result:
    """A measure result with what its two resources need beside the row."""

    row: MeasureResult
    measure: OutcomeMeasure | None
    #: Its note was marked entered in error.
    in_error: bool
    #: The attended visit it was taken at (an Encounter), if any.
    encounter: dict[str, str] | None
    #: Who gave the responses: the patient (intake) or the recording practitioner.
    who: dict[str, str] | None


def _results(ctx: Ctx, rows: Sequence[MeasureResult]) -> list[_Result]:
    """Two queries for the batch: the results' notes (with their visits) and the
    recording users' practitioner records."""
    notes = _notes_of(ctx.session, (r.note_id for r in rows))
    practitioners = practitioners_of(ctx.session, (r.recorded_by for r in rows))
    measures = get_registry().measures
    out = []
    for row in rows:
        note_status, visit = notes.get(row.note_id or 0, ("signed", None))
        if row.source == "patient":
            who: dict[str, str] | None = registry.reference("Patient", row.patient_id)
        elif row.recorded_by in practitioners:
            who = registry.reference("Practitioner", practitioners[row.recorded_by])
        else:
            who = None
        out.append(_Result(row, measures.get(row.measure_id),
                           note_status == "entered-in-error",
                           registry.reference("Encounter", visit) if visit else None, who))
    return out


def _number(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _quantity(value: float, unit: str | None) -> dict[str, Any]:
    if unit == "%":
        return {"value": _number(value), "unit": "%", "system": UCUM, "code": "%"}
    return {"value": _number(value), "unit": unit or "score", "system": UCUM,
            "code": "{score}"}


def _answers(measure: OutcomeMeasure | None, responses: Sequence[int | None]
             ) -> list[dict[str, Any]]:
    items = []
    for n, value in enumerate(responses):
        if value is None:
            continue
        if measure is not None and n < len(measure.items):
            link = measure.items[n].id
            answer = ({"valueCoding": {"code": str(value)}} if measure.item_text_included
                      else {"valueInteger": value})
        else:  # the measure's pack is not installed: item numbers, as stored
            link, answer = str(n + 1), {"valueInteger": value}
        items.append({"linkId": link, "answer": [answer]})
    return items


def build_responses(ctx: Ctx, rows: Sequence[MeasureResult]) -> list[Resource]:
    """Two queries for the batch (:func:`_results`)."""
    out: list[Resource] = []
    for found in _results(ctx, rows):
        row, measure = found.row, found.measure
        resource: dict[str, Any] = {
            "id": str(row.id), "meta": meta(row.created_at),
            "status": "entered-in-error" if found.in_error else "completed",
            "subject": registry.reference("Patient", row.patient_id),
            "authored": row.created_at,
        }
        if measure is not None:
            resource["questionnaire"] = f"{canonical(ctx, measure.id)}|{row.measure_version}"
        if found.who is not None:
            resource["author"] = found.who
            if row.source == "patient":
                resource["source"] = found.who
        if found.encounter is not None:
            resource["encounter"] = found.encounter
        items = _answers(measure, row.responses or [])
        if items:
            resource["item"] = items
        out.append(QuestionnaireResponse(**resource))
    return out


def _observation_code(measure: OutcomeMeasure | None, measure_id: str) -> dict[str, Any]:
    title = measure.title if measure is not None else measure_id
    if measure is not None and measure.score_loinc:
        return {"coding": [{"system": LOINC, "code": measure.score_loinc}], "text": title}
    return {"coding": [{"system": MEASURE_SYSTEM, "code": measure_id, "display": title}],
            "text": title}


def _components(measure: OutcomeMeasure | None, row: MeasureResult
                ) -> list[dict[str, Any]]:
    labels = {s.id: s.label for s in measure.subscales} if measure is not None else {}
    out = []
    for key, value in (row.subscores or {}).items():
        component: dict[str, Any] = {"code": {"coding": [{
            "system": MEASURE_SYSTEM, "code": f"{row.measure_id}.{key}",
            "display": labels.get(key, key)}]}}
        if value is None:
            component["dataAbsentReason"] = NOT_SCORED
        else:
            component["valueQuantity"] = {"value": _number(value)}
        out.append(component)
    return out


def build_observations(ctx: Ctx, rows: Sequence[MeasureResult]) -> list[Resource]:
    """Two queries for the batch (:func:`_results`)."""
    out: list[Resource] = []
    for found in _results(ctx, rows):
        row, measure = found.row, found.measure
        resource: dict[str, Any] = {
            "id": str(row.id), "meta": meta(row.created_at),
            "status": "entered-in-error" if found.in_error else "final",
            "category": [SURVEY], "code": _observation_code(measure, row.measure_id),
            "subject": registry.reference("Patient", row.patient_id),
            "effectiveDateTime": row.taken_on, "issued": row.created_at,
            "derivedFrom": [registry.reference("QuestionnaireResponse", row.id)],
        }
        if row.value is None:
            resource["dataAbsentReason"] = NOT_SCORED
        else:
            resource["valueQuantity"] = _quantity(row.value, measure.unit if measure else None)
        if row.band:
            resource["interpretation"] = [{"text": row.band}]
        if found.who is not None:
            resource["performer"] = [found.who]
        if found.encounter is not None:
            resource["encounter"] = found.encounter
        components = _components(measure, row)
        if components:
            resource["component"] = components
        out.append(Observation(**resource))
    return out


# --- DocumentReference: signed notes and their addenda -------------------------------------

def document_row(resource_id: str) -> int | None:
    """The note id of a DocumentReference id (``"12"``, ``"12-addendum-3"`` -> 12)."""
    head = resource_id.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _attachment(data: bytes, content_type: str, title: str, created: datetime | None
                ) -> dict[str, Any]:
    attachment: dict[str, Any] = {
        "contentType": content_type, "language": "en",
        "data": base64.b64encode(data).decode("ascii"), "size": len(data),
        # R4 defines Attachment.hash as SHA-1 (base64): the SHA-256 is an identifier.
        "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
        "title": title}
    if created is not None:
        attachment["creation"] = created
    return attachment


def _document_type(kind: str | None, title: str) -> dict[str, Any]:
    code, display = DOCUMENT_TYPES.get(kind or "", GENERIC_NOTE)
    return {"coding": [{"system": LOINC, "code": code, "display": display}], "text": title}


def build_documents(ctx: Ctx, rows: Sequence[Note]) -> list[Resource]:
    """Three queries for the batch: the addenda, the authors' and signers' practitioner
    records, and the visits (an Encounter only for an attended one)."""
    ids = [n.id for n in rows]
    addenda: dict[int, list[NoteAddendum]] = defaultdict(list)
    for addendum in ctx.session.scalars(select(NoteAddendum).where(
            NoteAddendum.note_id.in_(ids)).order_by(NoteAddendum.created_at,
                                                    NoteAddendum.id)):
        addenda[addendum.note_id].append(addendum)
    practitioners = practitioners_of(ctx.session, [
        *(n.author_id for n in rows), *(n.signed_by for n in rows),
        *(a.author_id for found in addenda.values() for a in found)])
    visit_ids = {n.appointment_id for n in rows if n.appointment_id is not None}
    attended = set(ctx.session.scalars(select(Appointment.id).where(
        Appointment.id.in_(visit_ids), Appointment.status.in_(ATTENDED)))) if visit_ids \
        else set()
    templates = get_registry().templates
    out: list[Resource] = []
    for note in rows:
        template = templates.get(note.template_id)
        title = template.title if template is not None else note.template_id
        in_error = note.status == "entered-in-error"
        context: dict[str, Any] = {
            "period": {"start": note.date_of_service, "end": note.date_of_service},
            "related": [registry.reference("EpisodeOfCare", note.case_id)]}
        if note.appointment_id in attended:
            context["encounter"] = [registry.reference("Encounter", note.appointment_id)]
        # Notes signed before the snapshot was kept have no rendered HTML: the
        # DocumentReference then says so instead of carrying an empty attachment.
        html = note.rendered.encode("utf-8") if note.rendered is not None else None
        author = note.practitioner_id or practitioners.get(note.author_id)
        updated = max([note.updated_at, *(a.created_at for a in addenda[note.id])],
                      key=lambda t: t.timestamp())
        resource: dict[str, Any] = {
            "id": str(note.id), "meta": meta(updated),
            "status": "entered-in-error" if in_error else "current",
            "docStatus": "entered-in-error" if in_error
            else ("amended" if addenda[note.id] else "final"),
            "identifier": [
                *([{"system": NOTE_HTML_SHA256, "value": hashlib.sha256(html).hexdigest()}]
                  if html is not None else []),
                {"system": NOTE_CONTENT_SHA256, "value": note.content_sha256},
                {"system": NOTE_TEMPLATE, "value": f"{note.template_id}|"
                                                  f"{note.template_version}"},
                {"system": NOTE_PACK, "value": f"{note.pack}|{note.pack_version or ''}"
                                              .rstrip("|")}],
            "type": _document_type(template.kind if template else None, title),
            "subject": registry.reference("Patient", note.patient_id),
            "date": note.signed_at, "custodian": clinic_reference(),
            "content": [{"attachment": _attachment(html, "text/html", title,
                                                   note.signed_at) if html is not None
                         else {"contentType": "text/html", "title": f"{title} (the note "
                               "as signed was not kept)"}}],
            "context": context,
        }
        if author is not None:
            resource["author"] = [registry.reference("Practitioner", author)]
        if note.signed_by in practitioners:
            resource["authenticator"] = registry.reference(
                "Practitioner", practitioners[note.signed_by])
        out.append(DocumentReference(**resource))
        for addendum in addenda[note.id]:
            out.append(_addendum(note, addendum, practitioners, context))
    return out


def _addendum(note: Note, addendum: NoteAddendum, practitioners: dict[int, int],
              context: dict[str, Any]) -> DocumentReference:
    text = addendum.text.encode("utf-8")
    kind = addendum.kind.replace("-", " ")
    resource: dict[str, Any] = {
        "id": f"{note.id}-addendum-{addendum.id}", "meta": meta(addendum.created_at),
        "status": "entered-in-error" if note.status == "entered-in-error" else "current",
        "docStatus": "final",
        "identifier": [
            {"system": ADDENDUM_TEXT_SHA256,
             "value": hashlib.sha256(text).hexdigest()},
            {"system": ADDENDUM_SHA256, "value": addendum.content_sha256}],
        "type": _document_type(None, kind.capitalize()),
        "description": f"{kind.capitalize()}: {addendum.reason}" if addendum.reason
        else kind.capitalize(),
        "subject": registry.reference("Patient", note.patient_id),
        "date": addendum.created_at,
        "relatesTo": [{"code": "appends",
                       "target": registry.reference("DocumentReference", note.id)}],
        "content": [{"attachment": _attachment(text, "text/plain", kind.capitalize(),
                                               addendum.created_at)}],
        "context": context,
    }
    if addendum.author_id in practitioners:
        resource["author"] = [registry.reference("Practitioner",
                                                 practitioners[addendum.author_id])]
    return DocumentReference(**resource)


EPISODE_OF_CARE = FhirType(
    name="EpisodeOfCare", permission="cases.read", build=build_episodes, model=Case,
    patient=Case.patient_id, date=Case.opened_on, updated=Case.updated_at, clinical=True)

CONDITION = FhirType(
    name="Condition", permission="cases.read", build=build_conditions, model=Case,
    patient=Case.patient_id, date=Case.opened_on, updated=Case.updated_at,
    row_key=condition_row, clinical=True)

OBSERVATION = FhirType(
    name="Observation", permission="measures.read", build=build_observations,
    model=MeasureResult, patient=MeasureResult.patient_id, date=MeasureResult.taken_on,
    updated=MeasureResult.created_at, clinical=True)

QUESTIONNAIRE_RESPONSE = FhirType(
    name="QuestionnaireResponse", permission="measures.read", build=build_responses,
    model=MeasureResult, patient=MeasureResult.patient_id, date=MeasureResult.taken_on,
    updated=MeasureResult.created_at, clinical=True)

DOCUMENT_REFERENCE = FhirType(
    name="DocumentReference", permission="notes.read", build=build_documents, model=Note,
    patient=Note.patient_id, date=Note.signed_at, updated=Note.updated_at,
    where=lambda: Note.signed_at.is_not(None), row_key=document_row, clinical=True)

registry.register(EPISODE_OF_CARE, CONDITION, OBSERVATION, QUESTIONNAIRE_RESPONSE,
                  DOCUMENT_REFERENCE)
