"""Write a `Plan` to a folder: CSV, JSON and an Excel workbook for planners.

    write_plan(plan, out_dir) -> [transfers.csv, units_after.csv, summary.json,
                                  (postings.csv), plan.xlsx]

and the writers every table file of the project goes through (the plan's, the officers'
postings and the scenario comparison):

    write_csv_table(df, path, *, decimals=None) -> path
    write_workbook(path, [Sheet(name, frame, labels, value_labels, decimals) |
                          TextSheet(name, rows, widths), ...], *, date=None, title="") -> path

Three promises, each tested in tests/test_export.py:

* **Contract columns.** `transfers.csv`, `units_after.csv` and `postings.csv` carry the
  columns of DESIGN.md ("The Plan") in that order, then any extra columns of the frame.
  A contract column (CONTRACT.md §3) missing from a non-empty frame raises `ValueError`;
  an empty frame still gets the full header.
* **Formula-injection safety.** Every *text* cell of the CSV files and of the workbook
  goes through `neutralise`, which puts an apostrophe before a leading `=`, `+`, `-`, `@`
  (and tab / carriage return, as OWASP advises). Numbers are never touched: a km of -2.0
  stays the number -2.0.
* **Byte determinism.** The same Plan gives the same bytes: floats are formatted with a
  fixed number of decimals, the workbook's document dates and zip entry times are the plan
  date, and the zip entries are written in a fixed order with fixed metadata. The
  wall-clock timings of the summary (`CLOCK_KEYS`: `solve_seconds`, `build_seconds`,
  `timings`) differ from run to run, so they go to summary.json only, never into the
  workbook: two runs on the same input and settings give byte-identical CSV files and
  plan.xlsx, and a summary.json that differs in those keys alone.

The last two promises hold for `write_csv_table` and `write_workbook` too (they write the
frame's own columns, in its order: the caller conforms them).

The workbook is written by a small streaming SpreadsheetML writer (`_Workbook`) rather
than openpyxl: openpyxl (even write-only, without lxml) needs about 11 s for the
130,000 rows of a national `units_after` alone, this writer about one second. The
files it writes are read back with openpyxl and pandas in the tests.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd

from optimizer.officers import POSTINGS_COLUMNS as _OFFICERS_POSTINGS_COLUMNS
from optimizer.plan import UNITS_AFTER_COLUMNS as _PLAN_UNITS_AFTER_COLUMNS
from optimizer.reassign.selection import TRANSFER_COLUMNS as _SELECTION_TRANSFER_COLUMNS

__all__ = [
    "write_plan", "write_csv_table", "write_workbook", "Sheet", "TextSheet", "STYLES",
    "neutralise", "CLOCK_KEYS", "LABELS_VI", "DESCRIPTIONS_VI", "SUMMARY_LABELS_VI",
    "SCENARIO_LABELS_VI", "SHEET_NAMES", "TRANSFER_COLUMNS", "UNITS_AFTER_COLUMNS",
    "POSTINGS_COLUMNS", "SUMMARY_KEYS", "is_code_column", "scenario_settings",
    "shortage_rows", "status_vi",
]

# --------------------------------------------------------------------------- columns

# One definition per list, where the frame is made; re-exported here for compatibility.
TRANSFER_COLUMNS: tuple[str, ...] = tuple(_SELECTION_TRANSFER_COLUMNS)
UNITS_AFTER_COLUMNS: tuple[str, ...] = tuple(_PLAN_UNITS_AFTER_COLUMNS)
#: The plan's postings: the officers' columns without the province's `priority`, which the
#: plan writes after them (as an extra column) when the frame has it.
POSTINGS_COLUMNS: tuple[str, ...] = tuple(c for c in _OFFICERS_POSTINGS_COLUMNS if c != "priority")
#: The columns CONTRACT.md §3 promises; a non-empty frame without one of them is a bug.
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

#: Codes are text: written as strings (leading zeros kept) with the Excel format '@'.
CODE_COLUMNS = frozenset({
    "staff_id", "position_code", "from_unit", "to_unit", "from_province", "to_province",
    "unit_code", "province_code", "officer_id", "home_province_code", "home_unit_code",
    "alternative_officer_id",
})

#: Fixed decimals of float columns; other float columns: integers if all whole, else
#: up to 6 decimals.
FLOAT_DECIMALS: dict[str, int] = {
    "km": 3, "years_to_retirement": 1, "score": 3, "alternative_loss": 3,
}

SHEET_NAMES: dict[str, str] = {
    "summary": "Tóm tắt",
    "transfers": "Điều động",
    "units_after": "Đơn vị sau điều động",
    "short": "Còn thiếu",
    "postings": "Cán bộ hỗ trợ",
    "notes": "Ghi chú",
}

LABELS_VI: dict[str, str] = {
    # transfers
    "transfer_no": "Số thứ tự",
    "staff_id": "Mã công chức",
    "full_name": "Họ và tên",
    "position_code": "Mã vị trí việc làm",
    "position_name": "Vị trí việc làm",
    "from_unit": "Mã đơn vị đi",
    "from_unit_name": "Từ đơn vị",
    "from_province": "Mã tỉnh đi",
    "from_province_name": "Từ tỉnh/thành phố",
    "to_unit": "Mã đơn vị đến",
    "to_unit_name": "Đến đơn vị",
    "to_province": "Mã tỉnh đến",
    "to_province_name": "Đến tỉnh/thành phố",
    "km": "Khoảng cách (km)",
    "distance_source": "Cách tính khoảng cách",
    "effective_date": "Ngày hiệu lực",
    "authority": "Thẩm quyền quyết định",
    "authority_level": "Cấp thẩm quyền",
    "years_to_retirement": "Số năm đến tuổi nghỉ hưu",
    "reason": "Lý do",
    # units_after
    "unit_code": "Mã đơn vị",
    "unit_name": "Tên đơn vị",
    "province_code": "Mã tỉnh/thành phố",
    "province_name": "Tỉnh/thành phố",
    "priority": "Mức ưu tiên",
    "staff_before": "Số hiện có",
    "quota": "Biên chế giao",
    "staff_after": "Sau điều động",
    "shortage_before": "Thiếu trước điều động",
    "surplus_before": "Thừa trước điều động",
    "shortage_after": "Còn thiếu",
    "surplus_after": "Còn thừa",
    "arrivals": "Số người đến",
    "departures": "Số người đi",
    "weighted_shortage_after": "Còn thiếu × mức ưu tiên",
    # postings
    "officer_id": "Mã cán bộ",
    "score": "Điểm phù hợp",
    "covered": "Lĩnh vực đáp ứng",
    "uncovered": "Lĩnh vực chưa đáp ứng",
    "home_province_code": "Mã tỉnh quê quán",
    "seniority": "Thâm niên (năm)",
    "alternative_officer_id": "Cán bộ thay thế tốt nhất",
    "alternative_loss": "Điểm mất đi nếu thay thế",
    "home_unit_code": "Mã đơn vị quê quán",
}

DESCRIPTIONS_VI: dict[str, str] = {
    "transfer_no": "Số thứ tự của quyết định điều động trong kế hoạch (1, 2, …).",
    "staff_id": "Mã định danh của công chức (văn bản, giữ nguyên số 0 ở đầu).",
    "full_name": "Họ và tên như trong danh sách công chức.",
    "position_code": "Mã vị trí việc làm; người được điều động giữ nguyên vị trí việc làm.",
    "position_name": "Tên vị trí việc làm.",
    "from_unit": "Mã xã/phường/đặc khu nơi công chức đang công tác.",
    "from_unit_name": "Tên đơn vị nơi công chức đang công tác.",
    "from_province": "Mã tỉnh/thành phố của đơn vị đi.",
    "from_province_name": "Tên tỉnh/thành phố của đơn vị đi.",
    "to_unit": "Mã xã/phường/đặc khu nơi công chức được điều động đến.",
    "to_unit_name": "Tên đơn vị nơi công chức được điều động đến.",
    "to_province": "Mã tỉnh/thành phố của đơn vị đến.",
    "to_province_name": "Tên tỉnh/thành phố của đơn vị đến.",
    "km": "Khoảng cách giữa hai đơn vị (km, chính xác đến mét): đường bộ nếu bảng distances có, nếu không là đường chim bay.",
    "distance_source": "Đường bộ (bảng khoảng cách của bộ dữ liệu) hoặc đường chim bay "
                       "(theo tọa độ, bán kính Trái Đất 6.371 km).",
    "effective_date": "Ngày quyết định điều động có hiệu lực (ngày lập kế hoạch).",
    "authority": "Người có thẩm quyền ký quyết định điều động.",
    "authority_level": "Cấp tỉnh (trong một tỉnh) hoặc cấp bộ (liên tỉnh).",
    "years_to_retirement": "Số năm còn lại đến tuổi nghỉ hưu theo lộ trình của "
                           "Bộ luật Lao động 2019.",
    "reason": "Lý do điều động, một dòng.",
    "unit_code": "Mã xã/phường/đặc khu (văn bản, giữ nguyên số 0 ở đầu).",
    "unit_name": "Tên xã/phường/đặc khu.",
    "province_code": "Mã tỉnh/thành phố.",
    "province_name": "Tên tỉnh/thành phố.",
    "priority": "Mức ưu tiên của vị trí việc làm (số càng lớn càng ưu tiên lấp đầy).",
    "staff_before": "Số công chức hiện có của vị trí việc làm tại đơn vị, trước điều động.",
    "quota": "Số biên chế được giao cho vị trí việc làm tại đơn vị.",
    "staff_after": "Số công chức sau khi thực hiện kế hoạch điều động.",
    "shortage_before": "Số biên chế còn thiếu trước điều động (biên chế giao − hiện có, "
                       "nếu dương).",
    "surplus_before": "Số công chức dôi dư trước điều động (hiện có − biên chế giao, "
                      "nếu dương).",
    "shortage_after": "Số biên chế vẫn còn thiếu sau điều động.",
    "surplus_after": "Số công chức vẫn còn dôi dư sau điều động.",
    "arrivals": "Số công chức được điều động đến.",
    "departures": "Số công chức được điều động đi.",
    "weighted_shortage_after": "Còn thiếu nhân với mức ưu tiên: thứ tự cần quan tâm trước.",
    "officer_id": "Mã cán bộ hỗ trợ (văn bản).",
    "score": "Điểm phù hợp: tổng trọng số nhu cầu của tỉnh ở các lĩnh vực chuyên môn "
             "của cán bộ.",
    "covered": "Các lĩnh vực nhu cầu của tỉnh mà cán bộ đáp ứng.",
    "uncovered": "Các lĩnh vực nhu cầu của tỉnh mà cán bộ chưa đáp ứng.",
    "home_province_code": "Mã tỉnh quê quán của cán bộ (không phân công về tỉnh quê "
                          "quán, trừ khi được cho phép).",
    "seniority": "Thâm niên công tác (năm).",
    "alternative_officer_id": "Cán bộ có thể thay thế tốt nhất cho tỉnh này.",
    "alternative_loss": "Tổng điểm phù hợp giảm đi nếu dùng cán bộ thay thế.",
    "home_unit_code": "Mã đơn vị quê quán.",
}

#: Where a column means something else in one sheet: (sheet key, column) → meaning.
SHEET_DESCRIPTIONS_VI: dict[tuple[str, str], str] = {
    ("postings", "priority"): "Mức ưu tiên của tỉnh khi cử cán bộ (số biên chế còn thiếu sau "
                              "phương án điều động).",
    ("postings", "full_name"): "Họ và tên cán bộ hỗ trợ.",
    ("postings", "reason"): "Lý do phân công, một dòng.",
    ("postings", "province_code"): "Mã tỉnh/thành phố được cử cán bộ đến.",
    ("postings", "province_name"): "Tỉnh/thành phố được cử cán bộ đến.",
}

#: Machine values shown in Vietnamese in the workbook (the CSV files keep the values).
VALUE_LABELS_VI: dict[str, dict[str, str]] = {
    "distance_source": {"road": "Đường bộ", "great_circle": "Đường chim bay"},
    "authority_level": {"province": "Cấp tỉnh", "ministry": "Cấp bộ"},
}

SUMMARY_LABELS_VI: dict[str, str] = {
    "status": "Trạng thái lời giải",
    "method": "Phương pháp giải",
    "shortage_before": "Số biên chế thiếu trước điều động",
    "shortage_after": "Số biên chế còn thiếu sau điều động",
    "weighted_shortage_before": "Thiếu có trọng số (× mức ưu tiên) trước điều động",
    "weighted_shortage_after": "Thiếu có trọng số (× mức ưu tiên) sau điều động",
    "surplus_before": "Số công chức dôi dư trước điều động",
    "surplus_after": "Số công chức còn dôi dư sau điều động",
    "moves": "Số người được điều động",
    "total_km": "Tổng quãng đường điều động (km)",
    "mean_km": "Quãng đường bình quân mỗi người (km)",
    "ceiling": "Số chỗ thiếu tối đa có thể lấp (trần)",
    "ceiling_fill_rate": "Tỷ lệ đạt so với trần",
    "fill_rate": "Tỷ lệ lấp đầy chỗ thiếu",
    "units_short_before": "Số đơn vị thiếu người trước điều động",
    "units_short_after": "Số đơn vị còn thiếu người sau điều động",
    "objective": "Giá trị hàm mục tiêu",
    "bound": "Cận của hàm mục tiêu",
    "gap": "Khoảng cách tối ưu (gap)",
    "solve_seconds": "Thời gian giải (giây)",
    "timings": "Thời gian từng bước (giây)",
    "check": "Kiểm tra độc lập",
    "scenario": "Kịch bản",
    "dataset": "Bộ dữ liệu",
    "data_note": "Ghi chú về dữ liệu",
    "officers": "Cán bộ hỗ trợ",
    # further keys the pipeline writes
    "ceiling_weighted": "Trần có trọng số (× mức ưu tiên)",
    "build_seconds": "Thời gian lập mô hình (giây)",
    "eligible_arcs": "Số cặp đơn vị – vị trí có thể điều động (cung)",
    # inside "timings"
    "read": "Đọc dữ liệu",
    "eligibility": "Xác định các cặp điều động hợp lệ",
    "model": "Lập và giải mô hình",
    "selection": "Chọn người điều động",
    "audit": "Kiểm tra độc lập",
    # inside "officers"
    "total_score": "Tổng điểm phù hợp",
    "posted": "Số tỉnh được cử cán bộ",
    "unposted": "Số tỉnh chưa được cử cán bộ",
    "secondary_rule": "Quy tắc phụ khi cùng tổng điểm",
}

SCENARIO_LABELS_VI: dict[str, str] = {
    "name": "Tên kịch bản",
    "max_km": "Khoảng cách điều động tối đa (km)",
    "cross_province": "Cho phép điều động liên tỉnh",
    "cross_province_into": "Chỉ cho phép nhận liên tỉnh vào các tỉnh",
    "provinces": "Các tỉnh lập kế hoạch (trống: cả nước)",
    "effective_date": "Ngày hiệu lực của quyết định",
    "allow_home_province": "Cho phép cử cán bộ về tỉnh quê",
    "max_departures_per_unit": "Số người đi tối đa của một đơn vị",
    "max_arrivals_per_unit": "Số người đến tối đa của một đơn vị",
    "protect_years": "Không điều động người còn dưới … năm đến tuổi nghỉ hưu",
    "plan_date": "Ngày lập kế hoạch",
    "time_limit": "Giới hạn thời gian giải (giây)",
    "dataset": "Bộ dữ liệu",
    "quota_adjust_pct": "Điều chỉnh biên chế chung (%)",
    "quota_adjust_pct_by_province": "Điều chỉnh biên chế theo tỉnh (%)",
    "solver": "Bộ giải",
}

STATUS_VI: dict[str, str] = {
    "optimal": "Tối ưu",
    "feasible": "Khả thi (chưa chứng minh tối ưu)",
    "infeasible": "Không khả thi",
}
METHOD_VI: dict[str, str] = {
    "min_cost_flow": "Luồng chi phí nhỏ nhất",
    "mip": "Quy hoạch nguyên hỗn hợp (MIP)",
}
_RATE_KEYS = frozenset({"fill_rate", "ceiling_fill_rate"})

#: Summary keys measured by the clock: they differ from run to run, so summary.json has them
#: and the workbook leaves them out (its bytes depend on the input and settings alone).
CLOCK_KEYS = frozenset({"solve_seconds", "build_seconds", "timings", "solver_stages"})

# --------------------------------------------------------------------------- neutralise

#: First characters that make a spreadsheet treat text as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Only `str` values change; numbers (a km of -2.0), None and the rest pass through.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _neutralise_all(values: list[str]) -> list[str]:
    """`neutralise` over a list of strings, visiting only the few that need it."""
    hit = pd.Series(values, dtype=object).str.startswith(FORMULA_PREFIXES, na=False)
    if hit.any():
        values = list(values)
        for i in np.flatnonzero(hit.to_numpy()):
            values[i] = neutralise(values[i])
    return values


# --------------------------------------------------------------------------- values

def is_code_column(name: str) -> bool:
    """Codes are text (leading zeros kept): the known code columns and `*_code`, `*_id`."""
    return name in CODE_COLUMNS or name.endswith(("_code", "_id"))


@dataclasses.dataclass
class _Column:
    """One column, formatted once for both the CSV and the workbook."""
    name: str
    kind: str                 # "text", "code", "number", "bool"
    values: list              # text/code: str ("" if missing); number: str or None; bool: bool or None
    decimals: int | None = None

    def csv_values(self) -> list[str]:
        if self.kind == "number":
            return ["" if v is None else v for v in self.values]
        if self.kind == "bool":
            return ["" if v is None else ("true" if v else "false") for v in self.values]
        return self.values

    def width(self) -> int:
        if self.kind == "bool":
            return 5
        lengths = [len(v) for v in set(self.values) if v is not None]
        return max(lengths, default=0)


def _scalar_text(value: Any) -> str:
    """One value of a text column as text ("" when missing)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return _format_float(float(value))
    if isinstance(value, (list, tuple)):
        return ";".join(_scalar_text(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return ";".join(sorted(_scalar_text(v) for v in value))
    if isinstance(value, pd.Timestamp) or isinstance(value, dt.datetime):
        if pd.isna(value):
            return ""
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _format_float(x: float) -> str:
    """A float with no fixed decimals: a whole number without '.0', else ≤ 6 decimals."""
    if x.is_integer():
        return str(int(x))
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _format_numbers(array: np.ndarray, decimals: int | None) -> tuple[list, int | None]:
    """Deterministic text of numbers; None for NaN / infinity (an empty cell)."""
    finite = np.isfinite(array)
    if decimals is None and bool(np.all(np.mod(array[finite], 1) == 0)):
        decimals = 0
    if decimals is not None:
        rounded = np.round(np.where(finite, array, 0.0), decimals) + 0.0   # -0.0 → 0.0
        spec = f".{decimals}f"
        out = [format(x, spec) for x in rounded.tolist()]
    else:
        out = [_format_float(x) for x in np.where(finite, array, 0.0).tolist()]
    if not finite.all():
        for i in np.flatnonzero(~finite):
            out[i] = None
    return out, decimals


def _prepare(df: pd.DataFrame, name: str,
             decimals: Mapping[str, int | None] | None = None) -> _Column:
    """The column `name` of `df`, formatted; `decimals` (see `write_csv_table`) wins."""
    s = df[name]
    if decimals and name in decimals:
        array = pd.to_numeric(s).to_numpy(dtype=float, na_value=np.nan)
        values, used = _format_numbers(array, decimals[name])
        return _Column(name, "number", values, used)
    if is_code_column(name):
        if pd.api.types.is_float_dtype(s.dtype):
            values = [v if v is not None else "" for v in _format_numbers(
                s.to_numpy(dtype=float, na_value=np.nan), 0)[0]]
        else:
            values = _texts(s)
        return _Column(name, "code", _neutralise_all(values))
    dtype = s.dtype
    inferred = None
    if dtype == object:
        inferred = pd.api.types.infer_dtype(s, skipna=True)
    if pd.api.types.is_bool_dtype(dtype) or inferred == "boolean":
        return _Column(name, "bool",
                       [None if (v is None or v is pd.NA) else bool(v) for v in s.tolist()])
    if (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)) \
            or inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        array = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        values, decimals = _format_numbers(array, FLOAT_DECIMALS.get(name))
        return _Column(name, "number", values, decimals)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        midnight = s.dropna()
        fmt = "%Y-%m-%d" if bool((midnight == midnight.dt.normalize()).all()) else \
            "%Y-%m-%dT%H:%M:%S"
        return _Column(name, "text", s.dt.strftime(fmt).fillna("").tolist())
    return _Column(name, "text", _neutralise_all(_texts(s)))


def _texts(s: pd.Series) -> list[str]:
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s.fillna("").tolist()
    return [_scalar_text(v) for v in s.tolist()]


def _columns(df: pd.DataFrame, decimals: Mapping[str, int | None] | None = None) -> list[_Column]:
    """Every column of `df`, in its order, formatted once for the CSV and the workbook."""
    if not all(isinstance(c, str) for c in df.columns):
        df = df.rename(columns=str)
    names = list(df.columns)
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate column names {names}")
    return [_prepare(df, c, decimals) for c in names]


def _conform(df: pd.DataFrame | None, design: Sequence[str], table: str) -> pd.DataFrame:
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
                             f"{', '.join(lost)} (CONTRACT.md §3)")
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
    if hasattr(scenario, "model_dump"):
        try:
            scenario = scenario.model_dump(mode="json")
        except TypeError:
            scenario = scenario.model_dump()
    elif dataclasses.is_dataclass(scenario) and not isinstance(scenario, type):
        scenario = dataclasses.asdict(scenario)
    if not isinstance(scenario, dict):
        raise TypeError(f"plan.scenario must be a Scenario or a dict, not {type(scenario)}")
    return _jsonable(scenario)


