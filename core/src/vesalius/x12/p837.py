"""Writing an 837P (005010X222A1) from plain data: the envelopes, the submitter and receiver,
one billing provider, and per claim the subscriber (the patient), the payer, CLM, HI and
the service lines. :func:`problems` lists what breaks the rules pyx12 does not check;
:func:`write` refuses to write a claim with any."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from . import checks

SEGMENT, ELEMENT, COMPONENT, REPETITION = "~", "*", ":", "^"
VERSION = "005010X222A1"
#: SBR09 claim filing indicator by our payer kind.
FILING_INDICATOR = {"medicare": "MB", "medicaid": "MC", "commercial": "CI",
                    "workers-comp": "WC", "other": "ZZ"}
#: DMG03 by our administrative sex.
SEX = {"female": "F", "male": "M"}


@dataclass(frozen=True)
class Problem:
    """Why a claim cannot go out: ``claim`` is its number, ``field`` where to fix it."""

    claim: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"claim {self.claim}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Party:
    """The clinic as submitter and billing provider, and the file's receiver."""

    organisation_name: str
    npi: str
    tax_id: str
    address_line1: str
    city: str
    state: str
    postal_code: str
    submitter_id: str
    contact_name: str
    contact_phone: str
    receiver_name: str
    receiver_id: str
    taxonomy_code: str | None = None
    test_mode: bool = True


@dataclass(frozen=True)
class Line:
    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    units: int
    date_of_service: date
    pointers: tuple[int, ...]


@dataclass(frozen=True)
class ClaimData:
    number: str
    total: Decimal
    #: The subscriber is the patient ("self"); a dependant's claim needs the 2000C loop.
    relationship: str
    member_id: str
    group_number: str | None
    filing_indicator: str
    family_name: str
    given_name: str
    birth_date: date | None
    sex: str | None
    address_line1: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    payer_name: str
    payer_code: str
    #: ICD-10-CM codes as the case holds them (with or without the dot), principal first.
    diagnoses: tuple[str, ...]
    lines: tuple[Line, ...]
    #: Rendering provider (loop 2310B) when the practitioner has an NPI.
    rendering_family_name: str | None = None
    rendering_given_name: str | None = None
    rendering_npi: str | None = None
    rendering_taxonomy: str | None = None
    prior_authorisation: str | None = None
    place_of_service: str = "11"


@dataclass(frozen=True)
class Envelope:
    control_number: int
    created: datetime
    claims: Sequence[ClaimData] = field(default_factory=tuple)


