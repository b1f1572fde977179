"""The services page sets a service's default note templates per visit kind, offering its
discipline's templates and the general ones; a blank choice gives the decision back to the
discipline."""

from __future__ import annotations

from sqlalchemy import select
from vesalius.models import Service


def test_owner_sets_and_clears_a_services_default_templates(browser, db) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        service_id = s.scalar(select(Service.id).where(Service.discipline == "physio")
                              .order_by(Service.id).limit(1))
    owner = browser("owner")
    page = owner.get("/admin/services").get_data(as_text=True)
    assert 'name="follow_up_template_id"' in page and 'value="physio.follow-up"' in page
    form = {"name": "Physio visit (templates)", "duration_minutes": "45",
            "buffer_minutes": "0", "price": "95.00", "late_cancel_fee": "0.00",
            "active": "on", "initial_template_id": "physio.initial-assessment",
            "follow_up_template_id": "general.soap"}
    response = owner.post(f"/admin/services/{service_id}", form)
    assert response.status_code == 302
    with db.session() as s:
        service = s.get(Service, service_id)
        assert (service.initial_template_id, service.follow_up_template_id) == (
            "physio.initial-assessment", "general.soap")
    # Another discipline's template is refused, naming the field; nothing changes.
    owner.post(f"/admin/services/{service_id}", {**form,
                                                 "follow_up_template_id": "chiro.visit"})
    with db.session() as s:
        assert s.get(Service, service_id).follow_up_template_id == "general.soap"
    owner.post(f"/admin/services/{service_id}", {**form, "initial_template_id": "",
                                                 "follow_up_template_id": ""})
    with db.session() as s:
        service = s.get(Service, service_id)
        assert (service.initial_template_id, service.follow_up_template_id) == (None, None)
