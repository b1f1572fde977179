"""Retention and erasure: how long a patient's record is kept, which records may be
destroyed, destroying them, and patients' erasure requests.

The periods are the clinic's (one policy row), because the law that sets them is the
clinic's: the defaults follow the College of Physiotherapists of Ontario's Record Keeping
Standard (keep a record 10 years after the last contact, and a minor's until 10 years after
their 18th birthday if that is later; https://collegept.org/standard/record-keeping-standard)
and keep financial records 7 years (the IRS's longest ordinary period, for bad-debt
deductions: https://www.irs.gov/businesses/small-businesses-self-employed/how-long-should-i-keep-records).
England's NHS Records Management Code of Practice 2021, for instance, keeps adult records 8
years and children's until their 25th birthday: majority 18, 7 years after it.

A record is destroyed whole, never in part, and only once both its clinical and its financial
periods have ended, so an invoice never outlives the visit it bills. Destroying deletes every
row that hangs off the patient and blanks the patient row (the id stays, so the audit log and
the destruction register still name it and no new patient ever reuses it); the audit log and
the register are kept.

Erasure (GDPR Art. 17) is not absolute: 17(3)(b) and (c) exempt records kept under a legal
obligation and for health care, so an erasure request removes what may be removed (contact
details, preferences, the portal account, waitlist entries, future bookings) and keeps the
clinical and financial record until its period ends, saying what it kept and why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Conflict, Invalid
from ..models import (
    AccessGrant,
    ApiToken,
    Appointment,
    AppointmentSeries,
    Case,
    CaseTeamMember,
    Claim,
    ClaimEvent,
    ClaimLine,
    Consent,
    Coverage,
    IntakeRequest,
    Invoice,
    InvoiceLine,
    MeasureResult,
    Note,
    NoteAddendum,
    OnlineBookingRequest,
    OutboxMessage,
    PackageDrawdown,
    Patient,
    PatientPackage,
    Payment,
    PaymentAllocation,
    PortalInvitation,
    User,
    WaitlistEntry,
    WaitlistOffer,
)
from ..models.retention import (
    ERASURE_CHANNELS,
    ERASURE_SCOPES,
    ErasureRequest,
    RecordDestruction,
    RetentionPolicy,
)
from ..models.x12 import RemittanceAdjustment, RemittanceClaim, X12InterchangeClaim
from . import audit
from .actor import Actor
from .common import Input, get

# -- the policy and its arithmetic ---------------------------------------------------------


class Policy(BaseModel):
    """Retention periods in whole years (see :class:`RetentionPolicy`)."""

    model_config = ConfigDict(frozen=True)

    jurisdiction: str
    adult_years: int
    majority_age: int
    minor_years_after_majority: int
    minor_years_after_contact: int
    financial_years: int


DEFAULT_POLICY = Policy(
    jurisdiction="Default: College of Physiotherapists of Ontario, Record Keeping Standard "
                 "(set your own jurisdiction's periods)",
    adult_years=10, majority_age=18, minor_years_after_majority=10,
    minor_years_after_contact=10, financial_years=7)


class PolicyIn(Input):
    jurisdiction: str = Field(min_length=1, max_length=200)
    adult_years: int = Field(ge=1, le=100)
    majority_age: int = Field(ge=1, le=30)
    minor_years_after_majority: int = Field(ge=0, le=100)
    minor_years_after_contact: int = Field(ge=1, le=100)
    financial_years: int = Field(ge=1, le=100)


def add_years(day: date, years: int) -> date:
    """``day`` moved ``years`` years on; 29 February lands on 1 March, never earlier."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return date(day.year + years, 3, 1)


def age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def clinical_until(policy: Policy, last_contact: date, birth_date: date | None) -> date:
    """The day a clinical record's retention ends.

    An adult at the last contact: ``adult_years`` after it. A minor: the later of
    ``minor_years_after_majority`` after the day they come of age and
    ``minor_years_after_contact`` after the last contact. Without a birth date the patient
    may have been a minor, born as late as the last contact: the longest of all three.
    """
    adult = add_years(last_contact, policy.adult_years)
    minor_contact = add_years(last_contact, policy.minor_years_after_contact)
    def after_majority(born: date) -> date:  # the day of age first (29 February: 1 March)
        return add_years(add_years(born, policy.majority_age),
                         policy.minor_years_after_majority)

    if birth_date is None:
        return max(adult, minor_contact, after_majority(last_contact))
    if age_on(birth_date, last_contact) >= policy.majority_age:
        return adult
    return max(after_majority(birth_date), minor_contact)


