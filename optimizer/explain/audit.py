"""An independent check of the explanations and of the fair plan (docs/contract.md §7).

It re-derives everything from the raw tables (staff, quotas, units, distances), the plan's
``transfers`` and the scenario — never from the eligibility arcs, the solver or
`optimizer.explain.reasons` — with its own distance code (great circle by the chord between
unit vectors; road km where the distances table has the pair). Each rule is a named function
in ``RULES``; a violation names the rule, the (unit, position) and what is untrue.

A reason is checked in two directions: the fact the row claims holds (``reason_<code>``), and no
earlier code of the precedence holds (``reason_precedence``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.chunks import chunk_bounds
from models.retirement import retirement_dates
from optimizer.reassign.audit import Violation

KM_TOL = 0.0015


class _Geo:
    """Units by integer index, and distances by the audit's own code: great circle from the chord
    between unit vectors (R = 6371.0 km), road km where the distances table has the pair; rounded
    to the metre."""

    def __init__(self, ds):
        self.index = pd.Index(ds.units["unit_code"])
        la = np.radians(ds.units["lat"].to_numpy(float))
        lo = np.radians(ds.units["lon"].to_numpy(float))
        self.xyz = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)
        self.road = {}
        if ds.distances is not None:
            for f, t, k in zip(ds.distances["from_unit"], ds.distances["to_unit"], ds.distances["km"]):
                self.road.setdefault((f, t), float(k))
                self.road.setdefault((t, f), float(k))

    def km(self, a_codes: pd.Series, b_codes: pd.Series) -> np.ndarray:
        a, b = self.index.get_indexer(a_codes), self.index.get_indexer(b_codes)
        chord = np.linalg.norm(self.xyz[a] - self.xyz[b], axis=1)
        km = 2 * 6371.0 * np.arcsin(np.clip(chord / 2, 0, 1))
        if self.road:
            km = np.array([self.road.get((x, y), k) for x, y, k in zip(a_codes, b_codes, km)])
        # to the metre, as every distance of the contract (docs/contract.md §2): a pair 40.0004 km
        # apart is within a 40 km limit
        return np.round(np.where(a == b, 0.0, km), 3)


def _facts(ds, scenario, transfers) -> pd.DataFrame:
    by_pair = ds.staff.groupby(["unit_code", "position_code"])
    before = by_pair.size()
    pair = by_pair.ngroup().to_numpy()             # each staff row's (unit, position), as a number
    q = ds.quotas.groupby(["unit_code", "position_code"])["quota"].sum()
    over = before.to_numpy() > q.reindex(before.index).fillna(0).to_numpy()
    # only staff of pairs over their quota can make movable surplus: their retirement is recomputed
    in_over = over[pair]
    st = ds.staff.loc[in_over]
    months = int(round(float(scenario.protect_years) * 12))
    cutoff = pd.Timestamp(scenario.plan_date) + pd.DateOffset(months=months)
    may = st["movable"].astype(bool).to_numpy().copy()
    if "exempt_reason" in st.columns:      # a legal exemption (Decree 170/2025): never transferred
        may &= (st["exempt_reason"].fillna("").astype(str).str.strip() == "").to_numpy()
    if ds.decisions is not None and len(ds.decisions):   # the planner's keep / exempt decisions (§8)
        held = ds.decisions.loc[ds.decisions["decision"].isin(["keep", "exempt"]), "staff_id"]
        may &= ~st["staff_id"].isin(set(held)).to_numpy()
    can = may & (retirement_dates(st["birth_date"], st["gender"]) > cutoff).to_numpy()
    can_by_pair = pd.Series(np.bincount(pair[in_over], weights=can, minlength=len(before)).astype(np.int64),
                            index=before.index, name="can")
    g = pd.concat([before.rename("before"), can_by_pair], axis=1)
    dep = transfers.groupby(["from_unit", "position_code"]).size()
    arr = transfers.groupby(["to_unit", "position_code"]).size()
    dep.index.names = arr.index.names = ["unit_code", "position_code"]
    f = pd.concat([g, q.rename("quota"), dep.rename("dep"), arr.rename("arr")], axis=1).fillna(0).astype("int64")
    f = f.reset_index()
    f["province"] = f["unit_code"].map(ds.units.set_index("unit_code")["province_code"])
    f["surplus"] = (f["before"] - f["quota"]).clip(lower=0)
    f["give"] = np.minimum(f["surplus"], f["can"])                 # movable surplus before
    f["give_left"] = f["give"] - f["dep"]
    f["need"] = (f["quota"] - f["before"]).clip(lower=0)
    f["need_left"] = f["need"] - f["arr"]
    f["unit_dep"] = f.groupby("unit_code")["dep"].transform("sum")
    f["unit_arr"] = f.groupby("unit_code")["arr"].transform("sum")
    return f


def _keys(scenario) -> list[str]:
    return ["position_code"] if scenario.cross_province else ["position_code", "province"]


def _pairs_in_scope(ds, scenario, rows: pd.DataFrame, other: pd.DataFrame, rows_receive: bool,
                    geo: _Geo) -> pd.DataFrame:
    into = set(scenario.cross_province_into or ()) if scenario.cross_province else set()
    keys = _keys(scenario)
    # join on integer codes of the text keys (much faster than on text)
    both = pd.concat([rows[keys], other[keys]])
    code = np.zeros(len(both), np.int64)
    for k in keys:                                  # one integer per distinct combination of the keys
        c, uniques = pd.factorize(both[k])      # -1 for a missing value: shifted to 0
        code = code * (len(uniques) + 1) + (c + 1)
    r = rows.assign(_k=code[:len(rows)])
    o = other.assign(_k=code[len(rows):]).drop(columns=keys)
    j = r.merge(o, on="_k", suffixes=("", "_o"))
    if "province_o" not in j:
        j["province_o"] = j["province"]
    if into:
        recv = j["province"] if rows_receive else j["province_o"]
        j = j.loc[(j["province"] == j["province_o"]) | recv.isin(into)]
    j = j.loc[j["unit_code"].to_numpy(object) != j["unit_code_o"].to_numpy(object)].copy()
    j["km"] = geo.km(j["unit_code_o"], j["unit_code"]) if rows_receive else geo.km(j["unit_code"], j["unit_code_o"])
    return j


def _scope_sizes(scenario, rows: pd.DataFrame, other: pd.DataFrame) -> np.ndarray:
    """Rows of ``other`` sharing each row's position (and province): its part of the join."""
    keys = _keys(scenario)
    per_key = other.groupby(keys).size()
    at = pd.MultiIndex.from_frame(rows[keys]) if len(keys) > 1 else pd.Index(rows[keys[0]])
    return per_key.reindex(at).fillna(0).to_numpy(dtype=np.int64)


