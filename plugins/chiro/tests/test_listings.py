"""Gonstead listings per segment type (gonstead.com, "X-Ray & Listing System Terms")."""

from __future__ import annotations

import pytest
from vesalius_chiro.listings import listing_problem, parse_listing, segment_kind

VALID = [
    # C2-L5: P + spinous side + wedge, optional contact point of the region.
    ("C2", "PRS", "PRS"), ("C5", "pli", "PLI"), ("C5", "PLS-la", "PLS-la"),
    ("C6", "prs - la", "PRS-la"), ("C7", "PRI-sp", "PRI-sp"), ("C4", "PLS-L", "PLS-la"),
    ("T1", "PLI-T", "PLI-T"), ("T6", "prs-t", "PRS-T"), ("T12", "PLS-sp", "PLS-sp"),
    ("L1", "PRI-M", "PRI-M"), ("L5", "PLS", "PLS"), ("D4", "PRS", "PRS"),
    # Axis also in Palmer notation.
    ("C2", "2CPR", "2CPR"), ("axis", "2cpl", "2CPL"),
    # Atlas: AS + laterality + optional rotation.
    ("C1", "ASRA", "ASRA"), ("C1", "ASRP", "ASRP"), ("atlas", "asla", "ASLA"),
    ("C1", "ASLP", "ASLP"), ("C1", "ASR", "ASR"), ("C1", "ASL", "ASL"),
    # Occiput: AS/PS + LS/RS + optional rotation on the side of laterality.
    ("occiput", "ASRS", "ASRS"), ("occiput", "PSLS", "PSLS"), ("C0", "AS-LS-LA", "ASLS-LA"),
    ("occiput", "PSRS-RP", "PSRS-RP"),
    # Ilium.
    ("ilium-left", "AS", "AS"), ("ilium-left", "PI", "PI"), ("ilium-right", "IN", "IN"),
    ("ilium-right", "EX", "EX"), ("ilium-left", "ASIN", "ASIN"), ("ilium-left", "ASEX", "ASEX"),
    ("ilium-right", "PIIN", "PIIN"), ("ilium-right", "PI-EX", "PIEX"),
    ("ilium-left", "EX-PI", "PIEX"),
    # Sacrum and coccyx.
    ("sacrum", "P-R", "P-R"), ("sacrum", "PL", "P-L"), ("sacrum", "PI-R", "PI-R"),
    ("sacrum", "pil", "PI-L"), ("sacrum", "BP", "BP"),
    ("coccyx", "A", "A"), ("coccyx", "A-R", "A-R"), ("coccyx", "al", "A-L"),
]


@pytest.mark.parametrize(("segment", "text", "canonical"), VALID)
def test_valid_listings_parse_to_canonical_spelling(segment: str, text: str,
                                                     canonical: str) -> None:
    listing = parse_listing(segment, text)
    assert listing.text == canonical
    assert listing_problem(segment, text) is None


INVALID = [
    ("C5", "PR", "wedge letter is missing"),
    ("C5", "P", "C2-L5"),
    ("L3", "ARS", "C2-L5"),
    ("T6", "PRI-M", "not a thoracic contact point"),
    ("L4", "PLS-T", "not a lumbar contact point"),
    ("C5", "PRS-T", "not a cervical contact point"),
    ("T8", "PRS-la", "not a thoracic contact point"),
    ("L3", "ASRA", "occiput or atlas listing"),
    ("C3", "2CPR", "C2-L5"),
    ("C1", "PRS", "C2-L5 listing"),
    ("C1", "PSRA", "atlas pattern"),
    ("C1", "ASRS", "atlas pattern"),
    ("occiput", "ASRS-LP", "side of laterality"),
    ("occiput", "ASRA", "occiput pattern"),
    ("occiput", "AS", "occiput pattern"),
    ("ilium-left", "PRS", "ilium pattern"),
    ("ilium-right", "ASPI", "ilium pattern"),
    ("sacrum", "AS", "sacrum pattern"),
    ("sacrum", "P", "sacrum pattern"),
    ("coccyx", "P", "coccyx pattern"),
    ("C5", "", "empty"),
    ("C5", "  ", "empty"),
]


@pytest.mark.parametrize(("segment", "text", "reason"), INVALID)
def test_invalid_listings_raise_a_clear_error(segment: str, text: str, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_listing(segment, text)
    message = str(error.value)
    assert reason in message
    assert segment in message or segment == "C0"
    assert listing_problem(segment, text) == message


@pytest.mark.parametrize("segment", ["rib4-left", "head", "upper-extremity-left", "abdomen"])
def test_regions_without_a_listing_system_say_so(segment: str) -> None:
    with pytest.raises(ValueError, match=f"{segment} has no listing system"):
        parse_listing(segment, "PRS")


def test_unknown_segment_is_named() -> None:
    with pytest.raises(ValueError, match="'T13'"):
        parse_listing("T13", "PRS")


def test_the_error_says_what_the_segment_takes() -> None:
    with pytest.raises(ValueError, match=r"takes -sp or -T.*e\.g\. PRS, PLI-T"):
        parse_listing("T6", "PRI-M")


def test_parsed_listing_carries_its_meaning() -> None:
    listing = parse_listing("T6", "pli-t")
    assert (listing.kind, listing.direction, listing.side, listing.wedge, listing.contact) == (
        "vertebra", "P", "left", "inferior", "transverse")
    assert listing.describe() == "posterior, spinous left, inferior wedge, transverse contact"
    atlas = parse_listing("C1", "ASRP")
    assert (atlas.kind, atlas.side, atlas.rotation) == ("atlas", "right", "posterior")
    ilium = parse_listing("ilium-left", "PIEX")
    assert (ilium.side, ilium.direction, ilium.flare) == ("left", "PI", "external")
    assert parse_listing("sacrum", "BP").describe() == "base posterior"
    assert parse_listing("C2", "2CPL").system == "palmer"


@pytest.mark.parametrize(("segment", "kind"), [
    ("occiput", "occiput"), ("C1", "atlas"), ("C2", "vertebra"), ("L5", "vertebra"),
    ("sacrum", "sacrum"), ("coccyx", "coccyx"), ("ilium-right", "ilium"),
])
def test_segment_kinds(segment: str, kind: str) -> None:
    assert segment_kind(segment) == kind
