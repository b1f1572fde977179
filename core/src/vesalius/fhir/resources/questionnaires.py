"""Questionnaire: every registered outcome measure and patient-facing (intake) template, made
from the packs' contributions (no table: the type is a catalogue).

Ids and canonical URLs: a measure is ``Questionnaire/<measure id>`` (``odi``), a template
``Questionnaire/<template id>`` (``massage.intake``; ``_``, which FHIR ids do not allow,
becomes ``-``); ``url`` is ``<base>/Questionnaire/<id>`` and ``version`` the measure's or
template's version, so a QuestionnaireResponse names ``url|version``.

Licences: a measure's items carry their published wording and answer options only when the
measure ships its item text (``item_text_included``: the licence allows it). Otherwise an
item is its structure only (linkId, type integer, minimum and maximum) with our own short
label, and ``copyright`` carries the licence notice. A clinic's own licensed wording
(:mod:`vesalius.services.measure_wording`) is not published here: its licence is the
clinic's, for its patients.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.resource import Resource
from vesalius_sdk import NoteTemplate, OutcomeMeasure
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

from ...plugins import get_registry
from ...services.intake import patient_fields
from .. import registry
from ..registry import Ctx, FhirType

LOINC = "http://loinc.org"
#: Core extensions for an integer item's range (R4).
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
#: Template kinds a patient fills (sent before a visit).
PATIENT_FACING = ("intake",)
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9.-]")


def questionnaire_id(contribution_id: str) -> str:
    """The FHIR id of a measure's or template's Questionnaire."""
    return _NOT_IN_ID.sub("-", contribution_id)[:64]


def canonical(ctx: Ctx, contribution_id: str) -> str:
    """The canonical URL (without version) of a measure's or template's Questionnaire."""
    return f"{ctx.base.rstrip('/')}/Questionnaire/{questionnaire_id(contribution_id)}"


def _range(minimum: float | None, maximum: float | None) -> list[dict[str, Any]]:
    out = []
    for url, value in ((MIN_VALUE, minimum), (MAX_VALUE, maximum)):
        if value is not None:
            key = "valueInteger" if float(value).is_integer() else "valueDecimal"
            out.append({"url": url, key: int(value) if key == "valueInteger" else value})
    return out


def measure_item(measure: OutcomeMeasure, index: int) -> dict[str, Any]:
    """One item of a measure: wording and options when they ship, else structure."""
    item = measure.items[index]
    out: dict[str, Any] = {"linkId": item.id, "required": not item.optional}
    if measure.item_text_included:
        out.update(type="choice", text=item.text or item.label, answerOption=[
            {"valueCoding": {"code": str(v), "display": item.anchors.get(v, str(v))}}
            for v in range(item.minimum, item.maximum + 1)])
    else:
        out.update(type="integer", text=item.label,
                   extension=_range(item.minimum, item.maximum))
    return out


def measure_questionnaire(ctx: Ctx, measure: OutcomeMeasure) -> Questionnaire:
    resource: dict[str, Any] = {
        "id": questionnaire_id(measure.id), "url": canonical(ctx, measure.id),
        "version": measure.version, "name": _name(measure.id), "title": measure.title,
        "status": "active", "subjectType": ["Patient"], "copyright": measure.licence,
        "item": [measure_item(measure, n) for n in range(len(measure.items))],
    }
    if measure.loinc:
        resource["code"] = [{"system": LOINC, "code": measure.loinc}]
    if measure.instructions and measure.item_text_included:
        resource["description"] = measure.instructions
    return Questionnaire(**resource)


def _field_item(path: str, field: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": path, "text": field.label, "required": field.required}
    if isinstance(field, ChoiceField | MultiChoiceField):
        out.update(type="choice", answerOption=[
            {"valueCoding": {"code": o.value, "display": o.label}} for o in field.options])
        if isinstance(field, MultiChoiceField):
            out["repeats"] = True
    elif isinstance(field, ScaleField):
        out.update(type="integer", extension=_range(field.minimum, field.maximum))
    elif isinstance(field, NumberField):
        out.update(type="integer" if field.integer else "decimal",
                   extension=_range(field.minimum, field.maximum))
    elif isinstance(field, LongTextField):
        out.update(type="text", maxLength=field.max_length)
    elif isinstance(field, TextField):
        out.update(type="string", maxLength=field.max_length)
    elif isinstance(field, BooleanField):
        out["type"] = "boolean"
    elif isinstance(field, DateField):
        out["type"] = "date"
    else:  # pragma: no cover - patient_fields offers only the kinds above
        raise TypeError(f"no Questionnaire item type for {type(field).__name__}")
    if not out.get("extension"):
        out.pop("extension", None)
    return out


def template_questionnaire(ctx: Ctx, template: NoteTemplate) -> Questionnaire | None:
    """A patient-facing template as a Questionnaire: a group per section, an item per
    field a patient fills (linkId ``section.field``, the note document's path)."""
    groups = patient_fields(template, [s.id for s in template.sections])
    if not groups:
        return None
    return Questionnaire(
        id=questionnaire_id(template.id), url=canonical(ctx, template.id),
        version=str(template.version), name=_name(template.id), title=template.title,
        status="active", subjectType=["Patient"], description=template.description,
        item=[{"linkId": section.id, "type": "group", "text": section.title,
               "item": [_field_item(path, field) for path, field in fields]}
              for section, fields in groups])


def _name(contribution_id: str) -> str:
    """A computable name (``[A-Z]([A-Za-z0-9_]){0,254}``)."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", contribution_id))


def catalogue(ctx: Ctx) -> list[Resource]:
    """Every measure's and patient-facing template's Questionnaire, in id order."""
    reg = get_registry()
    out: list[Resource] = [measure_questionnaire(ctx, m)
                           for _, m in sorted(reg.measures.items())]
    for _, template in sorted(reg.templates.items()):
        if template.kind in PATIENT_FACING:
            found = template_questionnaire(ctx, template)
            if found is not None:
                out.append(found)
    return out


def _build(ctx: Ctx, rows: Sequence[Any]) -> list[Resource]:
    """Catalogue types have no rows: the HTTP layer reads :func:`catalogue`."""
    return []


QUESTIONNAIRE = FhirType(name="Questionnaire", permission="measures.score", build=_build,
                         catalogue=catalogue)

registry.register(QUESTIONNAIRE)
