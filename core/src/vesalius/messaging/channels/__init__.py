"""The ways a message leaves the clinic: e-mail over SMTP (``smtp``) and SMS through an HTTP
provider (``sms``). A channel sends one outbox row at a time and says how a failure stands,
in its own words (a server's reply, a provider's error): never the message's content.

Configured from the environment (documented in the README, "Running the worker in
production"): ``VESALIUS_SMTP_URL`` and ``VESALIUS_MAIL_FROM`` for e-mail, ``VESALIUS_SMS_URL``
and ``VESALIUS_SMS_FROM`` for SMS. A channel that is not configured is not used: its rows
wait, pending, until it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """What a channel needs of one outbox row (read before the network call, so no database
    session is held open across it)."""

    id: int
    kind: str
    recipient: str
    subject: str | None
    body_text: str
    body_html: str | None
    dedupe_key: str
    #: Files sent with an e-mail: ``{"filename", "content_type", "text"}`` each.
    attachments: tuple[dict[str, str], ...] = ()


class SendFailure(Exception):
    """A message that did not go. ``str()`` is the channel's own words, kept on the row."""


class TemporaryFailure(SendFailure):
    """Not sent, and worth trying again later (a busy server, a network that is down)."""


class ChannelDown(TemporaryFailure):
    """The channel cannot be reached at all (no connection, refused at greeting): the run
    stops using it and puts back what it had claimed for it, untouched."""


class PermanentFailure(SendFailure):
    """Not sent, and trying again would not help (a refused address, bad credentials)."""


class UncertainFailure(SendFailure):
    """The connection broke after the message was handed over: it may have arrived. Never
    retried by itself (at most once); someone checks with the patient first."""


class ChannelSettingsError(ValueError):
    """A channel setting that cannot be used, naming the variable."""


class Channel(Protocol):
    name: str
    #: Where it sends, for the worker's start-up line (no credentials).
    label: str

    def send(self, message: Outgoing) -> None:
        """Send one message, or raise a :class:`SendFailure`."""

    def close(self) -> None:
        """Let go of a connection kept across a batch."""


def factories(env: Mapping[str, str] | None = None) -> dict[str, Callable[[], Channel]]:
    """The configured channels ("email", "sms") as factories of fresh channels; settings are
    checked now, so a malformed one fails at start-up, not at the first message."""
    from . import sms, smtp

    env = os.environ if env is None else env
    found: dict[str, Callable[[], Channel]] = {}
    email = smtp.settings_from_env(env)
    if email is not None:
        found["email"] = lambda: smtp.SmtpChannel(email)
    text = sms.settings_from_env(env)
    if text is not None:
        found["sms"] = lambda: sms.TwilioChannel(text)
    return found


def short(text: str, limit: int = 500) -> str:
    """A failure's words as kept on the row (the column holds 500 characters)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
