"""Decisions, appeals and wishes (docs/contract.md §8): planners and staff in the loop.

The exactness tests compare the plan with a *person-level* MILP written here from the raw
tables (one binary variable per person and destination, solved stage by stage with scipy's
HiGHS), while the plan comes from the aggregated network of optimizer.reassign.preferences.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from builders import KM_PER_DEG, make_ds
from models.scenario import Scenario
from models.validation import DatasetError
from optimizer.plan import solve
from optimizer.reassign.audit import check_plan
from optimizer.reassign.eligibility import distance_lookup, staff_status
from optimizer.reassign.preferences import solve_preferences
from optimizer.reassign.eligibility import build_eligibility

KM = 1 / KM_PER_DEG   # one km of latitude, in degrees


def dec(*rows):
    return pd.DataFrame([{"staff_id": r[0], "decision": r[1], "to_unit": r[2] if len(r) > 2 else "",
                          "reason": r[3] if len(r) > 3 else "", "_row": i + 2} for i, r in enumerate(rows)],
                        columns=["staff_id", "decision", "to_unit", "reason", "_row"])


def wishes(*rows):
    return pd.DataFrame([{"staff_id": a, "unit_code": b, "rank": int(c)} for a, b, c in rows],
                        columns=["staff_id", "unit_code", "rank"]).astype({"rank": "int64"})


def line_ds(n_staff=3, extra_units=(), exempt=None):
    """A has n_staff DC staff for a quota of 1; B (10 km north) and C (5 km north) lack one each."""
    units = [("A", "01", 20.0, 105.0), ("B", "01", 20.0 + 10 * KM, 105.0), ("C", "01", 20.0 + 5 * KM, 105.0),
             *extra_units]
    staff = [(f"a{i}", "A", "DC", f"{1990 + i}-01-01", "M") for i in range(1, n_staff + 1)]
    quotas = [("A", "DC", 1), ("B", "DC", 1), ("C", "DC", 1)] + [(u[0], "DC", 1) for u in extra_units]
    ds = make_ds(units, staff, quotas)
    if exempt:
        ds = ds.replace(staff=ds.staff.assign(exempt_reason=ds.staff["staff_id"].map(exempt).fillna("")))
    return ds


# --------------------------------------------------------------------------- decisions


def test_keep_and_exempt_are_never_moved():
    base = solve(line_ds(), Scenario())
    moved = set(base.transfers["staff_id"])
    assert len(moved) == 2
    keep, exempt = sorted(moved)
    plan = solve(line_ds().replace(decisions=dec((keep, "keep"), (exempt, "exempt", "", "mang thai"))), Scenario())
    assert set(plan.transfers["staff_id"]).isdisjoint({keep, exempt})
    assert plan.summary["decisions"] == {"keep": 1, "exempt": 1, "move": 0}
    assert plan.summary["check"]["passed"]


def test_exempt_reason_in_the_roster_is_never_moved():
    ds = line_ds(exempt={"a1": "child_under_36_months", "a2": "discipline"})
    plan = solve(ds, Scenario())
    assert plan.transfers["staff_id"].tolist() == ["a3"]       # one left to move: C (nearer) gets a3
    assert plan.summary["check"]["passed"]


def test_a_forced_move_is_honoured_even_beyond_max_km():
    far = ("F", "01", 20.0 + 60 * KM, 105.0)                  # 60 km: beyond max_km = 40
    ds = line_ds(n_staff=4, extra_units=[far]).replace(decisions=dec(("a1", "move", "F", "đề nghị của tỉnh")))
    plan = solve(ds, Scenario())
    t = plan.transfers.set_index("staff_id")
    assert t.at["a1", "to_unit"] == "F" and t.at["a1", "decision"] == "move"
    assert t.at["a1", "km"] == pytest.approx(60.0, abs=0.01)
    assert len(t) == 3 and plan.summary["shortage_after"] == 0   # the others still fill B and C
    assert plan.summary["check"]["passed"]


@pytest.mark.parametrize("decision, rule", [
    (("a1", "move", "A"), "different_unit"),
    (("a1", "move", ""), "move_needs_to_unit"),
    (("a1", "move", "Z"), "known_destination"),
    (("a1", "move", "D"), "same_province"),
    (("a1", "move", "E"), "quota_not_crossed"),              # E has no shortage in DC
])
def test_a_forced_move_that_breaks_a_rule_is_refused(decision, rule):
    units = [("D", "02", 20.0, 105.1), ("E", "01", 20.0, 105.05)]
    ds = make_ds([("A", "01", 20.0, 105.0), ("B", "01", 20.0 + 10 * KM, 105.0), *units],
                 [("a1", "A", "DC", "1990-01-01", "M"), ("a2", "A", "DC", "1990-01-01", "M")],
                 [("A", "DC", 1), ("B", "DC", 1), ("D", "DC", 1), ("E", "DC", 0)])
    with pytest.raises(DatasetError) as e:
        solve(ds.replace(decisions=dec(decision)), Scenario())
    p = e.value.problems[0]
    assert p.table == "decisions" and p.row == 2 and f"rule {rule}" in p.message


def test_a_forced_move_of_someone_protected_is_refused():
    ds = make_ds([("A", "01", 20.0, 105.0), ("B", "01", 20.0 + 10 * KM, 105.0)],
                 [("old", "A", "DC", "1965-01-01", "M"), ("x", "A", "DC", "1990-01-01", "M", False),
                  ("e", "A", "DC", "1991-01-01", "F")],
                 [("A", "DC", 0), ("B", "DC", 3)])
    ds = ds.replace(staff=ds.staff.assign(exempt_reason=["", "", "pregnant"]))
    with pytest.raises(DatasetError) as e:
        solve(ds.replace(decisions=dec(("old", "move", "B"), ("x", "move", "B"), ("e", "move", "B"))), Scenario())
    rules = sorted(p.message.split(":")[0] for p in e.value.problems)
    assert rules == ["rule exempt_reason", "rule movable", "rule protect_years"]


# --------------------------------------------------------------------------- wishes


def test_a_volunteer_is_preferred_over_a_non_volunteer():
    # "near" lives next to B: without wishes the selection sends them; "keen" wished for B
    units = [("A", "01", 20.0, 105.0), ("B", "01", 20.0 + 10 * KM, 105.0), ("H", "01", 20.0 + 9 * KM, 105.0)]
    staff = [("near", "A", "DC", "1990-01-01", "M", True, "H"), ("keen", "A", "DC", "1990-01-01", "M")]
    ds = make_ds(units, staff, [("A", "DC", 1), ("B", "DC", 1)])
    assert solve(ds, Scenario()).transfers["staff_id"].tolist() == ["near"]
    plan = solve(ds.replace(wishes=wishes(("keen", "B", 2))), Scenario())
    assert plan.transfers["staff_id"].tolist() == ["keen"]
    assert plan.transfers["wish_rank"].tolist() == [2]
    assert plan.summary["voluntary_moves"] == 1 and plan.summary["involuntary_moves"] == 0
    assert plan.summary["check"]["passed"]


def test_fewer_involuntary_moves_come_before_first_choices():
    # A may send one of p (B first) and t (C second); E one of s (B second) and e (no wish).
    # p → B costs an involuntary move into C; t → C and s → B are two second choices.
    units = [("A", "01", 20.0, 105.0), ("E", "01", 20.0, 105.0 + 5 * KM),
             ("B", "01", 20.0 + 10 * KM, 105.0), ("C", "01", 20.0 + 10 * KM, 105.0 + 5 * KM)]
    staff = [("p", "A", "DC", "1990-01-01", "M"), ("t", "A", "DC", "1990-01-01", "M"),
             ("s", "E", "DC", "1990-01-01", "F"), ("e", "E", "DC", "1990-01-01", "F")]
    ds = make_ds(units, staff, [("A", "DC", 1), ("E", "DC", 1), ("B", "DC", 1), ("C", "DC", 1)])
    plan = solve(ds.replace(wishes=wishes(("p", "B", 1), ("t", "C", 2), ("s", "B", 2))), Scenario())
    assert dict(zip(plan.transfers["staff_id"], plan.transfers["to_unit"])) == {"t": "C", "s": "B"}
    assert plan.summary["involuntary_moves"] == 0 and plan.summary["wishes"]["choices_met"] == {"2": 2}


def test_wishes_never_cost_fill():
    # a wish for a unit out of reach does not move anyone there, and the fill stays the best
    ds = line_ds().replace(wishes=wishes(("a1", "B", 1), ("a2", "C", 1), ("a3", "B", 2)))
    plain, plan = solve(line_ds(), Scenario()), solve(ds, Scenario())
    assert plan.summary["weighted_shortage_after"] == plain.summary["weighted_shortage_after"]
    got = dict(zip(plan.transfers["staff_id"], plan.transfers["to_unit"]))
    assert got == {"a1": "B", "a2": "C"}                        # both first choices
    assert plan.summary["wishes"]["choices_met"] == {"1": 2}


# --------------------------------------------------------------------------- the person-level MILP


def stage_values(ds, scenario, transfers, baseline=None) -> list[int]:
    """The §8 objective of a plan, from its transfers and the raw tables."""
    prio = ds.positions.set_index("position_code")["priority"]
    t = transfers
    out = [-int(t["position_code"].map(prio).sum())]
    if baseline is not None:
        base = dict(zip(baseline["staff_id"], baseline["to_unit"]))
        kept = sum(base.get(s) == v for s, v in zip(t["staff_id"], t["to_unit"]))
        out.append(len(t) - 2 * kept)
    if ds.wishes is not None:
        w = ds.wishes.groupby(["staff_id", "unit_code"])["rank"].min()
        r = [int(w.get((s, v), 0)) for s, v in zip(t["staff_id"], t["to_unit"])]
        out.append(sum(x == 0 for x in r))
        out += [-sum(x == k for x in r) for k in sorted(set(ds.wishes["rank"]))]
    km, _ = distance_lookup(ds, t["from_unit"].to_numpy(), t["to_unit"].to_numpy())
    out.append(int(np.rint(km * 1000).sum()))
    return out


def person_milp(ds, scenario, baseline=None) -> list[int]:
    """The lexicographic optimum, person by person (no aggregation), stage by stage."""
    st_ = staff_status(ds, scenario)
    keep = set() if ds.decisions is None else set(ds.decisions["staff_id"])
    movers = st_.loc[st_["may_move"] & ~st_["staff_id"].isin(keep)]
    key = ["unit_code", "position_code"]
    counts = pd.concat([ds.staff.groupby(key).size().rename("n"), ds.quotas.set_index(key)["quota"]],
                       axis=1).fillna(0).astype(int)
    prov = ds.units.set_index("unit_code")["province_code"]
    cand = []
    for m in movers.itertuples():
        n, q = counts.loc[(m.unit_code, m.position_code)]
        if n <= q:
            continue
        for v in ds.units["unit_code"]:
            if v == m.unit_code or (v, m.position_code) not in counts.index:
                continue
            nv, qv = counts.loc[(v, m.position_code)]
            if qv <= nv or (prov[v] != prov[m.unit_code] and not scenario.cross_province):
                continue
            km, _ = distance_lookup(ds, [m.unit_code], [v])
            if km[0] <= scenario.max_km + 1e-9:
                cand.append((m.staff_id, m.unit_code, v, m.position_code, int(np.rint(km[0] * 1000))))
    if not cand:
        return stage_values(ds, scenario, pd.DataFrame(columns=["staff_id", "from_unit", "to_unit",
                                                                "position_code"]), baseline)
    c = pd.DataFrame(cand, columns=["staff_id", "from_unit", "to_unit", "position_code", "metres"])
    n = len(c)
    rows, hi = [], []

    def group(cols, cap):
        for _, idx in c.groupby(cols[0] if len(cols) == 1 else cols).groups.items():
            r = np.zeros(n)
            r[list(idx)] = 1
            rows.append(r)
            hi.append(cap(_))
    group(["staff_id"], lambda k: 1)
    group(["from_unit", "position_code"], lambda k: counts.loc[k, "n"] - counts.loc[k, "quota"])
    group(["to_unit", "position_code"], lambda k: counts.loc[k, "quota"] - counts.loc[k, "n"])
    if scenario.max_departures_per_unit is not None:
        group(["from_unit"], lambda k: scenario.max_departures_per_unit)
    if scenario.max_arrivals_per_unit is not None:
        group(["to_unit"], lambda k: scenario.max_arrivals_per_unit)
    cons = [LinearConstraint(np.array(rows), -np.inf, np.array(hi, dtype=float))]
    prio = ds.positions.set_index("position_code")["priority"]
    objs = [-c["position_code"].map(prio).to_numpy(float)]
    if baseline is not None:
        base = dict(zip(baseline["staff_id"], baseline["to_unit"]))
        objs.append(np.where([base.get(s) == v for s, v in zip(c["staff_id"], c["to_unit"])], -1.0, 1.0))
    if ds.wishes is not None:
        w = ds.wishes.groupby(["staff_id", "unit_code"])["rank"].min()
        r = np.array([int(w.get((s, v), 0)) for s, v in zip(c["staff_id"], c["to_unit"])])
        objs.append((r == 0).astype(float))
        objs += [-(r == k).astype(float) for k in sorted(set(ds.wishes["rank"]))]
    objs.append(c["metres"].to_numpy(float))
    values = []
    for obj in objs:
        res = milp(obj, constraints=cons, integrality=np.ones(n), bounds=Bounds(0, 1),
                   options={"mip_rel_gap": 0})
        assert res.status == 0
        v = int(round(res.fun))
        values.append(v)
        cons.append(LinearConstraint(obj.reshape(1, -1), -np.inf, v + 0.5))
    return values


def test_a_resolve_with_one_new_keep_changes_the_fewest_transfers():
    # a chain where the naive re-solve would reshuffle: A and B send, C, D, E receive
    units = [("A", "01", 20.0, 105.0), ("B", "01", 20.0, 105.0 + 6 * KM),
             ("C", "01", 20.0 + 4 * KM, 105.0), ("D", "01", 20.0 + 4 * KM, 105.0 + 6 * KM),
             ("E", "01", 20.0 + 8 * KM, 105.0 + 3 * KM)]
    staff = [(f"a{i}", "A", "DC", f"{1985 + i}-01-01", "M") for i in range(3)] + \
            [(f"b{i}", "B", "DC", f"{1986 + i}-01-01", "F") for i in range(3)]
    ds = make_ds(units, staff, [("A", "DC", 1), ("B", "DC", 1), ("C", "DC", 1), ("D", "DC", 2), ("E", "DC", 1)])
    first = solve(ds, Scenario())
    assert first.summary["moves"] == 4
    appeal = first.transfers["staff_id"].iloc[0]
    again = ds.replace(decisions=dec((appeal, "keep", "", "khiếu nại được chấp nhận")))
    base = first.transfers[["staff_id", "to_unit"]]
    plan = solve(again, Scenario(), baseline=base)
    s = plan.summary
    assert s["weighted_shortage_after"] == first.summary["weighted_shortage_after"]   # fill kept optimal
    assert stage_values(again, Scenario(), plan.transfers, base) == person_milp(again, Scenario(), base)
    changes = s["baseline_dropped"] + s["baseline_added"]
    assert changes == 2 and s["baseline_kept"] == 3                # drop the appeal, add one stand-in
    assert set(plan.transfers["baseline"]) == {"kept", "new"}
    ch = plan.changes.set_index("staff_id")
    assert ch.at[appeal, "change"] == "dropped" and ch.at[appeal, "cause"] == "keep"
    assert (plan.changes["change"] == "added").sum() == 1


def test_the_mip_path_gives_the_network_optimum():
    ds = line_ds(n_staff=4).replace(wishes=wishes(("a1", "B", 1), ("a2", "B", 1), ("a3", "C", 2)))
    elig = build_eligibility(ds, Scenario())
    net = solve_preferences(elig, wishes=ds.wishes)
    mip = solve_preferences(elig, wishes=ds.wishes, int_limit=1)     # nothing fits: every component a MIP
    assert net.methods == {"min_cost_flow": 1, "mip": 0} and mip.methods == {"min_cost_flow": 0, "mip": 1}
    assert net.objective == mip.objective


@st.composite
def instances(draw):
    n_units = draw(st.integers(3, 5))
    units = [(f"U{i}", draw(st.sampled_from(["01", "01", "02"])),
              20.0 + draw(st.integers(0, 30)) * KM, 105.0 + draw(st.integers(0, 30)) * KM)
             for i in range(n_units)]
    positions = [("P", draw(st.integers(1, 3))), ("Q", draw(st.integers(1, 3)))]
    staff, quotas, k = [], [], 0
    for u in units:
        for p, _ in positions:
            quotas.append((u[0], p, draw(st.integers(0, 3))))
            for _ in range(draw(st.integers(0, 3))):
                staff.append((f"s{k}", u[0], p, draw(st.sampled_from(["1966-05-01", "1985-01-01", "1995-07-01"])),
                              "M", draw(st.booleans()) or draw(st.booleans())))
                k += 1
    ds = make_ds(units, staff, quotas, positions=positions)
    wl = []
    for s in staff:
        if draw(st.booleans()):
            for rank, u in enumerate(draw(st.lists(st.sampled_from([u[0] for u in units]), min_size=1,
                                                  max_size=2, unique=True)), start=1):
                wl.append((s[0], u, rank))
    if wl:
        ds = ds.replace(wishes=wishes(*wl))
    scen = Scenario(max_km=draw(st.sampled_from([15.0, 40.0])), cross_province=draw(st.booleans()),
                    max_departures_per_unit=draw(st.sampled_from([None, None, 1, 2])))
    return ds, scen, draw(st.integers(0, 3))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_network_equals_a_person_level_milp(inst):
    ds, scen, n_keep = inst
    base = None
    if n_keep:
        first = solve(ds, scen, check=False)
        base = first.transfers[["staff_id", "to_unit"]]
        kept = first.transfers["staff_id"].iloc[:n_keep].tolist()
        if kept:
            ds = ds.replace(decisions=dec(*[(s, "keep") for s in kept]))
    plan = solve(ds, scen, baseline=base)
    assert plan.summary["check"]["passed"]
    assert stage_values(ds, scen, plan.transfers, base) == person_milp(ds, scen, base)


# --------------------------------------------------------------------------- the audit's rules


def _plan_and_ds():
    ds = line_ds(exempt={"a3": "serious_illness"}).replace(
        decisions=dec(("a1", "keep"), ("a2", "move", "B")), wishes=wishes(("a2", "B", 1)))
    return ds, solve(ds, Scenario())


@pytest.mark.parametrize("rule, tamper", [
    ("decision_keep", lambda t: t.assign(staff_id=t["staff_id"].replace({"a2": "a1"}))),
    ("decision_move", lambda t: t.assign(to_unit="C")),
    ("exempt_reason", lambda t: t.assign(staff_id="a3")),
    ("wish_rank", lambda t: t.assign(wish_rank="")),
])
def test_audit_rules_of_decisions(rule, tamper):
    ds, plan = _plan_and_ds()
    assert plan.transfers["staff_id"].tolist() == ["a2"] and check_plan(ds, Scenario(), plan.transfers) == []
    found = {v.rule for v in check_plan(ds, Scenario(), tamper(plan.transfers))}
    assert rule in found


def test_audit_lets_a_decided_move_exceed_max_km_but_nothing_else():
    ds, plan = _plan_and_ds()
    assert check_plan(ds, Scenario(max_km=5), plan.transfers) == []      # B is 10 km: decided
    undecided = ds.replace(decisions=dec(("a1", "keep")))
    assert {v.rule for v in check_plan(undecided, Scenario(max_km=5), plan.transfers)} == {"max_km"}


# --------------------------------------------------------------------------- the weights


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=5).flatmap(
    lambda spans: st.tuples(st.just(spans),
                            st.tuples(*[st.integers(0, s) for s in spans]),
                            st.tuples(*[st.integers(0, s) for s in spans]))))
def test_integer_weights_order_like_the_lexicographic_objective(case):
    from optimizer.reassign.preferences import _weights

    spans, a, b = case
    w = _weights(spans)
    wa, wb = sum(x * y for x, y in zip(w, a)), sum(x * y for x, y in zip(w, b))
    assert (wa < wb) == (list(a) < list(b)) and (wa == wb) == (list(a) == list(b))


def test_or_tools_refuses_costs_out_of_range_and_the_component_goes_to_the_mip():
    from optimizer.reassign.preferences import _network

    tail, head = np.array([-1, 0, 1]), np.array([0, 1, -2])
    cap, nodes = np.array([1, 1, 1]), np.array([0, 1])
    assert _network(tail, head, cap, np.array([0, 2 ** 62, 0]), nodes) is None      # BAD_COST_RANGE
    assert _network(tail, head, cap, np.array([0, -5, 0]), nodes).tolist() == [1, 1, 1]
