"""The JSON API's plumbing: one decorator declares a route with its permission, request and
response models; the dispatcher authenticates the bearer token, checks the permission
table, validates input (422 naming the field), runs the view in one unit of work, and turns
every failure into ``{"error": ..., "field": ...}`` without a stack trace.

The same declarations produce the OpenAPI document (:mod:`vesalius.api.openapi`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DataError, IntegrityError, InternalError, OperationalError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from ..db import Database
from ..db.replica import on_primary, report_session
from ..errors import Forbidden, Invalid, NotFound, ServiceError, TooMany, Unauthorized
from ..permissions import PERMISSIONS
from ..services import audit, storage_health, users
from ..services.actor import Actor
from ..services.common import INT_MAX, check_fields, check_values, raw_problem

log = logging.getLogger("vesalius.api")

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@dataclass
class Endpoint:
    method: str
    rule: str
    view: Callable[..., Any]
    permission: str | None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    summary: str = ""
    tags: tuple[str, ...] = ()
    path_params: tuple[str, ...] = field(default_factory=tuple)
    #: What a successful answer is: JSON, or a text the view returns as a ``Response``.
    media: str = "application/json"
    #: Error answers a public route (no token) documents: status -> description.
    errors: dict[str, str] = field(default_factory=dict)
    #: A read-only report: its reads may come from the read replica (``db.replica``).
    replica: bool = False


ENDPOINTS: list[Endpoint] = []

#: Deepest nesting of arrays and objects a JSON body may have (Python's parser recurses).
MAX_JSON_DEPTH = 64
#: The ids a path names: ``Integer`` primary keys, 32-bit on PostgreSQL.
ID_MIN, ID_MAX = 1, INT_MAX


class IdConverter(IntegerConverter):
    """``<int:...>`` in the app's rules (every one names a record, in the API and the pages):
    ASCII digits only (an Arabic-Indic digit matches no rule: 404). A number outside the id
    range becomes 0, an id no row has, so the view answers 404 as for any missing record
    instead of overflowing a database column (and the rule still matches: no 405)."""

    regex = "[0-9]+"
    weight = 50

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if ID_MIN <= number <= ID_MAX else 0

    def to_url(self, value: Any) -> str:
        return str(int(value))


@dataclass
class Call:
    """What a view receives: the request's session and actor, and its parsed input."""

    session: Session
    actor: Actor
    body: Any = None
    query: Any = None


def database() -> Database:
    return current_app.extensions["vesalius.db"]  # type: ignore[no-any-return]


