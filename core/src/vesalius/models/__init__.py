"""The core's tables, one module per aggregate. Importing this registers them all."""

from .access import AccessGrant as AccessGrant  # re-exported; registers the table
from .auth import ApiToken, AuditEvent, AuditList, AuditListItem
from .backups import BackupClaim as BackupClaim  # re-exported; registers the table
from .backups import BackupRun as BackupRun
from .billing import (
    Claim,
    ClaimEvent,
    ClaimLine,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    RevenueMonth,
)
from .calendar_feeds import CalendarFeed as CalendarFeed  # re-exported; registers the table
from .case_team import CaseTeamMember as CaseTeamMember  # re-exported; registers the table
from .cases import Case
from .fhir_exports import FhirExport as FhirExport  # re-exported; registers the table
from .intake import IntakeRequest, MeasureWording
from .message_templates import MessageSettings, MessageTemplate
from .messages import OutboxMessage
from .notes import MeasureResult, Note, NoteAddendum
from .online_booking import OnlineBookingPolicy as OnlineBookingPolicy  # re-exported
from .packages import PackageDrawdown, PackageProduct, PackageProductService, PatientPackage
from .packs import PackMemory as PackMemory  # re-exported; registers the table
from .patients import Consent, Patient
from .payers import Coverage, FeeSchedule, FeeScheduleEntry, Payer
from .portal import PortalInvitation
from .public_booking import OnlineBookingRequest, PublicRateCounter, WaitlistOffer
from .retention import ErasureRequest as ErasureRequest  # registers the retention tables
from .scheduling import (
    Appointment,
    AppointmentSeries,
    BookingRules,
    Service,
    WaitlistEntry,
)
from .staff import Location, Practitioner, Room, TimeOff, User, WorkingHours
from .x12 import (
    RemittanceAdjustment as RemittanceAdjustment,  # re-exported; registers the X12 tables
)

__all__ = [
    "ApiToken", "Appointment", "AppointmentSeries", "AuditEvent", "AuditList",
    "AuditListItem", "BookingRules", "Case", "Claim", "ClaimEvent", "ClaimLine",
    "Consent", "Coverage", "FeeSchedule", "FeeScheduleEntry", "IntakeRequest", "Invoice",
    "InvoiceLine", "Location", "MeasureResult", "MeasureWording", "MessageSettings",
    "MessageTemplate", "Note", "NoteAddendum", "OnlineBookingRequest", "OutboxMessage",
    "PackageDrawdown", "PackageProduct", "PackageProductService", "Patient",
    "PatientPackage", "Payer", "Payment", "PaymentAllocation", "PortalInvitation",
    "Practitioner", "PublicRateCounter", "RevenueMonth", "Room", "Service", "TimeOff", "User",
    "WaitlistEntry", "WaitlistOffer", "WorkingHours",
]
