"""The clinic's own words: template overrides per message kind, language and part, checked
in the sandbox against sample data before they are saved, and the message settings (the
reminder schedule and the language of patients who gave none).

Which templates a message uses, for a language: the clinic's override of each part, else
the kind's default in that language (``MessageKind.translations``), else the English
default. A language the kind has no words for (no default translation and no clinic text)
falls back to English as a whole, dates included, so that a message never mixes two.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import Field, field_validator
from sqlalchemy import delete, literal, select, true
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Invalid, NotFound
from ..models.message_templates import (
    DEFAULT_LANGUAGE,
    DEFAULT_REMINDER_MINUTES,
    PARTS,
    MessageSettings,
    MessageTemplate,
)
from ..services import audit, cache
from ..services.actor import Actor
from ..services.common import Input
from . import kinds
from .dates import LANGUAGES, long_date, primary, short_date
from .render import Rendered, TemplateProblem, render

#: A reminder at most two weeks ahead and at least an hour; up to five of them.
MAX_REMINDER_HOURS, MAX_REMINDERS = 14 * 24, 5
#: Longest clinic texts: an e-mail's body; a subject is one line; an SMS, three segments.
MAX_TEXT, MAX_SUBJECT, MAX_SMS = 10_000, 300, 480

_SAMPLE_DAY = date(2030, 3, 4)
T = TypeVar("T")


def sample_context(kind: kinds.MessageKind, language: str = "en") -> dict[str, Any]:
    """Made-up values for each of ``kind``'s variables (the admin page's preview and the
    check of a clinic's edit): realistic for the names the core's kinds use, the name in
    brackets for others."""
    known: dict[str, Any] = {
        "given_name": "Alex", "date": long_date(_SAMPLE_DAY, language), "time": "09:30",
        "minutes": 45, "practitioner": "Sam Rivera", "service": "Follow-up visit",
        "location": "Main Street", "location_phone": "+1 416 555 0100",
        "location_address": "12 Main Street", "old_date": long_date(_SAMPLE_DAY, language),
        "old_time": "08:00", "amount": "85.00", "invoice_number": "1042",
        "received_on": short_date(_SAMPLE_DAY, language),
        "portal_link": "https://clinic.example.org/portal/",
        "dates": [f"{long_date(_SAMPLE_DAY, language)} 09:30",
                  f"{long_date(date(2030, 3, 11), language)} 09:30"],
        "count": 2,  # as many as the dates above
    }
    return {name: known.get(name, f"[{name}]") for name in kind.variables}


# -- settings --------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The clinic's message settings (the defaults when it set none)."""

    reminder_minutes: tuple[int, ...] = DEFAULT_REMINDER_MINUTES
    default_language: str = DEFAULT_LANGUAGE
    updated_at: datetime | None = None

    @property
    def reminder_hours(self) -> list[int]:
        return [m // 60 for m in self.reminder_minutes]


class SettingsIn(Input):
    """The reminder schedule (hours before the start, one reminder each) and the language
    of patients who gave none."""

    reminder_hours: list[int] = Field(min_length=0, max_length=MAX_REMINDERS)
    default_language: str = DEFAULT_LANGUAGE

    @field_validator("reminder_hours")
    @classmethod
    def _hours(cls, value: list[int]) -> list[int]:
        for hours in value:
            if not 1 <= hours <= MAX_REMINDER_HOURS:
                raise ValueError(f"each reminder is 1 to {MAX_REMINDER_HOURS} hours before "
                                 f"the visit ({hours} is not)")
        if len(set(value)) != len(value):
            raise ValueError("the same reminder time is listed twice")
        return sorted(value, reverse=True)

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError("choose one of: " + ", ".join(LANGUAGES))
        return value


def per_transaction(session: Session, key: str, load: Callable[[], T]) -> T:
    """``load()`` once per transaction of ``session`` (a later transaction reads again:
    another worker may have changed it)."""
    transaction = session.get_transaction()
    held = session.info.get(key)
    if held is None or held[0] is not transaction:
        held = session.info[key] = (transaction, load())
    return held[1]  # type: ignore[no-any-return]


#: The settings and every clinic override in one statement (one row per override, each
#: carrying the settings; one row of NULLs for a clinic with neither): a booking needs both.
_BOTH = (
    select(MessageSettings.reminder_minutes, MessageSettings.default_language,
           MessageSettings.updated_at, MessageSettings.id, MessageTemplate.kind,
           MessageTemplate.language, MessageTemplate.part, MessageTemplate.body)
    .select_from(select(literal(1).label("one")).subquery("one")
                 .outerjoin(MessageSettings, MessageSettings.id == 1)
                 .outerjoin(MessageTemplate, true()))
)
#: The clinic's words: parts by (kind, language).
Words = Mapping[tuple[str, str], Mapping[str, str]]
#: The tables :func:`_read` reads (each has a cache counter).
_TABLES = ("message_settings", "message_templates")


def _read(session: Session) -> tuple[Settings, Words]:
    """The settings and the clinic's words, from the database (immutable: cached)."""
    found: Settings | None = None
    words: dict[tuple[str, str], dict[str, str]] = {}
    for minutes, language, updated_at, settings_id, key, lang, part, body in session.execute(
            _BOTH):
        if found is None:
            found = Settings() if settings_id is None else Settings(
                tuple(minutes), language, updated_at)
        if key is not None:
            words.setdefault((key, lang), {})[part] = body
    return found or Settings(), MappingProxyType(
        {key: MappingProxyType(parts) for key, parts in words.items()})


def _clinic(session: Session) -> tuple[Settings, Words]:
    """The settings and the clinic's words, from this worker's memory while neither table
    changed (``services.cache``: a change by any worker or host is seen at its commit; the
    writing transaction reads its own change)."""
    return cache.cached(session, "messages.clinic", _TABLES, lambda: _read(session))


def settings(session: Session) -> Settings:
    """The settings in force (no permission: every booking reads them)."""
    return _clinic(session)[0]


def set_settings(session: Session, actor: Actor, data: SettingsIn) -> Settings:
    """Change the settings (owner: ``settings.write``); audited with what changed. Visits
    booked already keep the reminders queued for them."""
    actor.require("settings.write")
    row = session.get(MessageSettings, 1)
    if row is None:
        row = MessageSettings(id=1, reminder_minutes=list(DEFAULT_REMINDER_MINUTES),
                              default_language=DEFAULT_LANGUAGE)
        session.add(row)
    minutes = [h * 60 for h in data.reminder_hours]
    changed = [name for name, old, new in (
        ("reminder schedule", list(row.reminder_minutes), minutes),
        ("default language", row.default_language, data.default_language)) if old != new]
    row.reminder_minutes, row.default_language = minutes, data.default_language
    if changed:
        row.updated_by, row.updated_at = actor.user_id, utcnow()
        session.flush()
        audit.record(session, actor, "update", "message-settings", 1, None,
                     detail="changed: " + ", ".join(changed))
    return settings(session)


def language_of(session: Session, tag: str | None) -> str:
    """The supported language for a patient's BCP-47 tag, else the clinic's default."""
    return primary(tag) or settings(session).default_language


# -- which templates a message uses ----------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """The templates a message uses: its language, the kind's defaults in that language
    (over the English ones) and the clinic's overrides on top."""

    language: str
    defaults: Mapping[str, str]
    clinic: Mapping[str, str]

    @property
    def overrides(self) -> dict[str, str]:
        return {**self.defaults, **self.clinic}


def choose(session: Session, kind: kinds.MessageKind, language: str) -> Choice:
    """The templates of ``kind`` in ``language`` (English when the kind has no words in
    it: neither defaults nor the clinic's text)."""
    words = _clinic(session)[1]
    clinic = words.get((kind.key, language), {})
    if language != "en" and language not in kind.translations and not clinic:
        language = "en"  # no words in that language for this kind: English throughout
        clinic = words.get((kind.key, language), {})
    return Choice(language, dict(kind.translations.get(language, {})), dict(clinic))


def render_with(kind: kinds.MessageKind, choice: Choice, context: Mapping[str, Any]
                ) -> Rendered:
    """Render with the clinic's words; should they fail on a real message (a variable
    its caller did not give, say) the kind's defaults are used rather than losing it."""
    try:
        return render(kind, context, choice.overrides)
    except TemplateProblem:
        if not choice.clinic:
            raise
        return render(kind, context, choice.defaults)


# -- the clinic's edits ----------------------------------------------------------------


def _kind(key: str) -> kinds.MessageKind:
    try:
        return kinds.get(key)
    except KeyError:
        raise NotFound(f"no message kind {key!r}") from None


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise Invalid("choose one of: " + ", ".join(LANGUAGES), field="language")
    return language


def check(kind: kinds.MessageKind, language: str, parts: Mapping[str, str]) -> Rendered:
    """Render ``kind`` with ``parts`` (the clinic's edit; parts left out keep their
    default) against sample data in the sandbox: :class:`Invalid` naming the part, and the
    variable, of a template that does not render; the rendered sample otherwise."""
    limits = {"subject": MAX_SUBJECT, "text": MAX_TEXT, "sms": MAX_SMS}
    for part, body in parts.items():
        if part not in PARTS:
            raise Invalid(f"no part {part!r}: use one of {', '.join(PARTS)}", field="part")
        if part == "sms" and kind.sms is None:
            raise Invalid("this message is not sent by SMS", field="sms")
        if not body.strip():
            raise Invalid(f"{part}: write the template, or reset it to the default",
                          field=part)
        if len(body) > limits[part]:
            raise Invalid(f"{part}: at most {limits[part]} characters", field=part)
    overrides = {**kind.translations.get(language, {}), **parts}
    try:
        rendered = render(kind, sample_context(kind, language), overrides)
    except TemplateProblem as exc:
        message = str(exc)
        if "is undefined" in message:
            message += ("; this message's variables are: " + ", ".join(kind.variables)
                        if kind.variables else "; this message has no variables")
        raise Invalid(message, field=exc.field) from None
    if rendered.sms is not None and len(rendered.sms) > MAX_SMS:
        raise Invalid(f"sms: the sample message is {len(rendered.sms)} characters; keep it "
                      f"under {MAX_SMS}", field="sms")
    return rendered


def clinic_templates(session: Session, kind_key: str, language: str) -> dict[str, str]:
    """The clinic's overrides of one kind in one language, by part."""
    return dict(session.execute(
        select(MessageTemplate.part, MessageTemplate.body)
        .where(MessageTemplate.kind == kind_key, MessageTemplate.language == language)).all())


def overridden(session: Session) -> dict[str, set[str]]:
    """Which kinds the clinic rewrote, in which languages (the admin page's list)."""
    found: dict[str, set[str]] = {}
    for key, lang in session.execute(select(MessageTemplate.kind, MessageTemplate.language)
                                     .distinct()):
        found.setdefault(key, set()).add(lang)
    return found


def defaults(kind: kinds.MessageKind, language: str) -> dict[str, str]:
    """The kind's own templates in ``language`` (English for a part it has not)."""
    base = {"subject": kind.subject, "text": kind.text}
    if kind.sms is not None:
        base["sms"] = kind.sms
    return base | {k: v for k, v in kind.translations.get(language, {}).items() if k in base}


def save(session: Session, actor: Actor, kind_key: str, language: str,
         parts: Mapping[str, str]) -> Rendered:
    """Save the clinic's templates of ``kind_key`` in ``language`` after :func:`check`;
    a part equal to the default is stored as no override. Audited (which parts, never
    the text)."""
    actor.require("settings.write")
    kind, language = _kind(kind_key), _language(language)
    rendered = check(kind, language, parts)
    base = defaults(kind, language)
    existing = {row.part: row for row in session.scalars(
        select(MessageTemplate).where(MessageTemplate.kind == kind.key,
                                      MessageTemplate.language == language))}
    changed = []
    for part, body in parts.items():
        row = existing.get(part)
        if body.strip() == base.get(part, "").strip():
            if row is not None:
                session.delete(row)
                changed.append(part)
            continue
        if row is None:
            session.add(MessageTemplate(kind=kind.key, language=language, part=part,
                                        body=body, updated_by=actor.user_id))
            changed.append(part)
        elif row.body != body:
            row.body, row.updated_by, row.updated_at = body, actor.user_id, utcnow()
            changed.append(part)
    if changed:
        session.flush()
        audit.record(session, actor, "update", "message-template", None, None,
                     detail=f"{kind.key} ({language}): {', '.join(sorted(changed))}")
    return rendered


def reset(session: Session, actor: Actor, kind_key: str, language: str) -> int:
    """Back to the default templates of ``kind_key`` in ``language``; audited."""
    actor.require("settings.write")
    kind, language = _kind(kind_key), _language(language)
    result = session.execute(delete(MessageTemplate).where(
        MessageTemplate.kind == kind.key, MessageTemplate.language == language))
    removed = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if removed:
        audit.record(session, actor, "reset", "message-template", None, None,
                     detail=f"{kind.key} ({language}): back to the default")
    return removed
