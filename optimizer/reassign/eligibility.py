"""Which moves are allowed: surplus, shortage and the eligible arcs (docs/contract.md §2).

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
from scipy.spatial import cKDTree

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
    # a legal exemption (Decree 170/2025, docs/contract.md §8): never transferred
    exempt = (st["exempt_reason"].fillna("").astype(str).str.strip() != "").to_numpy() \
        if "exempt_reason" in st.columns else np.zeros(len(st), dtype=bool)
    out = st.assign(retirement_date=retire.to_numpy(), may_move=flag & ~near & ~exempt)
    # one string object per reason, shared by the rows (not one per staff member: memory at scale)
    which = np.select([~flag, exempt, near], [1, 2, 3], default=0)
    reason = np.array(["", "movable=false", "exempt_reason", "near_retirement"], dtype=object)[which]
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


def _unit_index(ds: Dataset) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Units sorted by code (so that integer codes keep the string order), with lat, lon and
    unit vectors (x, y, z) for the spatial index."""
    u = ds.units[["unit_code", "lat", "lon"]].drop_duplicates("unit_code").sort_values("unit_code", kind="stable")
    lat, lon = u["lat"].to_numpy(dtype=float), u["lon"].to_numpy(dtype=float)
    la, lo = np.radians(lat), np.radians(lon)
    xyz = np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    return pd.Index(u["unit_code"].to_numpy()), lat, lon, xyz


def _chord_radius(max_km: float) -> float:
    """The chord (unit sphere) of a great circle 1 km longer than max_km: every pair within max_km
    is inside it with room to spare; the exact (haversine, metre-rounded) test comes after."""
    angle = (float(max_km) + 1.0) / EARTH_RADIUS_KM
    return 2.0 * np.sin(angle / 2.0) if angle < np.pi else 3.0


