"""Disciplines: the specialties a clinic offers (physiotherapy, chiropractic, ...)."""

from __future__ import annotations

from ._base import Frozen, Label, ShortId


class Discipline(Frozen):
    """A discipline a pack brings. ``id`` is short and stable (``physio``); practitioners,
    services and cases are tagged with it."""

    id: ShortId
    title: Label
    description: str | None = None
    #: The professional title shown on notes and invoices ("Physiotherapist").
    practitioner_title: str | None = None
