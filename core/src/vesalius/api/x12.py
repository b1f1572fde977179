"""Routes: X12 for US payers. A claim's 837P (text), the clinic's billing-provider details
for 837P files, 835 remittances posted, and the worklist of 835 answers not posted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Response
from pydantic import Field

from ..errors import NotFound
from ..services.common import Input
from ..x12 import export, posting, settings
from .framework import Call, route
from .schemas import Out


class X12SettingsOut(Out):
    organisation_name: str
    npi: str
    tax_id: str
    taxonomy_code: str | None
    address_line1: str
    city: str
    state: str
    postal_code: str
    submitter_id: str
    contact_name: str
    contact_phone: str
    receiver_name: str
    receiver_id: str
    test_mode: bool


@route("GET", "/x12/settings", permission="claims.read", response=X12SettingsOut, tag="x12")
def read_x12_settings(call: Call) -> object:
    """The clinic's billing-provider, submitter and receiver details for 837P files (404
    until the owner sets them)."""
    row = settings.read(call.session, call.actor)
    if row is None:
        raise NotFound("the clinic's X12 details are not set: PUT /api/v1/x12/settings")
    return row


@route("PUT", "/x12/settings", permission="settings.write", body=settings.X12SettingsIn,
       response=X12SettingsOut, tag="x12")
def save_x12_settings(call: Call) -> object:
    """Set the billing provider (name, NPI, EIN, address with ZIP+4, taxonomy), the
    submitter id and contact, the receiver, and test or production mode."""
    return settings.save(call.session, call.actor, call.body)


@route("GET", "/claims/<int:claim_id>/x12-837p", permission="claims.read", tag="x12",
       media="text/plain")
def claim_837p(call: Call, claim_id: int) -> object:
    """The claim's 837P (005010X222A1) as ``text/plain``. The claim keeps its status (mark
    it submitted yourself); the control number used is recorded and never used again
    (header ``X-Interchange-Control-Number``). 422 names each claim field that breaks a
    rule (NPI check digit, ZIP+4, diagnosis pointers, ICD-10 form, balancing...)."""
    made = export.one_claim(call.session, call.actor, claim_id)
    response = Response(made.text, mimetype="text/plain")
    response.headers["X-Interchange-Control-Number"] = made.interchange.control_number
    response.headers["Content-Disposition"] = (
        f'attachment; filename="837p-{made.interchange.control_number}.txt"')
    return response


class RemittanceIn(Input):
    #: The 835 as received (one interchange, ISA to IEA).
    x12: str = Field(min_length=106, max_length=5_000_000)


class RemittanceAdjustmentOut(Out):
    procedure: str | None
    claim_line_id: int | None
    group_code: str
    reason_code: str
    amount: Decimal


class RemittanceClaimOut(Out):
    id: int
    remittance_id: int
    claim_id: int | None
    claim_reference: str
    status_code: str
    billed: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    payer_claim_number: str
    #: posted, duplicate (posted from an earlier 835), unmatched or refused (the worklist).
    outcome: str
    reason: str | None
    payment_id: int | None
    resolved_at: datetime | None = None
    resolution: str | None = None
    adjustments: list[RemittanceAdjustmentOut]


class RemittanceOut(Out):
    id: int
    sender_id: str
    interchange_control: str
    trace_number: str
    payer_name: str
    total_paid: Decimal
    payment_method: str
    paid_on: date | None
    claim_count: int
    posted_count: int
    created_at: datetime
    #: True when this 835 had been imported before: nothing changed.
    duplicate: bool = False
    claims: list[RemittanceClaimOut]


@route("POST", "/remittances", permission="claims.write", body=RemittanceIn,
       response=RemittanceOut, status=201, tag="x12")
def import_remittance(call: Call) -> object:
    """Post an 835 (``{"x12": "ISA*..."}``): payments, adjustments (CAS group and reason
    stored), patient responsibility and claim states; what cannot be posted goes to the
    worklist. The same file again changes nothing (``duplicate`` is true)."""
    result = posting.import_835(call.session, call.actor, call.body.x12)
    out = RemittanceOut.model_validate(posting.with_claims(call.session,
                                                           result.remittance.id))
    return out.model_copy(update={"duplicate": result.duplicate})


@route("GET", "/remittances/worklist", permission="claims.read",
       response=list[RemittanceClaimOut], tag="x12")
def remittance_worklist(call: Call) -> object:
    """835 answers not posted: no claim with that number, or the claim could not take them
    (``reason`` says why); oldest first."""
    return posting.worklist(call.session, call.actor)


@route("POST", "/remittances/worklist/<int:row_id>/resolve", permission="claims.write",
       body=posting.ResolveIn, response=RemittanceClaimOut, tag="x12")
def resolve_remittance_row(call: Call, row_id: int) -> object:
    """Take an 835 answer off the worklist, saying what was done about it (posted by hand,
    not the clinic's, asked the payer)."""
    return posting.resolve(call.session, call.actor, row_id, call.body)
