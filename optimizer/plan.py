"""The finished plan: what export, report, compare and notebooks read (see DESIGN.md)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True, eq=False)
class Plan:
    scenario: Any                      # models.scenario.Scenario
    transfers: pd.DataFrame            # one row per moved person ("6 rõ" columns, DESIGN.md)
    units_after: pd.DataFrame          # one row per (unit, position) with staff or quota
    summary: dict                      # JSON-ready figures (DESIGN.md lists the keys)
    postings: pd.DataFrame | None = None       # officer postings, when the dataset has officers
    explanations: pd.DataFrame | None = None   # officers: one row per (province, need), covered or not
    note: str = ""                     # the dataset's label (SYNTHETIC ...), repeated in every output


#: The columns of `Plan.units_after`, in order (DESIGN.md); optimizer.output.tables writes them.
UNITS_AFTER_COLUMNS: tuple[str, ...] = (
    "unit_code", "unit_name", "province_code", "province_name", "position_code",
    "position_name", "priority", "staff_before", "quota", "staff_after",
    "shortage_before", "surplus_before", "shortage_after", "surplus_after",
    "arrivals", "departures",
)


class PlanAuditError(RuntimeError):
    """The independent checker rejected a plan: a bug, never the planner's fault."""

    def __init__(self, violations):
        self.violations = violations
        head = "; ".join(str(v) for v in violations[:10])
        more = f" (and {len(violations) - 10} more)" if len(violations) > 10 else ""
        super().__init__(f"the plan failed its independent audit: {head}{more}")


def units_after_table(ds, elig, transfers: pd.DataFrame) -> pd.DataFrame:
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


def _scenario_dict(scenario) -> dict:
    d = scenario.model_dump(mode="json") if hasattr(scenario, "model_dump") else dict(vars(scenario))
    return {k: (str(v) if not isinstance(v, (int, float, bool, str, type(None), dict, list)) else v)
            for k, v in d.items()}


def solve(ds, scenario, *, progress=None, check: bool = True) -> Plan:
    """The whole pipeline: eligibility → flows → persons → audit → officers.

    ``progress`` (optional) is called with the name of each stage as it starts:
    eligibility, model, selection, audit, officers.
    Raises PlanAuditError if the independent checker finds a violation (never expected).
    """
    import time

    from models.scenario import apply_quota_adjustment, restrict_to_provinces
    from optimizer.reassign.audit import check_plan
    from optimizer.reassign.conversions import build_conversion_eligibility
    from optimizer.reassign.eligibility import build_eligibility
    from optimizer.reassign.lexflow import solve_conversion_flows
    from optimizer.reassign.network import solve_flows
    from optimizer.reassign.selection import choose_persons

    say = progress or (lambda stage: None)
    timings = {}
    ds = apply_quota_adjustment(restrict_to_provinces(ds, scenario), scenario)

    t = time.perf_counter()
    say("eligibility")
    retraining = bool(getattr(scenario, "conversions", False))   # CONTRACT.md §6
    elig = (build_conversion_eligibility if retraining else build_eligibility)(ds, scenario)
    timings["eligibility"] = time.perf_counter() - t

    t = time.perf_counter()
    say("model")
    res = (solve_conversion_flows if retraining else solve_flows)(elig, time_limit=float(scenario.time_limit), method=getattr(scenario, "solver", "auto"),
                      max_departures_per_unit=getattr(scenario, "max_departures_per_unit", None),
                      max_arrivals_per_unit=getattr(scenario, "max_arrivals_per_unit", None))
    timings["model"] = time.perf_counter() - t

    t = time.perf_counter()
    say("selection")
    transfers = choose_persons(ds, elig, res.flows, scenario)
    units_after = units_after_table(ds, elig, transfers)
    timings["selection"] = time.perf_counter() - t

    violations = []
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
        from optimizer.officers import PostingError, post_officers
        short = units_after.groupby("province_code")["shortage_after"].sum()
        try:
            post = post_officers(ds, allow_home_province=bool(getattr(scenario, "allow_home_province", False)),
                                 province_priority=short)
            postings = post.table
            explanations = getattr(post, "explanations", None)
            officers_info = {"status": post.status, "total_score": float(post.total_score),
                             "posted": int(len(post.table)),
                             "unposted": int(len(post.unposted)) if post.unposted is not None else 0,
                             "secondary_rule": post.secondary_rule}
        except PostingError as e:
            officers_info = {"status": "infeasible", "message": str(e)}
        timings["officers"] = time.perf_counter() - t

    summary = make_summary(ds, scenario, elig, res, transfers, units_after, violations, timings, officers_info)
    if retraining:
        from optimizer.reassign.retraining import retraining_summary
        summary = retraining_summary(summary, transfers)
    return Plan(scenario=scenario, transfers=transfers, units_after=units_after, summary=summary,
                postings=postings, explanations=explanations, note=ds.note)


def make_summary(ds, scenario, elig, res, transfers, units_after, violations, timings, officers_info) -> dict:
    from optimizer.reassign.audit import RULE_NAMES

    def r(x, nd=3):
        return None if x is None or x != x else round(float(x), nd)

    ua = units_after
    shortage_before = int(ua["shortage_before"].sum())
    shortage_after = int(ua["shortage_after"].sum())
    filled = shortage_before - shortage_after
    moves = int(len(transfers))
    total_km = float(transfers["km"].sum()) if moves else 0.0
    weighted_before = int((ua["shortage_before"] * ua["priority"]).sum())
    weighted_after = int((ua["shortage_after"] * ua["priority"]).sum())
    unit_short_before = ua.groupby("unit_code")["shortage_before"].sum()
    unit_short_after = ua.groupby("unit_code")["shortage_after"].sum()
    return {
        "status": res.status,
        "method": res.method,
        "shortage_before": shortage_before,
        "shortage_after": shortage_after,
        "weighted_shortage_before": weighted_before,
        "weighted_shortage_after": weighted_after,
        "surplus_before": int(ua["surplus_before"].sum()),
        "surplus_after": int(ua["surplus_after"].sum()),
        "moves": moves,
        "total_km": round(total_km, 3),
        "mean_km": round(total_km / moves, 3) if moves else 0.0,
        "ceiling": int(elig.ceiling),
        "ceiling_weighted": int(elig.ceiling_weighted),
        "ceiling_fill_rate": r(filled / elig.ceiling, 4) if elig.ceiling else 1.0,
        "fill_rate": r(filled / shortage_before, 4) if shortage_before else 1.0,
        "units_short_before": int((unit_short_before > 0).sum()),
        "units_short_after": int((unit_short_after > 0).sum()),
        "objective": {"weighted_shortage_after": weighted_after, "total_km": round(total_km, 3)},
        "bound": {"weighted_shortage_after": r(weighted_before - res.weighted_fill_bound),
                  "total_km": r(res.km_bound)},
        "gap": r(res.gap, 6),
        "solve_seconds": round(res.solve_seconds, 3),
        "build_seconds": round(res.build_seconds, 3),
        "eligible_arcs": int(len(elig.arcs)),
        "solver_stages": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in st.items()}
                          for st in res.stages],
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "check": {"passed": not violations, "rules": RULE_NAMES, "violations": [str(v) for v in violations]},
        "scenario": _scenario_dict(scenario),
        "dataset": str(ds.source) if ds.source else None,
        "data_note": ds.note,
        "officers": officers_info,
    }
