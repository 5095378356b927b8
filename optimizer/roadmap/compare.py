"""Roadmaps side by side (docs/contract.md §9, "compare over roadmaps"): `staffing compare --roadmap`.

    parse_budgets("0,2e11,none", option="--budget-vnd") -> [0.0, 2e11, None]
    budget_sweep(base, budgets) -> list[Scenario]         # one scenario per budget
    budget_overrides(base, budgets) -> ["budget_vnd"] or []
    with_roadmap_defaults(scenario) -> Scenario            # the roadmap's time limit (600 s) unless set
    roadmap_sweep(bases, budgets=None, max_km=None) -> (scenarios, override sentences)   # the command's list
    compare_roadmaps(scenarios, *, dataset=None, processes=2, progress=True) -> DataFrame

`compare_roadmaps` runs `optimizer.roadmap.plan_roadmap(ds, scenario)` for every distinct scenario
and gives one row per scenario, in the order given, with the columns of `COLUMNS`: the roadmap
settings, then the figures of its `summary` (status, each objective component, bound and gap of
the first three, counts and cost by lever, seconds), then the dataset's note.
``df.attrs["by_year"]`` holds the per-date totals of every scenario (one row per scenario and
decision date), ``df.attrs["dropped"]`` the (dropped name, name kept) pairs of scenarios with the
same settings and dataset as an earlier one (solved once; `optimizer.compare.identical_groups`),
``df.attrs["data_note"]`` the note(s) of the data.

A budget is a total over the horizon in VND, a number ≥ 0; ``none`` means no limit. Blank items
of a list are skipped ("0,1e9," is two budgets). Anything else — a negative number, ``nan``,
``inf``, a word — is a ScenarioError naming the option and the value.

How the work is shared: as `optimizer.compare.compare` does for plans (its worker pool, its
grouping by dataset, its errors: DatasetError, ScenarioError naming the scenario, else
ComparisonError), with a worker that plans roadmaps. `dataset` may also be a loaded `Dataset`
(a notebook's): the scenarios that name no dataset of their own then use it, in this process.

The files (comparison.csv, comparison.xlsx, report.html with the trade-off chart) are written by
`optimizer.roadmap.compare_files.write_roadmap_comparison`.
"""
from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from models.dataset import Dataset
from models.scenario import Scenario, ScenarioError
from optimizer.compare import _number_text, _portable, _province_text, _Runner, run_scenarios, sweep, sweep_overrides
from optimizer.roadmap import LEVERS, plan_roadmap

__all__ = ["compare_roadmaps", "parse_budgets", "budget_sweep", "budget_overrides", "budget_text",
           "with_roadmap_defaults", "roadmap_sweep", "COLUMNS", "SETTING_COLUMNS", "FIGURE_COLUMNS", "BY_YEAR_COLUMNS",
           "TIMING_COLUMNS", "ROADMAP_TIME_LIMIT", "NO_LIMIT"]

#: The roadmap's own default time limit (seconds, all stages), as `staffing roadmap` applies it.
ROADMAP_TIME_LIMIT = 600.0
#: The word of a budget list that means "no limit".
NO_LIMIT = "none"

SETTING_COLUMNS: tuple[str, ...] = (
    "name", "provinces", "start_year", "end_year", "budget_vnd", "recruit", "recruit_from_year",
    "early_retirement", "max_recruits_per_province_per_year", "max_km", "cross_province",
    "quota_adjust_pct", "quota_adjust_pct_by_province", "dataset",
)
FIGURE_COLUMNS: tuple[str, ...] = (
    "status", "stopped_on", "end_surplus", "shortage_years", "cost_vnd", "persons_acted", "total_km",
    "surplus_before", "shortage_before", "shortage_end",
    "bound_end_surplus", "gap_end_surplus", "bound_shortage_years", "gap_shortage_years",
    "bound_cost_vnd", "gap_cost_vnd",
    "transfers", "retrains", "early_retirements", "recruits", "retirements",
    "cost_transfer_vnd", "cost_retrain_vnd", "cost_early_retirement_vnd", "cost_recruit_vnd",
    "solve_seconds", "wall_seconds",
)
COLUMNS: tuple[str, ...] = SETTING_COLUMNS + FIGURE_COLUMNS + ("data_note",)
#: Columns that vary from run to run (left out when results are compared for equality).
TIMING_COLUMNS: tuple[str, ...] = ("solve_seconds", "wall_seconds")
#: df.attrs["by_year"]: one row per scenario and decision date (the summary's per_date).
BY_YEAR_COLUMNS: tuple[str, ...] = (
    "name", "date", "surplus_after", "shortage_after", "weighted_shortage_after",
    "transfers", "retrains", "early_retirements", "recruits", "cost_vnd",
)

