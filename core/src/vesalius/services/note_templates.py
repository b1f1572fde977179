"""Which note template a visit opens with, without asking the practitioner.

One rule shared by the JSON API and the web editor:

1. the appointment's service's template for the visit kind, when installed and enabled;
2. the template of the case's discipline that declares ``default_for`` the visit kind;
3. the discipline's template of ``kind`` "initial"/"intake" (first visit) or
   "follow-up"/"treatment" (later visits), else the discipline's first template (by title);
4. ``general.soap``.

The visit kind is "initial" while the case has no signed note (the note being written does
not count), "follow-up" afterwards.
"""

from __future__ import annotations

from typing import Literal, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session
from vesalius_sdk import NoteTemplate

from ..errors import Invalid
from ..models import Note
from ..plugins import Registry

VisitKind = Literal["initial", "follow-up"]

#: The generic template of the core's default pack: the last resort of every discipline.
FALLBACK = "general.soap"
#: Template kinds that suit a visit kind when no template declares itself its default.
_KINDS: dict[str, tuple[str, ...]] = {"initial": ("initial", "intake"),
                                      "follow-up": ("follow-up", "treatment")}


class ServiceDefaults(Protocol):
    """What the rule reads of a service (the ORM row or anything shaped like it)."""

    initial_template_id: str | None
    follow_up_template_id: str | None


def visit_kind(session: Session, case_id: int, note_id: int | None = None) -> VisitKind:
    """"initial" while the case has no signed note other than ``note_id``; one indexed
    look-up that stops at the first row."""
    query = select(Note.id).where(Note.case_id == case_id, Note.status == "signed")
    if note_id is not None:
        query = query.where(Note.id != note_id)
    return "follow-up" if session.scalar(query.limit(1)) is not None else "initial"


def default_template(registry: Registry, discipline: str | None, visit_kind: VisitKind,
                     service: ServiceDefaults | None = None) -> NoteTemplate | None:
    """The template a visit of ``discipline`` and ``visit_kind`` opens with (see the module
    docstring for the order). ``None`` only when not even ``general.soap`` is installed."""
    templates = registry.templates
    if service is not None:
        chosen = (service.initial_template_id if visit_kind == "initial"
                  else service.follow_up_template_id)
        if chosen and chosen in templates:
            return templates[chosen]
    own = sorted((t for t in templates.values() if t.discipline == discipline),
                 key=lambda t: (t.title, t.id))
    for template in own:
        if visit_kind in template.default_for:
            return template
    for kind in _KINDS[visit_kind]:
        for template in own:
            if template.kind == kind:
                return template
    if own:
        return own[0]
    return templates.get(FALLBACK)


def offered(registry: Registry, discipline: str | None) -> list[NoteTemplate]:
    """The templates a practitioner may choose for a case of ``discipline``: the
    discipline's own first (by title), then the general ones."""
    found = [t for t in registry.templates.values()
             if discipline is None or t.discipline in (discipline, "general")]
    return sorted(found, key=lambda t: (t.discipline == "general", t.title, t.id))


def check_service_template(registry: Registry, discipline: str, template_id: str | None,
                           field: str) -> str | None:
    """A service's default template as given (empty: none), refused (naming ``field``)
    unless an enabled pack has it for the service's discipline or for any ("general")."""
    if not template_id:
        return None
    template = registry.templates.get(template_id)
    if template is None:
        raise Invalid(f"no note template {template_id!r} is installed", field=field)
    if template.discipline not in (discipline, "general"):
        raise Invalid(f"{template_id} is a {template.discipline} template; a {discipline} "
                      "service opens its own discipline's or a general one", field=field)
    return template_id