def _jsonable(obj: Any) -> Any:
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
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((_jsonable(v) for v in obj), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(obj, (pd.Timestamp, dt.datetime, dt.date)):
        return _scalar_text(obj) or None
    if isinstance(obj, PurePath):
        return obj.as_posix()
    if hasattr(obj, "model_dump"):
        try:
            return _jsonable(obj.model_dump(mode="json"))
        except TypeError:
            return _jsonable(obj.model_dump())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _jsonable(dataclasses.asdict(obj))
    if isinstance(obj, pd.DataFrame):
        return _jsonable(obj.to_dict(orient="records"))
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
    return _jsonable(ordered)


def _plan_date(plan) -> dt.date:
    """The plan date (document dates of the workbook); 2026-01-01 when unknown."""
    raw = scenario_settings(plan).get("plan_date")
    try:
        day = dt.date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        day = None
    return _zip_day(day)


def status_vi(status: Any) -> str:
    """The solver status in Vietnamese, with the machine value in brackets."""
    text = _scalar_text(status)
    return f"{STATUS_VI[text]} ({text})" if text in STATUS_VI else text


# --------------------------------------------------------------------------- CSV / JSON files

def _csv_quoted(values: list[str]) -> list[str]:
    """RFC 4180 quoting of the fields that need it (comma, quote, CR or LF inside).

    Done here rather than by the csv module, whose writer (before Python 3.12) leaves a
    bare CR unquoted when the line terminator is LF, which breaks the row for readers.
    """
    blob = "\x00".join(values)
    if not any(ch in blob for ch in ',"\r\n'):
        return values
    return ['"' + v.replace('"', '""') + '"'
            if (',' in v or '"' in v or "\n" in v or "\r" in v) else v for v in values]


def _write_csv(columns: list[_Column], path: Path) -> None:
    """UTF-8 with BOM (Excel shows Vietnamese), '\\n' line ends, header of column names."""
    header = ",".join(_csv_quoted([c.name for c in columns]))
    fields = [_csv_quoted(c.csv_values()) for c in columns]
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(header + "\n")
        n = len(fields[0]) if fields else 0
        for lo in range(0, n, CHUNK_ROWS):
            f.write("".join(",".join(row) + "\n"
                            for row in zip(*(col[lo:lo + CHUNK_ROWS] for col in fields))))


def _write_json(summary: dict, path: Path) -> None:
    text = json.dumps(summary, ensure_ascii=False, indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- the workbook

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# cellXfs indices of styles.xml below
ST_DEFAULT, ST_HEADER, ST_TEXT, ST_DEC1, ST_DEC3, ST_PERCENT, ST_BOLD, ST_NOTE, ST_WRAP = range(9)
_DECIMAL_STYLE = {1: ST_DEC1, 3: ST_DEC3}

_STYLES_XML = (
    _XML_DECL + f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0"/>'
    '<numFmt numFmtId="165" formatCode="0.000"/><numFmt numFmtId="166" formatCode="0.0%"/>'
    '</numFmts>'
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="12"/><color rgb="FF9C0006"/><name val="Calibri"/><family val="2"/></font>'
    '</fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)

#: Characters XML 1.0 forbids (they would corrupt the workbook): shown as U+FFFD.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MAX_CELL_TEXT = 32767           # Excel's limit for one cell
#: Rows formatted per chunk of sheet XML (bounds memory on national plans).
CHUNK_ROWS = 20000
_WIDTH_MIN, _WIDTH_MAX = 6, 60


def _xml_escape(text: str) -> str:
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))
    return _ILLEGAL_XML.sub("\ufffd", text)


def _attr(text: str) -> str:
    return _xml_escape(text).replace('"', "&quot;")


def _col_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _width(chars: int) -> float:
    return float(min(max(chars + 2, _WIDTH_MIN), _WIDTH_MAX))


@dataclasses.dataclass
class _Sheet:
    name: str
    body: Any                    # callable(strings) -> Iterator[str] of <row> elements
    n_rows: int
    n_cols: int
    widths: list[float]
    freeze_header: bool = False
    autofilter: bool = False


class _Workbook:
    """A minimal, streaming, deterministic .xlsx writer (shared strings, 9 styles)."""

    def __init__(self, title: str, day: dt.date):
        self.title = title
        self.day = day
        self.sheets: list[_Sheet] = []
        self._strings: dict[str, int] = {}
        self._string_refs = 0

    # shared strings ------------------------------------------------------
    def _sst_index(self, text: str) -> int:
        index = self._strings.get(text)
        if index is None:
            index = self._strings[text] = len(self._strings)
        self._string_refs += 1
        return index

    def _sst_column(self, values: list[str]) -> list[int]:
        """Shared-string index of each value, -1 for an empty one."""
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
        lookup = np.empty(len(uniques) + 1, dtype=np.int64)
        lookup[-1] = -1                                # factorize: -1 for missing
        for i, text in enumerate(uniques.tolist()):
            if text == "":
                lookup[i] = -1
            else:
                lookup[i] = self._strings.setdefault(text, len(self._strings))
        out = lookup[codes]
        self._string_refs += int((out >= 0).sum())
        return out.tolist()

    # sheets ----------------------------------------------------------------
    def add_table(self, name: str, columns: list[_Column], labels: dict[str, str],
                  value_labels: dict[str, dict[str, str]] | None = None) -> None:
        """A table: a bold header of Vietnamese labels, frozen, with an autofilter."""
        n = len(columns[0].values) if columns else 0
        header = [labels.get(c.name, c.name) for c in columns]
        widths = [_width(max(len(h) + 2, c.width())) for h, c in zip(header, columns)]

        def body() -> Iterator[str]:
            yield self._row_xml(1, [(h, ST_HEADER) for h in header])
            cells = []
            for j, col in enumerate(columns, start=1):
                cells.append(self._column_cells(col, _col_letter(j), (value_labels or {})))
            for lo in range(0, n, CHUNK_ROWS):
                hi = min(n, lo + CHUNK_ROWS)
                parts = [fmt(lo, hi) for fmt in cells]
                yield "".join(f'<row r="{r}">{"".join(row)}</row>'
                              for r, row in zip(range(lo + 2, hi + 2), zip(*parts)))

        self.sheets.append(_Sheet(name, body, n + 1, len(columns), widths,
                                  freeze_header=True, autofilter=True))

    def add_rows(self, name: str, rows: list[list[tuple[Any, int]]], widths: list[float]) -> None:
        """A free-form sheet: rows of (value, style) cells."""
        def body() -> Iterator[str]:
            for r, row in enumerate(rows, start=1):
                yield self._row_xml(r, row)

        self.sheets.append(_Sheet(name, body, len(rows), max((len(r) for r in rows), default=1),
                                  widths))

    def _column_cells(self, col: _Column, letter: str, value_labels):
        """A function (lo, hi) -> list of the column's <c> elements for rows lo..hi-1."""
        if col.kind in ("text", "code"):
            values = col.values
            mapping = value_labels.get(col.name)
            if mapping:
                values = [mapping.get(v, v) for v in values]
            values = [v[:_MAX_CELL_TEXT] for v in values]
            index = self._sst_column(values)
            style = ST_TEXT if col.kind == "code" else ST_DEFAULT
            s_attr = f' s="{style}"' if style else ""
            head, mid = f'<c r="{letter}', f'"{s_attr} t="s"><v>'

            def fmt(lo, hi):
                return [f"{head}{r}{mid}{i}</v></c>" if i >= 0 else ""
                        for r, i in zip(range(lo + 2, hi + 2), index[lo:hi])]
            return fmt
        if col.kind == "number":
            style = _DECIMAL_STYLE.get(col.decimals, ST_DEFAULT)
            s_attr = f' s="{style}"' if style else ""
            head, mid = f'<c r="{letter}', f'"{s_attr}><v>'
            values = col.values

            def fmt(lo, hi):
                return [f"{head}{r}{mid}{v}</v></c>" if v is not None else ""
                        for r, v in zip(range(lo + 2, hi + 2), values[lo:hi])]
            return fmt
        head, mid = f'<c r="{letter}', '" t="b"><v>'
        values = col.values

        def fmt(lo, hi):
            return [f"{head}{r}{mid}{int(v)}</v></c>" if v is not None else ""
                    for r, v in zip(range(lo + 2, hi + 2), values[lo:hi])]
        return fmt

    def _row_xml(self, r: int, cells: list[tuple[Any, int]]) -> str:
        out = []
        for j, (value, style) in enumerate(cells, start=1):
            ref = f"{_col_letter(j)}{r}"
            s_attr = f' s="{style}"' if style else ""
            if value is None or (isinstance(value, str) and value == ""):
                if style:
                    out.append(f'<c r="{ref}"{s_attr}/>')
                continue
            if isinstance(value, (bool, np.bool_)):
                out.append(f'<c r="{ref}"{s_attr} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float, np.integer, np.floating)):
                x = float(value)
                if math.isfinite(x):
                    text = str(int(value)) if isinstance(value, (int, np.integer)) else repr(x)
                    out.append(f'<c r="{ref}"{s_attr}><v>{text}</v></c>')
            else:
                text = neutralise(_scalar_text(value))[:_MAX_CELL_TEXT]
                out.append(f'<c r="{ref}"{s_attr} t="s"><v>{self._sst_index(text)}</v></c>')
        return f'<row r="{r}">{"".join(out)}</row>'

    # package ---------------------------------------------------------------
    def _sheet_xml(self, index: int, sheet: _Sheet) -> Iterator[str]:
        last = f"{_col_letter(max(sheet.n_cols, 1))}{max(sheet.n_rows, 1)}"
        selected = ' tabSelected="1"' if index == 0 else ""
        head = [_XML_DECL, f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">',
                f'<dimension ref="A1:{last}"/>', f'<sheetViews><sheetView{selected} workbookViewId="0">']
        if sheet.freeze_header:
            head.append('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
        head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        if sheet.widths:
            head.append("<cols>" + "".join(
                f'<col min="{j}" max="{j}" width="{w:g}" customWidth="1"/>'
                for j, w in enumerate(sheet.widths, start=1)) + "</cols>")
        head.append("<sheetData>")
        yield "".join(head)
        yield from sheet.body()
        tail = "</sheetData>"
        if sheet.autofilter:
            ref = self._filter_ref(sheet)
            # codes are text on purpose: no "number stored as text" triangles in Excel
            tail += (f'<autoFilter ref="{ref}"/><ignoredErrors>'
                     f'<ignoredError sqref="{ref}" numberStoredAsText="1"/></ignoredErrors>')
        yield tail + "</worksheet>"

    @staticmethod
    def _filter_ref(sheet: _Sheet) -> str:
        return f"A1:{_col_letter(max(sheet.n_cols, 1))}{max(sheet.n_rows, 1)}"

    def _workbook_xml(self) -> str:
        sheets, names = [], []
        for i, sheet in enumerate(self.sheets):
            sheets.append(f'<sheet name="{_attr(sheet.name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>')
            if sheet.autofilter:
                quoted = "'" + sheet.name.replace("'", "''") + "'"
                a, b = self._filter_ref(sheet).split(":")
                ref = "$" + re.sub(r"(\d+)", r"$\1", a) + ":$" + re.sub(r"(\d+)", r"$\1", b)
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" '
                             f'hidden="1">{_xml_escape(quoted)}!{ref}</definedName>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (_XML_DECL + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
                '<bookViews><workbookView activeTab="0"/></bookViews>'
                f"<sheets>{''.join(sheets)}</sheets>{defined}</workbook>")

    def _workbook_rels(self) -> str:
        n = len(self.sheets)
        rels = [f'<Relationship Id="rId{i + 1}" Type="{_REL_NS}/worksheet" '
                f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n)]
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>')
        rels.append(f'<Relationship Id="rId{n + 2}" Type="{_REL_NS}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
        return _XML_DECL + f'<Relationships xmlns="{_PKG_REL_NS}">{"".join(rels)}</Relationships>'

    def _content_types(self) -> str:
        sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        parts = [
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
            '<Default Extension="xml" ContentType="application/xml"/>',
            f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>',
        ]
        parts += [f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
                  f'ContentType="{sml}.worksheet+xml"/>' for i in range(len(self.sheets))]
        parts += [
            f'<Override PartName="/xl/styles.xml" ContentType="{sml}.styles+xml"/>',
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sml}.sharedStrings+xml"/>',
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>',
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>',
        ]
        return (_XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'content-types">{"".join(parts)}</Types>')

    def _root_rels(self) -> str:
        return (_XML_DECL + f'<Relationships xmlns="{_PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                f'<Relationship Id="rId2" Type="{_PKG_REL_NS}/metadata/core-properties" '
                'Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" '
                'Target="docProps/app.xml"/></Relationships>')

    def _core(self) -> str:
        stamp = f"{self.day.isoformat()}T00:00:00Z"
        return (_XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{_xml_escape(self.title)}</dc:title><dc:creator>vn-staffing</dc:creator>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                "</cp:coreProperties>")

    @staticmethod
    def _app() -> str:
        return (_XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                '2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/'
                'officeDocument/2006/docPropsVTypes"><Application>vn-staffing</Application>'
                "</Properties>")

    def _shared_strings(self) -> Iterator[str]:
        yield (_XML_DECL + f'<sst xmlns="{_MAIN_NS}" count="{self._string_refs}" '
               f'uniqueCount="{len(self._strings)}">')
        batch = []
        for text in self._strings:              # insertion order = index order
            space = ' xml:space="preserve"' if text != text.strip() else ""
            batch.append(f"<si><t{space}>{_xml_escape(text)}</t></si>")
            if len(batch) >= 10000:
                yield "".join(batch)
                batch = []
        yield "".join(batch) + "</sst>"

    def save(self, path: Path) -> None:
        """Write the package; entries in a fixed order with fixed times and attributes."""
        stamp = (self.day.year, self.day.month, self.day.day, 0, 0, 0)

        def entry(name: str) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            return info

        def put(zf: zipfile.ZipFile, name: str, chunks: Iterable[str]) -> None:
            with zf.open(entry(name), "w", force_zip64=True) as f:
                for chunk in chunks:
                    f.write(chunk.encode("utf-8"))

        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            put(zf, "[Content_Types].xml", [self._content_types()])
            put(zf, "_rels/.rels", [self._root_rels()])
            put(zf, "docProps/app.xml", [self._app()])
            put(zf, "docProps/core.xml", [self._core()])
            put(zf, "xl/workbook.xml", [self._workbook_xml()])
            put(zf, "xl/_rels/workbook.xml.rels", [self._workbook_rels()])
            put(zf, "xl/styles.xml", [_STYLES_XML])
            for i, sheet in enumerate(self.sheets):
                put(zf, f"xl/worksheets/sheet{i + 1}.xml", self._sheet_xml(i, sheet))
            put(zf, "xl/sharedStrings.xml", self._shared_strings())


# --------------------------------------------------------------------------- tables and workbooks

#: Styles of the cells of a `TextSheet`, by name.
STYLES: dict[str, int] = {
    "default": ST_DEFAULT, "header": ST_HEADER, "text": ST_TEXT, "decimal1": ST_DEC1,
    "decimal3": ST_DEC3, "percent": ST_PERCENT, "bold": ST_BOLD, "note": ST_NOTE, "wrap": ST_WRAP,
}
#: The document date of a workbook when none is given (the default plan date).
DEFAULT_DATE = dt.date(2026, 1, 1)


@dataclasses.dataclass(frozen=True, eq=False)
class Sheet:
    """A table sheet of `write_workbook`: one row per row of `frame`, in its column order.

    The header (bold, frozen, with an autofilter) shows `labels[column]` (the column name
    when absent); `value_labels[column]` maps cell texts to what the workbook shows (the
    CSV keeps the values); `decimals` as in `write_csv_table`. Codes (`is_code_column`)
    are text cells with the format '@'; every text cell goes through `neutralise`.
    """
    name: str
    frame: pd.DataFrame
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    value_labels: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    decimals: Mapping[str, int | None] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, eq=False)
class TextSheet:
    """A free-form sheet of `write_workbook` (notes, key figures).

    `rows`: lists of cells, each a value or a `(value, style)` pair with a style of
    `STYLES` ("bold", "wrap", "header", "note", "percent", ...); `[]` is an empty row.
    `widths`: the widths of the first columns, in characters.
    """
    name: str
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] = ()


