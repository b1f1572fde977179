"""Device cookies: how a browser that signed in to an account before is recognised (OWASP
Cheat Sheet Series, "Slowing down online guessing attacks with device cookies").

The cookie ``vesalius-device-<user id>`` (``__Host-`` prefixed over HTTPS) holds
``<user id>.<nonce>.<HMAC-SHA256 of both>``, keyed by the app's secret: it cannot be
guessed or moved to another account. The server keeps the nonce's hash with an expiry in
``web_trusted_devices``, so a device cookie can be withdrawn; each sign-in replaces it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..db.types import utcnow
from ..models import User
from .models import TrustedDevice

LIFETIME = timedelta(days=90)
#: Cookies looked at per request (a shared front-desk browser holds one per person).
MAX_COOKIES = 20


def _prefix() -> str:
    return "__Host-vesalius-device-" if request.is_secure else "vesalius-device-"


def _signature(user_id: int, nonce: str) -> str:
    key = hashlib.sha256(b"vesalius device cookie\0"
                         + str(current_app.secret_key).encode()).digest()
    return hmac.new(key, f"{user_id}.{nonce}".encode(), hashlib.sha256).hexdigest()


def _nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def presented() -> dict[str, int]:
    """The authentic device cookies of this request: nonce hash -> user id."""
    found: dict[str, int] = {}
    prefix = _prefix()
    for name, value in list(request.cookies.items())[:200]:
        if not name.startswith(prefix) or len(found) >= MAX_COOKIES or len(value) > 200:
            continue
        user_id, _, rest = value.partition(".")
        nonce, _, signature = rest.partition(".")
        if not (user_id.isascii() and user_id.isdigit() and name == prefix + user_id
                and nonce and len(user_id) < 19):
            continue
        if hmac.compare_digest(signature, _signature(int(user_id), nonce)):
            found[_nonce_hash(nonce)] = int(user_id)
    return found


def recognise(db: Session, email: str) -> TrustedDevice | None:
    """This browser's live device record for the account of ``email``, if it has one."""
    cookies = presented()
    if not cookies:
        return None
    rows = db.scalars(
        select(TrustedDevice).join(User, User.id == TrustedDevice.user_id)
        .where(TrustedDevice.nonce_hash.in_(list(cookies)), User.email == email,
               TrustedDevice.revoked_at.is_(None), TrustedDevice.expires_at > utcnow()))
    return next((row for row in rows if cookies.get(row.nonce_hash) == row.user_id), None)


def issue(db: Session, response: Response, user_id: int, *,
          replaces: int | None = None) -> None:
    """Trust this browser for ``user_id`` (after a full sign-in): a new device cookie,
    retiring the one it replaces."""
    now = utcnow()
    if replaces is not None:
        db.execute(update(TrustedDevice)
                   .where(TrustedDevice.id == replaces, TrustedDevice.user_id == user_id)
                   .values(revoked_at=now, revoked_reason="renewed"))
    db.execute(delete(TrustedDevice).where(TrustedDevice.user_id == user_id,
                                           TrustedDevice.expires_at < now))
    nonce = secrets.token_urlsafe(32)
    db.add(TrustedDevice(user_id=user_id, nonce_hash=_nonce_hash(nonce), created_at=now,
                         expires_at=now + LIFETIME,
                         user_agent=(request.user_agent.string or "")[:200] or None))
    response.set_cookie(f"{_prefix()}{user_id}", f"{user_id}.{nonce}.{_signature(user_id, nonce)}",
                        max_age=int(LIFETIME.total_seconds()), path="/",
                        secure=request.is_secure, httponly=True, samesite="Lax")


def live_count(db: Session, user_id: int) -> int:
    from sqlalchemy import func

    return db.scalar(select(func.count()).select_from(TrustedDevice).where(
        TrustedDevice.user_id == user_id, TrustedDevice.revoked_at.is_(None),
        TrustedDevice.expires_at > utcnow())) or 0


def forget(db: Session, user_id: int, reason: str) -> int:
    """Withdraw every device cookie of a user; returns how many."""
    return db.execute(update(TrustedDevice)
                      .where(TrustedDevice.user_id == user_id,
                             TrustedDevice.revoked_at.is_(None))
                      .values(revoked_at=utcnow(), revoked_reason=reason[:40])).rowcount
