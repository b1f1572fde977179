"""Plane geometry for drawing anatomy: smooth outlines, strips cut into regions, clipping.

A body part is a strip between two smooth edges (a left and a right outline, each a
Catmull-Rom curve through a few control points, monotonic in ``y``); a region is the piece
of a strip between two cuts. Neighbouring regions share their cut, so together they tile the
strip with no gaps or overlaps, and a click anywhere on the body lands in exactly one region.
Closed outlines (a foot) are sampled into dense polygons and cut into zones by clipping.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

Point = tuple[float, float]

#: Spacing of the points of a densified curve, in chart units.
STEP = 3.0


def catmull_rom(points: Sequence[Point], step: float = STEP) -> list[Point]:
    """A smooth curve through ``points`` (uniform Catmull-Rom), sampled about every ``step``."""
    if len(points) < 3:
        return list(points)
    padded = [points[0], *points, points[-1]]
    out: list[Point] = [points[0]]
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        n = max(2, math.ceil(math.dist(p1, p2) / step))
        for k in range(1, n + 1):
            t = k / n
            t2, t3 = t * t, t * t * t
            x, y = (
                0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2
                       + (-a + 3 * b - 3 * c + d) * t3)
                for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
            )
            out.append((x, y))
    return out


class Edge:
    """An outline running down the body: ``x`` as a function of ``y``."""

    def __init__(self, control: Sequence[Point]) -> None:
        self.points = catmull_rom(control)
        ys = [y for _, y in self.points]
        if any(b < a for a, b in itertools.pairwise(ys)):
            raise ValueError("an edge must run downwards")

    @property
    def top(self) -> float:
        return self.points[0][1]

    @property
    def bottom(self) -> float:
        return self.points[-1][1]

    def x_at(self, y: float) -> float:
        """The edge's ``x`` at height ``y`` (clamped to the edge's ends)."""
        pts = self.points
        if y <= pts[0][1]:
            return pts[0][0]
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            if y0 <= y <= y1:
                return x0 if y1 == y0 else x0 + (x1 - x0) * (y - y0) / (y1 - y0)
        return pts[-1][0]

    def at(self, y: float) -> Point:
        return (self.x_at(y), y)

    def between(self, y0: float, y1: float) -> list[Point]:
        """The edge from ``y0`` to ``y1`` (either direction), ends included."""
        low, high = sorted((y0, y1))
        inner = [p for p in self.points if low < p[1] < high]
        run = [self.at(low), *inner, self.at(high)]
        return run if y0 <= y1 else run[::-1]

    def mirrored(self, axis: float) -> Edge:
        return Edge([(2 * axis - x, y) for x, y in self.points])


def cut(left: Edge, right: Edge, y_left: float, y_right: float | None = None,
        via: Sequence[Point] = ()) -> list[Point]:
    """A cut across a strip, from the left edge at ``y_left`` to the right edge at
    ``y_right`` (same height by default), through ``via`` points for a curved crease."""
    y_right = y_left if y_right is None else y_right
    line = [left.at(y_left), *via, right.at(y_right)]
    return catmull_rom(line) if via else line


def band(left: Edge, right: Edge, top: Sequence[Point], bottom: Sequence[Point]) -> list[Point]:
    """The polygon of a strip between two cuts (each given from left to right)."""
    return [
        *top,
        *right.between(top[-1][1], bottom[-1][1])[1:-1],
        *bottom[::-1],
        *left.between(bottom[0][1], top[0][1])[1:-1],
    ]


def ellipse_arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float,
                step: float = STEP) -> list[Point]:
    """Points of an ellipse from angle ``start`` to ``end`` (radians, y downwards)."""
    n = max(3, math.ceil(abs(end - start) * max(rx, ry) / step))
    return [(cx + rx * math.cos(start + (end - start) * k / n),
             cy + ry * math.sin(start + (end - start) * k / n)) for k in range(n + 1)]


def ellipse_y(cx: float, cy: float, rx: float, ry: float, x: float, lower: bool = True) -> float:
    """The ``y`` of the ellipse's lower (or upper) arc at ``x``."""
    dy = ry * math.sqrt(max(0.0, 1 - ((x - cx) / rx) ** 2))
    return cy + dy if lower else cy - dy


def mirror(points: Sequence[Point], axis: float) -> list[Point]:
    """``points`` reflected in the vertical line ``x = axis``, in reverse order."""
    return [(2 * axis - x, y) for x, y in reversed(points)]


def place(local: Sequence[Point], a: Point, b: Point, width: float) -> list[Point]:
    """Map a shape drawn about a base from ``(-width/2, 0)`` to ``(width/2, 0)``, growing
    towards +y, onto the segment ``a``-``b`` (growing away from the segment's left normal)."""
    ux, uy = (b[0] - a[0]) / math.dist(a, b), (b[1] - a[1]) / math.dist(a, b)
    scale = math.dist(a, b) / width
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    # +y of the local shape is the segment's normal turned to point down the limb.
    nx, ny = -uy, ux
    if ny < 0:
        nx, ny = -nx, -ny
    return [(mx + scale * (x * ux + y * nx), my + scale * (x * uy + y * ny)) for x, y in local]


def centroid(points: Sequence[Point]) -> Point:
    """The area centroid of a simple polygon (where its marks are drawn)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        xs, ys = zip(*points, strict=True)
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    return (cx / (3 * area), cy / (3 * area))


def rounded(points: Sequence[Point]) -> tuple[Point, ...]:
    """Points rounded to one decimal, consecutive duplicates dropped."""
    out: list[Point] = []
    for x, y in points:
        p = (round(x, 1), round(y, 1))
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return tuple(out)


def path_d(points: Sequence[Point], close: bool = True) -> str:
    """An SVG path through ``points``."""
    pts = rounded(points)
    d = "M" + " L".join(f"{x:g},{y:g}" for x, y in pts)
    return d + (" Z" if close else "")


def smooth_path(points: Sequence[Point], closed: bool = True) -> str:
    """An SVG path through ``points`` (Catmull-Rom turned into cubic Béziers), open or
    closed; two points make a straight line."""
    n = len(points)
    if n < 2 or (closed and n < 3):
        raise ValueError("a smooth path needs at least three points (two when open)")
    d = [f"M{_f(points[0][0])},{_f(points[0][1])}"]
    if n == 2:
        return d[0] + f" L{_f(points[1][0])},{_f(points[1][1])}"
    last = n if closed else n - 1
    for i in range(last):
        p0 = points[(i - 1) % n] if closed or i > 0 else points[i]
        p1 = points[i]
        p2 = points[(i + 1) % n]
        p3 = points[(i + 2) % n] if closed or i + 2 < n else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(
            f"C{_f(c1[0])},{_f(c1[1])} {_f(c2[0])},{_f(c2[1])} "
            f"{_f(p2[0])},{_f(p2[1])}"
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



def band_between(polygon: Sequence[Point], y_from: float, y_to: float) -> list[Point]:
    """The part of ``polygon`` between two horizontal lines."""
    return clip(clip(polygon, lambda p: p[1] - y_from), lambda p: y_to - p[1])



def capsule(base: Point, tip: Point, width: float, steps: int = 10) -> list[Point]:
    """A toe: a rounded-tip finger shape from the centre of its base to its tip.

    The tip is a half circle of diameter ``width``; the base is left square (it is hidden
    under the forefoot).
    """
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


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def polyline(points: Sequence[Point], closed: bool = True) -> str:
    """Path data through ``points`` with straight segments, one decimal."""
    data = "M" + " L".join(f"{_f(x)},{_f(y)}" for x, y in points)
    return data + (" Z" if closed else "")