def _expected(ds, scenario, f, table, receive: bool) -> pd.DataFrame:
    """Recomputed facts and the code that should hold, per row of ``table``."""
    side_have, side_left = ("give", "give_left") if receive else ("need", "need_left")
    lim_self = scenario.max_arrivals_per_unit if receive else scenario.max_departures_per_unit
    lim_other = scenario.max_departures_per_unit if receive else scenario.max_arrivals_per_unit
    self_load, other_load = ("unit_arr", "unit_dep") if receive else ("unit_dep", "unit_arr")
    rows = table[["unit_code", "position_code"]].drop_duplicates().merge(
        f[["unit_code", "position_code", "province", self_load]], on=["unit_code", "position_code"], how="left")
    other = f.loc[f[side_have] > 0, ["unit_code", "position_code", "province", side_have, side_left, other_load]]
    key = ["unit_code", "position_code"]
    geo = _Geo(ds)
    n = len(rows)
    rows = rows.assign(_r=np.arange(n))
    # one row's facts are sums over its pairs: the rows are taken a chunk at a time, so that the
    # join (which grows as the square of the data) is never held whole (models.chunks); the sums
    # go by the row's number (`_r`), not by its text codes
    scope, left = np.zeros(n), np.zeros(n)
    nearest = np.full(n, np.inf)
    n_reach, n_open, n_stuck = np.zeros(n), np.zeros(n), np.zeros(n)
    for a, b in chunk_bounds(_scope_sizes(scenario, rows, other)):
        j = _pairs_in_scope(ds, scenario, rows.iloc[a:b], other, receive, geo)
        r, km = j["_r"].to_numpy(np.int64), j["km"].to_numpy(float)
        scope += np.bincount(r, weights=j[side_have].to_numpy(float), minlength=n)
        np.minimum.at(nearest, r, km)
        within = km <= float(scenario.max_km) + 1e-9
        rest = j[side_left].to_numpy(float)
        n_reach += np.bincount(r[within], minlength=n)
        left += np.bincount(r[within], weights=rest[within], minlength=n)
        if lim_other is not None:
            is_open = within & (rest > 0)
            n_open += np.bincount(r[is_open], minlength=n)
            n_stuck += np.bincount(r[is_open & (j[other_load].to_numpy() >= lim_other)], minlength=n)
        del j, r, km
    out = rows.drop(columns="_r").set_index(key)
    out["scope"] = scope
    out["nearest"] = np.where(np.isinf(nearest), np.nan, nearest)
    out["n_reach"] = n_reach
    out["left"] = left
    self_binds = (out[self_load] >= lim_self) if lim_self is not None else pd.Series(False, index=out.index)
    if lim_other is not None:
        other_binds = pd.Series((n_open > 0) & (n_open == n_stuck), index=out.index)
    else:
        other_binds = pd.Series(False, index=out.index)
    out["limit"] = self_binds | other_binds
    first = ("no_surplus_in_scope" if receive else "no_shortage_in_scope")
    out["code"] = np.select([out["scope"] == 0, out["n_reach"] == 0, out["limit"], out["left"] == 0],
                            [first, "out_of_reach", "unit_limit", "taken"], default="none")
    return out


