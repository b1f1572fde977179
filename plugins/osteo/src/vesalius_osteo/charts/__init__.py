"""Charts of the osteopathy pack."""

from .body import BODY

ALL = (BODY,)

__all__ = ["ALL", "BODY"]
