"""Why each post stays unfilled and why each surplus stays (docs/contract.md §7).

    explain_plan(ds, scenario, elig, transfers, units_after) -> Explanation(unfilled, surplus_left)

Everything is vectorised: the (unit, position) pairs still short are joined with the surplus
pairs *in scope* (same position; the same province unless ``cross_province``, and then only into
``cross_province_into`` when it lists provinces), their distances are taken once with
`distance_lookup` (road km where given, else great-circle; metre-rounded, as the model uses), and
each row's facts are grouped sums over that join.

``unfilled`` — one row per (unit, position) with ``shortage_after > 0``, the first code that holds:

* ``no_surplus_in_scope`` — before the plan no movable surplus (``supply > 0``) of the position
  exists anywhere a move may come from;
* ``out_of_reach`` — it exists, but none within ``max_km``: the row names the nearest such unit,
  its km, and the whole km (``km_to_reach``) a limit would need to reach it;
* ``unit_limit`` — the arrival limit (``max_arrivals_per_unit``) is used up at this unit, or
  every unit within reach that still has movable surplus of the position has used up its
  departure limit (``max_departures_per_unit``);
* ``taken`` — every unit within reach that had movable surplus of the position has none left:
  the row names the units that received it (``taken_by``).

``surplus_left`` — one row per (unit, position) whose movable surplus is not used up
(``supply_after = supply − departures > 0``), codes ``no_shortage_in_scope``, ``out_of_reach``,
``unit_limit`` (the unit's departure limit is used up, or every shortage unit within reach that is
still short has used up its arrival limit), ``taken`` (every shortage unit within reach is filled;
``taken_by`` names who filled them); and one ``not_movable`` row per pair whose surplus stays
because its staff may not move (``surplus − min(surplus, movable) > 0``: marked not movable, or
retiring within ``protect_years``).

For a plan that is optimal in weighted fill the codes are exhaustive (a short unit within reach
of a unit with movable surplus left, no limit binding, could take one more person: the plan
would not be optimal). A row for which none holds — possible only for a plan the solver did not
finish — gets ``not_optimal``; `optimizer.explain.audit` flags every such row.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.chunks import chunk_bounds
from models.geo import haversine_km
from optimizer.reassign.eligibility import cross_into

UNFILLED_CODES = ("no_surplus_in_scope", "out_of_reach", "unit_limit", "taken")
SURPLUS_CODES = ("no_shortage_in_scope", "out_of_reach", "unit_limit", "taken", "not_movable")
NOT_OPTIMAL = "not_optimal"
TAKEN_LIST_MAX = 5        # units named in `taken_by`; `taken_by_count` gives them all

UNFILLED_COLUMNS = (
    "unit_code", "unit_name", "province_code", "province_name", "position_code", "position_name",
    "priority", "quota", "shortage_after", "reason_code", "reason",
    "surplus_in_scope", "nearest_surplus_unit", "nearest_surplus_unit_name", "nearest_surplus_km",
    "km_to_reach", "units_in_reach", "surplus_left_in_reach", "taken_by", "taken_by_count",
    "binding_limit",
)
SURPLUS_LEFT_COLUMNS = (
    "unit_code", "unit_name", "province_code", "province_name", "position_code", "position_name",
    "priority", "quota", "surplus_after", "reason_code", "reason",
    "shortage_in_scope", "nearest_shortage_unit", "nearest_shortage_unit_name", "nearest_shortage_km",
    "km_to_reach", "units_in_reach", "shortage_left_in_reach", "taken_by", "taken_by_count",
    "binding_limit", "not_movable_flag", "near_retirement",
)


@dataclass(frozen=True, eq=False)
class Explanation:
    unfilled: pd.DataFrame       # UNFILLED_COLUMNS
    surplus_left: pd.DataFrame   # SURPLUS_LEFT_COLUMNS


# --------------------------------------------------------------------------- text helpers

def fmt_km(x) -> np.ndarray:
    """km with one decimal and the Vietnamese decimal comma."""
    a = np.asarray(x, dtype=float)
    if a.size == 0:
        return np.array([], dtype=str)
    return np.char.replace(np.char.mod("%.1f", np.nan_to_num(a)), ".", ",")


def fmt_limit(km: float) -> str:
    """A km limit as a planner writes it: 40, 42,5."""
    return f"{float(km):g}".replace(".", ",")


def _s(x) -> pd.Series:
    return pd.Series(np.asarray(x, dtype=object)).astype(str)


def _lower_first(names: pd.Series) -> pd.Series:
    t = names.fillna("").astype(str)
    return t.str[:1].str.lower() + t.str[1:]


def _where_text(scenario, province_name: pd.Series) -> pd.Series:
    if scenario.cross_province:
        into = list(scenario.cross_province_into or ())
        return pd.Series("trong " + _lower_first(province_name).to_numpy(), dtype=object) + (
            " và các tỉnh được phép điều động liên tỉnh" if into else " và cả nước")
    return pd.Series("trong " + _lower_first(province_name).to_numpy(), dtype=object)


# --------------------------------------------------------------------------- the joins

def _pairs_after(ds, elig, units_after: pd.DataFrame) -> pd.DataFrame:
    """elig.pairs with departures, arrivals, shortage/surplus after and supply_after."""
    key = ["unit_code", "position_code"]
    ua = units_after[key + ["departures", "arrivals", "shortage_after", "surplus_after"]]
    p = elig.pairs.merge(ua, on=key, how="left").fillna(
        {"departures": 0, "arrivals": 0, "shortage_after": 0, "surplus_after": 0})
    for c in ("departures", "arrivals", "shortage_after", "surplus_after"):
        p[c] = p[c].astype("int64")
    p["supply_after"] = (p["supply"] - p["departures"]).clip(lower=0)
    units = ds.units.set_index("unit_code")
    p["unit_name"] = p["unit_code"].map(units["name"])
    p["province_name"] = p["province_code"].map(ds.provinces.set_index("province_code")["name"])
    p["position_name"] = p["position_code"].map(ds.positions.set_index("position_code")["name"])
    by_unit = p.groupby("unit_code")
    p["unit_departures"] = by_unit["departures"].transform("sum").astype("int64")
    p["unit_arrivals"] = by_unit["arrivals"].transform("sum").astype("int64")
    return p


class _Codes:
    """Units, positions and provinces as integer codes (joins on integers, not on text), and the
    distance between units by those codes: the same figures as `distance_lookup` (road km where
    the distances table has the pair — its first row for a pair, either direction — else
    great-circle; 0 within a unit; rounded to the metre)."""

    def __init__(self, ds):
        self.units = pd.Index(ds.units["unit_code"])
        self.pos = pd.Index(ds.positions["position_code"])
        self.prov = pd.Index(ds.provinces["province_code"])
        self.lat = ds.units["lat"].to_numpy(float)
        self.lon = ds.units["lon"].to_numpy(float)
        self.road = None
        d = ds.distances
        if d is not None and len(d):
            f, t = self.u(d["from_unit"]), self.u(d["to_unit"])
            n = len(self.units)
            keys = np.ravel(np.column_stack([f * n + t, t * n + f]))
            km = np.repeat(d["km"].to_numpy(float), 2)
            first = ~pd.Series(keys).duplicated().to_numpy() & (np.repeat((f >= 0) & (t >= 0), 2))
            order = np.argsort(keys[first], kind="stable")
            self.road = (keys[first][order], km[first][order])

    def u(self, s) -> np.ndarray:
        return self.units.get_indexer(np.asarray(s, dtype=object))

    def km(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        km = haversine_km(self.lat[a], self.lon[a], self.lat[b], self.lon[b])
        if self.road is not None and len(a):
            keys, vals = self.road
            k = a.astype(np.int64) * len(self.units) + b
            i = np.clip(np.searchsorted(keys, k), 0, len(keys) - 1)
            hit = keys[i] == k
            km = np.where(hit, vals[i], km)
        return np.round(np.where(a == b, 0.0, km), 3)


def _coded(codes: _Codes, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its unit, position and province codes replaced by integers u, p, v."""
    return df.drop(columns=["unit_code", "position_code", "province_code"]).assign(
        u=codes.u(df["unit_code"]), p=codes.pos.get_indexer(df["position_code"]),
        v=codes.prov.get_indexer(df["province_code"]))