def _road_table(ds: Dataset, units: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Road km by (from, to) unit index, both directions; a pair given twice keeps the first row
    of the file (each row followed by its reverse, in file order)."""
    d = ds.distances
    if d is None or not len(d):
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float)
    f = units.get_indexer(d["from_unit"].to_numpy())
    t = units.get_indexer(d["to_unit"].to_numpy())
    both = pd.DataFrame({"f": np.ravel(np.column_stack([f, t])), "t": np.ravel(np.column_stack([t, f])),
                         "road": np.repeat(d["km"].to_numpy(dtype=float), 2)})
    both = both.drop_duplicates(["f", "t"], keep="first")
    both = both.loc[(both["f"] >= 0) & (both["t"] >= 0)]
    return both["f"].to_numpy(np.int64), both["t"].to_numpy(np.int64), both["road"].to_numpy(float)


def _candidates(s_unit, s_grp, d_unit, d_grp, xyz, radius) -> tuple[np.ndarray, np.ndarray]:
    """Indices (into the supply and shortage rows) of the pairs of the same group whose units lie
    within the chord radius: one k-d tree per group, never all pairs of a group at once."""
    s_order, d_order = np.argsort(s_grp, kind="stable"), np.argsort(d_grp, kind="stable")
    s_sorted, d_sorted = s_grp[s_order], d_grp[d_order]
    groups = np.intersect1d(s_sorted, d_sorted)
    s_lo, s_hi = np.searchsorted(s_sorted, groups, "left"), np.searchsorted(s_sorted, groups, "right")
    d_lo, d_hi = np.searchsorted(d_sorted, groups, "left"), np.searchsorted(d_sorted, groups, "right")
    out_i, out_j = [], []
    for a, b, c, e in zip(s_lo, s_hi, d_lo, d_hi):
        si, di = s_order[a:b], d_order[c:e]
        if radius >= 2.0:                      # no distance limit worth a tree: every pair
            i, j = np.repeat(si, len(di)), np.tile(di, len(si))
        else:
            hits = cKDTree(xyz[s_unit[si]]).sparse_distance_matrix(
                cKDTree(xyz[d_unit[di]]), radius, output_type="ndarray")
            i, j = si[hits["i"]], di[hits["j"]]
        out_i.append(i)
        out_j.append(j)
    if not out_i:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    i = np.concatenate(out_i).astype(np.int64, copy=False)
    del out_i
    return i, np.concatenate(out_j).astype(np.int64, copy=False)


def _road_candidates(s_unit, s_grp, d_unit, d_grp, road_f, road_t, road_km, max_km):
    """Pairs brought within max_km by a road distance (the great-circle filter may miss them)."""
    ok = np.round(road_km, 3) <= float(max_km) + 1e-9
    if not ok.any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    r = pd.DataFrame({"f": road_f[ok], "t": road_t[ok]})
    s = pd.DataFrame({"f": s_unit, "g": s_grp, "i": np.arange(len(s_unit))})
    d = pd.DataFrame({"t": d_unit, "g": d_grp, "j": np.arange(len(d_unit))})
    m = r.merge(s, on="f").merge(d, on=["t", "g"])
    return m["i"].to_numpy(np.int64), m["j"].to_numpy(np.int64)


#: candidate pairs measured at once in `build_arcs` (bounds the distance formula's temporaries)
MEASURE_CHUNK = 2_000_000


def _measure(fu, tu, lat, lon, n_units: int, road_f, road_t, road_km) -> tuple[np.ndarray, np.ndarray]:
    """km (metre-rounded) and whether it is a road distance, for unit index pairs: as
    `distance_lookup` (road km where given, else haversine; 0 within a unit)."""
    km = haversine_km(lat[fu], lon[fu], lat[tu], lon[tu])
    road = np.zeros(len(fu), dtype=bool)
    if len(road_f):
        at = pd.Index(road_f * n_units + road_t).get_indexer(fu * n_units + tu)
        road = at >= 0
        km = np.where(road, road_km[np.maximum(at, 0)], km)
    return np.round(np.where(fu == tu, 0.0, km), 3), road


def _take(codes: pd.Series, at: np.ndarray):
    """codes[at] as the same text column, holding references to the same strings."""
    if isinstance(codes.dtype, pd.StringDtype):
        return codes.array.take(at)
    return codes.to_numpy(dtype=object)[at]


def _arc_order(pos, from_unit, to_unit, n_units: int) -> np.ndarray:
    """The order of arcs by (position, from unit, to unit) — unique per arc — as one int64 key
    (a lexsort over three keys holds three times the memory)."""
    n_pos = int(pos.max(initial=0)) + 1
    if n_pos * n_units * n_units >= 2**62:
        return np.lexsort((to_unit, from_unit, pos))
    key = (pos.astype(np.int64) * n_units + from_unit) * n_units + to_unit
    return np.argsort(key, kind="stable")


def build_arcs(ds: Dataset, scenario: Scenario, pairs: pd.DataFrame, into: set[str]) -> pd.DataFrame:
    """The eligible arcs, from integer codes and a spatial index (docs/contract.md §2).

    Same arcs, same order and same figures as joining every surplus pair with every shortage pair
    of its group and filtering by distance, without ever holding that join: candidates come from a
    k-d tree per group (position, and province unless cross-province) on unit vectors, queried at
    the chord of max_km + 1 km, plus every pair a road distance brings within max_km; each is then
    measured exactly as `distance_lookup` does (road where given, else haversine; metre-rounded).
    Strings are attached last, to the arcs kept, as references to the pairs' own code strings.
    """
    units, lat, lon, xyz = _unit_index(ds)
    src = pairs.loc[pairs["supply"] > 0]
    dst = pairs.loc[pairs["shortage"] > 0]
    positions = pd.Index(np.sort(pd.unique(pairs["position_code"].astype(object))))
    pos_of = pd.Series(np.arange(len(positions)), index=positions)
    s_unit = units.get_indexer(src["unit_code"].to_numpy()).astype(np.int64)
    d_unit = units.get_indexer(dst["unit_code"].to_numpy()).astype(np.int64)
    s_pos = pos_of.reindex(src["position_code"].to_numpy()).to_numpy(np.int64)
    d_pos = pos_of.reindex(dst["position_code"].to_numpy()).to_numpy(np.int64)
    provinces = pd.Index(pd.unique(pairs["province_code"].astype(object)))
    s_prov = provinces.get_indexer(src["province_code"].astype(object).to_numpy()).astype(np.int64)
    d_prov = provinces.get_indexer(dst["province_code"].astype(object).to_numpy()).astype(np.int64)
    if scenario.cross_province:
        s_grp, d_grp = s_pos, d_pos
    else:
        n_prov = max(len(provinces), 1)
        s_grp, d_grp = s_pos * n_prov + s_prov, d_pos * n_prov + d_prov
    i, j = _candidates(s_unit, s_grp, d_unit, d_grp, xyz, _chord_radius(scenario.max_km))
    road_f, road_t, road_km = _road_table(ds, units)
    if len(road_f):
        ri, rj = _road_candidates(s_unit, s_grp, d_unit, d_grp, road_f, road_t, road_km, scenario.max_km)
        if len(ri):
            key = np.unique(np.concatenate([i * len(dst) + j, ri * len(dst) + rj]))
            i, j = key // len(dst), key % len(dst)
    if into:
        into_idx = provinces.get_indexer(list(into))
        keep = (s_prov[i] == d_prov[j]) | np.isin(d_prov[j], into_idx[into_idx >= 0])
        i, j = i[keep], j[keep]
    # measured a chunk of candidates at a time: the temporaries of the distance formula stay
    # bounded however many candidates there are (only the arcs kept are held)
    limit = float(scenario.max_km) + 1e-9
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for a in range(0, len(i), MEASURE_CHUNK):
        ci, cj = i[a:a + MEASURE_CHUNK], j[a:a + MEASURE_CHUNK]
        km, road = _measure(s_unit[ci], d_unit[cj], lat, lon, len(units), road_f, road_t, road_km)
        keep = km <= limit
        kept.append((ci[keep], cj[keep], km[keep], road[keep]))
    del i, j
    if kept:
        i, j, km, road = (np.concatenate(x) for x in zip(*kept))
    else:
        i, j, km, road = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float), np.empty(0, bool)
    del kept
    order = _arc_order(s_pos[i], s_unit[i], d_unit[j], len(units))
    i, j, km, road = i[order], j[order], km[order], road[order]
    del order
    # the code columns reference the pairs' own strings (`take`: no per-arc string, no copy)
    arcs = pd.DataFrame({
        "from_unit": _take(src["unit_code"], i),
        "to_unit": _take(dst["unit_code"], j),
        "position_code": _take(src["position_code"], i),
        "km": km,
        # the two strings shared by every arc (a string per arc would cost ~60 bytes each)
        "distance_source": np.array(["great_circle", "road"], dtype=object)[road.astype(np.intp)],
        "supply": src["supply"].to_numpy()[i],
        "shortage": dst["shortage"].to_numpy()[j],
    }, copy=False)
    return arcs


def build_eligibility(ds: Dataset, scenario: Scenario, staff: pd.DataFrame | None = None) -> Eligibility:
    """Surplus, shortage and eligible arcs for a dataset under a scenario.

    ``staff``: the staff with ``may_move`` already decided (`staff_status` when None;
    `optimizer.reassign.decisions` passes the planner's keep/exempt decisions in this way)."""
    staff = staff_status(ds, scenario) if staff is None else staff
    pairs = build_pairs(ds, staff)
    group = ["position_code"] if scenario.cross_province else ["position_code", "province_code"]
    src = pairs.loc[pairs["supply"] > 0, ["unit_code", "supply", "position_code", "province_code"]]
    dst = pairs.loc[pairs["shortage"] > 0, ["unit_code", "shortage", "position_code", "province_code"]]
    into = cross_into(ds, scenario)
    arcs = build_arcs(ds, scenario, pairs, into)

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
