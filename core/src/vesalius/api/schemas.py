"""Response models of the JSON API. Money is a decimal string ("85.00"), times are
ISO 8601 with an offset (UTC), dates are ISO dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserOut(Out):
    id: int | None
    role: str
    patient_id: int | None = None
    practitioner_id: int | None = None


class PatientOut(Out):
    id: int
    given_name: str
    family_name: str
    preferred_name: str | None
    birth_date: date | None
    sex: str | None
    gender_identity: str | None
    pronouns: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    emergency_contact_name: str | None
    emergency_contact_phone: str | None
    emergency_contact_relationship: str | None
    preferred_contact: str
    reminders_email: bool
    reminders_sms: bool
    marketing_opt_in: bool
    language: str | None
    admin_note: str | None = None  # staff only: absent from what a patient gets
    active: bool
    created_at: datetime
    updated_at: datetime


class ConsentOut(Out):
    id: int
    kind: str
    granted: bool
    recorded_at: datetime
    note: str | None


class CoverageOut(Out):
    id: int
    patient_id: int
    payer_id: int
    member_id: str
    group_number: str | None
    plan_name: str | None
    relationship_to_subscriber: str
    copay: Decimal
    coinsurance_percent: Decimal
    valid_from: date | None
    valid_to: date | None


class PractitionerOut(Out):
    id: int
    user_id: int | None
    display_name: str
    disciplines: list[str]
    licence_number: str | None
    provider_number: str | None
    npi: str | None
    default_location_id: int | None
    colour: str
    active: bool


class RoomOut(Out):
    id: int
    name: str


class LocationOut(Out):
    id: int
    name: str
    timezone: str
    address: str
    phone: str
    rooms: list[RoomOut]


class ServiceOut(Out):
    id: int
    name: str
    discipline: str
    duration_minutes: int
    buffer_minutes: int
    default_codes: list[str]
    price: Decimal
    late_cancel_fee: Decimal
    online_bookable: bool
    active: bool
    initial_template_id: str | None = None
    follow_up_template_id: str | None = None


class PayerOut(Out):
    id: int
    name: str
    kind: str
    payer_code: str | None
    timed_method: str
    modifiers: list[str]


class FeeScheduleOut(Out):
    id: int
    name: str
    payer_id: int | None
    effective_from: date | None


class CaseOut(Out):
    """A case. ``restricted``: listed for a practitioner outside the patient's care team,
    with its clinical fields (title, diagnosis codes, injury date, close reason) withheld."""

    id: int
    patient_id: int
    discipline: str
    title: str | None
    status: str
    opened_on: date
    closed_on: date | None
    close_reason: str | None
    primary_practitioner_id: int | None
    referral_source: str | None
    referral_date: date | None
    referrer_name: str | None
    referrer_npi: str | None
    injury_date: date | None
    diagnosis_codes: list[str]
    payer_id: int | None
    coverage_id: int | None
    authorised_visits: int | None
    authorisation_number: str | None
    plan_of_care_start: date | None
    plan_of_care_end: date | None
    restricted: bool = False


class AppointmentOut(Out):
    id: int
    patient_id: int
    practitioner_id: int
    case_id: int | None
    service_id: int | None
    location_id: int | None
    room_id: int | None
    series_id: int | None
    start: datetime = Field(validation_alias="start_at")
    end: datetime = Field(validation_alias="end_at")
    status: str
    cancel_reason: str | None
    booking_note: str | None


class SeriesOut(BaseModel):
    appointments: list[AppointmentOut]
    skipped: list[datetime]


class CalendarEntryOut(Out):
    id: int
    start: datetime
    end: datetime
    status: str
    patient_id: int
    patient_name: str
    practitioner_id: int
    practitioner_name: str
    case_id: int | None
    service_id: int | None
    service_name: str | None
    location_id: int | None
    room_id: int | None
    room_name: str | None
    series_id: int | None
    booking_note: str | None


class SlotOut(Out):
    start: datetime
    end: datetime
    practitioner_id: int
    practitioner_name: str
    location_id: int
    service_id: int


class WaitlistOut(Out):
    id: int
    patient_id: int
    service_id: int | None
    practitioner_id: int | None
    case_id: int | None
    earliest: date | None
    latest: date | None
    weekdays: list[int]
    part_of_day: str
    note: str | None
    status: str
    appointment_id: int | None


class AddendumOut(Out):
    id: int
    kind: str
    author_id: int
    created_at: datetime
    reason: str | None
    text: str
    content_sha256: str


class NoteOut(Out):
    id: int
    patient_id: int
    case_id: int
    appointment_id: int | None
    author_id: int
    practitioner_id: int | None
    template_id: str
    template_version: int
    pack: str
    pack_version: str | None
    date_of_service: date
    status: str
    document: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None
    signed_by: int | None
    content_sha256: str | None
    rendered: str | None
    error_reason: str | None
    addenda: list[AddendumOut]
    #: Copy-forward: the signed note of the case this draft started from (null: none).
    copied_from: int | None = None
    #: Copy-forward: ``{path: source's date of service}`` for each carried value not yet
    #: changed (a path leaves when its value is edited): the editor marks them "from ...".
    carried: dict[str, date] = Field(default_factory=dict)
    #: Intake: ``{path: date the patient submitted}`` for each answer reported by the
    #: patient before the visit and not yet changed: the editor marks them.
    reported: dict[str, date] = Field(default_factory=dict)


class NoteProblemOut(Out):
    """Something to fix before signing (``error``) or to know when signing (``warning``)."""

    field: str | None
    message: str
    severity: str = "error"


class TemplateChoiceOut(BaseModel):
    """The template a visit opens with when none is chosen, and why."""

    template_id: str
    title: str
    visit_kind: str


class ChartMarksOut(BaseModel):
    path: str
    label: str
    chart: str
    marks: list[dict[str, Any]]


class PreviousNoteOut(BaseModel):
    """The case's last signed note for the editor's side panel (``note`` null: none yet).
    ``note.rendered`` is its signed snapshot; ``charts`` its chart fields' marks."""

    note: NoteOut | None
    template_title: str | None = None
    charts: list[ChartMarksOut] = Field(default_factory=list)