def clean(value: str | None, limit: int | None = None) -> str:
    """Text as an element carries it: upper case, the delimiters and anything outside the
    basic character set turned into spaces, runs of spaces folded."""
    text = (value or "").upper()
    text = re.sub(r"[^A-Z0-9 !\"&'()+,\-./;?=%@\[\]_{}\\|<>#$]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] if limit else text


def amount(value: Decimal) -> str:
    """An R element: no trailing zeros needed, but two decimals read best and are valid."""
    return f"{value:.2f}"


def party_problems(party: Party | None) -> list[Problem]:
    if party is None:
        return [Problem("*", "x12_settings", "the clinic's billing-provider details (NPI, "
                                             "EIN, address, submitter and receiver ids) "
                                             "are not set")]
    found = []

    def need(ok: object, name: str, message: str) -> None:
        if not ok:
            found.append(Problem("*", f"x12_settings.{name}", message))

    need(clean(party.organisation_name), "organisation_name", "the name is empty")
    need(checks.npi_valid(party.npi), "npi",
         f"{party.npi!r} is not a valid NPI (10 digits, Luhn check digit)")
    need(re.fullmatch(r"[0-9]{9}", party.tax_id or ""), "tax_id", "the EIN is 9 digits")
    need(clean(party.address_line1) and clean(party.city), "address_line1",
         "the billing provider's street and city are required")
    need(re.fullmatch(r"[A-Z]{2}", party.state or ""), "state", "a two-letter state code")
    need(checks.zip9(party.postal_code), "postal_code",
         "the billing provider's ZIP code must have nine digits (ZIP+4)")
    need(re.fullmatch(r"[0-9]{10}", party.contact_phone or ""), "contact_phone",
         "ten digits")
    need(clean(party.submitter_id) and clean(party.receiver_id), "submitter_id",
         "the submitter and receiver ids are required")
    return found


def claim_problems(claim: ClaimData) -> list[Problem]:
    """What pyx12 would let through but a payer would reject, naming claim and field."""
    found: list[Problem] = []

    def need(ok: object, name: str, message: str) -> None:
        if not ok:
            found.append(Problem(claim.number, name, message))

    need(claim.relationship == "self", "coverage.relationship_to_subscriber",
         "only claims where the patient is the subscriber are written (a dependant's "
         "claim needs the subscriber's own name, birth date and address: not kept yet)")
    need(clean(claim.member_id), "coverage.member_id", "the member id is missing")
    need(clean(claim.payer_code), "payer.payer_code", "the payer has no electronic id")
    need(clean(claim.family_name) and clean(claim.given_name), "patient.name",
         "the patient's name is missing")
    need(claim.birth_date is not None, "patient.birth_date", "the date of birth is missing")
    need(claim.sex in SEX or claim.sex in ("unknown", "other"), "patient.sex",
         "the administrative sex is missing")
    need(clean(claim.address_line1) and clean(claim.city), "patient.address",
         "the patient's street and city are required")
    need(re.fullmatch(r"[A-Z]{2}", (claim.state or "").upper()), "patient.region",
         "a two-letter state code")
    need(checks.us_zip(claim.postal_code), "patient.postal_code",
         "a US ZIP code of 5 or 9 digits")
    if claim.rendering_npi is not None:
        need(checks.npi_valid(claim.rendering_npi), "practitioner.npi",
             f"{claim.rendering_npi!r} is not a valid NPI (Luhn check digit)")
    codes = [checks.icd10_for_x12(code) for code in claim.diagnoses]
    need(codes, "case.diagnosis_codes", "no diagnosis")
    need(len(codes) <= checks.MAX_DIAGNOSES, "case.diagnosis_codes",
         f"at most {checks.MAX_DIAGNOSES} diagnoses on one claim")
    for i, code in enumerate(codes):
        need(checks.ICD10.match(code), f"case.diagnosis_codes[{i}]",
             f"{claim.diagnoses[i]!r} is not an ICD-10-CM code")
    need(claim.lines, "lines", "the claim has no lines")
    need(len(claim.lines) <= 50, "lines", "at most 50 service lines on one claim")
    for i, line in enumerate(claim.lines):
        need(checks.PROCEDURE.match(line.code), f"lines[{i}].code",
             f"{line.code!r} is not a CPT or HCPCS code")
        need(len(line.modifiers) <= 4, f"lines[{i}].modifiers", "at most four modifiers")
        for modifier in line.modifiers:
            need(checks.MODIFIER.match(modifier), f"lines[{i}].modifiers",
                 f"{modifier!r} is not a modifier")
        need(line.charge > 0, f"lines[{i}].amount", "the charge must be more than zero")
        need(line.units >= 1, f"lines[{i}].units", "at least one unit")
        pointer_problem = checks.pointers_problem(line.pointers, len(codes))
        need(pointer_problem is None, f"lines[{i}].diagnosis_pointers", pointer_problem)
    need(checks.balanced(claim.total, [line.charge for line in claim.lines]), "total",
         f"the total {amount(claim.total)} is not the sum of the lines' charges")
    return found


class _Writer:
    def __init__(self) -> None:
        self.segments: list[str] = []

    def add(self, *elements: str) -> None:
        # Trailing empty elements are dropped, as the standard asks.
        items = list(elements)
        while items and items[-1] == "":
            items.pop()
        self.segments.append(ELEMENT.join(items) + SEGMENT)


def _name(party_kind: str, entity: str, name: str, qualifier: str, ident: str,
          given: str = "") -> tuple[str, ...]:
    return ("NM1", party_kind, entity, name, given, "", "", "", qualifier, ident)


def write(party: Party, envelope: Envelope) -> str:
    """The interchange text, one segment a line. Raises :class:`ValueError` listing the
    problems when any claim (or the clinic's details) breaks a rule."""
    found = party_problems(party)
    for claim in envelope.claims:
        found += claim_problems(claim)
    if not envelope.claims:
        found.append(Problem("*", "claims", "no claim to send"))
    if found:
        raise ProblemsError(found)
    control = f"{envelope.control_number:09d}"
    when = envelope.created
    out = _Writer()
    sender, receiver = clean(party.submitter_id, 15), clean(party.receiver_id, 15)
    out.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender.ljust(15), "ZZ",
            receiver.ljust(15), when.strftime("%y%m%d"), when.strftime("%H%M"), REPETITION,
            "00501", control, "0", "T" if party.test_mode else "P", COMPONENT)
    out.add("GS", "HC", sender, receiver, when.strftime("%Y%m%d"), when.strftime("%H%M"),
            str(envelope.control_number), "X", VERSION)
    start = len(out.segments)
    st02 = f"{envelope.control_number:04d}"
    out.add("ST", "837", st02, VERSION)
    out.add("BHT", "0019", "00", control, when.strftime("%Y%m%d"), when.strftime("%H%M"),
            "CH")
    out.add(*_name("41", "2", clean(party.organisation_name, 60), "46", sender))
    out.add("PER", "IC", clean(party.contact_name, 60), "TE", party.contact_phone)
    out.add(*_name("40", "2", clean(party.receiver_name, 60), "46", receiver))
    # One billing provider (HL 1) with one subscriber level per claim beneath it.
    out.add("HL", "1", "", "20", "1")
    if party.taxonomy_code:
        out.add("PRV", "BI", "PXC", clean(party.taxonomy_code))
    out.add(*_name("85", "2", clean(party.organisation_name, 60), "XX", party.npi))
    out.add("N3", clean(party.address_line1, 55))
    out.add("N4", clean(party.city, 30), party.state, party.postal_code)
    out.add("REF", "EI", party.tax_id)
    for hl, claim in enumerate(envelope.claims, start=2):
        _claim(out, hl, claim)
    out.add("SE", str(len(out.segments) - start + 1), st02)
    out.add("GE", "1", str(envelope.control_number))
    out.add("IEA", "1", control)
    return "\n".join(out.segments) + "\n"


