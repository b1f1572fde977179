"""Printouts: documents a pack prints from a note (a home exercise programme, say)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import Field

from ._base import Frozen, Label, NamespacedId
from .context import NoteContext

#: ``render(note) -> html``: a complete, self-contained HTML page with its own print CSS.
#: Escape what comes from the note (render with jinja2's autoescape); the host serves it as
#: is, behind its login, permission checks, audit and security headers.
PrintoutRenderer = Callable[[NoteContext], str]


class Printout(Frozen):
    """A printable document made from notes of ``templates``.

    The host lists it on those notes and serves it behind its own login and permission
    checks, to staff who may read the note; ``audience="patient"`` marks it as a handout
    that may also be shown in the patient's portal.
    """

    id: NamespacedId
    title: Label
    templates: tuple[NamespacedId, ...] = Field(min_length=1)
    render: PrintoutRenderer = Field(exclude=True)
    audience: Literal["patient", "clinician"] = "patient"
