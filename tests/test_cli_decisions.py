"""`staffing solve --decisions / --baseline` end to end: the Excel round trip and bad input.

The tiny dataset of conftest moves S01/S02/S03 (two of them) out of 00004 DC and S04/S05 (one)
out of 00070 VP at the default settings (see tests/test_cli_solve.py).
"""
from __future__ import annotations

import csv

import openpyxl
from typer.testing import CliRunner

import optimizer.cli as cli
from conftest import tiny_tables, write_tables
from optimizer.reassign.selection import TRANSFER_COLUMNS

runner = CliRunner()


def run(*args) -> tuple[int, str]:
    result = runner.invoke(cli.app, [str(a) for a in args])
    text = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text += f"\n[exception] {type(result.exception).__name__}: {result.exception}"
    return result.exit_code, text


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_default_transfers_have_no_decision_columns(tmp_path):
    data = write_tables(tmp_path / "d", tiny_tables())
    code, text = run("solve", data, "--out", tmp_path / "a", "--no-report")
    assert code == 0, text
    with open(tmp_path / "a" / "transfers.csv", encoding="utf-8-sig") as f:
        assert f.readline().strip().split(",") == TRANSFER_COLUMNS
    assert not (tmp_path / "a" / "changes.csv").exists()


def test_review_in_excel_and_resolve_against_the_plan(tmp_path):
    data = write_tables(tmp_path / "d", tiny_tables())
    code, text = run("solve", data, "--out", tmp_path / "a", "--no-report")
    assert code == 0, text
    first = rows(tmp_path / "a" / "transfers.csv")
    book = openpyxl.load_workbook(tmp_path / "a" / "plan.xlsx")
    sheet = book["Quyết định"]
    header = [c.value for c in sheet[1]]
    col = header.index("Quyết định (giữ / không điều động / điều động)") + 1
    sheet.cell(2, col).value = "giữ"              # the appeal of the first person is accepted
    sheet.cell(2, col + 2).value = "khiếu nại được chấp nhận"
    sheet.cell(3, col).value = "điều động"        # the second transfer is pinned as proposed
    appeal, pinned = sheet.cell(2, 2).value, sheet.cell(3, 2).value
    book.save(tmp_path / "marked.xlsx")

    code, text = run("solve", data, "--out", tmp_path / "b", "--no-report",
                     "--decisions", tmp_path / "marked.xlsx", "--baseline", tmp_path / "a")
    assert code == 0, text
    again = {r["staff_id"]: r for r in rows(tmp_path / "b" / "transfers.csv")}
    assert appeal not in again
    assert again[pinned]["decision"] == "move" and again[pinned]["baseline"] == "kept"
    assert again[pinned]["to_unit"] == next(r["to_unit"] for r in first if r["staff_id"] == pinned)
    changes = {r["staff_id"]: r for r in rows(tmp_path / "b" / "changes.csv")}
    assert changes[appeal]["change"] == "dropped" and changes[appeal]["cause"] == "keep"
    assert changes[appeal]["decision_reason"] == "khiếu nại được chấp nhận"
    assert "against the baseline: kept" in text


def test_a_move_that_breaks_a_rule_is_bad_input(tmp_path):
    data = write_tables(tmp_path / "d", tiny_tables())
    (tmp_path / "dec.csv").write_text("staff_id,decision,to_unit,reason\nS01,move,02300,\nS99,keep,,\n",
                                      encoding="utf-8")
    code, text = run("solve", data, "--out", tmp_path / "a", "--decisions", tmp_path / "dec.csv")
    assert code == 1
    assert "decisions row 3, column staff_id, value 'S99': unknown staff" in text
    assert "Traceback" not in text
    (tmp_path / "dec.csv").write_text("staff_id,decision,to_unit\nS01,move,02300\n", encoding="utf-8")
    code, text = run("solve", data, "--out", tmp_path / "a", "--decisions", tmp_path / "dec.csv")
    assert code == 1 and "decisions row 2, column to_unit, value '02300': rule same_province" in text
    assert not (tmp_path / "a").exists()


def test_a_baseline_naming_unknown_staff_is_bad_input(tmp_path):
    data = write_tables(tmp_path / "d", tiny_tables())
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "transfers.csv").write_text("staff_id,to_unit\nS77,00070\n", encoding="utf-8")
    code, text = run("solve", data, "--out", tmp_path / "a", "--baseline", tmp_path / "old")
    assert code == 1 and "baseline row 2, column staff_id, value 'S77': unknown staff" in text
