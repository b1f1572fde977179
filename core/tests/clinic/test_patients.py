"""Patients: registration, updates, consents, search by name prefix, phone, e-mail, birth
date; a patient may update only their own contact details."""

from __future__ import annotations

from datetime import date

import pytest
from clinic_factories import patient
from vesalius.errors import Forbidden, Invalid
from vesalius.services import Actor, patients


def test_search_by_name_phone_email_and_birth_date(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        smith = patient(s, system, "Jane", "Smith")
        smithers = patient(s, system, "Abe", "Smithers")
        jones = patient(s, system, "Smita", "Jones")
        other = patients.create(s, system, patients.PatientIn(
            given_name="Kofi", family_name="Mensah", birth_date=date(1990, 5, 17),
            email="Kofi.Mensah@Example.org", mobile="(416) 555-0199"))
        ids = {p.id: p.family_name for p in (smith, smithers, jones, other)}

    def found(q: str) -> list[str]:
        with db.session() as s:
            return [ids[p.id] for p in patients.search(s, system, q)]

    # Family names first (ordered), then given names.
    assert found("smi") == ["Smith", "Smithers", "Jones"]
    assert found("SMITH") == ["Smith", "Smithers"]
    assert found("jane smi") == ["Smith"]
    assert found("smith, ja") == ["Smith"]
    assert found("4165550199") == ["Mensah"]
    assert found("kofi.mensah@") == ["Mensah"]
    assert found("1990-05-17") == ["Mensah"]
    assert found("zzz") == []
    with db.session() as s:
        page = patients.search(s, system, "smi", limit=2, offset=1)
        assert [ids[p.id] for p in page] == ["Smithers", "Jones"]


def test_update_consents_and_patient_scope(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        ada = patient(s, system)
        grace = patient(s, system, "Grace", "Hopper")
        ada_id, grace_id = ada.id, grace.id
    me = Actor(user_id=50, role="patient", patient_id=ada_id)
    with pytest.raises(Forbidden) as refused, db.session() as s:
        patients.update(s, me, ada_id, patients.PatientUpdate(
            mobile="+1 416 555 0123", admin_note="I am lovely"))
    assert refused.value.field == "admin_note"  # not theirs to write: named, nothing saved
    with db.session() as s:
        updated = patients.update(s, me, ada_id, patients.PatientUpdate(
            mobile="+1 416 555 0123"))
        assert updated.mobile == "+1 416 555 0123"
        assert updated.admin_note is None
        assert updated.phone_key == "14165550123"
    with pytest.raises(Forbidden), db.session() as s:
        patients.update(s, me, grace_id, patients.PatientUpdate(phone="555 0100"))
    with pytest.raises(Invalid), db.session() as s:
        patients.update(s, system, ada_id, patients.PatientUpdate(family_name=None))
    with db.session() as s:
        patients.add_consent(s, system, ada_id, patients.ConsentIn(kind="sms", granted=True))
        patients.add_consent(s, system, ada_id, patients.ConsentIn(kind="sms", granted=False))
    with db.session() as s:
        assert patients.consents_in_force(patients.read(s, system, ada_id)) == {"sms": False}
    with pytest.raises(ValueError):
        patients.PatientIn(given_name="A", family_name="B", birth_date=date(2999, 1, 1))
    with pytest.raises(ValueError):
        patients.PatientIn(given_name="A", family_name="B", email="not-an-email")
