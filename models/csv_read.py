"""One CSV table as text: the separator found, title rows skipped, unbalanced quotes caught.

A planner's CSV comes from Excel: UTF-8 (with or without BOM), `,` between fields — or, from
an Excel set to the Vietnamese locale, `;` between fields and `,` as the decimal mark. The
separator is the one under which a line among the first `HEADER_SEARCH` holds every required
column name of the table (`,` first); the header is found as in a sheet (`find_header`: title
rows above it are skipped). Records are then read by pandas' C parser, every cell as text.

An unbalanced quote (`"Nguyễn Văn An` with no closing quote) makes any CSV reader swallow the
lines below into one field until the next quote turns up: records merge and later row numbers
shift. `read_csv_table` refuses such a file, naming the row where the quote opens: a cell
that runs over several lines where a later line holds the separator is that case (a
legitimate line break inside a quoted cell, an address typed with Alt+Enter say, has no
separator after it).

Errors are `ValueError`s whose text `models.io` puts in a `Problem` naming the file.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.sheet_layout import HEADER_SEARCH, find_header

__all__ = ["CsvTable", "read_csv_table", "sniff_separator", "SEPARATORS"]

#: the separators tried, in order: the contract's comma, then the Vietnamese-locale semicolon
SEPARATORS = (",", ";")


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    body: pd.DataFrame         # every record below the header, all cells text
    first_row: int             # the row number of the first record of `body`
    separator: str


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text (byte {e.start} cannot be read); save it as UTF-8 CSV") from None
    return unicodedata.normalize("NFC", text)   # NFC of the whole text = NFC of every cell


def _head(text: str, separator: str) -> list[list[str]]:
    lines = text.splitlines()[:HEADER_SEARCH]
    return list(csv.reader(lines, delimiter=separator))


def sniff_separator(text: str, required: Iterable[str]) -> str:
    """`;` when a line among the first ones holds every required name split by `;` and none
    does split by `,`; `,` otherwise (then missing columns are reported as usual)."""
    want = set(required)
    for separator in SEPARATORS:
        for record in _head(text, separator):
            if want <= {unicodedata.normalize("NFC", c).strip() for c in record}:
                return separator
    return ","


def read_csv_table(path: Path, required: Iterable[str]) -> CsvTable:
    """The header and records of a CSV table (cells not yet stripped); ValueError if unreadable."""
    required = list(required)
    text = _text(path)
    if not text.strip():
        raise ValueError("the file is empty (no header row)")
    separator = sniff_separator(text, required)
    at = find_header(_head(text, separator), required)
    if at is None:
        raise ValueError("the header row (row 1) is empty")
    try:
        grid = pd.read_csv(io.StringIO(text), sep=separator, header=None, skiprows=at, dtype=str,
                           keep_default_na=False, na_filter=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as e:
        raise ValueError(f"cannot be read as CSV: {str(e).strip()}") from None
    header = grid.iloc[0].tolist()
    body = grid.iloc[1:]
    if '"' in text:
        _check_quotes(body, separator, at + 2)
    return CsvTable(header, body, at + 2, separator)


def _check_quotes(body: pd.DataFrame, separator: str, first_row: int) -> None:
    """Refuse a cell whose later lines hold the separator: lines of other records swallowed by
    a quote that is not closed in its row."""
    for i in range(body.shape[1]):
        cells = body.iloc[:, i]
        multi = cells.str.contains("\n", regex=False) | cells.str.contains("\r", regex=False)
        if not multi.any():
            continue
        for pos in multi.to_numpy().nonzero()[0]:
            later = cells.iloc[pos].replace("\r", "\n").split("\n")[1:]
            if any(separator in part for part in later):
                row = first_row + int(pos)
                raise ValueError(
                    f"row {row}: a quote (\") opens a cell that is not closed in that row, so "
                    f"{len(later) + 1} lines of the file were read as one row; close or remove "
                    f"the quote in row {row}")
