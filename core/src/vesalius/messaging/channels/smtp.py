"""E-mail over SMTP with the standard library, one connection reused across a batch.

``VESALIUS_SMTP_URL`` says where and how:

- ``smtp://user:password@mail.example.org:587``: STARTTLS (required: the password never
  goes in the clear), then AUTH. Default port 587 when a user is given.
- ``smtps://user:password@mail.example.org:465``: TLS from the first byte, then AUTH.
  Default port 465.
- ``smtp://localhost:25``: plain, no AUTH: a relay on the same machine or network. Default
  port 25. Add ``?starttls=yes`` to require STARTTLS without a password.

User and password are URL-encoded (``@`` is ``%40``). Certificates are checked against the
system's authorities, or ``VESALIUS_SMTP_CAFILE`` (a PEM file) for a private one.
``VESALIUS_MAIL_FROM`` is the sender, e.g. ``Riverside Physio <reception@example.org>``.
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from . import (
    ChannelDown,
    ChannelSettingsError,
    Outgoing,
    PermanentFailure,
    TemporaryFailure,
    UncertainFailure,
    short,
)

TIMEOUT = 30.0  # seconds for connecting and for each reply
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP  # readable in any mail client's source view, unlike base64
_WIRE = compat32.clone(linesep="\r\n")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    user: str | None
    password: str | None
    mail_from: str
    cafile: str | None = None

    @property
    def label(self) -> str:
        how = "TLS" if self.implicit_tls else "STARTTLS" if self.starttls else "plain"
        return f"SMTP {self.host}:{self.port} ({how}{', AUTH' if self.user else ''})"


def parse_url(url: str, mail_from: str, cafile: str | None = None) -> SmtpSettings:
    """Settings from ``VESALIUS_SMTP_URL`` (see the module's docstring)."""
    name = "VESALIUS_SMTP_URL"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ChannelSettingsError(f"{name}: {exc}") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ChannelSettingsError(
            f"{name}: give smtp://user:password@host:587 (STARTTLS), "
            "smtps://user:password@host:465 (TLS) or smtp://host:25 (a local relay)")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if user and password is None:
        raise ChannelSettingsError(f"{name}: a user needs a password (user:password@host)")
    implicit = parts.scheme == "smtps"
    wanted = parse_qs(parts.query).get("starttls", [""])[0].lower()
    if wanted not in ("", "yes", "no"):
        raise ChannelSettingsError(f"{name}: starttls is yes or no")
    if wanted == "no" and user:
        raise ChannelSettingsError(f"{name}: a password is never sent without TLS")
    starttls = not implicit and (bool(user) or wanted == "yes" or port == 587)
    if port is None:
        port = 465 if implicit else 587 if user else 25
    if not parseaddr(mail_from)[1] or "@" not in parseaddr(mail_from)[1]:
        raise ChannelSettingsError(
            "VESALIUS_MAIL_FROM: give the sender's address, e.g. "
            "'Riverside Physio <reception@example.org>'")
    return SmtpSettings(host=parts.hostname, port=port, implicit_tls=implicit,
                        starttls=starttls, user=user, password=password,
                        mail_from=mail_from, cafile=cafile)


def settings_from_env(env: Mapping[str, str]) -> SmtpSettings | None:
    url = env.get("VESALIUS_SMTP_URL", "").strip()
    if not url:
        return None
    mail_from = env.get("VESALIUS_MAIL_FROM", "").strip()
    if not mail_from:
        raise ChannelSettingsError("VESALIUS_MAIL_FROM: set the sender's address "
                                   "(VESALIUS_SMTP_URL is set)")
    return parse_url(url, mail_from, env.get("VESALIUS_SMTP_CAFILE") or None)


def _failure(code: int, reply: bytes | str, stage: str) -> TemporaryFailure | PermanentFailure:
    words = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    text = short(f"SMTP {code} at {stage}: {words}")
    # 4xx: the server asks to try later; 5xx (and anything odd): it will not take it.
    return TemporaryFailure(text) if 400 <= code < 500 else PermanentFailure(text)


def _attached(item: Mapping[str, str]) -> Message:
    """A text attachment (a confirmation's .ics: ``text/calendar; method=PUBLISH``)."""
    maintype, _, rest = item["content_type"].partition("/")
    subtype, *params = (p.strip() for p in rest.split(";"))
    part = MIMENonMultipart(maintype, subtype, **dict(p.split("=", 1) for p in params if p))
    part.set_payload(item["text"], _UTF8)
    part.add_header("Content-Disposition", "attachment", filename=item["filename"])
    return part


class SmtpChannel:
    name = "email"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.label = settings.label
        self._conn: smtplib.SMTP | None = None
        self._domain = parseaddr(settings.mail_from)[1].rpartition("@")[2]

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.cafile)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            conn: smtplib.SMTP
            if s.implicit_tls:
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=self._tls())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
                if s.starttls:
                    conn.starttls(context=self._tls())
            if s.user:
                conn.login(s.user, s.password or "")
        # Whatever goes wrong before a message is handed over is the channel's trouble, not
        # the message's: the run stops using it, the rows wait (with backoff) until fixed.
        except smtplib.SMTPAuthenticationError as exc:
            raise ChannelDown(short(f"SMTP login refused ({exc.smtp_code})")) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise ChannelDown(short(f"SMTP server: {exc}")) from None
        except ssl.SSLCertVerificationError as exc:
            raise ChannelDown(short(f"SMTP TLS certificate: {exc.verify_message}")) from None
        except smtplib.SMTPResponseException as exc:
            raise ChannelDown(str(_failure(exc.smtp_code, exc.smtp_error, "connect"))
                              ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelDown(short(f"SMTP connection to {s.host}:{s.port}: "
                                    f"{type(exc).__name__} {exc}")) from None
        return conn

    def _envelope(self, message: Outgoing) -> Message:
        # The compat32 MIME classes: several times cheaper per message than EmailMessage's
        # header objects, which counts at ten thousand reminders.
        text = MIMENonMultipart("text", "plain")
        text.set_payload(message.body_text, _UTF8)  # sets the charset and the encoding
        mail: Message = text
        if message.body_html:
            html = MIMENonMultipart("text", "html")
            html.set_payload(message.body_html, _UTF8)
            mail = MIMEMultipart("alternative", _subparts=[text, html])
        if message.attachments:
            mail = MIMEMultipart("mixed", _subparts=[mail, *map(_attached, message.attachments)])
        name, address = parseaddr(self.settings.mail_from)
        mail["From"] = formataddr((name, address), "utf-8")
        mail["To"] = message.recipient
        subject = message.subject or ""
        mail["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
        mail["Date"] = formatdate(localtime=False)
        # Stable per row: the same row can never look like two different messages.
        tag = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:16]
        mail["Message-ID"] = f"<outbox-{message.id}.{tag}@{self._domain}>"
        mail["Auto-Submitted"] = "auto-generated"
        return mail

    def send(self, message: Outgoing) -> None:
        if self._conn is None:
            self._conn = self._connect()
        conn = self._conn
        sender = parseaddr(self.settings.mail_from)[1]
        # CRLF line ends (RFC 5321 2.3.8): smtplib sends bytes as they are, and a server
        # reads bare LF text as one line (refused past 1,000 octets, or as smuggling).
        data = self._envelope(message).as_bytes(policy=_WIRE)
        try:
            conn.ehlo_or_helo_if_needed()
            code, reply = conn.mail(sender)
            if code != 250:
                raise _failure(code, reply, "MAIL FROM")
            code, reply = conn.rcpt(message.recipient)
            if code not in (250, 251):
                raise _failure(code, reply, "RCPT TO")
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            # Nothing was handed over yet: safe to try again.
            self._drop()
            raise TemporaryFailure(short(f"SMTP connection lost: {type(exc).__name__}")
                                   ) from None
        except (TemporaryFailure, PermanentFailure):
            self._reset()
            raise
        try:
            code, reply = conn.data(data)
        except smtplib.SMTPDataError as exc:  # refused before the content went
            self._reset()
            raise _failure(exc.smtp_code, exc.smtp_error, "DATA") from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise UncertainFailure(short(
                f"SMTP connection lost while the message was being handed over "
                f"({type(exc).__name__}): it may have arrived")) from None
        if code != 250:
            self._reset()
            raise _failure(code, reply, "end of DATA")

    def _reset(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()