_INT_COLUMNS = ("start_year", "end_year", "recruit_from_year", "end_surplus", "shortage_years", "persons_acted",
                "surplus_before", "shortage_before", "shortage_end", "transfers", "retrains",
                "early_retirements", "recruits", "retirements")
_FLOAT_COLUMNS = ("budget_vnd", "max_recruits_per_province_per_year", "max_km", "quota_adjust_pct", "cost_vnd",
                  "total_km", "bound_end_surplus", "gap_end_surplus", "bound_shortage_years",
                  "gap_shortage_years", "bound_cost_vnd", "gap_cost_vnd", "cost_transfer_vnd", "cost_retrain_vnd",
                  "cost_early_retirement_vnd", "cost_recruit_vnd", "solve_seconds", "wall_seconds")
_BOOL_COLUMNS = ("recruit", "early_retirement", "cross_province")
_TEXT_COLUMNS = ("name", "provinces", "quota_adjust_pct_by_province", "dataset", "status", "stopped_on", "data_note")


# --------------------------------------------------------------------------- budgets and sweeps

def parse_budgets(text: str, option: str = "--budget-vnd") -> list[float | None]:
    """"0, 2e11, none" → [0.0, 2e11, None]; a ScenarioError names `option` and a bad value."""
    out: list[float | None] = []
    for item in str(text).split(","):
        word = item.strip()
        if not word:
            continue
        if word.lower() == NO_LIMIT:
            out.append(None)
            continue
        try:
            value = float(word)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or value < 0:
            why = "not a number" if value is None else "not a finite amount" if not math.isfinite(value) \
                else "negative"
            raise ScenarioError(f"{option}: {word!r} is {why}: give budgets in VND, numbers ≥ 0 separated by "
                                f"commas (e.g. 0,2e11,5e11), or {NO_LIMIT!r} for no limit",
                                key="budget_vnd", value=word)
        out.append(value)
    if not out:
        raise ScenarioError(f"{option}: no budget given in {text!r}", key="budget_vnd", value=text)
    return out


def budget_text(value: float | None) -> str:
    """A budget in short form: None → "none", 0 → "0", 2e11 → "2e11", 1.5e9 → "1.5e9"."""
    if value is None:
        return NO_LIMIT
    value = float(value)
    if value == 0 or abs(value) < 1e4:
        return _number_text(value)
    for digits in range(16):
        text = f"{value:.{digits}e}"
        if float(text) == value:
            mantissa, exponent = text.split("e")
            return f"{mantissa}e{int(exponent)}"
    return repr(value)                          # pragma: no cover - float repr always round-trips


def budget_sweep(base: Scenario, budgets: Iterable[float | None]) -> list[Scenario]:
    """One scenario per budget, otherwise the same as `base`, in the order given.

    Named "budget_vnd=2e11" (… prefixed by the base's name unless it is the default one, as
    `optimizer.compare.sweep` names a max_km sweep). A budget given twice is a ValueError; a
    bad one a ScenarioError naming `budget_vnd`.
    """
    values = list(budgets)
    if not values:
        raise ValueError("budget sweep: give at least one budget")
    default_name = Scenario.model_fields["name"].default
    seen: set = set()
    out = []
    for v in values:
        key = None if v is None else float(v)
        if key in seen:
            raise ValueError(f"budget sweep: the budget {budget_text(key)} is given twice")
        seen.add(key)
        label = f"budget_vnd={budget_text(key)}"
        name = label if base.name == default_name else f"{base.name}, {label}"
        data = base.model_dump(exclude_unset=True)
        data.update(name=name, budget_vnd=key)
        out.append(Scenario.from_dict(data, f"budget sweep of scenario {base.name!r}"))
    return out