def financial_until(policy: Policy, last_financial: date | None) -> date | None:
    """The day the financial records' retention ends (None: there are none)."""
    return None if last_financial is None else add_years(last_financial,
                                                         policy.financial_years)


def retained_until(policy: Policy, last_contact: date, last_financial: date | None,
                   birth_date: date | None) -> date:
    """The day the whole record (clinical and financial) may be destroyed."""
    clinical = clinical_until(policy, last_contact, birth_date)
    financial = financial_until(policy, last_financial)
    return max(clinical, financial) if financial else clinical


def current_policy(session: Session) -> Policy:
    row = session.get(RetentionPolicy, 1)
    return DEFAULT_POLICY if row is None else Policy.model_validate(row, from_attributes=True)


def read_policy(session: Session, actor: Actor) -> Policy:
    actor.require("retention.manage")
    return current_policy(session)


def set_policy(session: Session, actor: Actor, data: PolicyIn) -> Policy:
    """Replace the clinic's periods (owner); the change is audited with the old values."""
    actor.require("retention.manage")
    before = current_policy(session)
    row = session.get(RetentionPolicy, 1)
    if row is None:
        row = RetentionPolicy(id=1, **before.model_dump())
        session.add(row)
    for key, value in data.model_dump().items():
        setattr(row, key, value)
    row.updated_by = actor.user_id
    session.flush()
    after = current_policy(session)
    changed = [f"{k} {getattr(before, k)}->{getattr(after, k)}" for k in Policy.model_fields
               if k != "jurisdiction" and getattr(before, k) != getattr(after, k)]
    if before.jurisdiction != after.jurisdiction:
        changed.append("jurisdiction")
    audit.record(session, actor, "update", "retention-policy", 1,
                 detail=("; ".join(changed) or "unchanged"))
    return after


# -- last contact ----------------------------------------------------------------------------


def _day(session: Session, column: Any) -> Any:
    """The UTC calendar day of a timestamp column, as a date on both engines."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(func.date(column), Date)
    return cast(func.timezone("UTC", column), Date)


def _contacts(session: Session, patient_ids: list[int] | None) -> Any:
    """Every dated entry of every patient: (patient_id, day, financial 0/1). Last contact
    is the latest of them: registration, a booking (even a future or cancelled one), a
    note, its addendum, a measure, a case change, a waitlist entry, an invoice, a payment,
    a claim. Consents are not contact: withdrawing one (as an erasure does) must not
    restart the record's retention."""
    day = lambda column: _day(session, column)  # noqa: E731
    clinical, financial = literal(0), literal(1)
    members = [
        select(Patient.id, day(Patient.created_at), clinical),
        select(Appointment.patient_id, day(Appointment.start_at), clinical),
        select(Note.patient_id, type_coerce(Note.date_of_service, Date), clinical),
        select(Note.patient_id, day(Note.updated_at), clinical),
        select(Note.patient_id, day(NoteAddendum.created_at), clinical)
        .join(Note, Note.id == NoteAddendum.note_id),
        select(MeasureResult.patient_id, type_coerce(MeasureResult.taken_on, Date), clinical),
        select(Case.patient_id, day(Case.updated_at), clinical),
        select(WaitlistEntry.patient_id, day(WaitlistEntry.created_at), clinical),
        select(Invoice.patient_id, type_coerce(Invoice.date_of_service, Date), financial),
        select(Invoice.patient_id, day(Invoice.updated_at), financial),
        select(Payment.patient_id, type_coerce(Payment.received_on, Date), financial),
        select(Claim.patient_id, day(Claim.updated_at), financial),
    ]
    if patient_ids is not None:
        members = [m.where(m.selected_columns[0].in_(patient_ids)) for m in members]
    first = members[0]
    members[0] = first.with_only_columns(*(
        column.label(name) for column, name in zip(first.selected_columns,
                                                   ("patient_id", "day", "financial"),
                                                   strict=True)))
    return union_all(*members).subquery("contacts")


