"""The one-date reassignment, end to end: the `Plan` and the pipeline that makes it.

    read (models.io) → eligibility → flows → who goes → audit → officers → Plan → write (output)

`solve(ds, scenario)` runs the stages in order; each is a module of `optimizer.reassign`
(or `optimizer.officers`) with typed inputs and outputs. The `Plan` is what the writers
(`optimizer.output`), the comparison and the notebooks read (DESIGN.md lists its columns).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from models.dataset import Dataset
from models.scenario import Scenario, apply_quota_adjustment, check_province_codes, restrict_to_provinces
from optimizer.officers import PostingError, post_officers
from optimizer.reassign.audit import Violation, check_plan
from optimizer.reassign.conversions import build_conversion_eligibility
from optimizer.reassign.eligibility import Eligibility, build_eligibility
from optimizer.reassign.lexflow import solve_conversion_flows
from optimizer.reassign.network import solve_flows
from optimizer.reassign.retraining import retraining_summary
from optimizer.reassign.selection import choose_persons
from optimizer.summary import Summary, make_summary

__all__ = ["Plan", "PlanAuditError", "UNITS_AFTER_COLUMNS", "solve", "units_after_table"]


@dataclass(frozen=True, eq=False)
class Plan:
    scenario: Scenario                 # the settings it was made with
    transfers: pd.DataFrame            # one row per moved person ("6 rõ" columns, DESIGN.md)
    units_after: pd.DataFrame          # one row per (unit, position) with staff or quota
    summary: Summary | Mapping[str, Any]   # the figures (a Summary from `solve`)
    postings: pd.DataFrame | None = None       # officer postings, when the dataset has officers
    explanations: pd.DataFrame | None = None   # officers: one row per (province, need), covered or not
    note: str = ""                     # the dataset's label (SYNTHETIC ...), repeated in every output


#: The columns of `Plan.units_after`, in order (DESIGN.md); optimizer.output writes them.
UNITS_AFTER_COLUMNS: tuple[str, ...] = (
    "unit_code", "unit_name", "province_code", "province_name", "position_code",
    "position_name", "priority", "staff_before", "quota", "staff_after",
    "shortage_before", "surplus_before", "shortage_after", "surplus_after",
    "arrivals", "departures",
)


class PlanAuditError(RuntimeError):
    """The independent checker rejected a plan: a bug, never the planner's fault."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        head = "; ".join(str(v) for v in violations[:10])
        more = f" (and {len(violations) - 10} more)" if len(violations) > 10 else ""
        super().__init__(f"the plan failed its independent audit: {head}{more}")


def units_after_table(ds: Dataset, elig: Eligibility, transfers: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit, position) with staff or quota, before and after the plan."""
    p = elig.pairs
    key = ["unit_code", "position_code"]
    dep = transfers.groupby(["from_unit", "position_code"]).size().rename("departures")
    # a retrained person (CONTRACT.md §6) leaves position p and arrives in position q
    arrive_as = "to_position_code" if "to_position_code" in transfers.columns else "position_code"
    arr = transfers.groupby(["to_unit", arrive_as]).size().rename("arrivals")
    dep.index.names = key
    arr.index.names = key
    out = p.set_index(key).join(dep).join(arr).fillna({"departures": 0, "arrivals": 0}).reset_index()
    out["departures"] = out["departures"].astype("int64")
    out["arrivals"] = out["arrivals"].astype("int64")
    out["staff_after"] = out["staff_before"] - out["departures"] + out["arrivals"]
    diff = out["staff_after"] - out["quota"]
    out["shortage_before"] = out["shortage"]
    out["surplus_before"] = out["surplus"]
    out["shortage_after"] = (-diff).clip(lower=0)
    out["surplus_after"] = diff.clip(lower=0)
    units = ds.units.set_index("unit_code")
    out["unit_name"] = out["unit_code"].map(units["name"])
    out["province_name"] = out["province_code"].map(ds.provinces.set_index("province_code")["name"])
    out["position_name"] = out["position_code"].map(ds.positions.set_index("position_code")["name"])
    out = out.sort_values(key, kind="stable").reset_index(drop=True)
    return out[list(UNITS_AFTER_COLUMNS)]


def solve(ds: Dataset, scenario: Scenario, *, progress: Callable[[str], None] | None = None,
          check: bool = True) -> Plan:
    """The whole pipeline: eligibility → flows → persons → audit → officers.

    ``progress`` (optional) is called with the name of each stage as it starts:
    eligibility, model, selection, audit, officers.
    Raises PlanAuditError if the independent checker finds a violation (never expected).
    """
    say = progress or (lambda stage: None)
    timings: dict[str, float] = {}
    check_province_codes(ds, scenario)
    ds = apply_quota_adjustment(restrict_to_provinces(ds, scenario), scenario)

    t = time.perf_counter()
    say("eligibility")
    retraining = scenario.conversions   # CONTRACT.md §6: moves may retrain
    elig = (build_conversion_eligibility if retraining else build_eligibility)(ds, scenario)
    timings["eligibility"] = time.perf_counter() - t

    t = time.perf_counter()
    say("model")
    solve_fn = solve_conversion_flows if retraining else solve_flows
    res = solve_fn(elig, time_limit=float(scenario.time_limit), method=scenario.solver,
                   max_departures_per_unit=scenario.max_departures_per_unit,
                   max_arrivals_per_unit=scenario.max_arrivals_per_unit)
    timings["model"] = time.perf_counter() - t

    t = time.perf_counter()
    say("selection")
    transfers = choose_persons(ds, elig, res.flows, scenario)
    units_after = units_after_table(ds, elig, transfers)
    timings["selection"] = time.perf_counter() - t

    violations: list[Violation] = []
    if check:
        t = time.perf_counter()
        say("audit")
        violations = check_plan(ds, scenario, transfers, units_after)
        timings["audit"] = time.perf_counter() - t
        if violations:
            raise PlanAuditError(violations)

    postings = explanations = None
    officers_info = None
    if ds.has_officers:
        t = time.perf_counter()
        say("officers")
        short = units_after.groupby("province_code")["shortage_after"].sum()
        try:
            post = post_officers(ds, allow_home_province=scenario.allow_home_province,
                                 province_priority=short)
            postings = post.table
            explanations = post.explanations
            officers_info = {"status": post.status, "total_score": float(post.total_score),
                             "posted": int(len(post.table)),
                             "unposted": int(len(post.unposted)) if post.unposted is not None else 0,
                             "secondary_rule": post.secondary_rule}
        except PostingError as e:
            officers_info = {"status": "infeasible", "message": str(e)}
        timings["officers"] = time.perf_counter() - t

    summary = make_summary(ds, scenario, elig, res, transfers, units_after, violations, timings, officers_info)
    if retraining:
        summary = retraining_summary(summary, transfers)
    return Plan(scenario=scenario, transfers=transfers, units_after=units_after, summary=summary,
                postings=postings, explanations=explanations, note=ds.note)
