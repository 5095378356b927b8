"""Which moves are allowed: surplus, shortage and the eligible arcs (CONTRACT.md §2).

Everything here is vectorised with pandas/numpy: the national dataset (≈120,000 staff,
≈130,000 (unit, position) pairs) never goes through a Python loop over unit pairs.

Definitions (the names used everywhere else):

* ``staff_before[u,p]``  staff of unit u in position p.
* ``movable[u,p]``       those of them that may move: ``movable`` is true *and* their statutory
  retirement date is later than ``plan_date + protect_years`` (rule ``protect_years``).
* ``surplus[u,p]``       ``max(0, staff_before − quota)``: how far the unit is over its quota.
* ``supply[u,p]``        ``min(surplus, movable)``: how many may actually leave.
* ``shortage[u,p]``      ``max(0, quota − staff_before)``: how many may arrive.
* an *arc* (u → v, p)    supply[u,p] > 0, shortage[v,p] > 0, same province unless
  ``cross_province`` (and then, if ``cross_province_into`` lists provinces, v must be in one
  of them), and distance ≤ ``max_km``.

Distances are the ``distances`` table's road km where it has the pair (either direction),
otherwise great-circle (haversine, R = 6371.0 km). They are rounded to the metre
(3 decimals of km) once, here, and every later stage (solver, report, audit) uses that figure.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.graph.python import max_flow

from models.dataset import Dataset
from models.geo import EARTH_RADIUS_KM, haversine_km  # noqa: F401  (re-exported)
from models.retirement import retirement_dates
from models.scenario import Scenario, check_province_codes

def protect_cutoff(plan_date, protect_years: float) -> pd.Timestamp:
    """The last retirement date that still protects a person from being moved.

    Fractional years count in whole months (1.5 years = 18 months).
    """
    months = int(round(float(protect_years) * 12))
    return pd.Timestamp(plan_date) + pd.DateOffset(months=months)


def staff_status(ds: Dataset, scenario: Scenario) -> pd.DataFrame:
    """The staff table with ``retirement_date`` and ``may_move`` (bool) and the reason if not."""
    st = ds.staff
    retire = retirement_dates(st["birth_date"], st["gender"])
    cutoff = protect_cutoff(scenario.plan_date, scenario.protect_years)
    near = (retire <= cutoff).to_numpy()
    flag = st["movable"].to_numpy(dtype=bool)
    out = st.assign(retirement_date=retire.to_numpy(), may_move=flag & ~near)
    reason = np.where(~flag, "movable=false", np.where(near, "near_retirement", ""))
    return out.assign(stay_reason=reason)


def distance_lookup(ds: Dataset, from_units, to_units) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km, metre-rounded) and source ('road'/'great_circle') for unit code pairs."""
    fu = pd.Series(np.asarray(from_units, dtype=object))
    tu = pd.Series(np.asarray(to_units, dtype=object))
    coords = ds.units.set_index("unit_code")[["lat", "lon"]]
    a = coords.reindex(fu.to_numpy())
    b = coords.reindex(tu.to_numpy())
    km = haversine_km(a["lat"].to_numpy(), a["lon"].to_numpy(), b["lat"].to_numpy(), b["lon"].to_numpy())
    source = np.full(len(fu), "great_circle", dtype=object)
    if ds.distances is not None and len(ds.distances):
        d = ds.distances
        # both directions; a pair given twice (a→b and b→a) keeps the first row of the file:
        # each row is followed by its reverse, in file order, before the first one is kept
        n = len(d)
        both = pd.DataFrame({
            "f": np.ravel(np.column_stack([d["from_unit"].to_numpy(), d["to_unit"].to_numpy()])),
            "t": np.ravel(np.column_stack([d["to_unit"].to_numpy(), d["from_unit"].to_numpy()])),
            "road": np.repeat(d["km"].to_numpy(dtype=float), 2),
        }).drop_duplicates(["f", "t"], keep="first") if n else None
        key = pd.DataFrame({"f": fu, "t": tu})
        road = key.merge(both, on=["f", "t"], how="left")["road"].to_numpy(dtype=float)
        has = ~np.isnan(road)
        km = np.where(has, road, km)
        source = np.where(has, "road", source)
    same = (fu.to_numpy() == tu.to_numpy())
    km = np.where(same, 0.0, km)
    return np.round(km, 3), source