def _last_dates(session: Session, *, patient_ids: list[int] | None = None,
                contact_on_or_before: date | None = None) -> list[Any]:
    """Per patient not yet destroyed: id, names, birth date, last contact, last financial
    entry. One grouped query over the patient-indexed tables."""
    contacts = _contacts(session, patient_ids)
    pid, day, fin = contacts.c.patient_id, contacts.c.day, contacts.c.financial
    last = type_coerce(func.max(day), Date)
    grouped = select(pid.label("patient_id"), last.label("last_contact"),
                     type_coerce(func.max(case((fin == 1, day))), Date)
                     .label("last_financial")).group_by(pid)
    if contact_on_or_before is not None:
        grouped = grouped.having(func.max(day) <= literal(contact_on_or_before, Date))
    g = grouped.subquery("last")
    destroyed = exists().where(RecordDestruction.patient_id == Patient.id,
                               RecordDestruction.status == "done")
    return list(session.execute(
        select(Patient.id, Patient.given_name, Patient.family_name, Patient.birth_date,
               g.c.last_contact, g.c.last_financial)
        .join(g, g.c.patient_id == Patient.id).where(not_(destroyed))
        .order_by(Patient.id)))


def today() -> date:
    """The day retention is judged on: today in UTC (a day's difference is immaterial
    against periods of years, and UTC is the same on every worker)."""
    return datetime.now(UTC).date()


# -- the report of records that may be destroyed ---------------------------------------------


class Expired(BaseModel):
    """A patient whose whole record is past its retention period."""

    model_config = ConfigDict(frozen=True)

    patient_id: int
    name: str
    birth_date: date | None
    minor: bool | None = Field(description="a minor at the last contact; null: no birth date")
    last_contact: date
    last_financial: date | None
    clinical_until: date
    financial_until: date | None
    retained_until: date


class Report(BaseModel):
    model_config = ConfigDict(frozen=True)

    as_of: date
    policy: Policy
    rows: list[Expired]


def _expired(policy: Policy, row: Any) -> Expired:
    minor = None if row.birth_date is None else (
        age_on(row.birth_date, row.last_contact) < policy.majority_age)
    clinical = clinical_until(policy, row.last_contact, row.birth_date)
    financial = financial_until(policy, row.last_financial)
    return Expired(patient_id=row.id, name=f"{row.given_name} {row.family_name}",
                   birth_date=row.birth_date, minor=minor, last_contact=row.last_contact,
                   last_financial=row.last_financial, clinical_until=clinical,
                   financial_until=financial,
                   retained_until=max(clinical, financial) if financial else clinical)


def destroyable(session: Session, actor: Actor, as_of: date | None = None) -> Report:
    """Patients whose whole record's retention ended on or before ``as_of`` (today), the
    oldest first (owner). One query: only patients whose last contact is older than the
    shortest period are read; the periods are then applied to each."""
    actor.require("retention.manage")
    as_of = as_of or today()
    policy = current_policy(session)
    shortest = min(policy.adult_years, policy.minor_years_after_contact)
    try:
        cutoff = add_years(as_of, -shortest)
    except ValueError:  # before year 1: nothing can be that old
        return Report(as_of=as_of, policy=policy, rows=[])
    rows = [_expired(policy, r) for r in _last_dates(session, contact_on_or_before=cutoff)]
    due = sorted((r for r in rows if r.retained_until <= as_of),
                 key=lambda r: (r.retained_until, r.patient_id))
    audit.record_list(session, actor, "read", "retention-report",
                      [(r.patient_id, r.patient_id) for r in due])
    return Report(as_of=as_of, policy=policy, rows=due)


# -- destruction -------------------------------------------------------------------------------


class DestroyIn(Input):
    patient_ids: list[int] = Field(min_length=1, max_length=200)
    #: Why now (kept in the register): "retention period ended, annual review 2026".
    reason: str = Field(min_length=3, max_length=500)


