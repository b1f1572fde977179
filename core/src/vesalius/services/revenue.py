"""Monthly revenue per practitioner, kept as invoices are issued and voided."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import String, cast, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..db.types import money
from ..models import Invoice, RevenueMonth


def book(session: Session, practitioner_id: int | None, day: date, amount: Decimal,
         visits: int) -> None:
    """Add ``amount`` and ``visits`` (negative when voiding) to a practitioner's month,
    as one upsert (safe when two workers issue invoices of the same month at once)."""
    if practitioner_id is None:
        return
    dialect = session.get_bind().dialect.name
    make = sqlite_insert if dialect == "sqlite" else pg_insert
    statement = make(RevenueMonth).values(practitioner_id=practitioner_id,
                                          month=day.strftime("%Y-%m"), total=money(amount),
                                          visits=visits)
    statement = statement.on_conflict_do_update(
        index_elements=["practitioner_id", "month"],
        set_={"total": RevenueMonth.total + statement.excluded.total,
              "visits": RevenueMonth.visits + statement.excluded.visits})
    session.execute(statement)


def rebuild(session: Session) -> None:
    """Recompute every month from the issued invoices (after bulk loads or repairs)."""
    if session.get_bind().dialect.name == "sqlite":
        month = func.strftime("%Y-%m", Invoice.date_of_service)
    else:
        month = func.to_char(Invoice.date_of_service, "YYYY-MM")
    session.execute(delete(RevenueMonth))
    session.execute(insert(RevenueMonth).from_select(
        ["practitioner_id", "month", "total", "visits"],
        select(Invoice.practitioner_id, cast(month, String), func.sum(Invoice.total),
               func.count(Invoice.id))
        .where(Invoice.status == "issued", Invoice.practitioner_id.is_not(None))
        .group_by(Invoice.practitioner_id, cast(month, String))))
