"""Checks of a dataset against docs/contract.md §1: vectorised, and every problem is collected.

The checks read the row models of `models.tables` (their `columns()`, `KEY` and `REFERENCES`),
so a column rule is written once, there. They work on whole columns with pandas; Python
only loops over the cells that are wrong, to name them.

Input of `validate_tables` is one *text frame* per table, as `models.io` reads it: every cell
a `str` (NFC-normalised and stripped, "" when empty), the columns named as in the header
(NFC, stripped; possibly duplicated or empty), and the index holding each row's number as
the planner sees it (the header is row 1, the first data row is row 2). The output is the
typed frames of DESIGN.md ("The normalised Dataset"), or a `DatasetError` listing every
problem.

The rules, in the order they run (each is one function below):

- `table_presence`: the five required tables are there; `officers` and `province_needs`
  come together;
- `header_problems`: no column name twice, no values under an empty column name, `_row`
  is reserved;
- `missing_columns`: every required column is in the header;
- `cell_problems`: required cells are not empty; numbers, whole numbers, dates, booleans
  and enumerations parse; bounds hold (latitude, longitude, priority ≥ 1, quota ≥ 0, …);
- `duplicate_keys`: no two rows share a table's key;
- `unknown_references`: codes that refer to another table are found there;
- `conflicting_distances`: a pair given in both directions has one distance;
- `conversion_self_pairs`: a retraining path leads to another position.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.dataset import TABLE_NAMES
from models.tabular import column_letters
from models.tables import (
    DATE_FORMS, DATE_PATTERN, DMY_PATTERN, MAX_WHOLE, NUMBER_PATTERN, OPTIONAL_TABLES, REQUIRED_TABLES, TABLES,
    BOOL_WORDS, Column, columns,
)

__all__ = ["Problem", "DatasetError", "group", "validate_tables", "check_table", "table_presence",
           "header_problems", "missing_columns", "cell_problems", "duplicate_keys", "empty_table",
           "unknown_references", "conflicting_distances", "conversion_self_pairs"]

ROW_COLUMN = "_row"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the planner sees it."""

    table: str
    row: int | None       # header = 1, first data row = 2; None for the table as a whole
    column: str | None
    value: str | None     # the cell's text as read (NFC, stripped)
    message: str

    def __str__(self) -> str:
        where = self.table if self.row is None else f"{self.table} row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        if self.value is not None:
            where += f", value {self.value!r}"
        return f"{where}: {self.message}"


class DatasetError(Exception):
    """The dataset cannot be used; `.problems` lists every reason (str() lists them all)."""

    def __init__(self, problems: Iterable[Problem], source: object = None):
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self.problems)

    def headline(self) -> str:
        n = len(self.problems)
        where = f" in {self.source}" if self.source is not None else ""
        return f"{n:,} problem{'s' if n != 1 else ''}{where}:"

    def grouped(self) -> list["Problem"]:
        """The problems as shown: a mistake repeated down a column is one message (`group`)."""
        return group(self.problems)

    def __str__(self) -> str:
        return "\n".join([self.headline(), *(f"  {p}" for p in self.grouped())])


#: a fault found in more rows than this, in one column of one table, is shown as one message
GROUP_ABOVE = 3
#: how many of its rows (number and value) that message quotes
GROUP_SHOWN = 5
_HINTS = (  # (words in the message, the hint a planner can act on)
    (("not a date", "two-digit year", "month/day/year", "ambiguous date", "impossible date"),
     "write every date as yyyy-mm-dd or dd/mm/yyyy, or format the column as Date in Excel"),
    (("required value is empty",),
     "is the column filled in? Merged cells, a total row or a blank column leave cells empty"),
    (("(not in table",),
     "are the codes typed with their leading zeros (as text), and is the other table complete?"),
    (("not a number", "not a finite number", "not a whole number"),
     "write plain numbers with a decimal point (21.03); a CSV saved with ';' between fields "
     "may use a decimal comma"),
    (("not a boolean",), "write true/false, 1/0, yes/no or có/không"),
    (("unknown gender",), "write M/F or Nam/Nữ"),
)


def _hint(message: str) -> str:
    return next((hint for words, hint in _HINTS if any(w in message for w in words)), "")


