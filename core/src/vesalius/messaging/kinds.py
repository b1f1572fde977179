"""The kinds of message the clinic sends. Each is data: a key, people words for the admin
page, and default templates (Jinja, rendered in a sandbox) the clinic may override. A
module that sends a kind registers it at import; ``all_kinds`` lists them for the admin."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,39}$")]


class MessageKind(BaseModel):
    """One kind of message, e.g. the appointment reminder.

    ``subject`` and ``text`` are the e-mail's templates, ``sms`` the text message's (kept
    short: one or two SMS segments); ``variables`` names, with a short description each,
    what the templates may use, so the admin page can list them and a clinic's edit that
    uses anything else is refused. None of them may be clinical content.

    ``transactional`` marks a message the patient needs whatever their reminder
    preferences (a cancellation, a receipt): its e-mail goes to the address on file even
    when they turned e-mail reminders off (SMS still needs their SMS preference and
    consent). ``translations`` holds default templates in other languages: language tag
    ("fr") -> part ("subject", "text", "sms") -> template; a part left out falls back to
    the English one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: Key
    label: Annotated[str, Field(min_length=3, max_length=80)]
    description: Annotated[str, Field(min_length=10, max_length=300)]
    subject: Annotated[str, Field(min_length=1, max_length=300)]
    text: Annotated[str, Field(min_length=1)]
    sms: Annotated[str, Field(min_length=1, max_length=480)] | None = None
    variables: dict[str, str] = Field(default_factory=dict)
    transactional: bool = False
    translations: dict[str, dict[Literal["subject", "text", "sms"], str]] = Field(
        default_factory=dict)


_KINDS: dict[str, MessageKind] = {}


def register(kind: MessageKind) -> MessageKind:
    """Add ``kind``; registering the same key twice with other content is an error (two
    modules would fight over its templates)."""
    known = _KINDS.get(kind.key)
    if known is not None and known != kind:
        raise ValueError(f"message kind {kind.key!r} is registered already")
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> MessageKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise KeyError(f"no message kind {key!r}") from None


def all_kinds() -> list[MessageKind]:
    return sorted(_KINDS.values(), key=lambda k: k.label)
