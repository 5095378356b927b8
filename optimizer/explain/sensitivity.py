"""What one more person or one more km is worth, position by position (docs/contract.md §7).

    sensitivity_table(ds, scenario, elig, flows) -> one row per position

**The LP and its duals.** For each position p the weighted fill is the LP

    max Σ_a prio_p · x_a   s.t.  Σ_{a out of u} x_a ≤ supply(u,p)   (dual α_u ≥ 0)
                                 Σ_{a into v} x_a ≤ shortage(v,p)  (dual β_v ≥ 0),  x ≥ 0,

whose dual is min Σ supply·α + Σ shortage·β with α_u + β_v ≥ prio_p on every eligible arc (the
arc capacities min(supply, shortage) are implied, so left out). The constraint matrix is a
network matrix: the LP relaxation has the integer optimum the plan uses, and optimal duals are
minimum cuts, α, β ∈ {0, prio_p}. They are degenerate (many minimum cuts). **We report the cut
whose source side is largest**: a node is on the sink side exactly when, in the residual network
of the plan's own optimal flow, it can reach a post still unfilled (forward along any eligible
arc, backward along an arc that carries flow). Then α_u = prio_p exactly when one more movable
person at u would fill one more post: this α is the *smallest* optimal dual of u's supply row,
i.e. the right-hand derivative of the optimal fill — the value of one *more* person, not of one
fewer. Columns:

* ``surplus_units_that_would_fill`` — surplus units u of p with α_u = prio_p;
* ``value_one_more_surplus`` — max_u α_u: the weighted fill one more movable person of p gains
  at the best-placed surplus unit (prio_p or 0);
* ``value_one_more_recruit`` — prio_p when a post of p is still unfilled (a recruit fills one);
* ``value_one_more_km`` — the exact gain in weighted fill when ``max_km`` grows by 1 km (a
  re-solve of the network with the arcs of (max_km, max_km + 1] added; limits kept);
* ``km_gain_bound_from_duals`` — the LP bound on that gain read from the reported duals: each new
  arc a = (u→v) adds at most cap_a · max(0, prio_p − α_u − β_v) (weak duality).

With per-unit limits (``max_departures_per_unit``/``max_arrivals_per_unit``) positions share unit
capacities and the simple cut reading does not hold: the dual columns are then left empty and
only the exact re-solve is given.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from optimizer.reassign.eligibility import build_eligibility
from optimizer.reassign.network import solve_flows

SENSITIVITY_COLUMNS = (
    "position_code", "position_name", "priority", "shortage_after", "weighted_shortage_after",
    "supply_left", "surplus_units_that_would_fill", "value_one_more_surplus", "value_one_more_recruit",
    "value_one_more_km", "km_gain_bound_from_duals", "new_arcs_one_more_km",
)


def reach_open(arcs: pd.DataFrame, flows: pd.DataFrame, open_dst: pd.Index) -> tuple[set, set]:
    """(supply nodes, shortage nodes) — "unit\\x1fposition" keys — that reach an unfilled post in
    the residual network of ``flows``."""
    skey = arcs["from_unit"] + "\x1f" + arcs["position_code"]
    dkey = arcs["to_unit"] + "\x1f" + arcs["position_code"]
    s_codes, s_names = pd.factorize(skey)
    d_codes, d_names = pd.factorize(dkey)
    ns, nd = len(s_names), len(d_names)
    sup = ns + nd                        # the super node: an edge to every open post
    fkey = flows["from_unit"] + "\x1f" + flows["position_code"]
    tkey = flows["to_unit"] + "\x1f" + flows["position_code"]
    fi, ti = pd.Index(s_names).get_indexer(fkey), pd.Index(d_names).get_indexer(tkey)
    ok = (fi >= 0) & (ti >= 0) & (flows["flow"].to_numpy() > 0)
    op = pd.Index(d_names).get_indexer(open_dst)
    op = op[op >= 0]
    # reversed residual edges: v → u for every arc u→v; u → v for every arc with flow
    rows = np.concatenate([np.full(len(op), sup), ns + d_codes, fi[ok]])
    cols = np.concatenate([ns + op, s_codes, ns + ti[ok]])
    g = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(ns + nd + 1, ns + nd + 1))
    seen = breadth_first_order(g, sup, directed=True, return_predecessors=False)
    seen = seen[seen != sup]
    return set(s_names[seen[seen < ns]]), set(d_names[seen[seen >= ns] - ns])


def sensitivity_table(ds, scenario, elig, flows: pd.DataFrame, units_after: pd.DataFrame) -> pd.DataFrame:
    limited = scenario.max_departures_per_unit is not None or scenario.max_arrivals_per_unit is not None
    pos = ds.positions.set_index("position_code")
    ua = units_after
    short = ua.groupby("position_code")["shortage_after"].sum()
    key = ["unit_code", "position_code"]
    p = elig.pairs.merge(ua[key + ["departures", "shortage_after"]], on=key, how="left").fillna(0)
    supply_left = (p["supply"] - p["departures"]).clip(lower=0).groupby(p["position_code"]).sum()
    out = pd.DataFrame({"position_code": pos.index})
    out["position_name"] = out["position_code"].map(pos["name"])
    out["priority"] = out["position_code"].map(pos["priority"]).astype("int64")
    out["shortage_after"] = out["position_code"].map(short).fillna(0).astype("int64")
    out["weighted_shortage_after"] = out["shortage_after"] * out["priority"]
    out["supply_left"] = out["position_code"].map(supply_left).fillna(0).astype("int64")
    out["value_one_more_recruit"] = np.where(out["shortage_after"] > 0, out["priority"], 0)

    # one more km: the exact re-solve, and the arcs it adds
    wider = scenario.model_copy(update={"max_km": float(scenario.max_km) + 1.0})
    e2 = build_eligibility(ds, wider)
    r2 = solve_flows(e2, max_departures_per_unit=scenario.max_departures_per_unit,
                     max_arrivals_per_unit=scenario.max_arrivals_per_unit)
    prio = pos["priority"]
    before = (flows["flow"] * flows["position_code"].map(prio)).groupby(flows["position_code"]).sum()
    after = (r2.flows["flow"] * r2.flows["position_code"].map(prio)).groupby(r2.flows["position_code"]).sum()
    gain = after.sub(before, fill_value=0)
    out["value_one_more_km"] = out["position_code"].map(gain).fillna(0).astype("int64")
    new = e2.arcs.loc[e2.arcs["km"] > float(scenario.max_km) + 1e-9]
    out["new_arcs_one_more_km"] = out["position_code"].map(new.groupby("position_code").size()).fillna(0).astype("int64")

    if limited:
        for c in ("surplus_units_that_would_fill", "value_one_more_surplus", "km_gain_bound_from_duals"):
            out[c] = np.nan
        return out[list(SENSITIVITY_COLUMNS)]
    open_dst = (p.loc[p["shortage_after"] > 0, "unit_code"] + "\x1f" + p.loc[p["shortage_after"] > 0, "position_code"])
    good_s, good_d = reach_open(elig.arcs, flows, pd.Index(open_dst))
    sources = elig.arcs.drop_duplicates(["from_unit", "position_code"])
    skey = sources["from_unit"] + "\x1f" + sources["position_code"]
    n_good = sources.loc[skey.isin(good_s).to_numpy()].groupby("position_code").size()
    out["surplus_units_that_would_fill"] = out["position_code"].map(n_good).fillna(0).astype("int64")
    out["value_one_more_surplus"] = np.where(out["surplus_units_that_would_fill"] > 0, out["priority"], 0)
    # weak duality for the new arcs: α_u = prio if u reaches an open post (u in good_s);
    # β_v = prio if v does NOT reach one; reduced gain prio − α_u − β_v > 0 ⟺ u ∉ good_s, v ∈ good_d
    # (a shortage node that is not yet in the network has β = 0 when still open: it reaches itself)
    nk_s = new["from_unit"] + "\x1f" + new["position_code"]
    nk_d = new["to_unit"] + "\x1f" + new["position_code"]
    open_set = set(open_dst)
    v_good = nk_d.isin(good_d) | nk_d.isin(open_set)
    in_net = set(elig.arcs["to_unit"] + "\x1f" + elig.arcs["position_code"])
    v_good = v_good & (nk_d.isin(good_d) | ~nk_d.isin(in_net))
    priced = (~nk_s.isin(good_s)) & v_good
    cap = np.minimum(new["supply"], new["shortage"])
    bound = (cap * new["position_code"].map(prio)).loc[priced.to_numpy()].groupby(new.loc[priced.to_numpy(), "position_code"]).sum()
    out["km_gain_bound_from_duals"] = out["position_code"].map(bound).fillna(0).astype("int64")
    return out[list(SENSITIVITY_COLUMNS)]
