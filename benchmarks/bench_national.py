"""National benchmark: the exact plan against the planners' greedy rule and a person-level CP-SAT model.

Protocol
--------
* Instance: the shipped national dataset (``data/national``), default scenario
  (same province, protect_years 2, plan date 2026-01-01), at several ``max_km``.
* For each max_km: time load (once), eligibility + model build, solve, choose persons + audit,
  write (CSV, JSON, xlsx) — one run each, wall clock on this machine; the machine is shared and
  noisy, so read ratios within one run rather than absolute seconds.
* Peers on the same eligible arcs:
  (a) ``greedy``: the spreadsheet rule — shortages in the order of the quotas file, each filled from the nearest
      surplus unit with spare staff of the same position, within the same limits;
  (b) ``person_cpsat``: one boolean per (movable person × eligible destination), CP-SAT with the
      lexicographic objective folded into one integer weight (fill × BIG − metres), under a time
      limit (``--cpsat-limit``, default 30 s), reporting its own bound and gap.
* Columns: fill (shortage filled), weighted shortage after, total km, seconds, gap.

Run:  python benchmarks/bench_national.py [--max-km 10,20,40,80] [--cpsat-limit 30] [--no-peers]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.io import default_dataset_path, read_dataset  # noqa: E402
from models.scenario import Scenario  # noqa: E402
from optimizer.reassign.eligibility import build_eligibility  # noqa: E402
from optimizer.reassign.network import solve_flows  # noqa: E402


def greedy(elig, ds) -> dict:
    """Each shortage, in the order of the quotas file, takes from the nearest surplus with spare staff."""
    t = time.perf_counter()
    arcs = elig.arcs.sort_values(["to_unit", "position_code", "km", "from_unit"], kind="stable")
    by_dst = {k: g[["from_unit", "km"]].to_numpy() for k, g in arcs.groupby(["to_unit", "position_code"], sort=False)}
    supply = {(u, p): s for u, p, s in elig.arcs[["from_unit", "position_code", "supply"]].drop_duplicates(
        ["from_unit", "position_code"]).itertuples(index=False)}
    prio = elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"].to_dict()
    filled = wfill = 0
    km = 0.0
    order = ds.quotas[["unit_code", "position_code"]].reset_index(drop=True).reset_index(names="file_row")
    short = (elig.pairs.loc[elig.pairs["shortage"] > 0]
             .merge(order, on=["unit_code", "position_code"], how="left").sort_values("file_row", kind="stable"))
    for v, p, need in short[["unit_code", "position_code", "shortage"]].itertuples(index=False):
        for u, d in by_dst.get((v, p), ()):
            if need == 0:
                break
            take = min(need, supply[(u, p)])
            if take:
                supply[(u, p)] -= take
                need -= take
                filled += take
                wfill += take * prio[p]
                km += take * float(d)
    return {"fill": filled, "weighted_fill": wfill, "total_km": km, "seconds": time.perf_counter() - t,
            "status": "heuristic", "gap": None}


def person_cpsat(elig, limit: float) -> dict:
    """One boolean per (movable person, eligible destination)."""
    from ortools.sat.python import cp_model

    t = time.perf_counter()
    staff = elig.staff.loc[elig.staff["may_move"], ["staff_id", "unit_code", "position_code"]]
    pv = staff.merge(elig.arcs, left_on=["unit_code", "position_code"], right_on=["from_unit", "position_code"])
    prio = pv["position_code"].map(elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"])
    metres = np.rint(pv["km"].to_numpy() * 1000).astype(np.int64)
    big = int(metres.sum()) + 1
    m = cp_model.CpModel()
    x = [m.new_bool_var("") for _ in range(len(pv))]
    for idx in pv.groupby("staff_id").indices.values():
        if len(idx) > 1:
            m.add_at_most_one(x[i] for i in idx)
    for (u, p), idx in pv.groupby(["from_unit", "position_code"]).indices.items():
        m.add(sum(x[i] for i in idx) <= int(pv["supply"].iloc[idx[0]]))
    for (v, p), idx in pv.groupby(["to_unit", "position_code"]).indices.items():
        m.add(sum(x[i] for i in idx) <= int(pv["shortage"].iloc[idx[0]]))
    coef = prio.to_numpy(dtype=np.int64) * big - metres
    m.maximize(sum(int(c) * xi for c, xi in zip(coef, x)))
    build = time.perf_counter() - t
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = limit
    s.parameters.num_workers = 2
    st = s.solve(m)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"fill": 0, "weighted_fill": 0, "total_km": 0.0, "seconds": time.perf_counter() - t,
                "status": s.status_name(st), "gap": None, "variables": len(pv)}
    val = np.array([s.value(xi) for xi in x], dtype=bool)
    obj, bound = s.objective_value, s.best_objective_bound
    return {"fill": int(val.sum()), "weighted_fill": int(prio.to_numpy()[val].sum()),
            "total_km": float(pv["km"].to_numpy()[val].sum()), "seconds": time.perf_counter() - t,
            "build_seconds": build, "status": s.status_name(st).lower(),
            "gap": abs(bound - obj) / max(1.0, abs(obj)), "variables": len(pv)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", nargs="?", default=None)
    ap.add_argument("--max-km", default="10,20,40,80")
    ap.add_argument("--cpsat-limit", type=float, default=30.0)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)

    from optimizer.reassign.audit import check_plan
    from optimizer.output.plan_files import write_plan
    from optimizer.plan import Plan, units_after_table
    from optimizer.summary import make_summary
    from optimizer.reassign.selection import choose_persons

    t = time.perf_counter()
    ds = read_dataset(Path(args.dataset) if args.dataset else default_dataset_path())
    load = time.perf_counter() - t
    print(f"dataset: {ds.source}  ({len(ds.units):,} units, {len(ds.staff):,} staff)  load+validate {load:.2f} s")
    print(f"note: {ds.note}")
    rows = []
    for max_km in [float(x) for x in args.max_km.split(",")]:
        scen = Scenario(max_km=max_km)
        t0 = time.perf_counter()
        elig = build_eligibility(ds, scen)
        t_elig = time.perf_counter() - t0
        res = solve_flows(elig)
        t1 = time.perf_counter()
        transfers = choose_persons(ds, elig, res.flows, scen)
        ua = units_after_table(ds, elig, transfers)
        t_sel = time.perf_counter() - t1
        t2 = time.perf_counter()
        viol = check_plan(ds, scen, transfers, ua)
        t_audit = time.perf_counter() - t2
        summary = make_summary(ds, scen, elig, res, transfers, ua, viol, {}, None)
        t3 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            write_plan(Plan(scen, transfers, ua, summary, None, None, ds.note), Path(tmp))
        t_write = time.perf_counter() - t3
        total = load + t_elig + res.build_seconds + res.solve_seconds + t_sel + t_audit + t_write
        filled = summary["shortage_before"] - summary["shortage_after"]
        rows.append({"max_km": max_km, "method": "exact (min-cost flow)", "fill": filled,
                     "fill_rate": summary["fill_rate"], "ceiling": summary["ceiling"],
                     "weighted_short_after": summary["weighted_shortage_after"],
                     "total_km": round(res.total_km, 1), "seconds": round(res.build_seconds + res.solve_seconds, 3),
                     "gap": 0.0, "arcs": len(elig.arcs)})
        print(f"\nmax_km={max_km:g}: arcs {len(elig.arcs):,}; eligibility {t_elig:.2f} s, build {res.build_seconds:.2f} s, "
              f"solve {res.solve_seconds:.2f} s, persons {t_sel:.2f} s, audit {t_audit:.2f} s "
              f"({'passed' if not viol else f'{len(viol)} violations'}), write {t_write:.2f} s; "
              f"end to end {total:.2f} s; status {res.status}")
        if args.no_peers:
            continue
        wb = summary["weighted_shortage_before"]
        g = greedy(elig, ds)
        rows.append({"max_km": max_km, "method": "greedy (nearest, file order)", "fill": g["fill"],
                     "fill_rate": round(g["fill"] / summary["shortage_before"], 4), "ceiling": summary["ceiling"],
                     "weighted_short_after": wb - g["weighted_fill"], "total_km": round(g["total_km"], 1),
                     "seconds": round(g["seconds"], 3), "gap": None, "arcs": len(elig.arcs)})
        c = person_cpsat(elig, args.cpsat_limit)
        rows.append({"max_km": max_km, "method": f"person-level CP-SAT ({c.get('variables', 0):,} vars)",
                     "fill": c["fill"], "fill_rate": round(c["fill"] / summary["shortage_before"], 4),
                     "ceiling": summary["ceiling"], "weighted_short_after": wb - c["weighted_fill"],
                     "total_km": round(c["total_km"], 1), "seconds": round(c["seconds"], 3),
                     "gap": None if c["gap"] is None else round(c["gap"], 6), "arcs": len(elig.arcs)})
    print()
    print(pd.DataFrame(rows).to_markdown(index=False) if _has_tabulate() else pd.DataFrame(rows).to_string(index=False))
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
        return True
    except ImportError:
        return False


if __name__ == "__main__":
    raise SystemExit(main())
