"""Who goes: turn the optimal flows into named transfers ("6 rõ").

The flows say how many staff of position p leave unit u for unit v. This module decides
*which* of u's movable staff go, by one rule for the whole country, solved exactly as a
second, small min-cost flow (persons → destinations of their own unit and position):

  1. only staff who may move (``movable`` true, statutory retirement later than
     ``plan_date + protect_years``) are ever chosen;
  2. the total distance from the chosen persons' homes (``home_unit_code``; the work unit when
     absent) to their new workplaces is the least possible — the people who live nearest the
     new office go, so commutes stay short;
  3. among choices with the same total distance, those with more years left before retirement
     go first (penalty 40 − min(40, whole years left), summed, is the least possible);
  4. what is still tied is settled by the solver, deterministically for the same input.

Rules 2 and 3 are lexicographic, not a blend: the cost of a person → destination pair is
``metres × W + penalty`` with ``W`` larger than any possible sum of penalties in one unit.

With retraining (``--conversions``, docs/contract.md §6) one rule comes first, for the moves that
change position: 0. the people retrained are those with the most years before retirement
(least Σ penalty over retraining moves): training pays off over the years a person still
serves. Then rules 2 and 3 as above over all moves. The cost of a retraining pair is
``penalty × A + metres × W`` and of a plain one ``metres × W + penalty``, with ``A`` larger
than ``max_out · (longest home distance × W + 40)``: persons only compete within their own
(unit, position), where at most ``max_out`` are chosen, so the order is exact.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow

from models.dataset import Dataset
from models.scenario import Scenario
from optimizer.reassign.eligibility import Eligibility, distance_lookup

PENALTY_YEARS = 40

#: The columns of the transfers ("6 rõ"), in order (DESIGN.md); optimizer.output.tables writes them.
TRANSFER_COLUMNS = [
    "transfer_no", "staff_id", "full_name", "position_code", "position_name",
    "from_unit", "from_unit_name", "from_province", "from_province_name",
    "to_unit", "to_unit_name", "to_province", "to_province_name",
    "km", "distance_source", "effective_date", "authority", "authority_level",
    "years_to_retirement", "reason",
]
#: with retraining (docs/contract.md §6) the transfers gain these columns, after the others
RETRAINING_COLUMNS = ["to_position_code", "to_position_name", "training_months", "training_cost_vnd"]

MINISTRY_AUTHORITY = "Bộ trưởng Bộ Nội vụ"


def authority_for(from_province: pd.Series, to_province: pd.Series, province_names: pd.Series):
    """Who signs: the provincial People's Committee within a province, the Ministry across."""
    same = from_province.to_numpy() == to_province.to_numpy()
    names = from_province.map(province_names).fillna(from_province)
    authority = np.where(same, "Chủ tịch UBND " + names.astype(str), MINISTRY_AUTHORITY)
    level = np.where(same, "province", "ministry")
    return authority, level


def _fmt_km(x: np.ndarray) -> np.ndarray:
    return np.char.replace(np.char.mod("%.1f", np.asarray(x, dtype=float)), ".", ",")


