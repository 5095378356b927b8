"""The `staffing` command (docs/contract.md §3). Thin: parse options, call the public API, print.

Exit codes: 0 success; 1 bad input (every problem is listed; no traceback) or an
unexpected error (one line; set STAFFING_DEBUG=1 to see the traceback); 2 wrong usage.

Adding a command: decorate it with `@app.command()` (errors are then handled for it as for
`validate`), load the dataset with `_load_or_exit(dataset)` and a scenario with
`_scenario_or_exit(...)`.
"""
from __future__ import annotations

import functools
import os
import signal
import time
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.console import Console

from models.dataset import Dataset
from models.decisions import read_baseline, read_decisions
from models.io import default_dataset_path, read_dataset
from models.scenario import Scenario, ScenarioError
from models.plausibility import implausible
from models.validation import DatasetError, group
from optimizer.compare import compare as run_compare
from optimizer.compare import print_comparison, sweep, sweep_overrides, write_comparison
from optimizer.officers import PostingError, post_officers, write_postings
from optimizer.output.outputs import report_worker, write_outputs
from optimizer.output.staging import OutputFolderError, WriteAborted, check_output_folder, staged_output
from optimizer.plan import PlanAuditError
from optimizer.plan import solve as solve_plan
from optimizer.roadmap.compare import compare_roadmaps, parse_budgets, roadmap_sweep

DEBUG_ENV = "STAFFING_DEBUG"

DatasetArg = Annotated[Optional[Path], typer.Argument(
    help="A folder of CSV tables or an .xlsx workbook (default: the national dataset, "
         "or $STAFFING_DATASET).", show_default=False)]


