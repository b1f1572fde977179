"""A measure's declared subscales beside their values: what the note editor's live score,
the signed note and the case's trend show.

Only the subscales a measure declares (``OutcomeMeasure.subscales``, SDK 0.2.1) are shown,
with the measure's own labels; other subscores (raw totals, answer counts) stay internal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vesalius_sdk import OutcomeMeasure


@dataclass(frozen=True)
class SubscaleValue:
    id: str
    label: str
    value: float | None
    #: Why it is not scored ("2 of 5 answered, 3 needed"); None when scored or not said.
    reason: str | None


def subscale_values(measure: OutcomeMeasure | None, subscores: Mapping[str, Any],
                    reasons: Mapping[str, str] | None = None) -> list[SubscaleValue]:
    """Each declared subscale of ``measure`` with its value from ``subscores`` (a Score's
    or a stored result's), in the measure's order. ``[]`` for an unknown measure or one
    that declares none (an SDK 0.2.0 measure has no ``subscales`` attribute)."""
    declared = getattr(measure, "subscales", ()) if measure is not None else ()
    out = []
    for subscale in declared:
        value = subscores.get(subscale.id)
        if isinstance(value, bool) or not isinstance(value, int | float):
            value = None
        out.append(SubscaleValue(subscale.id, subscale.label,
                                 float(value) if value is not None else None,
                                 None if value is not None else (reasons or {}).get(subscale.id)))
    return out
