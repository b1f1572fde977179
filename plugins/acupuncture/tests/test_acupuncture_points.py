"""The 361 standard point codes, their names, aliases and normalise_point."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from vesalius_acupuncture import normalise_point
from vesalius_acupuncture.charts.points import (
    EXTRA_POINTS,
    MERIDIAN_POINTS,
    MERIDIANS,
    PINYIN,
    POINTS,
)

# WHO standard (WHO Regional Office for the Western Pacific, WHO Standard Acupuncture Point
# Locations in the Western Pacific Region, Manila 2008): per-meridian counts summing to 361.
COUNTS = {"LU": 11, "LI": 20, "ST": 45, "SP": 21, "HT": 9, "SI": 19, "BL": 67, "KI": 27,
          "PC": 9, "TE": 23, "GB": 44, "LR": 14, "GV": 28, "CV": 24}


def test_361_codes_complete_and_unique() -> None:
    assert len(MERIDIAN_POINTS) == 361 == sum(COUNTS.values())
    assert len(set(MERIDIAN_POINTS)) == 361
    per_meridian = Counter(re.match(r"[A-Z]+", c).group() for c in MERIDIAN_POINTS)  # type: ignore[union-attr]
    assert per_meridian == COUNTS
    assert {code: n for code, (_, n) in MERIDIANS.items()} == COUNTS
    for meridian, n in COUNTS.items():
        assert [c for c in MERIDIAN_POINTS if c.startswith(meridian) and
                re.fullmatch(rf"{meridian}\d+", c)] == [f"{meridian}{i}" for i in range(1, n + 1)]


def test_every_point_has_a_pinyin_name() -> None:
    assert set(PINYIN) == set(MERIDIAN_POINTS)
    # well-known names (WHO 2008, the pinyin of each point)
    for code, name in {"LI4": "Hegu", "LI11": "Quchi", "LU7": "Lieque", "HT7": "Shenmen",
                       "PC6": "Neiguan", "TE5": "Waiguan", "SI3": "Houxi", "ST36": "Zusanli",
                       "ST25": "Tianshu", "SP6": "Sanyinjiao", "SP9": "Yinlingquan",
                       "SP10": "Xuehai", "LR3": "Taichong", "KI3": "Taixi", "BL23": "Shenshu",
                       "BL40": "Weizhong", "BL60": "Kunlun", "GB20": "Fengchi",
                       "GB21": "Jianjing", "GB30": "Huantiao", "GB34": "Yanglingquan",
                       "GV20": "Baihui", "CV6": "Qihai", "CV12": "Zhongwan"}.items():
        assert PINYIN[code] == name
        assert POINTS[code].label == f"{code} {name}"


def test_extra_points() -> None:
    assert "EX-HN3" in EXTRA_POINTS and "Yintang" in EXTRA_POINTS["EX-HN3"]
    assert {"EX-HN5", "EX-B2", "EX-UE9", "EX-LE10"} <= set(EXTRA_POINTS)
    assert all(POINTS[c].meridian == "EX" for c in EXTRA_POINTS)
    assert len(POINTS) == 361 + len(EXTRA_POINTS)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("LI4", "LI4"), ("li4", "LI4"), (" Li 4 ", "LI4"), ("LI-04", "LI4"), ("CO4", "LI4"),
        ("UB40", "BL40"), ("ub40", "BL40"), ("Ub-40", "BL40"), ("BL040", "BL40"),
        ("SJ5", "TE5"), ("sj5", "TE5"), ("TW5", "TE5"), ("TH5", "TE5"),
        ("LV3", "LR3"), ("Liv3", "LR3"), ("Ren12", "CV12"), ("REN12", "CV12"),
        ("VC12", "CV12"), ("Du20", "GV20"), ("du20", "GV20"), ("VG20", "GV20"),
        ("HE7", "HT7"), ("he7", "HT7"), ("P6", "PC6"), ("p6", "PC6"), ("HC6", "PC6"),
        ("BL67", "BL67"), ("GB44", "GB44"), ("KI1", "KI1"),
        ("EX-HN3", "EX-HN3"), ("ex-hn3", "EX-HN3"), ("EX HN 3", "EX-HN3"),
        ("exhn5", "EX-HN5"), ("EX-B2", "EX-B2"), ("ex-le10", "EX-LE10"),
        ("GV29", "EX-HN3"),
    ],
)
def test_normalise_point(written: str, code: str) -> None:
    assert normalise_point(written) == code


@pytest.mark.parametrize(
    "written",
    ["LU12", "BL68", "GB45", "GV29x", "CV25", "XX4", "LI0", "LI", "4", "", "EX-HN2",
     "EX-HN99", "Hegu", "UB 40 41"],
)
def test_normalise_point_rejects(written: str) -> None:
    with pytest.raises(ValueError):
        normalise_point(written)


def test_normalise_point_rejects_non_strings() -> None:
    with pytest.raises(ValueError):
        normalise_point(40)  # type: ignore[arg-type]


def test_region_aliases() -> None:
    assert POINTS["BL40"].aliases == ("UB40",)
    assert POINTS["TE5"].aliases == ("SJ5", "TW5", "TH5")
    assert POINTS["LR3"].aliases == ("LV3", "LIV3")
    assert POINTS["CV12"].aliases == ("Ren12", "VC12")
    assert POINTS["GV20"].aliases == ("Du20", "VG20")
    assert POINTS["HT7"].aliases == ("HE7",)
    assert POINTS["PC6"].aliases == ("P6", "HC6")
    assert POINTS["ST36"].aliases == ()
    assert POINTS["EX-HN3"].aliases == ("GV29",)
