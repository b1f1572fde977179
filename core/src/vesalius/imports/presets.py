"""Column presets: which CSV header means which of our fields. Headers are compared
normalised (case, spaces, punctuation: "First Name", "first_name" and "FIRST-NAME" are one
column), so a preset lists each field's names once.

- ``generic``: the JSON API's own field names (``given_name``, ``family_name``,
  ``birth_date``, ...) plus ``external_id``; appointments and cases name their patient by
  ``patient_external_id``. Cases and opening balances have this preset only: they are
  what ``vesalius export`` writes in ``import/``.
- ``cliniko``: the field names of Cliniko's patient and appointment records as its public
  API documents them (``first_name``, ``last_name``, ``date_of_birth``, ``address_1``,
  ``post_code``, ``country_code``, ...; https://docs.api.cliniko.com/).
- ``jane``: the column titles of Jane's patient list and appointments reports as clinics
  describe them ("First Name", "Last Name", "Birth Date", "Mobile Phone", ...). Not checked
  against a real export: a clinic maps any other title with ``--map HEADER=field``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PATIENT_FIELDS = (
    "external_id", "given_name", "family_name", "preferred_name", "birth_date", "sex",
    "gender_identity", "pronouns", "email", "phone", "mobile", "address_line1",
    "address_line2", "city", "region", "postal_code", "country", "emergency_contact_name",
    "emergency_contact_phone", "emergency_contact_relationship", "preferred_contact",
    "reminders_email", "reminders_sms", "marketing_opt_in", "language", "admin_note",
)
APPOINTMENT_FIELDS = (
    "external_id", "patient_external_id", "practitioner", "service", "location", "start",
    "end", "duration_minutes", "status", "booking_note", "cancel_reason",
    "case_external_id",
)
#: Cases and opening balances: the generic preset only (what ``vesalius export`` writes).
CASE_FIELDS = (
    "external_id", "patient_external_id", "discipline", "title", "status", "opened_on",
    "closed_on", "close_reason", "practitioner", "referral_source", "referral_date",
    "referrer_name", "referrer_npi", "injury_date", "diagnosis_codes", "authorised_visits",
    "authorisation_number", "plan_of_care_start", "plan_of_care_end",
)
BALANCE_FIELDS = ("patient_external_id", "patient_balance", "insurer_balance", "credit",
                  "as_of")


def normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower().lstrip("\ufeff")).strip("_")


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    #: normalised header -> our field, per kind ("patients", "appointments").
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def mapping(self, kind: str, headers: list[str],
                extra: dict[str, str] | None = None) -> dict[str, str]:
        """header as written in the file -> our field, for the headers this preset (or
        ``extra``, header -> field, given by the user) knows."""
        known = dict(self.columns.get(kind, {}))
        known.update({normalise(h): f for h, f in (extra or {}).items()})
        return {h: known[normalise(h)] for h in headers if normalise(h) in known}


def _same(fields: tuple[str, ...]) -> dict[str, str]:
    return {f: f for f in fields}


GENERIC = Preset("generic", "Vesalius field names", {
    "patients": _same(PATIENT_FIELDS),
    "appointments": _same(APPOINTMENT_FIELDS),
    "cases": _same(CASE_FIELDS),
    "balances": _same(BALANCE_FIELDS),
})

CLINIKO = Preset("cliniko", "Cliniko", {
    "patients": {
        "id": "external_id", "first_name": "given_name", "last_name": "family_name",
        "preferred_first_name": "preferred_name", "date_of_birth": "birth_date",
        "sex": "sex", "gender_identity": "gender_identity", "pronouns": "pronouns",
        "email": "email", "mobile": "mobile", "mobile_phone": "mobile", "phone": "phone",
        "home_phone": "phone", "address_1": "address_line1", "address_2": "address_line2",
        "city": "city", "state": "region", "post_code": "postal_code",
        "country_code": "country", "emergency_contact": "emergency_contact_name",
        "notes": "admin_note",
    },
    "appointments": {
        "id": "external_id", "patient_id": "patient_external_id",
        "practitioner": "practitioner", "practitioner_name": "practitioner",
        "appointment_type": "service", "appointment_type_name": "service",
        "business": "location", "business_name": "location",
        "appointment_start": "start", "starts_at": "start", "appointment_end": "end",
        "ends_at": "end", "status": "status", "notes": "booking_note",
        "cancellation_reason": "cancel_reason",
    },
})

JANE = Preset("jane", "Jane", {
    "patients": {
        "patient_id": "external_id", "patient_number": "external_id", "id": "external_id",
        "first_name": "given_name", "last_name": "family_name",
        "preferred_name": "preferred_name", "birth_date": "birth_date",
        "date_of_birth": "birth_date", "dob": "birth_date", "sex": "sex",
        "gender": "gender_identity", "pronouns": "pronouns", "email": "email",
        "email_address": "email", "mobile_phone": "mobile", "cell_phone": "mobile",
        "home_phone": "phone", "work_phone": "phone", "address": "address_line1",
        "address_line_1": "address_line1", "address_line_2": "address_line2",
        "city": "city", "province": "region", "state": "region",
        "province_state": "region", "postal_code": "postal_code", "zip": "postal_code",
        "postal_zip_code": "postal_code", "country": "country",
        "emergency_contact_name": "emergency_contact_name",
        "emergency_contact_phone": "emergency_contact_phone",
        "emergency_contact_relationship": "emergency_contact_relationship",
    },
    "appointments": {
        "appointment_id": "external_id", "id": "external_id",
        "patient_id": "patient_external_id", "patient_number": "patient_external_id",
        "staff_member": "practitioner", "practitioner": "practitioner",
        "treatment": "service", "service": "service", "location": "location",
        "start_at": "start", "start": "start", "end_at": "end", "end": "end",
        "duration": "duration_minutes", "duration_minutes": "duration_minutes",
        "state": "status", "status": "status", "notes": "booking_note",
        "cancellation_reason": "cancel_reason",
    },
})

PRESETS = {p.name: p for p in (GENERIC, CLINIKO, JANE)}
