"""Vesalius acupuncture pack.

``normalise_point("UB40") == "BL40"``: the standard code of a point written in any
accepted form (see :mod:`vesalius_acupuncture.charts.points`).
"""

from .charts.points import normalise_point

__all__ = ["normalise_point"]