class InvoiceLineOut(Out):
    id: int
    code: str
    description: str
    modifiers: list[str]
    minutes: int | None
    units: int
    unit_price: Decimal
    amount: Decimal
    insurer_amount: Decimal
    patient_amount: Decimal
    priced: bool
    #: Why the price differs from the fee schedule's, or why a discount was given.
    price_reason: str | None = None


class InvoiceOut(BaseModel):
    id: int
    number: str | None
    patient_id: int
    case_id: int | None
    appointment_id: int | None
    note_id: int | None
    practitioner_id: int | None
    payer_id: int | None
    status: str
    date_of_service: date
    issued_on: date | None
    total: Decimal
    insurer_portion: Decimal
    patient_portion: Decimal
    paid_by_patient: Decimal
    paid_by_insurer: Decimal
    balance: Decimal
    lines: list[InvoiceLineOut]


class SignOut(BaseModel):
    note: NoteOut
    invoice: InvoiceOut | None
    #: Problems of severity "warning" the note was signed over (they do not block).
    warnings: list[NoteProblemOut] = Field(default_factory=list)


class ChargeLineOut(BaseModel):
    code: str
    units: int
    modifiers: list[str]
    minutes: int | None


class AllocationOut(Out):
    invoice_id: int
    portion: str
    amount: Decimal


class PaymentOut(Out):
    id: int
    patient_id: int
    payer_id: int | None
    method: str
    reference: str | None
    amount: Decimal
    received_on: date
    refund_of_id: int | None
    note: str | None
    allocations: list[AllocationOut]


class AccountOut(Out):
    invoiced: Decimal
    patient_portion: Decimal
    insurer_portion: Decimal
    paid_by_patient: Decimal
    paid_by_insurer: Decimal
    patient_balance: Decimal
    insurer_balance: Decimal
    credit: Decimal
    balance: Decimal


