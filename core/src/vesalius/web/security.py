"""The one gate every page passes: CSRF, sign-in, role and permission, security headers.

Deny by default (OWASP ASVS 5.0, 8.2.1): a view is reachable only when it is
marked :func:`public` or declares a permission of the core's one permission table
(:mod:`vesalius.permissions`) with :func:`requires`; anything else answers 403. Blueprints
that authenticate by themselves (the JSON API's bearer tokens) are left to their own check.
Patient-scoped records are authorised per request by the services (``Actor.require`` with
the record's patient), never by an "active patient" kept in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    before_render_template,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from ..errors import ServiceError
from ..permissions import PATIENT, PERMISSIONS, STAFF, allowed
from ..services import audit
from .context import actor, current_user, db, finish_request

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Who may open a view besides holding its permission.
AUDIENCES = ("staff", "patient", "any")
#: Pack blueprints (``/packs/<pack>/``) need this unless they set ``vesalius_permission``.
PACK_DEFAULT_PERMISSION = "notes.write"

csrf = CSRFProtect()

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def requires(permission: str, *, audience: str = "staff") -> Callable[[F], F]:
    """Declare the permission (and who: staff, patient or any signed-in user) a view needs."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}: add it to vesalius.permissions")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")

    def mark(view: F) -> F:
        view.vesalius_permission = permission  # type: ignore[attr-defined]
        view.vesalius_audience = audience  # type: ignore[attr-defined]
        return view

    return mark


def accepts_upload(max_bytes: int, message: str) -> Callable[[F], F]:
    """Let a view's form carry a file up to ``max_bytes`` (the app's body limit stays for
    everything else, and for anyone who may not use the view); ``message`` is the 413's."""

    def mark(view: F) -> F:
        view.vesalius_max_body = max_bytes  # type: ignore[attr-defined]
        view.vesalius_too_large = message  # type: ignore[attr-defined]
        return view

    return mark


def _upload_limit(endpoint: str) -> None:
    """Raise the body limit for an upload view, before the CSRF check reads the form, but
    only for a signed-in user whose role holds the view's permission: strangers never get
    to send the big body."""
    view = current_app.view_functions.get(endpoint)
    limit = getattr(view, "vesalius_max_body", None)
    user = current_user()
    if limit and user is not None and allowed(user.role,
                                              getattr(view, "vesalius_permission", "")):
        request.max_content_length = limit


def signed_in(view: F) -> F:
    """A view any signed-in user may open (their own account, sign-out)."""
    view.vesalius_permission = "*signed-in"  # type: ignore[attr-defined]
    view.vesalius_audience = "any"  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """A view open without signing in (login, health check). Keep this list short."""
    view.vesalius_public = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    # A browser's page request (or */*) gets HTML; fetch() calls ask for JSON.
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def _self_authenticating() -> frozenset[str]:
    return frozenset(current_app.config.get("VESALIUS_SELF_AUTH_BLUEPRINTS", ()))


def _view_rule(endpoint: str) -> tuple[bool, str | None, str]:
    """(public, permission, audience) of an endpoint, from the view or its pack blueprint."""
    view = current_app.view_functions[endpoint]
    if getattr(view, "vesalius_public", False):
        return True, None, "any"
    permission = getattr(view, "vesalius_permission", None)
    audience = getattr(view, "vesalius_audience", "staff")
    blueprint = current_app.blueprints.get(request.blueprint or "")
    if permission is None and blueprint is not None and getattr(
            blueprint, "vesalius_pack", False):
        permission = getattr(blueprint, "vesalius_permission", PACK_DEFAULT_PERMISSION)
    return False, permission, audience


def is_public_endpoint(endpoint: str) -> bool:
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "vesalius_public", False))


