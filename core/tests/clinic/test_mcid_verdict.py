"""The MCID verdict on a change: a worsening beyond the MCID is "worse", not the same badge
as a small improvement. MCIDs: ODI 10 points and NPRS 2 points (Ostelo et al. 2008, Spine
33(1):90-94); direction from each measure (both higher-is-worse)."""

from __future__ import annotations

import pytest
from vesalius.plugins import get_registry
from vesalius.services.mcid import LABELS, verdict


@pytest.mark.parametrize(("measure_id", "first", "latest", "expected"), [
    ("odi", 40, 56, "worse"),  # ODI +16
    ("odi", 40, 24, "improved"),
    ("odi", 40, 30, "improved"),  # exactly the MCID
    ("odi", 40, 35, "no-important-change"),
    ("odi", 40, 45, "no-important-change"),
    ("nprs", 3, 7, "worse"),  # NPRS +4
    ("nprs", 7, 3, "improved"),
    ("nprs", 5, 4, "no-important-change"),
])
def test_higher_is_worse_measures(measure_id, first, latest, expected):
    measure = get_registry().measures[measure_id]
    assert measure.direction == "higher-is-worse"
    assert verdict(latest - first, measure.mcid, measure.direction) == expected


def test_higher_is_better_turns_the_rule_round():
    assert verdict(+3, 2, "higher-is-better") == "improved"
    assert verdict(-3, 2, "higher-is-better") == "worse"
    assert verdict(-1, 2, "higher-is-better") == "no-important-change"


def test_no_verdict_without_an_mcid_a_direction_or_a_change():
    assert verdict(5, None, "higher-is-worse") is None
    assert verdict(None, 2, "higher-is-worse") is None
    assert verdict(5, 2, None) is None


def test_each_verdict_has_distinct_words():
    assert len(set(LABELS.values())) == 3
