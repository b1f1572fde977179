"""The clinic's own words for the messages it sends: template overrides per kind, language
and part, and the message settings (reminder schedule, default language). One settings
row (id 1); without it the defaults below apply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ._common import JSONType, updated_at

#: The parts of a message a clinic may rewrite: the e-mail's subject and text, the SMS.
PARTS = ("subject", "text", "sms")
#: One reminder, a day before.
DEFAULT_REMINDER_MINUTES = (24 * 60,)
DEFAULT_LANGUAGE = "en"


class MessageTemplate(Base):
    """The clinic's template for one part of one kind in one language (absent: the
    kind's default)."""

    __tablename__ = "message_templates"
    __table_args__ = (
        UniqueConstraint("kind", "language", "part"),
        CheckConstraint("part IN ('subject', 'text', 'sms')", name="part"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The message kind's key (``messaging.kinds``).
    kind: Mapped[str] = mapped_column(String(40))
    #: A supported language's primary tag ("en", "fr").
    language: Mapped[str] = mapped_column(String(20))
    part: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = updated_at()


class MessageSettings(Base):
    __tablename__ = "message_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    #: Minutes before the start at which a reminder is sent, largest first.
    reminder_minutes: Mapped[list[int]] = mapped_column(
        JSONType, default=lambda: list(DEFAULT_REMINDER_MINUTES))
    #: The language of patients who gave none (a supported primary tag).
    default_language: Mapped[str] = mapped_column(String(20), default=DEFAULT_LANGUAGE)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = updated_at()
