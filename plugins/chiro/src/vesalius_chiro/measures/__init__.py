"""Outcome measures of the chiropractic pack, one module each."""

from .bq_back import BQ_BACK
from .bq_neck import BQ_NECK
from .ndi import NDI
from .rmdq import RMDQ

ALL = (NDI, BQ_BACK, BQ_NECK, RMDQ)
BY_ID = {m.id: m for m in ALL}

__all__ = ["ALL", "BQ_BACK", "BQ_NECK", "BY_ID", "NDI", "RMDQ"]
