"""The booking form and the waitlist pages: a new patient booked in one form, a weekly series
previewed with its clashes named, the outside-hours rule (warn, refuse), conflict messages
in people's words, and a waitlist offer that asks for the service and the case."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from vesalius.models import (
    Appointment,
    Location,
    Patient,
    Practitioner,
    Service,
    User,
    WaitlistEntry,
)
from vesalius.services import Actor, practitioners, scheduling, waitlist
from vesalius.services.common import clinic_timezone


@pytest.fixture(scope="module")
def physio(db, kit):  # type: ignore[no-untyped-def]
    """The test physio, working every day 09:00-17:00 (lunch 12-13) at the first location,
    and the clinic's physio follow-up service."""
    system = Actor.system("tests")
    with db.session() as s:
        prac = s.scalar(select(Practitioner).join(User, User.id == Practitioner.user_id)
                        .where(User.email == kit.ROLES["practitioner"]))
        location = s.scalar(select(Location).where(Location.active.is_(True))
                            .order_by(Location.id).limit(1))
        practitioners.set_hours(s, system, prac.id, [
            practitioners.HoursIn(location_id=location.id, weekday=d, start_time=time(9),
                                  end_time=time(17)) for d in range(7)
        ] + [practitioners.HoursIn(location_id=location.id, weekday=d, start_time=time(12),
                                   end_time=time(13), kind="break") for d in range(7)])
        service = s.scalar(select(Service).where(Service.discipline == "physio",
                                                 Service.name.like("%follow-up%")))
        return {"practitioner": prac.id, "name": prac.display_name, "service": service.id,
                "minutes": service.duration_minutes,
                "zone": clinic_timezone(location.timezone)}


def _day(offset: int) -> date:
    return date.today() + timedelta(days=offset)


def _patients(db, family):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(s.scalars(select(Patient).where(Patient.family_name == family)))


def _count(db, patient_id):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Appointment)
                        .where(Appointment.patient_id == patient_id))


def test_a_new_patient_is_registered_and_booked_in_one_form(browser, db, physio):  # type: ignore[no-untyped-def]
    desk = browser("front-desk")
    form = {"new_given_name": "Hedy", "new_family_name": "Lamarr",
            "new_birth_date": "1984-11-09", "new_phone": "+1 416 555 0142",
            "practitioner_id": physio["practitioner"], "service_id": physio["service"],
            "date": _day(3).isoformat(), "time": "10:00", "case_id": "new"}
    booked = desk.post("/calendar/book", form)
    assert booked.status_code == 302, booked.get_data(as_text=True)[:600]
    (hedy,) = _patients(db, "Lamarr")
    assert hedy.birth_date == date(1984, 11, 9) and _count(db, hedy.id) == 1
    # The same person again: the form asks first, and books nothing.
    again = desk.post("/calendar/book", {**form, "time": "14:00"})
    body = again.get_data(as_text=True)
    assert again.status_code == 422 and "Possibly registered already: Hedy Lamarr" in body
    assert 'name="new_confirmed"' in body
    assert len(_patients(db, "Lamarr")) == 1 and _count(db, hedy.id) == 1
    # Neither a picked patient nor a new one's name: the field says so.
    none = desk.post("/calendar/book", {k: v for k, v in form.items()
                                        if not k.startswith("new_")})
    assert none.status_code == 422
    assert "Choose a patient, or enter a new patient" in none.get_data(as_text=True)


def test_the_form_offers_quick_dates_and_a_repeat_choice(browser):  # type: ignore[no-untyped-def]
    page = browser("front-desk").get("/calendar/book").get_data(as_text=True)
    today = date.today()
    monday = today + timedelta(days=7 - today.weekday())
    assert f'data-date="{monday.isoformat()}"' in page and ">Next Monday<" in page
    assert 'name="repeat_weeks"' in page and ">Every 2 weeks<" in page
    assert 'id="new-patient"' in page


