"""The clinic's second-factor policy and recovery codes.

- **Required second factor** (``mfa_required``, set by the owner on the Users page): owner
  and billing accounts without a TOTP factor are sent, right after their password, to set
  one up before they reach anything else. Their API tokens keep working (a token is a
  credential of its own, shown once and revocable), but no new token is made for such an
  account until its second factor is on.
- **Required of patients** (``mfa_required_patients``, set by the owner on the online-booking
  page): the same, for patients' portal accounts. Patients may always turn one on.
- **Recovery codes**: ten single-use codes, shown once when the factor is turned on or the
  codes are made anew, each accepted once in place of a TOTP code. A code carries 80
  random bits (16 characters of Crockford's base-32), so its SHA-256 is stored, as for API
  tokens: a slow password hash only helps secrets people choose.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..models import User
from ..services import audit
from ..services.actor import Actor
from .models import RecoveryCode, UserMfa, WebSetting, put_setting, setting

#: Roles that must use a second factor when the clinic requires it.
MFA_ROLES = ("owner", "billing")
SETTING = "mfa_required"
PATIENT_SETTING = "mfa_required_patients"
RECOVERY_CODES = 10
#: Crockford's base-32 (no i, l, o, u): easy to read aloud and to type.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH = 16


def required(db: Session) -> bool:
    """Whether the clinic requires a second factor of owner and billing accounts."""
    return setting(db, SETTING) == "yes"


def set_required(db: Session, actor: Actor, on: bool) -> None:
    put_setting(db, SETTING, "yes" if on else "no")
    audit.record(db, actor, "update", "setting", None, None,
                 detail=f"second factor {'required' if on else 'optional'} for "
                        f"{' and '.join(MFA_ROLES)}")


def required_of_patients(db: Session) -> bool:
    """Whether the clinic requires a second factor of patients' portal accounts."""
    return setting(db, PATIENT_SETTING) == "yes"


def set_required_of_patients(db: Session, actor: Actor, on: bool) -> None:
    if not put_setting(db, PATIENT_SETTING, "yes" if on else "no"):
        return
    audit.record(db, actor, "update", "setting", None, None,
                 detail=f"second factor {'required' if on else 'optional'} for patients")


def required_of(db: Session, user: User) -> bool:
    """Whether the clinic requires a second factor of ``user``'s account."""
    if user.role in MFA_ROLES:
        return required(db)
    return user.role == "patient" and required_of_patients(db)


def must_enrol(db: Session, user: User) -> bool:
    """True when ``user`` has to set up a second factor before signing in."""
    return db.get(UserMfa, user.id) is None and required_of(db, user)


def unenrolled(db: Session) -> list[User]:
    """Active owner and billing accounts without a second factor."""
    return list(db.scalars(
        select(User).where(User.role.in_(MFA_ROLES), User.active.is_(True),
                           User.id.not_in(select(UserMfa.user_id))).order_by(User.id)))


def token_refusal(db: Session, user: User) -> str | None:
    """Why no API token may be made for ``user`` now (None: it may)."""
    if user.role not in MFA_ROLES or not inspect(db.connection()).has_table(
            WebSetting.__tablename__):
        return None  # the web app never ran here: no policy was set
    if must_enrol(db, user):
        return (f"the clinic requires a second factor for {user.role} accounts: "
                f"{user.email} must set one up (sign in to the web app) before a token "
                f"is made")
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise(text: str) -> str | None:
    """A recovery code as typed (any case, spaces or dashes) in its stored form, or None
    when it cannot be one."""
    code = "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def issue_codes(db: Session, user_id: int) -> list[str]:
    """Ten new codes for the user (the old ones stop working); shown once, as
    ``xxxx-xxxx-xxxx-xxxx``."""
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
             for _ in range(RECOVERY_CODES)]
    db.add_all(RecoveryCode(user_id=user_id, code_hash=_digest(c)) for c in codes)
    return ["-".join(c[i:i + 4] for i in range(0, CODE_LENGTH, 4)) for c in codes]


def use_code(db: Session, user_id: int, text: str) -> tuple[int, int] | None:
    """Spend one recovery code: (its id, codes left), or None when it is not an unused
    code of the user. Two requests racing with one code: only one spends it."""
    code = normalise(text)
    if code is None:
        return None
    row_id = db.scalar(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.code_hash == _digest(code),
        RecoveryCode.used_at.is_(None)))
    if row_id is None:
        return None
    spent = db.execute(update(RecoveryCode)
                       .where(RecoveryCode.id == row_id, RecoveryCode.used_at.is_(None))
                       .values(used_at=utcnow())).rowcount
    if spent != 1:
        return None
    return row_id, remaining(db, user_id)


def remaining(db: Session, user_id: int) -> int:
    return db.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0


def remove(db: Session, user_id: int) -> None:
    """Drop the user's second factor and recovery codes."""
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    db.execute(delete(UserMfa).where(UserMfa.user_id == user_id))
