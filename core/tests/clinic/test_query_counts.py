"""Lists and reports run a bounded number of SQL statements, whatever the data size: the
same count at two sizes of seeded clinic (no N+1)."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from clinic_dbhelpers import QueryCounter, truncate_postgres
from sqlalchemy import event, func, select
from vesalius.db import Database
from vesalius.demo import bulk_seed
from vesalius.models import (
    Appointment,
    Claim,
    Invoice,
    InvoiceLine,
    Location,
    Payer,
    Payment,
    Practitioner,
    Service,
)
from vesalius.services import (
    Actor,
    availability,
    billing,
    claims,
    patients,
    reports,
    scheduling,
)
from vesalius.services.search import quick_search

TODAY = date(2026, 3, 11)


def _counts(db: Database) -> dict[str, tuple[int, int]]:
    actor = Actor.system("tests")
    with db.session() as s:
        location_id = s.scalar(select(func.min(Location.id)))
        pracs = list(s.scalars(select(Practitioner.id)))
        service_id = s.scalar(select(Service.id))
        case_id, patient_id = s.execute(
            select(Appointment.case_id, Appointment.patient_id)
            .order_by(Appointment.id).limit(1)).one()
        payer_id = s.scalar(select(Payer.id))
        claim_id = s.scalar(select(func.min(Claim.id)))
        payment_id = s.scalar(select(func.min(Payment.id)))
        drafts = list(s.scalars(select(Invoice.id).where(Invoice.status == "draft")
                                .order_by(Invoice.id).limit(6)))
        line_id = s.scalar(select(InvoiceLine.id).where(InvoiceLine.invoice_id == drafts[0]))
        number = s.scalar(select(Invoice.number).where(Invoice.number.is_not(None)).limit(1))
    assert claim_id and payment_id and len(drafts) == 6 and number
    start = datetime.combine(TODAY, time(0), UTC)
    monday = TODAY - timedelta(days=TODAY.weekday())
    operations = {
        "day list": lambda s: scheduling.day_list(s, actor, TODAY - timedelta(days=1),
                                                  location_id=location_id),
        "availability": lambda s: availability.find_slots(
            s, actor, s.get(Service, service_id), start, start + timedelta(days=30),
            limit=10, practitioner_ids=pracs),
        "patient search": lambda s: patients.search(s, actor, "smi"),
        "case timeline": lambda s: reports.case_timeline(s, actor, case_id),
        "worklist": lambda s: reports.ready_to_bill(s, actor, limit=100),
        "revenue": lambda s: reports.revenue_by_practitioner(
            s, actor, TODAY - timedelta(days=365), TODAY),
        "invoices of a patient": lambda s: billing.list_invoices(s, actor,
                                                                 patient_id=patient_id),
        "appointments of a practitioner": lambda s: scheduling.list_appointments(
            s, actor, practitioner_id=pracs[0], start=start - timedelta(days=30), end=start),
        "account": lambda s: billing.account(s, actor, patient_id),
        # The front desk's and the billing clerk's (issue 14; timed in bench/frontdesk.py).
        "week of everyone": lambda s: scheduling.day_list(s, actor, monday, days=7,
                                                          location_id=location_id),
        "worklist, one practitioner": lambda s: reports.ready_to_bill(
            s, actor, practitioner_id=pracs[0]),
        "worklist, a payer": lambda s: reports.ready_to_bill(s, actor, payer_id=payer_id),
        "worklist, self-pay": lambda s: reports.ready_to_bill(s, actor, self_pay=True),
        "worklist, dates": lambda s: reports.ready_to_bill(
            s, actor, start=TODAY - timedelta(days=14), end=TODAY),
        "claim": lambda s: claims.read(s, actor, claim_id),
        "receipt": lambda s: billing.receipt(s, actor, payment_id),
        "quick search, name": lambda s: quick_search(s, actor, "smi"),
        "quick search, invoice number": lambda s: quick_search(s, actor, number),
        "draft edit": lambda s: billing.update_line(s, actor, drafts[0], line_id,
                                                    billing.LineUpdate(unit_price="81.00",
                                                                       reason="loyalty")),
        "bulk issue of five": lambda s: billing.issue_many(s, actor, drafts[1:]),
    }
    out = {}
    for name, operation in operations.items():
        counter = QueryCounter()
        with db.session() as s:
            event.listen(db.engine, "before_cursor_execute", counter)
            try:
                result = operation(s)
            finally:
                event.remove(db.engine, "before_cursor_execute", counter)
        rows = len(result) if hasattr(result, "__len__") else 1
        out[name] = (counter.count, rows)
    return out


@pytest.mark.parametrize("sizes", [(300, 3000)])
def test_query_counts_do_not_grow_with_data(db_url, request, tmp_path, sizes):  # type: ignore[no-untyped-def]
    seen = []
    for size in sizes:
        if db_url.startswith("sqlite"):
            path = tmp_path / f"size{size}.sqlite3"
            shutil.copy(request.getfixturevalue("sqlite_template"), path)
            url = f"sqlite:///{Path(path)}"
        else:
            truncate_postgres(db_url)
            url = db_url
        db = Database(url)
        bulk_seed(db, appointments=size, today=TODAY)
        seen.append(_counts(db))
        db.dispose()
    small, large = seen
    for name in small:
        assert small[name][0] == large[name][0], (name, small[name], large[name])
    # The larger clinic really has more to show in the lists that grow with it.
    assert large["revenue"][1] >= small["revenue"][1]
    assert large["day list"][1] > small["day list"][1] or large["day list"][1] > 0
