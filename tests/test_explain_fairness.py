"""The leximin-fair plan: brute force on tiny instances, a min-max MILP solved another way
(scipy.optimize.milp) on random ones, and the statistics."""
from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from models.scenario import Scenario
from optimizer.explain.fairness import gini, solve_leximin, unit_shares
from optimizer.plan import units_after_table
from optimizer.reassign.eligibility import build_eligibility
from optimizer.reassign.network import solve_flows
from optimizer.reassign.selection import choose_persons
from tests.builders import KM_PER_DEG, make_ds

SC = Scenario(max_km=100)


def _instance(draw_units, positions):
    """units: list of (lat offset km, {pos: (staff, quota)}) → a Dataset in one province."""
    units, staff, quotas = [], [], []
    sid = 0
    for i, (x_km, per_pos) in enumerate(draw_units):
        code = f"U{i}"
        units.append((code, "01", 16.0 + x_km / KM_PER_DEG, 106.0))
        for pos, (n_staff, quota) in per_pos.items():
            for _ in range(n_staff):
                staff.append((f"S{sid:03d}", code, pos, "1990-01-01", "F"))
                sid += 1
            quotas.append((code, pos, quota))
    return make_ds(units, staff, quotas, positions=positions)


def _shares_of(ds, elig, flows) -> dict:
    moved = choose_persons(ds, elig, flows, SC)
    ua = units_after_table(ds, elig, moved)
    return unit_shares(ua).to_dict(), ua


def _brute(elig):
    """Every integer flow: the leximin-best sorted share vector among max weighted fill, then km."""
    arcs = elig.arcs
    pairs = elig.pairs
    prio = arcs["position_code"].map(pairs.drop_duplicates("position_code").set_index("position_code")["priority"])
    cap = np.minimum(arcs["supply"], arcs["shortage"]).to_numpy()
    D0 = (pairs["priority"] * pairs["shortage"]).groupby(pairs["unit_code"]).sum()
    Q = (pairs["priority"] * pairs["quota"]).groupby(pairs["unit_code"]).sum()
    best = None
    for x in itertools.product(*[range(c + 1) for c in cap]):
        x = np.array(x)
        out = arcs.assign(f=x)
        if (out.groupby(["from_unit", "position_code"])["f"].sum()
                > out.groupby(["from_unit", "position_code"])["supply"].first()).any():
            continue
        if (out.groupby(["to_unit", "position_code"])["f"].sum()
                > out.groupby(["to_unit", "position_code"])["shortage"].first()).any():
            continue
        fill = int((x * prio).sum())
        inflow = (out["f"] * prio).groupby(out["to_unit"]).sum()
        vec = sorted((Fraction(int(D0[u] - inflow.get(u, 0)), int(Q[u])) for u in Q.index if Q[u] > 0),
                     reverse=True)
        km = round(float((x * arcs["km"]).sum()), 3)
        key = (-fill, vec, km)
        if best is None or key < best:
            best = key
    return best


TINY = [
    # two shortage units compete for the only surplus person: fairness gives it to the larger share
    ([(0, {"A": (3, 1)}), (10, {"A": (0, 1)}), (60, {"A": (1, 3)})], None),
    # priorities differ; integrality: shares move in steps
    ([(0, {"A": (2, 0), "B": (1, 0)}), (5, {"A": (0, 2), "B": (0, 1)}), (30, {"A": (0, 1), "B": (1, 2)})],
     [("A", 1), ("B", 3)]),
]


@pytest.mark.parametrize("units,positions", TINY)
def test_leximin_equals_brute_force(units, positions):
    ds = _instance(units, positions)
    elig = build_eligibility(ds, SC)
    base = solve_flows(elig)
    fair = solve_leximin(elig, base.flows)
    assert fair.status == "optimal"
    assert fair.weighted_fill == base.weighted_fill
    fill, vec, km = _brute(elig)
    shares, _ = _shares_of(ds, elig, fair.flows)
    assert sorted(shares.values(), reverse=True) == pytest.approx([float(v) for v in vec])
    assert fair.total_km == pytest.approx(km, abs=1e-6)


def test_fairness_lowers_the_worst_share_where_efficiency_concentrates_it():
    # efficient (least km): U1 (10 km, 1 short of 4) gets the one person; U2 (60 km, 1 short of 1)
    # stays at share 1. The fair plan sends the person to U2: worst share 1/4
    ds = _instance([(0, {"A": (2, 1)}), (10, {"A": (3, 4)}), (60, {"A": (0, 1)})], None)
    elig = build_eligibility(ds, SC)
    base = solve_flows(elig)
    fair = solve_leximin(elig, base.flows)
    eff, _ = _shares_of(ds, elig, base.flows)
    fr, _ = _shares_of(ds, elig, fair.flows)
    assert max(eff.values()) == 1.0
    assert max(fr.values()) == 0.25
    assert fair.weighted_fill == base.weighted_fill
    assert fair.total_km > base.total_km


