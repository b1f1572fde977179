"""The clinic's online-booking policy: how far ahead (at least and at most) a patient books
online, how many future appointments they may hold, and up to how long before a visit they
may cancel or move it in the portal. One row (id 1); without it the
defaults apply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ._common import updated_at

#: The defaults: 2 hours' notice, 90 days ahead at most, 4 future appointments.
DEFAULT_LEAD_MINUTES, DEFAULT_HORIZON_DAYS, DEFAULT_MAX_FUTURE = 120, 90, 4
#: By default a patient cancels or moves a visit in the portal up to 2 hours before it (a
#: cancellation inside the late-cancellation window still costs its fee).
DEFAULT_PORTAL_CHANGE_HOURS = 2


class OnlineBookingPolicy(Base):
    __tablename__ = "online_booking_policy"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    #: The shortest notice a patient's booking gives, in minutes.
    lead_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_LEAD_MINUTES)
    #: The furthest ahead a patient books, in days.
    horizon_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_HORIZON_DAYS)
    #: How many booked or confirmed future appointments a patient may hold.
    max_future: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_FUTURE)
    #: A patient cancels or moves a visit in the portal up to this many hours before it.
    portal_change_hours: Mapped[int] = mapped_column(Integer,
                                                     default=DEFAULT_PORTAL_CHANGE_HOURS)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = updated_at()
