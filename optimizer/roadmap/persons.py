"""Who acts: turn the MIP's aggregate actions into named rows ("6 rõ"), and the yearly counts.

* **Transfers.** Date by date, one min-cost flow: each cohort sends as many of its members as
  the model says (cohort → person, capacity 1) to the destinations of its (pair, date, class)
  (person → destination). The cost is the one of `optimizer.reassign.selection`: metres from
  the person's home (``home_unit_code``; the work unit when absent) to the new workplace,
  times a weight above any sum of penalties, plus 40 − whole years left before retirement —
  those who live nearest go, then those with more years left. Persons chosen at a date are
  not offered again.
* **Early retirements.** A cohort's members have, by construction, the same dates and costs
  of early retirement; the model's count is taken from those not transferred, in order of
  ``staff_id`` (the tie rule: nothing else distinguishes them in law or in cost).
* **Retraining** (with conversions) is a transfer whose slot leads into another position: the same
  flow names who goes (the conversion's eligibility is the position, shared by the cohort).
* **Recruits** get new ids ``TD-<year>-<n>``, n counting from 1 within the year in the order
  province, unit, position.
* **Natural retirements** are listed too: everyone whose statutory retirement date is before
  the end of ``end_year`` and who did not retire early, at the unit they are then in.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.reassign.eligibility import distance_lookup
from optimizer.reassign.selection import MINISTRY_AUTHORITY, PENALTY_YEARS
from optimizer.roadmap.retrain import training_lookup
from optimizer.roadmap.timeline import Timeline, whole_years

__all__ = ["ACTION_COLUMNS", "UNITS_BY_YEAR_COLUMNS", "name_actions", "units_by_year"]

ACTION_COLUMNS = ["action_no", "date", "action", "staff_id", "full_name", "position_code",
                  "to_position_code", "from_unit", "to_unit", "km", "cost_vnd", "authority", "reason",
                  "from_province", "to_province", "insurance_years_at_date", "insurance_estimated",
                  "training_months", "training_cost_vnd", "decision"]
UNITS_BY_YEAR_COLUMNS = ["unit_code", "position_code", "date", "quota", "staff_pre", "departures",
                         "early_retirements", "arrivals", "recruits", "staff_after", "shortage_after",
                         "surplus_after", "province_code", "priority"]


def _choose_transfers(ds, tl: Timeline, res, used: set) -> pd.DataFrame:
    from ortools.graph.python import min_cost_flow

    out = []
    persons = tl.persons
    known = set(ds.units["unit_code"])
    for k, t in enumerate(tl.dates):
        dep = res.departures.loc[res.departures["k"] == k]
        slots = res.transfers.loc[res.transfers["k"] == k].reset_index(drop=True)
        if dep.empty:
            continue
        members = persons.loc[persons["cohort"].isin(dep["cohort"]) & ~persons["staff_id"].isin(used)]
        members = members.sort_values("staff_id", kind="stable")
        cand = members[["staff_id", "cohort", "unit_code", "position_code", "n_counted", "home_unit_code",
                        "retirement_date"]].merge(
            slots.assign(slot=np.arange(len(slots)))[["from_unit", "position_code", "r", "slot", "to_unit",
                                                      "to_position_code", "count"]],
            left_on=["unit_code", "position_code", "n_counted"], right_on=["from_unit", "position_code", "r"])
        home = cand["home_unit_code"].where(cand["home_unit_code"].isin(known), cand["unit_code"])
        km, _ = distance_lookup(ds, home.to_numpy(), cand["to_unit"].to_numpy())
        left = whole_years(np.full(len(cand), t), cand["retirement_date"].to_numpy())
        penalty = PENALTY_YEARS - np.minimum(PENALTY_YEARS, np.maximum(left, 0))
        weight = PENALTY_YEARS * int(max(1, slots["count"].sum())) + 1
        cost = np.rint(km * 1000).astype(np.int64) * weight + penalty
        cohorts = dep.reset_index(drop=True)
        c_node = pd.Series(np.arange(len(cohorts)), index=cohorts["cohort"].to_numpy())
        p_ids, p_idx = np.unique(cand["staff_id"].to_numpy(), return_inverse=True)
        nc, npers, ns = len(cohorts), len(p_ids), len(slots)
        f = min_cost_flow.SimpleMinCostFlow()
        first = cand.drop_duplicates("staff_id")
        fi = np.searchsorted(p_ids, first["staff_id"].to_numpy())
        f.add_arcs_with_capacity_and_unit_cost(
            c_node.reindex(first["cohort"].to_numpy()).to_numpy().astype(np.int32), (nc + fi).astype(np.int32),
            np.ones(len(first), np.int64), np.zeros(len(first), np.int64))
        arcs = f.add_arcs_with_capacity_and_unit_cost(
            (nc + p_idx).astype(np.int32), (nc + npers + cand["slot"].to_numpy()).astype(np.int32),
            np.ones(len(cand), np.int64), cost)
        supplies = np.concatenate([cohorts["count"].to_numpy(np.int64), np.zeros(npers, np.int64),
                                   -slots["count"].to_numpy(np.int64)])
        f.set_nodes_supplies(np.arange(nc + npers + ns, dtype=np.int32), supplies)
        if f.solve() != f.OPTIMAL:
            raise RuntimeError(f"could not name the persons of the transfers of {t.date()} (inconsistent model)")
        chosen = f.flows(np.asarray(arcs)) > 0
        route = ["from_unit", "to_unit", "position_code", "to_position_code"]
        pick = cand.loc[chosen, ["staff_id", *route]].assign(k=k, home_km=km[chosen])
        pick = pick.merge(slots[[*route, "km", "cost_vnd"]].drop_duplicates(route), on=route)
        used.update(pick["staff_id"])
        out.append(pick)
    cols = ["staff_id", "from_unit", "to_unit", "position_code", "to_position_code", "k", "home_km", "km", "cost_vnd"]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def _choose_early(tl: Timeline, res, used: set) -> pd.DataFrame:
    rows = []
    persons = tl.persons.loc[tl.persons["cohort"].isin(res.er["cohort"])].sort_values("staff_id", kind="stable")
    by_cohort = persons.groupby("cohort", sort=False)["staff_id"].agg(list).to_dict()
    for r in res.er.sort_values(["k", "cohort"]).itertuples():
        free = [s for s in by_cohort[r.cohort] if s not in used][:int(r.count)]
        if len(free) < r.count:
            raise RuntimeError("more early retirements than members of the cohort (inconsistent model)")
        used.update(free)
        rows += [(s, int(r.k), float(r.cost_vnd)) for s in free]
    return pd.DataFrame(rows, columns=["staff_id", "k", "cost_vnd"])


def _months_early(t: pd.DatetimeIndex, retire) -> np.ndarray:
    """`timeline.months_early` of each early retirement from its own decision date t."""
    after = pd.DatetimeIndex(retire) + pd.Timedelta(days=1)
    return ((after.year - t.year) * 12 + (after.month - t.month)).to_numpy(dtype="int64")


def name_actions(ds, tl: Timeline, res, scenario, forced: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every action of the roadmap, one row each, numbered in date order (without reasons'
    yearly figures, which `describe` adds). ``forced``: the transfers a planner's ``move``
    decisions force at the first date (optimizer.roadmap.decisions), with their columns."""
    used: set = set(forced["staff_id"]) if forced is not None else set()
    tr = _choose_transfers(ds, tl, res, used)
    if forced is not None and len(forced):
        tr = pd.concat([forced[tr.columns.tolist() + ["decision", "decision_reason"]],
                        tr.assign(decision="", decision_reason="")], ignore_index=True)
    else:
        tr = tr.assign(decision="", decision_reason="")
    er = _choose_early(tl, res, used)
    p = tl.persons.set_index("staff_id")
    date_of = np.array([t.strftime("%Y-%m-%d") for t in tl.dates])
    units = ds.units.set_index("unit_code")
    prov_names = ds.provinces.set_index("province_code")["name"]
    frames = []
    if len(tr):
        conv = (tr["to_position_code"] != tr["position_code"]).to_numpy()
        train = training_lookup(ds).reindex(pd.MultiIndex.from_frame(tr[["position_code", "to_position_code"]]))
        frames.append(pd.DataFrame({
            "date": date_of[tr["k"].to_numpy(int)], "action": np.where(conv, "retrain", "transfer"),
            "staff_id": tr["staff_id"].to_numpy(), "position_code": tr["position_code"].to_numpy(),
            "to_position_code": tr["to_position_code"].to_numpy(),
            "from_unit": tr["from_unit"].to_numpy(), "to_unit": tr["to_unit"].to_numpy(),
            "km": tr["km"].to_numpy(float), "cost_vnd": tr["cost_vnd"].to_numpy(float),
            "home_km": tr["home_km"].to_numpy(float), "decision": tr["decision"].to_numpy(),
            "decision_reason": tr["decision_reason"].to_numpy(),
            "training_months": np.where(conv, train["training_months"].to_numpy(float), np.nan),
            "training_cost_vnd": np.where(conv, train["training_cost_vnd"].to_numpy(float), np.nan)}))
    if len(er):
        who = p.loc[er["staff_id"]]
        t = pd.DatetimeIndex([tl.dates[k] for k in er["k"]])
        ins = who["insurance_years"].to_numpy() + whole_years(np.full(len(er), pd.Timestamp(scenario.plan_date)), t)
        frames.append(pd.DataFrame({
            "date": date_of[er["k"].to_numpy(int)], "action": "early_retirement", "staff_id": er["staff_id"].to_numpy(),
            "position_code": who["position_code"].to_numpy(), "to_position_code": "",
            "from_unit": who["unit_code"].to_numpy(), "to_unit": "", "km": np.nan,
            "cost_vnd": er["cost_vnd"].to_numpy(), "insurance_years_at_date": ins,
            "insurance_estimated": who["insurance_estimated"].to_numpy(),
            "months_early": _months_early(t, who["retirement_date"])}))
    rec = res.recruits
    if len(rec):
        rec = rec.loc[rec.index.repeat(rec["count"])].sort_values(
            ["k", "province_code", "unit_code", "position_code"], kind="stable").reset_index(drop=True)
        year = np.array([tl.dates[k].year for k in rec["k"]])
        n = rec.groupby("k").cumcount().to_numpy() + 1
        frames.append(pd.DataFrame({
            "date": date_of[rec["k"].to_numpy(int)], "action": "recruit",
            "staff_id": [f"TD-{y}-{i}" for y, i in zip(year, n)], "full_name": "",
            "position_code": rec["position_code"], "to_position_code": rec["position_code"],
            "from_unit": "", "to_unit": rec["unit_code"], "km": np.nan, "cost_vnd": rec["cost_vnd"].astype(float)}))
    # natural retirements: before the end of the last year, not retired early, where they then are
    end = pd.Timestamp(scenario.end_year, 12, 31)
    early = set(er["staff_id"]) if len(er) else set()
    nat = tl.persons.loc[(tl.persons["retirement_date"] <= end) & ~tl.persons["staff_id"].isin(early)]
    moved = tr.set_index("staff_id")["to_unit"] if len(tr) else pd.Series(dtype=object)
    where = nat["staff_id"].map(moved).astype(object).fillna(nat["unit_code"])
    # a retrained person retires in the new position
    new_pos = tr.set_index("staff_id")["to_position_code"] if len(tr) else pd.Series(dtype=object)
    holds = nat["staff_id"].map(new_pos).astype(object).fillna(nat["position_code"])
    frames.append(pd.DataFrame({
        "date": pd.DatetimeIndex(nat["retirement_date"]).strftime("%Y-%m-%d"), "action": "retirement",
        "staff_id": nat["staff_id"].to_numpy(), "position_code": holds.to_numpy(),
        "to_position_code": "", "from_unit": where.to_numpy(), "to_unit": "", "km": np.nan, "cost_vnd": 0.0}))
    a = pd.concat(frames, ignore_index=True)
    known = a["staff_id"].isin(p.index)
    a["full_name"] = np.where(known, a["staff_id"].map(p["full_name"]), a.get("full_name", ""))
    a["full_name"] = a["full_name"].fillna("")
    a["from_province"] = a["from_unit"].map(units["province_code"]).fillna("")
    a["to_province"] = a["to_unit"].map(units["province_code"]).fillna("")
    same = (a["from_province"] == a["to_province"]) | (a["to_province"] == "") | (a["from_province"] == "")
    prov = a["from_province"].where(a["from_province"] != "", a["to_province"])
    a["authority"] = np.where(same, "Chủ tịch UBND " + prov.map(prov_names).fillna(prov).astype(str),
                              MINISTRY_AUTHORITY)
    order = {"retirement": 0, "early_retirement": 1, "transfer": 2, "retrain": 2, "recruit": 3}
    a = a.assign(_o=a["action"].map(order), _p=prov).sort_values(
        ["date", "_o", "_p", "from_unit", "to_unit", "staff_id"], kind="stable").drop(columns=["_o", "_p"])
    a = a.reset_index(drop=True)
    a["action_no"] = np.arange(1, len(a) + 1)
    for c in ("insurance_years_at_date", "insurance_estimated", "months_early", "home_km", "training_months",
              "training_cost_vnd"):
        if c not in a:
            a[c] = np.nan
    for c in ("decision", "decision_reason"):
        a[c] = a[c].fillna("") if c in a else ""
    # a flag of early retirements only: empty on other rows (a NaN in an object column was written "true")
    a["insurance_estimated"] = a["insurance_estimated"].astype("boolean")
    return a


