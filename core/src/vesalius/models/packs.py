"""The clinic's memory of its packs: which ones it has run with, in the order it met them.

When two packs claim the same id, the one the clinic already ran with keeps it and the
newcomer is disabled (see ``vesalius.plugins.memory``); without this memory a newly
installed pack could knock out an enabled one by the alphabetical order of its name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ._common import created_at


class PackMemory(Base):
    """A pack this clinic has had enabled. Rows are added, never changed: a pack keeps its
    place when it is switched off, uninstalled and installed again."""

    __tablename__ = "pack_memory"

    pack: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Merge order: lower wins an id both packs claim (then the pack name).
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    distribution: Mapped[str | None] = mapped_column(String(200))
    first_enabled_at: Mapped[datetime] = created_at()
