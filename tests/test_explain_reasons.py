"""Why posts stay unfilled and surplus stays: one tiny dataset per reason code, the rows equal
the pairs still short, and the independent audit's rules each satisfied and violated."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from models.scenario import Scenario
from optimizer.explain.audit import check_explanations
from optimizer.plan import solve
from tests.builders import KM_PER_DEG, make_ds

OLD = "1960-01-01"      # retires before the plan date + 2 years: may not move
YOUNG = "1990-01-01"


def unit(code, km, province="01"):
    return (code, province, 16.0 + km / KM_PER_DEG, 106.0)


def staff(prefix, unit_code, pos, n, birth=YOUNG, movable=True):
    return [(f"{prefix}{i}", unit_code, pos, birth, "F", movable) for i in range(n)]


def plan_of(units, st, quotas, **settings):
    ds = make_ds(units, st, quotas)
    return ds, solve(ds, Scenario(**{"max_km": 40, **settings}))


def row(df, u, p):
    r = df.loc[(df["unit_code"] == u) & (df["position_code"] == p)]
    assert len(r) == 1, r
    return r.iloc[0]


# --------------------------------------------------------------------------- unfilled

def test_no_surplus_in_scope():
    # the only surplus of A is in another province
    _, plan = plan_of([unit("U0", 0), unit("U9", 5, "02")], staff("a", "U9", "A", 2),
                      [("U0", "A", 1), ("U9", "A", 1)])
    r = row(plan.explain.unfilled, "U0", "A")
    assert r["reason_code"] == "no_surplus_in_scope"
    assert r["surplus_in_scope"] == 0
    assert "tuyển dụng hoặc đào tạo lại" in r["reason"]
    # across provinces it is in scope (and 5 km away): the post is filled
    _, plan2 = plan_of([unit("U0", 0), unit("U9", 5, "02")], staff("a", "U9", "A", 2),
                       [("U0", "A", 1), ("U9", "A", 1)], cross_province=True)
    assert plan2.explain.unfilled.empty


def test_out_of_reach_names_the_nearest_unit_and_the_limit_that_reaches_it():
    _, plan = plan_of([unit("U0", 0), unit("U1", 60), unit("U2", 90)],
                      staff("a", "U1", "A", 2) + staff("b", "U2", "A", 2),
                      [("U0", "A", 1), ("U1", "A", 1), ("U2", "A", 1)])
    r = row(plan.explain.unfilled, "U0", "A")
    assert r["reason_code"] == "out_of_reach"
    assert r["nearest_surplus_unit"] == "U1"
    assert r["nearest_surplus_km"] == pytest.approx(60.0, abs=0.01)
    assert r["km_to_reach"] == 60 or r["km_to_reach"] == 61
    assert "Xã U1" in r["reason"]


def test_unit_limit_on_arrivals():
    _, plan = plan_of([unit("U0", 0), unit("U1", 5)],
                      staff("a", "U1", "A", 2) + staff("b", "U1", "B", 2),
                      [("U0", "A", 1), ("U0", "B", 1), ("U1", "A", 1), ("U1", "B", 1)],
                      max_arrivals_per_unit=1)
    u = plan.explain.unfilled
    assert len(u) == 1
    assert u.iloc[0]["reason_code"] == "unit_limit"
    assert u.iloc[0]["binding_limit"] == "max_arrivals_per_unit=1"


def test_unit_limit_on_departures():
    _, plan = plan_of([unit("U0", 0), unit("U1", 5)], staff("a", "U1", "A", 3),
                      [("U0", "A", 2), ("U1", "A", 1)], max_departures_per_unit=1)
    r = row(plan.explain.unfilled, "U0", "A")
    assert r["reason_code"] == "unit_limit" and r["shortage_after"] == 1
    assert r["binding_limit"] == "max_departures_per_unit=1"
    s = plan.explain.surplus_left
    assert row(s, "U1", "A")["reason_code"] == "unit_limit"


def test_taken_names_the_units_that_took_it():
    # one surplus person at U1, two units short within reach: one of them is left with `taken`
    _, plan = plan_of([unit("U0", 0), unit("U1", 5), unit("U2", 12)], staff("a", "U1", "A", 2),
                      [("U0", "A", 1), ("U1", "A", 1), ("U2", "A", 1)])
    u = plan.explain.unfilled
    assert len(u) == 1
    r = u.iloc[0]
    got = plan.transfers["to_unit"].iloc[0]
    assert r["reason_code"] == "taken"
    assert r["taken_by"] == got and r["taken_by_count"] == 1
    assert r["unit_code"] != got


def test_unfilled_rows_are_exactly_the_pairs_still_short():
    units = [unit(f"U{i}", 7 * i) for i in range(6)]
    st = (staff("a", "U0", "A", 4) + staff("b", "U3", "B", 3) + staff("c", "U5", "A", 1)
          + staff("d", "U2", "B", 1, birth=OLD))
    quotas = [("U0", "A", 1), ("U1", "A", 2), ("U2", "A", 1), ("U4", "A", 3), ("U5", "A", 2),
              ("U1", "B", 1), ("U2", "B", 0), ("U3", "B", 1), ("U4", "B", 2), ("U5", "B", 2)]
    _, plan = plan_of(units, st, quotas, max_km=20)
    ua = plan.units_after
    short = set(map(tuple, ua.loc[ua["shortage_after"] > 0, ["unit_code", "position_code"]].to_numpy()))
    rows = set(map(tuple, plan.explain.unfilled[["unit_code", "position_code"]].to_numpy()))
    assert rows == short and len(rows) > 0
    assert plan.explain.unfilled["shortage_after"].sum() == ua["shortage_after"].sum()


# --------------------------------------------------------------------------- surplus left

def test_surplus_reasons_and_not_movable():
    units = [unit("U0", 0), unit("U1", 5), unit("U2", 80)]
    st = (staff("a", "U0", "A", 3)                               # 2 over, 1 short at U1: 1 left, taken
          + staff("b", "U0", "B", 2)                             # B: nobody short anywhere
          + staff("c", "U2", "C", 2)                             # C: short only at U0, 80 km away
          + staff("d", "U1", "D", 2, movable=False))             # D: over, but may not move
    quotas = [("U0", "A", 1), ("U1", "A", 1), ("U0", "B", 1), ("U2", "C", 1), ("U0", "C", 1), ("U1", "D", 1)]
    _, plan = plan_of(units, st, quotas)
    s = plan.explain.surplus_left
    assert row(s, "U0", "A")["reason_code"] == "taken"
    assert row(s, "U0", "A")["taken_by"] == "U0" or row(s, "U0", "A")["taken_by"] == ""
    assert row(s, "U0", "B")["reason_code"] == "no_shortage_in_scope"
    r = row(s, "U2", "C")
    assert r["reason_code"] == "out_of_reach" and r["nearest_shortage_unit"] == "U0"
    r = row(s, "U1", "D")
    assert r["reason_code"] == "not_movable" and r["surplus_after"] == 1 and r["not_movable_flag"] == 2
    assert s["surplus_after"].sum() == plan.units_after["surplus_after"].sum()


# --------------------------------------------------------------------------- the audit's rules

@pytest.fixture()
def explained():
    units = [unit("U0", 0), unit("U1", 5), unit("U2", 12), unit("U3", 70)]
    st = staff("a", "U1", "A", 2) + staff("b", "U3", "B", 3)
    quotas = [("U0", "A", 1), ("U1", "A", 1), ("U2", "A", 1), ("U0", "B", 1), ("U3", "B", 1)]
    ds, plan = plan_of(units, st, quotas)
    return ds, plan


def _rules(violations):
    return sorted({v.rule for v in violations})


def test_audit_passes_a_true_explanation(explained):
    ds, plan = explained
    assert check_explanations(ds, plan.scenario, plan.transfers, plan.explain) == []


def test_audit_unfilled_rows_violated(explained):
    ds, plan = explained
    bad = dataclasses.replace(plan.explain, unfilled=plan.explain.unfilled.iloc[1:])
    assert _rules(check_explanations(ds, plan.scenario, plan.transfers, bad)) == ["unfilled_rows"]


def test_audit_surplus_rows_violated(explained):
    ds, plan = explained
    s = plan.explain.surplus_left.copy()
    s.loc[s.index[0], "surplus_after"] += 1
    bad = dataclasses.replace(plan.explain, surplus_left=s)
    assert "surplus_rows" in _rules(check_explanations(ds, plan.scenario, plan.transfers, bad))


def test_audit_false_reason_and_wrong_precedence(explained):
    ds, plan = explained
    u = plan.explain.unfilled.copy()
    i_far = u.index[u["position_code"] == "B"][0]      # B at U0: out of reach (70 km)
    i_taken = u.index[u["position_code"] == "A"][0]    # A: the one person went elsewhere
    u.loc[i_far, "reason_code"] = "taken"              # untrue: nothing is within reach
    u.loc[i_taken, "reason_code"] = "no_surplus_in_scope"   # untrue: surplus exists
    v = check_explanations(ds, plan.scenario, plan.transfers, dataclasses.replace(plan.explain, unfilled=u))
    assert _rules(v) == ["reason_no_surplus_in_scope", "reason_taken"]
    u2 = plan.explain.unfilled.copy()
    u2.loc[i_far, "nearest_surplus_km"] = 12.0          # the km it states is wrong
    v = check_explanations(ds, plan.scenario, plan.transfers, dataclasses.replace(plan.explain, unfilled=u2))
    assert _rules(v) == ["reason_out_of_reach"]


def test_audit_precedence():
    # U0 may receive one person (limit), gets A; its B post: the limit binds AND the only B surplus
    # in reach went to U2 — both unit_limit and taken are true; unit_limit comes first
    ds, plan = plan_of([unit("U0", 0), unit("U1", 5), unit("U2", 8)],
                       staff("a", "U1", "A", 2) + staff("b", "U1", "B", 2),
                       [("U0", "A", 1), ("U0", "B", 1), ("U1", "A", 1), ("U1", "B", 1), ("U2", "B", 1)],
                       max_arrivals_per_unit=1)
    u = plan.explain.unfilled
    assert row(u, "U0", "B")["reason_code"] == "unit_limit"
    assert check_explanations(ds, plan.scenario, plan.transfers, plan.explain) == []
    u = u.copy()
    u.loc[u["position_code"] == "B", "reason_code"] = "taken"
    v = check_explanations(ds, plan.scenario, plan.transfers, dataclasses.replace(plan.explain, unfilled=u))
    assert _rules(v) == ["reason_precedence"]


def test_audit_fair_same_fill():
    ds, plan = plan_of([unit("U0", 0), unit("U1", 5)], staff("a", "U1", "A", 2), [("U0", "A", 1), ("U1", "A", 1)])
    assert check_explanations(ds, plan.scenario, plan.transfers, plan.explain, 1) == []
    v = check_explanations(ds, plan.scenario, plan.transfers, plan.explain, 2)
    assert _rules(v) == ["fair_same_fill"]


def test_road_distance_is_the_one_that_counts():
    # U1 is 10 km away as the crow flies, 75 km by road: out of reach, and the audit agrees
    ds = make_ds([unit("U0", 0), unit("U1", 10)], staff("a", "U1", "A", 2), [("U0", "A", 1), ("U1", "A", 1)],
                 distances=[("U1", "U0", 75.0)])
    plan = solve(ds, Scenario(max_km=40))
    r = row(plan.explain.unfilled, "U0", "A")
    assert r["reason_code"] == "out_of_reach"
    assert r["nearest_surplus_km"] == pytest.approx(75.0)
    assert r["km_to_reach"] == 75
    assert check_explanations(ds, plan.scenario, plan.transfers, plan.explain) == []


# --------------------------------------------------------------------------- the nearest unit, one pass

@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.tuples(hs.integers(0, 6), hs.sampled_from([0.0, 1.5, 2.25, 7.0, 40.0, float("nan")]),
                          hs.integers(0, 9)),
                min_size=1, max_size=40), hs.booleans())
def test_the_nearest_unit_is_the_sorted_joins_first_row(pairs, shuffled):
    """`_nearest` (segment minima, no sort) against the definition: sort the join by row, km, unit
    index and keep each row's first — ties at equal km go to the smaller unit index."""
    from optimizer.explain.reasons import _nearest

    class Codes:
        units = pd.Index([f"U{i:02d}" for i in range(10)])
    j = pd.DataFrame(pairs, columns=["row", "km", "u_o"])
    if not shuffled:
        j = j.sort_values("row", kind="stable")
    got = _nearest(j.reset_index(drop=True), Codes)
    first = j.sort_values(["row", "km", "u_o"], kind="stable").drop_duplicates("row")
    assert got.index.tolist() == first["row"].tolist()
    assert got["nearest"].tolist() == [f"U{u:02d}" for u in first["u_o"]]
    assert got["nearest_km"].fillna(-1).tolist() == first["km"].fillna(-1).tolist()   # NaN: missing in both
