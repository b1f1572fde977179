"""Gonstead listings: parse and check the misalignment shorthand written for a segment.

A listing names the direction a segment is misaligned in (the adjustment goes the opposite
way). The grammar depends on the segment (Gonstead Clinical Studies Society,
"X-Ray & Listing System Terms", gonstead.com):

* occiput: ``AS`` or ``PS``, then laterality ``LS`` or ``RS``, then optionally the condyle's
  rotation on the side of laterality: ``LA``/``LP`` with ``LS``, ``RA``/``RP`` with ``RS``
  (``ASRS``, ``PSLS-LP``);
* atlas (C1): ``AS``, the side of laterality ``R`` or ``L``, optionally its rotation
  ``A`` or ``P`` (``ASRA``, ``ASLP``, ``ASR``);
* C2 to L5: ``P``, the side the spinous process rotated to ``R`` or ``L``, the wedge on that
  side ``S`` or ``I``, optionally the contact point: ``-sp`` (spinous, any level), ``-la``
  (lamina, cervical), ``-T`` (transverse, thoracic), ``-M`` (mammillary, lumbar)
  (``PRS``, ``PLI-T``, ``PRI-M``); the axis also takes Palmer's ``2CPR`` / ``2CPL``;
* sacrum: ``P-R``, ``P-L``, ``PI-R``, ``PI-L`` or ``BP`` (base posterior);
* coccyx: ``A``, ``A-R``, ``A-L``;
* ilium: ``AS`` or ``PI`` and/or ``IN`` or ``EX`` (``PI``, ``EX``, ``ASIN``, ``PIEX``).

:func:`parse_listing` is a pure function: it returns a :class:`Listing` in canonical
spelling or raises ``ValueError`` saying what is wrong and what the segment takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .segments import CERVICAL, LUMBAR, THORACIC, canonical

SegmentKind = Literal["occiput", "atlas", "vertebra", "sacrum", "coccyx", "ilium"]
Contact = Literal["spinous", "lamina", "transverse", "mammillary"]

_SIDE = {"R": "right", "L": "left"}
_CONTACT: dict[str, tuple[Contact, str]] = {
    "SP": ("spinous", "-sp"),
    "LA": ("lamina", "-la"),
    "L": ("lamina", "-la"),  # some notes abbreviate the lamina contact to -L
    "T": ("transverse", "-T"),
    "M": ("mammillary", "-M"),
}
#: Contact points per region of C2-L5 (the lamina in the neck, the transverse process in the
#: thorax, the mammillary process in the low back; the spinous process anywhere).
_CONTACTS_BY_REGION: dict[str, tuple[Contact, ...]] = {
    "cervical": ("spinous", "lamina"),
    "thoracic": ("spinous", "transverse"),
    "lumbar": ("spinous", "mammillary"),
}

_GRAMMAR: dict[SegmentKind, str] = {
    "occiput": "AS or PS, then LS or RS, optionally LA/LP or RA/RP on the same side "
               "(e.g. ASRS, PSLS-LP)",
    "atlas": "AS, then R or L, optionally A or P (e.g. ASRA, ASLP, ASR)",
    "vertebra": "P, then R or L (spinous side), then S or I (wedge), optionally a contact "
                "point -sp, -la (cervical), -T (thoracic) or -M (lumbar) (e.g. PRS, PLI-T)",
    "sacrum": "P-R, P-L, PI-R, PI-L or BP",
    "coccyx": "A, A-R or A-L",
    "ilium": "AS or PI and/or IN or EX (e.g. PI, EX, ASIN, PIEX)",
}


@dataclass(frozen=True)
class Listing:
    """A parsed listing. ``text`` is the canonical spelling (``PLI-T``, ``ASRA``, ``P-R``)."""

    segment: str
    kind: SegmentKind
    text: str
    #: Primary direction letters: ``P``, ``AS``, ``PS``, ``PI``, ``BP``, ``A`` (or ``""``
    #: for an ilium listed only ``IN``/``EX``).
    direction: str
    system: Literal["gonstead", "palmer"] = "gonstead"
    #: Side of spinous rotation (C2-L5), laterality (occiput, atlas), posteriority (sacrum),
    #: or the ilium's own side.
    side: Literal["left", "right"] | None = None
    wedge: Literal["superior", "inferior"] | None = None
    rotation: Literal["anterior", "posterior"] | None = None
    flare: Literal["internal", "external"] | None = None
    contact: Contact | None = None

    def describe(self) -> str:
        """The listing in words, for printed notes and tooltips."""
        words = {"P": "posterior", "AS": "anterior-superior", "PS": "posterior-superior",
                 "PI": "posterior-inferior", "BP": "base posterior", "A": "anterior"}
        parts = [words[self.direction]] if self.direction else []
        if self.kind == "vertebra" and self.system == "gonstead":
            parts += [f"spinous {self.side}", f"{self.wedge} wedge"]
        elif self.system == "palmer":
            parts = [f"axis spinous {self.side} (Palmer)"]
        elif self.kind in ("occiput", "atlas"):
            parts.append(f"{self.side} laterality")
            if self.rotation:
                parts.append(f"{self.rotation} rotation on the {self.side}")
        elif self.kind in ("sacrum", "coccyx") and self.side:
            parts.append(f"on the {self.side}")
        if self.flare:
            parts.append(f"{self.flare} flare")
        if self.contact:
            parts.append(f"{self.contact} contact")
        return ", ".join(parts)


def segment_kind(segment_id: str) -> SegmentKind:
    """Which listing grammar a spine-chart id takes; ``ValueError`` when none does."""
    segment = canonical(segment_id)
    if segment == "occiput":
        return "occiput"
    if segment == "C1":
        return "atlas"
    if segment in CERVICAL or segment in THORACIC or segment in LUMBAR:
        return "vertebra"
    if segment in ("sacrum", "coccyx"):
        return segment  # type: ignore[return-value]
    if segment.startswith("ilium-"):
        return "ilium"
    raise ValueError(
        f"{segment_id} has no listing system: Gonstead listings are written for the "
        "occiput, C1-L5, the sacrum, the coccyx and the ilia; describe other findings "
        "in the note instead"
    )


def _region(segment: str) -> str:
    if segment in CERVICAL:
        return "cervical"
    return "thoracic" if segment in THORACIC else "lumbar"


class _Invalid(ValueError):
    pass


def _occiput(segment: str, text: str) -> Listing:
    match = re.fullmatch(r"(AS|PS)-?(LS|RS)(?:-?(LA|LP|RA|RP))?", text)
    if not match:
        raise _Invalid("it does not follow the occiput pattern")
    primary, laterality, rotation = match.groups()
    side = _SIDE[laterality[0]]
    if rotation and rotation[0] != laterality[0]:
        raise _Invalid(f"the rotation is named on the side of laterality ({laterality}), "
                       f"so it must be {laterality[0]}A or {laterality[0]}P, not {rotation}")
    return Listing(segment=segment, kind="occiput", direction=primary, side=side,  # type: ignore[arg-type]
                   rotation=("anterior" if rotation[1] == "A" else "posterior") if rotation
                   else None,
                   text=primary + laterality + (f"-{rotation}" if rotation else ""))


def _atlas(segment: str, text: str) -> Listing:
    match = re.fullmatch(r"AS-?(R|L)(A|P)?", text)
    if not match:
        if re.fullmatch(r"P[RL][SI](-\w+)?", text):
            raise _Invalid("that is a C2-L5 listing; the atlas is listed by its anterior-"
                           "superior tilt, laterality and rotation")
        raise _Invalid("it does not follow the atlas pattern")
    side, rotation = match.groups()
    return Listing(segment=segment, kind="atlas", direction="AS", side=_SIDE[side],  # type: ignore[arg-type]
                   rotation={"A": "anterior", "P": "posterior", None: None}[rotation],  # type: ignore[arg-type]
                   text=f"AS{side}{rotation or ''}")


def _vertebra(segment: str, text: str) -> Listing:
    if segment == "C2":
        palmer = re.fullmatch(r"2CP(R|L)", text)
        if palmer:
            return Listing(segment=segment, kind="vertebra", system="palmer", direction="P",
                           side=_SIDE[palmer.group(1)],  # type: ignore[arg-type]
                           text=f"2CP{palmer.group(1)}")
    match = re.fullmatch(r"P(R|L)(S|I)?(?:-(SP|LA|L|T|M))?", text)
    if not match:
        if re.fullmatch(r"AS-?[RL][AP]?|[AP]S-?[LR]S.*", text):
            raise _Invalid("that is an occiput or atlas listing")
        raise _Invalid("it does not follow the C2-L5 pattern")
    side, wedge, contact = match.groups()
    if wedge is None:
        raise _Invalid(f"the wedge letter is missing: write P{side}S or P{side}I")
    region = _region(segment)
    contact_name, suffix = _CONTACT[contact] if contact else (None, "")
    if contact_name and contact_name not in _CONTACTS_BY_REGION[region]:
        allowed = " or ".join(
            _suffix(c) for c in _CONTACTS_BY_REGION[region]
        )
        raise _Invalid(f"{suffix} ({contact_name}) is not a {region} contact point; "
                       f"{segment} takes {allowed}")
    return Listing(segment=segment, kind="vertebra", direction="P", side=_SIDE[side],  # type: ignore[arg-type]
                   wedge="superior" if wedge == "S" else "inferior",
                   contact=contact_name, text=f"P{side}{wedge}{suffix}")


def _suffix(contact: Contact) -> str:
    return next(s for name, s in _CONTACT.values() if name == contact)


def _sacrum(segment: str, text: str) -> Listing:
    if text == "BP":
        return Listing(segment=segment, kind="sacrum", direction="BP", text="BP")
    match = re.fullmatch(r"(PI|P)-?(R|L)", text)
    if not match:
        raise _Invalid("it does not follow the sacrum pattern")
    primary, side = match.groups()
    return Listing(segment=segment, kind="sacrum", direction=primary, side=_SIDE[side],  # type: ignore[arg-type]
                   text=f"{primary}-{side}")


def _coccyx(segment: str, text: str) -> Listing:
    match = re.fullmatch(r"A(?:-?(R|L))?", text)
    if not match:
        raise _Invalid("it does not follow the coccyx pattern")
    side = match.group(1)
    return Listing(segment=segment, kind="coccyx", direction="A",
                   side=_SIDE[side] if side else None,  # type: ignore[arg-type]
                   text=f"A-{side}" if side else "A")


def _ilium(segment: str, text: str) -> Listing:
    match = re.fullmatch(r"(AS|PI)?-?(IN|EX)?", text) or re.fullmatch(
        r"(?P<flare>IN|EX)-?(?P<primary>AS|PI)", text
    )
    if not match or not text:
        raise _Invalid("it does not follow the ilium pattern")
    if "flare" in match.groupdict():
        primary, flare = match.group("primary"), match.group("flare")
    else:
        primary, flare = match.groups()
    if primary is None and flare is None:
        raise _Invalid("it does not follow the ilium pattern")
    side = "left" if segment.endswith("left") else "right"
    return Listing(segment=segment, kind="ilium", direction=primary or "", side=side,
                   flare={"IN": "internal", "EX": "external", None: None}[flare],  # type: ignore[arg-type]
                   text=(primary or "") + (flare or ""))


_PARSERS = {
    "occiput": _occiput,
    "atlas": _atlas,
    "vertebra": _vertebra,
    "sacrum": _sacrum,
    "coccyx": _coccyx,
    "ilium": _ilium,
}


def _normalise(text: str) -> str:
    """Upper case without spaces, one hyphen between parts (``pli - t`` -> ``PLI-T``)."""
    squeezed = re.sub(r"\s+", "", text.strip()).upper()
    return re.sub(r"-+", "-", squeezed).strip("-")


def parse_listing(segment_id: str, text: str) -> Listing:
    """Parse ``text`` as a listing of ``segment_id`` (a spine-chart id or alias).

    Case, spaces and the hyphen before a contact point are forgiven (``pli t`` is not,
    ``pli-t`` is). Raises ``ValueError`` naming the segment, the listing, what is wrong
    and the pattern that segment takes.
    """
    segment = canonical(segment_id)
    kind = segment_kind(segment)
    normal = _normalise(text)
    if not normal:
        raise ValueError(f"the listing for {segment} is empty: {segment} takes {_GRAMMAR[kind]}")
    try:
        return _PARSERS[kind](segment, normal)
    except _Invalid as exc:
        raise ValueError(
            f"{text.strip()!r} is not a valid listing for {segment}: {exc}. "
            f"{_KIND_NAME[kind]} listings are {_GRAMMAR[kind]}"
        ) from None


_KIND_NAME: dict[SegmentKind, str] = {
    "occiput": "Occiput",
    "atlas": "Atlas (C1)",
    "vertebra": "C2-L5",
    "sacrum": "Sacrum",
    "coccyx": "Coccyx",
    "ilium": "Ilium",
}


def listing_problem(segment_id: str, text: str) -> str | None:
    """The problem with a listing as one sentence, or ``None`` when it is valid."""
    try:
        parse_listing(segment_id, text)
    except ValueError as exc:
        return str(exc)
    return None
