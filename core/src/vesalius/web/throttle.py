"""Slowing down password guessing without letting anyone lock an owner out (OWASP Cheat
Sheet Series, "Slowing down online guessing attacks with device cookies").

A browser that signed in to an account carries a device cookie for it
(:mod:`vesalius.web.devices`). Failed attempts are counted in a sliding window:

- from a trusted browser, against that browser only; after :data:`DEVICE_BUDGET`
  failures it counts as untrusted until the window passes;
- from untrusted browsers, against the e-mail typed (whether or not it has an account, so
  the answer tells nothing about which e-mails exist) and against the client's address.
  When either budget is spent, untrusted browsers are refused with the time to wait, while
  the owner's trusted browser still signs in with the right password.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db.types import utcnow
from .models import LoginAttempt

WINDOW = timedelta(minutes=15)
#: Failures from untrusted browsers per account and window (ASVS 6.3.1).
ACCOUNT_BUDGET = 5
#: Failures from untrusted browsers per client address and window: generous, as a clinic
#: behind one NAT shares an address.
ADDRESS_BUDGET = 100
#: Failures from one trusted browser before it is treated as untrusted.
DEVICE_BUDGET = 5
#: Wrong second-factor codes per account (or per trusted browser) and window.
TOTP_BUDGET = 5


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused, and how long to wait."""

    message: str
    wait: timedelta

    @property
    def seconds(self) -> int:
        """For the ``Retry-After`` header."""
        return max(1, math.ceil(self.wait.total_seconds()))


def in_minutes(wait: timedelta) -> str:
    """"in 12 minutes": a wait as people read it (rounded up)."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


def wait_for(db: Session, key: str, budget: int) -> timedelta | None:
    """How long until ``key`` has a failure to spare, or ``None`` when it has one now."""
    now = utcnow()
    recent = list(db.scalars(
        select(LoginAttempt.at)
        .where(LoginAttempt.key == key, LoginAttempt.at >= now - WINDOW,
               LoginAttempt.success.is_(False))
        .order_by(LoginAttempt.at.desc()).limit(budget)))
    if len(recent) < budget:
        return None
    return max(recent[-1] + WINDOW - now, timedelta(seconds=1))


def record_failure(db: Session, *keys: str) -> None:
    now = utcnow()
    for key in keys:
        db.add(LoginAttempt(key=key[:300], at=now, success=False))


def forget_old(db: Session) -> None:
    """Drop failures long out of every window (run now and then, on a success)."""
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - 4 * WINDOW))


def untrusted_refusal(db: Session, email: str, address: str | None) -> Refusal | None:
    """The refusal for an untrusted browser signing in as ``email`` from ``address``."""
    wait = wait_for(db, f"email:{email}", ACCOUNT_BUDGET)
    if wait is not None:
        return Refusal(
            f"Too many failed sign-ins to this account from browsers it was not used on "
            f"before. Try again {in_minutes(wait)}, or sign in from a browser you have "
            f"signed in with before.", wait)
    wait = wait_for(db, f"ip:{address}", ADDRESS_BUDGET)
    if wait is not None:
        return Refusal(
            f"Too many failed sign-ins from your network. Try again {in_minutes(wait)}, "
            f"or sign in from a browser you have signed in with before.", wait)
    return None