def group(problems: Iterable[Problem], above: int = GROUP_ABOVE, shown: int = GROUP_SHOWN) -> list[Problem]:
    """One message for each fault repeated in more than `above` rows of a column.

    Problems with the same table, column and message are one *fault*; a fault found in more
    than `above` rows becomes one Problem (row None) that says how many rows, quotes the first
    `shown` row numbers and values, and gives a hint. It takes the place of its first row;
    everything else keeps its order.
    """
    problems = list(problems)
    count: dict[tuple, int] = {}
    for p in problems:
        if p.row is not None:
            key = (p.table, p.column, p.message)
            count[key] = count.get(key, 0) + 1
    out: list[Problem] = []
    quoted: dict[tuple, list[Problem]] = {}
    for p in problems:
        key = (p.table, p.column, p.message)
        if p.row is None or count[key] <= above:
            out.append(p)
            continue
        if key not in quoted:
            quoted[key] = []
            out.append(key)            # a placeholder, replaced below
        if len(quoted[key]) < shown:
            quoted[key].append(p)
    for i, item in enumerate(out):
        if isinstance(item, tuple):
            table, column, message = item
            n = count[item]
            rows = ", ".join(f"{p.row} {p.value!r}" if p.value is not None else str(p.row)
                             for p in quoted[item])
            more = f", … {n - len(quoted[item]):,} more" if n > len(quoted[item]) else ""
            hint = _hint(message)
            out[i] = Problem(table, None, column, None,
                             f"{n:,} rows: {message} (rows {rows}{more})"
                             + (f"; hint: {hint}" if hint else ""))
    return out


# --------------------------------------------------------------------------- rules


def table_presence(present: Iterable[str],
                   expected: Callable[[str], str] = lambda t: f"a table named {t}",
                   required: Iterable[str] = REQUIRED_TABLES) -> list[Problem]:
    """Required tables are there; `officers` and `province_needs` are given together.

    `required`: the tables the caller needs (the five of docs/contract.md §1 by default; a command
    that needs fewer, such as `staffing officers` (§4), names its own)."""
    present = set(present)
    out = [Problem(t, None, None, None, f"required table is missing (expected {expected(t)})")
           for t in required if t not in present]
    pair = ("officers", "province_needs")
    for have, lack in (pair, pair[::-1]):
        if have in present and lack not in present:
            out.append(Problem(lack, None, None, None,
                               f"table is missing: {have} is given and needs {lack} "
                               f"(expected {expected(lack)}); give both or neither"))
    return out


def _column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position (0 → A, 26 → AA)."""
    return column_letters(position + 1)


def header_problems(table: str, frame: pd.DataFrame) -> tuple[list[Problem], list[int]]:
    """Problems of the header row, and the positions of the columns to keep."""
    out, keep, seen = [], [], {}
    for i, name in enumerate(frame.columns):
        if name == "":
            if (frame.iloc[:, i] != "").any():
                out.append(Problem(table, 1, None, None,
                                   f"column {_column_letter(i)} has values but no name in the header"))
        elif name == ROW_COLUMN:
            out.append(Problem(table, 1, name, None, f"the column name {ROW_COLUMN} is reserved"))
        elif name in seen:
            out.append(Problem(table, 1, name, None,
                               f"column name appears twice in the header (columns "
                               f"{_column_letter(seen[name])} and {_column_letter(i)})"))
        else:
            seen[name] = i
            keep.append(i)
    return out, keep


def missing_columns(table: str, names: Iterable[str]) -> list[Problem]:
    """Every required column of the table's row model is in the header."""
    names = set(names)
    out = [Problem(table, 1, c.name, None, "required column is missing")
           for c in columns(TABLES[table]) if c.required and c.name not in names]
    if len(out) > 1 and len(names) == 1 and ";" in next(iter(names)):
        out.append(Problem(table, 1, None, None,
                           "the header has one column holding ';': separate the columns with commas"))
    return out


_OPS = {">=": ("≥", np.greater_equal), ">": (">", np.greater),
        "<=": ("≤", np.less_equal), "<": ("<", np.less)}


