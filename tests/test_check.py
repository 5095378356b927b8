"""The independent checker: each rule of the contract, with a plan that keeps it and one that breaks it.

Tests assert which rule fires and on whom (the size of the violation), never a weight.
"""
import pandas as pd
import pytest

from builders import KM_PER_DEG, make_ds
from models.scenario import Scenario
from optimizer.reassign.audit import RULE_NAMES, check_plan
from optimizer.plan import solve

A, B, C = ("A", "01", 20.0, 105.0), ("B", "01", 20.0 + 10 / KM_PER_DEG, 105.0), ("C", "02", 20.0, 105.1)


def base_ds(**kw):
    staff = [("s1", "A", "DC", "1990-01-01", "M"), ("s2", "A", "DC", "1990-01-01", "M"),
             ("s3", "A", "DC", "1965-03-01", "M"),                    # retires 2026-09: protected
             ("s4", "A", "VP", "1990-01-01", "F", False)]             # not movable
    quotas = [("A", "DC", 1), ("B", "DC", 1), ("C", "DC", 1), ("A", "VP", 0), ("B", "VP", 1)]
    return make_ds([A, B, C], staff, quotas, **kw)


def transfer(sid, frm, to, pos="DC", km=None, authority=None, **extra):
    row = {"staff_id": sid, "full_name": "x", "position_code": pos, "from_unit": frm, "to_unit": to,
           "km": 10.0 if km is None else km, "effective_date": "2026-01-01",
           "authority": authority or "Chủ tịch UBND Tỉnh 01"}
    row.update(extra)
    return row


def rules(ds, rows, scenario=None, units_after=None):
    t = pd.DataFrame(rows, columns=["staff_id", "full_name", "position_code", "from_unit", "to_unit", "km",
                                    "effective_date", "authority"])
    return sorted({v.rule for v in check_plan(ds, scenario or Scenario(), t, units_after)})


def km_ab():
    return float(solve(base_ds(), Scenario()).transfers["km"].iloc[0])


def test_a_valid_plan_passes():
    ds = base_ds()
    plan = solve(ds, Scenario())
    assert check_plan(ds, Scenario(), plan.transfers, plan.units_after) == []
    assert set(plan.transfers["staff_id"]) <= {"s1", "s2"} and len(plan.transfers) == 1


@pytest.mark.parametrize("rows, rule", [
    ([transfer("zz", "A", "B")], "known_staff"),
    ([transfer("s1", "A", "B"), transfer("s1", "A", "B")], "one_move_per_person"),
    ([transfer("s1", "B", "A")], "from_current_unit"),
    ([transfer("s1", "A", "B", pos="VP")], "same_position"),
    ([transfer("s1", "A", "A", km=0.0)], "different_unit"),
    ([transfer("s1", "A", "ZZ")], "known_destination"),
    ([transfer("s4", "A", "B", pos="VP")], "movable"),
    ([transfer("s3", "A", "B")], "protect_years"),
    ([transfer("s1", "A", "C", authority="Bộ trưởng Bộ Nội vụ")], "same_province"),
    ([transfer("s1", "A", "B", km=3.0)], "max_km"),
    ([transfer("s1", "A", "B"), transfer("s2", "A", "B")], "quota_not_crossed"),
    ([transfer("s1", "A", "B", authority="Bộ trưởng Bộ Nội vụ")], "six_ro"),
])
def test_each_rule_catches_its_violation(rows, rule):
    for r in rows:
        if r["km"] == 10.0 and r["to_unit"] == "B":
            r["km"] = km_ab()
    assert rule in rules(base_ds(), rows)


def test_max_km_limit_itself():
    ok = rules(base_ds(), [transfer("s1", "A", "B", km=km_ab())], Scenario(max_km=40))
    bad = rules(base_ds(), [transfer("s1", "A", "B", km=km_ab())], Scenario(max_km=5))
    assert ok == [] and bad == ["max_km"]


def test_a_missing_km_is_a_violation():
    assert rules(base_ds(), [transfer("s1", "A", "B", km=float("nan"))]) == ["max_km"]


def test_road_distance_override_is_audited():
    ds = base_ds(distances=[("B", "A", 30.0)])
    assert rules(ds, [transfer("s1", "A", "B", km=30.0)]) == []
    assert rules(ds, [transfer("s1", "A", "B", km=km_ab())]) == ["max_km"]


def test_cross_province_allowed_with_ministry_authority():
    ds = base_ds()
    from optimizer.reassign.audit import _chord_km
    km = round(float(_chord_km(A[2], A[3], C[2], C[3])), 3)
    row = transfer("s1", "A", "C", km=km, authority="Bộ trưởng Bộ Nội vụ")
    assert rules(ds, [row], Scenario(cross_province=True)) == []
    row["authority"] = "Chủ tịch UBND Tỉnh 01"
    assert rules(ds, [row], Scenario(cross_province=True)) == ["six_ro"]


def test_cross_province_into_limits_which_borders_open():
    ds = base_ds()
    from optimizer.reassign.audit import _chord_km
    km = round(float(_chord_km(A[2], A[3], C[2], C[3])), 3)
    row = transfer("s1", "A", "C", km=km, authority="Bộ trưởng Bộ Nội vụ")
    assert rules(ds, [row], Scenario(cross_province=True, cross_province_into=["02"])) == []
    assert rules(ds, [row], Scenario(cross_province=True, cross_province_into=["01"])) == ["same_province"]


def test_everyone_accounted_in_units_after():
    ds = base_ds()
    plan = solve(ds, Scenario())
    assert check_plan(ds, Scenario(), plan.transfers, plan.units_after) == []
    lost = plan.units_after.copy()
    lost.loc[lost.index[0], "staff_after"] -= 1           # a person vanishes
    assert {v.rule for v in check_plan(ds, Scenario(), plan.transfers, lost)} == {"everyone_accounted"}
    dropped = plan.units_after.iloc[1:]                   # a (unit, position) row is missing
    assert "everyone_accounted" in {v.rule for v in check_plan(ds, Scenario(), plan.transfers, dropped)}


def test_every_rule_is_named_and_tested():
    tested = {"known_staff", "one_move_per_person", "from_current_unit", "same_position", "different_unit",
              "known_destination", "movable", "protect_years", "same_province", "max_km",
              "quota_not_crossed", "six_ro", "everyone_accounted",
              # docs/contract.md §8, tested in tests/test_decisions.py (test_audit_rules_of_decisions)
              "decision_keep", "decision_move", "exempt_reason", "wish_rank"}
    assert set(RULE_NAMES) == tested