def _styled(cell: Any) -> tuple[Any, int]:
    if isinstance(cell, tuple):
        value, style = cell
        if style not in STYLES:
            raise ValueError(f"unknown cell style {style!r}: use one of {', '.join(STYLES)}")
        return value, STYLES[style]
    return cell, ST_DEFAULT


def _zip_day(day: dt.date | None) -> dt.date:
    """The document date of a workbook: `day` (DEFAULT_DATE if None), not before 1980 (zip)."""
    if day is None:
        day = DEFAULT_DATE
    if isinstance(day, dt.datetime):
        day = day.date()
    return max(day, dt.date(1980, 1, 1))


def write_csv_table(df: pd.DataFrame, path: Path | str, *,
                    decimals: Mapping[str, int | None] | None = None) -> Path:
    """Write `df` (its columns, in order; not its index) to a CSV file for planners.

    UTF-8 with a BOM (Excel shows Vietnamese), '\\n' line ends, the column names as header,
    RFC 4180 quoting. Codes (`is_code_column`) are written as text, leading zeros kept;
    text goes through `neutralise`; numbers never do. Numbers have deterministic text: a
    column named in `decimals` is written as numbers with that many decimals (None: whole
    numbers without decimals, else at most 6); other columns with `FLOAT_DECIMALS`, else
    the same rule as None. The same frame gives the same bytes. Returns `path`.
    """
    path = Path(path)
    _write_csv(_columns(df, decimals), path)
    return path


