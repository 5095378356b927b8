"""The roadmap to the quota, 2026–2030 (docs/contract.md §9): `plan_roadmap(ds, scenario) -> Roadmap`.

    timeline (persons, cohorts, costs) → model (the MIP, stage by stage) → persons (who acts)
    → audit (independent replay) → Roadmap (actions, units_by_year, summary)

`optimizer.roadmap.files.write_roadmap(roadmap, out)` writes the files of §9.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimizer.roadmap.audit import RULE_NAMES, audit_roadmap
from optimizer.roadmap.decisions import exempt_by_reason, roadmap_decisions
from optimizer.roadmap.model import COMPONENTS, ModelResult, solve_model
from optimizer.roadmap.persons import ACTION_COLUMNS, describe, name_actions, units_by_year
from optimizer.roadmap.timeline import build_timeline, pairs_of

__all__ = ["Roadmap", "RoadmapAuditError", "plan_roadmap", "COMPONENTS"]

LEVERS = ("transfer", "retrain", "early_retirement", "recruit")


@dataclass(frozen=True, eq=False)
class Roadmap:
    scenario: Any
    actions: pd.DataFrame          # one row per action (ACTION_COLUMNS), natural retirements included
    units_by_year: pd.DataFrame    # one row per (unit, position, decision date) with staff or quota
    summary: dict                  # JSON-ready (see make_summary)
    note: str = ""
    model: ModelResult | None = None


class RoadmapAuditError(RuntimeError):
    """The independent audit rejected a roadmap: a bug, never the planner's fault."""

    def __init__(self, violations):
        self.violations = violations
        head = "; ".join(str(v) for v in violations[:10])
        more = f" (and {len(violations) - 10} more)" if len(violations) > 10 else ""
        super().__init__(f"the roadmap failed its independent audit: {head}{more}")


def plan_roadmap(ds, scenario, *, progress=None, keep_ids=(), exempt_ids=(), check: bool = True,
                 solver: str = "highs") -> Roadmap:
    """The whole roadmap. ``progress(stage)`` is told each stage as it starts: timeline, model,
    end_surplus … total_metres (the solver's stages), persons, audit.

    ``keep_ids`` / ``exempt_ids``: staff never transferred / never transferred nor retired early,
    besides the dataset's own decisions and ``exempt_reason`` (docs/contract.md §8; see
    optimizer.roadmap.decisions, which also takes ``move`` decisions as forced transfers on the
    first date). With ``scenario.conversions`` transfers may retrain along the dataset's
    conversions (optimizer.roadmap.retrain). Raises RoadmapAuditError if the audit fails.
    """
    from models.scenario import apply_quota_adjustment, restrict_to_provinces

    say = progress or (lambda s: None)
    timings = {}
    ds = apply_quota_adjustment(restrict_to_provinces(ds, scenario), scenario)
    t = time.perf_counter()
    say("timeline")
    dec = roadmap_decisions(ds, scenario, keep_ids=keep_ids, exempt_ids=exempt_ids)
    forced_ids = set(dec.forced["staff_id"])
    residual = ds.replace(staff=dec.staff) if forced_ids else ds
    tl = build_timeline(residual, scenario, keep_ids=dec.keep_ids, exempt_ids=dec.exempt_ids | forced_ids)
    timings["timeline"] = time.perf_counter() - t
    t = time.perf_counter()
    say("model")
    model_sc = scenario
    if forced_ids and scenario.budget_vnd is not None:      # the forced moves are paid first
        model_sc = scenario.model_copy(update={"budget_vnd": float(scenario.budget_vnd)
                                               - dec.forced_totals["cost_vnd"]})
    res = solve_model(tl, residual, model_sc, time_limit=float(scenario.time_limit), solver=solver, progress=say)
    if forced_ids:
        _add_forced(res, dec.forced_totals)
    timings["model"] = time.perf_counter() - t
    t = time.perf_counter()
    say("persons")
    actions = name_actions(ds, tl, res, scenario, forced=dec.forced if forced_ids else None)
    # the yearly counts from where everyone works before any action (forced movers included)
    by_year = units_by_year(ds, _at_home(tl, ds) if forced_ids else tl, actions)
    actions = describe(ds, actions, by_year)
    timings["persons"] = time.perf_counter() - t
    violations, recomputed = [], None
    if check:
        t = time.perf_counter()
        say("audit")
        violations, recomputed = audit_roadmap(ds, scenario, actions, res.values, keep_ids=keep_ids,
                                               exempt_ids=exempt_ids)
        timings["audit"] = time.perf_counter() - t
        if violations:
            raise RoadmapAuditError(violations)
    summary = make_summary(ds, scenario, tl, res, actions, by_year, violations, timings)
    summary["decisions"] = {"keep": len(dec.keep_ids), "exempt": len(dec.exempt_ids),
                            "exempt_reason": len(exempt_by_reason(ds)), "forced_moves": len(forced_ids)}
    return Roadmap(scenario=scenario, actions=actions[ACTION_COLUMNS + ["months_early", "home_km"]],
                   units_by_year=by_year, summary=summary, note=ds.note, model=res)


