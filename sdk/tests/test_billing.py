"""timed_units against every example of the CMS 8-minute rule
(Medicare Claims Processing Manual 100-04, ch. 5, §20.2; examples 1-4 are CMS's own)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError
from vesalius_sdk import BillingCode, ChargeLine, timed_units


@pytest.mark.parametrize(("minutes", "expected", "source"), [
    ({"97112": 24, "97110": 23}, {"97112": 2, "97110": 1}, "CMS example 1"),
    ({"97110": 33, "97140": 7}, {"97110": 2, "97140": 1}, "CMS example 3"),
    ({"97110": 18, "97140": 13, "97116": 10, "97035": 8},
     {"97110": 1, "97140": 1, "97116": 1}, "CMS example 4 (97035 not billed)"),
    ({"97110": 7}, {}, "7 minutes alone: no unit"),
    ({"97112": 27, "97110": 23, "97140": 20, "97035": 10},
     {"97112": 2, "97110": 1, "97140": 1, "97035": 1}, "derived example 7"),
])
def test_cms_examples(minutes, expected, source):
    assert timed_units(minutes) == expected, source


def test_cms_example_2_ties_give_three_units_never_three_of_one():
    units = timed_units({"97112": 20, "97110": 20})
    assert sorted(units.values()) == [1, 2]  # either code x2, the other x1


def test_cms_example_5_two_seven_minute_codes_give_one_unit():
    units = timed_units({"97112": 7, "97110": 7})
    assert sum(units.values()) == 1


def test_cms_example_8_tie_on_leftover_goes_to_one_code():
    units = timed_units({"97110": 45, "97140": 5, "97530": 5})
    assert units["97110"] == 3 and sum(units.values()) == 4


@pytest.mark.parametrize(("total", "units"), [
    (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4), (68, 5),
    (82, 5), (83, 6), (97, 6), (98, 7), (112, 7), (113, 8), (127, 8),
])
def test_units_by_total_minutes_table(total, units):
    assert sum(timed_units({"97110": total}).values()) == units


def test_per_code_rule_of_eights():
    # Per-code payer variant (units from each code's own minutes): example 3 gives 97110 x2
    # and 97140 x0.
    assert timed_units({"97110": 33, "97140": 7}, method="per-code") == {"97110": 2}
    assert timed_units({"97110": 8, "97140": 8}, method="per-code") == {"97110": 1, "97140": 1}


@pytest.mark.parametrize("bad", [{"97110": -1}, {"97110": 7.5}, {"97110": True}])
def test_bad_minutes_name_the_code(bad):
    with pytest.raises(ValueError, match="minutes for 97110"):
        timed_units(bad)


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown timed-unit method 'fast'"):
        timed_units({"97110": 20}, method="fast")


def test_billing_code_money_is_decimal_never_float():
    code = BillingCode(code="97110", label="Exercise", timed=True, default_fee="45.50")
    assert code.default_fee == Decimal("45.50") and code.unit_minutes == 15
    with pytest.raises(ValidationError, match="money is never a float"):
        BillingCode(code="97110", label="Exercise", default_fee=45.5)
    with pytest.raises(ValidationError, match="unit_minutes goes with timed codes only"):
        BillingCode(code="97010", label="Packs", unit_minutes=15)


def test_charge_line_shape():
    assert ChargeLine(code="97140", units=2, modifiers=("GP",)).modifiers == ("GP",)
    with pytest.raises(ValidationError):
        ChargeLine(code="97140", units=0)
    with pytest.raises(ValidationError):
        ChargeLine(code="97140", units=1, modifiers=("gp1",))
