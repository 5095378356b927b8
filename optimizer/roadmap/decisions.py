"""A planner's decisions in the roadmap (docs/contract.md §8 → §9).

* ``keep`` (decisions table): the person is never transferred nor retrained over the horizon;
  early retirement stays open to them (a keep decision is about where they work).
* ``exempt`` (decisions table) and a non-empty staff ``exempt_reason`` (Decree 170/2025: a child
  under 36 months, pregnancy, an open disciplinary case …): never transferred, retrained nor
  retired early — the person is left alone.
* ``move`` (to ``to_unit``): a **forced transfer on the first decision date** (1 January of
  ``start_year``), what the same decision means in ``staffing solve`` on that date. It must satisfy
  every rule of §2 at that date except ``max_km`` — movable, no ``exempt_reason``, retirement later
  than the date + ``protect_years``, another unit of the same province (unless cross-province),
  the same position, and all forced moves together leave no pair below or above its quota
  (counted at that date) — else bad input naming the decisions row and the rule
  (`optimizer.reassign.decisions`' own checks). Its cost is the allowance for its km; the
  person is acted on then, so never again. The budget must cover the forced moves: one that
  does not is refused, naming ``budget_vnd``.

Forced moves are taken as done for the model: the *residual* staff has the movers in their new
unit (and never acting again), which gives the model exactly the room the rules leave the
others at the first date (the movers' departures and arrivals are inside the surplus and
shortage the checks proved); their costs, persons and metres are added to the objective.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.retirement import retirement_dates
from models.scenario import ScenarioError
from models.validation import ROW_COLUMN, DatasetError, Problem
from optimizer.reassign.decisions import apply_decisions
from optimizer.reassign.eligibility import distance_lookup
from optimizer.roadmap.timeline import allowance_vnd

__all__ = ["RoadmapDecisions", "roadmap_decisions", "FORCED_COLUMNS"]

FORCED_COLUMNS = ["staff_id", "from_unit", "to_unit", "position_code", "to_position_code", "k", "home_km", "km",
                  "cost_vnd", "metres", "decision", "decision_reason"]


@dataclass(frozen=True, eq=False)
class RoadmapDecisions:
    keep_ids: frozenset          # never transferred nor retrained
    exempt_ids: frozenset        # never transferred, retrained nor retired early
    forced: pd.DataFrame         # FORCED_COLUMNS: the move decisions, on the first date (k = 0)
    staff: pd.DataFrame          # the residual staff table: forced movers in their new unit

    @property
    def forced_totals(self) -> dict:
        f = self.forced
        return {"cost_vnd": float(f["cost_vnd"].sum()), "persons_acted": float(len(f)),
                "total_metres": float(f["metres"].sum())}


def _ids(ds, code: str) -> set:
    d = ds.decisions
    if d is None or d.empty:
        return set()
    return set(d.loc[d["decision"] == code, "staff_id"])


def exempt_by_reason(ds) -> set:
    """Staff with a non-empty ``exempt_reason`` (Decree 170/2025)."""
    st = ds.staff
    if "exempt_reason" not in st.columns:
        return set()
    return set(st.loc[st["exempt_reason"].fillna("").astype(str).str.strip() != "", "staff_id"])


def roadmap_decisions(ds, scenario, *, keep_ids=(), exempt_ids=()) -> RoadmapDecisions:
    """The decisions of the dataset (and the caller's ids) as the roadmap takes them."""
    keep = set(keep_ids) | _ids(ds, "keep")
    exempt = set(exempt_ids) | _ids(ds, "exempt") | exempt_by_reason(ds)
    forced = _forced_moves(ds, scenario)
    staff = ds.staff
    if len(forced):
        to = staff["staff_id"].map(forced.set_index("staff_id")["to_unit"])
        staff = staff.assign(unit_code=to.fillna(staff["unit_code"]))
    return RoadmapDecisions(keep_ids=frozenset(keep - exempt), exempt_ids=frozenset(exempt), forced=forced,
                            staff=staff)


def _forced_moves(ds, scenario) -> pd.DataFrame:
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in FORCED_COLUMNS})
    d = ds.decisions
    if d is None or d.empty or not (d["decision"] == "move").any():
        return empty
    t0 = pd.Timestamp(scenario.start_year, 1, 1)
    st = ds.staff
    retire = pd.Series(retirement_dates(st["birth_date"], st["gender"]).to_numpy(), index=st["staff_id"].to_numpy())
    moves = d.loc[d["decision"] == "move"]
    rows = moves[ROW_COLUMN].to_numpy() if ROW_COLUMN in moves.columns else np.arange(len(moves)) + 2
    gone = retire.reindex(moves["staff_id"]).to_numpy() < np.datetime64(t0)
    if gone.any():
        raise DatasetError([Problem("decisions", int(r), "staff_id", s,
                                    f"rule counted_at_first_date: retires on {pd.Timestamp(x):%Y-%m-%d}, "
                                    f"before the roadmap's first decision date {t0:%Y-%m-%d}")
                            for r, s, x in zip(rows[gone], moves["staff_id"][gone], retire.reindex(
                                moves["staff_id"]).to_numpy()[gone])], source="decisions")
    # the checks of `solve` on the first decision date, over the staff counted then
    here = ds.replace(staff=st.loc[(retire >= t0).to_numpy()].reset_index(drop=True))
    at_t0 = scenario.model_copy(update={"plan_date": t0.date(), "effective_date": None})
    f = apply_decisions(here, at_t0).forced
    if f.empty:
        return empty
    units = set(ds.units["unit_code"])
    home = f["staff_id"].map(st.set_index("staff_id")["home_unit_code"]) if "home_unit_code" in st.columns \
        else pd.Series("", index=f.index)
    home = home.where(home.isin(units), f["from_unit"])
    home_km, _ = distance_lookup(ds, home.to_numpy(), f["to_unit"].to_numpy())
    km = f["km"].to_numpy(float)
    out = pd.DataFrame({
        "staff_id": f["staff_id"].to_numpy(), "from_unit": f["from_unit"].to_numpy(), "to_unit": f["to_unit"].to_numpy(),
        "position_code": f["position_code"].to_numpy(), "to_position_code": f["position_code"].to_numpy(),
        "k": 0, "home_km": home_km, "km": km,
        "cost_vnd": allowance_vnd(km, scenario.allowance_tiers, scenario.allowance_months),
        "metres": np.rint(km * 1000), "decision": "move", "decision_reason": f["reason"].fillna("").to_numpy()})
    total = float(out["cost_vnd"].sum())
    if scenario.budget_vnd is not None and total > float(scenario.budget_vnd) + 1e-6:
        raise ScenarioError(
            f"budget_vnd {float(scenario.budget_vnd):,.0f} VND is below the cost of the {len(out)} transfer(s) "
            f"that the decisions table forces on {t0:%Y-%m-%d} ({total:,.0f} VND): raise the budget or "
            "withdraw a move decision", key="budget_vnd", value=scenario.budget_vnd)
    return out[FORCED_COLUMNS]
