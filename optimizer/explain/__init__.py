"""Explanations of a plan (docs/contract.md §7): why posts stay unfilled and surplus stays
(`reasons`), what one more person or km is worth (`sensitivity`), what would help each province
most (`advice`), the leximin-fair plan (`fairness`) and the independent check of it all (`audit`).

`optimizer.plan.solve` calls `fair_flows` (with ``fairness = "leximin"``) and `explain_stage`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from optimizer.explain.advice import reasons_by_province, what_helps
from optimizer.explain.audit import RULE_NAMES, check_explanations
from optimizer.explain.fairness import FairResult, gini, solve_leximin, unit_shares
from optimizer.explain.reasons import (SURPLUS_LEFT_COLUMNS, UNFILLED_COLUMNS, Explanation,
                                       explain_plan)
from optimizer.explain.sensitivity import SENSITIVITY_COLUMNS, sensitivity_table

__all__ = ["PlanExplanation", "explain_stage", "fair_flows", "UNFILLED_COLUMNS", "SURPLUS_LEFT_COLUMNS",
           "SENSITIVITY_COLUMNS", "RULE_NAMES", "gini", "unit_shares"]


@dataclass(frozen=True, eq=False)
class PlanExplanation:
    unfilled: pd.DataFrame
    surplus_left: pd.DataFrame
    violations: list = field(default_factory=list)
    detailed: bool = False                          # explain = true or fairness = leximin
    sensitivity: pd.DataFrame | None = None
    by_province: pd.DataFrame | None = None
    helps: pd.DataFrame | None = None
    shares: pd.DataFrame | None = None              # unit_code, share (this plan), share_efficient
    fairness: dict | None = None
    summary: dict = field(default_factory=dict)     # extra summary.json figures (detailed only)


def fair_flows(elig, res, scenario) -> FairResult:
    """The leximin-fair flows with the efficient plan's weighted fill (``res`` is that plan)."""
    return solve_leximin(elig, res.flows, time_limit=float(scenario.time_limit),
                         max_departures_per_unit=scenario.max_departures_per_unit,
                         max_arrivals_per_unit=scenario.max_arrivals_per_unit)


def _shares_of_flows(elig, flows: pd.DataFrame) -> pd.Series:
    """Unit shortage shares of a plan given by its flows (the efficient plan, for comparison)."""
    key = ["unit_code", "position_code"]
    inflow = flows.groupby(["to_unit", "position_code"])["flow"].sum()
    inflow.index.names = key
    p = elig.pairs.set_index(key)
    after = (p["shortage"] - inflow.reindex(p.index).fillna(0)).clip(lower=0)
    return unit_shares(p.assign(shortage_after=after).reset_index())


def explain_stage(ds, scenario, elig, res, fair: FairResult | None, transfers: pd.DataFrame,
                  units_after: pd.DataFrame, *, check: bool = True) -> PlanExplanation:
    """Reasons (always), checked independently; with ``explain`` or fairness also sensitivity,
    advice per province, unit shares and the summary figures."""
    ex: Explanation = explain_plan(ds, scenario, elig, transfers, units_after)
    violations = []
    if check:
        violations = check_explanations(ds, scenario, transfers, ex,
                                        res.weighted_fill if fair is not None else None)
    detailed = scenario.explain or scenario.fairness != "none"
    if not detailed:
        return PlanExplanation(ex.unfilled, ex.surplus_left, violations)
    flows = res.flows if fair is None else fair.flows
    sens = sensitivity_table(ds, scenario, elig, flows, units_after)
    helps = what_helps(ds, scenario, elig, flows, ex.unfilled)
    shares = unit_shares(units_after).rename("share").to_frame()
    if fair is not None:
        shares["share_efficient"] = _shares_of_flows(elig, res.flows).reindex(shares.index)
    shares = shares.reset_index()
    extra = {"max_unit_shortage_share": round(float(shares["share"].max()), 6) if len(shares) else 0.0,
             "gini_unit_shortage_share": round(gini(shares["share"]), 6),
             "unfilled_by_reason": ex.unfilled.groupby("reason_code")["shortage_after"].sum().astype(int).to_dict(),
             "surplus_left_by_reason": ex.surplus_left.groupby("reason_code")["surplus_after"].sum().astype(int).to_dict(),
             "explain_check": {"passed": not violations, "rules": RULE_NAMES,
                               "violations": [str(v) for v in violations]}}
    fairness = None
    if fair is not None:
        eff = shares["share_efficient"]
        fairness = {"rule": "leximin", "status": fair.status, "levels": len(fair.levels), "milps": fair.milps,
                    "components": fair.components, "components_done": fair.components_done,
                    "efficient_max_unit_shortage_share": round(float(eff.max()), 6) if len(eff) else 0.0,
                    "efficient_gini_unit_shortage_share": round(gini(eff), 6),
                    "efficient_total_km": round(float(res.total_km), 3),
                    "weighted_fill": fair.weighted_fill, "efficient_weighted_fill": res.weighted_fill}
        extra["fairness_km_cost"] = round(float(fair.total_km - res.total_km), 3)
        extra["fairness"] = fairness
    return PlanExplanation(ex.unfilled, ex.surplus_left, violations, True, sens,
                           reasons_by_province(ex.unfilled), helps, shares, fairness, extra)
