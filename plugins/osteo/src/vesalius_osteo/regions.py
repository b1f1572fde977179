"""The ten osteopathic body regions: ids, names, and their somatic dysfunction codes.

The regions are those of OMT billing (CPT 98925-98929): head, cervical, thoracic, lumbar,
sacral, pelvic, lower extremities, upper extremities, rib cage, abdomen and viscera; both
extremities of a pair count as one region (American Academy of Pediatrics, "Osteopathic
Manipulative Treatment Coding Fact Sheet").
Each has an ICD-10-CM somatic dysfunction code M99.00-M99.09.
"""

from __future__ import annotations

#: (id, label, ICD-10-CM somatic dysfunction code), in the order of the M99.0x codes.
_TABLE = (
    ("head", "Head", "M99.00"),
    ("cervical", "Cervical", "M99.01"),
    ("thoracic", "Thoracic", "M99.02"),
    ("lumbar", "Lumbar", "M99.03"),
    ("sacral", "Sacral", "M99.04"),
    ("pelvic", "Pelvic", "M99.05"),
    ("lower-extremities", "Lower extremities", "M99.06"),
    ("upper-extremities", "Upper extremities", "M99.07"),
    ("rib-cage", "Rib cage", "M99.08"),
    ("abdomen", "Abdomen and viscera", "M99.09"),
)

REGIONS: tuple[str, ...] = tuple(row[0] for row in _TABLE)
LABEL: dict[str, str] = {rid: label for rid, label, _ in _TABLE}
DYSFUNCTION_CODE: dict[str, str] = {rid: code for rid, _, code in _TABLE}


def check(region_id: str) -> str:
    """``region_id`` itself when it is one of the ten; ``ValueError`` naming it otherwise."""
    if region_id not in LABEL:
        raise ValueError(f"unknown osteopathic body region {region_id!r}; the regions are "
                         + ", ".join(REGIONS))
    return region_id
