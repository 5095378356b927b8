"""What `staffing roadmap` says on the terminal: the stage names and the lines of the result."""
from __future__ import annotations

__all__ = ["STAGE_LABELS", "result_lines", "conversions_warning"]

#: the progress display's words for each stage `plan_roadmap` reports
STAGE_LABELS = {"timeline": "persons, cohorts and costs by date", "model": "building the model",
                "end_surplus": "solving: (1) end surplus", "shortage_years": "solving: (2) shortage over the years",
                "cost_vnd": "solving: (3) cost", "persons_acted": "solving: (4) persons acted on",
                "total_metres": "solving: (5) kilometres", "persons": "choosing who acts",
                "audit": "independent audit"}


def conversions_warning(ds, scenario) -> str | None:
    """A warning when conversions are asked for and the dataset lists none."""
    if scenario.conversions and (ds.conversions is None or ds.conversions.empty):
        return ("--conversions: the dataset has no conversions table, so no one can be retrained; only "
                "same-position transfers are made")
    return None


def result_lines(rm) -> list[str]:
    """The roadmap's key figures: objective, counts by action, decisions, the data note."""
    s = rm.summary
    c = s["counts_by_action"]
    retrains = f", retrainings {c['retrain']:,}" if rm.scenario.conversions else ""
    lines = [f"End surplus {s['surplus_before']:,} → {s['end_surplus']:,}; weighted shortage summed over the "
             f"{len(s['per_date'])} dates {s['shortage_years']:,}; cost {s['cost_vnd']:,.0f} VND",
             f"Transfers {c['transfer']:,}{retrains}, early retirements {c['early_retirement']:,}, recruits "
             f"{c['recruit']:,}, natural retirements {c['retirement']:,}"]
    d = s.get("decisions") or {}
    if any(d.values()):
        lines.append(f"Decisions: {d['keep']:,} kept, {d['exempt']:,} exempt ({d['exempt_reason']:,} by "
                     f"exempt_reason), {d['forced_moves']:,} forced moves on the first date")
    if rm.note:
        lines.append(f"Note: {rm.note}")
    return lines
