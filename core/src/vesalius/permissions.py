"""The one permission table: which roles may do what. Checked by every service call and
every API route (deny by default: a permission not listed here is granted to nobody)."""

from __future__ import annotations

from collections.abc import Mapping

OWNER, FRONT_DESK, PRACTITIONER, BILLING, PATIENT = (
    "owner", "front-desk", "practitioner", "billing", "patient")
ROLES = (OWNER, FRONT_DESK, PRACTITIONER, BILLING, PATIENT)
STAFF = frozenset({OWNER, FRONT_DESK, PRACTITIONER, BILLING})
EVERYONE = STAFF | {PATIENT}

#: permission -> roles granted it. A patient's grants are limited to their own records by
#: the patient-scope check (``Actor.require(..., patient_id=...)``).
PERMISSIONS: Mapping[str, frozenset[str]] = {
    # Patients and their cases.
    "patients.read": EVERYONE,
    "patients.search": STAFF,
    "patients.create": frozenset({OWNER, FRONT_DESK, PRACTITIONER}),
    "patients.update": frozenset({OWNER, FRONT_DESK, PRACTITIONER, PATIENT}),
    "cases.read": EVERYONE,
    "cases.write": frozenset({OWNER, FRONT_DESK, PRACTITIONER}),
    #: Who sets a case's team (practitioners added join its patient's care team).
    "cases.team": frozenset({OWNER, FRONT_DESK}),
    # Scheduling.
    "practitioners.read": EVERYONE,
    "appointments.read": EVERYONE,
    "appointments.book": frozenset({OWNER, FRONT_DESK, PRACTITIONER, PATIENT}),
    #: Recurring series: staff only (a patient books one visit at a time, online rules).
    "appointments.series": frozenset({OWNER, FRONT_DESK, PRACTITIONER}),
    "appointments.change": frozenset({OWNER, FRONT_DESK, PRACTITIONER}),
    "appointments.cancel": frozenset({OWNER, FRONT_DESK, PRACTITIONER, PATIENT}),
    "calendar.read": STAFF,
    #: A practitioner's private iCalendar feed of their own appointments.
    "calendar.feed": frozenset({PRACTITIONER}),
    "availability.read": EVERYONE,
    "waitlist.read": frozenset({OWNER, FRONT_DESK, PRACTITIONER}),
    "waitlist.write": frozenset({OWNER, FRONT_DESK, PRACTITIONER}),
    # Clinical records.
    "notes.read": frozenset({OWNER, PRACTITIONER}),
    "notes.write": frozenset({OWNER, PRACTITIONER}),
    # A treating clinician signs: a practitioner, or an owner who treats. The signature
    # names the signer's practitioner record, so an owner without one is refused by
    # ``services.notes.sign`` (the role grants the permission, the record the ability).
    "notes.sign": frozenset({OWNER, PRACTITIONER}),
    "measures.read": frozenset({OWNER, PRACTITIONER, PATIENT}),
    "measures.record": frozenset({OWNER, PRACTITIONER, PATIENT}),
    "measures.score": EVERYONE,
    "templates.read": STAFF,
    # Intake before a visit: staff send forms and measures; a patient fills their own.
    "intake.send": frozenset({OWNER, FRONT_DESK, PRACTITIONER}),
    "intake.read": frozenset({OWNER, FRONT_DESK, PRACTITIONER}),
    "intake.fill": frozenset({PATIENT}),
    # Money.
    "billing.read": frozenset({OWNER, FRONT_DESK, BILLING, PATIENT}),
    "billing.write": frozenset({OWNER, FRONT_DESK, BILLING}),
    "claims.read": frozenset({OWNER, BILLING}),
    "claims.write": frozenset({OWNER, BILLING}),
    "reports.read": frozenset({OWNER, BILLING}),
    # Packages of sessions: the desk sells them as it takes payments (a patient buys a
    # pass at check-in); only owner and billing set what is sold and at what price.
    "packages.read": frozenset({OWNER, FRONT_DESK, BILLING, PATIENT}),
    "packages.sell": frozenset({OWNER, FRONT_DESK, BILLING}),
    "packages.products": frozenset({OWNER, BILLING}),
    # Administration.
    "settings.read": STAFF,
    "settings.write": frozenset({OWNER}),
    "users.manage": frozenset({OWNER}),
    #: Inviting a patient to the portal, revoking their access, seeing their account state.
    "portal.invite": frozenset({OWNER, FRONT_DESK}),
    "audit.read": frozenset({OWNER}),
    #: Importing patients and appointments from another system's CSV export.
    "imports.run": frozenset({OWNER}),
    #: Exporting the clinic's data (or one patient's, for an access request).
    "exports.run": frozenset({OWNER}),
    #: The outbox page: what was sent or failed, re-queueing and cancelling messages.
    "outbox.manage": frozenset({OWNER}),
    # Retention periods, destruction, erasure requests (a patient files and follows theirs).
    "retention.manage": frozenset({OWNER}),
    "erasure.manage": frozenset({OWNER}),
    "erasure.request": frozenset({OWNER, PATIENT}),
    "erasure.read": frozenset({OWNER, PATIENT}),
}

#: Permissions on the clinic itself (its practitioners, services, locations, hours, the
#: measures' scoring), not on anyone's record: a patient's scope does not narrow them.
CLINIC_WIDE = frozenset({"practitioners.read", "availability.read", "measures.score"})

#: Patient fields a patient may change on their own record (contact and consent
#: preferences); identity (name, birth date, sex) and staff fields are changed by staff.
PATIENT_EDITABLE = frozenset({
    "preferred_name", "gender_identity", "pronouns", "email", "phone", "mobile",
    "address_line1", "address_line2", "city", "region", "postal_code", "country",
    "emergency_contact_name", "emergency_contact_phone", "emergency_contact_relationship",
    "preferred_contact", "reminders_email", "reminders_sms", "marketing_opt_in", "language",
})
#: Patient fields only staff read.
STAFF_ONLY_FIELDS = frozenset({"admin_note"})


def allowed(role: str, permission: str) -> bool:
    """True when ``role`` holds ``permission``; unknown permissions are denied."""
    return role in PERMISSIONS.get(permission, frozenset())


def normalise_role(role: str) -> str:
    """Accept ``front_desk`` / ``Front Desk`` for ``front-desk``; raise on unknown roles."""
    value = role.strip().lower().replace("_", "-").replace(" ", "-")
    if value not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return value
