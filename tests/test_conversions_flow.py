"""Retraining solved exactly: the plan equals a person-level MILP solved another way (scipy's
HiGHS, stage by stage, from the raw tables), and the weighted network equals the staged LPs."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from builders import make_ds
from models.retirement import retirement_dates
from models.scenario import Scenario
from optimizer.plan import solve
from optimizer.reassign.conversions import build_conversion_eligibility
from optimizer.reassign.eligibility import build_eligibility
from optimizer.reassign.lexflow import objectives, solve_conversion_flows, solve_network, solve_staged_lp

POSITIONS = ["P", "Q", "R"]


def km_between(a, b):
    """Great-circle km (R = 6371.0), written here from the formula, rounded to the metre."""
    la1, lo1, la2, lo2 = map(np.radians, (a[0], a[1], b[0], b[1]))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return round(2 * 6371.0 * np.arcsin(np.sqrt(h)), 3)


@st.composite
def instances(draw):
    n_units = draw(st.integers(2, 4))
    units = [(f"U{i}", draw(st.sampled_from(["01", "01", "02"])),
              20 + draw(st.floats(0, 0.4)), 105 + draw(st.floats(0, 0.4))) for i in range(n_units)]
    prio = {p: draw(st.integers(1, 3)) for p in POSITIONS}
    staff, quotas, k = [], [], 0
    for u in units:
        for p in POSITIONS:
            n, q = draw(st.integers(0, 3)), draw(st.integers(0, 3))
            quotas.append((u[0], p, q))
            for _ in range(n):
                k += 1
                staff.append((f"s{k}", u[0], p, f"{draw(st.integers(1962, 1998))}-06-15",
                              draw(st.sampled_from("MF")), draw(st.sampled_from([True] * 9 + [False]))))
    pairs = [(a, b) for a in POSITIONS for b in POSITIONS if a != b]
    listed = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4))
    conv = pd.DataFrame([{"from_position": a, "to_position": b, "training_months": draw(st.integers(0, 12)),
                          "training_cost_vnd": 1e6} for a, b in listed],
                        columns=["from_position", "to_position", "training_months", "training_cost_vnd"])
    ds = make_ds(units, staff, quotas, positions=[(p, prio[p]) for p in POSITIONS]).replace(conversions=conv)
    scen = Scenario(conversions=True, max_km=draw(st.sampled_from([15.0, 40.0, 80.0])),
                    cross_province=draw(st.booleans()))
    return ds, scen


def person_milp(ds, scen):
    """(F1, F2, F3) of the lexicographic optimum over persons, from the raw tables, by scipy."""
    staff = ds.staff
    cutoff = pd.Timestamp(scen.plan_date) + pd.DateOffset(months=int(round(scen.protect_years * 12)))
    free = staff.loc[staff["movable"].to_numpy() & (retirement_dates(staff["birth_date"], staff["gender"]) > cutoff).to_numpy()]
    count = staff.groupby(["unit_code", "position_code"]).size()
    quota = ds.quotas.set_index(["unit_code", "position_code"])["quota"]
    both = pd.concat([count.rename("n"), quota.rename("q")], axis=1).fillna(0)
    surplus = (both["n"] - both["q"]).clip(lower=0)
    shortage = (both["q"] - both["n"]).clip(lower=0)
    prio = ds.positions.set_index("position_code")["priority"]
    units = ds.units.set_index("unit_code")
    listed = set(zip(ds.conversions["from_position"], ds.conversions["to_position"]))
    var = []   # (person, from (u,p), to (v,q), priority, change, metres)
    for s in free.itertuples():
        if surplus.get((s.unit_code, s.position_code), 0) <= 0:
            continue
        for (v, q), need in shortage.items():
            if need <= 0 or not (q == s.position_code or (s.position_code, q) in listed):
                continue
            a, b = units.loc[s.unit_code], units.loc[v]
            if not scen.cross_province and a["province_code"] != b["province_code"]:
                continue
            km = 0.0 if v == s.unit_code else km_between((a["lat"], a["lon"]), (b["lat"], b["lon"]))
            if km > scen.max_km:
                continue
            var.append((s.staff_id, (s.unit_code, s.position_code), (v, q), int(prio[q]),
                        int(q != s.position_code), int(round(km * 1000))))
    if not var:
        return 0, 0, 0
    n = len(var)
    rows, ub = [], []
    for key, cap in ((0, None), (1, surplus), (2, shortage)):
        groups = {}
        for i, x in enumerate(var):
            groups.setdefault(x[key], []).append(i)
        for g, idx in groups.items():
            r = np.zeros(n)
            r[idx] = 1
            rows.append(r)
            ub.append(1 if cap is None else cap[g])
    A, ub = np.array(rows), np.array(ub, dtype=float)
    objs = [-np.array([x[3] for x in var], float), np.array([x[4] for x in var], float),
            np.array([x[5] for x in var], float)]
    cons, best = [LinearConstraint(A, -np.inf, ub)], []
    for c in objs:
        r = milp(c, constraints=cons, integrality=np.ones(n), bounds=Bounds(0, 1))
        assert r.status == 0
        value = round(float(c @ np.rint(r.x)))
        best.append(value)
        cons.append(LinearConstraint(c[None, :], -np.inf, value))
    return -best[0], best[1], best[2]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plan_equals_person_level_milp(inst):
    ds, scen = inst
    plan = solve(ds, scen)
    s = plan.summary
    got = (s["weighted_shortage_before"] - s["weighted_shortage_after"], s["retraining"]["retrained"],
           int(round(plan.transfers["km"].sum() * 1000)) if len(plan.transfers) else 0)
    assert got == person_milp(ds, scen)
    assert s["check"]["passed"]
    assert s["ceiling"] >= s["shortage_before"] - s["shortage_after"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from([None, 1, 2]), st.sampled_from([None, 1, 2]))
def test_network_equals_staged_lp(inst, dep, arr):
    ds, scen = inst
    elig = build_conversion_eligibility(ds, scen)
    limits = {"max_departures_per_unit": dep, "max_arrivals_per_unit": arr}
    net = solve_network(elig, **limits)
    lp = solve_staged_lp(elig, 30, **limits)
    assert lp.status == net.status == "optimal"
    prio = elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"]

    def objs(res):
        x = res.flows.merge(elig.arcs, how="right", on=["from_unit", "to_unit", "position_code",
                                                          "to_position_code"])["flow"].fillna(0)
        return objectives(elig.arcs, x.to_numpy(dtype=np.int64), prio)
    assert objs(net) == objs(lp)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_ceiling_is_the_fill_with_no_distance_limit(inst):
    ds, scen = inst
    elig = build_conversion_eligibility(ds, scen)
    far = build_conversion_eligibility(ds, scen.model_copy(update={"max_km": 10_000.0}))
    res = solve_conversion_flows(far)
    assert far.ceiling_weighted == res.weighted_fill == elig.ceiling_weighted
    # without listed paths, the ceiling is the one of same-position moves
    bare = ds.replace(conversions=ds.conversions.iloc[0:0])
    a, b = build_conversion_eligibility(bare, scen), build_eligibility(bare, scen)
    assert (a.ceiling, a.ceiling_weighted) == (b.ceiling, b.ceiling_weighted)


def test_mip_solver_option_gives_the_network_plan():
    units = [("A", "01", 20.0, 105.0), ("B", "01", 20.1, 105.0), ("C", "01", 20.2, 105.1)]
    staff = [("a1", "A", "P", "1990-01-01", "M"), ("a2", "A", "P", "1985-01-01", "F"),
             ("b1", "B", "Q", "1990-01-01", "M")]
    quotas = [("A", "P", 0), ("B", "Q", 0), ("C", "Q", 2), ("C", "R", 1), ("A", "R", 1)]
    conv = pd.DataFrame({"from_position": ["P", "P"], "to_position": ["Q", "R"],
                         "training_months": [3, 6], "training_cost_vnd": [0.0, 0.0]})
    ds = make_ds(units, staff, quotas, positions=[("P", 1), ("Q", 3), ("R", 2)]).replace(conversions=conv)
    a = solve(ds, Scenario(conversions=True))
    b = solve(ds, Scenario(conversions=True, solver="mip"))
    assert b.summary["method"] == "staged_lp" and a.summary["method"] == "min_cost_flow"
    for k in ("weighted_shortage_after", "total_km", "moves"):
        assert a.summary[k] == b.summary[k]
    assert a.summary["retraining"]["retrained"] == b.summary["retraining"]["retrained"]
    assert a.summary["weighted_shortage_after"] == 2     # 3 people for 4 posts: one R stays empty
