"""The owner's pages of the messages to patients: every kind the clinic sends (the core's
and the packs' and features' own, as registered), its variables, an editor of its
templates per language with a preview against sample data (live, and by a button without
JavaScript), reset to the default, and the reminder schedule and default language. The
rules are :mod:`vesalius.messaging.templates`'."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..messaging import kinds, notices, templates
from ..messaging.dates import LANGUAGES
from ..messaging.render import Rendered
from .context import actor, db, rollback
from .forms import FormError, parse, service_errors
from .security import requires

bp = Blueprint("messages_admin", __name__, url_prefix="/admin/messages")

# Importing the module registers the core's kinds (features register theirs on import).
KINDS_MODULE = notices.__name__


def _kind(key: str) -> kinds.MessageKind:
    try:
        return kinds.get(key)
    except KeyError:
        abort(404)


def _language(language: str) -> str:
    if language not in LANGUAGES:
        abort(404)
    return language


def _errors(exc: ServiceError) -> dict[str, str]:
    if exc.status in (403, 404):
        raise exc
    return service_errors(exc).errors


@bp.route("/")
@requires("settings.write")
def index() -> str:
    current = templates.settings(db())
    form = {"reminder_hours": ", ".join(str(h) for h in current.reminder_hours),
            "default_language": current.default_language}
    return _index(form, {})


def _index(form: dict[str, Any], errors: dict[str, str]) -> str:
    return render_template("admin/messages.html", kinds=kinds.all_kinds(),
                           overridden=templates.overridden(db()), languages=LANGUAGES,
                           form=form, errors=errors,
                           max_hours=templates.MAX_REMINDER_HOURS,
                           max_reminders=templates.MAX_REMINDERS)


def _hours(text: str) -> list[Any]:
    """"48, 2" -> [48, 2]; what is not a whole number is passed on for the model to
    refuse in words."""
    out: list[Any] = []
    for item in text.replace(";", ",").split(","):
        item = item.strip().removesuffix("h").strip()
        if item:
            out.append(int(item) if item.isdigit() else item)
    return out


@bp.route("/settings", methods=["POST"])
@requires("settings.write")
def save_settings() -> Response | tuple[str, int]:
    form = {"reminder_hours": request.form.get("reminder_hours", ""),
            "default_language": request.form.get("default_language", "")}
    try:
        data = parse(templates.SettingsIn, {"reminder_hours": _hours(form["reminder_hours"]),
                                            "default_language": form["default_language"]})
        templates.set_settings(db(), actor(), data)
    except FormError as exc:
        rollback()
        errors = {k.split(".")[0]: v for k, v in exc.errors.items()}
        return _index(form, errors), 422
    except ServiceError as exc:
        rollback()
        return _index(form, _errors(exc)), 422
    flash("Message settings saved. Visits booked before keep the reminders queued for "
          "them.", "success")
    return redirect(url_for("messages_admin.index"))


def _parts(kind: kinds.MessageKind) -> tuple[str, ...]:
    return ("subject", "text", "sms") if kind.sms is not None else ("subject", "text")


def _submitted(kind: kinds.MessageKind) -> dict[str, str]:
    # Browsers send text areas' line ends as CRLF; the templates keep plain newlines.
    return {part: request.form.get(part, "").replace("\r\n", "\n")
            for part in _parts(kind)}


def _editor(kind: kinds.MessageKind, language: str, form: dict[str, str],
            errors: dict[str, str], preview: Rendered | None) -> str:
    defaults = templates.defaults(kind, language)
    clinic = templates.clinic_templates(db(), kind.key, language)
    return render_template(
        "admin/message_edit.html", kind=kind, language=language, languages=LANGUAGES,
        parts=_parts(kind), form=form, errors=errors, preview=preview,
        defaults=defaults, clinic=clinic,
        untranslated=language != "en" and language not in kind.translations)


@bp.route("/<key>/<language>")
@requires("settings.write")
def edit(key: str, language: str) -> str:
    kind, language = _kind(key), _language(language)
    form = templates.defaults(kind, language) | templates.clinic_templates(db(), kind.key,
                                                                           language)
    try:
        preview = templates.check(kind, language, {p: form[p] for p in _parts(kind)})
        errors: dict[str, str] = {}
    except ServiceError as exc:  # a default that no longer renders: say so, do not fail
        preview, errors = None, _errors(exc)
    return _editor(kind, language, form, errors, preview)


@bp.route("/<key>/<language>", methods=["POST"])
@requires("settings.write")
def save(key: str, language: str) -> Response | tuple[str, int]:
    kind, language = _kind(key), _language(language)
    form = _submitted(kind)
    previewing = request.form.get("action") == "preview"
    try:
        if previewing:
            preview = templates.check(kind, language, form)
        else:
            templates.save(db(), actor(), kind.key, language, form)
    except ServiceError as exc:
        rollback()
        return _editor(kind, language, form, _errors(exc), None), 422
    if previewing:
        return _editor(kind, language, form, {}, preview), 200
    flash(f"{kind.label} ({LANGUAGES[language]}) saved.", "success")
    return redirect(url_for("messages_admin.edit", key=kind.key, language=language))


@bp.route("/<key>/<language>/preview", methods=["POST"])
@requires("settings.write")
def preview(key: str, language: str) -> tuple[Response, int]:
    """The live preview: the sample message, or the refusal naming the part."""
    kind, language = _kind(key), _language(language)
    try:
        rendered = templates.check(kind, language, _submitted(kind))
    except ServiceError as exc:
        return jsonify({"errors": _errors(exc), "message": exc.message}), 422
    return jsonify(rendered.model_dump()), 200


@bp.route("/<key>/<language>/reset", methods=["POST"])
@requires("settings.write")
def reset(key: str, language: str) -> Response:
    kind, language = _kind(key), _language(language)
    if templates.reset(db(), actor(), kind.key, language):
        flash(f"{kind.label} ({LANGUAGES[language]}) is back to the default.", "success")
    return redirect(url_for("messages_admin.edit", key=kind.key, language=language))
