"""What the host hands to behaviour hooks: a note with its case and payer, and events.

These are read-only views built by the core from its own records. They carry what a charge
rule or a validation rule needs and nothing that identifies the patient.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from ._base import Frozen
from .billing import TimedMethod
from .measures import Score

AppointmentStatus = Literal[
    "booked", "confirmed", "arrived", "in-session", "completed", "cancelled", "late-cancelled",
    "no-show",
]


class PayerContext(Frozen):
    """Who pays for the case, and the billing rules that payer asks for.

    ``timed_method`` chooses the unit rule for timed codes
    (:func:`~vesalius_sdk.billing.timed_units`).
    ``modifiers`` lists modifiers this payer wants where they apply (``AT`` on active
    chiropractic treatment, say): a charge rule adds one only where its own rule applies.
    """

    id: str | None = None
    name: str = "Self-pay"
    kind: Literal["self-pay", "medicare", "medicaid", "commercial", "workers-comp", "other"] = (
        "self-pay"
    )
    timed_method: TimedMethod = "cms"
    modifiers: frozenset[str] = frozenset()


class CaseContext(Frozen):
    """The episode of care a note belongs to."""

    id: str | None = None
    discipline: str
    diagnosis_codes: tuple[str, ...] = ()
    payer: PayerContext = Field(default_factory=PayerContext)
    #: Visits already made in this case before this one (0 for the first visit).
    visits_before: int = 0
    #: The first score of each measure recorded in this case (the intake baseline), by
    #: measure id: what a discharge or re-assessment rule compares with.
    baseline_scores: Mapping[str, Score] = Field(default_factory=dict)


class NoteContext(Frozen):
    """A note as charge and validation rules see it.

    ``document`` is the validated document (``{section_id: {field_id: value}}``), ``scores``
    the measure results in it by measure id.
    """

    id: str | None = None
    template_id: str
    template_version: int
    document: Mapping[str, Any]
    date_of_service: date
    case: CaseContext
    scores: Mapping[str, Score] = Field(default_factory=dict)
    signed_at: datetime | None = None

    def value(self, path: str, default: Any = None) -> Any:
        """The value at ``section.field`` in the document, or ``default``."""
        section, _, field = path.partition(".")
        value = (self.document.get(section) or {}).get(field)
        return default if value is None else value


class NoteProblem(Frozen):
    """Something that stops a note from being signed. ``field`` is ``section.field`` or None."""

    field: str | None = None
    message: str


class AppointmentStatusChange(Frozen):
    """An appointment moved from one status to another."""

    appointment_id: str
    case_id: str | None = None
    discipline: str | None = None
    old_status: AppointmentStatus | None
    new_status: AppointmentStatus
    at: datetime
