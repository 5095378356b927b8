"""Scenarios side by side: each solved exactly in its own process, only the figures kept.

    compare(scenarios, *, dataset_path=None, processes=2, progress=True) -> DataFrame
    sweep(base, max_km_values) -> list[Scenario]
    write_comparison(df, out_dir, note=None) -> [comparison.csv, comparison.xlsx]
    print_comparison(df, console=None)

`compare` gives one row per distinct scenario, in the order given, with the columns of `COLUMNS`:
the scenario's settings, then the key figures of its plan (`Plan.summary`, DESIGN.md),
then `wall_seconds` (the pipeline for that scenario, without reading the data) and the
dataset's note. A scenario with the same settings and dataset as an earlier one (only the name
differs — say a file's max_km overridden by a sweep) is solved once: its row is dropped and
``df.attrs["dropped"]`` lists (dropped name, name kept). `sweep_overrides` says which settings
of a scenario file a sweep replaced.

How the work is shared. Scenarios are solved by `optimizer.plan.solve` (which applies the
scenario's quota adjustment) in a `ProcessPoolExecutor` of `processes` workers started with
the "spawn" method (no fork of a parent that may hold threads, e.g. a notebook kernel; the
same on Linux, macOS and Windows). A worker reads a dataset once and keeps it for the next
scenario on the same dataset; the scenarios are handed out grouped by dataset. Workers send
back the figures only, never the Plan, so the parent stays small. With `processes=1` the
scenarios are solved one after the other in the calling process (nothing is spawned).

Which dataset: a scenario's own `dataset` (a scenario file's path is relative to the file),
else `dataset_path`, else `models.io.default_dataset_path()`. To make one dataset win over
the files, load them with `Scenario.from_toml(path, dataset=...)`.

Errors. A bad dataset raises `DatasetError` (every problem), a bad scenario `ScenarioError`
(naming the key: loading a scenario file does that before anything is solved; a province
code of `quota_adjust_pct_by_province` that the dataset lacks is found by the worker), in the
calling process, with the scenario's name in the message; other failures raise
`ComparisonError` naming the scenario. The remaining scenarios are then cancelled.

The files of `write_comparison` are written by `optimizer.output.tables.write_csv_table` and
`write_workbook` (same number formatting, same formula-injection guard, byte-deterministic
workbook) with export's Vietnamese labels; the columns it does not label are labelled here
(`LABELS_VI`).
"""
from __future__ import annotations

import math
import os
import pickle
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models.io import default_dataset_path, read_dataset
from models.scenario import Scenario, ScenarioError
from models.validation import DatasetError
from optimizer.output.naming import dataset_name
from optimizer.output.tables import Sheet, TextSheet, write_csv_table, write_workbook
from optimizer.output.vocabulary import (COMPARISON_DESCRIPTIONS_VI, COMPARISON_LABELS_EN, COMPARISON_LABELS_VI,
                                         METHOD_VI, SCENARIO_LABELS_VI, STATUS_SHORT_VI, STATUS_VI,
                                         SUMMARY_LABELS_VI)
from optimizer.output.vocabulary import DESCRIPTIONS_VI as PLAN_DESCRIPTIONS_VI
from optimizer.output.vocabulary import LABELS_VI as PLAN_LABELS_VI
from optimizer.plan import solve

__all__ = ["compare", "sweep", "sweep_overrides", "identical_groups", "write_comparison", "print_comparison", "ComparisonError",
           "run_scenarios", "ScenarioRuns", "COLUMNS", "SETTING_COLUMNS", "FIGURE_COLUMNS", "LABELS_VI", "LABELS_EN"]

# --------------------------------------------------------------------------- columns