def _group(scenario) -> list[str]:
    return ["p"] if scenario.cross_province else ["p", "v"]


def _scope_join(ds, scenario, codes: _Codes, L: pd.DataFrame, R: pd.DataFrame, *,
                left_receives: bool) -> pd.DataFrame:
    """Every (left row, right row) of the same position that the province rules allow.

    ``L`` and ``R`` are `_coded`; the right side's columns other than the group carry the suffix
    ``_o`` (the other unit). ``left_receives``: the left rows are the receiving side (shortage);
    else they send. ``km`` is added."""
    group = _group(scenario)
    j = L.merge(R, on=group, how="inner")
    if not scenario.cross_province:
        j["v_o"] = j["v"]
    into = cross_into(ds, scenario)
    if into:
        into_codes = codes.prov.get_indexer(sorted(into))
        recv = j["v"] if left_receives else j["v_o"]
        j = j.loc[(j["v"] == j["v_o"]) | recv.isin(into_codes)]
    j = j.loc[j["u"] != j["u_o"]]
    a, b = j["u"].to_numpy(), j["u_o"].to_numpy()
    km = codes.km(b, a) if left_receives else codes.km(a, b)
    return j.assign(km=km).reset_index(drop=True)


def _join_sizes(scenario, L: pd.DataFrame, R: pd.DataFrame) -> np.ndarray:
    """How many right rows share each left row's group (the size of its part of the join)."""
    group = _group(scenario)
    both = pd.concat([L[group], R[group]], ignore_index=True)
    key = pd.MultiIndex.from_frame(both).factorize()[0] if len(group) > 1 else pd.factorize(both[group[0]])[0]
    per_key = np.bincount(key[len(L):], minlength=int(key.max(initial=-1)) + 1)
    return per_key[key[:len(L)]]


