"""Break the glass in the browser (issue 13, finding 1): a practitioner who never saw a
patient does not read their notes, states a reason, reads them for a few hours; the owner
reviews the grant."""

from __future__ import annotations

from sqlalchemy import select
from vesalius.models import Note


def test_break_the_glass_in_the_browser(browser, db):
    with db.session() as s:  # the web tests' physio has no patients of their own
        note_id, patient_id = s.execute(select(Note.id, Note.patient_id)
                                        .where(Note.status == "signed")
                                        .order_by(Note.id).limit(1)).one()
    physio = browser("practitioner")
    profile = physio.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert 'id="break-glass"' in profile and 'id="documents"' not in profile
    assert physio.get(f"/chart/notes/{note_id}/view").status_code == 403
    short = physio.post(f"/access/patients/{patient_id}", {"reason": "because"})
    assert short.status_code == 422 and 'id="reason-error"' in short.get_data(as_text=True)
    assert physio.get(f"/chart/notes/{note_id}/view").status_code == 403
    granted = physio.post(f"/access/patients/{patient_id}",
                          {"reason": "Covering an urgent call from the patient"})
    assert granted.status_code == 302
    assert physio.get(f"/chart/notes/{note_id}/view").status_code == 200
    assert 'id="documents"' in physio.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert physio.get("/access/grants").status_code == 403
    review = browser("owner").get("/access/grants")
    assert review.status_code == 200
    assert "Covering an urgent call from the patient" in review.get_data(as_text=True)


def test_front_desk_cannot_break_the_glass(browser, db):
    with db.session() as s:
        patient_id = s.scalar(select(Note.patient_id).limit(1))
    desk = browser("front-desk")
    assert desk.get(f"/access/patients/{patient_id}").status_code == 403
    assert 'id="break-glass"' not in desk.get(f"/patients/{patient_id}").get_data(as_text=True)
