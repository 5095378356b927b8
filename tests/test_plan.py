"""The whole pipeline on random small instances: the audit accepts every plan, and the plan's
objective equals an optimum computed a different way (a person-level LP with scipy's HiGHS,
with eligibility recomputed here by plain loops)."""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from scipy.optimize import linprog

from builders import make_ds
from models.retirement import retirement_date
from models.scenario import Scenario
from optimizer.reassign.audit import check_plan
from optimizer.plan import solve


def gc(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def lp_optimum(ds, scen):
    """(weighted shortage after, total km) by a person-level lexicographic LP."""
    units = {r.unit_code: r for r in ds.units.itertuples()}
    prio = dict(zip(ds.positions["position_code"], ds.positions["priority"]))
    quota = {(r.unit_code, r.position_code): r.quota for r in ds.quotas.itertuples()}
    count = ds.staff.groupby(["unit_code", "position_code"]).size().to_dict()
    keys = set(quota) | set(count)
    short = {k: max(0, quota.get(k, 0) - count.get(k, 0)) for k in keys}
    surplus = {k: max(0, count.get(k, 0) - quota.get(k, 0)) for k in keys}
    limit = np.datetime64(scen.plan_date) + np.timedelta64(0, "D")
    import pandas as pd
    cutoff = pd.Timestamp(scen.plan_date) + pd.DateOffset(months=int(round(scen.protect_years * 12)))
    var = []  # (person, unit_from, dest, pos, km)
    for s in ds.staff.itertuples():
        if not s.movable or pd.Timestamp(retirement_date(s.birth_date.date(), s.gender)) <= cutoff:
            continue
        for (v, p), need in short.items():
            if p != s.position_code or need == 0 or v == s.unit_code:
                continue
            a, b = units[s.unit_code], units[v]
            if not scen.cross_province and a.province_code != b.province_code:
                continue
            km = round(gc((a.lat, a.lon), (b.lat, b.lon)), 3)
            if km <= scen.max_km:
                var.append((s.staff_id, s.unit_code, v, p, km))
    before = sum(prio[p] * n for (u, p), n in short.items())
    if not var:
        return before, 0.0
    n = len(var)
    rows, rhs = [], []
    def add(mask, cap):
        rows.append(mask.astype(float)); rhs.append(cap)
    ids = np.array([v[0] for v in var]); frm = [(v[1], v[3]) for v in var]; to = [(v[2], v[3]) for v in var]
    for sid in set(ids):
        add(ids == sid, 1)
    for k in set(frm):
        add(np.array([f == k for f in frm]), surplus[k])
    for k in set(to):
        add(np.array([t == k for t in to]), short[k])
    A, b = np.array(rows), np.array(rhs)
    w = np.array([prio[v[3]] for v in var], dtype=float)
    km = np.array([v[4] for v in var])
    r1 = linprog(-w, A_ub=A, b_ub=b, bounds=(0, 1), method="highs")
    best = -r1.fun
    r2 = linprog(km, A_ub=np.vstack([A, -w]), b_ub=np.append(b, -best + 1e-7), bounds=(0, 1), method="highs")
    return before - round(best), r2.fun


@st.composite
def instance(draw):
    n = draw(st.integers(2, 6))
    units = [(f"U{i}", draw(st.sampled_from(["01", "02"])), 20 + draw(st.floats(0, 0.5)),
              105 + draw(st.floats(0, 0.5))) for i in range(n)]
    positions = [("P", draw(st.integers(1, 3))), ("Q", draw(st.integers(1, 3)))]
    staff, quotas = [], []
    for code, *_ in units:
        for pos, _ in positions:
            for k in range(draw(st.integers(0, 3))):
                birth = draw(st.sampled_from(["1964-06-01", "1968-02-01", "1980-01-01", "1995-09-09"]))
                staff.append((f"{code}{pos}{k}", code, pos, birth, draw(st.sampled_from("MF")),
                              draw(st.integers(0, 5)) > 0, draw(st.sampled_from(["", units[0][0]]))))
            quotas.append((code, pos, draw(st.integers(0, 3))))
    scen = Scenario(max_km=draw(st.sampled_from([15.0, 30.0, 60.0])), cross_province=draw(st.booleans()),
                    protect_years=draw(st.sampled_from([0, 2, 5])))
    return make_ds(units, staff, quotas, positions=positions), scen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance())
def test_random_plans_pass_the_audit_and_are_optimal(inst):
    ds, scen = inst
    plan = solve(ds, scen)
    assert plan.summary["status"] == "optimal"
    assert check_plan(ds, scen, plan.transfers, plan.units_after) == []
    weighted, km = lp_optimum(ds, scen)
    assert plan.summary["weighted_shortage_after"] == weighted
    assert plan.summary["total_km"] == pytest.approx(km, abs=1e-3 * max(1, len(plan.transfers)))
    # everyone accounted for, nobody duplicated
    assert plan.units_after["staff_after"].sum() == len(ds.staff)
    assert plan.transfers["staff_id"].is_unique


def test_same_input_same_plan():
    units = [(f"U{i}", "01", 20 + i * 0.05, 105 + (i % 3) * 0.05) for i in range(8)]
    staff = [(f"s{i}", f"U{i % 3}", "P", "1985-01-01", "MF"[i % 2]) for i in range(12)]
    quotas = [(f"U{i}", "P", 1 if i < 3 else 2) for i in range(8)]
    ds = make_ds(units, staff, quotas)
    a, b = solve(ds, Scenario()), solve(ds, Scenario())
    assert a.transfers.equals(b.transfers) and a.units_after.equals(b.units_after)
    assert len(a.transfers) == 9


def test_a_plan_for_some_provinces_only():
    units = [("A", "01", 20.0, 105.0), ("B", "01", 20.05, 105.0), ("C", "02", 20.0, 105.05),
             ("D", "02", 20.05, 105.05)]
    staff = [("a1", "A", "P", "1985-01-01", "M"), ("c1", "C", "P", "1985-01-01", "F")]
    quotas = [("A", "P", 0), ("B", "P", 1), ("C", "P", 0), ("D", "P", 1)]
    ds = make_ds(units, staff, quotas)
    plan = solve(ds, Scenario(provinces=["02"]))
    assert plan.transfers["staff_id"].tolist() == ["c1"]
    assert set(plan.units_after["province_code"]) == {"02"} and plan.units_after["staff_after"].sum() == 1
    assert plan.summary["shortage_before"] == 1 and plan.summary["scenario"]["provinces"] == ["02"]
    from models.scenario import ScenarioError
    with pytest.raises(ScenarioError, match="99"):
        solve(ds, Scenario(provinces=["99"]))