def _steps(ids: list[int]) -> list[tuple[str, Any, Any]]:
    """What destroying removes, in foreign-key order: (kind, count per patient, delete)."""
    notes = select(Note.id).where(Note.patient_id.in_(ids))
    invoices = select(Invoice.id).where(Invoice.patient_id.in_(ids))
    claims = select(Claim.id).where(Claim.patient_id.in_(ids))
    payments = select(Payment.id).where(Payment.patient_id.in_(ids))
    tokens = select(User.id).where(User.patient_id.in_(ids))
    packages = select(PatientPackage.id).where(PatientPackage.patient_id.in_(ids))

    def own(model: Any) -> tuple[Any, Any]:
        return (select(model.patient_id, func.count()).where(model.patient_id.in_(ids))
                .group_by(model.patient_id),
                delete(model).where(model.patient_id.in_(ids)))

    def child(model: Any, fk: Any, parent: Any, parent_ids: Any) -> tuple[Any, Any]:
        return (select(parent.patient_id, func.count()).select_from(model)
                .join(parent, parent.id == fk)
                .where(parent.patient_id.in_(ids)).group_by(parent.patient_id),
                delete(model).where(fk.in_(parent_ids)))

    allocation_rows = or_(PaymentAllocation.payment_id.in_(payments),
                          PaymentAllocation.invoice_id.in_(invoices))
    remitted = select(RemittanceClaim.id).where(RemittanceClaim.claim_id.in_(claims))
    return [
        ("package drawdowns", *child(PackageDrawdown, PackageDrawdown.package_id,
                                     PatientPackage, packages)),
        ("packages", *own(PatientPackage)),
        # An 835's answers for the claims, with their adjustments, and the 837P files that
        # carried them (the remittance and interchange rows themselves hold no patient).
        ("remittance adjustments",
         select(Claim.patient_id, func.count()).select_from(RemittanceAdjustment)
         .join(RemittanceClaim, RemittanceClaim.id == RemittanceAdjustment.remittance_claim_id)
         .join(Claim, Claim.id == RemittanceClaim.claim_id)
         .where(Claim.patient_id.in_(ids)).group_by(Claim.patient_id),
         delete(RemittanceAdjustment).where(
             RemittanceAdjustment.remittance_claim_id.in_(remitted))),
        ("remittance claims", *child(RemittanceClaim, RemittanceClaim.claim_id, Claim, claims)),
        ("claim interchanges",
         *child(X12InterchangeClaim, X12InterchangeClaim.claim_id, Claim, claims)),
        ("claim lines", *child(ClaimLine, ClaimLine.claim_id, Claim, claims)),
        ("claim events", *child(ClaimEvent, ClaimEvent.claim_id, Claim, claims)),
        ("claims", *own(Claim)),
        ("payment allocations",
         select(Payment.patient_id, func.count()).select_from(PaymentAllocation)
         .join(Payment, Payment.id == PaymentAllocation.payment_id)
         .where(allocation_rows).group_by(Payment.patient_id),
         delete(PaymentAllocation).where(allocation_rows)),
        ("payments", *own(Payment)),
        ("invoice lines", *child(InvoiceLine, InvoiceLine.invoice_id, Invoice, invoices)),
        ("invoices", *own(Invoice)),
        ("intake requests", *own(IntakeRequest)),
        ("measure results", *own(MeasureResult)),
        ("note addenda", *child(NoteAddendum, NoteAddendum.note_id, Note, notes)),
        ("notes", *own(Note)),
        ("waitlist offers", *own(WaitlistOffer)),
        ("waitlist entries", *own(WaitlistEntry)),
        ("messages", *own(OutboxMessage)),
        ("online booking requests", *own(OnlineBookingRequest)),
        ("portal invitations", *own(PortalInvitation)),
        ("appointments", *own(Appointment)),
        ("case team members", *own(CaseTeamMember)),
        ("cases", *own(Case)),
        ("coverages", *own(Coverage)),
        ("consents", *own(Consent)),
        ("break-the-glass grants", *own(AccessGrant)),
        ("API tokens",
         select(User.patient_id, func.count()).select_from(ApiToken)
         .join(User, User.id == ApiToken.user_id)
         .where(User.patient_id.in_(ids)).group_by(User.patient_id),
         delete(ApiToken).where(ApiToken.user_id.in_(tokens))),
    ]


def _blank_patients(session: Session, ids: list[int], label: str) -> None:
    """Every personal field emptied; the id stays (see the module's docstring)."""
    nullable = [c.name for c in Patient.__table__.columns
                if c.nullable and not c.primary_key]
    values: dict[str, Any] = dict.fromkeys(nullable)
    values.update(given_name=label, family_name="record", given_name_key=label.lower(),
                  family_name_key="record", preferred_contact="email", reminders_email=False,
                  reminders_sms=False, marketing_opt_in=False, active=False,
                  updated_at=utcnow())
    session.execute(update(Patient).where(Patient.id.in_(ids)).values(**values))


