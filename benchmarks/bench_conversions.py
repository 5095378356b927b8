"""Retraining benchmark (issue 11, docs/contract.md §6): what listed conversions add to the national plan.

Protocol
--------
* Instance: the shipped national dataset (``data/national``, SYNTHETIC; its ``conversions.csv``
  is the synthetic list documented in data/national/README.md), default scenario otherwise
  (same province, protect_years 2, plan date 2026-01-01).
* For each ``max_km`` (default 20, 40, 80): the whole pipeline (`optimizer.plan.solve`:
  eligibility, exact solve, choice of persons, independent audit) without and with
  ``conversions = true``; one run each, wall clock on this shared machine.
* Ceiling: the most that can be filled with no distance limit, the other rules the same.
  Without conversions: Σ over (province, position) of min(movable surplus, shortage). With
  conversions: the largest Σ priority · fill, exactly, by a min-cost flow between (province,
  position) totals (`optimizer.reassign.conversions.conversion_ceiling`); ``ceiling`` is the most
  posts filled among those plans. ``--check-ceiling`` also solves the unit-level network with
  no distance limit and asserts that it reaches the same weighted fill.
* ``--check-lp``: with conversions, also solves each limit by the second exact method (three LPs
  with reduced-cost fixing, what ``--solver mip`` runs) and compares (fill, position changes,
  metres) with the weighted network.
* Columns: posts filled and fill rate (of the 10,831 missing), weighted shortage after, ceiling
  (posts, weighted), moves, of which retraining (in place), training cost (VND), total km,
  the solve method, and seconds.

Run:  python benchmarks/bench_conversions.py [--max-km 20,40,80] [--check-ceiling] [--check-lp]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.io import default_dataset_path, read_dataset  # noqa: E402
from models.scenario import Scenario  # noqa: E402
from optimizer.plan import solve  # noqa: E402
from optimizer.reassign.conversions import build_conversion_eligibility  # noqa: E402
from optimizer.reassign.lexflow import (  # noqa: E402
    objectives, solve_conversion_flows, solve_network, solve_staged_lp,
)


def row(plan, km: float, conversions: bool, seconds: float) -> dict:
    s = plan.summary
    filled = s["shortage_before"] - s["shortage_after"]
    rt = s.get("retraining") or {}
    return {"max_km": km, "conversions": conversions, "filled": filled, "fill_rate": s["fill_rate"],
            "weighted_after": s["weighted_shortage_after"], "ceiling": s["ceiling"],
            "ceiling_weighted": s["ceiling_weighted"], "moves": s["moves"],
            "retrained": rt.get("retrained", 0), "in_place": rt.get("retrained_in_place", 0),
            "training_cost_vnd": rt.get("training_cost_vnd", 0.0), "total_km": s["total_km"],
            "method": s["method"], "audit": "passed" if s["check"]["passed"] else "FAILED",
            "seconds": round(seconds, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-km", default="20,40,80")
    ap.add_argument("--dataset", type=Path, default=None)
    ap.add_argument("--check-ceiling", action="store_true",
                    help="also solve the unit-level network with no distance limit (slow)")
    ap.add_argument("--check-lp", action="store_true",
                    help="with conversions, also solve by the staged LPs and compare with the network")
    a = ap.parse_args(argv)
    t = time.perf_counter()
    ds = read_dataset(a.dataset or default_dataset_path())
    print(f"dataset {ds.source.name}: {len(ds.staff):,} staff, "
          f"{0 if ds.conversions is None else len(ds.conversions)} listed conversions "
          f"(read in {time.perf_counter() - t:.1f} s)")
    if ds.note:
        print(f"note: {ds.note}")
    rows = []
    for km in [float(x) for x in a.max_km.split(",") if x.strip()]:
        for conv in (False, True):
            t = time.perf_counter()
            plan = solve(ds, Scenario(max_km=km, conversions=conv))
            rows.append(row(plan, km, conv, time.perf_counter() - t))
            r = rows[-1]
            print(f"  {km:g} km, conversions {'on ' if conv else 'off'}: filled {r['filled']:,} "
                  f"({r['fill_rate']:.1%}), weighted after {r['weighted_after']:,}, "
                  f"retrained {r['retrained']:,}, {r['seconds']} s", flush=True)
    checks = []
    if a.check_lp:
        for km in [float(x) for x in a.max_km.split(",") if x.strip()]:
            elig = build_conversion_eligibility(ds, Scenario(max_km=km, conversions=True))
            prio = elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"]
            found = []
            for method in (solve_network, solve_staged_lp):
                t = time.perf_counter()
                res = method(elig)
                x = res.flows.merge(elig.arcs, how="right", on=["from_unit", "to_unit", "position_code",
                                                                 "to_position_code"])["flow"].fillna(0)
                found.append((objectives(elig.arcs, x.to_numpy(dtype="int64"), prio), res.status,
                              time.perf_counter() - t))
            checks.append((km, found))
            print(f"  {km:g} km: network {found[0][0]} in {found[0][2]:.1f} s; staged LP {found[1][0]} "
                  f"({found[1][1]}) in {found[1][2]:.1f} s — {'equal' if found[0][0] == found[1][0] else 'DIFFERENT'}",
                  flush=True)
    shortage = plan.summary["shortage_before"]
    weighted = plan.summary["weighted_shortage_before"]
    print(f"\nshortage before: {shortage:,} posts; weighted {weighted:,}\n")
    print("| max km | conversions | filled | fill rate | weighted shortage after | ceiling (posts / weighted) "
          "| moves | retrained (in place) | training cost (VND) | total km | method | audit | seconds |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for r in rows:
        print(f"| {r['max_km']:g} | {'on' if r['conversions'] else 'off'} | {r['filled']:,} | "
              f"{r['fill_rate']:.1%} | {r['weighted_after']:,} | {r['ceiling']:,} / {r['ceiling_weighted']:,} | "
              f"{r['moves']:,} | {r['retrained']:,} ({r['in_place']:,}) | {r['training_cost_vnd']:,.0f} | "
              f"{r['total_km']:,.1f} | {r['method']} | {r['audit']} | {r['seconds']} |")
    if any(f[0][0] != f[1][0] for _, f in checks):
        return 1
    if a.check_ceiling:
        t = time.perf_counter()
        elig = build_conversion_eligibility(ds, Scenario(max_km=100_000.0, conversions=True))
        res = solve_conversion_flows(elig)
        ok = res.weighted_fill == elig.ceiling_weighted
        print(f"\nceiling check: unit-level network with no distance limit ({len(elig.arcs):,} arcs) "
              f"fills weighted {res.weighted_fill:,} ({int(res.flows['flow'].sum()):,} posts); "
              f"aggregated ceiling {elig.ceiling_weighted:,} — {'equal' if ok else 'DIFFERENT'} "
              f"({time.perf_counter() - t:.1f} s)")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
