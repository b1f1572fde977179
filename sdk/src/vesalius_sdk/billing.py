"""Billing codes, charge lines, and the unit rules packs share.

Code descriptions (CPT and similar) are copyrighted: a :class:`BillingCode` carries the code
number with a ``label`` in the pack's own words. A charge rule (the ``charge_lines`` hook)
turns a signed note into :class:`ChargeLine` s; the core prices them from the payer's fee
schedule (or the code's ``default_fee``) and drafts the invoice.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ._base import Frozen, Label

CODE_PATTERN = r"^[A-Z0-9]{5}$"
MODIFIER_PATTERN = r"^[A-Z0-9]{2}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]
Modifier = Annotated[str, Field(pattern=MODIFIER_PATTERN)]
TimedMethod = Literal["cms", "per-code"]


class BillingCode(Frozen):
    """A billable code a pack uses, described in the pack's own words.

    ``timed`` codes are billed in units of ``unit_minutes`` of one-on-one time (the CMS
    8-minute rule); untimed codes are billed once per visit (or per ``units`` counted).
    ``default_fee`` is a list price the clinic can override with fee schedules.
    """

    system: Literal["CPT", "HCPCS", "local"] = "CPT"
    code: Code
    label: Label
    timed: bool = False
    unit_minutes: int | None = None
    default_fee: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)
    category: str | None = None

    @field_validator("default_fee", mode="before")
    @classmethod
    def _no_float(cls, value: object) -> object:
        if isinstance(value, float):
            raise ValueError("money is never a float: give a Decimal or a string such as '85.00'")
        return value

    @model_validator(mode="after")
    def _units(self) -> BillingCode:
        if self.timed and self.unit_minutes is None:
            object.__setattr__(self, "unit_minutes", 15)
        if not self.timed and self.unit_minutes is not None:
            raise ValueError(f"code {self.code}: unit_minutes goes with timed codes only")
        return self


class ChargeLine(Frozen):
    """One line a charge rule bills: a code, its units, modifiers, and the minutes behind it."""

    code: Code
    units: int = Field(ge=1, le=99)
    modifiers: tuple[Modifier, ...] = Field(default=(), max_length=4)
    minutes: int | None = Field(default=None, ge=0)


def timed_units(minutes_by_code: Mapping[str, int], method: TimedMethod = "cms") -> dict[str, int]:
    """Units per timed code for one date of service.

    ``method="cms"``: the CMS 8-minute rule (Medicare Claims Processing Manual 100-04, ch. 5,
    §20.2). The total timed minutes ``T`` give ``N = (T + 7) // 15`` units (none under 8
    minutes); each code gets ``minutes // 15`` full units; the remaining units go one each to
    the codes with the largest leftover minutes (ties: the code with more minutes in all,
    then the code given first).

    ``method="per-code"``: the AMA "rule of eights" some payers use; each code on its own,
    ``(minutes + 7) // 15`` units with at least 8 minutes for a unit.

    Returns the codes that earn units, in the order given; untimed codes do not belong here.
    Raises ``ValueError`` naming a code with negative or non-integer minutes.
    """
    for code, minutes in minutes_by_code.items():
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
            raise ValueError(f"minutes for {code} must be a whole number >= 0, got {minutes!r}")
    if method == "per-code":
        per_code = {code: (m + 7) // 15 if m >= 8 else 0 for code, m in minutes_by_code.items()}
        return {code: units for code, units in per_code.items() if units}
    if method != "cms":
        raise ValueError(f"unknown timed-unit method {method!r}: use 'cms' or 'per-code'")

    total = sum(minutes_by_code.values())
    allowed = (total + 7) // 15 if total >= 8 else 0
    units = {code: m // 15 for code, m in minutes_by_code.items()}
    remaining = allowed - sum(units.values())
    order = list(minutes_by_code)
    by_leftover = sorted(
        order,
        key=lambda c: (-(minutes_by_code[c] % 15), -minutes_by_code[c], order.index(c)),
    )
    for code in by_leftover[: max(remaining, 0)]:
        units[code] += 1
    return {code: n for code, n in units.items() if n}