def rule_unfilled_rows(ds, scenario, f, ex, fair):
    """unfilled.csv has one row for every (unit, position) still short, with the right count, and no other."""
    want = f.loc[f["need_left"] > 0].set_index(["unit_code", "position_code"])["need_left"]
    got = ex.unfilled.set_index(["unit_code", "position_code"])["shortage_after"]
    for k in want.index.difference(got.index):
        yield Violation("unfilled_rows", f"unit {k[0]} position {k[1]}", f"still {want[k]} short but has no row")
    for k in got.index.difference(want.index):
        yield Violation("unfilled_rows", f"unit {k[0]} position {k[1]}", "has a row but is not short")
    both = want.index.intersection(got.index)
    for k in both[want[both].to_numpy() != got[both].to_numpy()]:
        yield Violation("unfilled_rows", f"unit {k[0]} position {k[1]}", f"row says {got[k]} short, the plan leaves {want[k]}")


def rule_surplus_rows(ds, scenario, f, ex, fair):
    """surplus_left.csv: movable surplus left and surplus that may not move, each counted exactly."""
    s = ex.surplus_left
    g = f.set_index(["unit_code", "position_code"])
    stuck = (g["surplus"] - g["give"])
    want = {"movable": g["give_left"][g["give_left"] > 0], "not_movable": stuck[stuck > 0]}
    for kind, w in want.items():
        rows = s.loc[(s["reason_code"] == "not_movable") == (kind == "not_movable")]
        got = rows.set_index(["unit_code", "position_code"])["surplus_after"]
        for k in w.index.symmetric_difference(got.index):
            yield Violation("surplus_rows", f"unit {k[0]} position {k[1]}",
                            f"{kind} surplus: {int(w.get(k, 0))} left, the table says {int(got.get(k, 0))}")
        both = w.index.intersection(got.index)
        for k in both[w[both].to_numpy() != got[both].to_numpy()]:
            yield Violation("surplus_rows", f"unit {k[0]} position {k[1]}", f"{kind}: {got[k]} in the table, {w[k]} left")


