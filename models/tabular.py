"""Tables as planners' files: cell formatting and the CSV writer (no solver, no plan).

Every table file of the project goes through here (plans, roadmaps, postings, comparisons,
datasets written back): one formatting of each column (`Column`), shared by the CSV writer
below and the workbook writer of `models.workbook`, so a cell reads the same in both.

* Codes are text (`is_code_column`): leading zeros kept; in a workbook, cells of format '@'.
* Formula-injection safety: every text cell goes through `neutralise` (a leading `=`, `+`,
  `-`, `@`, tab or CR gets an apostrophe, as OWASP advises); numbers never do.
* Determinism: numbers have a fixed text (`FLOAT_DECIMALS`, or whole numbers without
  decimals, else at most 6), so the same frame gives the same bytes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CODE_COLUMNS", "FLOAT_DECIMALS", "FORMULA_PREFIXES", "CHUNK_ROWS", "Column", "neutralise",
           "is_code_column", "scalar_text", "format_float", "format_numbers", "prepare_column",
           "table_columns", "write_csv_columns", "write_csv_table", "column_letters"]

def column_letters(number: int) -> str:
    """Spreadsheet letters of a 1-based column number: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


#: Rows formatted per chunk (bounds memory on national tables).
CHUNK_ROWS = 20000

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


#: A value starting with a formula prefix, in the values joined by NUL (one search for a column).
_PREFIX_AFTER_NUL = re.compile("\x00[" + re.escape("".join(FORMULA_PREFIXES)) + "]")


def neutralise_all(values: list[str]) -> list[str]:
    """`neutralise` over a list of strings, visiting only the few that need it.

    One regular-expression search over the values joined by NUL tells whether any needs it
    (almost never); only then is every value looked at.
    """
    if not values or not _PREFIX_AFTER_NUL.search("\x00" + "\x00".join(values)):
        return values
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
class Column:
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


def scalar_text(value: Any) -> str:
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
        return format_float(float(value))
    if isinstance(value, (list, tuple)):
        return ";".join(scalar_text(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return ";".join(sorted(scalar_text(v) for v in value))
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


def format_float(x: float) -> str:
    """A float with no fixed decimals: a whole number without '.0', else ≤ 6 decimals."""
    if x.is_integer():
        return str(int(x))
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_numbers(array: np.ndarray, decimals: int | None) -> tuple[list, int | None]:
    """Deterministic text of numbers; None for NaN / infinity (an empty cell)."""
    finite = np.isfinite(array)
    if decimals is None and bool(np.all(np.mod(array[finite], 1) == 0)):
        decimals = 0
    if decimals is not None:
        rounded = np.round(np.where(finite, array, 0.0), decimals) + 0.0   # -0.0 → 0.0
        out = _fixed_text(rounded, decimals)
        if out is None:
            spec = f".{decimals}f"
            out = [format(x, spec) for x in rounded.tolist()]
    else:
        out = [format_float(x) for x in np.where(finite, array, 0.0).tolist()]
    if not finite.all():
        for i in np.flatnonzero(~finite):
            out[i] = None
    return out, decimals


def _fixed_text(rounded: np.ndarray, decimals: int) -> list[str] | None:
    """``format(x, ".0f")`` of whole numbers, as the digits of integers (faster, same text);
    None (use `format`) with decimals or beyond 2^52. Each distinct number is written once and
    its text shared by every cell that has it (counts repeat: far less memory than a string
    per cell)."""
    if decimals or rounded.size == 0 or not float(np.abs(rounded).max()) < 2.0 ** 52:
        return None
    codes, uniques = pd.factorize(rounded.astype(np.int64))
    text = np.array([str(v) for v in uniques.tolist()], dtype=object)
    return text[codes].tolist()


def prepare_column(df: pd.DataFrame, name: str,
             decimals: Mapping[str, int | None] | None = None) -> Column:
    """The column `name` of `df`, formatted; `decimals` (see `write_csv_table`) wins."""
    s = df[name]
    if decimals and name in decimals:
        array = pd.to_numeric(s).to_numpy(dtype=float, na_value=np.nan)
        values, used = format_numbers(array, decimals[name])
        return Column(name, "number", values, used)
    if is_code_column(name):
        if pd.api.types.is_float_dtype(s.dtype):
            values = [v if v is not None else "" for v in format_numbers(
                s.to_numpy(dtype=float, na_value=np.nan), 0)[0]]
        else:
            values = texts(s)
        return Column(name, "code", neutralise_all(values))
    dtype = s.dtype
    inferred = None
    if dtype == object:
        inferred = pd.api.types.infer_dtype(s, skipna=True)
    if pd.api.types.is_bool_dtype(dtype) or inferred == "boolean":
        return Column(name, "bool",
                       [None if (v is None or v is pd.NA) else bool(v) for v in s.tolist()])
    if (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)) \
            or inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        array = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        values, decimals = format_numbers(array, FLOAT_DECIMALS.get(name))
        return Column(name, "number", values, decimals)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        midnight = s.dropna()
        fmt = "%Y-%m-%d" if bool((midnight == midnight.dt.normalize()).all()) else \
            "%Y-%m-%dT%H:%M:%S"
        return Column(name, "text", s.dt.strftime(fmt).fillna("").tolist())
    return Column(name, "text", neutralise_all(texts(s)))


def texts(s: pd.Series) -> list[str]:
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s.fillna("").tolist()
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=False) == "string":
        return s.tolist()                      # all str already: scalar_text would keep each
    return [scalar_text(v) for v in s.tolist()]


def table_columns(df: pd.DataFrame, decimals: Mapping[str, int | None] | None = None) -> list[Column]:
    """Every column of `df`, in its order, formatted once for the CSV and the workbook."""
    if not all(isinstance(c, str) for c in df.columns):
        df = df.rename(columns=str)
    names = list(df.columns)
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate column names {names}")
    return [prepare_column(df, c, decimals) for c in names]


# --------------------------------------------------------------------------- CSV / JSON files

def csv_quoted(values: list[str]) -> list[str]:
    """RFC 4180 quoting of the fields that need it (comma, quote, CR or LF inside).

    Done here rather than by the csv module, whose writer (before Python 3.12) leaves a
    bare CR unquoted when the line terminator is LF, which breaks the row for readers.
    """
    blob = "\x00".join(values)
    if not any(ch in blob for ch in ',"\r\n'):
        return values
    return ['"' + v.replace('"', '""') + '"'
            if (',' in v or '"' in v or "\n" in v or "\r" in v) else v for v in values]


def write_csv_columns(columns: list[Column], path: Path) -> None:
    """UTF-8 with BOM (Excel shows Vietnamese), '\\n' line ends, header of column names."""
    header = ",".join(csv_quoted([c.name for c in columns]))
    fields = [csv_quoted(c.csv_values()) for c in columns]
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(header + "\n")
        n = len(fields[0]) if fields else 0
        for lo in range(0, n, CHUNK_ROWS):
            f.write("".join(",".join(row) + "\n"
                            for row in zip(*(col[lo:lo + CHUNK_ROWS] for col in fields))))


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
    write_csv_columns(table_columns(df, decimals), path)
    return path
