"""One worksheet of a dataset workbook → its text frame, and the refusals only a workbook has.

A workbook holds more than text, and some of it would be misread silently as text:

* a code typed as a number (`1` where the planner meant `01`, `9856` for `09856`): the
  leading zeros are gone before the file reaches us. Every code column (`code_columns`) is
  looked at; numbers there are refused in ONE message per column naming the sheet, the
  column, how many cells and the first rows, with the fix (format the column as Text);
* a formula without a saved value (a file written by a program that does not calculate):
  the cell would read as empty; refused naming the cell (B5);
* merged cells: a value merged down one column over several data rows (a unit code over
  its staff, say) is the value of every row of the area, as the planner sees it; a merged
  area across columns inside the table (header and below) has no meaning for a table and is
  refused naming the areas. Merged titles above the header are fine.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
import unicodedata
from collections.abc import Sequence

import pandas as pd

from models.sheet_layout import HEADER_SEARCH, code_columns, find_header, required_names, text_frame
from models.tables import normalise_text
from models.validation import GROUP_ABOVE, GROUP_SHOWN, Problem
from models.workbook_guard import column_letters, column_number
from models.workbook_read import Sheet, cell_text

__all__ = ["sheet_frame", "SheetFrame"]


def _cell(row: int, col: int) -> str:
    return f"{column_letters(col + 1)}{row + 1}"


def _area(area) -> str:
    (r0, c0), (r1, c1) = area
    return f"{_cell(r0, c0)}:{_cell(r1, c1)}"


def _first(items: Sequence[str], n: int = GROUP_SHOWN) -> str:
    return ", ".join(items[:n]) + (f", … {len(items) - n:,} more" if len(items) > n else "")


@dataclass
class SheetFrame:
    frame: pd.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)                 # code columns refused whole
    covered: set[tuple[int, str]] = field(default_factory=set)    # (row, column) already reported


def sheet_frame(table: str, name: str, sheet: Sheet) -> SheetFrame:
    """The text frame of the sheet `name` holding `table`, and the problems found on the way."""
    raw = sheet.rows
    head = [[cell_text(v) for v in r] for r in raw[:HEADER_SEARCH]]
    at = find_header(head, required_names(table))
    if at is None:
        return SheetFrame(None, [Problem(table, 1, None, None, f"sheet {name!r}: the header row (row 1) is empty")])
    header = [normalise_text(h) for h in head[at]]
    problems = _merged(table, name, raw, sheet.merged, at)
    problems += _formulas(table, name, header, sheet, at)
    columns = list(zip(*raw[at + 1:]))          # python-calamine rows are all as wide
    problems += _numeric_codes(table, name, header, columns, at)
    body = pd.DataFrame({i: _texts(col) for i, col in enumerate(columns)},
                        index=range(len(raw) - at - 1), columns=range(len(columns)), dtype=object)
    frame = text_frame(head[at], body, first_row=at + 2, stripped=True)
    return SheetFrame(frame, problems, broken={p.column for p in problems if p.column in code_columns(table)
                                                and p.row is None},
                      covered={(p.row, p.column) for p in problems if p.row is not None})


_nfc = functools.partial(unicodedata.normalize, "NFC")


def _texts(values: Sequence) -> list[str]:
    """One column's cells as stripped text; C-level maps where the column is all text."""
    if set(map(type, values)) == {str}:
        if "".join(values).isascii():
            return list(map(str.strip, values))
        return list(map(str.strip, map(_nfc, values)))
    return [v.strip() for v in map(cell_text, values)]


def _merged(table: str, name: str, raw: list[list], merged, header: int) -> list[Problem]:
    """Fill merged areas down one column (in `raw`); the problems of areas across columns."""
    across = []
    for area in sorted(merged):
        (r0, c0), (r1, c1) = area
        if r1 <= header and (r1 < header or c0 == c1):
            continue                     # a title above the header, or a header cell merged upward
        if c0 != c1 or r0 <= header:
            across.append(_area(area))
            continue
        value = raw[r0][c0] if r0 < len(raw) and c0 < len(raw[r0]) else ""
        for r in range(r0 + 1, min(r1, len(raw) - 1) + 1):
            if c0 < len(raw[r]):
                raw[r][c0] = value
    if not across:
        return []
    return [Problem(table, None, None, None,
                    f"sheet {name!r}: {len(across):,} merged area{'s' if len(across) > 1 else ''} "
                    f"inside the table span{'' if len(across) > 1 else 's'} several columns or the "
                    f"header ({_first(across)}); a table needs one value in each cell: select the "
                    "table and unmerge the cells (Home → Merge & Center → Unmerge Cells)")]


def _formulas(table: str, name: str, header: list[str], sheet: Sheet, at: int) -> list[Problem]:
    scan = sheet.scan
    if not scan.n_formulas_without_value:
        return []
    fix = ("a formula without a saved value (the file was written by a program that does not "
           "calculate): open the file in Excel or LibreOffice and save it again, or paste the values")
    if scan.n_formulas_without_value <= GROUP_ABOVE:
        out = []
        for ref in scan.formulas_without_value:
            letters = ref.rstrip("0123456789")
            row, col = int(ref[len(letters):]), column_number(letters) - 1
            column = header[col] if col < len(header) and header[col] and row > at + 1 else None
            out.append(Problem(table, row, column, None, f"sheet {name!r}, cell {ref}: {fix}"))
        return out
    return [Problem(table, None, None, None,
                    f"sheet {name!r}: {scan.n_formulas_without_value:,} cells hold {fix} (cells "
                    f"{_first(scan.formulas_without_value)})")]


def _numeric_codes(table: str, name: str, header: list[str], columns: list[Sequence], at: int
                   ) -> list[Problem]:
    out = []
    codes = code_columns(table)
    for col, column in enumerate(header):
        if column not in codes or col >= len(columns):
            continue
        values = columns[col]
        if not ({float, int} & set(map(type, values))):
            continue
        found = [(r, v) for r, v in enumerate(values, start=at + 2) if v.__class__ in (float, int)]
        quoted = _first([f"{r} {cell_text(v)!r}" for r, v in found])
        out.append(Problem(
            table, None, column, None,
            f"sheet {name!r}: {len(found):,} code{'s are' if len(found) > 1 else ' is'} stored as "
            f"number{'s' if len(found) > 1 else ''} (rows {quoted}): a number loses its leading "
            f"zeros ('01' becomes 1); format column {column_letters(col + 1)} as Text (Format "
            "Cells → Text), type the codes again with their zeros and save, or save the sheet "
            "as CSV UTF-8"))
    return out
