"""Appointment types ("services"): discipline, duration, buffer, default codes, price."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.types import money
from ..errors import Invalid
from ..models import Service
from ..models.scheduling import SERVICE_COLOURS
from ..plugins import get_registry
from . import audit
from .actor import Actor
from .common import Input, changes, get, parse_id
from .note_templates import check_service_template
from .practitioners import check_disciplines


class ServiceIn(Input):
    name: str = Field(min_length=1, max_length=200)
    discipline: str
    duration_minutes: int = Field(ge=5, le=24 * 60)
    buffer_minutes: int = Field(default=0, ge=0, le=240)
    default_codes: list[str] = Field(default_factory=list)
    price: Decimal = Field(default=Decimal("0.00"), ge=0, max_digits=12, decimal_places=2)
    late_cancel_fee: Decimal = Field(default=Decimal("0.00"), ge=0, max_digits=12,
                                     decimal_places=2)
    online_bookable: bool = True
    #: Note templates a visit of this service opens with (empty: the discipline decides).
    initial_template_id: str | None = Field(default=None, max_length=128)
    follow_up_template_id: str | None = Field(default=None, max_length=128)
    #: The calendar's fill, one of :data:`vesalius.models.scheduling.SERVICE_COLOURS`.
    colour: str | None = None

    @field_validator("initial_template_id", "follow_up_template_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("colour")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value and value not in SERVICE_COLOURS:
            raise ValueError("choose one of: " + ", ".join(SERVICE_COLOURS))
        return value or None

    @field_validator("price", "late_cancel_fee", mode="before")
    @classmethod
    def _no_float(cls, value: object) -> object:
        if isinstance(value, float):
            raise ValueError("money is never a float: send a string such as \"85.00\"")
        return value

    @field_validator("discipline")
    @classmethod
    def _discipline(cls, value: str) -> str:
        return check_disciplines([value])[0]


class ServiceUpdate(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    duration_minutes: int | None = Field(default=None, ge=5, le=24 * 60)
    buffer_minutes: int | None = Field(default=None, ge=0, le=240)
    default_codes: list[str] | None = None
    price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    late_cancel_fee: Decimal | None = Field(default=None, ge=0, max_digits=12,
                                            decimal_places=2)
    online_bookable: bool | None = None
    active: bool | None = None
    #: An empty string clears the default template (the discipline decides again).
    initial_template_id: str | None = Field(default=None, max_length=128)
    follow_up_template_id: str | None = Field(default=None, max_length=128)
    #: An empty string clears the colour (neutral blocks).
    colour: str | None = None

    _colour = field_validator("colour")(ServiceIn._colour.__func__)  # type: ignore[attr-defined]
    _no_float = field_validator("price", "late_cancel_fee", mode="before")(
        ServiceIn._no_float.__func__  # type: ignore[attr-defined]
    )
    _blank_is_none = field_validator("initial_template_id", "follow_up_template_id")(
        ServiceIn._blank_is_none.__func__  # type: ignore[attr-defined]
    )


def create_service(session: Session, actor: Actor, data: ServiceIn) -> Service:
    actor.require("settings.write")
    service = Service(**data.model_dump())
    _check_templates(service, TEMPLATE_FIELDS)
    service.price = money(data.price)
    session.add(service)
    session.flush()
    audit.record(session, actor, "create", "service", service.id)
    return service


def update_service(session: Session, actor: Actor, service_id: int,
                   data: ServiceUpdate) -> Service:
    actor.require("settings.write")
    service = get(session, Service, service_id, "service")
    given = data.model_dump(exclude_unset=True)
    changed = changes(service, given)
    _check_templates(service, TEMPLATE_FIELDS & set(given))
    if changed:
        audit.record(session, actor, "update", "service", service.id,
                     detail="fields: " + ", ".join(sorted(changed)))
    return service


TEMPLATE_FIELDS = frozenset({"initial_template_id", "follow_up_template_id"})


def _check_templates(service: Service, fields: frozenset[str] | set[str]) -> None:
    """Only the default templates given now are checked: one whose pack was switched off
    since does not stop the rest of the service from being edited (the rule skips it)."""
    registry = get_registry()
    for field in sorted(fields):
        setattr(service, field, check_service_template(
            registry, service.discipline, getattr(service, field), field))


def list_services(session: Session, actor: Actor, *, discipline: str | None = None,
                  include_inactive: bool = False) -> list[Service]:
    """Services by discipline and name; a patient lists only the active ones they book
    online (the others they cannot book: call the clinic)."""
    actor.require("availability.read")
    query = select(Service).order_by(Service.discipline, Service.name)
    if actor.is_patient:
        query = query.where(Service.online_bookable.is_(True))
        include_inactive = False
    if discipline:
        query = query.where(Service.discipline == discipline)
    if not include_inactive:
        query = query.where(Service.active.is_(True))
    return list(session.scalars(query))


def find_service(session: Session, actor: Actor, ref: str | int) -> Service:
    """A service by id or by exact name (the availability query accepts either)."""
    actor.require("availability.read")
    if isinstance(ref, int):
        return get(session, Service, ref, "service", field="service")
    if ref.isdigit():  # so are "¹" and Arabic-Indic digits: only ASCII ids in range count
        ident = parse_id(ref)
        if ident is None:
            raise Invalid(f"no service with id {ref!r}", field="service")
        return get(session, Service, ident, "service", field="service")
    service = session.scalar(select(Service).where(Service.name == ref))
    if service is None:
        raise Invalid(f"no service named {ref!r}", field="service")
    return service