#: The scenario's settings (one text column for the per-province quota adjustments).
SETTING_COLUMNS: tuple[str, ...] = (
    "name", "provinces", "max_km", "cross_province", "cross_province_into", "protect_years", "plan_date",
    "quota_adjust_pct", "quota_adjust_pct_by_province", "dataset",
)
#: Figures of the plan, taken from `Plan.summary` under the same names.
SUMMARY_FIGURES: tuple[str, ...] = (
    "shortage_before", "shortage_after", "fill_rate", "moves", "total_km", "mean_km",
    "units_short_before", "units_short_after", "ceiling", "ceiling_fill_rate",
    "weighted_shortage_before", "weighted_shortage_after", "surplus_after", "status", "method",
    "solve_seconds",
)
FIGURE_COLUMNS: tuple[str, ...] = SUMMARY_FIGURES + ("wall_seconds",)
COLUMNS: tuple[str, ...] = SETTING_COLUMNS + FIGURE_COLUMNS + ("data_note",)

#: Columns that vary from run to run (left out when results are compared for equality).
TIMING_COLUMNS: tuple[str, ...] = ("solve_seconds", "wall_seconds")

#: Fixed decimals in comparison.csv / .xlsx (other numbers: whole, or up to 6 decimals).
DECIMALS: dict[str, int] = {
    "total_km": 1, "mean_km": 3, "fill_rate": 4, "ceiling_fill_rate": 4,
    "solve_seconds": 3, "wall_seconds": 3,
}

_INT_COLUMNS = ("shortage_before", "shortage_after", "moves", "units_short_before", "units_short_after",
                "ceiling", "weighted_shortage_before", "weighted_shortage_after", "surplus_after")
_FLOAT_COLUMNS = ("max_km", "protect_years", "quota_adjust_pct", "fill_rate", "total_km", "mean_km",
                  "ceiling_fill_rate", "solve_seconds", "wall_seconds")


def _labels_vi() -> dict[str, str]:
    out = {}
    for col in COLUMNS:
        for table in (COMPARISON_LABELS_VI, SCENARIO_LABELS_VI, SUMMARY_LABELS_VI, PLAN_LABELS_VI):
            if col in table:
                out[col] = table[col]
                break
        else:                                   # pragma: no cover - a new column without a label
            raise KeyError(f"no Vietnamese label for the comparison column {col!r}")
    return out


#: Vietnamese column labels (workbook header, table rows): the plan's labels where it has them.
LABELS_VI: dict[str, str] = _labels_vi()
LABELS_EN: dict[str, str] = COMPARISON_LABELS_EN
DESCRIPTIONS_VI: dict[str, str] = COMPARISON_DESCRIPTIONS_VI

class ComparisonError(RuntimeError):
    """A scenario of a comparison failed for a reason other than bad input."""


# --------------------------------------------------------------------------- scenarios

def _number_text(x: float) -> str:
    """10.0 → "10", 12.5 → "12.5" (no exponent, no trailing zeros)."""
    x = float(x)
    if x.is_integer():
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".")


def sweep(base: Scenario, max_km_values: Iterable[float]) -> list[Scenario]:
    """One scenario per `max_km` value, otherwise the same as `base`, in the order given.

    Named "max_km=10", "max_km=20", … — prefixed by the base's name ("reach, max_km=10")
    unless the base has the default name, so that sweeps of several scenarios stay apart.
    A bad value (≤ 0, not a number) raises ScenarioError naming `max_km`; a value given twice
    raises ValueError.
    """
    values = list(max_km_values)
    if not values:
        raise ValueError("sweep: give at least one max_km value")
    seen: set[float] = set()
    out = []
    default_name = Scenario.model_fields["name"].default
    for v in values:
        try:
            key = float(v)
        except (TypeError, ValueError):
            key = None
        if key is not None and key in seen:
            raise ValueError(f"sweep: max_km {_number_text(key)} is given twice")
        label = f"max_km={_number_text(key)}" if key is not None and math.isfinite(key) else f"max_km={v}"
        name = label if base.name == default_name else f"{base.name}, {label}"
        data = base.model_dump()
        data.update(name=name, max_km=v)
        out.append(Scenario.from_dict(data, f"sweep of scenario {base.name!r}"))
        if key is not None:
            seen.add(key)
    return out


