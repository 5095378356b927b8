"""The command line: build, write, report and (optionally) check."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from .admin_map import estimate_units, load_map
from .calibration import calibration
from .conversions import write as write_conversions
from .counts import build_counts
from .figures import measure
from .figures import render as render_figures
from .officers import build_needs, build_officers
from .quotas import build_quotas
from .readme import render_readme
from .roster import build_staff
from .state import Build
from .write import self_check, write

DESCRIPTION = "Build the shipped national dataset data/national/."
HERE = Path(__file__).resolve().parent.parent   # data/


def build(seed: int, out: Path) -> tuple[Build, dict]:
    """Every stage in order; writes the tables and the README into `out`."""
    b = Build(seed)
    b.out = out
    load_map(b)
    estimate_units(b)
    build_quotas(b)
    build_counts(b)
    build_staff(b)
    build_needs(b)
    build_officers(b)
    write(b, out)
    write_conversions(out)          # retraining paths (SYNTHETIC; docs/contract.md §6)
    cal = calibration(b)
    (out / "README.md").write_bytes(render_readme(b, cal, seed).encode("utf-8"))
    return b, cal


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=DESCRIPTION)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=HERE / "national")
    ap.add_argument("--check", action="store_true",
                    help="after building, check the written files against the contract")
    ap.add_argument("--check-only", action="store_true",
                    help="only check an existing folder")
    ap.add_argument("--figures", type=Path, metavar="FOLDER",
                    help="only print the headline figures measured from a written folder")
    a = ap.parse_args(argv)
    if a.figures is not None:
        print(render_figures(measure(a.figures)))
        return 0
    if a.check_only:
        errs = self_check(a.out)
        print("\n".join(errs) if errs else "self-check: ok")
        return 1 if errs else 0
    t0 = time.perf_counter()
    b, cal = build(a.seed, a.out)
    pv = cal["by_province"]
    print(f"wrote {a.out}: {cal['staff']:,} staff, quota {cal['quota']:,}, surplus "
          f"{cal['surplus']:,}, shortage {cal['shortage']:,}, posts over "
          f"{cal['share_posts_over']:.1%} / under {cal['share_posts_under']:.1%}")
    for pc in ("01", "79", "48"):
        r = pv.loc[pc]
        print(f"  {pc}: staff {r.staff:,} quota {r.quota:,} surplus {r.surplus:,} shortage "
              f"{r.shortage:,}; units over {r.units_over} (+{r.net_over_sum}) / short "
              f"{r.units_under} (−{r.net_under_sum}); positions imbalanced {r.positions_imbalanced}")
    fc = cal["fill_ceiling"]
    if fc.get("available"):
        print(f"  fill ceiling (province, 40 km): {fc['fillable']:,}/{fc['shortage']:,} "
              f"= {fc['share']:.1%}")
    print(f"  people: {cal['people']}")
    print(f"  offsets: {b.stats['offsets']}; built in {time.perf_counter() - t0:.1f} s")
    if a.check:
        errs = self_check(a.out)
        print("\n".join(errs) if errs else "self-check: ok")
        return 1 if errs else 0
    return 0

