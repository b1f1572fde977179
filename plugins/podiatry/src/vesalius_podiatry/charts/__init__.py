"""Charts of the podiatry pack: the foot chart and its site table."""

from .feet import CHART_ID, FEET_CHART
from .sites import NAIL_IDS, SITES, FootSite, nail_digit, site

__all__ = ["CHART_ID", "FEET_CHART", "NAIL_IDS", "SITES", "FootSite", "nail_digit", "site"]
