"""Small pure helpers that published scoring rules are made of.

Each takes a measure and responses already checked by
:meth:`~vesalius_sdk.measures.OutcomeMeasure.check_responses` (``None`` = not answered).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .measures import OutcomeMeasure, Responses


def answered(responses: Responses) -> list[int]:
    """The values of the answered items, in order."""
    return [r for r in responses if r is not None]


def missing(responses: Responses) -> int:
    """How many items were not answered."""
    return sum(1 for r in responses if r is None)


def round_half_up(value: float, digits: int = 1) -> float:
    """Round as a clinician does on paper (``2.25 -> 2.3``), not banker's rounding."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def answered_maximum(measure: OutcomeMeasure, responses: Responses) -> int:
    """The highest possible sum over the answered items (their ranges' maxima)."""
    return sum(i.maximum for i, r in zip(measure.items, responses, strict=True) if r is not None)


def answered_minimum(measure: OutcomeMeasure, responses: Responses) -> int:
    """The lowest possible sum over the answered items (their ranges' minima)."""
    return sum(i.minimum for i, r in zip(measure.items, responses, strict=True) if r is not None)


def percent_of_answered(measure: OutcomeMeasure, responses: Responses, digits: int = 1) -> float:
    """``100 * (sum - min) / (max - min)`` over the answered items: ODI, FAAM, FFI style."""
    low = answered_minimum(measure, responses)
    high = answered_maximum(measure, responses)
    total = sum(answered(responses))
    return round_half_up(100 * (total - low) / (high - low), digits)


def mean_of_answered(responses: Responses, digits: int = 2) -> float:
    """The mean of the answered items: PSFS, MYMOP style."""
    values = answered(responses)
    return round_half_up(sum(values) / len(values), digits)