def budget_overrides(base: Scenario, budgets: Iterable[float | None]) -> list[str]:
    """``["budget_vnd"]`` when the scenario (its file) set a budget of its own that the sweep
    replaces by other values, else ``[]``."""
    values = {None if v is None else float(v) for v in budgets}
    own = None if base.budget_vnd is None else float(base.budget_vnd)
    if "budget_vnd" in base.model_fields_set and values != {own}:
        return ["budget_vnd"]
    return []


def with_roadmap_defaults(scenario: Scenario) -> Scenario:
    """The scenario with the roadmap's own time limit (`ROADMAP_TIME_LIMIT`) unless it sets one;
    apply it before any sweep (a swept scenario counts every setting as set)."""
    if "time_limit" in scenario.model_fields_set:
        return scenario
    return scenario.model_copy(update={"time_limit": ROADMAP_TIME_LIMIT})


def roadmap_sweep(bases: Sequence[Scenario], *, budgets: Sequence[float | None] | None = None,
                  max_km: Sequence[float] | None = None) -> tuple[list[Scenario], list[str]]:
    """The scenarios of `staffing compare --roadmap`: each base with the roadmap's defaults
    (`with_roadmap_defaults`), swept over `max_km` (`optimizer.compare.sweep`), then each of those over
    `budgets` (`budget_sweep`); and one sentence per setting of a base that a sweep replaced."""
    scenarios = [with_roadmap_defaults(s) for s in bases]     # before any sweep (a sweep sets every key)
    overrides = []
    if budgets is not None:
        listed = ",".join(budget_text(b) for b in budgets)
        overrides += [f"Sweep: --budget-vnd {listed} overrides budget_vnd = {budget_text(s.budget_vnd)} of {s.name}."
                      for s in scenarios if budget_overrides(s, budgets)]
    if max_km:
        listed = ",".join(_number_text(k) for k in max_km)
        overrides += [f"Sweep: --max-km {listed} overrides {key} = {_number_text(getattr(s, key))} of {s.name}."
                      for s in scenarios for key in sweep_overrides(s, max_km)]
        scenarios = [x for s in scenarios for x in sweep(s, max_km)]
    if budgets is not None:
        scenarios = [x for s in scenarios for x in budget_sweep(s, budgets)]
    return scenarios, overrides


# --------------------------------------------------------------------------- workers

def _figures(s: dict) -> dict:
    """The row's figures from a roadmap's summary."""
    counts, costs = s["counts_by_action"], s["cost_by_lever"]
    out = {"status": s["status"], "stopped_on": s.get("stopped_on") or ""}
    for k in ("end_surplus", "shortage_years", "cost_vnd", "persons_acted", "total_km",
              "surplus_before", "shortage_before"):
        out[k] = s[k]
    out["shortage_end"] = s["per_date"][-1]["shortage_after"] if s["per_date"] else 0
    for k in ("end_surplus", "shortage_years", "cost_vnd"):
        out[f"bound_{k}"] = s["bound"].get(k)
        out[f"gap_{k}"] = s["gap"].get(k)
    for lever in LEVERS:
        out[f"{lever}s"] = counts.get(lever, 0)
        out[f"cost_{lever}_vnd"] = costs.get(lever, 0.0)
    out["retirements"] = counts.get("retirement", 0)
    out["solve_seconds"] = s.get("solve_seconds")
    return out


class _RoadmapRunner(_Runner):
    """Plans roadmaps, keeping the last dataset read; `memory` (a loaded Dataset) answers `label`."""

    def __init__(self, memory: Dataset | None = None, label: str | None = None) -> None:
        super().__init__()
        self.memory, self.label = memory, label

    def dataset(self, path: str):
        if self.memory is not None and path == self.label:
            return self.memory
        return super().dataset(path)

    def run(self, scenario: Scenario, path: str) -> dict:
        """The figures and per-date totals of one roadmap, or {"error": ...} (crosses processes)."""
        try:
            ds = self.dataset(path)
            t = time.perf_counter()
            rm = plan_roadmap(ds, scenario)
            wall = time.perf_counter() - t
            figures = _figures(rm.summary)
            figures["wall_seconds"] = round(wall, 3)
            figures["data_note"] = rm.note or ""
            figures["per_date"] = [{k: d.get(k, 0) for k in BY_YEAR_COLUMNS[1:]} for d in rm.summary["per_date"]]
            return figures
        except Exception as e:                  # noqa: BLE001 - re-raised in the parent
            return {"error": _portable(e)}