def _close_accounts(session: Session, user_ids: list[int], tag: str) -> int:
    """Portal accounts closed for good: no password, no e-mail, inactive (their sessions end
    at the next request). The row stays so that no new account takes its id."""
    for user_id in user_ids:
        session.execute(update(User).where(User.id == user_id).values(
            active=False, password_hash=None, name="",
            email=f"{tag}-user-{user_id}@invalid"))  # RFC 2606: .invalid never resolves
    return len(user_ids)


def destroy(session: Session, actor: Actor, data: DestroyIn,
            as_of: date | None = None) -> list[RecordDestruction]:
    """Destroy the whole records of ``data.patient_ids`` (owner), all or none: refused
    (409, nothing changed) when any of them is still inside its retention period."""
    actor.require("retention.manage")
    as_of = as_of or today()
    ids = sorted(set(data.patient_ids))
    # Locks the patients: a booking or payment made meanwhile waits, then finds no patient.
    found = set(session.scalars(select(Patient.id).where(Patient.id.in_(ids))
                                .with_for_update()))
    if missing := [i for i in ids if i not in found]:
        raise Invalid(f"no patient with id {missing[0]}", field="patient_ids")
    policy = current_policy(session)
    rows = {r.id: _expired(policy, r) for r in _last_dates(session, patient_ids=ids)}
    for pid in ids:
        if pid not in rows:
            raise Conflict(f"patient {pid}'s record was already destroyed",
                           field="patient_ids")
        if rows[pid].retained_until > as_of:
            raise Conflict(f"patient {pid}'s record is kept until "
                           f"{rows[pid].retained_until.isoformat()}: nothing was destroyed",
                           field="patient_ids")
    register = {pid: RecordDestruction(
        patient_id=pid, status="in-progress", reason=data.reason, destroyed_by=actor.user_id,
        last_contact=rows[pid].last_contact, retained_until=rows[pid].retained_until,
        policy=policy.model_dump(), removed={}) for pid in ids}
    session.add_all(register.values())
    session.flush()  # the database guards read the in-progress rows
    removed: dict[int, dict[str, int]] = {pid: {} for pid in ids}
    series = select(Appointment.series_id).where(Appointment.patient_id.in_(ids),
                                                 Appointment.series_id.is_not(None))
    series_ids = list(session.scalars(series.distinct()))
    for kind, count, statement in _steps(ids):
        for pid, n in session.execute(count):
            removed[pid][kind] = n
        session.execute(statement)
    if series_ids:  # series left without any appointment
        session.execute(delete(AppointmentSeries).where(
            AppointmentSeries.id.in_(series_ids),
            ~exists().where(Appointment.series_id == AppointmentSeries.id)))
    accounts = list(session.execute(select(User.id, User.patient_id)
                                    .where(User.patient_id.in_(ids))))
    _close_accounts(session, [uid for uid, _ in accounts], "destroyed")
    for _uid, pid in accounts:
        removed[pid]["portal accounts closed"] = removed[pid].get(
            "portal accounts closed", 0) + 1
    _blank_patients(session, ids, "Destroyed")
    for pid, row in register.items():
        row.status, row.removed = "done", removed[pid]
    session.flush()
    audit.record_many(session, actor, "destroy", "patient", [(pid, pid) for pid in ids],
                      detail="whole record destroyed after its retention period; see the "
                             "destruction register")
    return [register[pid] for pid in ids]


def destructions(session: Session, actor: Actor, limit: int = 200) -> list[RecordDestruction]:
    """The register of destroyed records, newest first (owner)."""
    actor.require("retention.manage")
    return list(session.scalars(select(RecordDestruction)
                                .where(RecordDestruction.status == "done")
                                .order_by(RecordDestruction.id.desc()).limit(limit)))


# -- erasure requests ------------------------------------------------------------------------


class ErasureIn(Input):
    #: "all": everything that may be removed; "marketing": marketing preferences only.
    scope: Literal[ERASURE_SCOPES] = "all"  # type: ignore[valid-type]
    #: How the request reached the clinic (a patient's own request is always "portal").
    channel: Literal[ERASURE_CHANNELS] = "in-person"  # type: ignore[valid-type]
    note: str | None = Field(default=None, max_length=300)


class RefuseIn(Input):
    reason: str = Field(min_length=3, max_length=500)


