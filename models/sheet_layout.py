"""From the rows of a CSV file or a sheet to the text frame `models.validation` checks.

What real ministry spreadsheets look like (docs/contract.md §4), handled here for CSV and
workbooks alike:

* title rows above the header: the header is the first row, among the first
  `HEADER_SEARCH`, that holds every required column name of the table (failing that, the
  one holding most of them, then row 1); rows above it are skipped;
* row numbers stay the planner's: the header's own row number, data rows below it;
* a Vietnamese-locale CSV (`;` between fields) may write numbers with a decimal comma
  (`21,0386`) and thousands dots (`8.807.523`): `decimal_comma` turns the number columns of
  such a file into plain decimal text. The file reads thousands dots only when it has a
  decimal comma somewhere (else `1.234` is one point two three four, as in a comma file).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from models.tables import TABLES, columns, normalise_text

__all__ = ["HEADER_SEARCH", "find_header", "text_frame", "code_columns", "required_names",
           "decimal_comma"]

#: how many rows from the top may hold titles before the header
HEADER_SEARCH = 30


def required_names(table: str) -> list[str]:
    return [c.name for c in columns(TABLES[table]) if c.required]


def code_columns(table: str) -> set[str]:
    """The columns that hold codes (text keys and references: `unit_code`, `staff_id`, …)."""
    model = TABLES[table]
    kinds = {c.name: c.kind for c in columns(model)}
    named = set(model.KEY) | set(model.REFERENCES)
    return {c for c in named if kinds.get(c) == "text"}


def find_header(rows: Sequence[Sequence[str]], required: Iterable[str]) -> int | None:
    """The 0-based index of the header row: the first of the first `HEADER_SEARCH` rows that
    holds every required name, else the one holding most of them; when none holds any, row 1
    (None when row 1 is empty: there is no header to read)."""
    want = set(required)
    best, most = None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        found = len(want & {normalise_text(c) for c in row if c})
        if found == len(want):
            return i
        if found > most:
            best, most = i, found
    if best is not None:
        return best
    return 0 if rows and any(normalise_text(c) for c in rows[0] if c) else None


def text_frame(header: Sequence[str], body: pd.DataFrame | Sequence[Sequence[str]],
               first_row: int = 2, stripped: bool = False) -> pd.DataFrame:
    """Strip every cell and name, number the rows (the first body row is `first_row`), drop
    blank rows. `body` is rows of text, or a text DataFrame (from the CSV parser); rows may be
    shorter or longer than the header (missing cells are empty). `stripped`: the cells are."""
    if not isinstance(body, pd.DataFrame):
        body = pd.DataFrame(list(body), dtype=object) if len(body) else pd.DataFrame()
    width = max(len(header), body.shape[1])

    def cells(i: int) -> pd.Series:
        if i >= body.shape[1]:
            return pd.Series("", index=body.index, dtype=object)
        s = body.iloc[:, i]
        if s.hasnans:
            s = s.fillna("")
        return s if stripped else s.astype(str).str.strip()

    data = {i: cells(i) for i in range(width)}
    frame = pd.DataFrame(data, index=body.index, columns=range(width), dtype=object)
    frame = frame.set_axis(pd.RangeIndex(first_row, first_row + len(body)))
    if width:
        frame = frame[(frame != "").any(axis=1)]
    frame.columns = [normalise_text(h) for h in header] + [""] * (width - len(header))
    return frame


_DECIMAL_COMMA = r"[+-]?[0-9]*,[0-9]+|[+-]?[0-9]+,"
_THOUSANDS = r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]*)?"


def decimal_comma(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The number columns of a `;`-separated CSV with `,` as the decimal mark, as plain text.

    The file writes a decimal comma when any number cell of it does (`21,0386`); then a dot
    is a thousands separator (`8.807.523`, `220.000`) where it groups digits by three. A file
    without any decimal comma is left as it is (its dots are decimal points)."""
    numbers = [i for i, name in enumerate(frame.columns)
               if name in {c.name for c in columns(TABLES[table]) if c.kind in ("number", "whole")}]
    if not any(frame.iloc[:, i].str.fullmatch(_DECIMAL_COMMA).any() for i in numbers):
        return frame
    out = frame.copy()
    for i in numbers:
        s = frame.iloc[:, i]
        grouped = s.str.fullmatch(_THOUSANDS)
        fixed = s.where(~grouped, s.str.replace(".", "", regex=False))
        out.isetitem(i, fixed.str.replace(",", ".", regex=False))
    return out