def _nearest(j: pd.DataFrame, codes: _Codes) -> pd.DataFrame:
    """Per left row (column ``row``): the nearest other unit and its km (ties: the smaller code).

    One pass over the join, no sort of it: the join comes in row order (an inner merge keeps the
    left order; else it is put so, by row only), each row's least km and then, among the pairs at
    that km, its least unit index are segment minima (`np.minimum.reduceat`); a missing km (NaN)
    ranks last, as in a sort."""
    if j.empty:
        return pd.DataFrame(columns=["nearest", "nearest_km"], index=pd.Index([], name="row"))
    row = j["row"].to_numpy(np.int64)
    km = j["km"].to_numpy(float)
    other = j["u_o"].to_numpy(np.int64)
    if (row[1:] < row[:-1]).any():
        order = np.argsort(row, kind="stable")
        row, km, other = row[order], km[order], other[order]
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    least = np.fmin.reduceat(km, starts)                 # a missing km only where all are missing
    segment = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(row)]))
    at = least[segment]
    at_least = np.where((km == at) | np.isnan(at), other, np.iinfo(np.int64).max)
    unit = np.minimum.reduceat(at_least, starts)
    return pd.DataFrame({"nearest": codes.units[unit].to_numpy(), "nearest_km": least}, index=row[starts])


def _moved_keys(moves: pd.DataFrame, codes: _Codes, left_receives: bool) -> np.ndarray:
    """(unit, position) keys — unit · positions + position — of the units moves left (when the
    rows receive) or arrived at (when they send): the only pairs `_takers` can match."""
    unit = moves["from_unit"] if left_receives else moves["to_unit"]
    return np.unique(codes.u(unit).astype(np.int64) * max(len(codes.pos), 1)
                     + codes.pos.get_indexer(moves["position_code"]))