#: click's own exceptions (usage errors: exit 2), whichever click typer uses — recent typer
#: versions vendor their own copy, so this is read off typer.BadParameter, not imported
_CLICK_ERRORS = tuple(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def _guarded(command):
    """Run a command so that bad input and unexpected errors end with exit 1, not a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, *_CLICK_ERRORS, SystemExit):
            raise
        except DatasetError as e:
            _print_problems(e)
            raise typer.Exit(1) from None
        except OutputFolderError as e:      # --out names a folder we must not replace: wrong usage
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from None
        except WriteAborted as e:           # SIGINT/SIGTERM/SIGHUP while writing: nothing was put in place
            typer.echo(f"interrupted ({e}) while writing: nothing was written; --out is as it was before "
                       "this run", err=True)
            raise typer.Exit(e.exit_code) from None
        except ScenarioError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(1) from None
        except Exception as e:   # the last line of defence: one line, exit 1
            if os.environ.get(DEBUG_ENV):
                raise
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            typer.echo(f"error: {type(e).__name__}: {first} (set {DEBUG_ENV}=1 for the traceback)", err=True)
            raise typer.Exit(1) from None

    return run


class _App(typer.Typer):
    """A Typer whose commands are all `_guarded`."""

    def command(self, *args, **kwargs):
        register = super().command(*args, **kwargs)
        return lambda f: register(_guarded(f))


app = _App(name="staffing", add_completion=False, no_args_is_help=True,
           pretty_exceptions_enable=False,
           help="Exact staffing reallocation for Vietnam's communes after the 2025 reform.")


@app.callback()
def _main() -> None:
    """Exact staffing reallocation for Vietnam's communes after the 2025 reform."""
    # `staffing validate | head` should end quietly when head stops reading, like any Unix tool
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


# --------------------------------------------------------------------------- helpers


def _print_problems(error: DatasetError, max_shown: int = 0) -> None:
    """Every problem of the dataset, one a line (docs/contract.md §3: all of them, not the first
    only), a fault repeated in many rows of a column as one line (§4, `DatasetError.grouped`);
    ``max_shown`` > 0 caps the list on screen when asked for (`validate --max-shown`)."""
    problems = error.grouped()    # a mistake repeated down a column: one message (§4)
    shown = problems[:max_shown] if max_shown > 0 else problems
    lines = [error.headline(), *(f"  {p}" for p in shown)]
    if len(shown) < len(problems):
        lines.append(f"  … and {len(problems) - len(shown)} more (without --max-shown every one is listed)")
    typer.echo("\n".join(lines))


def _load_or_exit(path: Path | None, max_shown: int = 0, need: tuple[str, ...] | None = None) -> Dataset:
    """Read and validate the dataset (the default one when `path` is None), or exit 1.
    `need`: the tables the command needs (default: the five of docs/contract.md §1)."""
    try:
        where = path if path is not None else default_dataset_path()
        return read_dataset(where) if need is None else read_dataset(where, need=need)
    except DatasetError as e:
        _print_problems(e, max_shown)
        raise typer.Exit(1) from None


def _scenario_or_exit(scenario_file: Path | None, **options) -> Scenario:
    """The scenario file (if any) with the command-line options (not None) on top.

    A bad option value is wrong usage (exit 2, like any bad option); a bad scenario file is bad
    input (ScenarioError: exit 1 and its message, see `_guarded`).
    """
    given = {k: v for k, v in options.items() if v is not None}
    try:
        from_command_line = Scenario.from_dict(given, "command line")
    except ScenarioError as e:
        raise typer.BadParameter(str(e)) from None
    if scenario_file is not None:
        return Scenario.from_toml(scenario_file, **given)
    return from_command_line


def staffing_balance(ds: Dataset) -> dict[str, int]:
    """Staff, quota, surplus Σ max(0, staff − quota) and shortage Σ max(0, quota − staff)
    over the (unit, position) pairs that have staff or a quota."""
    key = ["unit_code", "position_code"]
    staff = ds.staff.groupby(key).size().rename("staff")
    quota = ds.quotas.set_index(key)["quota"]
    both = pd.concat([staff, quota], axis=1).fillna(0)
    gap = both["staff"] - both["quota"]
    return {"staff": int(both["staff"].sum()), "quota": int(both["quota"].sum()),
            "surplus": int(gap.clip(lower=0).sum()), "shortage": int((-gap).clip(lower=0).sum())}


# --------------------------------------------------------------------------- commands


@app.command()
def validate(
    dataset: DatasetArg = None,
    max_shown: Annotated[int, typer.Option(
        "--max-shown", min=0, help="Show at most this many problems (default: every one).")] = 0,
) -> None:
    """Check a dataset against the data contract; list every problem (exit 1) or summarise it."""
    ds = _load_or_exit(dataset, max_shown=max_shown)
    typer.echo(f"Dataset {ds.source}: valid.")
    if ds.note:
        typer.echo(f"Note: {ds.note}")
    width = max(map(len, ds.counts()))
    for name, n in ds.counts().items():
        typer.echo(f"  {name:<{width}}  {n:>9,} rows")
    b = staffing_balance(ds)
    typer.echo(f"Staff {b['staff']:,}, quota {b['quota']:,}; over the (unit, position) pairs: "
               f"surplus {b['surplus']:,}, shortage {b['shortage']:,}.")
    if not ds.has_officers:
        typer.echo("No officers / province_needs tables: no support officers will be posted.")
    _print_warnings(implausible(ds, Scenario().plan_date))


def _print_warnings(found: list) -> None:
    """The implausible values (`models.plausibility`), grouped like problems; not an error."""
    if found:
        lines = [f"{len(found):,} warning{'s' if len(found) != 1 else ''} (implausible values; "
                 "the dataset can be used, but check them):", *(f"  {p}" for p in group(found))]
        typer.echo("\n".join(lines))


OutArg = Annotated[Path, typer.Option(
    "--out", "-o", show_default=False,
    help="Folder for the output files (required). It is replaced whole when the run ends: it must be new, "
         "empty, or an earlier output folder.")]


def _console():
    return Console(stderr=True, highlight=False)


def _write_postings_for(ds: Dataset, postings, out: Path) -> list[Path]:
    return write_postings(postings, out, note=ds.note)


@app.command()
def solve(
    out: OutArg,
    dataset: DatasetArg = None,
    max_km: Annotated[Optional[float], typer.Option(help="Longest transfer in km (default: 40).")] = None,
    cross_province: Annotated[Optional[bool], typer.Option(
        "--cross-province/--same-province", help="Allow moves between provinces (default: same province).",
        show_default=False)] = None,
    protect_years: Annotated[Optional[float], typer.Option(
        help="Staff within this many years of statutory retirement stay (default: 2).")] = None,
    plan_date: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD (default: 2026-01-01).")] = None,
    province: Annotated[Optional[list[str]], typer.Option(
        "--province", "-p", help="Plan only for this province (code, e.g. 01); repeat for several.")] = None,
    scenario: Annotated[Optional[Path], typer.Option(help="A scenario TOML file; options given here win.")] = None,
    time_limit: Annotated[Optional[float], typer.Option(help="Seconds for the solver (default: 60).")] = None,
    solver: Annotated[Optional[str], typer.Option(help="auto, min_cost_flow or mip (default: auto).")] = None,
    allow_home_province: Annotated[Optional[bool], typer.Option(
        "--allow-home-province", help="Officers may be posted to their home province.")] = None,
    report: Annotated[bool, typer.Option("--report/--no-report", help="Write report.html.")] = True,
    decisions: Annotated[Optional[Path], typer.Option(
        help="The planner's decisions (keep / exempt / move): a CSV, a workbook with a decisions sheet, "
             "or a plan.xlsx whose \"Quyết định\" sheet was filled in.")] = None,
    baseline: Annotated[Optional[Path], typer.Option(
        help="An earlier plan's folder (its transfers.csv): re-solve with the fewest changes.")] = None,
    fairness: Annotated[Optional[str], typer.Option(
        help="none or leximin: among the plans with the least weighted unfilled shortage, spread what "
             "stays short most evenly over the units (default: none).")] = None,
    explain: Annotated[Optional[bool], typer.Option(
        "--explain", help="Also write sensitivity.csv, reasons and remedies by province (workbook, report).")] = None,
    conversions: Annotated[Optional[bool], typer.Option(
        "--conversions", help="Moves may also retrain a person into another position listed in the "
                              "dataset's conversions table (docs/contract.md §6).")] = None,
) -> None:
    """Compute the optimal reassignment plan, person by person, audit it and write it to --out."""

    scen = _scenario_or_exit(scenario, max_km=max_km, cross_province=cross_province,
                             protect_years=protect_years, plan_date=plan_date, time_limit=time_limit,
                             solver=solver, allow_home_province=allow_home_province,
                             provinces=province or None, fairness=fairness, explain=explain,
                             conversions=conversions)
    if dataset is None and scen.dataset is not None:
        dataset = scen.dataset
    check_output_folder(out)           # refuse a foreign --out before solving, not after
    console = _console()
    labels = {"eligibility": "surplus, shortage and eligible moves", "model": "solving the model",
              "selection": "choosing who goes", "audit": "independent audit", "officers": "posting officers",
              "fairness": "the leximin-fair plan", "explain": "explaining what stays short"}
    t0 = time.perf_counter()
    # report.html is drawn by a worker forked now, which imports matplotlib while this process
    # reads and solves, draws the figures while it audits and explains, and writes the report
    # beside the plan's files (optimizer/output/outputs.py)
    with report_worker(report) as worker, console.status("reading and validating the dataset…") as status:
        ds = _load_or_exit(dataset)
        console.print(f"[green]✓[/] dataset {ds.source}: {len(ds.units):,} units, {len(ds.staff):,} staff")
        if scen.conversions and (ds.conversions is None or ds.conversions.empty):
            console.print("[yellow]![/] --conversions: the dataset has no conversions table, so no one "
                          "can be retrained; only same-position moves are made")

        def progress(stage: str) -> None:
            status.update(f"{labels.get(stage, stage)}…")

        if decisions is not None:   # docs/contract.md §8: the file's decisions replace the dataset's
            ds = ds.replace(decisions=read_decisions(decisions, ds))
        base = read_baseline(baseline, ds) if baseline is not None else None
        # the worker draws the report's figures while the plan is audited and explained
        chosen = None if worker is None else (
            lambda transfers, units_after: worker.send_chosen(transfers, units_after, scen, ds.units, ds.provinces))
        try:
            plan = solve_plan(ds, scen, progress=progress, baseline=base, on_chosen=chosen)
        except PlanAuditError as e:
            console.print(f"[red]The plan failed its independent audit — nothing written.[/] {e}")
            raise typer.Exit(1) from None
        status.update("writing the files…")
        with staged_output(out) as folder:
            written = write_outputs(plan, folder, report=report, units=ds.units, provinces=ds.provinces,
                                    worker=worker)
    s = plan.summary
    filled = s["shortage_before"] - s["shortage_after"]
    console.print(f"[green]✓[/] plan {s['status']} ({s['method']}), audit "
                  f"{'passed' if s['check']['passed'] else 'FAILED'} on {len(s['check']['rules'])} rules")
    for stage in s.get("solver_stages") or []:
        if stage.get("fallback"):      # --solver mip that did not finish: say so here, not only in summary.json
            console.print(f"[yellow]![/] the MIP did not finish: {stage['fallback']}; this plan is the "
                          "network flow's proven optimum")
    typer.echo(f"Shortage {s['shortage_before']:,} → {s['shortage_after']:,} "
               f"(filled {filled:,}, {s['fill_rate']:.1%}; ceiling without a distance limit {s['ceiling']:,})")
    typer.echo(f"Surplus {s['surplus_before']:,} → {s['surplus_after']:,}; {s['moves']:,} transfers, "
               f"{s['total_km']:,.1f} km in all, {s['mean_km']:.1f} km on average; "
               f"{s['units_short_after']:,} units still short in some position")
    if "voluntary_moves" in s:
        line = f"Voluntary moves {s['voluntary_moves']:,}, involuntary {s['involuntary_moves']:,}"
        if "baseline_kept" in s:
            line += (f"; against the baseline: kept {s['baseline_kept']:,}, dropped {s['baseline_dropped']:,}, "
                     f"added {s['baseline_added']:,}")
        typer.echo(line)
    rt = s.get("retraining")
    if rt:
        typer.echo(f"Retraining: {rt['retrained']:,} of the moves change position "
                   f"({rt['retrained_in_place']:,} in place), training cost {rt['training_cost_vnd']:,.0f} VND")
    off = s.get("officers")
    if off:
        if off.get("status") == "optimal":
            typer.echo(f"Officers: {off['posted']} posted, total match score {off['total_score']:g}")
        else:
            typer.echo(f"Officers: not posted — {off.get('message', off.get('status'))}")
    if plan.note:
        typer.echo(f"Note: {plan.note}")
    typer.echo(f"Wrote {', '.join(p.name for p in written)} to {out} in {time.perf_counter() - t0:.1f} s")


#: The tables `staffing officers` needs (docs/contract.md §4); the roster, when there, sets the tie-break.
OFFICERS_NEED = ("provinces",)


@app.command()
def roadmap(
    dataset: DatasetArg = None,
    out: OutArg = Path("roadmap"),
    start_year: Annotated[Optional[int], typer.Option(help="First decision date: 1 January of this year (default: 2026).")] = None,
    end_year: Annotated[Optional[int], typer.Option(help="Last decision date: 1 January of this year (default: 2030).")] = None,
    budget_vnd: Annotated[Optional[float], typer.Option(help="Total budget over the horizon, VND (default: no limit).")] = None,
    max_km: Annotated[Optional[float], typer.Option(help="Longest transfer in km (default: 40).")] = None,
    cross_province: Annotated[Optional[bool], typer.Option(
        "--cross-province/--same-province", help="Allow moves between provinces (default: same province).",
        show_default=False)] = None,
    no_recruit: Annotated[bool, typer.Option("--no-recruit", help="No recruitment.")] = False,
    no_early_retirement: Annotated[bool, typer.Option("--no-early-retirement", help="No early retirement.")] = False,
    province: Annotated[Optional[list[str]], typer.Option(
        "--province", "-p", help="Plan only for this province (code); repeat for several.")] = None,
    scenario: Annotated[Optional[Path], typer.Option(help="A scenario TOML file; options given here win.")] = None,
    time_limit: Annotated[Optional[float], typer.Option(help="Seconds for the solver, all stages (default: 600).")] = None,
    report: Annotated[bool, typer.Option("--report/--no-report", help="Write report.html.")] = True,
    conversions: Annotated[Optional[bool], typer.Option(
        "--conversions", help="Transfers may also retrain a person into another position listed in the "
                              "dataset's conversions table (docs/contract.md §6).")] = None,
    decisions: Annotated[Optional[Path], typer.Option(
        help="The planner's decisions (keep / exempt / move), as for solve; a move is a transfer on the "
             "first decision date (docs/contract.md §9).")] = None,
) -> None:
    """The roadmap to the quota (docs/contract.md §9): transfers, retraining, early retirement and recruitment, year by year."""
    from optimizer.roadmap import RoadmapAuditError, plan_roadmap
    from optimizer.roadmap.console import STAGE_LABELS, conversions_warning, result_lines
    from optimizer.roadmap.files import write_roadmap

    scen = _scenario_or_exit(scenario, start_year=start_year, end_year=end_year, budget_vnd=budget_vnd,
                             max_km=max_km, cross_province=cross_province,
                             recruit=False if no_recruit else None,
                             early_retirement=False if no_early_retirement else None,
                             time_limit=time_limit, provinces=province or None, conversions=conversions)
    if "time_limit" not in scen.model_fields_set:      # the roadmap's own default (§9)
        scen = scen.model_copy(update={"time_limit": 600.0})
    if dataset is None and scen.dataset is not None:
        dataset = scen.dataset
    console = _console()
    t0 = time.perf_counter()
    with console.status("reading and validating the dataset…") as status:
        ds = _load_or_exit(dataset)
        console.print(f"[green]✓[/] dataset {ds.source}: {len(ds.units):,} units, {len(ds.staff):,} staff")
        if conversions_warning(ds, scen):
            console.print(f"[yellow]![/] {conversions_warning(ds, scen)}")
        if decisions is not None:   # docs/contract.md §8: the file's decisions replace the dataset's
            ds = ds.replace(decisions=read_decisions(decisions, ds))

        def progress(stage: str) -> None:
            status.update(f"{STAGE_LABELS.get(stage, stage)}… ({time.perf_counter() - t0:.0f} s)")

        try:
            rm = plan_roadmap(ds, scen, progress=progress)
        except RoadmapAuditError as e:
            console.print(f"[red]The roadmap failed its independent audit — nothing written.[/] {e}")
            raise typer.Exit(1) from None
        status.update("writing the files…")
        written = write_roadmap(rm, out, report=report, provinces=ds.provinces)
    s = rm.summary
    gap = "" if s["status"] == "optimal" else f" (stopped on {s['stopped_on']}, gap {s['gap'].get(s['stopped_on'])})"
    console.print(f"[green]✓[/] roadmap {s['status']}{gap}, audit passed on {len(s['check']['rules'])} rules")
    typer.echo("\n".join(result_lines(rm)))
    typer.echo(f"Wrote {', '.join(p.name for p in written)} to {out} in {time.perf_counter() - t0:.1f} s")


@app.command()
def officers(
    out: OutArg,
    dataset: DatasetArg = None,
    allow_home_province: Annotated[bool, typer.Option(
        "--allow-home-province", help="Officers may be posted to their home province.")] = False,
) -> None:
    """Post the Ministry's support officers, one to each province, with the best match of expertise."""
    check_output_folder(out)
    # provinces, officers and province_needs are all it needs (docs/contract.md §4); the pair rule
    # of validation asks for officers and province_needs together, and none is refused below
    ds = _load_or_exit(dataset, need=OFFICERS_NEED)
    if not ds.has_officers:
        typer.echo("error: the dataset has no officers / province_needs tables: nothing to post", err=True)
        raise typer.Exit(1)
    try:
        post = post_officers(ds, allow_home_province=allow_home_province)
    except PostingError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from None
    with staged_output(out) as folder:
        written = _write_postings_for(ds, post, folder)
    t = post.table
    for r in t.itertuples():
        alt = ((f"equally good: {r.alternative_officer_id}" if r.alternative_loss == 0
                else f"next best {r.alternative_officer_id} (total −{r.alternative_loss:g})")
               if isinstance(r.alternative_officer_id, str) and r.alternative_officer_id else "no alternative")
        typer.echo(f"  {r.province_code} {r.province_name:<26} ← {r.officer_id} {r.full_name:<22} "
                   f"score {r.score:g}; covers {r.covered or '—'}; uncovered {r.uncovered or '—'}; {alt}")
    if len(post.unposted):
        typer.echo(f"Not posted: {', '.join(post.unposted['officer_id'])}")
    typer.echo(f"Total match score {post.total_score:g} ({post.status}); {post.secondary_rule}")
    if ds.note:
        typer.echo(f"Note: {ds.note}")
    typer.echo(f"Wrote {', '.join(p.name for p in written)} to {out}")


@app.command()
def compare(
    out: OutArg,
    scenario_files: Annotated[list[Path], typer.Argument(help="Scenario TOML files.", show_default=False)] = None,
    dataset: Annotated[Optional[Path], typer.Option(
        help="Dataset for the scenarios that name none (default: the national dataset).")] = None,
    max_km: Annotated[Optional[str], typer.Option(
        help="A sweep: comma-separated limits, e.g. 10,20,40,80 (applied to each file, or to the defaults).")] = None,
    processes: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 2,
    roadmap: Annotated[bool, typer.Option(
        "--roadmap", help="Compare roadmaps (docs/contract.md §9) instead of one-date plans.")] = False,
    budget_vnd: Annotated[Optional[str], typer.Option(
        help="Roadmaps: a budget sweep, comma-separated VND totals (none = no limit), e.g. 0,2e11,5e11,1e12 "
             "(applied to each file, or to the defaults; implies --roadmap).")] = None,
    province: Annotated[Optional[list[str]], typer.Option(
        "--province", "-p", help="Plan only for this province (code); repeat for several.")] = None,
) -> None:
    """Solve several scenarios (in parallel) and compare their key figures side by side."""
    scenarios = []
    for f in scenario_files or []:
        s = _scenario_or_exit(f, provinces=province or None)
        if s.name == "default":
            s = s.model_copy(update={"name": f.stem})
        scenarios.append(s)
    if roadmap or budget_vnd is not None:    # roadmaps side by side: optimizer.roadmap.compare
        return _compare_roadmaps(scenarios, out, dataset, max_km, budget_vnd, province, processes)
    if province and not scenarios:
        scenarios = [Scenario(provinces=province)]
    if max_km:
        try:
            limits = [float(x) for x in max_km.split(",") if x.strip()]
        except ValueError:
            raise typer.BadParameter(f"--max-km wants numbers separated by commas, got {max_km!r}") from None
        for base in scenarios:
            for key in sweep_overrides(base, limits):
                typer.echo(f"Sweep: --max-km {max_km} overrides {key} = {getattr(base, key):g} of {base.name}.")
        scenarios = [x for base in (scenarios or [Scenario()]) for x in sweep(base, limits)]
    if not scenarios:
        raise typer.BadParameter("give scenario files, --max-km, or both")
    check_output_folder(out)
    df = run_compare(scenarios, dataset_path=dataset, processes=processes)
    for name, kept in df.attrs.get("dropped", []):
        typer.echo(f"Dropped {name}: the same settings as {kept} (solved once).")
    print_comparison(df)
    with staged_output(out) as folder:
        written = write_comparison(df, folder)
    typer.echo(f"Wrote {', '.join(p.name for p in written)} to {out}")


def _compare_roadmaps(scenarios, out, dataset, max_km, budget_vnd, province, processes) -> None:
    """`compare --roadmap` / `--budget-vnd`: the sweeps, the roadmaps, the files (whole or nothing)."""
    # imported here on purpose: matplotlib (≈ 0.5 s) only when a roadmap comparison is drawn
    from optimizer.roadmap.compare_files import print_roadmap_comparison, write_roadmap_comparison

    budgets = parse_budgets(budget_vnd, "--budget-vnd") if budget_vnd is not None else None
    try:
        limits = [float(x) for x in max_km.split(",") if x.strip()] if max_km else None
    except ValueError:
        raise typer.BadParameter(f"--max-km wants numbers separated by commas, got {max_km!r}") from None
    if not scenarios and (limits or budgets is not None or province):
        scenarios = [Scenario(provinces=province or [])]
    scenarios, overrides = roadmap_sweep(scenarios, budgets=budgets, max_km=limits)
    if not scenarios:
        raise typer.BadParameter("give scenario files, --budget-vnd, --max-km, or several of them")
    for line in overrides:
        typer.echo(line)
    check_output_folder(out)
    df = compare_roadmaps(scenarios, dataset=dataset, processes=processes)
    for name, kept in df.attrs.get("dropped", []):
        typer.echo(f"Dropped {name}: the same settings as {kept} (solved once).")
    print_roadmap_comparison(df)
    with staged_output(out) as folder:
        written = write_roadmap_comparison(df, folder, overrides=overrides)
    typer.echo(f"Wrote {', '.join(p.name for p in written)} to {out}")


if __name__ == "__main__":

    app()
