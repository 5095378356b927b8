"""Scale benchmark: the national roster replicated k times, time and peak memory per stage.

Instances (names given to ``--instances``, comma-separated):

* ``k1``            the shipped national dataset (``data/national``) as it is.
* ``k<K>s``         K replicas at the *same density*: each replica gets its own provinces (codes
                    ``<code>r<i>``), units and staff, at the same coordinates; no move crosses a
                    replica (same-province scenario), so arcs grow K×.
* ``k<K>d``         K replicas at *K× density*: the replicas share the provinces, each unit of
                    replica i sits 0.0005°·i north of the original; arcs grow about K²×.
* a suffix ``x<KM>`` makes the scenario cross-province at KM km (``k5dx80``); otherwise the
  default scenario (same province, 40 km, protect 2 years, 2026-01-01).

Officers and province needs stay those of the original (posted once). Replica datasets are
written once as CSV folders under ``--cache`` (default /tmp/staffing_scale) and reused.

For each instance, two child processes, each timed from its start (imports included) with its
peak RSS from ``os.wait4``:

* ``validate`` — what ``staffing validate`` does: read and validate the dataset, count it, look for
  implausible values (its warnings);
* ``solve``    — what ``staffing solve --out`` does (``--no-report`` unless ``--report``):
  read, eligibility, model, selection, audit, officers, write; the child records the wall time
  and ``ru_maxrss`` (the peak so far) at the end of each stage, and the plan's weighted shortage
  after, total km, arcs, moves, and checks that plan.xlsx has no sheet above Excel's row limit.

With ``--cli``, each instance is also run through the real commands, ``staffing validate DATA``
then ``staffing solve DATA --out OUT`` (``python -m optimizer.cli``), timed from outside; the
stages are then summary.json's ``timings``. ``--sequential`` draws report.html after the plan's
files in the solve process (as before the forked worker of optimizer/output/outputs.py), for a
before/after within one run; ``--repeat N`` runs N validate/solve pairs per instance and prints
the median ratio.

Each row gives wall seconds and their ratio solve / validate (the target of issue 14), and the
CPU seconds (user + system, from ``os.wait4``; the solve's include its reaped report worker's):
on a machine busier than its cores the wall ratio follows the CPU ratio, on a quiet one the
worker's second core shows in the wall ratio.

Run:  python benchmarks/bench_scale.py --instances k1,k2d,k5d [--report] [--cli] [--repeat N] [--json out.json]
The machine is shared: read ratios (solve / validate) within one run, not absolute seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import zipfile
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "data" / "national"      # --data changes it (the roster that is replicated)
EXCEL_ROWS = 1_048_576
_CPU: dict[str, float] = {}    # CPU seconds (user + system) of the command just timed


def _parse(name: str) -> tuple[int, str, float | None]:
    m = re.fullmatch(r"k(\d+)([sd]?)(?:x(\d+(?:\.\d+)?))?", name)
    if not m:
        raise SystemExit(f"bad instance name {name!r} (k1, k5s, k11d, k5dx80)")
    k, kind, km = int(m.group(1)), m.group(2) or "s", m.group(3)
    return k, kind, float(km) if km else None


def build_instance(name: str, cache: Path) -> Path:
    """The dataset folder of an instance (built once, then reused)."""
    k, kind, _ = _parse(name)
    if k == 1:
        return NATIONAL
    folder = cache / f"k{k}{kind}"
    if (folder / "staff.csv").exists():
        return folder
    import pandas as pd
    src = NATIONAL
    read = lambda t: pd.read_csv(src / f"{t}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    provinces, units, staff, quotas = read("provinces"), read("units"), read("staff"), read("quotas")
    P, U, S, Q = [], [], [], []
    for i in range(k):
        suffix = "" if i == 0 else f"r{i}"
        u = units.copy()
        u["unit_code"] = u["unit_code"] + suffix
        if kind == "s":
            u["province_code"] = u["province_code"] + suffix
            p = provinces.copy()
            p["province_code"] = p["province_code"] + suffix
            if i:
                p["name"] = p["name"] + f" (bản sao {i})"
            P.append(p)
        else:
            u["lat"] = (u["lat"].astype(float) + 0.0005 * i).round(6).astype(str)
        if i:
            u["name"] = u["name"] + f" ({i})"
        U.append(u)
        s = staff.copy()
        s["staff_id"] = s["staff_id"] + suffix
        s["unit_code"] = s["unit_code"] + suffix
        s["home_unit_code"] = s["home_unit_code"].where(s["home_unit_code"] == "", s["home_unit_code"] + suffix)
        S.append(s)
        q = quotas.copy()
        q["unit_code"] = q["unit_code"] + suffix
        Q.append(q)
    folder.mkdir(parents=True, exist_ok=True)
    (pd.concat(P) if P else provinces).to_csv(folder / "provinces.csv", index=False)
    pd.concat(U).to_csv(folder / "units.csv", index=False)
    pd.concat(S).to_csv(folder / "staff.csv", index=False)
    pd.concat(Q).to_csv(folder / "quotas.csv", index=False)
    for t in ("positions", "officers", "province_needs", "areas"):
        if (src / f"{t}.csv").exists():
            (folder / f"{t}.csv").write_bytes((src / f"{t}.csv").read_bytes())
    about = (src / "ABOUT.txt").read_text(encoding="utf-8") if (src / "ABOUT.txt").exists() else ""
    (folder / "ABOUT.txt").write_text(
        about.rstrip() + f"\nSYNTHETIC scale replica: the national roster ×{k} ({'same density' if kind == 's' else f'{k}× density'}).\n",
        encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- children

def _rss_mib() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child_validate(folder: str) -> dict:
    from models.io import read_dataset
    from models.plausibility import implausible
    from models.scenario import Scenario
    from optimizer.cli import staffing_balance
    t = time.perf_counter()
    ds = read_dataset(Path(folder))
    b = staffing_balance(ds)
    implausible(ds, Scenario().plan_date)      # its warnings, as `staffing validate` prints them
    return {"staff": int(b["staff"]), "read_validate": time.perf_counter() - t, "rss_mib": _rss_mib()}


def child_solve(folder: str, out: str, km: float | None, report: bool, solver: str | None,
                parallel: bool | None = None) -> dict:
    import optimizer.plan  # noqa: F401 — imported before the worker is forked, as the CLI has it
    try:
        from optimizer.output.outputs import write_outputs
    except ImportError:      # a tree from before the worker (this script copied into it, to compare)
        from optimizer.output.plan_files import write_plan

        def write_outputs(plan, out, *, report, units, provinces, parallel, **_):
            write_plan(plan, out)
            if report:
                from optimizer.output.report import write_report
                write_report(plan, out / "report.html", units=units, provinces=provinces)
    try:                     # as `staffing solve --out`: the worker forked before the dataset is read
        from optimizer.output.outputs import report_worker
    except ImportError:      # a tree from before the early worker: forked when the files are written
        def report_worker(enabled=True):
            return nullcontext(None)
    with report_worker(bool(report) and parallel is not False) as worker:
        return _solve_and_write(folder, out, km, report, solver, parallel, worker, write_outputs)


def _solve_and_write(folder, out, km, report, solver, parallel, worker, write_outputs) -> dict:
    from models.io import read_dataset
    from models.scenario import Scenario
    from optimizer.plan import solve
    stages: dict[str, dict] = {}
    mark = {"name": "read_validate", "t": time.perf_counter()}

    def close(name_next: str | None) -> None:
        now = time.perf_counter()
        stages[mark["name"]] = {"seconds": now - mark["t"], "peak_rss_mib": _rss_mib()}
        mark.update(name=name_next, t=now)

    ds = read_dataset(Path(folder))
    close("eligibility")
    first = {"on": True}

    def progress(stage: str) -> None:
        if first["on"]:           # eligibility starts right after reading
            first["on"] = False
            mark["t"] = time.perf_counter()
            return
        close(stage)

    opts = {"cross_province": True, "max_km": km} if km else {}
    if solver:
        opts["solver"] = solver
    scenario = Scenario(**opts)
    chosen = None if worker is None else (       # as the CLI: figures drawn during audit and explanations
        lambda transfers, units_after: worker.send_chosen(transfers, units_after, scenario, ds.units, ds.provinces))
    plan = solve(ds, scenario, progress=progress, **({"on_chosen": chosen} if chosen else {}))
    close("write")       # as `staffing solve --out` does: with --report, report.html in a forked worker
    write_outputs(plan, Path(out), report=report, units=ds.units, provinces=ds.provinces, parallel=parallel,
                  **({"worker": worker} if worker is not None else {}))
    close(None)
    s = plan.summary
    with zipfile.ZipFile(Path(out) / "plan.xlsx") as z:
        rows = {}
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                head = z.open(n).read(4096).decode("utf-8", "replace")
                m = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
                rows[n] = int(m.group(1)) if m else -1
    return {"stages": stages, "weighted_shortage_after": int(s["weighted_shortage_after"]),
            "shortage_after": int(s["shortage_after"]), "total_km": round(float(s["total_km"]), 3),
            "moves": int(s["moves"]), "arcs": int(s.get("arcs", -1)) if "arcs" in s else None,
            "status": str(s["status"]), "method": s["method"],
            "xlsx_max_rows": max(rows.values()) if rows else None,
            "xlsx_valid": bool(rows) and max(rows.values()) <= EXCEL_ROWS,
            "xlsx_mib": (Path(out) / "plan.xlsx").stat().st_size / 2**20}


def _run_child(args: list[str]) -> tuple[dict, float, float]:
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, cwd=ROOT)
    outb = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"child {args} failed ({p.returncode})")
    _CPU["last"] = ru.ru_utime + ru.ru_stime      # the child's CPU, with its reaped worker's
    return json.loads(outb.decode().strip().splitlines()[-1]), wall, ru.ru_maxrss / 1024.0


def run(name: str, cache: Path, report: bool, solver: str | None, sequential: bool = False) -> dict:
    _, _, km = _parse(name)
    folder = build_instance(name, cache)
    val, val_wall, val_rss = _run_child(["--child-validate", str(folder)])
    val_cpu = _CPU["last"]
    out = cache / "out" / name
    args = ["--child-solve", str(folder), "--out", str(out)]
    if km:
        args += ["--km", str(km)]
    if report:
        args.append("--report")
    if solver:
        args += ["--solver", solver]
    if sequential:
        args.append("--sequential")
    sol, sol_wall, sol_rss = _run_child(args)
    return {"instance": name, "staff": val["staff"], "validate_s": val_wall, "validate_peak_mib": val_rss,
            "solve_s": sol_wall, "solve_peak_mib": sol_rss, "ratio": sol_wall / val_wall,
            "validate_cpu_s": val_cpu, "solve_cpu_s": _CPU["last"], **sol}


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a command run to its end (exit 0 required)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({os.waitstatus_to_exitcode(status)})")
    _CPU["last"] = ru.ru_utime + ru.ru_stime
    return wall, ru.ru_maxrss / 1024.0


def run_cli(name: str, cache: Path, report: bool, solver: str | None) -> dict:
    """The real commands, one after the other in this run: `staffing validate DATA` and
    `staffing solve DATA --out OUT` (the shell's `staffing` is `python -m optimizer.cli`)."""
    _, _, km = _parse(name)
    folder = build_instance(name, cache)
    out = cache / "out" / f"{name}-cli"
    cli = [sys.executable, "-m", "optimizer.cli"]
    val_wall, val_rss = _timed([*cli, "validate", str(folder)])
    val_cpu = _CPU["last"]
    args = [*cli, "solve", str(folder), "--out", str(out)]
    if km:
        args += ["--cross-province", "--max-km", str(km)]
    if not report:
        args.append("--no-report")
    if solver:
        args += ["--solver", solver]
    sol_wall, sol_rss = _timed(args)
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {"instance": f"{name} (staffing CLI)", "staff": None, "validate_s": val_wall, "validate_peak_mib": val_rss,
            "solve_s": sol_wall, "solve_peak_mib": sol_rss, "ratio": sol_wall / val_wall,
            "validate_cpu_s": val_cpu, "solve_cpu_s": _CPU["last"],
            "stages": {k: {"seconds": v} for k, v in (s.get("timings") or {}).items()},
            "weighted_shortage_after": int(s["weighted_shortage_after"]), "total_km": round(float(s["total_km"]), 3),
            "moves": int(s["moves"]), "status": str(s["status"]), "method": s["method"],
            "xlsx_max_rows": None, "xlsx_valid": None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", default="k1,k2d,k5d")
    ap.add_argument("--cache", default="/tmp/staffing_scale")
    ap.add_argument("--report", action="store_true", help="draw report.html too (as solve --out does)")
    ap.add_argument("--solver", default=None)
    ap.add_argument("--cli", action="store_true",
                    help="also time the real commands `staffing validate` and `staffing solve --out` per instance")
    ap.add_argument("--repeat", type=int, default=1,
                    help="validate + solve pairs per instance, one after the other (the median ratio is printed)")
    ap.add_argument("--sequential", action="store_true",
                    help="draw report.html after the plan's files in the solve process (as before the worker)")
    ap.add_argument("--json", default=None)
    ap.add_argument("--data", default=None, help="the national dataset folder (default: data/national)")
    ap.add_argument("--child-validate")
    ap.add_argument("--child-solve")
    ap.add_argument("--out")
    ap.add_argument("--km", type=float)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.child_validate:
        print(json.dumps(child_validate(args.child_validate)))
        return 0
    if args.child_solve:
        print(json.dumps(child_solve(args.child_solve, args.out, args.km, args.report, args.solver,
                                     False if args.sequential else None)))
        return 0
    global NATIONAL
    if args.data:
        NATIONAL = Path(args.data).resolve()
    cache = Path(args.cache)
    results = []
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')} load: {os.getloadavg()}", flush=True)
    import importlib.util
    forked = importlib.util.find_spec("optimizer.output.outputs") is not None and not args.sequential
    print(f"# tree {ROOT}; solve with report: {'yes' if args.report else 'no'}; report.html "
          f"{'in a forked worker beside the files' if forked else 'after the files, same process'}")
    print("| instance | staff | validate s | solve s | ratio solve/validate | CPU s validate / solve (ratio) | "
          "solve peak MiB | stages (s) | w.short after | km | xlsx rows ok |")
    print("|---|---:|---:|---:|---:|---|---:|---|---:|---:|---|")
    ratios: dict[str, list[float]] = {}
    for name in [n for n in args.instances.split(",") for _ in range(args.repeat)]:
        rows = [run(name, cache, args.report, args.solver, args.sequential)]
        if args.cli:
            rows.append(run_cli(name, cache, args.report, args.solver))
        for r in rows:
            ratios.setdefault(r["instance"], []).append(r["ratio"])
            results.append(r)
            st = ", ".join(f"{k} {v['seconds']:.2f}" for k, v in r["stages"].items())
            rows_ok = ("—" if r["xlsx_max_rows"] is None
                       else f"{r['xlsx_max_rows']:,} {'ok' if r['xlsx_valid'] else 'OVER'}")
            print(f"| {r['instance']} | {'' if r['staff'] is None else format(r['staff'], ',')} | "
                  f"{r['validate_s']:.2f} | {r['solve_s']:.2f} | **{r['ratio']:.2f}** | "
                  f"{r['validate_cpu_s']:.2f} / {r['solve_cpu_s']:.2f} ({r['solve_cpu_s'] / r['validate_cpu_s']:.2f}) | "
                  f"{r['solve_peak_mib']:.0f} | {st} | {r['weighted_shortage_after']:,} | {r['total_km']:,.3f} | "
                  f"{rows_ok} |", flush=True)
    print(f"# load after: {os.getloadavg()}")
    if args.repeat > 1:     # validate and solve alternate, so a change of load hits both alike
        for inst, rs in ratios.items():
            print(f"# {inst}: ratio solve/validate median {statistics.median(rs):.2f} "
                  f"(min {min(rs):.2f}, max {max(rs):.2f}, {len(rs)} pairs)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