class _Judge:
    """Collects the problems of one column; each cell is reported once, for its first fault."""

    def __init__(self, table: str, column: str, text: pd.Series):
        self.table, self.column, self.text = table, column, text
        self.open = (text != "").to_numpy(dtype=bool, copy=True)   # filled cells not yet found wrong
        self.problems: list[Problem] = []

    def fail(self, bad, message: str) -> None:
        bad = np.asarray(bad, dtype=bool) & self.open
        if bad.any():
            rows, values = self.text.index[bad], self.text.to_numpy()[bad]
            self.problems.extend(Problem(self.table, int(r), self.column, str(v), message)
                                 for r, v in zip(rows, values))
            self.open = self.open & ~bad


def _bound_text(bound) -> str:
    return bound.isoformat() if hasattr(bound, "isoformat") else f"{bound:g}"


def _iso_dates(judge: _Judge, text: pd.Series) -> pd.Series:
    """The column's dates as YYYY-MM-DD text (None where not a date), failing the others.

    Accepted: `yyyy-mm-dd`, and `dd/mm/yyyy` (day first, the Vietnamese convention; also with
    `-` or `.`, and one-digit day or month). A date is *ambiguous*, and refused rather than
    guessed, when its column also holds a slash date whose second number is above 12: such a
    date can only be month/day/year, so the column mixes the two orders and a date whose day
    and month are both 12 or less (`05/04/1990`) could be either. Such month-first dates are
    refused too. A two-digit year (`14/05/84`) is refused: its century is not guessed.
    """
    iso = text.str.fullmatch(DATE_PATTERN).to_numpy(dtype=bool)
    other = judge.open & ~iso
    parts = pd.DataFrame(index=text.index, columns=range(4), dtype=object)
    two_digit = np.zeros(len(text), dtype=bool)
    if other.any():                       # the (slower) day/month/year reading only where needed
        sub = text[other]
        parts.loc[other] = sub.str.extract(f"^{DMY_PATTERN}$").to_numpy()
        two_digit[other] = sub.str.fullmatch(r"[0-9]{1,2}([/.-])[0-9]{1,2}\1[0-9]{2}").to_numpy(dtype=bool)
    dmy = parts[0].notna().to_numpy(dtype=bool)
    judge.fail(two_digit, f"a two-digit year: the century is not guessed (write {DATE_FORMS})")
    judge.fail(~iso & ~dmy, f"not a date (write {DATE_FORMS})")
    out = text.where(iso)
    if dmy.any():
        first = pd.to_numeric(parts[0], errors="coerce").to_numpy()
        second = pd.to_numeric(parts[2], errors="coerce").to_numpy()
        month_first = dmy & (second > 12) & (first <= 12)
        if month_first.any():
            at = int(np.argmax(month_first))
            example = f"row {int(text.index[at])} {text.iloc[at]!r}"
            judge.fail(month_first, f"written month/day/year: dates are read day/month/year "
                                    f"({DATE_FORMS})")
            judge.fail(dmy & (first <= 12) & (second <= 12),
                       f"ambiguous date: the column also has month-first dates ({example}), so "
                       f"day and month cannot be told apart; write {DATE_FORMS}")
        ok = dmy & judge.open
        out[ok] = (parts.loc[ok, 3] + "-" + parts.loc[ok, 2].str.zfill(2) + "-"
                   + parts.loc[ok, 0].str.zfill(2))
    return out.where(judge.open)


