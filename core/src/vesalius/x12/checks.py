"""The rules an 837P must meet that pyx12 does not check (it validates structure and
syntax, not these): each a small pure function."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

#: ICD-10-CM as sent in HI: a letter, a digit, then up to five characters, no dot.
ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")
#: CPT (five digits, or four and a letter for category II/III) or HCPCS level II.
PROCEDURE = re.compile(r"^(?:[0-9]{4}[0-9A-Z]|[A-V][0-9]{4})$")
MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
#: At most four pointers per service line (SV107-1..4) into at most 12 HI codes.
MAX_POINTERS, MAX_DIAGNOSES = 4, 12


def npi_valid(npi: str | None) -> bool:
    """A National Provider Identifier: ten digits whose last is the Luhn check digit of
    the other nine prefixed with 80840 (CMS, "Requirements for Constructing the NPI
    Check Digit", 2004)."""
    if not npi or not re.fullmatch(r"[0-9]{10}", npi):
        return False
    digits = [int(d) for d in "80840" + npi]
    total = 0
    # Luhn over the 15-digit number: double every second digit from the right.
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def icd10_for_x12(code: str) -> str:
    """The code as HI carries it: upper case, without the dot (M54.50 -> M5450)."""
    return code.replace(".", "").strip().upper()


def zip9(postal_code: str | None) -> bool:
    return bool(postal_code) and re.fullmatch(r"[0-9]{9}", postal_code or "") is not None


def us_zip(postal_code: str | None) -> bool:
    return re.fullmatch(r"[0-9]{5}(?:[0-9]{4})?", postal_code or "") is not None


def pointers_problem(pointers: Sequence[int], diagnoses: int) -> str | None:
    """Why SV107's pointers cannot stand, or None: 1 to 4 of them, each naming an HI
    entry that exists, none twice."""
    if not pointers:
        return "the line points at no diagnosis"
    if len(pointers) > MAX_POINTERS:
        return f"at most {MAX_POINTERS} diagnosis pointers per line"
    if len(set(pointers)) != len(pointers):
        return "a diagnosis pointer is repeated"
    for p in pointers:
        if not 1 <= p <= min(diagnoses, MAX_DIAGNOSES):
            return f"pointer {p} names no diagnosis (the claim has {diagnoses})"
    return None


def balanced(total: Decimal, line_charges: Sequence[Decimal]) -> bool:
    """CLM02 equals the sum of the lines' SV102."""
    return total == sum(line_charges, Decimal("0.00"))
