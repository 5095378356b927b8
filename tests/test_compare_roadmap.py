"""`staffing compare --roadmap` / `--budget-vnd` (docs/contract.md §9, compare over roadmaps).

The hand-solved instance (as in test_roadmap.test_a_budget_that_binds): communes B and C of one
province have nobody; B needs one DC (priority 3), C one VP (priority 1). Only recruitment helps,
from 2027; a recruit of year y costs 6,000,000 × 12 × (2031 − y): 288 M (2027), 216 M (2028),
144 M (2029), 72 M (2030). Shortage-years = Σ over the five dates of priority × shortage:

    budget   best                              shortage-years   cost
    0        nothing                           5·3 + 5·1 = 20   0
    250 M    B in 2028                         2·3 + 5 = 11     216 M
    500 M    B in 2027, C in 2029              3 + 3 = 6        432 M
    none     B and C in 2027                   3 + 1 = 4        576 M

The tiny CSV dataset of conftest (a surplus of DC in 00004 and of VP in 00070, shortages around
them; 00004 → 00070 is 2.5 km, the others ≈ 24 km and so earn the 15 km allowance) is used for the
command line.
"""
from __future__ import annotations

import csv
import re

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from builders import make_ds
from datasets import tiny_tables, write_tables
from models.scenario import Scenario, ScenarioError
from optimizer import cli
from optimizer.roadmap.compare import (TIMING_COLUMNS, budget_overrides, budget_sweep, budget_text,
                                       compare_roadmaps, parse_budgets, roadmap_sweep)

runner = CliRunner()
SYNTHETIC = "SYNTHETIC test data (dữ liệu giả lập)"
B, C = ("B", "01", 21.05, 105.00), ("C", "01", 21.00, 105.05)