def sweep_overrides(base: Scenario, max_km_values: Iterable[float]) -> list[str]:
    """The settings of `base` that a sweep replaces: ``["max_km"]`` when the scenario (its file)
    set a max_km of its own that the sweep overrides, else ``[]``."""
    values = {float(v) for v in max_km_values}
    if "max_km" in base.model_fields_set and values != {float(base.max_km)}:
        return ["max_km"]
    return []


def _identity(scenario: Scenario, dataset: str) -> tuple:
    """What a plan depends on: every setting but the name, and the dataset."""
    data = scenario.to_dict()
    data.pop("name", None)
    data["dataset"] = str(Path(dataset).resolve()) if dataset else dataset
    return tuple(sorted((k, repr(v)) for k, v in data.items()))


def identical_groups(scenarios: Sequence[Scenario], paths: Sequence[str]) -> list[int]:
    """For each scenario the index of the first one with the same settings and dataset (itself
    when it is the first): scenarios that differ only by their name give the same plan."""
    first: dict[tuple, int] = {}
    return [first.setdefault(_identity(s, p), i) for i, (s, p) in enumerate(zip(scenarios, paths))]


# --------------------------------------------------------------------------- workers

class _Runner:
    """Solves scenarios, keeping the last dataset read (one per worker process)."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.ds = None

    def dataset(self, path: str):
        if self.path != path:
            self.ds = None                      # free the previous one first
            self.ds = read_dataset(path)
            self.path = path
        return self.ds

    def run(self, scenario: Scenario, path: str) -> dict:
        """The figures of one scenario, or {"error": ...} in a form that crosses processes."""
        try:
            ds = self.dataset(path)
            t = time.perf_counter()
            plan = solve(ds, scenario)
            wall = time.perf_counter() - t
            figures = {k: plan.summary.get(k) for k in SUMMARY_FIGURES}
            figures["wall_seconds"] = round(wall, 3)
            figures["data_note"] = plan.note or ""
            return figures
        except Exception as e:                  # noqa: BLE001 - re-raised in the parent
            return {"error": _portable(e)}


_WORKER = _Runner()


def _work(scenario: Scenario, path: str) -> dict:
    """Entry point of a worker process (module level, so that "spawn" can import it)."""
    return _WORKER.run(scenario, path)


def _portable(e: Exception) -> tuple:
    """An exception as plain data that pickles and rebuilds with its attributes."""
    if isinstance(e, DatasetError):
        return ("dataset", list(e.problems), None if e.source is None else str(e.source))
    if isinstance(e, ScenarioError):
        return ("scenario", str(e), None if e.file is None else str(e.file), e.key, _plain(e.value))
    try:                                        # an exception that survives the trip as itself
        back = pickle.loads(pickle.dumps(e))
        if type(back) is type(e) and str(back) == str(e):
            return ("same", e, "".join(traceback.format_exception(e)))
    except Exception:                           # noqa: BLE001
        pass
    return ("other", type(e).__name__, str(e), "".join(traceback.format_exception(e)))


def _plain(value: Any) -> Any:
    try:
        pickle.dumps(value)
        return value
    except Exception:                           # noqa: BLE001
        return repr(value)


def _raise(error: tuple, name: str) -> None:
    kind = error[0]
    where = f"scenario {name!r}"
    if kind == "dataset":
        e = DatasetError(error[1], source=error[2])
        e.add_note(f"(while solving {where})")
        raise e
    if kind == "scenario":
        _, message, file, key, value = error
        raise ScenarioError(f"{where}: {message}", file=file, key=key, value=value)
    if kind == "same":
        e = error[1]
        e.add_note(f"(while solving {where}; worker traceback:\n{error[2]})")
        raise e
    _, type_name, message, tb = error
    raise ComparisonError(f"{where} failed: {type_name}: {message}\n{tb}")


# --------------------------------------------------------------------------- compare

def _dataset_text(scenario: Scenario, dataset_path) -> str:
    if scenario.dataset is not None:
        return str(scenario.dataset)
    if dataset_path is not None:
        return str(dataset_path)
    return str(default_dataset_path())


def _province_text(by_province: dict) -> str:
    """{"79": -3, "01": 5} → "01: +5; 79: -3" (sorted by code)."""
    return "; ".join(f"{code}: {'+' if float(pct) >= 0 else '-'}{_number_text(abs(float(pct)))}"
                     for code, pct in sorted(by_province.items()))


def _settings(scenario: Scenario, dataset: str) -> dict:
    return {
        "name": scenario.name,
        "max_km": float(scenario.max_km),
        "cross_province": bool(scenario.cross_province),
        "cross_province_into": "; ".join(scenario.cross_province_into),
        "provinces": "; ".join(scenario.provinces),
        "protect_years": float(scenario.protect_years),
        "plan_date": scenario.plan_date.isoformat(),
        "quota_adjust_pct": float(scenario.quota_adjust_pct),
        "quota_adjust_pct_by_province": _province_text(scenario.quota_adjust_pct_by_province),
        "dataset": dataset,
    }


def _progress_bar(progress):
    """A rich Progress on the terminal (stderr) or a given Console; None when progress is off."""
    if progress is False or progress is None:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = progress if isinstance(progress, Console) else Console(stderr=True)
    return Progress(TextColumn("[bold]So sánh kịch bản / scenarios[/]"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"),
                    console=console, transient=False)


def _done_line(name: str, figures: dict) -> str:
    rate = figures.get("fill_rate")
    rate_text = f"{100 * rate:.1f} %" if isinstance(rate, (int, float)) else "?"
    return (f"✓ {name}: lấp đầy / fill rate {rate_text}, {figures.get('moves', 0):,} người / moves, "
            f"{figures.get('wall_seconds', 0):.1f} s")


def compare(scenarios: Sequence[Scenario], *, dataset_path: str | os.PathLike | None = None,
            processes: int = 2, progress: Any = True) -> pd.DataFrame:
    """Solve every scenario (in `processes` worker processes) and tabulate the figures.

    Returns one row per scenario, in the order given, with the columns `COLUMNS`
    (settings, figures, `wall_seconds`, `data_note`); `df.attrs["elapsed_seconds"]` is the
    wall time of the whole comparison and `df.attrs["data_note"]` the note(s) of the data.
    `progress`: True for a rich progress bar on stderr, False for none, or a rich Console.
    See the module docstring for the dataset used, the processes and the errors raised.
    """
    t0 = time.perf_counter()
    runs = run_scenarios(scenarios, caller="compare", dataset=dataset_path, processes=processes, progress=progress,
                         make_runner=_Runner, work=_work, solving_text="đang giải / solving", done_line=_done_line)
    rows = [{**_settings(s, p), **r} for s, p, r in zip(runs.scenarios, runs.paths, runs.results)]
    df = _typed(pd.DataFrame(rows, columns=list(COLUMNS)))
    df.attrs["data_note"] = " | ".join(dict.fromkeys(n for n in df["data_note"] if n))
    df.attrs["dropped"] = runs.dropped
    df.attrs["elapsed_seconds"] = round(time.perf_counter() - t0, 3)
    return df


@dataclass(frozen=True)
class ScenarioRuns:
    """What `run_scenarios` ran: the distinct scenarios (in the order given), their datasets, their figures;
    and the (dropped name, name kept) pairs of the scenarios identical to an earlier one."""
    scenarios: list[Scenario]
    paths: list[str]
    results: list[dict]
    dropped: list[tuple[str, str]]


def run_scenarios(scenarios: Iterable[Scenario], *, caller: str, dataset: str | os.PathLike | None, processes: int,
                  progress: Any, make_runner: Callable[[], _Runner], work: Callable[[Scenario, str], dict],
                  solving_text: str, done_line: Callable[[str, dict], str], in_process: bool = False) -> ScenarioRuns:
    """The runs behind `compare` and `optimizer.roadmap.compare.compare_roadmaps`: check the arguments (the
    errors start with `caller`), solve once the scenarios with the same settings and dataset (`dataset`: for
    those that name none), and run the others grouped by dataset, with `make_runner().run` in this process
    (one process, or `in_process`) else `work` in a pool, a progress bar (`solving_text`, `done_line`) on
    `progress`. A failure raises (`_raise`) naming the scenario; the others are cancelled."""
    scenarios = list(scenarios)
    if not scenarios:
        raise ValueError(f"{caller}: give at least one scenario")
    for s in scenarios:
        if not isinstance(s, Scenario):
            raise TypeError(f"{caller}: expected Scenario objects, got {type(s).__name__}")
    if int(processes) < 1:
        raise ValueError(f"{caller}: processes must be at least 1, not {processes}")
    paths = [_dataset_text(s, dataset) for s in scenarios]
    # the same settings on the same data give the same plan: solve it once, drop the others
    same_as = identical_groups(scenarios, paths)
    dropped = [(scenarios[i].name, scenarios[j].name) for i, j in enumerate(same_as) if i != j]
    keep = [i for i, j in enumerate(same_as) if i == j]
    scenarios, paths = [scenarios[i] for i in keep], [paths[i] for i in keep]
    # grouped by dataset (stable), so a worker rarely has to read another one
    order = sorted(range(len(scenarios)), key=lambda i: paths[i])
    results: list[dict] = [{} for _ in scenarios]
    n_proc = 1 if in_process else min(int(processes), len(scenarios))

    bar = _progress_bar(progress)
    task = None
    if bar is not None:
        bar.start()
        task = bar.add_task("", total=len(scenarios))

    def finished(i: int, figures: dict) -> None:
        if "error" in figures:
            _raise(figures["error"], scenarios[i].name)
        results[i] = figures
        if bar is not None:
            bar.console.print(done_line(scenarios[i].name, figures))
            bar.advance(task)

    try:
        if n_proc == 1:
            runner = make_runner()              # in this process; the dataset is freed at the end
            for i in order:
                if bar is not None:
                    bar.update(task, description=f"{solving_text} {scenarios[i].name}")
                finished(i, runner.run(scenarios[i], paths[i]))
        else:
            _compare_in_pool(scenarios, paths, order, n_proc, finished, bar, task, work)
    finally:
        if bar is not None:
            bar.update(task, description="")
            bar.stop()
    return ScenarioRuns(scenarios, paths, results, dropped)


def _compare_in_pool(scenarios, paths, order, n_proc, finished, bar, task, work) -> None:
    """Hand the scenarios to `n_proc` spawned workers running `work(scenario, path)` (a module-level
    function: `_work` solves a plan, optimizer.roadmap.compare's `_work` a roadmap)."""
    pool = ProcessPoolExecutor(max_workers=n_proc, mp_context=get_context("spawn"))
    futures: dict[Future, int] = {}
    try:
        for i in order:
            futures[pool.submit(work, scenarios[i], paths[i])] = i
        if bar is not None:
            bar.update(task, description=f"{n_proc} tiến trình / processes")
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in sorted(done, key=lambda f: futures[f]):
                finished(futures[f], f.result())
    except BaseException:
        for f in futures:
            f.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Stable dtypes whatever the figures: int64, float64, bool, and text."""
    out = df.copy()
    for c in _INT_COLUMNS:
        out[c] = pd.to_numeric(out[c]).astype("int64")
    for c in _FLOAT_COLUMNS:
        out[c] = pd.to_numeric(out[c]).astype("float64")
    out["cross_province"] = out["cross_province"].astype(bool)
    for c in ("name", "plan_date", "quota_adjust_pct_by_province", "dataset", "status", "method",
              "data_note"):
        out[c] = out[c].fillna("").astype(str)
    return out


# --------------------------------------------------------------------------- files

def _frame_for_files(df: pd.DataFrame) -> pd.DataFrame:
    """The table with the columns of `COLUMNS` first, then its own extras."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"not a comparison table: the column(s) {', '.join(missing)} are missing")
    order = list(COLUMNS) + [c for c in df.columns if c not in COLUMNS]
    return df.loc[:, order].reset_index(drop=True)


def _note_of(df: pd.DataFrame, note: str | None) -> str:
    if note:
        return note
    if df.attrs.get("data_note"):
        return str(df.attrs["data_note"])
    notes = list(dict.fromkeys(n for n in df.get("data_note", pd.Series([], dtype=str)) if n))
    return " | ".join(notes)


def write_comparison(df: pd.DataFrame, out_dir: str | os.PathLike, note: str | None = None) -> list[Path]:
    """Write `comparison.csv` and `comparison.xlsx` into `out_dir` (created if needed).

    CSV: UTF-8 with BOM, the column names of `COLUMNS` as header, fixed decimals
    (`DECIMALS`), text that a spreadsheet would run as a formula neutralised.
    Workbook: sheet "So sánh kịch bản" with Vietnamese labels, frozen header, filter and
    column widths; sheet "Ghi chú" with the data note (`note`, else the table's own) and what
    each column means. The same table gives the same bytes.
    """

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = _frame_for_files(df)
    frame["dataset"] = frame["dataset"].map(lambda d: dataset_name(d) or "")   # a name, not a path (§5)
    csv_path = write_csv_table(frame, out_dir / "comparison.csv", decimals=DECIMALS)
    xlsx_path = _write_xlsx(frame, out_dir / "comparison.xlsx", _note_of(df, note))
    return [csv_path, xlsx_path]


def _write_xlsx(frame: pd.DataFrame, path: Path, note: str) -> Path:
    import datetime as dt

    dates = sorted(d for d in frame["plan_date"].astype(str) if d)
    try:
        day = dt.date.fromisoformat(dates[0]) if dates else None
    except ValueError:
        day = None
    labels = {str(c): LABELS_VI.get(c, str(c)) for c in frame.columns}
    rows = [
        [(note or "(Bộ dữ liệu không có ghi chú)", "note")],
        [],
        ["Mỗi dòng là một kịch bản, giải tối ưu chính xác trên cùng quy tắc; các chỉ tiêu "
         "giống tệp summary.json của lệnh solve."],
        ["Tệp comparison.csv cùng thư mục dùng tên trường (cột thứ hai) làm tiêu đề."],
        [],
        [("Cột", "header"), ("Tên trường (CSV)", "header"), ("English", "header"),
         ("Ý nghĩa", "header")],
    ]
    for name in labels:
        meaning = DESCRIPTIONS_VI.get(name) or PLAN_DESCRIPTIONS_VI.get(name, "")
        rows.append([(labels[name], "wrap"), (name, "wrap"),
                     (LABELS_EN.get(name, ""), "wrap"), (meaning, "wrap")])
    return write_workbook(path, [
        Sheet("So sánh kịch bản", frame, labels, {"status": STATUS_VI, "method": METHOD_VI}, DECIMALS),
        TextSheet("Ghi chú", rows, (36.0, 30.0, 30.0, 80.0)),
    ], date=day, title="So sánh kịch bản điều động công chức")


# --------------------------------------------------------------------------- terminal

def _cell_text(name: str, value: Any) -> str:
    """A value as the terminal shows it (short: the workbook has the full wording)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if name == "status":
        return STATUS_SHORT_VI.get(str(value), str(value)).lower()
    if isinstance(value, (bool, np.bool_)):
        return "có" if value else "không"
    if name in ("fill_rate", "ceiling_fill_rate"):
        return f"{100 * float(value):.1f}%"
    if name in DECIMALS:
        return f"{float(value):,.{min(DECIMALS[name], 1)}f}"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return _number_text(float(value))
    return str(value)


#: Rows of the terminal table (the settings that vary, then these figures).
_PRINTED_FIGURES = ("shortage_before", "shortage_after", "fill_rate", "moves", "total_km", "mean_km",
                    "units_short_after", "ceiling", "ceiling_fill_rate", "weighted_shortage_after",
                    "status", "solve_seconds", "wall_seconds")

#: Short two-language row labels for a terminal (the workbook has the full ones, LABELS_VI).
TERMINAL_LABELS: dict[str, str] = {
    "max_km": "Tối đa km / max km",
    "cross_province": "Liên tỉnh / cross-province",
    "cross_province_into": "Chỉ vào tỉnh / only into",
    "provinces": "Tỉnh lập kế hoạch / provinces",
    "protect_years": "Bảo vệ (năm) / protect years",
    "plan_date": "Ngày kế hoạch / plan date",
    "quota_adjust_pct": "Điều chỉnh biên chế % / quota %",
    "quota_adjust_pct_by_province": "Theo tỉnh % / quota % by province",
    "dataset": "Dữ liệu / dataset",
    "shortage_before": "Thiếu trước / shortage before",
    "shortage_after": "Còn thiếu / shortage after",
    "fill_rate": "Tỷ lệ lấp đầy / fill rate",
    "moves": "Số người điều động / moves",
    "total_km": "Tổng km / total km",
    "mean_km": "Km bình quân / mean km",
    "units_short_after": "ĐV thiếu ≥ 1 vị trí / units short (any position)",
    "ceiling": "Trần lấp được / ceiling",
    "ceiling_fill_rate": "Đạt so với trần / of ceiling",
    "weighted_shortage_after": "Thiếu × ưu tiên / weighted short",
    "status": "Trạng thái / status",
    "solve_seconds": "Giây giải / solver s",
    "wall_seconds": "Giây kịch bản / scenario s",
}


def print_comparison(df: pd.DataFrame, console=None) -> None:
    """The comparison as a rich table: one column per scenario, one row per setting/figure.

    Settings are shown all when there is one scenario, else only those that differ; the
    dataset and its note go below the table when they are the same for every scenario.
    """
    from rich.console import Console
    from rich.table import Table

    df = df.reset_index(drop=True)
    if console is None:
        # a pipe or a CI log has no width: give the table what it needs rather than 80 columns
        console = Console()
        if not console.is_terminal:
            console = Console(width=max(100, 36 + 13 * len(df)))
    settings = [c for c in SETTING_COLUMNS[1:] if c in df.columns
                and (len(df) == 1 or df[c].astype(str).nunique() > 1)]
    figures = [c for c in _PRINTED_FIGURES if c in df.columns]
    table = Table(title="So sánh kịch bản / Scenario comparison", show_lines=False,
                  title_justify="left")
    table.add_column("Chỉ tiêu / Figure", style="bold", no_wrap=True)
    for name in df["name"]:
        table.add_column(str(name), justify="right", overflow="fold", min_width=9)
    for c in settings + figures:
        label = TERMINAL_LABELS.get(c) or f"{LABELS_VI.get(c, c)} / {LABELS_EN.get(c, c)}"
        table.add_row(label, *(_cell_text(c, v) for v in df[c].tolist()),
                      end_section=(c == settings[-1]) if settings else False)
    console.print(table)
    if "dataset" not in settings and "dataset" in df.columns and len(df):
        console.print(f"Dữ liệu / dataset: {df['dataset'].iat[0]}")
    note = df.attrs.get("data_note") or " | ".join(dict.fromkeys(n for n in df.get("data_note", []) if n))
    if note:
        console.print(f"[bold red]{note}[/]")
