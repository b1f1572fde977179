"""Body areas a massage therapist logs treatment by, and the muscle groups in each.

The treatment sequence is logged per area (back, neck, legs ...) as therapists work and bill;
the muscle map is finer. Each muscle-group region of the chart names its area in ``group``.
"""

from __future__ import annotations

#: (id, label), in head-to-toe order; ids are stored in notes, so they never change.
AREAS: tuple[tuple[str, str], ...] = (
    ("head-face", "Head, face and jaw"),
    ("neck", "Neck"),
    ("shoulders", "Shoulders"),
    ("upper-back", "Upper and mid back"),
    ("low-back", "Low back"),
    ("chest", "Chest"),
    ("abdomen", "Abdomen"),
    ("arms-hands", "Arms and hands"),
    ("hips-gluteals", "Hips and gluteals"),
    ("thighs", "Thighs"),
    ("lower-legs", "Lower legs"),
    ("feet", "Feet"),
    ("full-body", "Full body"),
)

AREA_IDS = frozenset(a for a, _ in AREAS)