def test_series_preview_names_clashes_then_books_the_free_dates(browser, db, physio):  # type: ignore[no-untyped-def]
    desk = browser("front-desk")
    with db.session() as s:
        grace = s.scalar(select(Patient).order_by(Patient.id).limit(1)).id
        other = s.scalar(select(Patient).order_by(Patient.id.desc()).limit(1)).id
    start = _day(20)
    zone = physio["zone"]
    # Someone else already has the second date's 09:00.
    with db.session() as s:
        scheduling.book(s, Actor.system("tests"), scheduling.BookingIn(
            patient_id=other, practitioner_id=physio["practitioner"],
            start=datetime.combine(start + timedelta(days=14), time(9), zone),
            end=datetime.combine(start + timedelta(days=14), time(9, 30), zone)))
    before = _count(db, grace)
    form = {"patient_id": grace, "practitioner_id": physio["practitioner"],
            "service_id": physio["service"], "date": start.isoformat(), "time": "09:00",
            "repeat_weeks": "2", "repeat_end": "count", "repeat_count": "3"}
    preview = desk.post("/calendar/book", {**form, "preview": "Preview the dates"})
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200, body[:600]
    rows = re.findall(r'<tr class="preview-(\w+)">', body)
    assert rows == ["free", "clash", "free"]
    assert f"{physio['name']} is already booked 09:00-09:30 with another patient" in body
    assert "UTC" not in body and _count(db, grace) == before  # nothing booked yet
    assert "Book 3 visits" in body
    # Booking all of them is refused, naming the date; skipping the clash books two.
    refused = desk.post("/calendar/book", {**form, "action": "book"})
    assert refused.status_code == 422
    assert "1 of 3 dates clash" in refused.get_data(as_text=True)
    assert _count(db, grace) == before
    booked = desk.post("/calendar/book", {**form, "action": "book", "skip_conflicts": "1"})
    assert booked.status_code == 302
    assert _count(db, grace) == before + 2
    with db.session() as s:
        series = {a.series_id for a in s.scalars(select(Appointment).where(
            Appointment.patient_id == grace, Appointment.start_at >= datetime.combine(
                start, time(0), zone)))}
    assert len(series) == 1 and None not in series


def test_series_until_a_date(browser, db, physio):  # type: ignore[no-untyped-def]
    desk = browser("front-desk")
    with db.session() as s:
        patient = s.scalar(select(Patient).order_by(Patient.id).offset(2).limit(1)).id
    start = _day(40)
    before = _count(db, patient)
    booked = desk.post("/calendar/book", {
        "patient_id": patient, "practitioner_id": physio["practitioner"],
        "service_id": physio["service"], "date": start.isoformat(), "time": "15:00",
        "repeat_weeks": "1", "repeat_end": "until",
        "repeat_until": (start + timedelta(days=21)).isoformat(), "action": "book"})
    assert booked.status_code == 302, booked.get_data(as_text=True)[:600]
    assert _count(db, patient) == before + 4


