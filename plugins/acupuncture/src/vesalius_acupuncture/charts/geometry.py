"""Plane-geometry helpers for the meridian chart: points along lines and smooth paths."""

from __future__ import annotations

from collections.abc import Sequence

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


def mirror(p: Point, axis: float = 150.0) -> Point:
    return (2 * axis - p[0], p[1])


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def smooth_path(points: Sequence[Point], closed: bool = True) -> str:
    """An SVG path through ``points`` (Catmull-Rom as cubic Béziers), open or closed."""
    n = len(points)
    if n < 2:
        raise ValueError("a path needs at least two points")
    d = [f"M{_fmt(points[0][0])},{_fmt(points[0][1])}"]
    if n == 2:
        return d[0] + f" L{_fmt(points[1][0])},{_fmt(points[1][1])}"
    for i in range(n if closed else n - 1):
        p0 = points[(i - 1) % n] if (closed or i > 0) else points[0]
        p1, p2 = points[i], points[(i + 1) % n]
        p3 = points[(i + 2) % n] if (closed or i + 2 < n) else points[-1]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(f"C{_fmt(c1[0])},{_fmt(c1[1])} {_fmt(c2[0])},{_fmt(c2[1])} "
                 f"{_fmt(p2[0])},{_fmt(p2[1])}")
    if closed:
        d.append("Z")
    return " ".join(d)


def scaled(points: Sequence[Point], factor: float) -> list[Point]:
    return [(round(x * factor, 1), round(y * factor, 1)) for x, y in points]
