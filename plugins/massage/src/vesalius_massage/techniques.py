"""Massage techniques, the pressures they are given at, and the code each is billed under.

CPT defines 97124 as massage by effleurage, petrissage and tapotement, and 97140 as manual
therapy techniques, naming manual lymphatic drainage, and its notes code myofascial release
there too (Collins, Codes for soft-tissue work, Dynamic Chiropractic 2007;25(25)); trigger
point therapy without injection is billed as manual therapy as well (Kotlar, A comparison
of codes, Chiropractic Economics). Swedish, deep tissue and sports massage are massage
strokes at different pressure and intent: 97124. The code follows the service performed,
never the one a payer pays better (ChiroCode, Should I bill massage as 97124 or 97140?).
"""

from __future__ import annotations

from dataclasses import dataclass

PRESSURES: tuple[tuple[str, str], ...] = (
    ("light", "Light"),
    ("moderate", "Moderate"),
    ("firm", "Firm"),
    ("deep", "Deep"),
)


@dataclass(frozen=True)
class Technique:
    id: str
    label: str
    code: str


TECHNIQUES: tuple[Technique, ...] = (
    Technique("swedish", "Swedish massage", "97124"),
    Technique("deep-tissue", "Deep tissue massage", "97124"),
    Technique("sports", "Sports massage", "97124"),
    Technique("trigger-point", "Trigger point therapy", "97140"),
    Technique("myofascial-release", "Myofascial release", "97140"),
    Technique("lymphatic-drainage", "Manual lymphatic drainage", "97140"),
)

CODE_OF = {t.id: t.code for t in TECHNIQUES}