def test_outside_hours_warns_then_books_once_confirmed_or_refuses(browser, db, physio):  # type: ignore[no-untyped-def]
    desk, owner = browser("front-desk"), browser("owner")
    with db.session() as s:
        patient = s.scalar(select(Patient).order_by(Patient.id).offset(1).limit(1)).id
    day = _day(5)
    form = {"patient_id": patient, "practitioner_id": physio["practitioner"],
            "service_id": physio["service"], "date": day.isoformat(), "time": "18:30"}
    before = _count(db, patient)
    warned = desk.post("/calendar/book", form)
    body = warned.get_data(as_text=True)
    assert warned.status_code == 200 and 'id="outside-hours"' in body
    assert f"is outside {physio['name']}&#39;s working hours (09:00-12:00, 13:00-17:00)" in body
    assert "Book anyway" in body and _count(db, patient) == before
    confirmed = desk.post("/calendar/book", {**form, "outside_ok": "Book anyway"})
    assert confirmed.status_code == 302 and _count(db, patient) == before + 1
    # The owner makes it a refusal: no confirmation is offered any more.
    assert desk.post("/admin/booking-rules", {"outside_hours": "refuse"}).status_code == 403
    assert owner.post("/admin/booking-rules", {"outside_hours": "refuse"}).status_code == 302
    assert 'value="refuse" checked' in owner.get("/admin/locations").get_data(as_text=True)
    refused = desk.post("/calendar/book", {**form, "time": "19:30", "outside_ok": "Book anyway"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "does not book outside working hours" in body
    assert "Book anyway" not in body and _count(db, patient) == before + 1
    owner.post("/admin/booking-rules", {"outside_hours": "warn"})


def test_a_clash_on_the_form_names_the_practitioner_in_local_time(browser, db, physio):  # type: ignore[no-untyped-def]
    desk = browser("front-desk")
    with db.session() as s:
        first, second = [p.id for p in s.scalars(select(Patient).order_by(Patient.id)
                                                  .offset(3).limit(2))]
    day = _day(6)
    form = {"practitioner_id": physio["practitioner"], "service_id": physio["service"],
            "date": day.isoformat()}
    assert desk.post("/calendar/book", {**form, "patient_id": first, "time": "10:00"}
                     ).status_code == 302
    clash = desk.post("/calendar/book", {**form, "patient_id": second, "time": "10:15"})
    body = clash.get_data(as_text=True)
    end = (datetime.combine(day, time(10)) + timedelta(minutes=physio["minutes"]))
    assert clash.status_code == 422
    assert (f"{physio['name']} is already booked 10:00-{end:%H:%M} with another patient"
            in body)
    assert "UTC" not in body and "appointment " not in body


def test_waitlist_is_in_the_menu(browser):  # type: ignore[no-untyped-def]
    page = browser("front-desk").get("/calendar/").get_data(as_text=True)
    nav = page[page.index("<nav"):page.index("</nav>")]
    assert 'href="/calendar/waitlist"' in nav and ">Waitlist<" in nav


def test_offer_asks_for_service_and_case_then_books_and_clears_the_entry(browser, db, physio):  # type: ignore[no-untyped-def]
    desk = browser("front-desk")
    system = Actor.system("tests")
    zone = physio["zone"]
    day = _day(9)
    while day.weekday() != 4:  # a Friday
        day += timedelta(days=1)
    with db.session() as s:
        leaving, waiting = [p.id for p in s.scalars(select(Patient).order_by(Patient.id)
                                                     .offset(5).limit(2))]
        appt = scheduling.book(s, system, scheduling.BookingIn(
            patient_id=leaving, practitioner_id=physio["practitioner"],
            start=datetime.combine(day, time(14), zone),
            end=datetime.combine(day, time(14, 30), zone)))
        scheduling.cancel(s, system, appt.id, "moved away")
        entry = waitlist.add(s, system, waitlist.WaitlistIn(
            patient_id=waiting, part_of_day="afternoon", weekdays=[4], note="any Friday")).id
        name = s.get(Patient, waiting).display_name
        appt_id = appt.id
    page = desk.get(f"/calendar/appointments/{appt_id}").get_data(as_text=True)
    assert name in page and "Waitlist entry" not in page
    offer = re.search(rf'href="([^"]*waitlist={entry}[^"]*)"', page)
    assert offer, page[-2000:]
    form_page = desk.get(offer.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'id="waitlist-offer"' in form_page and name in form_page
    assert f'name="waitlist_id" value="{entry}"' in form_page
    assert 'value="14:00"' in form_page and f'value="{day.isoformat()}"' in form_page
    before = _count(db, waiting)
    fields = {"waitlist_id": entry, "patient_id": waiting,
              "practitioner_id": physio["practitioner"], "date": day.isoformat(),
              "time": "14:00"}
    asked = desk.post("/calendar/book", fields)
    body = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert "Choose the service for this visit." in body
    assert "Choose the patient&#39;s case, or a new one." in body
    assert _count(db, waiting) == before
    booked = desk.post("/calendar/book", {**fields, "service_id": physio["service"],
                                          "case_id": "new", "case_title": "Ankle sprain"})
    assert booked.status_code == 302, booked.get_data(as_text=True)[:600]
    assert "/calendar/appointments/" in booked.headers["Location"]
    with db.session() as s:
        row = s.get(WaitlistEntry, entry)
        new = s.get(Appointment, row.appointment_id)
        assert row.status == "booked" and new.patient_id == waiting
        assert new.service_id == physio["service"] and new.case_id is not None
        assert new.start_at == datetime.combine(day, time(14), zone)


def test_a_move_outside_hours_is_judged_like_a_booking(browser, db, physio):  # type: ignore[no-untyped-def]
    """Dragging (or the appointment page's Move) into closed time: under "warn" it needs
    the confirmation the drag asks for (``outside_ok``), under "refuse" it is refused."""
    desk, owner = browser("front-desk"), browser("owner")
    system = Actor.system("tests")
    day = _day(6)
    with db.session() as s:
        patient = s.scalar(select(Patient).order_by(Patient.id).offset(2).limit(1)).id
        appt = scheduling.book(s, system, scheduling.BookingIn(
            patient_id=patient, practitioner_id=physio["practitioner"],
            service_id=physio["service"],
            start=datetime.combine(day, time(9), physio["zone"]))).id
        s.commit()
    desk.get("/calendar/")
    url = f"/calendar/appointments/{appt}/reschedule"
    headers = {"X-CSRFToken": desk.token, "Accept": "application/json"}
    evening = datetime.combine(day, time(18, 30), physio["zone"]).isoformat()
    warned = desk.client.post(url, data={"start_iso": evening}, headers=headers)
    assert warned.status_code == 422 and warned.get_json()["outside_hours"] == "warn"
    assert "outside" in warned.get_json()["error"]
    moved = desk.client.post(url, data={"start_iso": evening, "outside_ok": "1"},
                             headers=headers)
    assert moved.status_code == 200
    page = desk.get(f"/calendar/appointments/{appt}").get_data(as_text=True)
    assert 'name="outside_ok"' in page  # the page's Move form offers the confirmation
    owner.post("/admin/booking-rules", {"outside_hours": "refuse"})
    try:
        later = datetime.combine(day, time(19, 30), physio["zone"]).isoformat()
        refused = desk.client.post(url, data={"start_iso": later, "outside_ok": "1"},
                                   headers=headers)
        assert refused.status_code == 422 and refused.get_json()["outside_hours"] == "refuse"
        with db.session() as s:
            assert s.get(Appointment, appt).start_at.astimezone(physio["zone"]).time() == (
                time(18, 30))
    finally:
        owner.post("/admin/booking-rules", {"outside_hours": "warn"})
