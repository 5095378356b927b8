"""Retraining into another job position: the eligible moves with `conversions` (docs/contract.md §6).

With ``scenario.conversions`` a move goes from a surplus pair (u, p) to a shortage pair (v, q)
where q = p, or (p, q) is a row of the dataset's ``conversions`` table (a listed retraining
path: Decree 170/2025 lets a civil servant take another position once they meet its competency
framework; the table is where a planner says who can). The two units may be the same
(*retraining in place*, 0 km) — only when q ≠ p, since a pair is never both over and under its
quota. Province, protection and distance rules are those of §2, unchanged.

This module builds the `Eligibility` for that case; `optimizer.reassign.lexflow` solves it.
Its arcs carry, besides the columns of `optimizer.reassign.eligibility`:

* ``to_position_code``  q (= ``position_code`` p for a plain transfer);
* ``conversion``        q ≠ p;
* ``training_months``, ``training_cost_vnd``  of the path (0 for a plain transfer).

Arcs are built from *unit* pairs first (units with some movable surplus × units with some
shortage, same province unless cross-province, within ``max_km``), then joined with the
positions: the distance of a unit pair is computed once, whatever the positions.

The ceiling (the most that could be filled with no distance limit, the other rules the same)
is, with conversions, no longer a sum of minima per position: positions share people. It is the
optimum of a small min-cost flow between (province, position) totals — exact, because with no
distance limit the units of a province are interchangeable, so any flow between the totals
splits into flows between units. ``ceiling_weighted`` is the largest Σ priority · fill;
``ceiling`` the most posts filled among the plans that reach it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.dataset import Dataset
from optimizer.reassign.eligibility import (
    Eligibility, build_pairs, cross_into, distance_lookup, staff_status,
)

#: the columns of the arcs with conversions, in order
CONVERSION_ARC_COLUMNS = ["from_unit", "to_unit", "position_code", "to_position_code", "conversion",
                          "km", "distance_source", "supply", "shortage", "training_months",
                          "training_cost_vnd"]


def conversion_paths(ds: Dataset, *, include_same: bool = True) -> pd.DataFrame:
    """The retraining paths: from_position, to_position, training_months, training_cost_vnd.

    With ``include_same`` every position also leads to itself (months 0, cost 0): the plain
    transfer. A dataset without a ``conversions`` table has no paths but those.
    """
    cols = ["from_position", "to_position", "training_months", "training_cost_vnd"]
    conv = ds.conversions
    listed = (conv[cols].copy() if conv is not None and len(conv)
              else pd.DataFrame({c: pd.Series(dtype="int64" if c == "training_months" else
                                              "float64" if c == "training_cost_vnd" else object)
                                 for c in cols}))
    listed = listed.loc[listed["from_position"] != listed["to_position"]]
    if not include_same:
        return listed.reset_index(drop=True)
    codes = ds.positions["position_code"].to_numpy()
    same = pd.DataFrame({"from_position": codes, "to_position": codes,
                         "training_months": np.zeros(len(codes), dtype="int64"),
                         "training_cost_vnd": np.zeros(len(codes))})
    out = pd.concat([same, listed], ignore_index=True)
    out["training_months"] = out["training_months"].astype("int64")
    out["training_cost_vnd"] = out["training_cost_vnd"].astype("float64")
    return out


def _unit_pairs(ds: Dataset, scenario, src_units: pd.DataFrame, dst_units: pd.DataFrame,
                into: set[str]) -> pd.DataFrame:
    """(from_unit, to_unit, km, distance_source) for the unit pairs a move may join."""
    if scenario.cross_province:
        cand = src_units.merge(dst_units, how="cross", suffixes=("_from", "_to"))
        if into:
            cand = cand.loc[(cand["province_code_from"] == cand["province_code_to"])
                            | cand["province_code_to"].isin(into)]
    else:
        cand = src_units.merge(dst_units, left_on="province_code_from", right_on="province_code_to")
    cand = cand[["from_unit", "to_unit"]].reset_index(drop=True)
    km, source = distance_lookup(ds, cand["from_unit"].to_numpy(), cand["to_unit"].to_numpy())
    cand = cand.assign(km=km, distance_source=source)
    return cand.loc[cand["km"] <= float(scenario.max_km) + 1e-9].reset_index(drop=True)


def build_conversion_eligibility(ds: Dataset, scenario) -> Eligibility:
    """Surplus, shortage and eligible arcs (plain transfers and retraining) under a scenario."""
    staff = staff_status(ds, scenario)
    pairs = build_pairs(ds, staff)
    src = pairs.loc[pairs["supply"] > 0, ["unit_code", "position_code", "province_code", "supply"]]
    dst = pairs.loc[pairs["shortage"] > 0, ["unit_code", "position_code", "province_code", "shortage"]]
    into = cross_into(ds, scenario)
    src_units = src[["unit_code", "province_code"]].drop_duplicates().rename(
        columns={"unit_code": "from_unit", "province_code": "province_code_from"})
    dst_units = dst[["unit_code", "province_code"]].drop_duplicates().rename(
        columns={"unit_code": "to_unit", "province_code": "province_code_to"})
    links = _unit_pairs(ds, scenario, src_units, dst_units, into)
    paths = conversion_paths(ds).rename(columns={"from_position": "position_code",
                                                 "to_position": "to_position_code"})
    arcs = (links.merge(src.drop(columns="province_code").rename(columns={"unit_code": "from_unit"}),
                        on="from_unit")
            .merge(paths, on="position_code")
            .merge(dst.drop(columns="province_code").rename(columns={"unit_code": "to_unit",
                                                                     "position_code": "to_position_code"}),
                   on=["to_unit", "to_position_code"]))
    arcs["conversion"] = arcs["position_code"] != arcs["to_position_code"]
    arcs = arcs.loc[arcs["conversion"] | (arcs["from_unit"] != arcs["to_unit"]), CONVERSION_ARC_COLUMNS]
    arcs = arcs.sort_values(["position_code", "to_position_code", "from_unit", "to_unit"],
                            kind="stable").reset_index(drop=True)
    ceiling, ceiling_weighted = conversion_ceiling(ds, scenario, pairs, into)
    return Eligibility(pairs=pairs, arcs=arcs, staff=staff, ceiling=ceiling,
                       ceiling_weighted=ceiling_weighted)


def conversion_ceiling(ds: Dataset, scenario, pairs: pd.DataFrame, into: set[str]) -> tuple[int, int]:
    """(most posts filled among the plans of largest weighted fill, that largest weighted fill)
    with no distance limit: a min-cost flow between (province, position) totals.

    Each unit of flow into a shortage total of priority π earns ``π · K + 1`` with K larger than
    any number of posts, so the weighted fill comes first and the count second, exactly.
    """
    from ortools.graph.python import min_cost_flow

    scope = "country" if scenario.cross_province and not into else "province_code"
    p = pairs.assign(country="")
    sup = p.loc[p["supply"] > 0].groupby([scope, "position_code"])["supply"].sum().reset_index()
    dem = p.loc[p["shortage"] > 0].groupby([scope, "position_code", "priority"])["shortage"].sum().reset_index()
    if sup.empty or dem.empty:
        return 0, 0
    paths = conversion_paths(ds)[["from_position", "to_position"]]
    links = (sup.rename(columns={scope: "s_area"}).reset_index().rename(columns={"index": "i"})
             .merge(paths, left_on="position_code", right_on="from_position")
             .merge(dem.rename(columns={scope: "d_area"}).reset_index().rename(columns={"index": "j"}),
                    left_on="to_position", right_on="position_code"))
    allowed = links["s_area"] == links["d_area"]
    if scope == "province_code" and scenario.cross_province:
        allowed |= links["d_area"].isin(into)
    links = links.loc[allowed]
    if links.empty:
        return 0, 0
    n_s, n_d = len(sup), len(dem)
    S, T = n_s + n_d, n_s + n_d + 1
    total = int(sup["supply"].sum())
    k = int(dem["shortage"].sum()) + 1
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        links["i"].to_numpy(np.int32), (n_s + links["j"].to_numpy()).astype(np.int32),
        np.full(len(links), total, np.int64), np.zeros(len(links), np.int64))
    smcf.add_arcs_with_capacity_and_unit_cost(np.full(n_s, S, np.int32), np.arange(n_s, dtype=np.int32),
                                              sup["supply"].to_numpy(np.int64), np.zeros(n_s, np.int64))
    prio = dem["priority"].to_numpy(np.int64)
    t_arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        (n_s + np.arange(n_d)).astype(np.int32), np.full(n_d, T, np.int32),
        dem["shortage"].to_numpy(np.int64), -(prio * k + 1))
    smcf.add_arc_with_capacity_and_unit_cost(S, T, total, 0)
    smcf.set_node_supply(S, total)
    smcf.set_node_supply(T, -total)
    if smcf.solve() != smcf.OPTIMAL:
        raise RuntimeError("min-cost flow for the ceiling with conversions failed")
    fill = smcf.flows(np.asarray(t_arcs, dtype=np.int32))
    return int(fill.sum()), int((fill * prio).sum())