def _claim(out: _Writer, hl: int, claim: ClaimData) -> None:
    # HL04 = 0: no patient level below, the patient is the subscriber (SBR02 = 18).
    out.add("HL", str(hl), "1", "22", "0")
    out.add("SBR", "P", "18", clean(claim.group_number, 50), "", "", "", "", "",
            claim.filing_indicator)
    out.add(*_name("IL", "1", clean(claim.family_name, 60), "MI", clean(claim.member_id, 80),
                   given=clean(claim.given_name, 35)))
    out.add("N3", clean(claim.address_line1, 55))
    out.add("N4", clean(claim.city, 30), (claim.state or "").upper(), claim.postal_code or "")
    assert claim.birth_date is not None
    out.add("DMG", "D8", claim.birth_date.strftime("%Y%m%d"), SEX.get(claim.sex or "", "U"))
    out.add(*_name("PR", "2", clean(claim.payer_name, 60), "PI", clean(claim.payer_code, 80)))
    out.add("CLM", clean(claim.number, 38), amount(claim.total), "", "",
            COMPONENT.join((claim.place_of_service, "B", "1")), "Y", "A", "Y", "Y")
    if claim.prior_authorisation:
        out.add("REF", "G1", clean(claim.prior_authorisation, 50))
    codes = [checks.icd10_for_x12(code) for code in claim.diagnoses]
    out.add("HI", *[COMPONENT.join(("ABK" if i == 0 else "ABF", code))
                    for i, code in enumerate(codes)])
    if claim.rendering_npi and claim.rendering_family_name:
        out.add(*_name("82", "1", clean(claim.rendering_family_name, 60), "XX",
                       claim.rendering_npi, given=clean(claim.rendering_given_name, 35)))
        if claim.rendering_taxonomy:
            out.add("PRV", "PE", "PXC", clean(claim.rendering_taxonomy))
    for n, line in enumerate(claim.lines, start=1):
        out.add("LX", str(n))
        out.add("SV1", COMPONENT.join(("HC", line.code, *line.modifiers)), amount(line.charge),
                "UN", str(line.units), "", "", COMPONENT.join(str(p) for p in line.pointers))
        out.add("DTP", "472", "D8", line.date_of_service.strftime("%Y%m%d"))


class ProblemsError(ValueError):
    """The claims (or the clinic's details) break rules an 837P must meet."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))
