"""Quick search (the header's search box): patients by name, date of birth, phone or e-mail,
and invoices by number, as a few indexed queries whatever the size of the register.

Each kind is read only when the role may see it: patients with ``patients.search`` (staff;
a practitioner sees names and birth dates as on the patient search page, while the clinical
record behind them still needs the care team, checked where it is opened), invoices with
``billing.read`` (never a portal patient here). What was shown is audited as a list read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Invoice, Patient
from . import audit
from .actor import Actor
from .patients import _prefix, find

#: Shortest query answered (one letter matches too much to be useful as you type).
MIN_LENGTH = 2
MAX_LENGTH = 100

_NUMERIC_DATE = re.compile(r"(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})")
_INVOICE = re.compile(r"(?:INV[-\s]?)?0*(\d{1,9})")


@dataclass(frozen=True)
class Hit:
    """One labelled result: what it is, where it leads, and what the list shows."""

    kind: Literal["patient", "invoice"]
    id: int
    patient_id: int
    label: str  # patient: the name; invoice: its number
    birth_date: date | None = None
    patient_name: str | None = None  # invoice: whose
    total: Decimal | None = None
    status: str | None = None


def birth_dates(q: str, day_first: bool | None = None) -> list[date]:
    """The dates of birth ``q`` may mean: ISO ``1980-03-14`` (or ``1980/03/14``), or
    ``14/03/1980`` / ``14.03.1980`` / ``14-03-1980``. When day and month could swap (both
    <= 12) ``day_first`` settles it (the clinic's habit); ``None`` keeps both readings,
    so ``03/04/1980`` finds the 3rd of April and the 4th of March."""
    match = _NUMERIC_DATE.fullmatch(q.strip())
    if not match:
        return []
    a, b, c = match.groups()
    if len(a) == 4:  # year first: always year, month, day
        readings = [(int(a), int(b), int(c))]
    elif len(c) == 4:
        first, second, year = int(a), int(b), int(c)
        day_month, month_day = (year, second, first), (year, first, second)
        if first > 12 or second > 12:  # only one reading can be a date
            readings = [day_month if second <= 12 else month_day]
        elif day_first is None:
            readings = [day_month, month_day]
        else:
            readings = [day_month if day_first else month_day]
    else:
        return []
    found: list[date] = []
    for year, month, day in readings:
        try:
            value = date(year, month, day)
        except ValueError:
            continue
        if value not in found:
            found.append(value)
    return found


def invoice_numbers(q: str) -> tuple[list[str], str | None]:
    """(exact numbers, number prefix) ``q`` may name: ``INV-000123``, ``inv 123``, ``123``
    and ``000123`` all mean ``INV-000123`` (numbers are ``INV-`` and six digits or more);
    a query starting ``INV-`` is also a prefix, for results as the number is typed."""
    text = q.strip().upper()
    exact: list[str] = []
    match = _INVOICE.fullmatch(text)
    if match:
        exact.append(f"INV-{int(match.group(1)):06d}")
    prefix = text if text.startswith("INV-") and len(text) > 4 else None
    return exact, prefix


def quick_search(session: Session, actor: Actor, q: str, *, limit: int = 8,
                 day_first: bool | None = None) -> list[Hit]:
    """Patients then invoices matching ``q`` (at most ``limit`` of each), each labelled.
    Invoices come first when ``q`` reads as an invoice number (``INV-...``)."""
    q = " ".join(q.split())[:MAX_LENGTH]
    if len(q) < MIN_LENGTH or actor.is_patient:
        return []
    limit = max(1, min(limit, 25))
    patients: list[Hit] = []
    invoices: list[Hit] = []
    if actor.can("patients.search"):
        patients = [_patient_hit(p) for p in _patients(session, q, limit, day_first)]
        audit.record_list(session, actor, "read", "patient",
                          [(h.id, h.id) for h in patients], detail="quick search")
    if actor.can("billing.read"):
        invoices = _invoices(session, q, limit)
        audit.record_list(session, actor, "read", "invoice",
                          [(h.id, h.patient_id) for h in invoices], detail="quick search")
    if q.upper().startswith("INV"):
        return invoices + patients
    return patients + invoices


def _patients(session: Session, q: str, limit: int,
              day_first: bool | None) -> list[Patient]:
    dates = birth_dates(q, day_first)
    if not dates:
        return find(session, q, limit=limit)
    return list(session.scalars(
        select(Patient).where(Patient.active.is_(True), Patient.birth_date.in_(dates))
        .order_by(Patient.family_name_key, Patient.given_name_key, Patient.id).limit(limit)))


def _patient_hit(p: Patient) -> Hit:
    return Hit(kind="patient", id=p.id, patient_id=p.id, label=p.display_name,
               birth_date=p.birth_date)


def _invoices(session: Session, q: str, limit: int) -> list[Hit]:
    exact, prefix = invoice_numbers(q)
    if not exact and not prefix:
        return []
    criteria = [Invoice.number.in_(exact)] if exact else []
    if prefix:
        criteria.append(_prefix(Invoice.number, prefix))
    rows = session.execute(
        select(Invoice.id, Invoice.patient_id, Invoice.number, Invoice.total, Invoice.status,
               Patient.given_name, Patient.preferred_name, Patient.family_name)
        .join(Patient, Patient.id == Invoice.patient_id)
        .where(or_(*criteria)).order_by(Invoice.number).limit(limit))
    return [Hit(kind="invoice", id=iid, patient_id=pid, label=number, total=total,
                status=status, patient_name=f"{preferred or given} {family}")
            for iid, pid, number, total, status, given, preferred, family in rows]