def run(*args):
    result = runner.invoke(cli.app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def recruit_only():
    return make_ds(units=[B, C], staff=[], quotas=[("B", "DC", 1), ("C", "VP", 1)],
                   positions=[("DC", 3), ("VP", 1)], note=SYNTHETIC)


@pytest.fixture
def synthetic_folder(tmp_path):
    return write_tables(tmp_path / "tiny", tiny_tables(), note=SYNTHETIC)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- the sweep's figures

def test_the_budget_sweep_gives_the_hand_solved_trade_off_and_never_more_shortage(recruit_only):
    runs = budget_sweep(Scenario(), parse_budgets("0, 2.5e8, 5e8, none"))
    df = compare_roadmaps(runs, dataset=recruit_only, progress=False)
    assert df["name"].tolist() == ["budget_vnd=0", "budget_vnd=2.5e8", "budget_vnd=5e8", "budget_vnd=none"]
    assert df["shortage_years"].tolist() == [20, 11, 6, 4]
    assert df["cost_vnd"].tolist() == [0.0, 216e6, 432e6, 576e6]
    assert df["recruits"].tolist() == [0, 1, 2, 2] and (df["status"] == "optimal").all()
    assert df["cost_recruit_vnd"].tolist() == df["cost_vnd"].tolist()
    assert (df["gap_shortage_years"] == 0).all() and (df["bound_shortage_years"] == df["shortage_years"]).all()
    # the objective is lexicographic: more budget never gives more end surplus, nor, at the same end
    # surplus, more shortage-years; and a budget is never overspent
    key = list(zip(df["end_surplus"], df["shortage_years"]))
    assert all(a >= b for a, b in zip(key, key[1:]))
    assert all(c <= b for c, b in zip(df["cost_vnd"], df["budget_vnd"]) if b == b)
    by_year = df.attrs["by_year"]
    assert len(by_year) == 4 * 5 and by_year.groupby("name")["cost_vnd"].sum().to_dict() == dict(
        zip(df["name"], df["cost_vnd"]))
    assert df.attrs["data_note"] == SYNTHETIC and set(df["data_note"]) == {SYNTHETIC}


def test_a_zero_budget_takes_no_paid_action_in_one_process_or_two(synthetic_folder):
    runs = budget_sweep(Scenario(), [0, None])
    df = compare_roadmaps(runs, dataset=synthetic_folder, processes=1, progress=False)
    zero, free = df.iloc[0], df.iloc[1]
    assert zero["cost_vnd"] == 0 and zero["early_retirements"] == 0 and zero["recruits"] == 0
    assert all(zero[c] == 0 for c in ("cost_transfer_vnd", "cost_retrain_vnd", "cost_early_retirement_vnd",
                                      "cost_recruit_vnd"))
    assert zero["transfers"] == 1            # 00004 → 00070, 2.5 km: below every allowance tier, free
    assert free["cost_vnd"] > 0 and free["shortage_years"] < zero["shortage_years"]
    assert (zero["end_surplus"], zero["shortage_years"]) >= (free["end_surplus"], free["shortage_years"])
    # the same rows from two worker processes (spawned: optimizer.roadmap.compare._work)
    two = compare_roadmaps(runs, dataset=synthetic_folder, processes=2, progress=False)
    assert df.drop(columns=list(TIMING_COLUMNS)).equals(two.drop(columns=list(TIMING_COLUMNS)))
    assert df.attrs["by_year"].equals(two.attrs["by_year"])


def test_compare_roadmaps_refuses_nonsense_arguments(synthetic_folder, recruit_only):
    # a loaded dataset runs in this process, but a bad `processes` is refused all the same
    for data in (synthetic_folder, recruit_only):
        with pytest.raises(ValueError, match="^compare_roadmaps: give at least one scenario$"):
            compare_roadmaps([], dataset=data, progress=False)
        with pytest.raises(ValueError, match="^compare_roadmaps: processes must be at least 1, not 0$"):
            compare_roadmaps([Scenario()], dataset=data, processes=0, progress=False)
        with pytest.raises(TypeError, match="^compare_roadmaps: expected Scenario objects, got dict$"):
            compare_roadmaps([{"budget_vnd": 0}], dataset=data, progress=False)


def test_budgets_parse_name_and_override():
    assert parse_budgets("0,2e11, 5e11 ,1e12,NONE,") == [0.0, 2e11, 5e11, 1e12, None]
    assert [budget_text(v) for v in (None, 0, 2e11, 1.5e9, 123456789.0, 2500)] == [
        "none", "0", "2e11", "1.5e9", "1.23456789e8", "2500"]
    for bad, why in (("-1", "negative"), ("1e9,abc", "not a number"), ("nan", "finite"), ("inf", "finite"),
                     (" , ", "no budget")):
        with pytest.raises(ScenarioError, match=why) as e:
            parse_budgets(bad)
        assert "--budget-vnd" in str(e.value) and e.value.key == "budget_vnd"
    with pytest.raises(ValueError, match="twice"):
        budget_sweep(Scenario(), [0, 0.0])
    own = Scenario.from_dict({"name": "own", "budget_vnd": 3e8}, "test")
    assert budget_overrides(own, [0, 3e8]) == ["budget_vnd"] and budget_overrides(own, [3e8]) == []
    assert budget_overrides(Scenario(), [0, 1]) == []
    assert [s.name for s in budget_sweep(own, [0])] == ["own, budget_vnd=0"]
    # the command's list: the roadmap's time limit survives a max_km sweep; overrides named once each
    runs, said = roadmap_sweep([own, Scenario(time_limit=5)], budgets=[0, None], max_km=[10, 40])
    assert [s.name for s in runs[:4]] == ["own, max_km=10, budget_vnd=0", "own, max_km=10, budget_vnd=none",
                                          "own, max_km=40, budget_vnd=0", "own, max_km=40, budget_vnd=none"]
    assert [s.time_limit for s in runs] == [600.0] * 4 + [5.0] * 4
    assert [s.max_km for s in runs[4:]] == [10, 10, 40, 40] and runs[5].budget_vnd is None
    assert said == ["Sweep: --budget-vnd 0,none overrides budget_vnd = 3e8 of own."]


# --------------------------------------------------------------------------- command line and files

def test_the_command_writes_the_table_the_workbook_and_the_chart(synthetic_folder, tmp_path):
    out = tmp_path / "cmp"
    code, text = run("compare", "--budget-vnd", "0,5e8,none", "--dataset", synthetic_folder, "--out", out,
                     "--processes", 1)
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir()) == ["comparison.csv", "comparison.xlsx", "report.html"]
    rows = read_csv(out / "comparison.csv")
    assert [r["name"] for r in rows] == ["budget_vnd=0", "budget_vnd=5e8", "budget_vnd=none"]
    assert [r["budget_vnd"] for r in rows] == ["0", "500000000", ""]
    assert {r["data_note"] for r in rows} == {SYNTHETIC} and {r["dataset"] for r in rows} == {"tiny"}
    years = [int(r["shortage_years"]) for r in rows]
    assert years == sorted(years, reverse=True) and years[0] > years[-1]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "DỮ LIỆU GIẢ LẬP" in html and SYNTHETIC in html
    chart = re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"[^>]*alt="Biểu đồ đánh đổi', html)
    assert chart, "the trade-off chart is not in the report"
    assert str(tmp_path) not in html and str(tmp_path) not in (out / "comparison.csv").read_text(encoding="utf-8")
    book = load_workbook(out / "comparison.xlsx", read_only=True)
    assert book.sheetnames == ["So sánh lộ trình", "Theo năm", "Ghi chú"]
    header = [c.value for c in next(book["So sánh lộ trình"].iter_rows(max_row=1))]
    assert "Ngân sách (đồng; trống: không giới hạn)" in header and "Tổng chi phí (đồng)" in header
    assert book["Ghi chú"]["A1"].value == SYNTHETIC
    book.close()


