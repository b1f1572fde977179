"""The FHIR API's plumbing at ``/fhir/R4``: the blueprint, who asks (the JSON API's bearer
tokens), answers as ``application/fhir+json``, and every failure as an OperationOutcome
with its status (401 with ``WWW-Authenticate``, 403, 404, 400 naming the parameter), never
a stack trace.

A route is a view wrapped by :func:`fhir_route`: it gets the request's session and actor
and returns a resource (or a ready :class:`~flask.Response`); raising a
:class:`~vesalius.errors.ServiceError` answers its OperationOutcome. Other modules (Bulk
Data ``$export``) add routes to :data:`bp` the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from ..api.framework import _origin, _token, database
from ..errors import Forbidden, Invalid, ServiceError, TooMany
from ..services import audit, users
from ..services.actor import Actor

if TYPE_CHECKING:  # fhir.resources loads on the first FHIR request, not at start-up
    from fhir.resources.R4B.resource import Resource

log = logging.getLogger("vesalius.fhir")

PREFIX = "/fhir/R4"
MEDIA = "application/fhir+json"
bp = Blueprint("fhir", __name__, url_prefix=PREFIX)

#: ``_format`` values meaning JSON (``+`` arrives as a space when not escaped).
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json",
                          "application/fhir json", "fhir+json", "fhir json"})
#: OperationOutcome ``issue.code`` per status (IssueType, a required binding).
ISSUE_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
               405: "not-supported", 406: "not-supported", 409: "conflict",
               413: "too-costly", 422: "invalid", 429: "throttled", 503: "transient"}


class NotAcceptable(ServiceError):
    """A ``_format`` this server does not speak (JSON only)."""

    status = 406


#: The system of this server's own issue detail codes (``break-the-glass``).
ISSUE_SYSTEM = "urn:vesalius:fhir:issue"


def outcome(status: int, message: str, expression: str | None = None,
            code: str | None = None) -> Response:
    """An OperationOutcome answer: one error issue with the message, the parameter or
    element it is about, and our own detail ``code`` (``break-the-glass``) when there is
    one."""
    from fhir.resources.R4B.operationoutcome import OperationOutcome

    issue: dict[str, Any] = {"severity": "error" if status < 500 else "fatal",
                             "code": ISSUE_CODES.get(status, "exception"),
                             "diagnostics": message}
    if expression:
        issue["expression"] = [expression]
    if code:
        issue["details"] = {"coding": [{"system": ISSUE_SYSTEM, "code": code}]}
    response = answer(OperationOutcome(issue=[issue]), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vesalius"'
    return response


def answer(resource: Resource, status: int = 200) -> Response:
    """``resource`` as FHIR JSON (empty elements left out)."""
    return Response(resource.model_dump_json(exclude_none=True, by_alias=True),
                    status=status, mimetype=MEDIA)


def authenticate(session: Session) -> Actor:
    """The actor of the request's bearer token (:class:`~vesalius.errors.Unauthorized`
    without one, or with one unknown, revoked or expired)."""
    ip, agent = _origin()
    return users.actor_for_token(session, _token(), ip, agent)


def base_url() -> str:
    """This server's FHIR base (``https://clinic.example/fhir/R4``), for ``fullUrl``."""
    return request.host_url.rstrip("/") + PREFIX


def preferences() -> set[str]:
    """The request's ``Prefer`` preferences, lower-cased (``respond-async``,
    ``handling=lenient``); separated by commas (RFC 7240), semicolons taken alike."""
    header = request.headers.get("Prefer", "").replace(";", ",")
    return {part.strip().lower() for part in header.split(",") if part.strip()}


def _check_format() -> None:
    wanted = request.args.get("_format")
    if wanted is not None and wanted.strip().lower() not in JSON_FORMATS:
        raise NotAcceptable(f"_format {wanted!r} is not supported: this server answers JSON "
                            "(application/fhir+json)", field="_format")


def fhir_route(rule: str, *, public: bool = False, methods: tuple[str, ...] = ("GET",),
               ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add a FHIR route: ``view(session, actor, **path)`` runs in one unit of work with the
    token's actor (a system actor for a ``public`` route, which needs none) and returns a
    resource or a Response; errors become OperationOutcomes."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def flask_view(**path: Any) -> Response:
            return _dispatch(view, public, path)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=flask_view,
                        methods=list(methods))
        return view

    return decorate


def _dispatch(view: Callable[..., Any], public: bool, path: dict[str, Any]) -> Response:
    db = database()
    actor: Actor | None = None
    try:
        with db.session() as session:
            actor = Actor.system("anonymous") if public else authenticate(session)
            _check_format()
            result = view(session, actor, **path)
            response = result if isinstance(result, Response) else answer(result)
        return response
    except Forbidden as exc:
        if actor is not None:
            _audit_denied(actor)
        code = next((d.get("code") for d in exc.details if d.get("code")), None)
        return outcome(403, exc.message, exc.field, str(code) if code else None)
    except TooMany as exc:
        response = outcome(429, exc.message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except Invalid as exc:  # a bad search parameter or id: 400 naming it
        return outcome(400, exc.message, exc.field)
    except ServiceError as exc:
        return outcome(exc.status, exc.message, exc.field)
    except HTTPException as exc:
        return outcome(exc.code or 400, exc.description or exc.name)
    except OperationalError as exc:
        log.error("database unavailable on %s: %s", request.path, type(exc.orig).__name__)
        return outcome(503, "the database is busy or unavailable; try again")
    except Exception:  # never a stack trace to the client
        log.exception("unexpected error on FHIR %s", request.endpoint)
        return outcome(500, "internal error")


def _audit_denied(actor: Actor) -> None:
    """A refusal is written down in its own transaction (the request's rolled back)."""
    try:
        with database().session() as session:
            audit.record(session, actor, "denied", "fhir", None, actor.patient_id,
                         detail=f"{request.method} {request.path}"[:300], outcome="denied")
    except Exception:  # the refusal stands even when the audit store is down
        log.exception("could not audit a denied FHIR request")


def install(app: Flask) -> None:
    """Mount the FHIR blueprint; 404/405 under ``/fhir/`` answer OperationOutcomes (other
    paths keep the handlers installed before: call this after the API and the pages)."""
    from . import bulk_http, views  # noqa: F401  (register the routes)

    app.register_blueprint(bp)
    for code in (404, 405):
        previous = dict(app.error_handler_spec.get(None, {}).get(code, {}))

        def fhir_or_previous(exc: HTTPException, _previous: dict[Any, Any] = previous) -> Any:
            if request.path.startswith(PREFIX + "/") or request.path == PREFIX:
                return outcome(exc.code or 404, exc.description or exc.name)
            handler = next(iter(_previous.values()), None)
            return handler(exc) if handler else exc

        app.register_error_handler(code, fhir_or_previous)
