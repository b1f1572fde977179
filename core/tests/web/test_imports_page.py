"""The owner's import page: a dry run by default that reports bad rows by number and field
(422) and writes nothing; the import itself; uploads checked (type, size); owners only."""

from __future__ import annotations

import io

from sqlalchemy import func, select
from vesalius.models import Patient

GOOD = ("external_id,given_name,family_name,birth_date\n"
        "IMP-1,Imogen,Importer,1990-02-03\nIMP-2,Ivo,Importer,1988-07-01\n")


def _send(owner, data: bytes, name: str = "patients.csv", **form: str):  # type: ignore[no-untyped-def]
    owner.get("/admin/import/")
    fields = {"kind": "patients", "preset": "generic", **form,
              "file": (io.BytesIO(data), name)}
    return owner.post("/admin/import/", fields, content_type="multipart/form-data")


def _importers(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Patient)
                            .where(Patient.family_name == "Importer")))


def test_dry_run_then_import(browser, db):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    page = owner.get("/admin/import/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "Check the file" in page
    response = _send(owner, GOOD.encode(), dry_run="1")
    assert response.status_code == 200
    assert "would create 2" in response.get_data(as_text=True) and _importers(db) == 0
    response = _send(owner, GOOD.encode())
    assert "created 2" in response.get_data(as_text=True) and _importers(db) == 2


def test_bad_rows_and_bad_files(browser, db):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    before = _importers(db)
    bad = GOOD.replace("IMP-1", "IMP-3").replace("IMP-2", "IMP-4") + "IMP-5,Ina,,1991-01-01\n"
    response = _send(owner, bad.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<td class=\"num\">4</td><td>family_name</td>" in html
    assert "nothing was imported" in html and _importers(db) == before
    response = _send(owner, b"%PDF-1.7", name="patients.pdf")
    assert response.status_code == 422 and "must be a .csv file" in response.get_data(as_text=True)
    response = _send(owner, "external_id,given_name,family_name\nX,Zoë,Ü\n".encode("cp1252"))
    assert response.status_code == 422 and "not UTF-8" in response.get_data(as_text=True)
    response = _send(owner, b"x" * (51 * 1024 * 1024))
    assert response.status_code == 413
    assert "file: larger than 50 MB" in response.get_data(as_text=True)


def test_owners_only(browser):  # type: ignore[no-untyped-def]
    assert browser("front-desk").get("/admin/import/").status_code == 403
    assert browser("billing").get("/admin/import/").status_code == 403


def test_a_whole_export_and_the_new_kinds(browser, db):  # type: ignore[no-untyped-def]
    import zipfile

    owner = browser("owner")
    before = _importers(db)
    page = owner.get("/admin/import/").get_data(as_text=True)
    assert 'value="cases"' in page and 'value="balances"' in page
    assert 'value="archive"' in page
    export = io.BytesIO()
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("import/patients.csv", "external_id,given_name,family_name\n"
                                           "ZIP-1,Zia,Importer\n")
        zf.writestr("import/balances.csv", "patient_external_id,patient_balance,credit\n"
                                           "ZIP-1,12.50,1.00\n")
    response = _send(owner, export.getvalue(), name="clinic.zip", kind="archive",
                     dry_run="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Dry run: patients" in html and "Dry run: balances" in html
    assert _importers(db) == before
    response = _send(owner, export.getvalue(), name="clinic.zip", kind="archive")
    assert response.status_code == 200 and _importers(db) == before + 1
    response = _send(owner, b"patient_external_id,credit\nZIP-1,-1\n", name="b.csv",
                     kind="balances")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<td>credit</td>" in html
    response = _send(owner, b"x", name="clinic.csv", kind="archive")
    assert response.status_code == 422 and "must be the .zip" in response.get_data(as_text=True)
    response = _send(owner, b"patient_external_id\nZIP-1\n", name="b.csv", kind="balances",
                     preset="jane")
    assert response.status_code == 422 and "generic preset only" in response.get_data(as_text=True)
