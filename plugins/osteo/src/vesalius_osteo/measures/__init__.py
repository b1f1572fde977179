"""Outcome measures of the osteopathy pack, one module each."""

from .start_back import START_BACK

ALL = (START_BACK,)
BY_ID = {m.id: m for m in ALL}

__all__ = ["ALL", "BY_ID", "START_BACK"]