def _check_codes(ds, scenario, f, table, receive, label):
    if table.empty:
        return
    e = _expected(ds, scenario, f, table, receive)
    t = table.set_index(["unit_code", "position_code"])
    x = e.reindex(t.index)
    near_col = "nearest_surplus_km" if receive else "nearest_shortage_km"
    code = t["reason_code"].to_numpy()
    holds = np.select(
        [np.isin(code, ["no_surplus_in_scope", "no_shortage_in_scope"]), code == "out_of_reach",
         code == "unit_limit", code == "taken"],
        [x["scope"] == 0, (x["scope"] > 0) & (x["n_reach"] == 0), (x["n_reach"] > 0) & x["limit"].astype(bool),
         (x["n_reach"] > 0) & (x["left"] == 0)], default=False)
    first = "no_surplus_in_scope" if receive else "no_shortage_in_scope"
    known = np.isin(code, [first, "out_of_reach", "unit_limit", "taken"])
    same = code == x["code"].to_numpy()
    near_bad = same & (code == "out_of_reach") & ~(np.abs(t[near_col].astype(float) - x["nearest"]) <= KM_TOL)
    for k, c, ok, kn, sm, nb in zip(t.index, code, holds, known, same, near_bad):
        if sm and not nb:
            continue
        r = x.loc[k]
        subj = f"{label} unit {k[0]} position {k[1]}"
        if nb:
            yield Violation("reason_out_of_reach", subj,
                            f"nearest km {t.loc[k, near_col]} but it is {r['nearest']:.3f}")
        elif not ok:
            yield Violation(f"reason_{c}" if kn else "reason_exhaustive", subj,
                            f"says {c}, but scope {int(r['scope'])}, nearest "
                            f"{'' if pd.isna(r['nearest']) else round(float(r['nearest']), 3)} km, "
                            f"{int(r['n_reach'])} within reach with {int(r['left'])} left")
        else:
            yield Violation("reason_precedence", subj, f"says {c}, but {r['code']} holds first")


def rule_unfilled_reasons(ds, scenario, f, ex, fair):
    """Every unfilled row's reason is true and is the first that holds."""
    yield from _check_codes(ds, scenario, f, ex.unfilled, True, "unfilled")


def rule_surplus_reasons(ds, scenario, f, ex, fair):
    """Every movable-surplus row's reason is true and the first that holds; not_movable rows are
    surplus whose staff may not move."""
    s = ex.surplus_left
    yield from _check_codes(ds, scenario, f, s.loc[s["reason_code"] != "not_movable"], False, "surplus")


def rule_fair_same_fill(ds, scenario, f, ex, fair):
    """A fair plan has exactly the weighted fill of the efficient plan."""
    if fair is None:
        return
    prio = ds.positions.set_index("position_code")["priority"]
    got = int((f["arr"] * f["position_code"].map(prio)).sum())
    if got != int(fair):
        yield Violation("fair_same_fill", "plan", f"weighted fill {got}, the efficient plan's is {int(fair)}")


RULES = [rule_unfilled_rows, rule_surplus_rows, rule_unfilled_reasons, rule_surplus_reasons, rule_fair_same_fill]
RULE_NAMES = [r.__name__.removeprefix("rule_") for r in RULES]


def check_explanations(ds, scenario, transfers: pd.DataFrame, explanation,
                       efficient_weighted_fill: int | None = None) -> list[Violation]:
    """Every violation of §7 by the explanations (and, for a fair plan, of its fill)."""
    f = _facts(ds, scenario, transfers)
    out: list[Violation] = []
    for rule in RULES:
        out.extend(rule(ds, scenario, f, explanation, efficient_weighted_fill))
    return out
