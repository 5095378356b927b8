"""A table longer than Excel's sheet limit goes on numbered sheets, each with its header."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from models import workbook
from models.workbook import Sheet, TextSheet, write_workbook


def _sheets(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


@pytest.mark.parametrize("n, parts", [(4, 1), (5, 2), (8, 2), (9, 3)])
def test_split_at_the_row_limit(tmp_path, monkeypatch, n, parts):
    monkeypatch.setattr(workbook, "MAX_ROWS", 5)            # header + 4 rows per sheet
    frame = pd.DataFrame({"unit_code": [f"{i:05d}" for i in range(n)], "staff": range(n)})
    path = write_workbook(tmp_path / "t.xlsx", [TextSheet("Ghi chú", [["x"]]),
                                                Sheet("Đơn vị", frame, labels={"staff": "Số người"})])
    got = _sheets(path)
    names = ["Đơn vị"] + [f"Đơn vị ({k})" for k in range(2, parts + 1)]
    assert list(got) == ["Ghi chú", *names]
    rows = []
    for name in names:
        assert len(got[name]) <= 5
        assert got[name][0] == ["unit_code", "Số người"]
        rows += got[name][1:]
    assert rows == [[f"{i:05d}", i] for i in range(n)]
    # still one table with the real limit
    monkeypatch.setattr(workbook, "MAX_ROWS", 1_048_576)
    assert list(_sheets(write_workbook(tmp_path / "u.xlsx", [Sheet("Đơn vị", frame)]))) == ["Đơn vị"]


def test_part_names_stay_within_31_characters(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 2)
    long = "Danh sách đơn vị sau điều động x"      # 32 characters
    frame = pd.DataFrame({"a": range(3)})
    got = _sheets(write_workbook(tmp_path / "t.xlsx", [Sheet(long[:31], frame)]))
    assert [len(n) <= 31 for n in got] == [True] * 3
    assert list(got)[1].endswith(" (2)") and list(got)[2].endswith(" (3)")


def test_plan_workbook_splits_its_long_sheets(tmp_path, monkeypatch):
    from models.io import read_dataset
    from models.scenario import Scenario
    from optimizer.output.plan_files import write_plan
    from optimizer.output.vocabulary import SHEET_NAMES
    from optimizer.plan import solve
    from tests.datasets import tiny_tables, write_tables

    folder = write_tables(tmp_path / "ds", tiny_tables())
    ds = read_dataset(folder)
    plan = solve(ds, Scenario())
    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    write_plan(plan, tmp_path / "out")
    got = _sheets(tmp_path / "out" / "plan.xlsx")
    base = SHEET_NAMES["units_after"]
    parts = [name for name in got if name == base or name.startswith(base[:25] + " (")]
    assert len(parts) == -(-len(plan.units_after) // 2) > 1
    assert all(len(got[name]) <= 3 for name in parts)
    assert sum(len(got[name]) - 1 for name in parts) == len(plan.units_after)