def choose_persons(ds: Dataset, elig: Eligibility, flows: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Named transfers for the given flows (one row per moved person, DESIGN.md columns)."""
    retraining = "to_position_code" in flows.columns
    if flows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object)
                             for c in TRANSFER_COLUMNS + (RETRAINING_COLUMNS if retraining else [])})
    staff = elig.staff.loc[elig.staff["may_move"]]
    slots = flows.reset_index(drop=True).assign(slot=lambda d: np.arange(len(d)))
    cand = staff[["staff_id", "unit_code", "position_code", "home_unit_code", "retirement_date"]].merge(
        slots[["from_unit", "to_unit", "position_code", "slot", "flow"] + (["conversion"] if retraining else [])],
        left_on=["unit_code", "position_code"], right_on=["from_unit", "position_code"], how="inner")

    known = set(ds.units["unit_code"])
    home = cand["home_unit_code"].where(cand["home_unit_code"].isin(known), cand["unit_code"])
    home_km, _ = distance_lookup(ds, home.to_numpy(), cand["to_unit"].to_numpy())
    plan_ts = pd.Timestamp(scenario.plan_date)
    years_left = (cand["retirement_date"] - plan_ts).dt.days.to_numpy() / 365.25
    penalty = PENALTY_YEARS - np.minimum(PENALTY_YEARS, np.floor(np.maximum(years_left, 0))).astype(np.int64)
    out_per_unit = flows.groupby(["from_unit", "position_code"])["flow"].sum()
    weight = PENALTY_YEARS * int(out_per_unit.max()) + 1
    cost = np.rint(home_km * 1000).astype(np.int64) * weight + penalty
    if retraining:
        cost = _retraining_costs(home_km, penalty, cand["conversion"].to_numpy(dtype=bool), weight,
                                 int(out_per_unit.max()), n_nodes=cand["staff_id"].nunique() + len(slots))

    persons, person_idx = np.unique(cand["staff_id"].to_numpy(), return_inverse=True)
    n_p = len(persons)
    smcf = min_cost_flow.SimpleMinCostFlow()
    tails = person_idx.astype(np.int32)
    heads = (n_p + cand["slot"].to_numpy()).astype(np.int32)
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, np.ones(len(cand), dtype=np.int64), cost)
    nodes = np.arange(n_p + len(slots), dtype=np.int32)
    supplies = np.concatenate([np.ones(n_p, dtype=np.int64), -slots["flow"].to_numpy(dtype=np.int64)])
    smcf.set_nodes_supplies(nodes, supplies)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL or smcf.maximum_flow() != int(slots["flow"].sum()):
        raise RuntimeError("could not name a person for every planned move (inconsistent flows)")
    chosen = smcf.flows(np.arange(len(cand), dtype=np.int32)) > 0
    pick = cand.loc[chosen, ["staff_id", "slot"]].assign(
        home_km=home_km[chosen], years_to_retirement=np.round(years_left[chosen], 1))
    return _describe(ds, elig, slots, pick, scenario)


def _retraining_costs(home_km, penalty, conversion, weight: int, max_out: int, n_nodes: int) -> np.ndarray:
    """Costs with rule 0 first (see the module docstring), checked to fit OR-Tools' int64 costs."""
    metres = np.rint(np.asarray(home_km) * 1000).astype(np.int64)
    a = max_out * (int(metres.max(initial=0)) * weight + PENALTY_YEARS) + 1
    if (PENALTY_YEARS * a + int(metres.max(initial=0)) * weight) * (2 * n_nodes + 4) >= 2**63:
        raise RuntimeError("choosing who is retrained: the integer costs would overflow")
    return np.where(conversion, penalty * a + metres * weight, metres * weight + penalty)


def _describe(ds: Dataset, elig: Eligibility, slots: pd.DataFrame, pick: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The "6 rõ" columns: person, position, from/to, distance, date, authority, reason."""
    t = pick.merge(slots, on="slot").merge(
        ds.staff[["staff_id", "full_name"]], on="staff_id", how="left")
    units = ds.units.set_index("unit_code")
    prov_names = ds.provinces.set_index("province_code")["name"]
    pos_names = ds.positions.set_index("position_code")["name"]
    t["position_name"] = t["position_code"].map(pos_names)
    for side, col in (("from", "from_unit"), ("to", "to_unit")):
        t[f"{side}_unit_name"] = t[col].map(units["name"])
        t[f"{side}_province"] = t[col].map(units["province_code"])
        t[f"{side}_province_name"] = t[f"{side}_province"].map(prov_names)
    t["authority"], t["authority_level"] = authority_for(t["from_province"], t["to_province"], prov_names)
    effective = scenario.effective_date or scenario.plan_date
    t["effective_date"] = pd.Timestamp(effective).strftime("%Y-%m-%d")

    pairs = elig.pairs.set_index(["unit_code", "position_code"])
    surplus = pairs["surplus"].reindex(pd.MultiIndex.from_arrays([t["from_unit"], t["position_code"]])).to_numpy()
    retraining = "to_position_code" in t.columns
    to_pos = t["to_position_code"] if retraining else t["position_code"]
    shortage = pairs["shortage"].reindex(pd.MultiIndex.from_arrays([t["to_unit"], to_pos])).to_numpy()
    t["reason"] = ("Điều động vị trí " + t["position_name"].astype(str) + ": " + t["from_unit_name"].astype(str)
                   + " thừa " + pd.Series(surplus, index=t.index).astype(str) + " so với biên chế, "
                   + t["to_unit_name"].astype(str) + " thiếu " + pd.Series(shortage, index=t.index).astype(str)
                   + "; nơi ở cách nơi làm việc mới " + _fmt_km(t["home_km"].to_numpy()) + " km")
    columns = TRANSFER_COLUMNS
    if retraining:
        t["to_position_name"] = t["to_position_code"].map(pos_names)
        conv = t["conversion"].to_numpy(dtype=bool)
        t.loc[conv, "reason"] = (
            "Đào tạo lại từ vị trí " + t["position_name"].astype(str) + " sang vị trí "
            + t["to_position_name"].astype(str) + " (" + t["training_months"].astype(str) + " tháng): "
            + t["from_unit_name"].astype(str) + " thừa " + pd.Series(surplus, index=t.index).astype(str)
            + " " + t["position_name"].astype(str) + ", " + t["to_unit_name"].astype(str) + " thiếu "
            + pd.Series(shortage, index=t.index).astype(str) + " " + t["to_position_name"].astype(str)
            + "; còn " + t["years_to_retirement"].map(lambda y: f"{y:.1f}".replace(".", ",")) + " năm công tác"
            + "; nơi ở cách nơi làm việc mới " + _fmt_km(t["home_km"].to_numpy()) + " km")[conv]
        columns = TRANSFER_COLUMNS + RETRAINING_COLUMNS
    t = t.sort_values(["from_province", "from_unit", "position_code", "to_unit", "staff_id"], kind="stable")
    t = t.reset_index(drop=True)
    t["transfer_no"] = np.arange(1, len(t) + 1)
    t["km"] = t["km"].astype(float).round(3)
    return t[columns]


#: The "6 rõ" rows of persons already named (optimizer.reassign.loop: wishes, baseline, decisions).
describe_transfers = _describe
