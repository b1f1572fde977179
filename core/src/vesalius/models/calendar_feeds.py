"""Private calendar feeds: a practitioner's appointments as an iCalendar URL their phone or
desktop calendar subscribes to. The URL's token is a bearer credential, so only its SHA-256 is
kept; turning the feed off (or on again) revokes the old URL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.types import UTCDateTime
from ._common import created_at


class CalendarFeed(Base):
    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Refreshed at most once an hour: enough to show "last read by your calendar".
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