def test_identical_scenarios_are_dropped_and_overrides_reported(synthetic_folder, tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('name = "a"\nbudget_vnd = 3e8\n', encoding="utf-8")
    b.write_text('name = "b"\nmax_km = 40\n', encoding="utf-8")   # the default max_km: same as a once swept
    out = tmp_path / "cmp"
    code, text = run("compare", a, b, "--budget-vnd", "0,none", "--dataset", synthetic_folder, "--out", out,
                     "--processes", 1)
    assert code == 0, text
    assert "overrides budget_vnd = 3e8 of a" in text
    assert "Dropped b, budget_vnd=0: the same settings as a, budget_vnd=0" in text
    assert "Dropped b, budget_vnd=none: the same settings as a, budget_vnd=none" in text
    assert [r["name"] for r in read_csv(out / "comparison.csv")] == ["a, budget_vnd=0", "a, budget_vnd=none"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "b, budget_vnd=0" in html and "overrides budget_vnd" in html


def test_province_restriction_and_roadmap_mode_without_a_sweep(synthetic_folder, tmp_path):
    f = tmp_path / "short.toml"
    f.write_text('name = "ngắn"\nend_year = 2027\nrecruit = false\n', encoding="utf-8")
    out = tmp_path / "cmp"
    code, text = run("compare", f, "--roadmap", "--province", "01", "--dataset", synthetic_folder, "--out", out,
                     "--processes", 1)
    assert code == 0, text
    (row,) = read_csv(out / "comparison.csv")
    assert (row["name"], row["provinces"], row["end_year"], row["recruit"]) == ("ngắn", "01", "2027", "false")
    assert row["shortage_before"] == "4" and row["recruits"] == "0"   # province 08's shortage is not planned
    # --province restricts the one-date plans of a plain compare too
    code, text = run("compare", "--max-km", "30", "--province", "01", "--dataset", synthetic_folder, "--out",
                     tmp_path / "plans", "--processes", 1)
    assert code == 0, text
    (row,) = read_csv(tmp_path / "plans" / "comparison.csv")
    assert (row["provinces"], row["shortage_before"]) == ("01", "4")


@pytest.mark.parametrize("value, shown", [("-1", "'-1' is negative"), ("0,1e9,abc", "'abc' is not a number"),
                                          ("nan", "'nan' is not a finite amount")])
def test_bad_budgets_are_exit_1_naming_the_option_and_the_value(synthetic_folder, tmp_path, value, shown):
    code, text = run("compare", f"--budget-vnd={value}", "--dataset", synthetic_folder, "--out", tmp_path / "cmp")
    assert code == 1 and "--budget-vnd" in text and shown in text and "Traceback" not in text
    assert not (tmp_path / "cmp").exists()


def test_outputs_are_whole_or_nothing(synthetic_folder, tmp_path, monkeypatch):
    out = tmp_path / "cmp"                   # an earlier comparison's folder
    out.mkdir()
    for name in ("comparison.csv", "comparison.xlsx", "report.html"):
        (out / name).write_text(f"earlier {name}\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # a scenario that fails (an unknown province) after another was solved: nothing is written
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nprovinces = ["99"]\n', encoding="utf-8")
    code, text = run("compare", bad, "--budget-vnd", "0,none", "--dataset", synthetic_folder, "--out", out,
                     "--processes", 1)
    assert code == 1 and "99" in text
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # writing fails after comparison.csv and .xlsx are written: the earlier folder stays as it was
    import optimizer.roadmap.compare_files as files

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files, "_report", broken)
    code, text = run("compare", "--budget-vnd", "0", "--dataset", synthetic_folder, "--out", out, "--processes", 1)
    assert code == 1 and "disk full" in text
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "cmp", "tiny"]   # no staging left
