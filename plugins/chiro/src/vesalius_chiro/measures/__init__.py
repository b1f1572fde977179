"""Outcome measures of the chiropractic pack, one module each.

The NDI and the ODI are not here: the core's default pack ``general`` provides them for
every spine discipline and our templates refer to them (the NDI was ours up to 0.2.0).
"""

from .bq_back import BQ_BACK
from .bq_neck import BQ_NECK
from .rmdq import RMDQ

ALL = (BQ_BACK, BQ_NECK, RMDQ)
BY_ID = {m.id: m for m in ALL}

__all__ = ["ALL", "BQ_BACK", "BQ_NECK", "BY_ID", "RMDQ"]
