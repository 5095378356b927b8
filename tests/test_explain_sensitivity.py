"""Sensitivity: the dual reported for a surplus unit is the value of one more person there
(checked by re-solving the LP with scipy's linprog), and the km bound read from the duals is a bound."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from models.scenario import Scenario
from optimizer.explain.sensitivity import reach_open, sensitivity_table
from optimizer.plan import solve
from optimizer.reassign.eligibility import build_eligibility
from optimizer.reassign.network import solve_flows
from tests.builders import KM_PER_DEG, make_ds


def _lp_fill(arcs, supply: dict, shortage: dict, prio: dict) -> float:
    n = len(arcs)
    rows, b = [], []
    for key, cap in list(supply.items()):
        r = ((arcs["from_unit"] == key[0]) & (arcs["position_code"] == key[1])).to_numpy(float)
        rows.append(r); b.append(cap)
    for key, cap in shortage.items():
        r = ((arcs["to_unit"] == key[0]) & (arcs["position_code"] == key[1])).to_numpy(float)
        rows.append(r); b.append(cap)
    c = -arcs["position_code"].map(prio).to_numpy(float)
    res = linprog(c, A_ub=np.array(rows), b_ub=b, bounds=[(0, None)] * n, method="highs")
    assert res.status == 0
    return -res.fun


def _dataset(units):
    us, staff, quotas, sid = [], [], [], 0
    for i, (km, per) in enumerate(units):
        us.append((f"U{i}", "01", 16.0 + km / KM_PER_DEG, 106.0))
        for pos, (n, q) in per.items():
            for _ in range(n):
                staff.append((f"S{sid}", f"U{i}", pos, "1990-01-01", "M")); sid += 1
            quotas.append((f"U{i}", pos, q))
    return make_ds(us, staff, quotas, positions=[("A", 2), ("B", 1)])


unit_st = st.tuples(st.integers(0, 60), st.fixed_dictionaries(
    {"A": st.tuples(st.integers(0, 3), st.integers(0, 3)), "B": st.tuples(st.integers(0, 3), st.integers(0, 3))}))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(unit_st, min_size=2, max_size=6))
def test_reported_dual_is_the_value_of_one_more_person(units):
    ds = _dataset(units)
    sc = Scenario(max_km=25)
    elig = build_eligibility(ds, sc)
    if elig.arcs.empty:
        return
    res = solve_flows(elig)
    arcs = elig.arcs
    supply = {(u, p): s for u, p, s in arcs[["from_unit", "position_code", "supply"]].drop_duplicates().to_numpy()}
    shortage = {(u, p): s for u, p, s in arcs[["to_unit", "position_code", "shortage"]].drop_duplicates().to_numpy()}
    prio = {"A": 2, "B": 1}
    inflow = res.flows.groupby(["to_unit", "position_code"])["flow"].sum()
    open_dst = [f"{u}\x1f{p}" for (u, p), s in shortage.items() if s - inflow.get((u, p), 0) > 0]
    good, _ = reach_open(arcs, res.flows, open_dst)
    base = _lp_fill(arcs, supply, shortage, prio)
    assert base == pytest.approx(res.weighted_fill)
    for key in supply:
        more = dict(supply); more[key] += 1
        gain = _lp_fill(arcs, more, shortage, prio) - base
        alpha = prio[key[1]] if f"{key[0]}\x1f{key[1]}" in good else 0
        assert gain == pytest.approx(alpha), key


def test_sensitivity_table_km_bound_and_values():
    ds = _dataset([(0, {"A": (3, 1)}), (20, {"A": (0, 3)}), (41, {"A": (0, 1), "B": (2, 1)}),
                   (10, {"B": (0, 1)})])
    sc = Scenario(max_km=40.5)
    plan = solve(ds, sc)
    elig = build_eligibility(ds, sc)
    res = solve_flows(elig)
    t = sensitivity_table(ds, sc, elig, res.flows, plan.units_after).set_index("position_code")
    # A: U0's 2 movable surplus go to U1 (3 short, 20 km), which stays 1 short: one more person at
    # U0 is worth priority 2; U2 (41 km) comes within reach with one more km, but nothing is left
    # to send, so one more km is worth 0
    assert t.loc["A", "value_one_more_surplus"] == 2
    assert t.loc["A", "value_one_more_km"] == 0
    assert t.loc["A", "value_one_more_km"] <= t.loc["A", "km_gain_bound_from_duals"]
    # B: U2 has 1 movable surplus, U3 (31 km away) is short 1: filled; nothing left short
    assert t.loc["B", "shortage_after"] == 0 and t.loc["B", "value_one_more_recruit"] == 0
    assert (t["value_one_more_km"] <= t["km_gain_bound_from_duals"]).all()
