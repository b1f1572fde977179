"""X12 fixtures of the tests: our 837P sample (a file beside this module) and an 835 built
for a claim as a payer would send it (segment counts and totals right)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

PAST = date(2025, 1, 13)
ZERO = Decimal("0.00")

#: An 837P like the implementation guide's minimal professional claim (two therapy lines,
#: one ICD-10 code, the patient as subscriber), valid as it stands.
GOOD_837 = (Path(__file__).parent / "x12_good837.txt").read_text(encoding="ascii")

#: (procedure code, billed, paid, [(CAS group, reason, amount)]).
Service = tuple[str, str, str, list[tuple[str, str, str]]]


def _clp(number: str, status: str, services: list[Service], dos: date) -> list[str]:
    billed = sum((Decimal(b) for _c, b, _p, _a in services), ZERO)
    paid = sum((Decimal(p) for _c, _b, p, _a in services), ZERO)
    patient = sum((Decimal(a) for *_x, adj in services for g, _r, a in adj if g == "PR"), ZERO)
    out = [f"CLP*{number}*{status}*{billed}*{paid}*{patient}*12*PAYER{number}*11*1",
           "NM1*QC*1*DOE*JANE****MI*W123456789"]
    for code, b, _p, adjustments in services:
        allowed = Decimal(b) - sum((Decimal(a) for g, _r, a in adjustments if g == "CO"), ZERO)
        out += [f"SVC*HC:{code}:GP*{b}*{_p}**1", f"DTM*472*{dos:%Y%m%d}"]
        out += [f"CAS*{group}*{reason}*{amount}" for group, reason, amount in adjustments]
        out.append(f"AMT*B6*{allowed}")
    return out


def era(claim_number: str, services: list[Service], trace: str = "EFT0001",
        control: str = "000000101", status: str = "1", dos: date = PAST,
        extra_claims: list[str] | None = None) -> str:
    """An 835 answering one claim (plus CLPs of ``extra_claims``, 10.00 paid each)."""
    body = _clp(claim_number, status, services, dos)
    for number in extra_claims or []:
        body += _clp(number, "1", [("97110", "10.00", "10.00", [])], dos)
    total = sum((Decimal(seg.split("*")[4]) for seg in body if seg.startswith("CLP")), ZERO)
    transaction = [
        "ST*835*0001",
        f"BPR*I*{total}*C*ACH*CCP*01*999999992*DA*123456*1512345678**01*999988880*DA*98765"
        "*20250215",
        f"TRN*1*{trace}*1512345678", "DTM*405*20250215",
        "N1*PR*ACME HEALTH PLAN", "N3*1 PAYER WAY", "N4*CHICAGO*IL*60601",
        "PER*BL*PROVIDER SERVICES*TE*8005551212",
        "N1*PE*HARBOUR PHYSIO*XX*1234567893", "LX*1", *body]
    segments = [
        "ISA*00*          *00*          *ZZ*RECV001        *ZZ*SUBM001        *250215*0900*^"
        f"*00501*{control}*0*T*:",
        f"GS*HP*RECV001*SUBM001*20250215*0900*{int(control)}*X*005010X221A1",
        *transaction, f"SE*{len(transaction) + 1}*0001", f"GE*1*{int(control)}",
        f"IEA*1*{control}"]
    return "~\n".join(segments) + "~\n"
