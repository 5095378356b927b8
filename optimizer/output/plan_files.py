"""Write a `Plan` to a folder: CSV, JSON and an Excel workbook for planners.

    write_plan(plan, out_dir) -> [transfers.csv, units_after.csv, summary.json,
                                  (postings.csv), plan.xlsx]

Three promises, each tested in tests/test_export.py:

* **Contract columns.** `transfers.csv`, `units_after.csv` and `postings.csv` carry the
  columns of DESIGN.md ("The Plan") in that order, then any extra columns of the frame.
  A contract column (docs/contract.md §3) missing from a non-empty frame raises `ValueError`;
  an empty frame still gets the full header.
* **Formula-injection safety** (`models.tabular.neutralise`) for every text cell.
* **Byte determinism.** The same Plan gives the same bytes: floats have fixed decimals, the
  workbook's document dates and zip entry times are the plan date. The wall-clock timings of
  the summary (`CLOCK_KEYS`) differ from run to run, so they go to summary.json only, never
  into the workbook.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from models.tabular import Column, prepare_column, scalar_text, write_csv_columns
from models.workbook import ST_BOLD, ST_DEFAULT, ST_HEADER, ST_NOTE, ST_PERCENT, ST_WRAP, Workbook, zip_day
from optimizer.explain.vocabulary import LABELS_VI as EXPLAIN_LABELS_VI
from optimizer.explain.vocabulary import REASON_VI
from optimizer.explain.vocabulary import SHEET_NAMES_VI as EXPLAIN_SHEETS_VI
from optimizer.officers import POSTINGS_COLUMNS as OFFICER_POSTINGS_COLUMNS
from optimizer.output.naming import public_settings
from optimizer.output.decision_files import (CHANGES_LABELS_VI, CHANGES_SHEET, CHANGES_VALUE_LABELS_VI,
                                             DECISION_SHEET, DECISION_SHEET_LABELS, changes_columns,
                                             decision_sheet_columns)
from optimizer.output.vocabulary import (DESCRIPTIONS_VI, LABELS_VI, METHOD_VI, SCENARIO_LABELS_VI,
                                         SHEET_DESCRIPTIONS_VI, SHEET_NAMES, STATUS_VI, SUMMARY_LABELS_VI,
                                         VALUE_LABELS_VI)
from optimizer.plan import UNITS_AFTER_COLUMNS
from optimizer.reassign.retraining import retraining_by_pair
from optimizer.reassign.selection import TRANSFER_COLUMNS as SELECTION_TRANSFER_COLUMNS

__all__ = ["write_plan", "plan_writes", "CLOCK_KEYS", "SUMMARY_KEYS", "REQUIRED_COLUMNS", "TRANSFER_COLUMNS",
           "UNITS_AFTER_COLUMNS", "POSTINGS_COLUMNS", "conform", "shortage_rows", "scenario_settings",
           "status_vi", "jsonable"]

#: The transfers' columns (defined once, where the frame is made), as a tuple.
TRANSFER_COLUMNS: tuple[str, ...] = tuple(SELECTION_TRANSFER_COLUMNS)
#: The plan's postings: the officers' columns without the province's `priority`, which the
#: plan writes after them (as an extra column) when the frame has it.
POSTINGS_COLUMNS: tuple[str, ...] = tuple(c for c in OFFICER_POSTINGS_COLUMNS if c != "priority")
#: The columns docs/contract.md §3 promises; a non-empty frame without one of them is a bug.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "transfers": ("staff_id", "from_unit", "to_unit", "position_code", "km"),
    "units_after": ("unit_code", "position_code", "staff_before", "quota", "staff_after",
                    "shortage_after", "surplus_after"),
    "postings": ("officer_id", "province_code", "score"),
}
SUMMARY_KEYS: tuple[str, ...] = (
    "status", "method", "shortage_before", "shortage_after", "weighted_shortage_before",
    "weighted_shortage_after", "surplus_before", "surplus_after", "moves", "total_km",
    "mean_km", "ceiling", "ceiling_fill_rate", "fill_rate", "units_short_before",
    "units_short_after", "objective", "bound", "gap", "solve_seconds", "timings", "check",
    "scenario", "dataset", "data_note", "officers",
)
_RATE_KEYS = frozenset({"fill_rate", "ceiling_fill_rate"})

#: Summary keys measured by the clock: they differ from run to run, so summary.json has them
#: and the workbook leaves them out (its bytes depend on the input and settings alone).
CLOCK_KEYS = frozenset({"solve_seconds", "build_seconds", "timings", "solver_stages"})

def conform(df: pd.DataFrame | None, design: Sequence[str], table: str) -> pd.DataFrame:
    """The frame with DESIGN.md's columns first (in that order), then its own extras.

    An empty frame gets every missing design column (so the header is complete); a
    non-empty frame without a contract column is a bug upstream and raises.
    """
    if df is None:
        df = pd.DataFrame()
    missing = [c for c in design if c not in df.columns]
    if len(df) > 0:
        lost = [c for c in REQUIRED_COLUMNS[table] if c in missing]
        if lost:
            raise ValueError(f"{table}: the plan lacks the contract column(s) "
                             f"{', '.join(lost)} (docs/contract.md §3)")
    else:
        df = df.copy()
        for c in missing:
            df[c] = pd.Series([], dtype=object)
    order = [c for c in design if c in df.columns] + [c for c in df.columns if c not in design]
    if len(set(order)) != len(order):
        raise ValueError(f"{table}: duplicate column names {list(df.columns)}")
    return df.loc[:, order].reset_index(drop=True)


def shortage_rows(units_after: pd.DataFrame) -> pd.DataFrame:
    """units_after rows still short, most urgent first: priority × shortage_after desc."""
    if len(units_after) == 0 or "shortage_after" not in units_after:
        out = units_after.iloc[0:0].copy()
        out["weighted_shortage_after"] = pd.Series([], dtype=float)
        return out
    short = pd.to_numeric(units_after["shortage_after"], errors="coerce").fillna(0)
    out = units_after.loc[short > 0].copy()
    priority = (pd.to_numeric(out["priority"], errors="coerce").fillna(1)
                if "priority" in out else 1)
    out["weighted_shortage_after"] = priority * pd.to_numeric(out["shortage_after"])
    keys = ["weighted_shortage_after"] + [c for c in ("unit_code", "position_code") if c in out]
    out = out.sort_values(keys, ascending=[False] + [True] * (len(keys) - 1), kind="mergesort")
    return out.reset_index(drop=True)

# --------------------------------------------------------------------------- scenario & JSON

def scenario_settings(plan) -> dict:
    """The scenario's settings as a JSON-ready dict (from `plan.scenario`, else the summary)."""
    scenario = getattr(plan, "scenario", None)
    if scenario is None:
        scenario = (plan.summary or {}).get("scenario")
    if scenario is None:
        return {}
    if hasattr(scenario, "to_dict"):      # the one serialiser (it leaves unset §7 keys out)
        scenario = scenario.to_dict()
    elif hasattr(scenario, "model_dump"):
        try:
            scenario = scenario.model_dump(mode="json")
        except TypeError:
            scenario = scenario.model_dump()
    elif dataclasses.is_dataclass(scenario) and not isinstance(scenario, type):
        scenario = dataclasses.asdict(scenario)
    if not isinstance(scenario, dict):
        raise TypeError(f"plan.scenario must be a Scenario or a dict, not {type(scenario)}")
    return jsonable(public_settings(scenario))


