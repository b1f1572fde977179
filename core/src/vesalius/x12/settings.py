"""The clinic's identity on its 837P files (billing provider, submitter, receiver): one
row, set by the owner."""

from __future__ import annotations

from pydantic import Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.x12 import X12Settings
from ..services import audit
from ..services.actor import Actor
from ..services.common import Input
from . import checks
from .p837 import Party


class X12SettingsIn(Input):
    organisation_name: str = Field(min_length=1, max_length=60)
    npi: str = Field(pattern=r"^[0-9]{10}$")
    #: The employer identification number (EIN), nine digits.
    tax_id: str = Field(pattern=r"^[0-9]{9}$")
    taxonomy_code: str | None = Field(default=None, pattern=r"^[0-9A-Z]{9}X$")
    address_line1: str = Field(min_length=1, max_length=55)
    city: str = Field(min_length=1, max_length=30)
    state: str = Field(pattern=r"^[A-Z]{2}$")
    #: ZIP+4, nine digits (a hyphen is dropped).
    postal_code: str = Field(max_length=10)
    submitter_id: str = Field(min_length=2, max_length=15, pattern=r"^[0-9A-Za-z]+$")
    contact_name: str = Field(min_length=1, max_length=60)
    contact_phone: str = Field(pattern=r"^[0-9]{10}$")
    receiver_name: str = Field(min_length=1, max_length=60)
    receiver_id: str = Field(min_length=2, max_length=15, pattern=r"^[0-9A-Za-z]+$")
    test_mode: bool = True

    @field_validator("npi")
    @classmethod
    def _npi(cls, value: str) -> str:
        if not checks.npi_valid(value):
            raise ValueError("not a valid NPI: the check digit (Luhn, prefix 80840) is wrong")
        return value

    @field_validator("postal_code")
    @classmethod
    def _zip9(cls, value: str) -> str:
        value = value.replace("-", "")
        if not checks.zip9(value):
            raise ValueError("the billing provider's ZIP code must have nine digits (ZIP+4)")
        return value


def current(session: Session) -> X12Settings | None:
    return session.scalars(select(X12Settings).order_by(X12Settings.id).limit(1)).first()


def read(session: Session, actor: Actor) -> X12Settings | None:
    actor.require("claims.read")
    return current(session)


def save(session: Session, actor: Actor, data: X12SettingsIn) -> X12Settings:
    actor.require("settings.write")
    row = current(session)
    if row is None:
        row = X12Settings(**data.model_dump())
        session.add(row)
    else:
        for key, value in data.model_dump().items():
            setattr(row, key, value)
    session.flush()
    audit.record(session, actor, "update", "x12_settings", row.id)
    return row


def party(row: X12Settings | None) -> Party | None:
    if row is None:
        return None
    return Party(organisation_name=row.organisation_name, npi=row.npi, tax_id=row.tax_id,
                 address_line1=row.address_line1, city=row.city, state=row.state,
                 postal_code=row.postal_code, submitter_id=row.submitter_id,
                 contact_name=row.contact_name, contact_phone=row.contact_phone,
                 receiver_name=row.receiver_name, receiver_id=row.receiver_id,
                 taxonomy_code=row.taxonomy_code, test_mode=row.test_mode)
