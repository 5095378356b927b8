"""Explanations and fairness on the shipped national dataset (docs/contract.md §7).

Protocol
--------
* Instance: ``data/national``, default scenario (same province, max_km 40, protect_years 2,
  plan date 2026-01-01). One run each; wall clock on this (shared, noisy) machine.
* (1) The cost of explanations: ``solve`` as shipped times its stages; the ``explain`` stage
  (reasons for every unfilled post and surplus left + their independent audit) is what the
  explanations add to the national solve. The detailed extras (sensitivity, advice by province,
  each with a re-solve) are timed apart.
* (2) Reasons counted nationally and for three provinces (the three with the most posts unfilled).
* (3) The efficient and the leximin-fair plan side by side: worst unit share, Gini of the unit
  shares, km, weighted fill, posts filled, seconds (``--fair-limit`` seconds for fairness,
  default 600; the status says whether every component was finished).

Run:  python benchmarks/bench_explain.py [--fair-limit 600] [--no-fair]
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
from optimizer.explain import gini, unit_shares  # noqa: E402
from optimizer.explain.advice import what_helps  # noqa: E402
from optimizer.explain.sensitivity import sensitivity_table  # noqa: E402
from optimizer.plan import solve  # noqa: E402
from optimizer.reassign.eligibility import build_eligibility  # noqa: E402
from optimizer.reassign.network import solve_flows  # noqa: E402


def row(name, plan, seconds):
    sh = unit_shares(plan.units_after)
    s = plan.summary
    return (f"| {name} | {sh.max():.4f} | {gini(sh):.4f} | {s['total_km']:,.1f} | "
            f"{s['weighted_shortage_before'] - s['weighted_shortage_after']:,} | "
            f"{s['shortage_before'] - s['shortage_after']:,} | {seconds:.1f} | {s['status']} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fair-limit", type=float, default=600.0)
    ap.add_argument("--no-fair", action="store_true")
    args = ap.parse_args()
    ds = read_dataset(default_dataset_path())
    print(f"# {ds.note[:120]}…\n")
    sc = Scenario()

    t = time.perf_counter()
    plan = solve(ds, sc)
    eff_s = time.perf_counter() - t
    tm = plan.summary["timings"]
    print("## (1) What explanations add to the national solve\n")
    print(f"solve total {eff_s:.2f} s; stages: " + ", ".join(f"{k} {v:.3f} s" for k, v in tm.items()))
    print(f"=> explanations (reasons + their audit) add {tm['explain']:.3f} s")
    elig = build_eligibility(ds, sc)
    res = solve_flows(elig)
    t = time.perf_counter()
    sensitivity_table(ds, sc, elig, res.flows, plan.units_after)
    t_sens = time.perf_counter() - t
    t = time.perf_counter()
    helps = what_helps(ds, sc, elig, res.flows, plan.explain.unfilled)
    t_help = time.perf_counter() - t
    print(f"detailed extras (--explain only): sensitivity {t_sens:.2f} s, what-helps {t_help:.2f} s\n")

    print("## (2) Reasons (posts unfilled, and rows)\n")
    u = plan.explain.unfilled
    top = u.groupby("province_code")["shortage_after"].sum().sort_values(ascending=False).head(3).index
    print("| scope | " + " | ".join(("no_surplus_in_scope", "out_of_reach", "unit_limit", "taken")) + " | total |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, part in [("national", u)] + [(f"{p} {u.loc[u.province_code == p, 'province_name'].iloc[0]}",
                                            u.loc[u.province_code == p]) for p in top]:
        c = part.groupby("reason_code")["shortage_after"].sum()
        print(f"| {name} | " + " | ".join(f"{int(c.get(k, 0)):,}" for k in
                                          ("no_surplus_in_scope", "out_of_reach", "unit_limit", "taken"))
              + f" | {int(part['shortage_after'].sum()):,} |")
    s = plan.explain.surplus_left
    print("\nsurplus left by reason: " + ", ".join(f"{k} {v:,}" for k, v in
                                                  s.groupby("reason_code")["surplus_after"].sum().items()))
    print("\nwhat would help most, three provinces:")
    for p in top:
        b = helps.loc[(helps.province_code == p) & helps.best]
        if len(b):
            print(f"- {b.iloc[0]['province_name']}: {b.iloc[0]['advice']}")

    if args.no_fair:
        return
    print("\n## (3) Efficient and leximin-fair plans\n")
    t = time.perf_counter()
    fair = solve(ds, sc.model_copy(update={"fairness": "leximin", "time_limit": args.fair_limit}))
    fair_s = time.perf_counter() - t
    print("| plan | worst unit share | Gini | km | weighted fill | posts filled | seconds | status |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    print(row("efficient", plan, eff_s))
    print(row("leximin", fair, fair_s))
    f = fair.summary["fairness"]
    print(f"\nfairness stage {fair.summary['timings']['fairness']:.1f} s: {f['milps']} MILPs, {f['levels']} levels, "
          f"components {f['components_done']}/{f['components']} finished; km cost {fair.summary['fairness_km_cost']:,.1f}")


if __name__ == "__main__":
    main()