@dataclass(frozen=True)
class Eligibility:
    """The aggregates the model is built on."""

    pairs: pd.DataFrame   # unit_code, position_code, province_code, staff_before, movable, quota,
                          # surplus, supply, shortage, priority
    arcs: pd.DataFrame    # from_unit, to_unit, position_code, km, distance_source, supply, shortage
    staff: pd.DataFrame   # staff with retirement_date, may_move, stay_reason
    ceiling: int          # most shortage fillable with no distance limit (same other rules)
    ceiling_weighted: int

    @property
    def shortage_total(self) -> int:
        return int(self.pairs["shortage"].sum())

    @property
    def weighted_shortage_total(self) -> int:
        return int((self.pairs["shortage"] * self.pairs["priority"]).sum())


def build_pairs(ds: Dataset, staff: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit, position) with staff or quota."""
    g = (staff.groupby(["unit_code", "position_code"], sort=False)
         .agg(staff_before=("staff_id", "size"), movable=("may_move", "sum"))
         .reset_index())
    q = ds.quotas[["unit_code", "position_code", "quota"]]
    pairs = g.merge(q, on=["unit_code", "position_code"], how="outer")
    pairs = pairs.fillna({"staff_before": 0, "movable": 0, "quota": 0})
    for c in ("staff_before", "movable", "quota"):
        pairs[c] = pairs[c].astype("int64")
    pairs["province_code"] = pairs["unit_code"].map(ds.units.set_index("unit_code")["province_code"])
    prio = ds.positions.set_index("position_code")["priority"]
    pairs["priority"] = pairs["position_code"].map(prio).astype("int64")
    diff = pairs["staff_before"] - pairs["quota"]
    pairs["surplus"] = diff.clip(lower=0)
    pairs["supply"] = np.minimum(pairs["surplus"], pairs["movable"])
    pairs["shortage"] = (-diff).clip(lower=0)
    return (pairs.sort_values(["unit_code", "position_code"], kind="stable")
            .reset_index(drop=True))


def cross_into(ds: Dataset, scenario: Scenario) -> set[str]:
    """The provinces that may receive from other provinces, when that is restricted (else empty)."""
    into = set(scenario.cross_province_into)
    if not scenario.cross_province or not into:
        return set()
    check_province_codes(ds, scenario, ("cross_province_into",))
    return into


def _ceiling_restricted(ds: Dataset, pairs: pd.DataFrame, into: set[str]) -> tuple[int, int]:
    """The ceiling when only some provinces may receive across borders: a maximum flow between
    (province, position) totals — exact, since with no distance limit the units of a province
    are interchangeable."""
    sup = pairs.loc[pairs["supply"] > 0].groupby(["province_code", "position_code"])["supply"].sum()
    dem = pairs.loc[pairs["shortage"] > 0].groupby(["province_code", "position_code"])["shortage"].sum()
    if sup.empty or dem.empty:
        return 0, 0
    s_df, d_df = sup.reset_index(), dem.reset_index()
    links = s_df.merge(d_df, on="position_code", suffixes=("_s", "_d"))
    links = links.loc[(links["province_code_s"] == links["province_code_d"]) | links["province_code_d"].isin(into)]
    if links.empty:
        return 0, 0
    n_s, n_d = len(s_df), len(d_df)
    s_idx = pd.MultiIndex.from_frame(s_df[["province_code", "position_code"]])
    d_idx = pd.MultiIndex.from_frame(d_df[["province_code", "position_code"]])
    li = s_idx.get_indexer(pd.MultiIndex.from_arrays([links["province_code_s"], links["position_code"]]))
    lj = d_idx.get_indexer(pd.MultiIndex.from_arrays([links["province_code_d"], links["position_code"]]))
    source, sink = n_s + n_d, n_s + n_d + 1
    mf = max_flow.SimpleMaxFlow()
    big = int(s_df["supply"].sum())
    mf.add_arcs_with_capacity(np.full(n_s, source, np.int32), np.arange(n_s, dtype=np.int32),
                              s_df["supply"].to_numpy(np.int64))
    link_arcs = mf.add_arcs_with_capacity(li.astype(np.int32), (n_s + lj).astype(np.int32),
                                          np.full(len(links), big, np.int64))
    mf.add_arcs_with_capacity((n_s + np.arange(n_d)).astype(np.int32), np.full(n_d, sink, np.int32),
                              d_df["shortage"].to_numpy(np.int64))
    if mf.solve(source, sink) != mf.OPTIMAL:
        raise RuntimeError("max flow for the ceiling failed")
    flow = mf.flows(np.asarray(link_arcs, dtype=np.int32))
    prio = links["position_code"].map(ds.positions.set_index("position_code")["priority"]).to_numpy()
    return int(mf.optimal_flow()), int((flow * prio).sum())


def build_eligibility(ds: Dataset, scenario: Scenario) -> Eligibility:
    """Surplus, shortage and eligible arcs for a dataset under a scenario."""
    staff = staff_status(ds, scenario)
    pairs = build_pairs(ds, staff)
    group = ["position_code"] if scenario.cross_province else ["position_code", "province_code"]

    src = pairs.loc[pairs["supply"] > 0, ["unit_code", "supply", "position_code", "province_code"]]
    dst = pairs.loc[pairs["shortage"] > 0, ["unit_code", "shortage", "position_code", "province_code"]]
    into = cross_into(ds, scenario)
    cand = src.rename(columns={"unit_code": "from_unit"}).merge(
        dst.rename(columns={"unit_code": "to_unit"}), on=group, how="inner", suffixes=("_from", "_to"))
    if into:
        keep = ((cand["province_code_from"] == cand["province_code_to"])
                | cand["province_code_to"].isin(into))
        cand = cand.loc[keep]
    km, source = distance_lookup(ds, cand["from_unit"].to_numpy(), cand["to_unit"].to_numpy())
    cand = cand.assign(km=km, distance_source=source)
    arcs = cand.loc[cand["km"] <= float(scenario.max_km) + 1e-9,
                    ["from_unit", "to_unit", "position_code", "km", "distance_source", "supply", "shortage"]]
    arcs = arcs.sort_values(["position_code", "from_unit", "to_unit"], kind="stable").reset_index(drop=True)

    if into:
        ceiling, ceiling_weighted = _ceiling_restricted(ds, pairs, into)
        return Eligibility(pairs=pairs, arcs=arcs, staff=staff, ceiling=ceiling,
                           ceiling_weighted=ceiling_weighted)
    # Ceiling: with no distance limit every surplus unit of a group reaches every shortage unit
    # of the same group, so the most that can be filled is min(supply, shortage) per group.
    s = src.groupby(group)["supply"].sum()
    d = dst.groupby(group)["shortage"].sum()
    both = pd.concat([s, d], axis=1).fillna(0)
    fill = np.minimum(both["supply"], both["shortage"])
    ceiling = int(fill.sum())
    prio = ds.positions.set_index("position_code")["priority"]
    pos = fill.index.get_level_values("position_code") if isinstance(fill.index, pd.MultiIndex) else fill.index
    ceiling_weighted = int((fill.to_numpy() * prio.reindex(pos).to_numpy()).sum())
    return Eligibility(pairs=pairs, arcs=arcs, staff=staff, ceiling=ceiling, ceiling_weighted=ceiling_weighted)