def _add_forced(res: ModelResult, totals: dict) -> None:
    """The forced moves' cost, persons and metres added to the model's components and bounds."""
    for name, v in totals.items():
        res.values[name] = res.values[name] + v
        if res.bounds.get(name) is not None:
            res.bounds[name] = res.bounds[name] + v
            res.gaps[name] = (res.values[name] - res.bounds[name]) / max(1.0, abs(res.values[name]))
    for st in res.stages:
        if st["component"] in totals:
            st.update(value=res.values[st["component"]], bound=res.bounds[st["component"]],
                      gap=res.gaps.get(st["component"]))


def _at_home(tl, ds):
    """The timeline with every person at the unit of the staff table (before forced moves)."""
    unit = tl.persons["staff_id"].map(ds.staff.set_index("staff_id")["unit_code"])
    persons = tl.persons.assign(unit_code=unit.to_numpy())
    return dataclasses.replace(tl, persons=persons, pairs=pairs_of(ds, persons, tl.K))


def _r(x, nd=6):
    return None if x is None else round(float(x), nd)


def make_summary(ds, scenario, tl, res: ModelResult, actions, by_year, violations, timings) -> dict:
    a = actions
    acts = a.loc[a["action"] != "retirement"]
    per_date = []
    for d, g in by_year.groupby("date", sort=True):
        day = a.loc[a["date"] == d]
        per_date.append({
            "date": d, "quota": int(g["quota"].sum()), "staff_pre": int(g["staff_pre"].sum()),
            "staff_after": int(g["staff_after"].sum()),
            "surplus_after": int(g["surplus_after"].sum()), "shortage_after": int(g["shortage_after"].sum()),
            "weighted_shortage_after": int((g["shortage_after"] * g["priority"]).sum()),
            **{f"{lever}s": int((day["action"] == lever).sum()) for lever in LEVERS},
            "cost_vnd": float(day["cost_vnd"].fillna(0).sum()),
        })
    years = a.assign(year=a["date"].str[:4])
    counts_by_year = {str(y): {k: int(v) for k, v in g["action"].value_counts().sort_index().items()}
                      for y, g in years.groupby("year", sort=True)}
    first = by_year.loc[by_year["date"] == by_year["date"].min()]
    persons = tl.persons
    stage = next((s for s in res.stages if s.get("status") != "optimal"), None)
    return {
        "status": res.status,
        "end_surplus": int(round(res.values["end_surplus"])),
        "shortage_years": int(round(res.values["shortage_years"])),
        "cost_vnd": float(res.values["cost_vnd"]),
        "persons_acted": int(round(res.values["persons_acted"])),
        "total_km": round(res.values["total_metres"] / 1000.0, 3),
        "objective": {k: _r(v, 3) for k, v in res.values.items()},
        "bound": {k: _r(v, 3) for k, v in res.bounds.items()},
        "gap": {k: _r(v) for k, v in res.gaps.items()},
        "stopped_on": stage["component"] if stage else None,
        "surplus_before": int((first["staff_pre"] - first["quota"]).clip(lower=0).sum()),
        "shortage_before": int((first["quota"] - first["staff_pre"]).clip(lower=0).sum()),
        "per_date": per_date,
        "cost_by_lever": {lever: float(acts.loc[acts["action"] == lever, "cost_vnd"].sum()) for lever in LEVERS},
        "counts_by_action": {k: int((a["action"] == k).sum()) for k in (*LEVERS, "retirement")},
        "counts_by_action_and_year": counts_by_year,
        "insurance_years_estimated": int(persons["insurance_estimated"].sum()),
        "salary_defaulted": int(persons["salary_default"].sum()),
        "solver": res.solver,
        "solver_stages": res.stages,
        "model_size": res.size,
        "solve_seconds": round(res.solve_seconds, 3),
        "build_seconds": round(res.build_seconds, 3),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "check": {"passed": not violations, "rules": RULE_NAMES, "violations": [str(v) for v in violations]},
        "scenario": {**scenario.to_dict(),
                     "dataset": scenario.dataset.name if scenario.dataset else None},
        "dataset": ds.source.name if ds.source else None,
        "data_note": ds.note,
    }
