"""Reading an 835 (005010X221A1) into plain data. pyx12 validates the text first (see
:func:`read`); the segments are then walked here, with the delimiters the ISA declares:
BPR/TRN/DTM*405 (the payment), N1*PR (the payer), each CLP (2100) with its CAS, and each
SVC (2110) with its DTM*472 and CAS."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .validate import validate


class RemittanceError(ValueError):
    """The 835 cannot be read; ``field`` names the segment or element."""

    def __init__(self, message: str, field: str = "x12",
                 errors: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.errors = errors


@dataclass(frozen=True)
class Adjustment:
    group: str
    reason: str
    amount: Decimal


@dataclass
class ServicePayment:
    #: SVC01 as sent, e.g. "HC:97110:GP", and its parts.
    procedure: str
    code: str
    modifiers: tuple[str, ...]
    billed: Decimal
    paid: Decimal
    units: int | None
    date_of_service: date | None = None
    adjustments: list[Adjustment] = field(default_factory=list)


@dataclass
class ClaimPayment:
    reference: str
    status: str
    billed: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    payer_claim_number: str
    adjustments: list[Adjustment] = field(default_factory=list)
    services: list[ServicePayment] = field(default_factory=list)

    def all_adjustments(self) -> list[tuple[ServicePayment | None, Adjustment]]:
        return ([(None, a) for a in self.adjustments]
                + [(s, a) for s in self.services for a in s.adjustments])


@dataclass
class Remittance:
    sender_id: str
    interchange_control: str
    trace_number: str
    trace_originator: str
    total_paid: Decimal
    payment_method: str
    paid_on: date | None
    payer_name: str
    claims: list[ClaimPayment] = field(default_factory=list)
    #: PLB adjustments (provider level): read but not posted.
    provider_adjustments: Decimal = Decimal("0.00")


def _money(value: str, where: str) -> Decimal:
    try:
        amount = Decimal(value or "0")
    except InvalidOperation:
        raise RemittanceError(f"{where}: {value!r} is not an amount", where) from None
    if not amount.is_finite():
        raise RemittanceError(f"{where}: {value!r} is not an amount", where)
    return amount.quantize(Decimal("0.01"))


def _date(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def segments(text: str) -> tuple[list[list[str]], str]:
    """The segments as lists of elements, and the component separator, using the
    delimiters the ISA segment declares (element at 3, component at 104, segment at 105)."""
    body = text.lstrip()
    if not body.startswith("ISA") or len(body) < 106:
        raise RemittanceError("the text does not start with an ISA segment", "ISA")
    element, component, terminator = body[3], body[104], body[105]
    found = []
    for raw in body.split(terminator):
        raw = raw.strip("\r\n ")
        if raw:
            found.append(raw.split(element))
    return found, component


def el(seg: list[str], i: int) -> str:
    """Element ``i`` of a segment, empty when the segment stops before it."""
    return seg[i] if len(seg) > i else ""


def parse(text: str) -> Remittance:
    """The payment, payer and claims of an 835 (one interchange; every ST in it is read)."""
    found, component = segments(text)
    isa = found[0]
    remittance = Remittance(sender_id=isa[6].strip(), interchange_control=isa[13].strip(),
                            trace_number="", trace_originator="", total_paid=Decimal("0.00"),
                            payment_method="", paid_on=None, payer_name="")
    claim: ClaimPayment | None = None
    service: ServicePayment | None = None

    if not any(seg[0] == "ST" and el(seg, 1) == "835" for seg in found):
        raise RemittanceError("the interchange holds no 835 transaction", "ST")
    for seg in found:
        tag = seg[0]
        if tag == "BPR":
            remittance.total_paid += _money(el(seg, 2), "BPR02")
            remittance.payment_method = el(seg, 4)
            remittance.paid_on = _date(el(seg, 16))
        elif tag == "TRN" and not remittance.trace_number:
            remittance.trace_number, remittance.trace_originator = el(seg, 2), el(seg, 3)
        elif tag == "N1" and el(seg, 1) == "PR" and not remittance.payer_name:
            remittance.payer_name = el(seg, 2)
        elif tag == "CLP":
            claim = ClaimPayment(
                reference=el(seg, 1), status=el(seg, 2), billed=_money(el(seg, 3), "CLP03"),
                paid=_money(el(seg, 4), "CLP04"),
                patient_responsibility=_money(el(seg, 5), "CLP05"),
                payer_claim_number=el(seg, 7))
            service = None
            remittance.claims.append(claim)
        elif tag == "SVC" and claim is not None:
            parts = el(seg, 1).split(component)
            units = el(seg, 5)
            service = ServicePayment(
                procedure=el(seg, 1), code=el(parts, 1), modifiers=tuple(parts[2:]),
                billed=_money(el(seg, 2), "SVC02"), paid=_money(el(seg, 3), "SVC03"),
                units=int(units) if re.fullmatch(r"[0-9]{1,6}", units) else None)
            claim.services.append(service)
        elif tag == "DTM" and service is not None and el(seg, 1) == "472":
            service.date_of_service = _date(el(seg, 2))
        elif tag == "CAS" and claim is not None:
            group = el(seg, 1)
            # Up to six reason/amount/quantity triplets after the group code.
            for i in range(2, min(len(seg), 20), 3):
                if not el(seg, i):
                    continue
                adjustment = Adjustment(group, el(seg, i), _money(el(seg, i + 1), "CAS"))
                (service.adjustments if service is not None else claim.adjustments).append(
                    adjustment)
        elif tag == "PLB":
            for i in range(3, len(seg), 2):
                if el(seg, i + 1):
                    remittance.provider_adjustments += _money(el(seg, i + 1), "PLB")
        elif tag in ("LX", "SE", "N1"):  # a new header number, transaction or party
            claim = service = None
    if not remittance.trace_number:
        raise RemittanceError("the 835 has no TRN (payment trace number)", "TRN")
    return remittance


def read(text: str) -> Remittance:
    """Validate with pyx12 (an 835 that fails is refused whole, with pyx12's errors), then
    parse."""
    if not re.match(r"\s*ISA", text or ""):
        raise RemittanceError("the text does not start with an ISA segment", "ISA")
    result = validate(text)
    if not result.ok:
        raise RemittanceError("the 835 does not pass X12 validation: "
                              + "; ".join(result.errors[:5]), "x12", result.errors)
    return parse(text)
