"""Courses of care for the demo clinic: how a case's outcome scores move over its visits.

Most courses improve over 6-12 visits, fast at first then levelling off, with visit-to-visit
spread; some plateau after a small gain; a few reach their goal early and are discharged;
a few patients drop out after two to four visits. A course is planned once per case from
the seeded random generator, so the same seed tells the same story.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal

from vesalius_sdk import OutcomeMeasure

Kind = Literal["improving", "plateau", "goal", "drop-out"]


@dataclass(frozen=True)
class Course:
    kind: Kind
    visits: int  # planned visits (a drop-out stops before)
    start: float  # severity at the first visit: 0 none ... 1 worst
    end: float  # severity the course levels off at
    stop_after: int  # visits attended before the course ends (discharge or drop-out)


def plan(rng: random.Random) -> Course:
    """A course: 60 % improving, 20 % plateau, 10 % discharged at goal, 10 % drop-out."""
    roll = rng.random()
    visits = rng.randint(6, 12)
    start = rng.uniform(0.45, 0.8)
    if roll < 0.6:
        return Course("improving", visits, start, start * rng.uniform(0.25, 0.55), visits)
    if roll < 0.8:
        return Course("plateau", visits, start, start * rng.uniform(0.8, 0.92), visits)
    if roll < 0.9:
        early = max(6, visits - rng.randint(0, 3))
        return Course("goal", visits, start, start * rng.uniform(0.05, 0.2), early)
    return Course("drop-out", visits, start, start * rng.uniform(0.3, 0.6), rng.randint(2, 4))


def severity(course: Course, visit: int, rng: random.Random) -> float:
    """Severity at the ``visit``-th attended visit (0 the first): an exponential approach
    from ``start`` to ``end`` (most of the gain in the first half of the course; a plateau
    gets there by its third visit), plus visit-to-visit spread."""
    rate = 1.0 if course.kind == "plateau" else 3.0 / course.visits  # per visit
    progress = (1 - math.exp(-rate * visit)) / (1 - math.exp(-rate * course.visits))
    level = course.start + (course.end - course.start) * min(progress, 1.0)
    spread = rng.gauss(0, 0.04) if visit else 0.0
    return min(max(level + spread, 0.0), 1.0)


def responses(measure: OutcomeMeasure, level: float, rng: random.Random) -> list[int]:
    """Item responses for ``measure`` at severity ``level``: each item at that fraction of
    its range from its best end (per the measure's direction), give or take one step."""
    out = []
    for item in measure.items:
        span = item.maximum - item.minimum
        worst = level * span + rng.gauss(0, 0.5)
        step = round(min(max(worst, 0), span))
        out.append(item.minimum + step if measure.direction == "higher-is-worse"
                   else item.maximum - step)
    return out
