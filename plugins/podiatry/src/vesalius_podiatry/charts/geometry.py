"""Small plane-geometry helpers for drawing feet: smooth outlines and clipped zones.

Zones (forefoot, arch, heel, ...) are cut out of one foot outline, so that they follow the
foot's shape and tile it without gaps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Point = tuple[float, float]


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def smooth_path(points: Sequence[Point], closed: bool = True) -> str:
    """An SVG path through ``points`` (Catmull-Rom turned into cubic Béziers)."""
    n = len(points)
    if n < 3:
        raise ValueError("a smooth path needs at least three points")
    d = [f"M{_fmt(points[0][0])},{_fmt(points[0][1])}"]
    last = n if closed else n - 1
    for i in range(last):
        p0 = points[(i - 1) % n] if closed or i > 0 else points[i]
        p1 = points[i]
        p2 = points[(i + 1) % n]
        p3 = points[(i + 2) % n] if closed or i + 2 < n else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(
            f"C{_fmt(c1[0])},{_fmt(c1[1])} {_fmt(c2[0])},{_fmt(c2[1])} "
            f"{_fmt(p2[0])},{_fmt(p2[1])}"
        )
    if closed:
        d.append("Z")
    return " ".join(d)


def sample_smooth(points: Sequence[Point], steps: int = 8) -> list[Point]:
    """The closed Catmull-Rom curve through ``points`` as a dense polygon."""
    n = len(points)
    out: list[Point] = []
    for i in range(n):
        p0, p1, p2, p3 = (points[(i + k) % n] for k in (-1, 0, 1, 2))
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(tuple(  # type: ignore[arg-type]
                0.5 * (2 * p1[a] + (-p0[a] + p2[a]) * t
                       + (2 * p0[a] - 5 * p1[a] + 4 * p2[a] - p3[a]) * t2
                       + (-p0[a] + 3 * p1[a] - 3 * p2[a] + p3[a]) * t3)
                for a in (0, 1)
            ))
    return out


def clip(polygon: Sequence[Point], inside: Callable[[Point], float]) -> list[Point]:
    """Sutherland-Hodgman clip of ``polygon`` to the half-plane where ``inside(p) >= 0``.

    ``inside`` must be affine (a line's signed distance), so crossings are interpolated.
    """
    out: list[Point] = []
    n = len(polygon)
    for i in range(n):
        a, b = polygon[i], polygon[(i + 1) % n]
        fa, fb = inside(a), inside(b)
        if fa >= 0:
            out.append(a)
        if (fa >= 0) != (fb >= 0):
            t = fa / (fa - fb)
            out.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
    return out


def band(polygon: Sequence[Point], y_from: float, y_to: float) -> list[Point]:
    """The part of ``polygon`` between two horizontal lines."""
    return clip(clip(polygon, lambda p: p[1] - y_from), lambda p: y_to - p[1])


def capsule(base: Point, tip: Point, width: float, steps: int = 10) -> list[Point]:
    """A toe: a rounded-tip finger shape from the centre of its base to its tip.

    The tip is a half circle of diameter ``width``; the base is left square (it is hidden
    under the forefoot).
    """
    import math

    dx, dy = tip[0] - base[0], tip[1] - base[1]
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length  # along the toe, towards the tip
    nx, ny = -uy, ux  # across the toe
    r = width / 2
    pts: list[Point] = [(base[0] + nx * r, base[1] + ny * r)]
    for s in range(steps + 1):
        angle = math.pi * s / steps
        c, si = math.cos(angle), math.sin(angle)
        # from +n round the tip to -n
        pts.append((tip[0] + r * (nx * c + ux * si), tip[1] + r * (ny * c + uy * si)))
    pts.append((base[0] - nx * r, base[1] - ny * r))
    return pts


def polygon_path(points: Sequence[Point]) -> str:
    """A closed straight-edged SVG path (for polygons too dense for a Polygon shape)."""
    head, *rest = points
    return (
        f"M{_fmt(head[0])},{_fmt(head[1])} "
        + " ".join(f"L{_fmt(x)},{_fmt(y)}" for x, y in rest)
        + " Z"
    )


def centroid(points: Sequence[Point]) -> Point:
    """The area centroid of a simple polygon (where a mark is drawn on a zone)."""
    area = cx = cy = 0.0
    n = len(points)
    for i in range(n):
        x0, y0 = points[i]
        x1, y1 = points[(i + 1) % n]
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        xs, ys = zip(*points, strict=True)
        return (sum(xs) / n, sum(ys) / n)
    return (cx / (3 * area), cy / (3 * area))
