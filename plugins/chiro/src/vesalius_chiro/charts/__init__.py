"""Charts of the chiropractic pack."""

from .spine import SPINE

ALL = (SPINE,)

__all__ = ["ALL", "SPINE"]
