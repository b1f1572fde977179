"""The case team and restricted case details in the browser (issue 13): a practitioner who
never saw a patient gets a 403 page offering to break the glass instead of the case, and
sees the patient's cases listed without their titles; the front desk adds them to the
case's team (audited) and the case opens; removed, it closes again. The owner edits the
online-booking rules."""

from __future__ import annotations

from sqlalchemy import select
from vesalius.models import (
    Appointment,
    AuditEvent,
    Case,
    Note,
    OnlineBookingPolicy,
    Practitioner,
    User,
)


def _case_with_notes(db):  # type: ignore[no-untyped-def]
    with db.session() as s:  # the web tests' physio has no patients of their own
        case_id, patient_id, title = s.execute(
            select(Case.id, Case.patient_id, Case.title)
            .join(Note, Note.case_id == Case.id).where(Note.status == "signed")
            .order_by(Case.id).limit(1)).one()
        physio = s.scalar(select(Practitioner.id).join(User, User.id == Practitioner.user_id)
                          .where(User.email == "physio@clinic.test"))
    return case_id, patient_id, title, physio


def test_a_case_team_opens_the_case(browser, db):  # type: ignore[no-untyped-def]
    case_id, patient_id, title, physio_id = _case_with_notes(db)
    physio = browser("practitioner")
    closed = physio.get(f"/cases/{case_id}")
    page = closed.get_data(as_text=True)
    assert closed.status_code == 403 and 'id="case-restricted"' in page
    assert f"/access/patients/{patient_id}" in page and f">{title}<" not in page
    profile = physio.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert "details restricted" in profile and f">{title}<" not in profile
    with db.session() as s:  # a colleague's visit of that case: shown, its case withheld
        visit = s.scalar(select(Appointment.id).where(Appointment.case_id == case_id).limit(1))
    shown = physio.get(f"/calendar/appointments/{visit}")
    assert shown.status_code == 200, shown.status_code
    assert "details restricted" in shown.get_data(as_text=True)
    assert f">{title}<" not in shown.get_data(as_text=True)
    assert physio.post(f"/cases/{case_id}/team",
                       {"practitioner_id": str(physio_id)}).status_code == 403

    desk = browser("front-desk")
    page = desk.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="team"' in page and 'id="team-add"' in page
    added = desk.post(f"/cases/{case_id}/team", {"practitioner_id": str(physio_id)})
    assert added.status_code == 302
    again = desk.post(f"/cases/{case_id}/team", {"practitioner_id": str(physio_id)},
                      follow_redirects=True)
    assert "on this case&#39;s team already" in again.get_data(as_text=True)

    opened = physio.get(f"/cases/{case_id}")
    assert opened.status_code == 200 and f">{title}<" in opened.get_data(as_text=True)
    profile = physio.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert 'id="documents"' in profile and 'id="break-glass"' not in profile

    removed = desk.post(f"/cases/{case_id}/team/{physio_id}/remove")
    assert removed.status_code == 302
    assert physio.get(f"/cases/{case_id}").status_code == 403
    with db.session() as s:
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.resource_type == "case", AuditEvent.resource_id == case_id,
            AuditEvent.action.like("team-%")).order_by(AuditEvent.id)).all()
    assert actions == ["team-add", "team-remove"]


def test_the_owner_sets_the_online_booking_rules(browser, db):  # type: ignore[no-untyped-def]
    assert browser("front-desk").get("/admin/online-booking/").status_code == 403
    owner = browser("owner")
    page = owner.get("/admin/online-booking/")
    assert page.status_code == 200 and 'value="120"' in page.get_data(as_text=True)
    refused = owner.post("/admin/online-booking/", {"lead_minutes": "-1", "horizon_days": "90",
                                                   "max_future": "4"})
    assert refused.status_code == 422
    assert 'id="lead_minutes-error"' in refused.get_data(as_text=True)
    with db.session() as s:
        assert s.get(OnlineBookingPolicy, 1) is None  # nothing half written
    saved = owner.post("/admin/online-booking/", {"lead_minutes": "60", "horizon_days": "30",
                                                 "max_future": "2"})
    assert saved.status_code == 302
    with db.session() as s:
        row = s.get(OnlineBookingPolicy, 1)
        assert (row.lead_minutes, row.horizon_days, row.max_future) == (60, 30, 2)
