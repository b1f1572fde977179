"""Tables the web front end owns: sign-in sessions, login attempts, trusted browsers (device
cookies), TOTP secrets and recovery codes, and the clinic's choice of enabled packs.

They live on their own metadata with their own migration stream (``web/migrations``, version
table ``alembic_version_web``), so the web layer can evolve them without touching the core's
migration chain. They refer to core tables by id only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, MetaData, String, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ..db.base import NAMING
from ..db.types import UTCDateTime, utcnow

JSONType = JSON().with_variant(JSONB(), "postgresql")


class WebBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class WebSession(WebBase):
    """A browser session kept on the server (ASVS 7.4.1: logout really ends it).

    The cookie carries a random token; only its SHA-256 is stored, so a copy of the
    database does not let anyone sign in. ``user_id`` is empty before sign-in (the session
    then only holds the login form's CSRF secret).
    """

    __tablename__ = "web_sessions"
    __table_args__ = (
        Index("ix_web_sessions_user", "user_id"),
        Index("ix_web_sessions_expires", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When the user authenticated (password, and TOTP where enabled).
    auth_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The absolute end of the session, whatever the activity (ASVS 7.3.2).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class LoginAttempt(WebBase):
    """One failed sign-in attempt, for throttling (see :mod:`vesalius.web.throttle`)."""

    __tablename__ = "web_login_attempts"
    __table_args__ = (Index("ix_web_login_attempts_key_at", "key", "at"),
                      Index("ix_web_login_attempts_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``email:<address>`` (untrusted browsers), ``ip:<address>``, ``device:<id>`` (one
    #: trusted browser), ``totp:<user id>`` or ``totp-device:<id>``.
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean, default=False)


class TrustedDevice(WebBase):
    """A browser that signed in to an account: the server side of its device cookie.

    The cookie carries the account, a random nonce and an HMAC of both; only the nonce's
    SHA-256 is stored here. A row that is revoked or expired no longer makes the browser
    trusted, so a device cookie can be withdrawn at any time.
    """

    __tablename__ = "web_trusted_devices"
    __table_args__ = (Index("ix_web_trusted_devices_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class UserMfa(WebBase):
    """A user's TOTP second factor (RFC 6238)."""

    __tablename__ = "web_user_mfa"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The last 30-second step accepted: a code is never accepted twice.
    last_step: Mapped[int] = mapped_column(Integer, default=0)


class RecoveryCode(WebBase):
    """One single-use recovery code of a user's second factor (accepted in place of a TOTP
    code). Only the SHA-256 of the code is stored: codes carry 80 random bits, so a fast
    hash is as safe as a slow one here (as for API tokens), and a copy of the database
    does not let anyone sign in."""

    __tablename__ = "web_recovery_codes"
    __table_args__ = (Index("ix_web_recovery_codes_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSetting(WebBase):
    """Small settings of the web app shared by all workers (the key that signs CSRF
    tokens, made on first start; whether owner and billing accounts must use a second
    factor, ``mfa_required``)."""

    __tablename__ = "web_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


def setting(session: Session, key: str) -> str | None:
    """A web setting's value, or None when it was never set."""
    return session.scalar(select(WebSetting.value).where(WebSetting.key == key))


def put_setting(session: Session, key: str, value: str) -> bool:
    """Set a web setting (in the caller's transaction); whether its value changed."""
    row = session.get(WebSetting, key)
    if row is None:
        session.add(WebSetting(key=key, value=value))
        return True
    if row.value == value:
        return False
    row.value = value
    return True


class PackSetting(WebBase):
    """The clinic's choice to switch an installed pack off (or on again) without
    uninstalling it. Absent row: the pack is on."""

    __tablename__ = "web_pack_settings"

    pack: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(200))
