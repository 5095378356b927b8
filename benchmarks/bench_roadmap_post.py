"""Benchmark of the roadmap's stages after the solve (persons, audit, files) on a saved model result.

The MIP takes minutes nationally; the stages after it do not depend on how it was solved. So
this pickles one `ModelResult` (``--save``: the solve, once) and then times persons, audit and
files from it as `optimizer.roadmap.plan_roadmap` runs them (without forced move decisions),
writing the files to ``--out`` — run it in two trees on the same pickle and ``cmp`` the files.
Wall and CPU seconds (CPU of all threads) of each stage; the machine is shared: say the load.

Run:  python benchmarks/bench_roadmap_post.py RESULT.pkl --out DIR [--save] [--time-limit 600] [--province 33 ...]
      (another tree: PYTHONPATH=/path/to/tree python /path/to/tree/benchmarks/bench_roadmap_post.py …)
"""
from __future__ import annotations

import argparse
import os
import pickle
import time

from models.io import default_dataset_path, read_dataset
from models.scenario import Scenario, apply_quota_adjustment, restrict_to_provinces
from optimizer.roadmap import ACTION_COLUMNS, Roadmap, make_summary
from optimizer.roadmap.audit import audit_roadmap
from optimizer.roadmap.decisions import exempt_by_reason, roadmap_decisions
from optimizer.roadmap.files import write_roadmap
from optimizer.roadmap.model import solve_model
from optimizer.roadmap.persons import describe, name_actions, units_by_year
from optimizer.roadmap.timeline import build_timeline


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result", help="the pickled ModelResult (written by --save)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--save", action="store_true", help="solve the roadmap and pickle its result first")
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--province", nargs="*", default=[])
    args = ap.parse_args()
    sc = Scenario(time_limit=args.time_limit, provinces=args.province)
    ds = apply_quota_adjustment(restrict_to_provinces(read_dataset(default_dataset_path()), sc), sc)
    dec = roadmap_decisions(ds, sc)
    if len(dec.forced):
        raise SystemExit("the dataset has move decisions: this benchmark does not replay forced moves")
    tl = build_timeline(ds, sc, keep_ids=dec.keep_ids, exempt_ids=dec.exempt_ids)
    if args.save or not os.path.exists(args.result):
        res = solve_model(tl, ds, sc, time_limit=args.time_limit)
        with open(args.result, "wb") as f:
            pickle.dump(res, f)
    with open(args.result, "rb") as f:
        res = pickle.load(f)
    wall, cpu = {}, {}

    def stage(name, job):
        t, c = time.perf_counter(), time.process_time()
        out = job()
        wall[name], cpu[name] = time.perf_counter() - t, time.process_time() - c
        return out

    def persons():
        a = name_actions(ds, tl, res, sc)
        y = units_by_year(ds, tl, a)
        return describe(ds, a, y), y

    actions, by_year = stage("persons", persons)
    violations, _ = stage("audit", lambda: audit_roadmap(ds, sc, actions, res.values))
    summary = make_summary(ds, sc, tl, res, actions, by_year, violations, {})
    summary["decisions"] = {"keep": len(dec.keep_ids), "exempt": len(dec.exempt_ids),
                            "exempt_reason": len(exempt_by_reason(ds)), "forced_moves": 0}
    rm = Roadmap(scenario=sc, actions=actions[ACTION_COLUMNS + ["months_early", "home_km"]],
                 units_by_year=by_year, summary=summary, note=ds.note, model=res)
    stage("files", lambda: write_roadmap(rm, args.out, provinces=ds.provinces))
    print(f"status {res.status}; {len(actions)} actions, {len(by_year)} rows of units_by_year; "
          f"audit: {len(violations)} violations; load {os.getloadavg()[0]:.2f}")
    for k in wall:
        print(f"{k:8s} wall {wall[k]:7.2f} s   cpu {cpu[k]:7.2f} s")
    print(f"{'total':8s} wall {sum(wall.values()):7.2f} s   cpu {sum(cpu.values()):7.2f} s")


if __name__ == "__main__":
    main()
