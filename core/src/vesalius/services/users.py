"""Users, passwords (argon2id) and bearer tokens (stored as SHA-256, revocable)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import Field, field_validator
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Conflict, Invalid, NotFound, Unauthorized
from ..models import ApiToken, Patient, Practitioner, User
from ..permissions import OWNER, PATIENT, PRACTITIONER, normalise_role
from . import audit
from .actor import Actor
from .common import Input
from .patients import EMAIL

TOKEN_PREFIX = "vsl_"
MIN_PASSWORD = 12
_hasher = PasswordHasher()


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password, verified against for unknown accounts (see
    :func:`authenticate`). Made on first use, not at import: an argon2 hash costs tens of
    milliseconds that every command line start would otherwise pay."""
    return _hasher.hash(secrets.token_urlsafe(16))


class UserIn(Input):
    email: str = Field(max_length=254)
    role: str
    name: str = Field(default="", max_length=200)
    password: str | None = Field(default=None, min_length=MIN_PASSWORD, max_length=1000)
    #: Practitioners: the disciplines they practise (a practitioner record is made for them).
    disciplines: list[str] = Field(default_factory=list)
    #: Patients: the patient record this portal user belongs to.
    patient_id: int | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL.fullmatch(value):
            raise ValueError("not an e-mail address")
        return value.lower()

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        return normalise_role(value)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def create_user(session: Session, actor: Actor, data: UserIn) -> User:
    """A new user; a practitioner also gets a practitioner record with their disciplines,
    and so does an owner given disciplines (an owner who treats: they sign their notes)."""
    actor.require("users.manage")
    if session.scalar(select(func.count()).select_from(User).where(User.email == data.email)):
        raise Conflict(f"a user with e-mail {data.email} exists", field="email")
    if data.role == PATIENT:
        if data.patient_id is None or session.get(Patient, data.patient_id) is None:
            raise Invalid("a patient user needs the id of their patient record",
                          field="patient_id")
    elif data.patient_id is not None:
        raise Invalid("only patient users belong to a patient record", field="patient_id")
    if data.disciplines and data.role not in (PRACTITIONER, OWNER):
        raise Invalid("only practitioners (and an owner who treats) have disciplines",
                      field="disciplines")
    user = User(email=data.email, role=data.role, name=data.name or data.email,
                patient_id=data.patient_id,
                password_hash=hash_password(data.password) if data.password else None)
    session.add(user)
    session.flush()
    if data.role == PRACTITIONER or (data.role == OWNER and data.disciplines):
        _practitioner_record(session, user, data.disciplines)
    audit.record(session, actor, "create", "user", user.id, user.patient_id,
                 detail=f"role {user.role}")
    return user


def _practitioner_record(session: Session, user: User, disciplines: list[str]) -> Practitioner:
    from .practitioners import check_disciplines

    practitioner = Practitioner(user_id=user.id, display_name=user.name,
                                disciplines=check_disciplines(disciplines))
    session.add(practitioner)
    session.flush()
    return practitioner


def add_practitioner_record(session: Session, actor: Actor, user: User,
                            disciplines: list[str]) -> Practitioner:
    """Give ``user`` a practitioner record with ``disciplines``: an owner who starts to
    treat (they then see patients in their calendar and sign their own notes), or a
    practitioner who has none. 409 when they have one already."""
    actor.require("users.manage")
    if user.role not in (PRACTITIONER, OWNER):
        raise Invalid("only practitioners and an owner who treats have a practitioner record",
                      field="role")
    if not disciplines:
        raise Invalid("name at least one discipline", field="disciplines")
    found = session.scalar(select(Practitioner.id).where(Practitioner.user_id == user.id))
    if found is not None:
        raise Conflict(f"{user.email} has a practitioner record already (practitioner "
                       f"{found})")
    practitioner = _practitioner_record(session, user, disciplines)
    audit.record(session, actor, "update", "user", user.id, None,
                 detail=f"practitioner record {practitioner.id} added")
    return practitioner


def by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with e-mail {email}")
    return user


def set_password(session: Session, actor: Actor, user: User, password: str) -> None:
    actor.require("users.manage")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password has at least {MIN_PASSWORD} characters", field="password")
    user.password_hash = hash_password(password)
    audit.record(session, actor, "update", "user", user.id, None, detail="password set")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, actor: Actor, user: User, name: str = "",
                expires_at: datetime | None = None) -> str:
    """A new bearer token for ``user``. The token is returned once; only its hash is kept."""
    actor.require("users.manage")
    if not user.active:
        raise Conflict("the user is deactivated")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_digest(token), prefix=token[:10], name=name,
                   expires_at=expires_at)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "api-token", row.id, None,
                 detail=f"for user {user.id}")
    return token


def revoke_tokens(session: Session, actor: Actor, user: User) -> int:
    """Revoke every live token of ``user``; returns how many."""
    actor.require("users.manage")
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(session, actor, "revoke", "api-token", None, None,
                 detail=f"user {user.id}: {result.rowcount} tokens")
    return result.rowcount


_TOKEN_LOOKUP = (
    select(ApiToken.id, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at,
           User.id, User.role, User.patient_id, User.active, Practitioner.id)
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Practitioner, Practitioner.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def actor_for_token(session: Session, token: str, ip: str | None = None,
                    user_agent: str | None = None) -> Actor:
    """The actor a bearer token stands for; :class:`Unauthorized` when it is unknown,
    revoked, expired, or its user is deactivated."""
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthorized("invalid token")
    # Plain columns, not objects: every API request asks this.
    row = session.execute(_TOKEN_LOOKUP, {"token_hash": _digest(token)}).first()
    now = utcnow()
    if row is None:
        raise Unauthorized("invalid token")
    (token_id, revoked_at, expires_at, last_used_at, user_id, role, patient_id, active,
     practitioner_id) = row
    if revoked_at is not None or not active or (expires_at is not None and expires_at <= now):
        raise Unauthorized("token revoked or expired")
    # Touch at most once a minute: a write per request would serialise readers on SQLite.
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        session.execute(update(ApiToken).where(ApiToken.id == token_id)
                        .values(last_used_at=now))
    return Actor(user_id=user_id, role=role, patient_id=patient_id,
                 practitioner_id=practitioner_id, ip=ip,
                 user_agent=(user_agent or "")[:200] or None)


def actor_for_user(session: Session, user: User, ip: str | None = None,
                   user_agent: str | None = None) -> Actor:
    practitioner_id = session.scalar(
        select(Practitioner.id).where(Practitioner.user_id == user.id)
    )
    return Actor(user_id=user.id, role=user.role, patient_id=user.patient_id,
                 practitioner_id=practitioner_id, ip=ip,
                 user_agent=(user_agent or "")[:200] or None)


def authenticate(session: Session, email: str, password: str) -> User:
    """The user whose e-mail and password these are (for the web login)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        # Spend the time a real check spends, so that timing does not tell which e-mails
        # have accounts (ASVS 6.3.8).
        with contextlib.suppress(VerifyMismatchError, VerificationError):
            _hasher.verify(dummy_hash(), password)
        raise Unauthorized("wrong e-mail or password")
    if not check_password(user, password):
        raise Unauthorized("wrong e-mail or password")
    user.last_login_at = utcnow()
    return user
