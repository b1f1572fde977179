"""Outcome measures of the acupuncture pack, one module per measure."""

from vesalius_sdk import OutcomeMeasure

from .mymop2 import MYMOP2

MEASURES: tuple[OutcomeMeasure, ...] = (MYMOP2,)

__all__ = ["MEASURES", "MYMOP2"]
