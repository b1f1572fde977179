"""Routes: the clinic's retention periods, the report of records past them, destroying
those records, and erasure requests (owner; a patient files and follows their own)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..models.retention import ERASURE_STATUSES
from ..services import retention
from .framework import Call, route
from .schemas import Out


class DestructionOut(Out):
    id: int
    patient_id: int
    reason: str
    destroyed_at: datetime
    destroyed_by: int | None
    last_contact: date
    retained_until: date
    policy: dict[str, Any]
    removed: dict[str, int]


class ErasureOut(Out):
    id: int
    patient_id: int
    requested_at: datetime
    recorded_by: int | None
    channel: str
    scope: str
    note: str | None
    status: str
    processed_at: datetime | None
    processed_by: int | None
    outcome: dict[str, Any]
    refusal_reason: str | None


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: The day to judge on (default today): a later day previews what will be due then.
    as_of: date | None = None


class ErasureQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal[ERASURE_STATUSES] | None = None  # type: ignore[valid-type]


@route("GET", "/retention/policy", permission="retention.manage", response=retention.Policy,
       tag="retention")
def read_policy(call: Call) -> object:
    """The clinic's retention periods (the defaults until the owner sets them)."""
    return retention.read_policy(call.session, call.actor)


@route("PUT", "/retention/policy", permission="retention.manage", body=retention.PolicyIn,
       response=retention.Policy, tag="retention")
def set_policy(call: Call) -> object:
    """Set the clinic's retention periods (whole years)."""
    return retention.set_policy(call.session, call.actor, call.body)


@route("GET", "/retention/report", permission="retention.manage", query=ReportQuery,
       response=retention.Report, tag="retention")
def report(call: Call) -> object:
    """Patients whose whole record (clinical and financial) is past its retention period."""
    return retention.destroyable(call.session, call.actor, as_of=call.query.as_of)


@route("POST", "/retention/destructions", permission="retention.manage",
       body=retention.DestroyIn, response=list[DestructionOut], status=201, tag="retention")
def destroy(call: Call) -> object:
    """Destroy the records of the patients named, all or none: 409 when any is still
    inside its retention period (judged today)."""
    return retention.destroy(call.session, call.actor, call.body)


@route("GET", "/retention/destructions", permission="retention.manage",
       response=list[DestructionOut], tag="retention")
def destructions(call: Call) -> object:
    """The register of destroyed records, newest first."""
    return retention.destructions(call.session, call.actor)


@route("POST", "/patients/<int:patient_id>/erasure-requests", permission="erasure.request",
       body=retention.ErasureIn, response=ErasureOut, status=201, tag="retention")
def request_erasure(call: Call, patient_id: int) -> object:
    """Record an erasure request (a patient's own is recorded as made on the portal)."""
    return retention.request_erasure(call.session, call.actor, patient_id, call.body)


@route("GET", "/patients/<int:patient_id>/erasure-requests", permission="erasure.read",
       response=list[ErasureOut], tag="retention")
def patient_requests(call: Call, patient_id: int) -> object:
    """A patient's erasure requests and their status, newest first."""
    return retention.requests_of(call.session, call.actor, patient_id)


@route("GET", "/erasure-requests", permission="erasure.manage", query=ErasureQuery,
       response=list[ErasureOut], tag="retention")
def list_requests(call: Call) -> object:
    """Erasure requests, open ones first."""
    return retention.list_requests(call.session, call.actor, call.query.status)


@route("POST", "/erasure-requests/<int:request_id>/process", permission="erasure.manage",
       response=ErasureOut, tag="retention")
def process_request(call: Call, request_id: int) -> object:
    """Carry out an open request in one transaction; the outcome lists what was removed
    and what was kept, and why."""
    return retention.process(call.session, call.actor, request_id)


@route("POST", "/erasure-requests/<int:request_id>/refuse", permission="erasure.manage",
       body=retention.RefuseIn, response=ErasureOut, tag="retention")
def refuse_request(call: Call, request_id: int) -> object:
    """Refuse an open request, with the reason given to the patient."""
    return retention.refuse(call.session, call.actor, request_id, call.body)