def jsonable(obj: Any) -> Any:
    """JSON-ready copy: NaN/inf → None, numpy → Python, dates → ISO, paths → text."""
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((jsonable(v) for v in obj), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(obj, (pd.Timestamp, dt.datetime, dt.date)):
        return scalar_text(obj) or None
    if isinstance(obj, PurePath):
        return obj.as_posix()
    if hasattr(obj, "model_dump"):
        try:
            return jsonable(obj.model_dump(mode="json"))
        except TypeError:
            return jsonable(obj.model_dump())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable(dataclasses.asdict(obj))
    if isinstance(obj, pd.DataFrame):
        return jsonable(obj.to_dict(orient="records"))
    if obj is pd.NA or obj is pd.NaT:
        return None
    return str(obj)


def _summary_for_json(plan) -> dict:
    """The summary in DESIGN.md's key order (then its own extra keys), JSON-ready."""
    summary = dict(plan.summary or {})
    if "scenario" not in summary:
        summary["scenario"] = scenario_settings(plan)
    if "data_note" not in summary:
        summary["data_note"] = plan.note or ""
    ordered = {k: summary[k] for k in SUMMARY_KEYS if k in summary}
    ordered.update((k, v) for k, v in summary.items() if k not in ordered)
    return jsonable(ordered)


def _plan_date(plan) -> dt.date:
    """The plan date (document dates of the workbook); 2026-01-01 when unknown."""
    raw = scenario_settings(plan).get("plan_date")
    try:
        day = dt.date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        day = None
    return zip_day(day)


def status_vi(status: Any) -> str:
    """The solver status in Vietnamese, with the machine value in brackets."""
    text = scalar_text(status)
    return f"{STATUS_VI[text]} ({text})" if text in STATUS_VI else text

def _write_json(summary: dict, path: Path) -> None:
    text = json.dumps(summary, ensure_ascii=False, indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8", newline="\n")

# --------------------------------------------------------------------------- sheets of the plan

def _value_vi(key: str, value: Any) -> tuple[Any, int]:
    """A summary/scenario value as a workbook cell (value, style)."""
    if key == "status":
        return status_vi(value), ST_DEFAULT
    if key == "method":
        text = scalar_text(value)
        return (f"{METHOD_VI[text]} ({text})" if text in METHOD_VI else text), ST_DEFAULT
    if isinstance(value, (bool, np.bool_)):
        return ("Có" if value else "Không"), ST_DEFAULT
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (float, np.floating)) and not math.isfinite(float(value)):
            return "", ST_DEFAULT
        return value, (ST_PERCENT if key in _RATE_KEYS else ST_DEFAULT)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {scalar_text(v)}" for k, v in value.items()), ST_DEFAULT
    if isinstance(value, list):
        return "; ".join(scalar_text(v) for v in value), ST_DEFAULT
    return scalar_text(value), ST_DEFAULT


def warning_text(w: dict) -> str:
    """One warning record of summary.json as one line (as `staffing validate` prints it)."""
    where = w["table"] if w.get("row") is None else f"{w['table']} row {w['row']}"
    where += f", column {w['column']}" if w.get("column") else ""
    where += f", value {w['value']!r}" if w.get("value") is not None else ""
    return f"{where}: {w['message']}"


def _summary_rows(plan, summary: dict, settings: dict) -> list[list[tuple[Any, int]]]:
    note = plan.note or summary.get("data_note") or "(Bộ dữ liệu không có ghi chú)"
    rows: list[list[tuple[Any, int]]] = [
        [(note, ST_NOTE)],
        [],
        [("KẾT QUẢ KẾ HOẠCH ĐIỀU ĐỘNG CÔNG CHỨC", ST_BOLD)],
        [("Chỉ tiêu", ST_HEADER), ("Giá trị", ST_HEADER)],
    ]
    for key, value in summary.items():
        if key in ("scenario", "data_note") or key in CLOCK_KEYS:
            continue
        label = SUMMARY_LABELS_VI.get(key, key)
        if key == "warnings":              # implausible input values (models.plausibility)
            if value:
                rows.append([("Cảnh báo dữ liệu đầu vào", ST_DEFAULT), (len(value), ST_DEFAULT)])
                rows.extend([[("    Cảnh báo", ST_DEFAULT), (warning_text(w), ST_DEFAULT)]
                             for w in value])
            continue
        if key == "check" and isinstance(value, dict):
            violations = value.get("violations") or []
            passed = value.get("passed")
            verdict = ("Đạt" if passed else "Không đạt") if passed is not None else ""
            rows.append([(label, ST_DEFAULT),
                         (f"{verdict} ({len(violations)} vi phạm)", ST_DEFAULT)])
            rows.extend([[("    Vi phạm", ST_DEFAULT), _value_vi("", v)] for v in violations])
        elif isinstance(value, dict):
            rows.append([(label, ST_BOLD)])
            for sub, subvalue in value.items():
                if sub == "by_pair":     # retraining: its own sheet
                    continue
                rows.append([(f"    {SUMMARY_LABELS_VI.get(sub, sub)}", ST_DEFAULT),
                             _value_vi(sub, subvalue)])
        else:
            rows.append([(label, ST_DEFAULT), _value_vi(key, value)])
    rows += [[], [("THIẾT LẬP KỊCH BẢN", ST_BOLD)],
             [("Thiết lập", ST_HEADER), ("Giá trị", ST_HEADER)]]
    for key, value in settings.items():
        rows.append([(SCENARIO_LABELS_VI.get(key, key), ST_DEFAULT), _value_vi(key, value)])
    return rows


def _notes_rows(plan, tables: list[tuple[str, str, list[Column]]]) -> list[list[tuple[Any, int]]]:
    rows: list[list[tuple[Any, int]]] = [
        [(plan.note or "(Bộ dữ liệu không có ghi chú)", ST_NOTE)],
        [],
        [("Mã (đơn vị, tỉnh, vị trí việc làm, công chức) được ghi dạng văn bản để giữ "
          "nguyên số 0 ở đầu.", ST_DEFAULT)],
        [("Ô văn bản bắt đầu bằng =, +, - hoặc @ được thêm dấu ' ở đầu để không bị "
          "hiểu là công thức.", ST_DEFAULT)],
        [("Các tệp CSV cùng thư mục dùng tên trường (cột thứ ba) làm tiêu đề.", ST_DEFAULT)],
        [("Thời gian chạy (giây) thay đổi giữa các lần chạy nên chỉ ghi trong summary.json, "
          "không ghi vào bảng tính này.", ST_DEFAULT)],
        [],
        [("Bảng tính", ST_HEADER), ("Cột", ST_HEADER), ("Tên trường (CSV)", ST_HEADER),
         ("Ý nghĩa", ST_HEADER)],
    ]
    for key, sheet, columns in tables:
        for col in columns:
            meaning = SHEET_DESCRIPTIONS_VI.get((key, col.name)) or DESCRIPTIONS_VI.get(col.name, "")
            rows.append([(sheet, ST_WRAP), (LABELS_VI.get(col.name, col.name), ST_WRAP),
                         (col.name, ST_WRAP), (meaning, ST_WRAP)])
    return rows


#: zlib level of plan.xlsx. Level 1 rather than zlib's default 6: on the national plan the
#: workbook is written about a third faster (benchmarks/README.md) for a file a third larger
#: (6.1 → 8.3 MB), the same cells; a planner waits for the one and hardly notices the other.
PLAN_XLSX_COMPRESSLEVEL: int | None = 1


def _write_xlsx(plan, path: Path, summary: dict, settings: dict,
                tables: dict[str, list[Column]]) -> None:
    book = Workbook("Kế hoạch điều động công chức", _plan_date(plan), compresslevel=PLAN_XLSX_COMPRESSLEVEL)
    book.add_rows(SHEET_NAMES["summary"], _summary_rows(plan, summary, settings), [52.0, 70.0])
    listed = []
    for key in ("transfers", "retraining", "units_after", "short", "postings"):
        if key in tables:
            book.add_table(SHEET_NAMES[key], tables[key], LABELS_VI, VALUE_LABELS_VI)
            listed.append((key, SHEET_NAMES[key], tables[key]))
    # docs/contract.md §8: the planner's decisions, read back by `staffing solve --decisions plan.xlsx`
    book.add_table(DECISION_SHEET, decision_sheet_columns(plan.transfers), DECISION_SHEET_LABELS)
    if getattr(plan, "changes", None) is not None:
        book.add_table(CHANGES_SHEET, changes_columns(plan.changes), CHANGES_LABELS_VI, CHANGES_VALUE_LABELS_VI)
    # docs/contract.md §7: the explanation sheets, only when asked for (explain / fairness)
    for key, name in EXPLAIN_SHEETS_VI.items():
        if f"explain:{key}" in tables:
            book.add_table(name, tables[f"explain:{key}"], {**LABELS_VI, **EXPLAIN_LABELS_VI},
                           {**VALUE_LABELS_VI, "reason_code": REASON_VI})
            listed.append((key, name, tables[f"explain:{key}"]))
    book.add_rows(SHEET_NAMES["notes"], _notes_rows(plan, listed), [22.0, 28.0, 24.0, 90.0])
    book.save(path)


def _explain_writes(plan, out_dir: Path, tables: dict[str, list[Column]]) -> list[tuple[Path, Callable[[], None]]]:
    """unfilled.csv and surplus_left.csv (docs/contract.md §7, always), sensitivity.csv when the
    detailed explanations were asked for; their sheets are queued in `tables` only then."""
    ex = getattr(plan, "explain", None)
    if ex is None:
        return []
    frames = {"unfilled": ex.unfilled, "surplus_left": ex.surplus_left}
    if ex.detailed:
        frames.update(sensitivity=ex.sensitivity, by_province=ex.by_province, helps=ex.helps, shares=ex.shares)
    writes = []
    for key, df in frames.items():
        if df is None:
            continue
        cols = [prepare_column(df.reset_index(drop=True), c) for c in df.columns]
        if key in ("unfilled", "surplus_left", "sensitivity"):
            writes.append(_csv(cols, out_dir / f"{key}.csv"))
        if ex.detailed:
            tables[f"explain:{key}"] = cols
    return writes


def _csv(columns: list[Column], path: Path) -> tuple[Path, Callable[[], None]]:
    return path, lambda: write_csv_columns(columns, path)


# --------------------------------------------------------------------------- public

def plan_writes(plan, out_dir: Path | str) -> list[tuple[Path, Callable[[], None]]]:
    """The files of `write_plan`, in its order, each as (path, a function writing it).

    The tables are prepared here, once, for both the CSV files and the workbook; the functions
    only write (in any order, in this process or in a forked one: optimizer/output/outputs.py).
    """
    out_dir = Path(out_dir)
    frames = {
        "transfers": conform(plan.transfers, TRANSFER_COLUMNS, "transfers"),
        "units_after": conform(plan.units_after, UNITS_AFTER_COLUMNS, "units_after"),
    }
    if plan.postings is not None:
        frames["postings"] = conform(plan.postings, POSTINGS_COLUMNS, "postings")
    tables = {key: [prepare_column(df, c) for c in df.columns] for key, df in frames.items()}
    if "to_position_code" in frames["transfers"].columns:     # retraining (docs/contract.md §6)
        by_pair = retraining_by_pair(frames["transfers"])
        tables["retraining"] = [prepare_column(by_pair, c) for c in by_pair.columns]
    short = shortage_rows(frames["units_after"])
    tables["short"] = [prepare_column(short, c) for c in short.columns]

    summary = _summary_for_json(plan)
    writes = [_csv(tables[key], out_dir / f"{key}.csv") for key in ("transfers", "units_after")]
    path = out_dir / "summary.json"
    writes.append((path, lambda: _write_json(summary, path)))
    if "postings" in tables:
        writes.append(_csv(tables["postings"], out_dir / "postings.csv"))
    if getattr(plan, "changes", None) is not None:   # with --baseline (docs/contract.md §8)
        writes.append(_csv(changes_columns(plan.changes), out_dir / "changes.csv"))
    writes += _explain_writes(plan, out_dir, tables)
    xlsx = out_dir / "plan.xlsx"
    # `_write_xlsx` is looked up when called (tests replace it)
    writes.append((xlsx, lambda: _write_xlsx(plan, xlsx, summary, summary.get("scenario") or {}, tables)))
    return writes


def write_plan(plan, out_dir: Path | str) -> list[Path]:
    """Write the plan's files into `out_dir` (created if needed); returns their paths.

    transfers.csv, units_after.csv, summary.json, postings.csv (when the plan has
    postings) and plan.xlsx — see the module docstring for the guarantees.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    writes = plan_writes(plan, out_dir)
    for _, write in writes:
        write()
    return [path for path, _ in writes]