def write_workbook(path: Path | str, sheets: Iterable[Sheet | TextSheet], *,
                   date: dt.date | None = None, title: str = "") -> Path:
    """Write an .xlsx workbook of `sheets`, in order (the first one is shown on opening).

    Streaming and byte-deterministic: the document dates and zip entry times are `date`
    (`DEFAULT_DATE` when None), the entries are written in a fixed order with fixed
    metadata, and the same sheets give the same bytes. `title` is the document title.
    Returns `path`.
    """
    path = Path(path)
    book = _Workbook(title, _zip_day(date))
    names = set()
    for sheet in sheets:
        if sheet.name in names:
            raise ValueError(f"two sheets named {sheet.name!r}")
        names.add(sheet.name)
        if isinstance(sheet, Sheet):
            columns = _columns(sheet.frame, sheet.decimals)
            labels = {c.name: sheet.labels.get(c.name, c.name) for c in columns}
            book.add_table(sheet.name, columns, labels, dict(sheet.value_labels))
        elif isinstance(sheet, TextSheet):
            book.add_rows(sheet.name, [[_styled(c) for c in row] for row in sheet.rows],
                          [float(w) for w in sheet.widths])
        else:
            raise TypeError(f"a sheet is a Sheet or a TextSheet, not {type(sheet).__name__}")
    book.save(path)
    return path