_WORKER = _RoadmapRunner()


def _work(scenario: Scenario, path: str) -> dict:
    """Entry point of a worker process (module level, so that "spawn" can import it)."""
    return _WORKER.run(scenario, path)


# --------------------------------------------------------------------------- compare

def _settings(scenario: Scenario, dataset: str) -> dict:
    cap = scenario.max_recruits_per_province_per_year
    return {
        "name": scenario.name,
        "provinces": "; ".join(scenario.provinces),
        "start_year": scenario.start_year,
        "end_year": scenario.end_year,
        "budget_vnd": math.nan if scenario.budget_vnd is None else float(scenario.budget_vnd),
        "recruit": bool(scenario.recruit),
        "recruit_from_year": scenario.recruit_first_year,
        "early_retirement": bool(scenario.early_retirement),
        "max_recruits_per_province_per_year": math.nan if cap is None else float(cap),
        "max_km": float(scenario.max_km),
        "cross_province": bool(scenario.cross_province),
        "quota_adjust_pct": float(scenario.quota_adjust_pct),
        "quota_adjust_pct_by_province": _province_text(scenario.quota_adjust_pct_by_province),
        "dataset": dataset,
    }


def _done_line(name: str, f: dict) -> str:
    return (f"✓ {name}: {f.get('status')}, thừa cuối / end surplus {f.get('end_surplus', 0):,}, "
            f"thiếu-năm / shortage-years {f.get('shortage_years', 0):,}, chi phí / cost "
            f"{float(f.get('cost_vnd') or 0) / 1e9:,.2f} tỷ, {f.get('wall_seconds', 0):.1f} s")


def compare_roadmaps(scenarios: Sequence[Scenario], *, dataset: str | os.PathLike | Dataset | None = None,
                     processes: int = 2, progress: Any = True) -> pd.DataFrame:
    """Plan every distinct scenario's roadmap and tabulate the figures (see the module docstring).

    `dataset`: a path (for the scenarios that name none; default: the shipped dataset) or a loaded
    Dataset (then everything runs in this process). `progress`: True for a rich progress bar on
    stderr, False for none, or a rich Console. `df.attrs["elapsed_seconds"]` is the wall time.
    """
    t0 = time.perf_counter()
    memory = dataset if isinstance(dataset, Dataset) else None
    label = None
    if memory is not None:
        label = str(memory.source) if memory.source is not None else "(dữ liệu trong bộ nhớ / in memory)"
    runs = run_scenarios(scenarios, caller="compare_roadmaps", dataset=label if memory is not None else dataset,
                         processes=processes, progress=progress, make_runner=lambda: _RoadmapRunner(memory, label),
                         work=_work, solving_text="lộ trình / roadmap", done_line=_done_line,
                         in_process=memory is not None)
    by_year = [{"name": s.name, **d} for s, r in zip(runs.scenarios, runs.results) for d in r.pop("per_date")]
    rows = [{**_settings(s, p), **r} for s, p, r in zip(runs.scenarios, runs.paths, runs.results)]
    df = _typed(pd.DataFrame(rows, columns=list(COLUMNS)))
    df.attrs["by_year"] = pd.DataFrame(by_year, columns=list(BY_YEAR_COLUMNS))
    df.attrs["data_note"] = " | ".join(dict.fromkeys(n for n in df["data_note"] if n))
    df.attrs["dropped"] = runs.dropped
    df.attrs["elapsed_seconds"] = round(time.perf_counter() - t0, 3)
    return df


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Stable dtypes whatever the figures: int64, float64 (NaN: none), bool, and text."""
    out = df.copy()
    for c in _INT_COLUMNS:
        out[c] = pd.to_numeric(out[c]).astype("int64")
    for c in _FLOAT_COLUMNS:
        out[c] = pd.to_numeric(out[c]).astype("float64")
    for c in _BOOL_COLUMNS:
        out[c] = out[c].astype(bool)
    for c in _TEXT_COLUMNS:
        out[c] = out[c].fillna("").astype(str)
    return out
