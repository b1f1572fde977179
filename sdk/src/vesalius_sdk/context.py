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
from .templates import NoteTemplate

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


class ProcedureSummary(Frozen):
    """One procedure of another note: its code with the minutes or units recorded."""

    code: str
    minutes: int | None = None
    units: int | None = None


class NoteSummary(Frozen):
    """Another note of the same case on the same day, read-only, as rules see it.

    What a charge rule needs to avoid billing twice (an evaluation already charged today)
    and a validation rule to compare: the template, whether it is signed, the procedures it
    records and the codes already charged for it.
    """

    id: str
    template_id: str
    template_kind: str | None = None
    signed: bool = False
    procedures: tuple[ProcedureSummary, ...] = ()
    charged_codes: tuple[str, ...] = ()


class NoteContext(Frozen):
    """A note as charge and validation rules see it.

    ``document`` is the validated document (``{section_id: {field_id: value}}``), ``scores``
    the measure results in it by measure id. ``template`` is the template the note was made
    with (its recorded version where the host still has it; ``None`` only when a host of SDK
    0.1 built the context). ``same_day_notes`` summarises the case's other notes on the
    same date of service, oldest first.
    """

    id: str | None = None
    template_id: str
    template_version: int
    document: Mapping[str, Any]
    date_of_service: date
    case: CaseContext
    scores: Mapping[str, Score] = Field(default_factory=dict)
    signed_at: datetime | None = None
    template: NoteTemplate | None = None
    same_day_notes: tuple[NoteSummary, ...] = ()

    def value(self, path: str, default: Any = None) -> Any:
        """The value at ``section.field`` in the document, or ``default``."""
        section, _, field = path.partition(".")
        value = (self.document.get(section) or {}).get(field)
        return default if value is None else value


class NoteProblem(Frozen):
    """Something to fix before a note is signed. ``field`` is ``section.field`` or None.

    ``severity="error"`` (the default) blocks signing; ``"warning"`` is shown to the
    practitioner, who may sign anyway (a measure not repeated at a re-assessment, say).
    Say in ``message`` what to do, in the practitioner's words.
    """

    field: str | None = None
    message: str
    severity: Literal["error", "warning"] = "error"

    @property
    def blocks_signing(self) -> bool:
        """Whether this problem stops the note from being signed."""
        return self.severity == "error"


class AppointmentStatusChange(Frozen):
    """An appointment moved from one status to another."""

    appointment_id: str
    case_id: str | None = None
    discipline: str | None = None
    old_status: AppointmentStatus | None
    new_status: AppointmentStatus
    at: datetime
