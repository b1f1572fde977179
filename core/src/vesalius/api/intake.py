"""Routes: intake forms and measures sent to a patient before a visit."""

from __future__ import annotations

from datetime import datetime

from flask import request

from ..services import intake
from .framework import Call, route
from .schemas import Out


class IntakeRequestOut(Out):
    """A request as staff see it: what was asked and where it stands (never the answers:
    they are read in the visit's note)."""

    id: int
    appointment_id: int
    patient_id: int
    template_id: str | None
    sections: list[str]
    measures: list[str]
    status: str
    expires_at: datetime
    saved_at: datetime | None
    submitted_at: datetime | None
    note_id: int | None


class IntakeSentOut(IntakeRequestOut):
    #: The link with its token, shown this once (only its hash is stored).
    link: str
    #: Messages queued (0: the patient takes neither e-mail nor SMS; hand them the link).
    queued: int


@route("POST", "/appointments/<int:appointment_id>/intake-requests",
       permission="intake.send", body=intake.SendIn, response=IntakeSentOut, status=201,
       tag="intake")
def send_intake(call: Call, appointment_id: int) -> object:
    """Send the appointment's patient sections of a note template and outcome measures to
    fill before the visit (a measure whose wording may not be shown is refused, saying why)."""
    sent = intake.send(call.session, call.actor, appointment_id, call.body, request.url_root)
    out = IntakeRequestOut.model_validate(sent.request).model_dump()
    return IntakeSentOut(**out, link=sent.link, queued=sent.queued)


@route("GET", "/appointments/<int:appointment_id>/intake-requests", permission="intake.read",
       response=list[IntakeRequestOut], tag="intake")
def appointment_intake(call: Call, appointment_id: int) -> object:
    """The intake requests sent for an appointment and where each stands."""
    return intake.of_appointment(call.session, call.actor, appointment_id)