def _takers(j_reach: pd.DataFrame, moves: pd.DataFrame, codes: _Codes, *, left_receives: bool) -> pd.DataFrame:
    """Per left row: the units that took what lay within its reach (excluding itself)."""
    m = pd.DataFrame({"f": codes.u(moves["from_unit"]), "t": codes.u(moves["to_unit"]),
                      "p": codes.pos.get_indexer(moves["position_code"])})
    m = m.rename(columns={"f": "u_o", "t": "taker"} if left_receives else {"t": "u_o", "f": "taker"})
    t = j_reach[["row", "u", "u_o", "p"]].merge(m, on=["u_o", "p"])
    t = t.loc[t["taker"] != t["u"]].drop_duplicates(["row", "taker"]).sort_values(["row", "taker"])
    if t.empty:
        return pd.DataFrame({"taken_by": pd.Series(dtype=object), "taken_by_count": pd.Series(dtype="int64")})
    t["rank"] = t.groupby("row").cumcount()
    count = t.groupby("row").size()
    first = t.loc[t["rank"] < TAKEN_LIST_MAX]
    wide = first.pivot(index="row", columns="rank", values="taker")      # ≤ TAKEN_LIST_MAX columns
    names = pd.Series("", index=wide.index, dtype=object)
    for k in wide.columns:                                                # joined column by column
        col = wide[k].to_numpy()
        has = ~np.isnan(col)
        text = np.where(has, codes.units.to_numpy(object)[np.where(has, col, 0).astype(np.int64)], "")
        sep = np.where(has & (k > 0), ";", "")
        names = names + sep + text
    return pd.DataFrame({"taken_by": names, "taken_by_count": count})


# --------------------------------------------------------------------------- the facts of one side

def _side_facts(ds, scenario, moves, rows: pd.DataFrame, other: pd.DataFrame, amount: str,
                own: tuple[str, int | None], theirs: tuple[str, int | None], *, left_receives: bool):
    """What a row of either file needs, the same way for both (§7): how much of the other side is
    in scope, the nearest such unit, the units within reach and what they have left, whether a
    per-unit limit binds — the row's own unit at its limit (`own`: its count column and limit), or
    every open unit in reach at its limit (`theirs`) — and who took what was in reach.

    `rows` are the pairs explained (short pairs, or pairs with surplus left), numbered by `row`;
    `other` the pairs of the other side with `amount` and `amount`_after (supply or shortage)."""
    codes = _Codes(ds)
    n = len(rows)
    group = _group(scenario)
    L = _coded(codes, rows[["row", "unit_code", "position_code", "province_code"]])
    R = _coded(codes, other)
    R = R.rename(columns={c: f"{c}_o" for c in R.columns if c not in group})
    # the join grows as the square of the data: taken a chunk of rows at a time, each row's sums
    # kept (in scope, nearest, within reach, left, open, stuck), and of the pairs within reach only
    # those a move left from (or arrived at), for `_takers` (models.chunks)
    moved = _moved_keys(moves, codes, left_receives)
    n_pos = max(len(codes.pos), 1)
    their_col, their_limit = theirs
    scope, left_sum = np.zeros(n), np.zeros(n)
    n_reach, n_open, n_stuck = (np.zeros(n, np.int64) for _ in range(3))
    nearest, taken = [], []
    for a, b in chunk_bounds(_join_sizes(scenario, L, R)) or [(0, 0)]:
        j = _scope_join(ds, scenario, codes, L.iloc[a:b], R, left_receives=left_receives)
        scope += np.bincount(j["row"], weights=j[f"{amount}_o"], minlength=n)
        nearest.append(_nearest(j, codes))
        reach = j.loc[j["km"] <= float(scenario.max_km) + 1e-9]
        del j
        row = reach["row"].to_numpy(np.int64)
        n_reach += np.bincount(row, minlength=n)
        left_sum += np.bincount(row, weights=reach[f"{amount}_after_o"].to_numpy(float), minlength=n)
        if their_limit is not None:
            is_open = reach[f"{amount}_after_o"].to_numpy() > 0
            n_open += np.bincount(row[is_open], minlength=n)
            n_stuck += np.bincount(row[is_open & (reach[f"{their_col}_o"].to_numpy() >= their_limit)], minlength=n)
        key = reach["u_o"].to_numpy(np.int64) * n_pos + reach["p"].to_numpy(np.int64)
        taken.append(reach.loc[np.isin(key, moved), ["row", "u", "u_o", "p"]])
        del reach, row, key
    in_scope = scope.astype(np.int64)
    found = [x for x in nearest if len(x)]
    near = (pd.concat(found) if found else nearest[0]).reindex(np.arange(n))
    left_reach = left_sum.astype(np.int64)
    own_col, own_limit = own
    own_binds = np.zeros(n, bool) if own_limit is None else (rows[own_col].to_numpy() >= own_limit)
    their_binds = np.zeros(n, bool) if their_limit is None else (n_open > 0) & (n_stuck == n_open)
    reach = pd.concat(taken, ignore_index=True) if len(taken) > 1 else taken[0]
    takers = _takers(reach, moves, codes, left_receives=left_receives).reindex(np.arange(n))
    return in_scope, near, n_reach, left_reach, own_binds, their_binds, takers


