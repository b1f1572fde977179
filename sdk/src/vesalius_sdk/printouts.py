"""Printouts: documents a pack prints from a note (a home exercise programme, say)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ._base import Frozen, Label, NamespacedId
from .context import NoteContext


class PrintHeader(Frozen):
    """Who and what a printout is for: given by the host, since a :class:`NoteContext`
    carries nothing that identifies the patient."""

    patient_name: str | None = None
    patient_birth_date: date | None = None
    practitioner_name: str | None = None
    practitioner_title: str | None = None
    clinic_name: str | None = None
    clinic_phone: str | None = None
    clinic_address: str | None = None
    printed_at: datetime | None = None


#: ``render(note)`` or ``render(note, header)`` -> a complete, self-contained HTML page with
#: its own print CSS (the ``header`` argument is opt-in, as hook arguments are). Escape what
#: comes from the note (jinja2's autoescape); the host serves the page as is, behind its
#: login, permission checks, audit and security headers.
PrintoutRenderer = Callable[..., str]


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

    def page(self, note: NoteContext, header: PrintHeader | None = None) -> str:
        """Call ``render`` with the arguments it asks for."""
        try:
            wants_header = "header" in inspect.signature(self.render).parameters
        except (TypeError, ValueError):  # a builtin or C callable: no introspection
            wants_header = False
        if wants_header:
            return self.render(note, header=header or PrintHeader())
        return self.render(note)
