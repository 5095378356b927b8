"""Benchmark of the roadmap (docs/contract.md §9): the national MIP against the "myopic" road.

Protocol
--------
* Instance: the shipped national dataset (``data/national``), the default roadmap scenario
  (2026–2030, same province, max_km 40, protect_years 2, recruitment from 2027, early
  retirement on, no budget) unless options say otherwise; one run, wall clock on this machine
  (shared and noisy: read ratios within one run rather than absolute seconds).
* Figures: time of each stage (timeline, model build, each objective stage, persons, audit,
  files), peak memory (ru_maxrss of this process), status, value, bound and gap of each
  objective component, the model's size (variables, constraints, binaries, integers, blocks).
* The myopic road: on each 1 January, `optimizer.plan.solve` (the one-date reassignment of
  §2) on the staff then in post (retired staff gone, earlier transfers applied); its end surplus
  and Σ priority · shortage over the dates, against the roadmap's — both the full roadmap and a
  roadmap with the myopic planner's only lever (transfers: no recruitment, no early retirement),
  which isolates the value of planning the years together.

Run:  python benchmarks/bench_roadmap.py [--province 33 ...] [--time-limit 600] [--no-myopic] [--transfers-only]
      [--json benchmarks/results/roadmap_national.json]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.io import default_dataset_path, read_dataset  # noqa: E402
from models.retirement import retirement_dates  # noqa: E402
from models.scenario import Scenario, restrict_to_provinces  # noqa: E402
from optimizer.plan import solve  # noqa: E402
from optimizer.roadmap import plan_roadmap  # noqa: E402
from optimizer.roadmap.files import write_roadmap  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def peak_workers_mib() -> float:
    """The largest peak of a finished child (the solver's forked workers share the parent's
    pages copy-on-write, so their RSS counts those shared pages again)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def myopic(ds, sc: Scenario) -> dict:
    """Year by year `solve` on the staff in post; transfers only (the one-date plan's lever)."""
    staff = ds.staff.copy()
    staff["retire"] = retirement_dates(staff["birth_date"], staff["gender"]).to_numpy()
    prio = ds.positions.set_index("position_code")["priority"]
    out = {"per_date": [], "moves": 0, "seconds": 0.0}
    moved = set()
    for year in range(sc.start_year, sc.end_year + 1):
        t = pd.Timestamp(year, 1, 1)
        here = staff.loc[staff["retire"] >= t]
        # a person is moved at most once over the horizon (as in the roadmap)
        here = here.assign(movable=here["movable"] & ~here["staff_id"].isin(moved))
        day = ds.replace(staff=here.drop(columns="retire"))
        s0 = time.perf_counter()
        plan = solve(day, sc.model_copy(update={"plan_date": t.date(), "time_limit": 60.0}), check=False)
        out["seconds"] += time.perf_counter() - s0
        tr = plan.transfers
        moved |= set(tr["staff_id"])
        out["moves"] += len(tr)
        staff.loc[staff["staff_id"].isin(tr["staff_id"]), "unit_code"] = staff["staff_id"].map(
            tr.set_index("staff_id")["to_unit"]).dropna()
        ua = plan.units_after
        out["per_date"].append({"date": str(t.date()), "surplus_after": int(ua["surplus_after"].sum()),
                                "shortage_after": int(ua["shortage_after"].sum()),
                                "weighted_shortage_after": int((ua["shortage_after"] * ua["priority"]).sum()),
                                "moves": int(len(tr))})
    out["end_surplus"] = out["per_date"][-1]["surplus_after"]
    out["shortage_years"] = sum(d["weighted_shortage_after"] for d in out["per_date"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--province", action="append", default=[])
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--budget-vnd", type=float, default=None)
    ap.add_argument("--no-myopic", action="store_true")
    ap.add_argument("--transfers-only", action="store_true",
                    help="also plan the roadmap with transfers only (no recruitment, no early retirement)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()

    t0 = time.perf_counter()
    ds = read_dataset(default_dataset_path())
    load = time.perf_counter() - t0
    sc = Scenario(provinces=args.province, time_limit=args.time_limit, budget_vnd=args.budget_vnd)
    stamps = []
    t1 = time.perf_counter()
    rm = plan_roadmap(ds, sc, progress=lambda s: stamps.append((s, time.perf_counter() - t1)))
    total = time.perf_counter() - t1
    with tempfile.TemporaryDirectory() as tmp:
        t2 = time.perf_counter()
        write_roadmap(rm, Path(tmp) / "road", provinces=ds.provinces)
        files = time.perf_counter() - t2
    s = rm.summary
    fig = {"recorded": f"{time.strftime('%Y-%m-%d')}, {' '.join(['python', 'benchmarks/bench_roadmap.py', *sys.argv[1:]])}, "
                       f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
           "dataset": str(default_dataset_path().name), "provinces": args.province or "all",
           "staff": int(len(ds.staff if not args.province else restrict_to_provinces(ds, sc).staff)),
           "load_seconds": round(load, 1), "roadmap_seconds": round(total, 1), "files_seconds": round(files, 1),
           "timings": s["timings"], "solver_stages": s["solver_stages"], "status": s["status"],
           "objective": s["objective"], "bound": s["bound"], "gap": s["gap"], "model_size": s["model_size"],
           "counts_by_action": s["counts_by_action"], "cost_by_lever": s["cost_by_lever"],
           "per_date": s["per_date"], "peak_rss_mib_after_roadmap": round(peak_mib())}
    print(json.dumps(fig, ensure_ascii=False, indent=1))
    if not args.no_myopic:
        m = myopic(ds if not args.province else restrict_to_provinces(ds, sc), sc)
        fig["myopic"] = m
        both = {"myopic": m, "roadmap": {"end_surplus": s["end_surplus"], "shortage_years": s["shortage_years"]}}
        if args.transfers_only:
            t3 = time.perf_counter()
            only = plan_roadmap(ds, sc.model_copy(update={"recruit": False, "early_retirement": False}))
            fig["roadmap_transfers_only"] = both["roadmap_transfers_only"] = {
                "status": only.summary["status"], "gap": only.summary["gap"],
                "end_surplus": only.summary["end_surplus"], "shortage_years": only.summary["shortage_years"],
                "transfers": only.summary["counts_by_action"].get("transfer", 0),
                "seconds": round(time.perf_counter() - t3, 1)}
        print(json.dumps(both, indent=1))
    fig["peak_rss_mib"] = round(peak_mib())
    fig["peak_rss_mib_solver_workers"] = round(peak_workers_mib())
    print("peak RSS MiB", fig["peak_rss_mib"], "(solver workers:", fig["peak_rss_mib_solver_workers"], ")")
    if args.json:
        args.json.write_text(json.dumps(fig, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