# --------------------------------------------------------------------------- sheets of the plan

def _value_vi(key: str, value: Any) -> tuple[Any, int]:
    """A summary/scenario value as a workbook cell (value, style)."""
    if key == "status":
        return status_vi(value), ST_DEFAULT
    if key == "method":
        text = _scalar_text(value)
        return (f"{METHOD_VI[text]} ({text})" if text in METHOD_VI else text), ST_DEFAULT
    if isinstance(value, (bool, np.bool_)):
        return ("Có" if value else "Không"), ST_DEFAULT
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (float, np.floating)) and not math.isfinite(float(value)):
            return "", ST_DEFAULT
        return value, (ST_PERCENT if key in _RATE_KEYS else ST_DEFAULT)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_scalar_text(v)}" for k, v in value.items()), ST_DEFAULT
    if isinstance(value, list):
        return "; ".join(_scalar_text(v) for v in value), ST_DEFAULT
    return _scalar_text(value), ST_DEFAULT


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
                rows.append([(f"    {SUMMARY_LABELS_VI.get(sub, sub)}", ST_DEFAULT),
                             _value_vi(sub, subvalue)])
        else:
            rows.append([(label, ST_DEFAULT), _value_vi(key, value)])
    rows += [[], [("THIẾT LẬP KỊCH BẢN", ST_BOLD)],
             [("Thiết lập", ST_HEADER), ("Giá trị", ST_HEADER)]]
    for key, value in settings.items():
        rows.append([(SCENARIO_LABELS_VI.get(key, key), ST_DEFAULT), _value_vi(key, value)])
    return rows


