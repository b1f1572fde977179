"""Plane-geometry helpers for locating points: proportional units (cun) along a line."""

from __future__ import annotations

Point = tuple[float, float]


def lerp(a: Point, b: Point, t: float) -> Point:
    """The point a fraction ``t`` of the way from ``a`` to ``b``."""
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def cun(a: Point, b: Point, length: float, at: float) -> Point:
    """The point ``at`` cun from ``a`` on a line ``length`` cun long from ``a`` to ``b``.

    Acupuncture points are located in proportional units (cun) between landmarks: the
    elbow crease to the wrist crease is 12 cun, whatever the patient's size.
    """
    return lerp(a, b, at / length)
