"""The spine chart's vocabulary: segment and region ids, and the CMT region of each.

One table feeds the chart, the listing parser and the CMT rule, so that a segment cannot be
drawn in one region and billed in another. Segment names follow the Medicare Benefit Policy
Manual §240.1.4 (occiput, C1-C7, T1-T12, costovertebral R1-R12, L1-L5, ilii, sacrum,
coccyx); the CMT regions follow AMA, CPT Assistant, February 1997 (CMT and OMT body regions).
"""

from __future__ import annotations

from typing import Literal

SpinalRegion = Literal["cervical", "thoracic", "lumbar", "sacral", "pelvic"]
CmtGroup = Literal["cervical", "thoracic", "lumbar", "sacral", "pelvic", "extraspinal"]
Side = Literal["left", "right"]

#: The five spinal regions of CMT, in head-to-tail order.
SPINAL_REGIONS: tuple[SpinalRegion, ...] = ("cervical", "thoracic", "lumbar", "sacral", "pelvic")
SIDES: tuple[Side, ...] = ("left", "right")

CERVICAL = tuple(f"C{n}" for n in range(1, 8))
THORACIC = tuple(f"T{n}" for n in range(1, 13))
LUMBAR = tuple(f"L{n}" for n in range(1, 6))
#: Costovertebral / costotransverse joints, billed with the thoracic region.
RIBS = tuple(f"rib{n}-{side}" for n in range(1, 13) for side in SIDES)
ILIA = ("ilium-left", "ilium-right")
#: The five extraspinal regions of CMT 98943, with each extremity on its own side.
EXTRASPINAL = (
    "head",
    "upper-extremity-left",
    "upper-extremity-right",
    "lower-extremity-left",
    "lower-extremity-right",
    "rib-cage",
    "abdomen",
)

#: Every vertebral segment, head to tail (what Gonstead listings are written for).
SPINE = ("occiput", *CERVICAL, *THORACIC, *LUMBAR, "sacrum", "coccyx", *ILIA)

#: CMT region of every id the spine chart draws.
GROUP: dict[str, CmtGroup] = {
    "occiput": "cervical",
    **dict.fromkeys(CERVICAL, "cervical"),
    **dict.fromkeys(THORACIC, "thoracic"),
    **dict.fromkeys(RIBS, "thoracic"),
    **dict.fromkeys(LUMBAR, "lumbar"),
    "sacrum": "sacral",
    "coccyx": "sacral",
    **dict.fromkeys(ILIA, "pelvic"),
    **dict.fromkeys(EXTRASPINAL, "extraspinal"),
}

#: Other names clinicians write for a segment (Wisconsin primer, Medicare's "dorsal").
ALIASES: dict[str, tuple[str, ...]] = {
    "occiput": ("C0", "Occ"),
    "C1": ("atlas",),
    "C2": ("axis",),
    **{f"T{n}": (f"D{n}",) for n in range(1, 13)},
}

#: ICD-10-CM segmental and somatic dysfunction code of each region (ICD-10-CM M99.0x, CMS/NCHS).
DYSFUNCTION_CODE: dict[str, str] = {
    "head": "M99.00",
    "cervical": "M99.01",
    "thoracic": "M99.02",
    "lumbar": "M99.03",
    "sacral": "M99.04",
    "pelvic": "M99.05",
    "lower-extremity": "M99.06",
    "upper-extremity": "M99.07",
    "rib-cage": "M99.08",
    "abdomen": "M99.09",
}

_BY_ALIAS = {alias: segment for segment, aliases in ALIASES.items() for alias in aliases}


def canonical(region_id: str) -> str:
    """The chart id of ``region_id`` or of one of its aliases; ``ValueError`` naming it."""
    if region_id in GROUP:
        return region_id
    if region_id in _BY_ALIAS:
        return _BY_ALIAS[region_id]
    raise ValueError(f"unknown spine-chart region {region_id!r}")


def group_of(region_id: str) -> CmtGroup:
    """The CMT region (``cervical`` ... ``pelvic`` or ``extraspinal``) of a chart id."""
    return GROUP[canonical(region_id)]


def label(region_id: str) -> str:
    """A readable name of a chart id (``rib5-left`` -> ``Left rib 5``)."""
    if region_id.startswith("rib") and region_id in GROUP:
        number, side = region_id[3:].split("-")
        return f"{side.capitalize()} rib {number} (costovertebral)"
    named = {
        "occiput": "Occiput (C0)",
        "C1": "C1 (atlas)",
        "C2": "C2 (axis)",
        "sacrum": "Sacrum",
        "coccyx": "Coccyx",
        "ilium-left": "Left ilium (sacro-iliac)",
        "ilium-right": "Right ilium (sacro-iliac)",
        "head": "Head (incl. TMJ)",
        "upper-extremity-left": "Left upper extremity",
        "upper-extremity-right": "Right upper extremity",
        "lower-extremity-left": "Left lower extremity",
        "lower-extremity-right": "Right lower extremity",
        "rib-cage": "Rib cage (anterior, not costovertebral)",
        "abdomen": "Abdomen",
    }
    return named.get(region_id, region_id)


def dysfunction_code(region_id: str) -> str:
    """The M99.0x code for the region a chart id belongs to (``C5`` -> ``M99.01``)."""
    region_id = canonical(region_id)
    group = GROUP[region_id]
    if group != "extraspinal":
        return DYSFUNCTION_CODE[group]
    return DYSFUNCTION_CODE[region_id.removesuffix("-left").removesuffix("-right")]
