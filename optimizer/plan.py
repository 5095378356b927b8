"""The one-date reassignment, end to end: the `Plan` and the pipeline that makes it.

    read (models.io) → eligibility → flows → who goes → audit → officers → Plan → write (output)

`solve(ds, scenario)` runs the stages in order; each is a module of `optimizer.reassign`
(or `optimizer.officers`) with typed inputs and outputs. The `Plan` is what the writers
(`optimizer.output`), the comparison and the notebooks read (DESIGN.md lists its columns).
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from models.dataset import Dataset
from models.plausibility import implausible, warning_records
from models.scenario import (Scenario, ScenarioError, apply_quota_adjustment, check_province_codes,
                             restrict_to_provinces)
from optimizer.explain import PlanExplanation, explain_stage, fair_flows
from optimizer.officers import PostingError, post_officers
from optimizer.reassign.audit import Violation, check_plan
from optimizer.reassign.conversions import build_conversion_eligibility
from optimizer.reassign.eligibility import Eligibility, build_eligibility
from optimizer.reassign.lexflow import solve_conversion_flows
from optimizer.reassign.loop import in_play, solve_in_loop
from optimizer.reassign.network import solve_flows
from optimizer.reassign.retraining import retraining_summary
from optimizer.reassign.selection import choose_persons
from optimizer.status import Status
from optimizer.summary import Summary, make_summary

__all__ = ["Plan", "PlanAuditError", "UNITS_AFTER_COLUMNS", "solve", "units_after_table"]


@dataclass(frozen=True, eq=False)
class Plan:
    scenario: Scenario                 # the settings it was made with
    transfers: pd.DataFrame            # one row per moved person ("6 rõ" columns, DESIGN.md)
    units_after: pd.DataFrame          # one row per (unit, position) with staff or quota
    summary: Summary | Mapping[str, Any]   # the figures (a Summary from `solve`)
    postings: pd.DataFrame | None = None       # officer postings, when the dataset has officers
    changes: pd.DataFrame | None = None        # against a baseline plan: what changed and why (§8)
    explanations: pd.DataFrame | None = None   # officers: one row per (province, need), covered or not
    note: str = ""                     # the dataset's label (SYNTHETIC ...), repeated in every output
    #: why posts stay unfilled / surplus stays, and (when asked) sensitivity, advice, fairness
    explain: PlanExplanation | None = None


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
    # a retrained person (docs/contract.md §6) leaves position p and arrives in position q
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
          check: bool = True, baseline: pd.DataFrame | None = None,
          on_chosen: Callable[[pd.DataFrame, pd.DataFrame], None] | None = None) -> Plan:
    """The whole pipeline: eligibility → flows → persons → audit → officers.

    ``progress`` (optional) is called with the name of each stage as it starts:
    eligibility, model, selection, audit, officers.
    Raises PlanAuditError if the independent checker finds a violation (never expected).
    With decisions, wishes (tables of ``ds``) or a ``baseline`` (an earlier plan's transfers:
    staff_id, to_unit), the model and the selection are `optimizer.reassign.loop`'s (§8).
    ``on_chosen`` (optional) is called with the plan's transfers and units after as soon as they
    are chosen, before the audit: `staffing solve --out` starts drawing the report's figures then.
    """
    say = progress or (lambda stage: None)
    timings: dict[str, float] = {}
    check_province_codes(ds, scenario)
    warnings = implausible(ds, scenario.plan_date)   # of the dataset as given (docs/contract.md §4)
    ds = apply_quota_adjustment(restrict_to_provinces(ds, scenario), scenario)

    loop = fair = None
    retraining = scenario.conversions   # docs/contract.md §6
    if in_play(ds, baseline):   # decisions, wishes, baseline (docs/contract.md §8)
        if scenario.fairness == "leximin" or retraining:
            raise ScenarioError("fairness = leximin and conversions cannot yet be combined with decisions, "
                                "wishes or a baseline (docs/contract.md §6–§8): run those plans without them",
                                key="fairness" if scenario.fairness == "leximin" else "conversions",
                                value=scenario.fairness if scenario.fairness == "leximin" else True)
        t = time.perf_counter()
        say("model")
        loop = solve_in_loop(ds, scenario, baseline)
        elig, res, transfers = loop.elig, loop.result, loop.transfers
        units_after = units_after_table(ds, elig, transfers)
        timings["model"] = time.perf_counter() - t
    else:
        t = time.perf_counter()
        say("eligibility")
        elig = (build_conversion_eligibility if retraining else build_eligibility)(ds, scenario)
        timings["eligibility"] = time.perf_counter() - t

        t = time.perf_counter()
        say("model")
        solve_fn = solve_conversion_flows if retraining else solve_flows
        res = solve_fn(elig, time_limit=float(scenario.time_limit), method=scenario.solver,
                       max_departures_per_unit=scenario.max_departures_per_unit,
                       max_arrivals_per_unit=scenario.max_arrivals_per_unit)
        timings["model"] = time.perf_counter() - t

        if scenario.fairness == "leximin":
            t = time.perf_counter()
            say("fairness")
            fair = fair_flows(elig, res, scenario)
            timings["fairness"] = time.perf_counter() - t

        t = time.perf_counter()
        say("selection")
        transfers = choose_persons(ds, elig, res.flows if fair is None else fair.flows, scenario)
        units_after = units_after_table(ds, elig, transfers)
        timings["selection"] = time.perf_counter() - t

    if on_chosen is not None:
        on_chosen(transfers, units_after)
    violations: list[Violation] = []
    if check:
        t = time.perf_counter()
        say("audit")
        violations = check_plan(ds, scenario, transfers, units_after)
        timings["audit"] = time.perf_counter() - t
        if violations:
            raise PlanAuditError(violations)

    t = time.perf_counter()
    say("explain")
    # The reasons of §7 and their audit read same-position moves on the problem as given. With
    # retraining (§6) or the planner's decisions, wishes or a baseline (§8) they are still written,
    # read on that basis, but not audited: the summary says so (`explain_note`).
    plain = loop is None and not retraining
    explain = explain_stage(ds, scenario, elig, res, fair, transfers, units_after, check=check and plain)
    timings["explain"] = time.perf_counter() - t
    if explain.violations:
        raise PlanAuditError(explain.violations)

    postings = explanations = None
    officers_info = None
    if ds.has_officers:
        t = time.perf_counter()
        say("officers")
        try:
            # the secondary rule's default (shortage before the plan), as `staffing officers` uses
            post = post_officers(ds, allow_home_province=scenario.allow_home_province)
            postings = post.table
            explanations = post.explanations
            officers_info = {"status": post.status, "total_score": float(post.total_score),
                             "posted": int(len(post.table)),
                             "unposted": int(len(post.unposted)) if post.unposted is not None else 0,
                             "secondary_rule": post.secondary_rule}
        except PostingError as e:
            officers_info = {"status": "infeasible", "message": str(e)}
        timings["officers"] = time.perf_counter() - t

    if fair is not None:   # the figures are the fair plan's; stage 1 is the efficient optimum's
        res = dataclasses.replace(res, flows=fair.flows, status=Status.OPTIMAL if fair.status == "optimal"
                                  else Status.FEASIBLE, total_km=fair.total_km,
                                  km_bound=fair.total_km if fair.status == "optimal" else float("nan"))
    summary = make_summary(ds, scenario, elig, res, transfers, units_after, violations, timings, officers_info)
    summary = dataclasses.replace(summary, extras={**summary.extras, "warnings": warning_records(warnings)})
    if retraining:
        summary = retraining_summary(summary, transfers)
    if loop is not None:   # the §8 figures (baseline_kept, voluntary_moves, ...)
        summary = dataclasses.replace(summary, extras={**summary.extras, **loop.summary})
    if explain.summary:
        summary = dataclasses.replace(summary, extras={**summary.extras, **explain.summary})
    if not plain:
        summary = dataclasses.replace(summary, extras={**summary.extras, "explain_note": (
            "unfilled.csv and surplus_left.csv read same-position moves on the problem left after the "
            "planner's decisions; with retraining or decisions they are not audited")})
    return Plan(scenario=scenario, transfers=transfers, units_after=units_after, summary=summary,
                postings=postings, explanations=explanations, note=ds.note,
                changes=loop.changes if loop is not None else None, explain=explain)