def request_erasure(session: Session, actor: Actor, patient_id: int,
                    data: ErasureIn) -> ErasureRequest:
    """Record an erasure request: the patient's own (portal) or one staff took down."""
    actor.require("erasure.request", patient_id=patient_id)
    get(session, Patient, patient_id, "patient")
    if session.scalar(select(RecordDestruction.id).where(
            RecordDestruction.patient_id == patient_id, RecordDestruction.status == "done")):
        raise Conflict("this patient's record was destroyed")
    open_one = session.scalar(select(ErasureRequest.id).where(
        ErasureRequest.patient_id == patient_id, ErasureRequest.status == "open"))
    if open_one is not None:
        raise Conflict(f"erasure request #{open_one} of this patient is still open")
    request = ErasureRequest(patient_id=patient_id, recorded_by=actor.user_id,
                             channel="portal" if actor.is_patient else data.channel,
                             scope=data.scope, note=data.note, status="open", outcome={})
    session.add(request)
    session.flush()
    audit.record(session, actor, "create", "erasure-request", request.id, patient_id,
                 detail=f"scope {request.scope}, via {request.channel}")
    return request


def requests_of(session: Session, actor: Actor, patient_id: int) -> list[ErasureRequest]:
    """A patient's erasure requests, newest first (the patient sees their own)."""
    actor.require("erasure.read", patient_id=patient_id)
    return list(session.scalars(select(ErasureRequest)
                                .where(ErasureRequest.patient_id == patient_id)
                                .order_by(ErasureRequest.id.desc())))


def list_requests(session: Session, actor: Actor, status: str | None = None,
                  limit: int = 200) -> list[ErasureRequest]:
    """Erasure requests, open ones first then newest (owner)."""
    actor.require("erasure.manage")
    query = select(ErasureRequest)
    if status:
        query = query.where(ErasureRequest.status == status)
    opened = case((ErasureRequest.status == "open", 0), else_=1)
    return list(session.scalars(query.order_by(opened, ErasureRequest.id.desc())
                                .limit(min(limit, 1000))))


def read_request(session: Session, actor: Actor, request_id: int) -> ErasureRequest:
    request = get(session, ErasureRequest, request_id, "erasure request")
    actor.require("erasure.read", patient_id=request.patient_id)
    return request


def refuse(session: Session, actor: Actor, request_id: int, data: RefuseIn) -> ErasureRequest:
    """Refuse an open request with the reason the patient is given (owner)."""
    actor.require("erasure.manage")
    request = _open_request(session, request_id)
    request.status, request.refusal_reason = "refused", data.reason
    request.processed_at, request.processed_by = utcnow(), actor.user_id
    audit.record(session, actor, "refuse", "erasure-request", request.id, request.patient_id)
    return request


def _open_request(session: Session, request_id: int) -> ErasureRequest:
    request = session.get(ErasureRequest, request_id, with_for_update=True)
    if request is None:
        get(session, ErasureRequest, None, "erasure request")  # raises the 404
    assert request is not None
    if request.status != "open":
        raise Conflict(f"erasure request #{request_id} is already {request.status}")
    return request


#: Contact details an erasure removes, with the words the outcome uses for them.
CONTACT_FIELDS = {
    "email": "e-mail", "phone": "phone", "mobile": "mobile",
    "emergency_contact_name": "emergency contact", "emergency_contact_phone":
    "emergency contact", "emergency_contact_relationship": "emergency contact",
    "preferred_name": "preferred name", "pronouns": "pronouns", "language": "language",
    "admin_note": "front-desk remark",
}
ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "region", "postal_code",
                  "country")
PREFERENCES = ("marketing_opt_in", "reminders_email", "reminders_sms")
#: Consents to be contacted by a channel: withdrawn (a row added, history kept).
CONTACT_CONSENTS = ("email", "sms")
FINAL_CLAIM_STATUSES = ("paid", "denied")

WHY_CLINICAL = ("clinical record kept for its retention period (GDPR Art. 17(3)(b) and (c): "
                "a legal obligation and the provision of health care)")
WHY_FINANCIAL = "financial record kept for its retention period (tax and accounting law)"


