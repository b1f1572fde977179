"""The orthotic prescription as a page for the laboratory.

A pure function of the note: stored option values are shown with the template's labels,
and every text from the note is autoescaped. The note context carries nothing that
identifies the patient, so the page leaves a line for the name.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from vesalius_sdk import ChoiceField, MultiChoiceField, NoteContext, Printout, TableField

from ..templates import ORTHOTIC_PRESCRIPTION as TEMPLATE

DEVICE_FIELDS = ("device_type", "feet", "casting_method", "shell_material",
                 "shell_thickness_mm", "shell_length", "top_cover", "top_cover_length",
                 "laboratory")
POST_COLUMNS = ("foot", "location", "direction", "degrees", "type", "material")


if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def _environment() -> Environment:
    # Jinja is imported on the first printout, not when the pack loads (every start).
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("vesalius_podiatry", "printouts"),
                       autoescape=True, undefined=StrictUndefined)


def _labels() -> dict[str, dict[str, str]]:
    """Option labels by field path, and by ``table.column`` for table columns."""
    out: dict[str, dict[str, str]] = {}
    for path, field in TEMPLATE.iter_fields():
        if isinstance(field, ChoiceField | MultiChoiceField):
            out[path] = {o.value: o.label for o in field.options}
        elif isinstance(field, TableField):
            for column in field.columns:
                if isinstance(column, ChoiceField):
                    out[f"{path}.{column.id}"] = {o.value: o.label for o in column.options}
    return out


LABELS = _labels()


def _show(path: str, value: Any) -> str:
    """A stored value as printed: an option's label, or a number without a trailing .0."""
    if isinstance(value, str):
        return LABELS.get(path, {}).get(value, value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def page_context(note: NoteContext) -> dict[str, Any]:
    doc: Mapping[str, Any] = note.document
    device = doc.get("device") or {}
    posting = doc.get("posting") or {}
    units = {"shell_thickness_mm": " mm"}
    rows = []
    for key in DEVICE_FIELDS:
        if device.get(key) not in (None, ""):
            label = TEMPLATE.field(f"device.{key}").label
            rows.append((label, _show(f"device.{key}", device[key]) + units.get(key, "")))
    posts = [
        [_show(f"posting.posts.{c}", row[c]) if row.get(c) is not None else ""
         for c in POST_COLUMNS]
        for row in posting.get("posts") or []
    ]
    lifts = [f"{side} {_show('posting', posting[f'heel_lift_{side}'])} mm"
             for side in ("left", "right") if posting.get(f"heel_lift_{side}")]
    footwear = doc.get("footwear") or {}
    return {
        "date": note.date_of_service.isoformat(),
        "reference": note.id,
        "diagnoses": list(doc.get("indication", {}).get("diagnoses") or []),
        "indication": doc.get("indication", {}).get("indication"),
        "device": rows,
        "posts": posts,
        "additions": [_show("posting.additions", a) for a in posting.get("additions") or []],
        "heel_lifts": lifts,
        "notes": posting.get("notes"),
        "footwear": footwear.get("footwear"),
        "review": footwear.get("review_weeks"),
    }


def render_orthotic_prescription(note: NoteContext) -> str:
    """The whole HTML page for an orthotic prescription note."""
    return _environment().get_template("orthotic_prescription.html").render(
        **page_context(note))


ORTHOTIC_PRESCRIPTION = Printout(
    id="podiatry.orthotic-prescription",
    title="Orthotic prescription for the laboratory",
    templates=(TEMPLATE.id,),
    render=render_orthotic_prescription,
    audience="clinician",
)