# --------------------------------------------------------------------------- unfilled posts

def explain_unfilled(ds, scenario, p: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    lim_dep = scenario.max_departures_per_unit
    lim_arr = scenario.max_arrivals_per_unit
    short = p.loc[p["shortage_after"] > 0].reset_index(drop=True)
    short["row"] = np.arange(len(short))
    src = p.loc[p["supply"] > 0, ["unit_code", "position_code", "province_code", "supply",
                                  "supply_after", "unit_departures"]]
    in_scope, near, n_reach, left_reach, arr_binds, dep_binds, takers = _side_facts(
        ds, scenario, moves, short, src, "supply", ("unit_arrivals", lim_arr), ("unit_departures", lim_dep),
        left_receives=True)

    code = np.select(
        [in_scope == 0, n_reach == 0, arr_binds | dep_binds, left_reach == 0],
        list(UNFILLED_CODES), default=NOT_OPTIMAL)
    out = short.assign(
        reason_code=code, surplus_in_scope=in_scope,
        nearest_surplus_unit=near["nearest"].to_numpy(), nearest_surplus_km=near["nearest_km"].to_numpy(dtype=float),
        units_in_reach=n_reach.astype(np.int64), surplus_left_in_reach=left_reach,
        taken_by=takers["taken_by"].fillna("").to_numpy(),
        taken_by_count=takers["taken_by_count"].fillna(0).astype(np.int64).to_numpy())
    out["km_to_reach"] = np.where(code == "out_of_reach", np.ceil(out["nearest_surplus_km"].fillna(0) - 1e-9), np.nan)
    out["binding_limit"] = np.where(arr_binds, f"max_arrivals_per_unit={lim_arr}",
                                    np.where(dep_binds, f"max_departures_per_unit={lim_dep}", ""))
    out.loc[out["reason_code"] != "unit_limit", "binding_limit"] = ""
    units = ds.units.set_index("unit_code")["name"]
    out["nearest_surplus_unit_name"] = out["nearest_surplus_unit"].map(units)
    out["reason"] = _unfilled_sentences(scenario, out)
    return out[list(UNFILLED_COLUMNS)]


def _by_code(t: pd.DataFrame, sentences: dict, default: str) -> np.ndarray:
    """The reason of each row: ``sentences[code](rows)`` built on the rows of that code only
    (each text is made once, for the rows that use it), ``default`` for any other code."""
    code = t["reason_code"].to_numpy()
    out = np.full(len(t), default, dtype=object)
    for c, build in sentences.items():
        m = code == c
        if m.any():
            out[m] = np.asarray(build(t.loc[m].reset_index(drop=True)), dtype=object)
    return out


def _unfilled_sentences(scenario, t: pd.DataFrame) -> np.ndarray:
    if t.empty:
        return np.array([], dtype=object)
    km_lim = fmt_limit(scenario.max_km)
    pos, n = (lambda u: _s(u["position_name"])), (lambda u: _s(u["shortage_after"]))
    limit_n = lambda u: _s(u["binding_limit"].str.split("=").str[-1])   # noqa: E731

    def no_surplus(u):
        return ("Không có công chức dôi dư có thể điều động ở vị trí " + pos(u) + " "
                + _where_text(scenario, u["province_name"])
                + ": chỉ tuyển dụng hoặc đào tạo lại mới lấp được " + n(u) + " chỗ còn thiếu.")

    def out_of_reach(u):
        near_name = _s(u["nearest_surplus_unit_name"].fillna(u["nearest_surplus_unit"]))
        need = _s(u["km_to_reach"].fillna(0).astype(np.int64))
        return ("Nơi dôi dư " + pos(u) + " gần nhất là " + near_name + ", cách " + fmt_km(u["nearest_surplus_km"])
                + " km, xa hơn giới hạn " + km_lim + " km; phải nâng giới hạn lên " + need
                + " km mới điều động được.")

    def limit(u):
        return np.where(u["binding_limit"].str.startswith("max_arrivals"),
                        "Đơn vị đã nhận đủ số người tối đa được đến một đơn vị (" + limit_n(u)
                        + " người), nên " + n(u) + " chỗ thiếu " + pos(u) + " còn lại không nhận thêm được.",
                        "Các đơn vị trong bán kính " + km_lim + " km còn dôi dư " + pos(u)
                        + " đều đã cho đi số người tối đa được rời một đơn vị (" + limit_n(u) + " người).")

    def taken(u):
        return ("Toàn bộ công chức dôi dư " + pos(u) + " có thể điều động trong bán kính " + km_lim
                + " km đã được điều động đến " + _s(u["taken_by_count"]) + " đơn vị khác ("
                + _s(u["taken_by"].str.replace(";", ", "))
                + np.where(u["taken_by_count"] > TAKEN_LIST_MAX, ", …", "")
                + "), nơi cũng thiếu; không còn ai để điều động đến đây.")

    return _by_code(t, {"no_surplus_in_scope": no_surplus, "out_of_reach": out_of_reach, "unit_limit": limit,
                        "taken": taken},
                    "Kế hoạch chưa được chứng minh tối ưu: còn người dôi dư trong tầm với mà chưa được điều động.")


# --------------------------------------------------------------------------- surplus that stays

def explain_surplus(ds, scenario, p: pd.DataFrame, moves: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    lim_dep = scenario.max_departures_per_unit
    lim_arr = scenario.max_arrivals_per_unit
    left = p.loc[p["supply_after"] > 0].reset_index(drop=True)
    left["row"] = np.arange(len(left))
    dst = p.loc[p["shortage"] > 0, ["unit_code", "position_code", "province_code", "shortage",
                                     "shortage_after", "unit_arrivals"]]
    in_scope, near, n_reach, left_reach, dep_binds, arr_binds, takers = _side_facts(
        ds, scenario, moves, left, dst, "shortage", ("unit_departures", lim_dep), ("unit_arrivals", lim_arr),
        left_receives=False)
    code = np.select([in_scope == 0, n_reach == 0, dep_binds | arr_binds, left_reach == 0],
                     list(SURPLUS_CODES[:4]), default=NOT_OPTIMAL)
    movable_rows = left.assign(
        surplus_after=left["supply_after"], reason_code=code, shortage_in_scope=in_scope,
        nearest_shortage_unit=near["nearest"].to_numpy(), nearest_shortage_km=near["nearest_km"].to_numpy(dtype=float),
        units_in_reach=n_reach.astype(np.int64), shortage_left_in_reach=left_reach,
        taken_by=takers["taken_by"].fillna("").to_numpy(),
        taken_by_count=takers["taken_by_count"].fillna(0).astype(np.int64).to_numpy(),
        binding_limit=np.where(dep_binds, f"max_departures_per_unit={lim_dep}",
                               np.where(arr_binds, f"max_arrivals_per_unit={lim_arr}", "")))
    movable_rows.loc[movable_rows["reason_code"] != "unit_limit", "binding_limit"] = ""
    movable_rows["km_to_reach"] = np.where(code == "out_of_reach",
                                           np.ceil(movable_rows["nearest_shortage_km"].fillna(0) - 1e-9), np.nan)

    # surplus that stays because its staff may not move
    stuck = p.loc[p["surplus_after"] > p["supply_after"]].reset_index(drop=True)
    why = staff.loc[~staff["may_move"]].assign(
        flag=lambda d: d["stay_reason"] != "near_retirement", near=lambda d: d["stay_reason"] == "near_retirement")
    counts = why.groupby(["unit_code", "position_code"])[["flag", "near"]].sum()
    idx = pd.MultiIndex.from_frame(stuck[["unit_code", "position_code"]])
    c = counts.reindex(idx).fillna(0).astype("int64")
    fixed = stuck.assign(surplus_after=stuck["surplus_after"] - stuck["supply_after"], reason_code="not_movable",
                         not_movable_flag=c["flag"].to_numpy(), near_retirement=c["near"].to_numpy())
    out = pd.concat([movable_rows, fixed], ignore_index=True, sort=False)
    for col in ("shortage_in_scope", "units_in_reach", "shortage_left_in_reach", "taken_by_count",
                "not_movable_flag", "near_retirement"):
        out[col] = out[col].fillna(0).astype("int64")
    out["taken_by"] = out["taken_by"].fillna("")
    out["binding_limit"] = out["binding_limit"].fillna("")
    out["nearest_shortage_unit_name"] = out["nearest_shortage_unit"].map(ds.units.set_index("unit_code")["name"])
    out = out.sort_values(["unit_code", "position_code", "reason_code"], kind="stable").reset_index(drop=True)
    out["reason"] = _surplus_sentences(scenario, out)
    return out[list(SURPLUS_LEFT_COLUMNS)]


def _surplus_sentences(scenario, t: pd.DataFrame) -> np.ndarray:
    if t.empty:
        return np.array([], dtype=object)
    km_lim = fmt_limit(scenario.max_km)
    pos, n = (lambda u: _s(u["position_name"])), (lambda u: _s(u["surplus_after"]))
    limit_n = lambda u: _s(u["binding_limit"].str.split("=").str[-1])   # noqa: E731

    def none(u):
        return ("Không nơi nào " + _where_text(scenario, u["province_name"]) + " thiếu " + pos(u) + ": " + n(u)
                + " người dôi dư chỉ giảm được bằng nghỉ hưu, tinh giản hoặc đào tạo sang vị trí khác.")

    def far(u):
        near_name = _s(u["nearest_shortage_unit_name"].fillna(u["nearest_shortage_unit"]))
        return ("Nơi thiếu " + pos(u) + " gần nhất là " + near_name + ", cách " + fmt_km(u["nearest_shortage_km"])
                + " km, xa hơn giới hạn " + km_lim + " km; phải nâng giới hạn lên "
                + _s(u["km_to_reach"].fillna(0).astype(np.int64)) + " km mới điều động được.")

    def limit(u):
        return np.where(u["binding_limit"].str.startswith("max_departures"),
                        "Đơn vị đã cho đi số người tối đa được rời một đơn vị (" + limit_n(u) + " người).",
                        "Các nơi còn thiếu " + pos(u) + " trong bán kính " + km_lim
                        + " km đều đã nhận số người tối đa được đến một đơn vị (" + limit_n(u) + " người).")

    def taken(u):
        return ("Mọi nơi thiếu " + pos(u) + " trong bán kính " + km_lim + " km đã được lấp đủ (bởi "
                + _s(u["taken_by_count"]) + " đơn vị: " + _s(u["taken_by"].str.replace(";", ", "))
                + np.where(u["taken_by_count"] > TAKEN_LIST_MAX, ", …", "") + ").")

    def fixed(u):
        return (n(u) + " người dôi dư " + pos(u) + " ở lại vì không được điều động (tại đơn vị, vị trí này có "
                + _s(u["not_movable_flag"]) + " người được đánh dấu không điều động và " + _s(u["near_retirement"])
                + " người sắp đến tuổi nghỉ hưu trong thời gian bảo vệ).")

    return _by_code(t, {"no_shortage_in_scope": none, "out_of_reach": far, "unit_limit": limit, "taken": taken,
                        "not_movable": fixed},
                    "Kế hoạch chưa được chứng minh tối ưu: còn nơi thiếu trong tầm với mà chưa nhận người.")


# --------------------------------------------------------------------------- public

def explain_plan(ds, scenario, elig, transfers: pd.DataFrame, units_after: pd.DataFrame) -> Explanation:
    """The reasons for every post still unfilled and every surplus still left."""
    p = _pairs_after(ds, elig, units_after)
    moves = transfers[["from_unit", "to_unit", "position_code"]].drop_duplicates()
    return Explanation(unfilled=explain_unfilled(ds, scenario, p, moves),
                       surplus_left=explain_surplus(ds, scenario, p, moves, elig.staff))