def _counts(session: Session, patient_id: int) -> dict[str, int]:
    """What the patient's kept record holds, in one query."""
    def n(model: Any, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    note_ids = select(Note.id).where(Note.patient_id == patient_id)
    row = session.execute(select(
        n(Note, Note.patient_id == patient_id, Note.signed_at.is_not(None)).label("signed"),
        n(Note, Note.patient_id == patient_id, Note.signed_at.is_(None)).label("drafts"),
        n(NoteAddendum, NoteAddendum.note_id.in_(note_ids)).label("addenda"),
        n(MeasureResult, MeasureResult.patient_id == patient_id).label("measures"),
        n(Case, Case.patient_id == patient_id).label("cases"),
        n(Appointment, Appointment.patient_id == patient_id).label("appointments"),
        n(Invoice, Invoice.patient_id == patient_id).label("invoices"),
        n(Payment, Payment.patient_id == patient_id).label("payments"),
        n(Claim, Claim.patient_id == patient_id).label("claims"),
        n(Claim, Claim.patient_id == patient_id,
          Claim.status.not_in(FINAL_CLAIM_STATUSES)).label("open_claims"),
        n(Coverage, Coverage.patient_id == patient_id).label("coverages"),
        n(Consent, Consent.patient_id == patient_id).label("consents"),
    )).one()
    return dict(row._mapping)


def _erase_marketing(patient: Patient) -> dict[str, Any]:
    removed = []
    if patient.marketing_opt_in:
        patient.marketing_opt_in = False
        removed.append({"item": "marketing consent (opt-in)", "count": 1})
    return {"removed": removed, "kept": [
        {"item": "everything else", "count": None,
         "why": "the request asked to stop marketing only"}]}


def _erase_all(session: Session, actor: Actor, patient: Patient, request_id: int,
               now: datetime) -> dict[str, Any]:
    pid = patient.id
    removed: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    counts = _counts(session, pid)

    cleared = sorted({CONTACT_FIELDS[f] for f in CONTACT_FIELDS if getattr(patient, f)})
    for name in CONTACT_FIELDS:
        setattr(patient, name, None)
    patient.email_key = patient.phone_key = patient.phone_tail_key = None
    address = [f for f in ADDRESS_FIELDS if getattr(patient, f)]
    if address and counts["open_claims"]:
        kept.append({"item": "postal address", "count": 1,
                     "why": "an insurance claim still open needs the patient's address; "
                            "remove it once the claim is settled"})
    elif address:
        for name in ADDRESS_FIELDS:
            setattr(patient, name, None)
        cleared.append("postal address")
    if cleared:
        removed.append({"item": "contact details: " + ", ".join(cleared),
                        "count": len(cleared)})
    preferences = [p for p in PREFERENCES if getattr(patient, p)]
    for name in PREFERENCES:
        setattr(patient, name, False)
    if preferences:
        removed.append({"item": "marketing and reminder preferences",
                        "count": len(preferences)})
    granted: dict[str, bool] = {}
    for kind, was in session.execute(select(Consent.kind, Consent.granted)
                                     .where(Consent.patient_id == pid,
                                            Consent.kind.in_(CONTACT_CONSENTS))
                                     .order_by(Consent.recorded_at, Consent.id)):
        granted[kind] = was
    withdrawn = [k for k, g in granted.items() if g]
    session.add_all(Consent(patient_id=pid, kind=k, granted=False, recorded_by=actor.user_id,
                            note=f"withdrawn by erasure request #{request_id}")
                    for k in withdrawn)
    if withdrawn:
        removed.append({"item": "consents to be contacted (withdrawn)",
                        "count": len(withdrawn)})
    patient.active = False

    users = list(session.scalars(select(User.id).where(User.patient_id == pid)))
    if users:
        tokens = session.execute(delete(ApiToken).where(ApiToken.user_id.in_(users))).rowcount
        removed.append({"item": "portal account (sign-in closed)",
                        "count": _close_accounts(session, users, "erased")})
        if tokens:
            removed.append({"item": "API tokens", "count": tokens})
    session.execute(delete(WaitlistOffer).where(WaitlistOffer.patient_id == pid))
    requests = session.execute(delete(OnlineBookingRequest).where(
        OnlineBookingRequest.patient_id == pid)).rowcount
    if requests:
        removed.append({"item": "online booking requests", "count": requests})
    invitations = session.execute(delete(PortalInvitation).where(
        PortalInvitation.patient_id == pid)).rowcount
    if invitations:  # they name the address the link went to
        removed.append({"item": "portal invitations", "count": invitations})
    waiting = session.execute(delete(WaitlistEntry).where(
        WaitlistEntry.patient_id == pid)).rowcount
    if waiting:
        removed.append({"item": "waitlist entries", "count": waiting})
    # Messages hold the address they went to and the patient's name: queued ones would
    # reach an erased patient, sent ones are a copy of their contact details.
    messages = session.execute(delete(OutboxMessage).where(
        OutboxMessage.patient_id == pid)).rowcount
    if messages:
        removed.append({"item": "messages to the patient (queued and sent)",
                        "count": messages})
    future = and_(Appointment.patient_id == pid, Appointment.start_at > now,
                  Appointment.status.in_(("booked", "confirmed")))
    documented = or_(exists().where(Note.appointment_id == Appointment.id),
                     exists().where(Invoice.appointment_id == Appointment.id))
    dropped = session.execute(delete(Appointment).where(future, not_(documented))).rowcount
    if dropped:
        removed.append({"item": "future appointments", "count": dropped})
    unused = and_(Coverage.patient_id == pid,
                  ~exists().where(Invoice.coverage_id == Coverage.id),
                  ~exists().where(Claim.coverage_id == Coverage.id),
                  ~exists().where(Case.coverage_id == Coverage.id))
    coverages = session.execute(delete(Coverage).where(unused)).rowcount
    if coverages:
        removed.append({"item": "insurance coverages no kept record uses", "count": coverages})

    kept.append({"item": "name, birth date, sex and gender identity", "count": None,
                 "why": "they identify the kept clinical and financial records"})
    policy = current_policy(session)
    rows = _last_dates(session, patient_ids=[pid])
    until = clinical_until(policy, rows[0].last_contact, rows[0].birth_date) if rows else None
    clinical_why = WHY_CLINICAL + (f", until {until.isoformat()}" if until else "")
    for key, item, why in (
        ("signed", "signed notes", clinical_why),
        ("addenda", "note addenda", clinical_why),
        ("measures", "outcome-measure results", clinical_why),
        ("cases", "cases (episodes of care)", clinical_why),
        ("drafts", "draft notes", "a draft documents a visit that took place: its "
                                  "practitioner signs or discards it"),
        ("invoices", "invoices", WHY_FINANCIAL),
        ("payments", "payments", WHY_FINANCIAL),
        ("claims", "insurance claims", WHY_FINANCIAL),
    ):
        if counts[key]:
            kept.append({"item": item, "count": counts[key], "why": why})
    remaining = counts["appointments"] - dropped
    if remaining:
        kept.append({"item": "past and documented appointments", "count": remaining,
                     "why": clinical_why})
    if counts["coverages"] - coverages:
        kept.append({"item": "insurance coverages of kept cases, invoices or claims",
                     "count": counts["coverages"] - coverages, "why": WHY_FINANCIAL})
    kept.append({"item": "consent history", "count": counts["consents"] + len(withdrawn),
                 "why": "proof of what the patient agreed to and when"})
    kept.append({"item": "audit log", "count": None,
                 "why": "append-only record of access (HIPAA 45 CFR 164.312(b)); it holds "
                        "ids, never content"})
    return {"removed": removed, "kept": kept,
            "retained_until": until.isoformat() if until else None}


def process(session: Session, actor: Actor, request_id: int,
            now: datetime | None = None) -> ErasureRequest:
    """Carry out an open erasure request in the caller's one transaction (owner): remove
    what may be removed, keep what the law requires, and record both with the reasons."""
    actor.require("erasure.manage")
    request = _open_request(session, request_id)
    patient = session.get(Patient, request.patient_id, with_for_update=True)
    if patient is None:
        raise Conflict(f"patient {request.patient_id} no longer exists")
    now = now or utcnow()
    if request.scope == "marketing":
        outcome = _erase_marketing(patient)
    else:
        outcome = _erase_all(session, actor, patient, request.id, now)
    request.status, request.outcome = "completed", outcome
    request.processed_at, request.processed_by = now, actor.user_id
    session.flush()
    summary = ", ".join(f"{i['item'].split(':')[0]} {i['count']}" for i in outcome["removed"])
    audit.record(session, actor, "erase", "patient", patient.id, patient.id,
                 detail=f"erasure request #{request.id}: removed {summary or 'nothing'}")
    return request
