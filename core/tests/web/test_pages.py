"""Every page renders for the roles that use it, in a bounded number of queries that does
not grow with the data; the clinic can switch a pack off and on without losing notes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from vesalius.models import Appointment, Case, Invoice, Note

#: The most SQL statements a page may run (session, gate, audit writes included).
BOUNDS = {
    "/calendar/": 14,
    "/calendar/?by=room": 14,
    "/calendar/week": 14,
    "/chart/": 12,
    "/patients/{patient_id}": 30,
    "/cases/{case_id}": 20,
    "/chart/notes/{draft_id}": 20,
    "/chart/notes/{note_id}/view": 14,
    "/billing/ready": 8,
    "/billing/invoices": 10,
    "/billing/invoices/{invoice_id}": 16,
    "/reports/": 16,
    "/admin/": 8,
}


def _ids(db):
    with db.session() as s:
        note = s.scalar(select(Note).where(Note.status == "signed").order_by(Note.id).limit(1))
        draft = s.scalar(select(Note).where(Note.status == "draft").order_by(Note.id).limit(1))
        busy = s.scalar(select(Case.id).join(Note, Note.case_id == Case.id)
                        .group_by(Case.id).order_by(func.count().desc()).limit(1))
        return {"patient_id": note.patient_id, "case_id": busy, "note_id": note.id,
                "draft_id": draft.id,
                "invoice_id": s.scalar(select(Invoice.id).where(Invoice.note_id == note.id))}


@pytest.mark.parametrize("path", list(BOUNDS))
def test_query_count_is_bounded(browser, db, kit, path):
    owner = browser("owner")
    url = path.format(**_ids(db))
    owner.get(url)  # warm: registry, time zone and pack settings are cached per worker
    with kit.QueryCounter(db) as counter:
        response = owner.get(url)
    assert response.status_code == 200, url
    assert counter.count <= BOUNDS[path], f"{url}: {counter.count} queries"


def test_calendar_queries_do_not_grow_with_bookings(browser, db, kit):
    """A full day and an empty day cost the same number of queries."""
    with db.session() as s:
        busiest = s.execute(select(func.date(Appointment.start_at), func.count())
                            .group_by(func.date(Appointment.start_at))
                            .order_by(func.count().desc()).limit(1)).one()
    owner = browser("owner")
    counts = []
    for day in (busiest[0], (date.today() + timedelta(days=300)).isoformat()):
        owner.get(f"/calendar/?date={day}")
        with kit.QueryCounter(db) as counter:
            owner.get(f"/calendar/?date={day}")
        counts.append(counter.count)
    assert busiest[1] >= 10
    # The list read's two audit statements (its stored list, its event) are skipped on an
    # empty day: nothing was shown.
    assert counts[0] <= counts[1] + 2


def test_profile_queries_do_not_grow_with_history(browser, db, kit):
    """The patient with the most history and one with the least (both with some of each
    kind of record, so the same statements run) cost the same."""
    with db.session() as s:
        ranked = s.execute(select(Invoice.patient_id, func.count()).group_by(Invoice.patient_id)
                           .order_by(func.count().desc())).all()
    rich, poor = ranked[0][0], ranked[-1][0]
    assert ranked[0][1] > ranked[-1][1]
    owner = browser("owner")
    counts = []
    for patient_id in (rich, poor):
        owner.get(f"/patients/{patient_id}")
        with kit.QueryCounter(db) as counter:
            assert owner.get(f"/patients/{patient_id}").status_code == 200
        counts.append(counter.count)
    # Equal but for statements skipped on empty lists (no payments yet: no allocations to
    # load, no audit row to write): a fixed handful, never one per record.
    assert max(counts) <= BOUNDS["/patients/{patient_id}"]
    assert counts[0] <= counts[1] + 4


@pytest.mark.parametrize(("role", "paths"), [
    ("front-desk", ["/calendar/", "/calendar/week", "/calendar/book", "/calendar/waitlist",
                    "/patients/?q=a", "/patients/new", "/billing/ready", "/account"]),
    ("practitioner", ["/chart/", "/calendar/", "/patients/?q=a", "/account"]),
    # Outcome reports are clinical: not billing's (core/tests/web/test_report_permissions.py).
    ("billing", ["/billing/ready", "/billing/invoices", "/billing/claims", "/reports/",
                 "/reports/revenue.csv", "/reports/attendance.csv", "/reports/collection.csv"]),
    ("owner", ["/admin/", "/admin/users", "/admin/services", "/admin/locations"]),
])
def test_pages_render_for_their_roles(browser, role, paths):
    b = browser(role)
    for path in paths:
        response = b.get(path)
        assert response.status_code == 200, (role, path, response.status_code)


def test_reports_csv(browser):
    response = browser("billing").get("/reports/revenue.csv?from=2000-01-01")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "month,practitioner,visits,invoiced"
    assert len(lines) > 1


def test_csv_cells_cannot_be_formulas():
    from vesalius.web.reports import _cell

    assert _cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _cell("-12.50") == "-12.50"
    assert _cell("@SUM(A1)") == "'@SUM(A1)"


def test_landing_page_per_role(browser):
    assert browser("front-desk").get("/").headers["Location"].endswith("/calendar/")
    assert browser("practitioner").get("/").headers["Location"].endswith("/chart/")
    assert browser("billing").get("/").headers["Location"].endswith("/billing/ready")


def test_switching_a_pack_off_keeps_its_notes_readable(browser, db):
    with db.session() as s:
        signed = s.scalar(select(Note).where(Note.status == "signed",
                                             Note.pack == "chiro").limit(1))
        draft = s.scalar(select(Note).where(Note.status == "draft", Note.pack == "chiro")
                         .limit(1))
    if signed is None:
        pytest.skip("the seed has no chiro note")
    owner = browser("owner")
    assert owner.post("/admin/packs/chiro", {"enabled": "no", "reason": "trial"}).status_code \
        == 302
    try:
        page = owner.get("/admin/").get_data(as_text=True)
        assert "trial" in page
        view = owner.get(f"/chart/notes/{signed.id}/view")
        assert view.status_code == 200 and "content verified" in view.get_data(as_text=True)
        if draft is not None:
            waiting = owner.get(f"/chart/notes/{draft.id}").get_data(as_text=True)
            assert "cannot be edited now" in waiting
        from vesalius.plugins import get_registry

        assert "chiro.visit" not in get_registry().templates
    finally:
        owner.post("/admin/packs/chiro", {"enabled": "yes"})
    from vesalius.plugins import get_registry

    owner.get("/admin/")
    assert "chiro.visit" in get_registry().templates
