"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1) that keeps what it receives.

Self-contained (no other test helper imported), so any test can use it:

- core/tests/clinic: ``from clinic_mail import mail_server`` (a pytest fixture) or
  ``with running_mail_server() as mail: ...``;
- tests/browser and elsewhere: load it by path, e.g. ``importlib.util.spec_from_file_location(
  "clinic_mail", ROOT / "core/tests/clinic/clinic_mail.py")``.

Point the clinic at it with ``VESALIUS_SMTP_URL=mail.url`` (``smtp://127.0.0.1:PORT``, plain:
a local relay) and read ``mail.messages`` (``email.message.EmailMessage``), or
``mail.wait_for(n)``. ``mail.refuse("451 4.3.0 Try again later")`` makes it answer DATA with
that reply (``times=`` how many messages, None: until ``mail.accept()``); ``mail.delay`` slows
each message down (to stop a worker mid-batch). ``tls="starttls"`` or ``"implicit"`` with
``login=(user, password)`` serves TLS with a throw-away self-signed certificate
(``mail.cafile`` to trust it) and requires AUTH.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Received(NamedTuple):  # not a dataclass: the module may be loaded by path
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        """Parsed when read (the bench receives thousands it never reads whole)."""
        return message_from_bytes(self.raw, policy=default)  # type: ignore[return-value]


class MailServer:
    """The collecting handler and its controls (thread-safe: aiosmtpd runs in a thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self.received: list[Received] = []
        self.refusals: list[str] = []  # replies given instead of accepting
        self._refusal: str | None = None
        self._refuse_times: int | None = None
        self.delay = 0.0
        self.host = "127.0.0.1"
        self.port = 0
        self.scheme = "smtp"
        self.login: tuple[str, str] | None = None
        self.cafile: str | None = None

    @property
    def url(self) -> str:
        auth = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"{self.scheme}://{auth}{self.host}:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]

    def refuse(self, reply: str, times: int | None = None) -> None:
        with self._lock:
            self._refusal, self._refuse_times = reply, times

    def accept(self) -> None:
        self.refuse("", None)
        with self._lock:
            self._refusal = None

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.refusals.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once at least ``count`` have arrived (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.received)} of {count} messages arrived")
                self._arrived.wait(left)
            return [r.message for r in self.received]

    # -- aiosmtpd's handler hooks ------------------------------------------------------------
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            if self._refusal is not None:
                reply = self._refusal
                self.refusals.append(reply)
                if self._refuse_times is not None:
                    self._refuse_times -= 1
                    if self._refuse_times <= 0:
                        self._refusal = self._refuse_times = None
                return reply
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos),
                                          bytes(envelope.content)))
            self._arrived.notify_all()
        return "250 2.0.0 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and self.login is not None
              and (auth_data.login.decode(), auth_data.password.decode()) == self.login)
        return AuthResult(success=ok, handled=False)


def _self_signed(folder: Path) -> tuple[str, str]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@contextmanager
def running_mail_server(tls: str | None = None, login: tuple[str, str] | None = None
                        ) -> Iterator[MailServer]:
    """An SMTP server on a free port of 127.0.0.1 for the duration of the block."""
    mail = MailServer()
    mail.port = free_port()
    mail.login = login
    kwargs: dict[str, Any] = {}
    if login:
        # With implicit TLS the whole connection is encrypted, but aiosmtpd only counts
        # STARTTLS as TLS for AUTH (and warns when AUTH is required without it): there AUTH
        # is offered and checked, not required.
        tls_auth = tls == "starttls"
        kwargs.update(authenticator=mail.authenticate, auth_require_tls=tls_auth,
                      auth_required=tls_auth)
    with tempfile.TemporaryDirectory() as folder:
        if tls:
            cert, key = _self_signed(Path(folder))
            mail.cafile = cert
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            if tls == "implicit":
                mail.scheme = "smtps"
                kwargs["ssl_context"] = context
            elif tls == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                raise ValueError("tls is 'starttls', 'implicit' or None")
        controller = Controller(mail, hostname=mail.host, port=mail.port,
                                server_hostname="127.0.0.1", **kwargs)
        controller.start()
        try:
            yield mail
        finally:
            controller.stop()


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A plain SMTP server on 127.0.0.1 that keeps what it receives (``mail_server.url``)."""
    with running_mail_server() as mail:
        yield mail
