"""Benchmark of docs/contract.md §8 on the national dataset: wishes for a tenth of the staff, then appeals.

Protocol
--------
* Instance: the shipped national dataset (``data/national``), default scenario (same province,
  max_km 40, protect_years 2, plan date 2026-01-01).
* Synthetic wishes (seeded, ``--seed``, default 13): a tenth of the staff, drawn uniformly, each
  wishes for 1 to 3 units (uniform) of their own province within 40 km of their unit, ranked in the
  drawn order. They are SYNTHETIC, like the dataset.
* Run 1, the plan without wishes (the reference). Run 2, the plan with the wishes: voluntary and
  involuntary moves, choices met by rank, weighted shortage (the cost in fill: none, by
  construction, since fill comes first) and total km against run 1.
* Run 3, appeals: keep decisions for 10 transferred people of run 2 (seeded draw), re-solved with
  run 2's transfers as the baseline: transfers kept, dropped, added (the changes).
* Every plan goes through the independent audit. One run each, wall clock on a shared machine.

Run:  python benchmarks/bench_decisions.py [--seed 13] [--share 0.1] [--appeals 10]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.io import default_dataset_path, read_dataset  # noqa: E402
from models.scenario import Scenario  # noqa: E402
from optimizer.plan import solve  # noqa: E402
from optimizer.reassign.eligibility import distance_lookup  # noqa: E402


def synthetic_wishes(ds, share: float, seed: int, max_km: float = 40.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    staff = ds.staff
    chosen = staff.iloc[np.sort(rng.choice(len(staff), size=int(round(share * len(staff))), replace=False))]
    units = ds.units[["unit_code", "province_code"]]
    prov = units.set_index("unit_code")["province_code"]
    pairs = chosen[["staff_id", "unit_code"]].assign(province_code=chosen["unit_code"].map(prov))
    cand = pairs.merge(units.rename(columns={"unit_code": "wish"}), on="province_code")
    cand = cand.loc[cand["wish"] != cand["unit_code"]]
    km, _ = distance_lookup(ds, cand["unit_code"].to_numpy(), cand["wish"].to_numpy())
    cand = cand.loc[km <= max_km].assign(key=rng.random(int((km <= max_km).sum())))
    cand = cand.sort_values(["staff_id", "key"])
    k = pd.Series(rng.integers(1, 4, size=len(chosen)), index=chosen["staff_id"].to_numpy())
    cand["rank"] = cand.groupby("staff_id").cumcount() + 1
    cand = cand.loc[cand["rank"] <= cand["staff_id"].map(k)]
    return cand[["staff_id", "wish", "rank"]].rename(columns={"wish": "unit_code"}).reset_index(drop=True)


def run(ds, scen, baseline=None):
    t = time.perf_counter()
    plan = solve(ds, scen, baseline=baseline)
    return plan, time.perf_counter() - t


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--share", type=float, default=0.1)
    ap.add_argument("--appeals", type=int, default=10)
    args = ap.parse_args(argv)

    ds = read_dataset(default_dataset_path())
    scen = Scenario()
    print(f"dataset: {len(ds.staff):,} staff, {len(ds.units):,} units; {ds.note}")
    plain, s1 = run(ds, scen)
    w = synthetic_wishes(ds, args.share, args.seed)
    print(f"synthetic wishes (seed {args.seed}): {w['staff_id'].nunique():,} staff, {len(w):,} wishes")
    wished, s2 = run(ds.replace(wishes=w), scen)
    a, b = plain.summary, wished.summary
    print(f"{'plan':<26}{'status':>9}{'moves':>8}{'w.short after':>15}{'km':>12}{'vol.':>7}{'invol.':>8}"
          f"{'1st':>6}{'2nd':>6}{'3rd':>6}{'sec':>7}{'audit':>7}")
    print(f"{'no wishes':<26}{a['status']:>9}{a['moves']:>8,}{a['weighted_shortage_after']:>15,}"
          f"{a['total_km']:>12,.1f}{'':>7}{'':>8}{'':>6}{'':>6}{'':>6}{s1:>7.1f}{str(a['check']['passed']):>7}")
    met = b["wishes"]["choices_met"]
    print(f"{'wishes (1/10 of staff)':<26}{b['status']:>9}{b['moves']:>8,}{b['weighted_shortage_after']:>15,}"
          f"{b['total_km']:>12,.1f}{b['voluntary_moves']:>7,}{b['involuntary_moves']:>8,}"
          f"{met.get('1', 0):>6,}{met.get('2', 0):>6,}{met.get('3', 0):>6,}{s2:>7.1f}{str(b['check']['passed']):>7}")
    print(f"cost of the wishes: weighted shortage {b['weighted_shortage_after'] - a['weighted_shortage_after']:+,}, "
          f"km {b['total_km'] - a['total_km']:+,.1f} ({(b['total_km'] / a['total_km'] - 1) * 100:+.2f} %)")
    pm = b["preference_model"]
    print(f"model: {pm['components']} components, methods {pm['methods']}, largest weight {pm['largest_weight']}")

    rng = np.random.default_rng(args.seed + 1)
    moved = wished.transfers["staff_id"].to_numpy()
    appeals = sorted(rng.choice(moved, size=min(args.appeals, len(moved)), replace=False))
    decisions = pd.DataFrame({"staff_id": appeals, "decision": "keep", "to_unit": "",
                              "reason": "khiếu nại được chấp nhận (giả lập)"})
    base = wished.transfers[["staff_id", "to_unit"]]
    again, s3 = run(ds.replace(wishes=w, decisions=decisions), scen, baseline=base)
    c = again.summary
    print(f"re-solve after {len(appeals)} appeals (keep): status {c['status']}, moves {c['moves']:,}, "
          f"weighted shortage after {c['weighted_shortage_after']:,} (before the appeals "
          f"{b['weighted_shortage_after']:,}), baseline kept {c['baseline_kept']:,}, dropped "
          f"{c['baseline_dropped']:,}, added {c['baseline_added']:,} → {c['baseline_dropped'] + c['baseline_added']:,} "
          f"transfers changed; km {c['total_km'] - b['total_km']:+,.1f}; {s3:.1f} s; audit {c['check']['passed']}")
    causes = again.changes["cause"].value_counts().to_dict() if again.changes is not None else {}
    print(f"changes.csv causes: {causes}")


if __name__ == "__main__":
    main()