def cell_problems(table: str, column: Column, text: pd.Series) -> tuple[pd.Series, list[Problem]]:
    """Check one column's cells against its row-model field; return the typed column too.

    Bad cells are typed as the default (or NaN/NaT/0); the caller refuses the data anyway.
    """
    judge = _Judge(table, column.name, text)
    present = judge.open.copy()
    if column.required:
        judge.problems.extend(Problem(table, int(r), column.name, "", "required value is empty")
                              for r in text.index[~present])
    kind, default = column.kind, column.default

    if kind == "text":
        if column.pattern:
            judge.fail(~text.str.contains(column.pattern, regex=True).to_numpy(),
                       f"not in the expected form ({column.description or column.pattern})")
        return (text.where(present, default) if default else text).astype(str), judge.problems

    if kind in ("number", "whole"):
        numeric = text.str.fullmatch(NUMBER_PATTERN).to_numpy(dtype=bool)
        judge.fail(~numeric, "not a number")
        values = np.full(len(text), np.nan)
        values[numeric] = text[numeric].astype(float).to_numpy()
        judge.fail(~np.isfinite(values), "not a finite number")
        if kind == "whole":
            judge.fail(np.floor(values) != values, "not a whole number")
            judge.fail(np.abs(values) > MAX_WHOLE, "whole number too large")
        for op, bound in column.bounds():
            symbol, holds = _OPS[op]
            judge.fail(~holds(values, bound), f"must be {symbol} {_bound_text(bound)}")
        fill = np.nan if default is None else default
        values = np.where(judge.open, values, fill)
        if kind == "whole":
            return pd.Series(np.nan_to_num(values, nan=0).astype("int64"), index=text.index), judge.problems
        return pd.Series(values.astype("float64"), index=text.index), judge.problems

    if kind == "date":
        iso = _iso_dates(judge, text)
        stamps = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
        judge.fail(stamps.isna().to_numpy(), "impossible date")
        for op, bound in column.bounds():
            symbol, holds = _OPS[op]
            judge.fail(~holds(stamps, pd.Timestamp(bound)).to_numpy(dtype=bool),
                       f"must be {symbol} {_bound_text(bound)}")
        typed = stamps.where(judge.open).astype("datetime64[ns]")
        return typed, judge.problems

    # bool and choice: look the case-folded label up
    keys = text.str.casefold().str.normalize("NFC")
    if kind == "bool":
        found = keys.map(BOOL_WORDS)
        judge.fail(found.isna().to_numpy(), "not a boolean (expected true/false, 1/0, yes/no or có/không)")
        fill = False if default is None else default
        return found.where(judge.open, fill).astype(bool), judge.problems
    found = keys.map(column.labels.mapping)
    judge.fail(found.isna().to_numpy(),
               f"unknown {column.name} (expected one of {column.labels.expected()})")
    return found.where(judge.open, "").astype(str), judge.problems


def check_table(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem], set[str]]:
    """Header and cell checks of one text frame.

    Returns the typed frame (contract columns in model order, then the extra columns, then
    `_row`), its problems, and the names of the contract columns that were missing.
    """
    problems, keep = header_problems(table, frame)
    cells = {frame.columns[i]: frame.iloc[:, i] for i in keep}
    problems += missing_columns(table, cells)
    spec = columns(TABLES[table])
    empty = pd.Series("", index=frame.index, dtype=str)
    typed = {}
    for column in spec:   # an absent optional column is all defaults, an absent required one is reported
        typed[column.name], found = cell_problems(table, column, cells.get(column.name, empty))
        if column.name in cells:
            problems += found
    contract = set(typed)
    typed.update({name: s.astype(str) for name, s in cells.items() if name not in contract})
    out = pd.DataFrame(typed, index=frame.index)
    out[ROW_COLUMN] = frame.index.to_numpy(dtype="int64")
    missing = {c.name for c in spec if c.required and c.name not in cells}
    return out.reset_index(drop=True), problems, missing


def empty_table(table: str) -> pd.DataFrame:
    """The typed frame of a table with no rows (its contract columns and dtypes, and `_row`):
    what a table the caller did not need reads as when it is absent."""
    return check_table(table, pd.DataFrame(index=pd.RangeIndex(2, 2)))[0]


def duplicate_keys(table: str, frame: pd.DataFrame) -> list[Problem]:
    """No two rows share the table's key (rows with an empty key cell are skipped)."""
    key = list(TABLES[table].KEY)
    filled = (frame[key] != "").all(axis=1)
    sub = frame.loc[filled, key + [ROW_COLUMN]]
    later = sub.duplicated(key, keep="first")
    if not later.any():
        return []
    first = sub.groupby(key, sort=False)[ROW_COLUMN].transform("first")
    label = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
    rows = sub[later]
    return [Problem(table, int(r), label, ", ".join(vals), f"duplicate {label}, first in row {int(f)}")
            for r, f, vals in zip(rows[ROW_COLUMN], first[later], rows[key].itertuples(index=False))]


def unknown_references(frames: Mapping[str, pd.DataFrame],
                       broken: set[tuple[str, str]] = frozenset()) -> list[Problem]:
    """Codes that refer to another table are found there (empty optional codes are fine).

    `broken` holds (table, column) pairs that are missing from their table; references from
    or to them are not checked (the missing column is reported already).
    """
    out = []
    for table, frame in frames.items():
        for column, (target, target_column) in TABLES[table].REFERENCES.items():
            if target not in frames or (table, column) in broken or (target, target_column) in broken:
                continue
            codes = frame[column]
            bad = (codes != "") & ~codes.isin(frames[target][target_column])
            noun = target_column.removesuffix("_code")
            out.extend(Problem(table, int(r), column, v, f"unknown {noun} (not in table {target})")
                       for r, v in zip(frame.loc[bad, ROW_COLUMN], codes[bad]))
    return out


