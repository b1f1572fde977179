"""The charts this pack contributes."""

from vesalius_sdk import ChartDefinition

from .body import BODY_CHART, CHART_ID

BODY_CHART_ID = CHART_ID
CHARTS: tuple[ChartDefinition, ...] = (BODY_CHART,)

__all__ = ["BODY_CHART", "BODY_CHART_ID", "CHARTS"]