def units_by_year(ds, tl: Timeline, actions: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit, position, decision date) with staff or quota: the counts before and
    after that date's actions (replayed from the named actions; counted with np.bincount over
    the rows of ``tl.pairs``)."""
    p = tl.persons
    key = ["unit_code", "position_code"]
    pairs = tl.pairs[key + ["quota", "province_code", "priority"]].reset_index(drop=True)
    index = pd.MultiIndex.from_frame(pairs[key])
    n = len(pairs)

    def pair_of(units, positions) -> np.ndarray:
        return index.get_indexer(pd.MultiIndex.from_arrays([np.asarray(units, dtype=object),
                                                            np.asarray(positions, dtype=object)]))

    def count(codes) -> np.ndarray:
        return np.bincount(codes[codes >= 0], minlength=n).astype("int64")

    acts = actions.loc[actions["action"] != "retirement"]
    left_at = acts.loc[acts["action"].isin(["transfer", "retrain", "early_retirement"])].set_index("staff_id")["date"]
    left = left_at.reindex(p["staff_id"]).astype(object).fillna("9999").to_numpy()
    home_pair = pair_of(p["unit_code"], p["position_code"])
    retire = p["retirement_date"].to_numpy()
    arrived = acts.loc[acts["action"].isin(["transfer", "retrain", "recruit"])]
    arr_ret = p.set_index("staff_id")["retirement_date"].reindex(arrived["staff_id"]).to_numpy()
    arr_pair = pair_of(arrived["to_unit"], arrived["to_position_code"])
    arr_date = arrived["date"].to_numpy(dtype=object)
    kind, date = acts["action"].to_numpy(dtype=object), acts["date"].to_numpy(dtype=object)
    from_pair = pair_of(acts["from_unit"], acts["position_code"])
    to_pair = pair_of(acts["to_unit"], acts["to_position_code"])
    rows = []
    for k, t in enumerate(tl.dates):
        d = t.strftime("%Y-%m-%d")
        t64 = t.to_datetime64()
        home = count(home_pair[(retire >= t64) & ~(left < d)])
        inn = count(arr_pair[(arr_date < d) & (np.isnat(arr_ret) | (arr_ret >= t64))])
        now = date == d
        moves = now & ((kind == "transfer") | (kind == "retrain"))
        f = pairs.assign(staff_pre=home + inn, departures=count(from_pair[moves]),
                         early_retirements=count(from_pair[now & (kind == "early_retirement")]),
                         arrivals=count(to_pair[moves]),
                         recruits=count(to_pair[now & (kind == "recruit")]))
        f["staff_after"] = f["staff_pre"] - f["departures"] - f["early_retirements"] + f["arrivals"] + f["recruits"]
        f["shortage_after"] = (f["quota"] - f["staff_after"]).clip(lower=0)
        f["surplus_after"] = (f["staff_after"] - f["quota"]).clip(lower=0)
        f = f.assign(date=d)
        rows.append(f.loc[(f["quota"] > 0) | (f["staff_pre"] > 0) | (f["staff_after"] > 0)])
    out = pd.concat(rows, ignore_index=True).sort_values(["date", "unit_code", "position_code"], kind="stable")
    return out[UNITS_BY_YEAR_COLUMNS].reset_index(drop=True)


def _fmt(x: float) -> str:
    return f"{x:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def describe(ds, actions: pd.DataFrame, by_year: pd.DataFrame) -> pd.DataFrame:
    """The Vietnamese reason of each action, with the figures of its date."""
    units = dict(zip(ds.units["unit_code"], ds.units["name"]))
    pos = dict(zip(ds.positions["position_code"], ds.positions["name"]))
    y = by_year.set_index(["unit_code", "position_code", "date"])
    over = (y["staff_pre"] - y["quota"]).clip(lower=0).to_numpy()
    under = (y["quota"] - y["staff_pre"]).clip(lower=0).to_numpy()

    def at(values, unit_col, pos_col):
        """values[(unit, position, date)] of each action, 0 where the key has no row."""
        i = y.index.get_indexer(pd.MultiIndex.from_arrays([actions[unit_col], actions[pos_col], actions["date"]]))
        return [values[j] if j >= 0 else 0 for j in i]

    over_from = at(over, "from_unit", "position_code")
    under_to = at(under, "to_unit", "position_code")
    under_new = at(under, "to_unit", "to_position_code")
    reasons = []
    for r, s, d, d_new in zip(actions.itertuples(), over_from, under_to, under_new):
        pname = pos.get(r.position_code, r.position_code)
        if r.action == "transfer" and r.decision == "move":
            why = f" ({r.decision_reason})" if r.decision_reason else ""
            reasons.append(f"Điều động theo quyết định của người có thẩm quyền{why}: {pname}, "
                           f"{units.get(r.from_unit)} thừa {s}, {units.get(r.to_unit)} thiếu {d} "
                           f"(ngày {r.date}); cách {_fmt(r.km)} km")
        elif r.action == "transfer":
            reasons.append(f"Điều động {pname}: {units.get(r.from_unit)} thừa {s} so với biên chế, "
                           f"{units.get(r.to_unit)} thiếu {d} (ngày {r.date}); cách {_fmt(r.km)} km, "
                           f"nơi ở cách nơi làm việc mới {_fmt(r.home_km)} km")
        elif r.action == "retrain":
            qname = pos.get(r.to_position_code, r.to_position_code)
            where = ("tại chỗ" if r.from_unit == r.to_unit
                     else f"đến {units.get(r.to_unit)}, cách {_fmt(r.km)} km")
            reasons.append(f"Đào tạo chuyển vị trí từ {pname} sang {qname} ({int(r.training_months)} tháng, "
                           f"chi phí đào tạo {_fmt(r.training_cost_vnd / 1e6)} triệu đồng) {where}: "
                           f"{units.get(r.from_unit)} thừa {s} {pname}, {units.get(r.to_unit)} thiếu {d_new} "
                           f"{qname} (ngày {r.date})")
        elif r.action == "early_retirement":
            est = " (ước tính theo tuổi)" if pd.notna(r.insurance_estimated) and bool(r.insurance_estimated) else ""
            reasons.append(f"Nghỉ hưu trước tuổi theo Nghị định 154/2025/NĐ-CP: sớm {int(r.months_early)} tháng, "
                           f"{_fmt(r.insurance_years_at_date)} năm đóng BHXH{est}; {units.get(r.from_unit)} "
                           f"thừa {s} {pname} so với biên chế")
        elif r.action == "recruit":
            reasons.append(f"Tuyển dụng trong biên chế còn trống: {units.get(r.to_unit)} thiếu {d} {pname} "
                           f"(ngày {r.date}) và không có người thừa phù hợp điều động đến")
        else:
            reasons.append(f"Nghỉ hưu đúng tuổi theo Bộ luật Lao động 2019 và Nghị định 135/2020/NĐ-CP "
                           f"(thời điểm nghỉ hưu {r.date})")
    return actions.assign(reason=reasons)