def guard() -> Response | None:
    """``before_request``: refuse anything not explicitly allowed."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route matched: the 404/405 handler answers
    if request.blueprint in _self_authenticating():
        return None
    if request.method not in SAFE_METHODS:
        _upload_limit(endpoint)
        csrf.protect()  # raises CSRFError -> 400 (ASVS 3.5.1)
    if endpoint == "static" or endpoint.endswith(".static"):
        return None
    is_public, permission, audience = _view_rule(endpoint)
    if is_public:
        return None
    blueprint = current_app.blueprints.get(request.blueprint or "")
    if getattr(blueprint, "vesalius_pack", False):
        from .context import registry

        if request.blueprint not in registry().enabled:
            return _error(404, "There is nothing here.")
    user = current_user()
    if user is None:
        if wants_json() or request.method not in SAFE_METHODS:
            return _error(401, "Please sign in.")
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target))
    if permission is None:
        return _deny(endpoint, "no permission declared")
    if audience == "staff" and user.role not in STAFF:
        return _deny(endpoint, "staff page")
    if audience == "patient" and user.role != PATIENT:
        return _deny(endpoint, "portal page")
    if permission != "*signed-in" and not actor().can(permission):
        return _deny(endpoint, permission)
    if user.role in STAFF:
        from .context import registry

        registry()  # keep this worker on the clinic's packs (re-read every few seconds)
    return None


def _deny(endpoint: str, why: str) -> Response:
    audit.record(db(), actor(), "deny", "route", detail=f"{endpoint}: {why}"[:300],
                 outcome="denied")
    return _error(403, "You do not have access to this page.")


def _error(status: int, message: str) -> Response:
    """A generic error page or JSON body: never any patient data (ASVS 16.5.1)."""
    if wants_json():
        response = jsonify({"error": message})
    else:
        response = Response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response


def headers(response: Response) -> Response:
    """``after_request``: security headers on every response (ASVS 3.4)."""
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h["X-Content-Type-Options"] = "nosniff"
    h["X-Frame-Options"] = "DENY"
    h["Referrer-Policy"] = "same-origin"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h["Cross-Origin-Resource-Policy"] = "same-origin"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.is_secure:
        h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint and (request.endpoint == "static" or request.endpoint.endswith(
            ".static")):
        h.setdefault("Cache-Control", "public, max-age=3600")
    else:
        h["Cache-Control"] = "no-store"  # pages carry patient data (ASVS 14.3.2)
        h["Pragma"] = "no-cache"
    return response


def install(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # guard() checks, in one place
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # bound by the session's own timeouts
    app.config.setdefault("WTF_CSRF_HEADERS", ["X-CSRFToken"])
    csrf.init_app(app)
    app.before_request(guard)
    app.after_request(headers)
    app.teardown_request(finish_request)

    def release(_sender: Any, **_extra: Any) -> None:
        # The view's work is done when it renders: commit now, so SQLite's write lock is
        # not held while the template is drawn (a lazy load in the template begins anew).
        vdb = g.get("_vdb")
        if vdb is not None and vdb.in_transaction():
            vdb.commit()

    before_render_template.connect(release, app, weak=False)

    @app.after_request
    def _commit(response: Response) -> Response:
        # Commit before the response leaves, so a failed commit is a 500, not a lost write.
        finish_request(None)
        return response

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Response:
        return _error(400, "This form has expired or was not sent from this site. "
                           "Reload the page and try again.")

    @app.errorhandler(ServiceError)
    def _service(exc: ServiceError) -> Response:
        from .context import rollback

        rollback()
        return _error(exc.status, exc.message if exc.status != 403 else
                      "You do not have access to this record.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        if request.blueprint in _self_authenticating():
            return exc  # type: ignore[return-value]
        from .context import rollback

        rollback()
        messages = {
            404: "There is nothing here.",
            405: "This page does not accept that kind of request.",
            413: "That upload is too large.",
            429: "Too many attempts. Wait a few minutes and try again.",
        }
        status = exc.code or 500
        if status == 413 and request.endpoint:  # an upload view names its own limit
            view = current_app.view_functions.get(request.endpoint)
            messages[413] = getattr(view, "vesalius_too_large", messages[413])
        return _error(status, messages.get(status, exc.description or "Something went wrong."))

    # The API answers its own 404/405/413 in JSON; every other path gets the page below.
    for code in (404, 405, 413):
        previous = dict(app.error_handler_spec.get(None, {}).get(code, {}))

        def page_or_api(exc: HTTPException, _previous: dict[Any, Any] = previous) -> Any:
            if request.blueprint in _self_authenticating() or request.path.startswith("/api/"):
                handler = next(iter(_previous.values()), None)
                return handler(exc) if handler else exc
            return _http(exc)

        app.register_error_handler(code, page_or_api)

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return _http(exc)
        app.logger.exception("unhandled error on %s", request.endpoint)
        from .context import rollback

        rollback()
        return _error(500, "Something went wrong on our side. The error was logged.")

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"current_user": current_user(), "session_expired": session.get("_expired")}
