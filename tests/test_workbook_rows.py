"""models.workbook: rows written with one %-format per row are the text of the cell-by-cell join."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from models.tabular import column_letters, table_columns
from models.workbook import Workbook, _rows_xml


def _cell_by_cell(cells, lo, hi, first):
    parts = [fmt(lo, hi, first) for fmt in cells]
    return "".join(f'<row r="{r}">{"".join(row)}</row>'
                   for r, row in zip(range(lo - first + 2, hi - first + 2), zip(*parts)))


def test_rows_with_and_without_empty_cells_are_the_same_text():
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "unit_code": [f"{i:05d}" for i in rng.integers(0, 50, n)],
        "name": np.where(rng.random(n) < 0.1, "", [f"Xã {i}" for i in range(n)]),
        "quota": rng.integers(0, 9, n),
        "km": np.where(rng.random(n) < 0.2, np.nan, rng.random(n) * 100),
        "movable": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5), dtype="boolean"),
        "percent": "50%",
    })
    frame.loc[:199, "name"] = "full"          # the first rows: no empty cell in any column
    frame.loc[:199, "km"] = 1.5
    frame.loc[:199, "movable"] = True
    wb = Workbook("t", dt.date(2026, 1, 1))
    cols = table_columns(frame)
    cells = [wb._column_cells(c, column_letters(j), {}) for j, c in enumerate(cols, start=1)]
    for lo, hi, first in [(0, 200, 0), (0, 400, 0), (150, 260, 0), (200, 400, 200), (399, 400, 0)]:
        assert _rows_xml(cells, lo, hi, first) == _cell_by_cell(cells, lo, hi, first)
