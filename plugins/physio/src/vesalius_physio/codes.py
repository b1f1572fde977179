"""Billing codes of physiotherapy, in our own words.

Code numbers are CPT (American Medical Association) or HCPCS Level II (CMS); the labels are
ours, because CPT descriptors are the AMA's copyright. ``default_fee`` is a starting list
price for a self-pay clinic, set by us and not taken from any fee schedule: clinics replace
it with their own and with payers' fee schedules. The evaluation codes 97161-97164 are those
the AMA introduced in CPT 2017 for physical therapy evaluations (chosen by complexity, not
time). Which codes are timed (15-minute units of one-on-one time) follows CMS, Medicare
Claims Processing Manual (Pub. 100-04), chapter 5, section 20.2.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from vesalius_sdk import BillingCode


def _code(code: str, label: str, fee: str, *, timed: bool = False, category: str,
          system: Literal["CPT", "HCPCS"] = "CPT") -> BillingCode:
    return BillingCode(system=system, code=code, label=label, timed=timed,
                       default_fee=Decimal(fee), category=category)


EVALUATION_CODES = ("97161", "97162", "97163")
RE_EVALUATION_CODE = "97164"
#: The evaluation code of each complexity, as the initial assessment's field offers them.
CODE_FOR_COMPLEXITY = dict(zip(("low", "moderate", "high"), EVALUATION_CODES, strict=True))
#: Evaluations and the re-evaluation: one of them per day of a case. CMS's medically
#: unlikely edits allow each of 97161-97164 one unit per date of service; billing two
#: different evaluations on one day is refused by our rule as well.
EVALUATION_FAMILY = (*EVALUATION_CODES, RE_EVALUATION_CODE)

CODES: tuple[BillingCode, ...] = (
    # Evaluations: untimed, one per visit; complexity, not time, picks the code.
    _code("97161", "Physio evaluation, low complexity", "150.00", category="evaluation"),
    _code("97162", "Physio evaluation, moderate complexity", "150.00", category="evaluation"),
    _code("97163", "Physio evaluation, high complexity", "150.00", category="evaluation"),
    _code("97164", "Physio re-evaluation of an established plan of care", "100.00",
          category="evaluation"),
    # Timed: 15-minute units of one-on-one time.
    _code("97110", "Exercise for strength, range, endurance or flexibility", "45.00",
          timed=True, category="therapeutic procedure"),
    _code("97112", "Neuromuscular re-education: balance, coordination, proprioception",
          "48.00", timed=True, category="therapeutic procedure"),
    _code("97113", "Exercise in water (aquatic therapy)", "50.00", timed=True,
          category="therapeutic procedure"),
    _code("97116", "Gait training, stairs included", "42.00", timed=True,
          category="therapeutic procedure"),
    _code("97140", "Hands-on techniques: mobilisation, manipulation, soft tissue", "45.00",
          timed=True, category="therapeutic procedure"),
    _code("97530", "Functional activities practised one-on-one", "48.00", timed=True,
          category="therapeutic procedure"),
    _code("97535", "Training in self-care and home management", "45.00", timed=True,
          category="therapeutic procedure"),
    _code("97032", "Electrical stimulation, practitioner in attendance", "25.00", timed=True,
          category="modality"),
    _code("97033", "Iontophoresis", "30.00", timed=True, category="modality"),
    _code("97035", "Therapeutic ultrasound", "20.00", timed=True, category="modality"),
    # Untimed (supervised) modalities and other per-visit services.
    _code("97010", "Hot or cold packs", "10.00", category="modality"),
    _code("97012", "Mechanical traction", "30.00", category="modality"),
    _code("97014", "Electrical stimulation, unattended", "20.00", category="modality"),
    _code("G0283", "Electrical stimulation, unattended, not for wound care (Medicare)",
          "20.00", category="modality", system="HCPCS"),
    _code("97016", "Vasopneumatic compression device", "25.00", category="modality"),
    _code("97018", "Paraffin bath", "20.00", category="modality"),
    _code("97022", "Whirlpool", "30.00", category="modality"),
    _code("97026", "Infrared heat", "15.00", category="modality"),
    _code("97150", "Therapy in a group of two or more", "35.00",
          category="therapeutic procedure"),
    _code("20560", "Dry needling, one or two muscles", "60.00", category="dry needling"),
    _code("20561", "Dry needling, three or more muscles", "80.00", category="dry needling"),
)

BY_CODE: dict[str, BillingCode] = {c.code: c for c in CODES}
TIMED_CODES = tuple(c.code for c in CODES if c.timed)
UNTIMED_CODES = tuple(c.code for c in CODES if not c.timed)
#: What may be recorded as treatment at any visit (evaluations are per template).
TREATMENT_CODES = tuple(c.code for c in CODES if c.category != "evaluation")