def _minmax_reference(elig, W):
    """min t s.t. every unit with quota has share ≤ t, weighted fill = W: scipy's milp, written apart."""
    arcs, pairs = elig.arcs, elig.pairs
    prio_of = dict(zip(pairs["position_code"], pairs["priority"]))
    n = len(arcs)
    prio = np.array([prio_of[p] for p in arcs["position_code"]], float)
    rows, lo, hi = [], [], []
    for (u, p), g in arcs.groupby(["from_unit", "position_code"]):
        r = np.zeros(n + 1); r[g.index] = 1; rows.append(r); lo.append(0); hi.append(g["supply"].iloc[0])
    for (v, p), g in arcs.groupby(["to_unit", "position_code"]):
        r = np.zeros(n + 1); r[g.index] = 1; rows.append(r); lo.append(0); hi.append(g["shortage"].iloc[0])
    r = np.zeros(n + 1); r[:n] = prio; rows.append(r); lo.append(W); hi.append(W)
    for u, g in pairs.groupby("unit_code"):
        Q = float((g["priority"] * g["quota"]).sum())
        if Q <= 0:
            continue
        D0 = float((g["priority"] * g["shortage"]).sum())
        r = np.zeros(n + 1)      # D0 − Σ prio·in ≤ t·Q  ⇔  Σ prio·in + Q·t ≥ D0
        r[:n] = np.where(arcs["to_unit"].to_numpy() == u, prio, 0.0)
        r[n] = Q
        rows.append(r); lo.append(D0); hi.append(np.inf)
    c = np.zeros(n + 1); c[n] = 1.0
    ub = np.r_[np.minimum(arcs["supply"], arcs["shortage"]).to_numpy(float), np.inf]
    res = milp(c, constraints=LinearConstraint(np.array(rows), lo, hi), bounds=Bounds(np.zeros(n + 1), ub),
               integrality=np.r_[np.ones(n), 0])
    assert res.success
    return res.fun


unit_st = st.tuples(st.integers(0, 50),
                    st.fixed_dictionaries({"A": st.tuples(st.integers(0, 3), st.integers(0, 3)),
                                           "B": st.tuples(st.integers(0, 2), st.integers(0, 3))}))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(unit_st, min_size=2, max_size=6), st.integers(1, 3))
def test_fair_worst_share_equals_minmax_milp(units, prio_b):
    ds = _instance(units, [("A", 1), ("B", prio_b)])
    elig = build_eligibility(ds, Scenario(max_km=30))
    base = solve_flows(elig)
    fair = solve_leximin(elig, base.flows)
    assert fair.status == "optimal"
    assert fair.weighted_fill == base.weighted_fill
    shares, _ = _shares_of(ds, elig, fair.flows)
    if not shares:
        return
    if len(elig.arcs) == 0:
        return
    assert max(shares.values()) == pytest.approx(_minmax_reference(elig, base.weighted_fill), abs=1e-6)


def test_gini():
    assert gini([0, 0, 0]) == 0.0
    assert gini([1, 1, 1, 1]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)


def test_integrality_one_person_two_equal_claims():
    # one movable surplus person, two units each 1 short of 1: the LP would split the person
    # (both shares 1/2); integer flows leave one unit at 1 and the other at 0
    ds = _instance([(0, {"A": (2, 1)}), (10, {"A": (0, 1)}), (20, {"A": (0, 1)})], None)
    elig = build_eligibility(ds, SC)
    fair = solve_leximin(elig, solve_flows(elig).flows)
    shares, _ = _shares_of(ds, elig, fair.flows)
    assert sorted(shares.values(), reverse=True) == [1.0, 0.0, 0.0]
    assert fair.flows["to_unit"].tolist() == ["U1"]      # then the least km


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 40), st.fixed_dictionaries(
    {"A": st.tuples(st.integers(0, 2), st.integers(0, 2)), "B": st.tuples(st.integers(0, 2), st.integers(0, 2))})),
    min_size=2, max_size=4), st.integers(1, 3))
def test_leximin_equals_brute_force_random(units, prio_b):
    ds = _instance(units, [("A", 1), ("B", prio_b)])
    elig = build_eligibility(ds, SC)
    cap = np.minimum(elig.arcs["supply"], elig.arcs["shortage"]).to_numpy() + 1
    if len(cap) == 0 or np.prod(cap.astype(float)) > 600:
        return
    base = solve_flows(elig)
    fair = solve_leximin(elig, base.flows)
    fill, vec, km = _brute(elig)
    assert fair.weighted_fill == -fill
    shares, _ = _shares_of(ds, elig, fair.flows)
    assert sorted(shares.values(), reverse=True) == pytest.approx([float(v) for v in vec])
    assert fair.total_km == pytest.approx(km, abs=1e-6)


def test_time_limit_keeps_the_efficient_fill():
    # no time at all: the efficient flows stay, the status says the fairness was not finished
    ds = _instance([(0, {"A": (2, 1)}), (10, {"A": (3, 4)}), (60, {"A": (0, 1)})], None)
    elig = build_eligibility(ds, SC)
    base = solve_flows(elig)
    fair = solve_leximin(elig, base.flows, time_limit=0.0)
    assert fair.status == "feasible"
    assert fair.weighted_fill == base.weighted_fill
    assert fair.total_km == pytest.approx(base.total_km)