class ClaimLineOut(Out):
    id: int
    invoice_line_id: int
    code: str
    modifiers: list[str]
    units: int
    amount: Decimal
    date_of_service: date
    diagnosis_pointers: list[int]


class ProblemOut(Out):
    field: str
    message: str


class ClaimOut(Out):
    id: int
    number: str | None
    invoice_id: int
    case_id: int | None
    patient_id: int
    payer_id: int
    coverage_id: int | None
    practitioner_id: int | None
    status: str
    total: Decimal
    paid_amount: Decimal
    payer_reference: str | None
    status_reason: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    lines: list[ClaimLineOut]
    problems: list[ProblemOut] = Field(default_factory=list)


class ClaimEventOut(Out):
    """One step of a claim's history: a status change (with the payer's reference, reason
    and amount paid) or a note."""

    id: int
    at: datetime
    user_id: int | None
    kind: str
    from_status: str | None
    to_status: str | None
    payer_reference: str | None
    paid_amount: Decimal | None
    text: str | None


class RefusedOut(BaseModel):
    invoice_id: int
    message: str


class WorkItemOut(Out):
    appointment_id: int
    start: datetime
    patient_id: int
    patient_name: str
    practitioner_id: int
    practitioner_name: str
    case_id: int | None
    note_id: int
    invoice_id: int
    invoice_status: str
    total: Decimal
    insurer_portion: Decimal
    action: str


class RevenueOut(Out):
    practitioner_id: int
    practitioner_name: str
    month: str
    invoiced: Decimal
    visits: int


class PointOut(Out):
    taken_on: date
    value: float | None
    band: str | None
    note_id: int | None
    measure_version: str
    #: "clinic" or "patient" (filled by the patient before the visit).
    source: str = "clinic"


class TrendOut(Out):
    measure_id: str
    title: str
    direction: str | None
    unit: str | None
    mcid: float | None
    points: list[PointOut]
    change: float | None
    reached_mcid: bool | None


class MeasureResultOut(Out):
    id: int
    case_id: int | None
    measure_id: str
    measure_version: str
    taken_on: date
    value: float | None
    band: str | None
    complete: bool
    #: "clinic" or "patient" (filled by the patient before the visit).
    source: str = "clinic"


class TimelineOut(Out):
    at: date
    kind: str
    id: int
    summary: str


class TemplateSummaryOut(BaseModel):
    id: str
    title: str
    discipline: str
    kind: str
    version: int
    pack: str
    description: str | None
    #: Visit kinds ("initial", "follow-up") it is its discipline's default for.
    default_for: list[str] = Field(default_factory=list)


class TemplateOut(TemplateSummaryOut):
    sections: list[dict[str, Any]]
    #: ``section.field`` -> why it is unavailable (its chart's or measure's pack is missing).
    unavailable: dict[str, str]


class MeasureOut(BaseModel):
    id: str
    title: str
    version: str
    pack: str
    direction: str
    minimum: float
    maximum: float
    unit: str | None
    mcid: float | None
    items: list[dict[str, Any]]
    licence: str
    #: The publication the scoring rule comes from.
    source: str | None = None
    #: What the published rule does with unanswered items: ``max_missing`` (or null when
    #: the rule is not a simple count) and the rule in a sentence, ``text``.
    missing_rule: dict[str, Any] | None = None
    #: The subscales the measure reports beside its headline value, in order: ``id`` (its
    #: key in a score's ``subscores``) and ``label``. Empty when it declares none.
    subscales: list[dict[str, str]] = []


class AuditOut(Out):
    id: int
    at: datetime
    user_id: int | None
    role: str | None
    action: str
    resource_type: str
    resource_id: int | None
    patient_id: int | None
    outcome: str
    ip: str | None
    detail: str | None
    #: A list read: the records it showed are the items of this list.
    list_digest: str | None = None


class AuditListItemOut(Out):
    """One record a list read showed, in the order shown."""

    resource_id: int | None
    patient_id: int | None
