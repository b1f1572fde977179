"""The sites of the foot chart and their stable ids.

Id scheme (documented in the pack README; ids are stored in signed notes, never rename):

``<side>-<site>`` where ``side`` is ``left`` or ``right`` and ``site`` is one of

- ``digit-<n>-dorsal`` / ``digit-<n>-plantar``: toe ``n`` (1 = hallux ... 5), top or pulp;
- ``nail-<n>``: the nail of toe ``n``;
- ``interdigital-<n>``: the web space between toes ``n`` and ``n + 1`` (1-4);
- ``met-head-<n>``: plantar skin under metatarsal head ``n`` (1-5);
- ``mtpj-1-medial`` (bunion site) and ``mtpj-5-lateral`` (tailor's bunion site);
- zones ``forefoot-dorsal``, ``midfoot-dorsal``, ``rearfoot-dorsal``, ``forefoot-plantar``,
  ``arch`` (medial longitudinal arch), ``midfoot-lateral`` (plantar lateral midfoot),
  ``heel-plantar``, ``heel-posterior``;
- ``malleolus-medial`` and ``malleolus-lateral``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Side = Literal["left", "right"]
Kind = Literal["digit", "nail", "interdigital", "met-head", "mtpj", "zone", "malleolus"]
Surface = Literal["dorsal", "plantar"]

SIDES: tuple[Side, Side] = ("left", "right")
DIGITS = (1, 2, 3, 4, 5)
ORDINAL = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th"}
TOE_NAME = {1: "hallux", 2: "2nd toe", 3: "3rd toe", 4: "4th toe", 5: "5th toe"}

#: Zones: id suffix -> (label, surface of the view it is drawn in).
ZONES: dict[str, tuple[str, Surface]] = {
    "forefoot-dorsal": ("forefoot, dorsum", "dorsal"),
    "midfoot-dorsal": ("midfoot, dorsum", "dorsal"),
    "rearfoot-dorsal": ("rearfoot and ankle, dorsum", "dorsal"),
    "forefoot-plantar": ("forefoot, plantar", "plantar"),
    "arch": ("medial longitudinal arch", "plantar"),
    "midfoot-lateral": ("lateral midfoot, plantar", "plantar"),
    "heel-plantar": ("heel, plantar", "plantar"),
    "heel-posterior": ("posterior heel (Achilles insertion)", "plantar"),
}


@dataclass(frozen=True)
class FootSite:
    """What a region id means: which foot, what kind of site, which digit, which surface."""

    id: str
    side: Side
    kind: Kind
    surface: Surface
    label: str
    digit: int | None = None
    zone: str | None = None

    @property
    def is_nail(self) -> bool:
        return self.kind == "nail"

    @property
    def plantar(self) -> bool:
        return self.surface == "plantar"


def _sites() -> dict[str, FootSite]:
    sites: list[FootSite] = []
    for side in SIDES:
        foot = side.capitalize()
        for n in DIGITS:
            sites.append(FootSite(f"{side}-digit-{n}-dorsal", side, "digit", "dorsal",
                                  f"{foot} {TOE_NAME[n]}, dorsal", digit=n))
            sites.append(FootSite(f"{side}-nail-{n}", side, "nail", "dorsal",
                                  f"{foot} {TOE_NAME[n]} nail", digit=n))
        for n in DIGITS[:-1]:
            sites.append(FootSite(f"{side}-interdigital-{n}", side, "interdigital", "dorsal",
                                  f"{foot} {ORDINAL[n]} interdigital space "
                                  f"(toes {n}-{n + 1})", digit=n))
        sites.append(FootSite(f"{side}-mtpj-1-medial", side, "mtpj", "dorsal",
                              f"{foot} 1st MTP joint, medial (bunion site)", digit=1))
        sites.append(FootSite(f"{side}-mtpj-5-lateral", side, "mtpj", "dorsal",
                              f"{foot} 5th MTP joint, lateral", digit=5))
        for where in ("medial", "lateral"):
            sites.append(FootSite(f"{side}-malleolus-{where}", side, "malleolus", "dorsal",
                                  f"{foot} {where} malleolus"))
        for n in DIGITS:
            sites.append(FootSite(f"{side}-digit-{n}-plantar", side, "digit", "plantar",
                                  f"{foot} {TOE_NAME[n]}, plantar (pulp)", digit=n))
            sites.append(FootSite(f"{side}-met-head-{n}", side, "met-head", "plantar",
                                  f"{foot} {ORDINAL[n]} metatarsal head, plantar", digit=n))
        for suffix, (label, surface) in ZONES.items():
            sites.append(FootSite(f"{side}-{suffix}", side, "zone", surface,
                                  f"{foot} {label}", zone=suffix))
    return {s.id: s for s in sites}


SITES: dict[str, FootSite] = _sites()
NAIL_IDS: tuple[str, ...] = tuple(s.id for s in SITES.values() if s.is_nail)

_NAIL = re.compile(r"^(left|right)-nail-([1-5])$")


def site(region_id: str) -> FootSite:
    """The site a region id names; ``KeyError`` for an id that is not on the foot chart."""
    try:
        return SITES[region_id]
    except KeyError:
        raise KeyError(f"{region_id!r} is not a site of the foot chart") from None


def nail_digit(region_id: str) -> tuple[Side, int]:
    """``("left", 3)`` for ``left-nail-3``; ``ValueError`` for anything that is not a nail."""
    match = _NAIL.match(region_id)
    if not match:
        raise ValueError(f"{region_id!r} is not a nail of the foot chart")
    return match.group(1), int(match.group(2))  # type: ignore[return-value]
