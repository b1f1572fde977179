"""Charts of the acupuncture pack: the meridian chart and the point table."""

from .meridians import CHART_ID, MERIDIAN_CHART
from .points import MERIDIANS, POINTS, normalise_point

__all__ = ["CHART_ID", "MERIDIANS", "MERIDIAN_CHART", "POINTS", "normalise_point"]
