"""Who is asking: the user, their role, their patient scope, and where they came from."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import Forbidden
from ..permissions import CLINIC_WIDE, PATIENT, allowed


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: str
    #: For a patient: the one patient they may see.
    patient_id: int | None = None
    #: For a practitioner (or an owner who treats): their practitioner record.
    practitioner_id: int | None = None
    ip: str | None = None
    user_agent: str | None = None

    @classmethod
    def system(cls, reason: str = "system") -> Actor:
        """The command line and background jobs: full rights, audited as ``system``."""
        return cls(user_id=None, role="system", user_agent=reason)

    def with_origin(self, ip: str | None, user_agent: str | None) -> Actor:
        return replace(self, ip=ip, user_agent=(user_agent or "")[:200] or None)

    @property
    def is_patient(self) -> bool:
        return self.role == PATIENT

    def can(self, permission: str) -> bool:
        return self.role == "system" or allowed(self.role, permission)

    def require(self, permission: str, patient_id: int | None = None) -> None:
        """Raise :class:`Forbidden` unless the role holds ``permission`` and, for a patient,
        the record belongs to them (the object-level check behind most EHR IDOR bugs).
        Clinic-wide permissions (practitioners, services, locations) have no patient.
        The care team is checked on top by :func:`vesalius.services.access.require`."""
        if not self.can(permission):
            raise Forbidden(f"your role ({self.role}) may not do this ({permission})")
        if permission in CLINIC_WIDE:
            return
        if self.is_patient and (patient_id is None or patient_id != self.patient_id):
            raise Forbidden("this record belongs to another patient")

    def scope_patient(self) -> int | None:
        """The patient a query must be limited to, or None for staff."""
        return self.patient_id if self.is_patient else None