def _notes_rows(plan, tables: list[tuple[str, str, list[_Column]]]) -> list[list[tuple[Any, int]]]:
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


def _write_xlsx(plan, path: Path, summary: dict, settings: dict,
                tables: dict[str, list[_Column]]) -> None:
    book = _Workbook("Kế hoạch điều động công chức", _plan_date(plan))
    book.add_rows(SHEET_NAMES["summary"], _summary_rows(plan, summary, settings), [52.0, 70.0])
    listed = []
    for key in ("transfers", "units_after", "short", "postings"):
        if key in tables:
            book.add_table(SHEET_NAMES[key], tables[key], LABELS_VI, VALUE_LABELS_VI)
            listed.append((key, SHEET_NAMES[key], tables[key]))
    book.add_rows(SHEET_NAMES["notes"], _notes_rows(plan, listed), [22.0, 28.0, 24.0, 90.0])
    book.save(path)


# --------------------------------------------------------------------------- public

def write_plan(plan, out_dir: Path | str) -> list[Path]:
    """Write the plan's files into `out_dir` (created if needed); returns their paths.

    transfers.csv, units_after.csv, summary.json, postings.csv (when the plan has
    postings) and plan.xlsx — see the module docstring for the guarantees.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = {
        "transfers": _conform(plan.transfers, TRANSFER_COLUMNS, "transfers"),
        "units_after": _conform(plan.units_after, UNITS_AFTER_COLUMNS, "units_after"),
    }
    if plan.postings is not None:
        frames["postings"] = _conform(plan.postings, POSTINGS_COLUMNS, "postings")
    tables = {key: [_prepare(df, c) for c in df.columns] for key, df in frames.items()}
    short = shortage_rows(frames["units_after"])
    tables["short"] = [_prepare(short, c) for c in short.columns]

    summary = _summary_for_json(plan)
    written = []
    for key in ("transfers", "units_after"):
        path = out_dir / f"{key}.csv"
        _write_csv(tables[key], path)
        written.append(path)
    path = out_dir / "summary.json"
    _write_json(summary, path)
    written.append(path)
    if "postings" in tables:
        path = out_dir / "postings.csv"
        _write_csv(tables["postings"], path)
        written.append(path)
    path = out_dir / "plan.xlsx"
    _write_xlsx(plan, path, summary, summary.get("scenario") or {}, tables)
    written.append(path)
    return written