def conflicting_distances(frame: pd.DataFrame) -> list[Problem]:
    """A pair given in both directions (a→b and b→a) carries the same km (it is used both ways)."""
    d = frame.loc[frame["km"].notna(), ["from_unit", "to_unit", "km", ROW_COLUMN]]
    both = d.merge(d, left_on=["from_unit", "to_unit"], right_on=["to_unit", "from_unit"],
                   suffixes=("", "_rev"))
    bad = both[(both[ROW_COLUMN] > both[ROW_COLUMN + "_rev"]) & (both["km"] != both["km_rev"])]
    return [Problem("distances", int(r.at), "km", _number_text(r.km),
                    f"the reverse pair {r.to_unit} → {r.from_unit} in row {int(r.rev_at)} has km "
                    f"{_number_text(r.km_rev)}; a distance is used in both directions")
            for r in bad.rename(columns={ROW_COLUMN: "at", ROW_COLUMN + "_rev": "rev_at"})
            .itertuples(index=False)]


def conversion_self_pairs(frame: pd.DataFrame) -> list[Problem]:
    """A retraining path leads to another position (from_position ≠ to_position)."""
    bad = frame.loc[(frame["from_position"] != "") & (frame["from_position"] == frame["to_position"])]
    return [Problem("conversions", int(r), "to_position", v,
                    "the same as from_position: a retraining path must lead to another position")
            for r, v in zip(bad[ROW_COLUMN], bad["to_position"])]


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# --------------------------------------------------------------------------- all together


def validate_tables(frames: Mapping[str, pd.DataFrame | None], *,
                    problems: Iterable[Problem] = (),
                    expected: Callable[[str], str] = lambda t: f"a table named {t}",
                    source: object = None, broken: Iterable[tuple[str, str]] = (),
                    covered: Iterable[tuple[str, int, str]] = (),
                    required: Iterable[str] = REQUIRED_TABLES) -> dict[str, pd.DataFrame]:
    """Run every rule; return the typed frames of the tables present, or raise DatasetError.

    `frames`: table name → text frame; None for a table that is there but could not be read
    (its problem is among `problems`); tables not in `frames` are missing. `expected(table)`
    says where the table was looked for, for the missing-table message. `broken`: (table,
    column) pairs already refused as a whole (codes stored as numbers): no reference or key
    is checked through them. `covered`: (table, row, column) cells whose problem is among
    `problems` (a formula without a value): no other problem is reported for them.
    """
    problems = list(problems)
    given = len(problems)
    problems += table_presence(frames, expected, required)
    typed: dict[str, pd.DataFrame] = {}
    broken: set[tuple[str, str]] = set(broken)
    for table in TABLE_NAMES:
        frame = frames.get(table)
        if frame is None:
            continue
        typed[table], found, absent = check_table(table, frame)
        problems += found
        broken |= {(table, c) for c in absent}
    for table, frame in typed.items():
        if not any((table, k) in broken for k in TABLES[table].KEY):
            problems += duplicate_keys(table, frame)
    problems += unknown_references(typed, broken)
    if "distances" in typed and ("distances", "km") not in broken:
        problems += conflicting_distances(typed["distances"])
    if "conversions" in typed and not {("conversions", "from_position"), ("conversions", "to_position")} & broken:
        problems += conversion_self_pairs(typed["conversions"])
    covered = set(covered)
    if covered:
        problems = problems[:given] + [p for p in problems[given:]
                                       if (p.table, p.row, p.column) not in covered]
    if problems:
        rank = {t: i for i, t in enumerate(TABLE_NAMES)}
        problems.sort(key=lambda p: (rank.get(p.table, -1), -1 if p.row is None else p.row))
        raise DatasetError(problems, source)
    return typed


assert set(TABLES) == set(TABLE_NAMES) == set(REQUIRED_TABLES) | set(OPTIONAL_TABLES)