def route(method: str, rule: str, *, permission: str | None, body: type[BaseModel] | None = None,
          query: type[BaseModel] | None = None, response: Any = None, status: int = 200,
          summary: str = "", tag: str = "", media: str = "application/json",
          errors: dict[str, str] | None = None, replica: bool = False,
          ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an API route. ``permission`` must be in the permission table (``None`` only
    for the public routes: the OpenAPI document, the online-booking slots); ``errors``
    documents a public route's error answers; ``replica`` marks a read-only report whose
    reads may come from the read replica (``VESALIUS_DATABASE_REPLICA_URL``)."""
    if permission is not None and permission not in PERMISSIONS:
        raise ValueError(f"route {method} {rule}: unknown permission {permission!r}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        import re

        endpoint = Endpoint(method, rule, view, permission, body, query, response, status,
                            summary or (view.__doc__ or "").strip().split("\n")[0],
                            (tag,) if tag else (),
                            tuple(re.findall(r"<(?:\w+:)?(\w+)>", rule)), media,
                            dict(errors or {}), replica)
        ENDPOINTS.append(endpoint)

        def flask_view(**path: Any) -> Response | tuple[Response, int]:
            return dispatch(endpoint, path)

        bp.add_url_rule(rule, endpoint=f"{view.__name__}_{method.lower()}",
                        view_func=flask_view, methods=[method])
        return view

    return decorate


def error(status: int, message: str, field: str | None = None,
          details: list[dict[str, object]] | None = None,
          cause: str | None = None) -> tuple[Response, int]:
    body: dict[str, object] = {"error": message, "field": field}
    if details:
        body["details"] = details
    if cause:
        body["cause"] = cause
    response = jsonify(body)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vesalius"'
    return response, status


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _validation(exc: ValidationError) -> tuple[Response, int]:
    problems = [{"field": _loc(tuple(e["loc"])),
                 "message": e["msg"].removeprefix("Value error, ")}
                for e in exc.errors(include_url=False)]
    first = problems[0]
    return error(422, f"{first['field']}: {first['message']}", str(first["field"]), problems)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (strings skipped)."""
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", _STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _strings(value: Any, where: str) -> None:
    """Refuse text neither database stores (NUL, unpaired surrogates), naming its place."""
    if isinstance(value, str):
        if problem := raw_problem(str, value):
            raise Invalid(f"{where}: {problem}", field=where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(key, where)
            _strings(item, f"{where}.{key}" if where not in ("body", "query") else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _strings(item, f"{where}[{i}]")


def _json_body() -> Any:
    """The request's JSON document: 413 above ``MAX_CONTENT_LENGTH`` (werkzeug), 422 when
    it is not JSON or nests deeper than :data:`MAX_JSON_DEPTH`."""
    if not request.is_json:
        raise Invalid("send a JSON object (Content-Type: application/json)", field="body")
    text = request.get_data(as_text=True)  # raises 413 above the configured limit
    if json_depth(text) > MAX_JSON_DEPTH:
        raise Invalid(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels",
                      field="body")
    try:
        payload = json.loads(text)
    except ValueError:
        raise Invalid("the body is not valid JSON", field="body") from None
    _strings(payload, "body")
    return payload


def _query(model: type[BaseModel]) -> BaseModel:
    args = request.args.to_dict()
    _strings(args, "query")
    check_fields(model, args)
    query = model.model_validate(args)
    check_values(query)
    return query


def _origin() -> tuple[str | None, str | None]:
    return request.remote_addr, request.headers.get("User-Agent")


def _token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send a bearer token: Authorization: Bearer <token>")
    return token.strip()


def _serialise(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_serialise(v) for v in value]
    return value


def _convert(response_model: Any, value: Any) -> Any:
    """Validate a view's result against the declared response model (ORM rows included)."""
    if response_model is None or isinstance(value, BaseModel):
        return value
    if get_origin(response_model) is list:
        (item,) = get_args(response_model)
        return [v if isinstance(v, BaseModel) else item.model_validate(v) for v in value]
    return response_model.model_validate(value)


def dispatch(endpoint: Endpoint, path: dict[str, Any]) -> Response | tuple[Response, int]:
    db = database()
    ip, agent = _origin()
    actor: Actor | None = None
    try:
        body = query = None
        with report_session(db) if endpoint.replica else db.session() as session:
            # Who asks is settled before what they send is read: 401/403 come first.
            if endpoint.permission is None:
                actor = Actor.system("anonymous")
            else:
                with on_primary(session):  # a revoked token is refused at once
                    actor = users.actor_for_token(session, _token(), ip, agent)
                if not actor.can(endpoint.permission):  # role check; services check scope
                    raise Forbidden(f"your role ({actor.role}) may not do this "
                                    f"({endpoint.permission})")
            if any(value == 0 for key, value in path.items() if key.endswith("_id")):
                raise NotFound("no record with this id (ids are 1 to 2147483647)")
            if endpoint.body is not None:
                body = endpoint.body.model_validate(_json_body())
            if endpoint.query is not None:
                query = _query(endpoint.query)
            result = endpoint.view(Call(session, actor, body, query), **path)
            if isinstance(result, Response):  # a text answer (an X12 file), made by the view
                return result
            payload = _serialise(_convert(endpoint.response, result))
        if endpoint.status == 204:
            return Response(status=204)
        return jsonify(payload), endpoint.status
    except ValidationError as exc:
        return _validation(exc)
    except Forbidden as exc:
        if actor is not None:
            _audit_denied(db, actor, endpoint)
        return error(exc.status, exc.message, exc.field)
    except ServiceError as exc:
        answer = error(exc.status, exc.message, exc.field, exc.details or None)
        if isinstance(exc, TooMany):
            answer[0].headers["Retry-After"] = str(exc.retry_after)
        return answer
    except IntegrityError:
        log.warning("integrity error on %s %s", endpoint.method, endpoint.rule)
        return error(409, "the change conflicts with existing records")
    except HTTPException as exc:  # 413 from the body limit
        return error(exc.code or 400, _http_message(exc))
    except DataError as exc:  # a value the column cannot hold that the models let through
        log.warning("data error on %s %s: %s", endpoint.method, endpoint.rule,
                    type(exc.orig).__name__)
        return error(422, "a value is too long or out of range for the database")
    except (OperationalError, InternalError) as exc:
        if refused := storage_health.cause(exc):  # disk full, read-only: say so (507/503)
            storage_health.remember(db.url, refused, f"{request.method} {request.path}")
            return error(storage_health.STATUS[refused], storage_health.MESSAGES[refused],
                         cause=refused)
        if isinstance(exc, InternalError):
            log.exception("unexpected error on %s %s", endpoint.method, endpoint.rule)
            return error(500, "internal error")
        log.error("database unavailable on %s %s: %s", endpoint.method, endpoint.rule,
                  type(exc.orig).__name__)
        return error(503, "the database is busy or unavailable; try again")
    except Exception:  # never a stack trace to the client
        log.exception("unexpected error on %s %s", endpoint.method, endpoint.rule)
        return error(500, "internal error")


def _audit_denied(db: Database, actor: Actor, endpoint: Endpoint) -> None:
    """A refused request is written down in its own transaction (the request's rolled back)."""
    try:
        with db.session() as session:
            audit.record(session, actor, "denied", "api", None, actor.patient_id,
                         detail=f"{endpoint.method} {endpoint.rule}"[:300], outcome="denied")
    except Exception:  # the refusal stands even when the audit store is down
        log.exception("could not audit a denied request")


def _http_message(exc: HTTPException) -> str:
    if exc.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return (f"the request body is larger than the limit of {limit} bytes"
                if limit else "the request body is too large")
    return exc.description or exc.name


def install_error_handlers(app: Any) -> None:
    """JSON 404/405/413 for API paths; other paths keep the app's own handlers. The id
    converter replaces ``int`` here, before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter

    def handle(exc: HTTPException) -> Any:
        if request.path.startswith(bp.url_prefix or "/api/"):
            return error(exc.code or 500, _http_message(exc))
        return exc

    for code in (404, 405, 413):
        app.register_error_handler(code, handle)
