"""Public routes of online booking: the online services and their free slots. No token:
anyone may ask, so the answers carry nobody's data, and each client address has a budget
of requests per minute (429 with ``Retry-After`` when it is spent)."""

from __future__ import annotations

from flask import request

from ..services import public_booking
from .framework import Call, route

PUBLIC_ERRORS = {
    "429": "Too many requests from this address; wait `Retry-After` seconds "
           "(`VESALIUS_PUBLIC_RATE` requests per minute, 60 unless set)",
}


def _throttle(call: Call) -> None:
    public_booking.throttle(call.session, f"public:{request.remote_addr}")


@route("GET", "/public/services", permission=None,
       response=list[public_booking.PublicService], tag="online booking",
       errors=PUBLIC_ERRORS,
       summary="The services booked online, with the practitioners who offer them. No "
               "sign-in; rate-limited per client address (429 with `Retry-After`).")
def public_services(call: Call) -> object:
    """The services booked online, with the practitioners who offer them (no sign-in)."""
    _throttle(call)
    return public_booking.online_services(call.session)


@route("GET", "/public/slots", permission=None, query=public_booking.SlotsQuery,
       response=list[public_booking.PublicSlot], tag="online booking",
       summary="Free times of an online service from `from` (default now) to `to` (default "
               "two weeks on, at most 31 days), inside working hours, breaks, buffers and "
               "the clinic's lead time and horizon; the earliest 100, for one practitioner "
               "or anyone. No sign-in and nobody's data; rate-limited per client address "
               "(429 with `Retry-After`); 404 naming `service_id` for a service not booked "
               "online, 422 naming `from` or `to`.",
       errors=PUBLIC_ERRORS | {
           "404": "`service_id` names no service booked online",
           "422": "Invalid query; `field` names it (`from`/`to`: ISO 8601 with an offset, "
                  "`to` after `from`, at most 31 days apart)"})
def public_slots(call: Call) -> object:
    """Free times of an online service (no sign-in): from ``from`` (default now) to ``to``
    (default two weeks on), inside hours, breaks, buffers, the clinic's lead time and
    horizon; the earliest 100, for one practitioner or anyone."""
    _throttle(call)
    q = call.query
    return public_booking.slots(call.session, q.service_id, q.from_, q.to,
                                q.practitioner_id)
