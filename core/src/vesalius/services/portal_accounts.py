"""Portal accounts: inviting a patient, the link that sets their password, revoking access.

The front desk or the owner invites a patient from the patient's page: the patient's portal
account is made (or found) without a password and a link is e-mailed (message kind
``portal-invitation``). The link carries 256 random bits of which only the SHA-256 is
stored; it works once, until it expires (:data:`INVITATION_DAYS`), and a newer invitation
or a revocation ends it. Choosing a password with it makes the account usable; the patient
then signs in like staff (password, then the second factor when they turned one on or the
clinic requires it).

Accounts made by online booking (a new patient whose e-mail was verified) go through
:func:`open_account` too, so that every patient account is the same kind of account and
lands in the same portal.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..messaging import kinds, outbox
from ..messaging.render import render
from ..models import Location, Patient, PortalInvitation, User
from ..permissions import PATIENT
from . import audit
from .actor import Actor
from .common import get
from .patients import EMAIL
from .users import MIN_PASSWORD, hash_password

#: How long an invitation link works.
INVITATION_DAYS = 7
KIND = "portal-invitation"

kinds.register(kinds.MessageKind(
    key=KIND, label="Portal invitation",
    description="The link a patient follows to set the password of their patient portal "
                "account; sent when the clinic invites them (or invites them again).",
    subject="Your patient portal at {{ clinic }}",
    text=("Hello {{ given_name }},\n\n"
          "{{ clinic }} invites you to its patient portal: see and change your "
          "appointments, your home exercises, invoices and receipts.\n\n"
          "Choose your password here (the link works once, until {{ expires }}):\n"
          "{{ link }}\n\n"
          "If you did not expect this message, ignore it: nothing happens without the "
          "link."),
    variables={"given_name": "the patient's first (or preferred) name",
               "clinic": "the clinic's name", "link": "the link that sets the password",
               "expires": "the date the link stops working"}))

State = Literal["none", "invited", "expired", "active", "revoked"]


@dataclass(frozen=True)
class AccountState:
    """A patient's portal account as their page shows it."""

    state: State
    email: str | None = None
    invited_at: datetime | None = None
    expires_at: datetime | None = None
    last_login_at: datetime | None = None

    @property
    def label(self) -> str:
        return {"none": "No portal account", "invited": "Invited, no password yet",
                "expired": "Invitation expired", "active": "Active",
                "revoked": "Access revoked"}[self.state]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(session: Session, patient_id: int) -> User | None:
    return session.scalar(select(User).where(User.patient_id == patient_id,
                                             User.role == PATIENT).order_by(User.id).limit(1))


def _email(value: str | None) -> str:
    email = (value or "").strip().lower()
    if not email:
        raise Invalid("the patient has no e-mail address: add one to invite them",
                      field="email")
    if len(email) > 254 or not EMAIL.fullmatch(email):
        raise Invalid("not an e-mail address", field="email")
    return email


def _email_free(session: Session, email: str, user_id: int | None) -> None:
    taken = session.scalar(select(func.count()).select_from(User).where(
        User.email == email, User.id != (user_id or 0)))
    if taken:
        raise Conflict(f"another account uses {email}: give the patient their own address",
                       field="email")


def open_account(session: Session, actor: Actor, patient: Patient, email: str,
                 password: str | None = None) -> User:
    """The patient's portal account, made if they have none (with ``password``, or none
    until they use an invitation); its e-mail follows ``email``. Callers check their own
    permission (the invitation below, or online booking's verified e-mail)."""
    email = _email(email)
    user = _account(session, patient.id)
    _email_free(session, email, user.id if user else None)
    if password is not None and len(password) < MIN_PASSWORD:
        raise Invalid(f"a password has at least {MIN_PASSWORD} characters", field="password")
    if user is None:
        user = User(email=email, role=PATIENT, patient_id=patient.id, active=True,
                    name=f"{patient.given_name} {patient.family_name}",
                    password_hash=hash_password(password) if password else None)
        session.add(user)
        session.flush()
        audit.record(session, actor, "create", "user", user.id, patient.id,
                     detail="role patient (portal account)")
    else:
        user.email = email
        if password:
            user.password_hash = hash_password(password)
    return user


def state(session: Session, actor: Actor, patient_id: int,
          now: datetime | None = None) -> AccountState:
    """The patient's portal account state (staff who may invite). Two queries."""
    actor.require("portal.invite", patient_id=patient_id)
    now = now or utcnow()
    user = _account(session, patient_id)
    if user is None:
        return AccountState("none")
    last = session.scalar(select(PortalInvitation).where(
        PortalInvitation.patient_id == patient_id)
        .order_by(PortalInvitation.id.desc()).limit(1))
    invited_at = last.created_at if last else None
    expires_at = last.expires_at if last else None
    if not user.active:
        kind: State = "revoked"
    elif user.password_hash:
        kind = "active"
    elif last is not None and last.used_at is None and last.revoked_at is None and (
            last.expires_at > now):
        kind = "invited"
    else:
        kind = "expired" if last is not None else "none"
    return AccountState(kind, user.email, invited_at, expires_at, user.last_login_at)


