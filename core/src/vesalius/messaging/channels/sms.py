"""SMS through an HTTP provider with Twilio's REST shape (the Messages resource): ``POST
{base}/2010-04-01/Accounts/{account}/Messages.json`` with the form fields ``To``, ``From``
and ``Body``, HTTP basic auth with the account and its token, 201 with the message's JSON
when accepted, an error JSON (``code``, ``message``) when not.

``VESALIUS_SMS_URL`` is ``https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com`` (the base: another
host for a provider with the same API, or a local server in the tests) and
``VESALIUS_SMS_FROM`` the sending number in E.164 form (``+15551234567``).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlencode, urlsplit

from . import (
    ChannelDown,
    ChannelSettingsError,
    Outgoing,
    PermanentFailure,
    TemporaryFailure,
    UncertainFailure,
    short,
)

TIMEOUT = 30.0


@dataclass(frozen=True)
class SmsSettings:
    base: str  # scheme://host[:port][/path], no credentials
    account: str
    token: str
    sender: str

    @property
    def label(self) -> str:
        return f"SMS via {self.base} from {self.sender}"

    @property
    def endpoint(self) -> str:
        return f"{self.base}/2010-04-01/Accounts/{quote(self.account, safe='')}/Messages.json"


def settings_from_env(env: Mapping[str, str]) -> SmsSettings | None:
    url = env.get("VESALIUS_SMS_URL", "").strip()
    if not url:
        return None
    name = "VESALIUS_SMS_URL"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ChannelSettingsError(f"{name}: {exc}") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ChannelSettingsError(f"{name}: give https://ACCOUNT_SID:AUTH_TOKEN@host")
    if not parts.username or not parts.password:
        raise ChannelSettingsError(f"{name}: the account and its token are missing "
                                   "(https://ACCOUNT_SID:AUTH_TOKEN@host)")
    sender = env.get("VESALIUS_SMS_FROM", "").strip()
    if not (sender.startswith("+") and sender[1:].isdigit() and 8 <= len(sender) <= 16):
        raise ChannelSettingsError("VESALIUS_SMS_FROM: give the sending number in E.164 "
                                   "form, e.g. +15551234567")
    host = f"{parts.hostname}:{port}" if port else parts.hostname
    return SmsSettings(base=f"{parts.scheme}://{host}{parts.path.rstrip('/')}",
                       account=unquote(parts.username), token=unquote(parts.password),
                       sender=sender)


def _provider_words(status: int, payload: bytes) -> str:
    """The provider's error code and message (its words), else the HTTP status."""
    try:
        error = json.loads(payload)
        return short(f"SMS provider {status}: {error.get('code', '')} {error['message']}")
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"SMS provider answered HTTP {status}"


class TwilioChannel:
    name = "sms"

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings
        self.label = settings.label
        token = f"{settings.account}:{settings.token}".encode()
        self._auth = "Basic " + base64.b64encode(token).decode()

    def send(self, message: Outgoing) -> None:
        form = urlencode({"To": message.recipient, "From": self.settings.sender,
                          "Body": message.body_text}).encode()
        request = urllib.request.Request(
            self.settings.endpoint, data=form, method="POST",
            headers={"Authorization": self._auth, "Accept": "application/json",
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                answer.read()
        except urllib.error.HTTPError as exc:
            words = _provider_words(exc.code, exc.read())
            # Throttled or the provider's own trouble: later. Anything else it refused.
            if exc.code == 429 or exc.code >= 500:
                raise TemporaryFailure(words) from None
            raise PermanentFailure(words) from None
        except urllib.error.URLError as exc:  # no connection: nothing was handed over
            raise ChannelDown(short(f"SMS provider unreachable: {exc.reason}")) from None
        except (TimeoutError, OSError) as exc:
            raise UncertainFailure(short(
                f"SMS provider did not answer ({type(exc).__name__}): it may have "
                "been sent")) from None

    def close(self) -> None:
        """Each request is its own connection: nothing kept."""
