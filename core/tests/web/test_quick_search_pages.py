"""The quick-search endpoints (web/search.py): the JSON the header box reads, labelled and
linked; the plain results page; the box on staff pages; only what the role may see."""

from __future__ import annotations

from sqlalchemy import select
from vesalius.models import Invoice, Patient


def _a_patient_and_invoice(db):  # type: ignore[no-untyped-def]
    with db.session() as s:
        p = s.scalar(select(Patient).where(Patient.active.is_(True)).order_by(Patient.id))
        inv = s.execute(select(Invoice.id, Invoice.number)
                        .where(Invoice.number.is_not(None)).limit(1)).one()
        return p.id, p.family_name, inv


def test_json_results_are_labelled_and_linked(browser, db):  # type: ignore[no-untyped-def]
    patient_id, family, (invoice_id, number) = _a_patient_and_invoice(db)
    desk = browser("front-desk")
    data = desk.client.get(f"/search/quick?q={family}").get_json()
    mine = [r for r in data["results"] if r["id"] == patient_id]
    assert mine and mine[0]["kind"] == "patient"
    assert mine[0]["url"] == f"/patients/{patient_id}"
    assert mine[0]["detail"].startswith("Patient · born ")
    data = desk.client.get(f"/search/quick?q={number}").get_json()
    assert data["results"][0]["kind"] == "invoice"
    assert data["results"][0]["url"] == f"/billing/invoices/{invoice_id}"
    assert data["results"][0]["detail"].startswith("Invoice · ")
    assert desk.client.get("/search/quick?q=a").get_json() == {"results": []}


def test_practitioner_sees_no_invoices_and_the_portal_no_search(browser, db):  # type: ignore[no-untyped-def]
    _, _, (_, number) = _a_patient_and_invoice(db)
    physio = browser("practitioner")
    assert physio.client.get(f"/search/quick?q={number}").get_json() == {"results": []}
    assert browser(None).client.get("/search/quick?q=ab").status_code in (302, 401, 403)


def test_results_page_and_the_box_in_the_header(browser, db):  # type: ignore[no-untyped-def]
    patient_id, family, _ = _a_patient_and_invoice(db)
    desk = browser("front-desk")
    page = desk.get(f"/search/?q={family}").get_data(as_text=True)
    assert f'href="/patients/{patient_id}"' in page
    assert 'id="quick-q"' in page and 'role="combobox"' in page
    assert "js/search.js" in page
    assert "<script>alert" not in desk.get("/search/?q=<script>alert(1)</script>").get_data(
        as_text=True)