def invite(session: Session, actor: Actor, patient_id: int, link_base: str,
           email: str | None = None, now: datetime | None = None) -> PortalInvitation:
    """Invite the patient (to ``email``, else the address on their record): their account
    is made or found, earlier links stop working, and the new link (``link_base`` + token)
    is queued by e-mail in this transaction. An account whose access was revoked comes back
    when the patient uses the link."""
    actor.require("portal.invite", patient_id=patient_id)
    now = now or utcnow()
    patient = get(session, Patient, patient_id, "patient")
    user = open_account(session, actor, patient, email or patient.email or "")
    _end_links(session, patient_id, now)
    token = secrets.token_urlsafe(32)
    row = PortalInvitation(patient_id=patient_id, user_id=user.id, email=user.email,
                           token_hash=_digest(token), created_at=now,
                           created_by=actor.user_id,
                           expires_at=now + timedelta(days=INVITATION_DAYS))
    session.add(row)
    session.flush()
    clinic = session.scalar(select(Location.name).where(Location.active.is_(True))
                            .order_by(Location.id).limit(1)) or "Your clinic"
    expires = row.expires_at
    message = render(kinds.get(KIND), {
        "given_name": patient.preferred_name or patient.given_name, "clinic": clinic,
        "link": link_base.rstrip("/") + "/" + token,
        "expires": f"{expires:%A} {expires.day} {expires:%B %Y} (UTC)"})
    outbox.enqueue(session, kind=KIND, channel="email", to=user.email, message=message,
                   dedupe_key=f"{KIND}:{row.id}", patient_id=patient_id)
    audit.record(session, actor, "create", "portal-invitation", row.id, patient_id,
                 detail=f"expires {row.expires_at:%Y-%m-%dT%H:%MZ}")
    return row


def _end_links(session: Session, patient_id: int, now: datetime) -> int:
    result = session.execute(
        update(PortalInvitation)
        .where(PortalInvitation.patient_id == patient_id, PortalInvitation.used_at.is_(None),
               PortalInvitation.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def revoke(session: Session, actor: Actor, patient_id: int,
           now: datetime | None = None) -> User | None:
    """Close the patient's portal access: their links stop working and the account is
    deactivated (its web sessions end at their next request; the web layer ends them now).
    Inviting again brings it back. Returns the account, if any."""
    actor.require("portal.invite", patient_id=patient_id)
    get(session, Patient, patient_id, "patient")
    now = now or utcnow()
    ended = _end_links(session, patient_id, now)
    user = _account(session, patient_id)
    if user is not None:
        user.active = False
    audit.record(session, actor, "revoke", "portal-account", user.id if user else None,
                 patient_id, detail=f"{ended} open invitation links ended")
    return user


def invitation(session: Session, token: str, now: datetime | None = None) -> PortalInvitation:
    """The live invitation behind ``token``; :class:`NotFound` with a reason a patient
    understands when it is unknown, used, revoked or expired."""
    now = now or utcnow()
    row = session.scalar(select(PortalInvitation).where(
        PortalInvitation.token_hash == _digest(token)))
    if row is None:
        raise NotFound("this invitation link is not known: ask the clinic for a new one")
    if row.used_at is not None:
        raise NotFound("this invitation link was used already: sign in with your password")
    if row.revoked_at is not None:
        raise NotFound("this invitation link was replaced or withdrawn: use the newest "
                       "one, or ask the clinic")
    if row.expires_at <= now:
        raise NotFound("this invitation link has expired: ask the clinic for a new one")
    return row


def accept(session: Session, token: str, password: str, confirm: str,
           now: datetime | None = None, ip: str | None = None) -> User:
    """Set the account's password with an invitation link (once: of two racing uses only
    one sets it) and make the account usable."""
    now = now or utcnow()
    row = invitation(session, token, now)
    if len(password) < MIN_PASSWORD or len(password) > 1000:
        raise Invalid(f"a password has {MIN_PASSWORD} to 1000 characters", field="password")
    if password != confirm:
        raise Invalid("the two passwords differ", field="confirm_password")
    used = session.execute(
        update(PortalInvitation)
        .where(PortalInvitation.id == row.id, PortalInvitation.used_at.is_(None),
               PortalInvitation.revoked_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if used != 1:
        raise NotFound("this invitation link was used already: sign in with your password")
    user = session.get(User, row.user_id)
    if user is None or user.patient_id != row.patient_id:
        raise NotFound("this invitation link is not known: ask the clinic for a new one")
    user.password_hash, user.active = hash_password(password), True
    audit.record(session, Actor(user_id=user.id, role=user.role, patient_id=user.patient_id,
                                ip=ip), "update", "user", user.id, user.patient_id,
                 detail="portal password set with an invitation link")
    return user
