"""optimizer.compare: scenarios side by side (issue 5).

The tiny dataset of conftest, worked out by hand (docs/contract.md §2; positions DC priority 3,
VP priority 1; every staff member is movable except S06):

    surplus                              shortage
    00004 DC  2 (3 staff, quota 1)       00070 DC 1   2.5 km from 00004 (road distance)
    00070 VP  1 (2 staff, quota 1)       09999 DC 1   ≈ 24 km from 00004
    02200 DC  1, not movable (08)        09999 VP 2   ≈ 25 km from 00070
                                         02300 DC 1   province 08: nobody can come
    shortage 5, weighted 3+3+2·1+3 = 11; ceiling (no km limit, same province) 2 DC + 1 VP = 3.

    max_km  1 → nothing eligible: fill 0
    max_km  3 → 00004 → 00070 DC (2.5 km): fill 1 of 5 = 0.2
    max_km 30 → both DC + one VP: fill 3 of 5 = 0.6, weighted shortage after 3 + 1 = 4
    quota −50 % (floor): every quota 1 → 0, 2 → 1: the only shortage is 09999 VP 1, filled from
                00070 (which then has 2 surplus VP) → shortage 1 → 0, one move.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from rich.console import Console

from datasets import TINY_NOTE, tiny_tables, write_tables
from models.io import default_dataset_path, read_dataset
from models.scenario import Scenario, ScenarioError
from models.validation import DatasetError
from optimizer.compare import (COLUMNS, LABELS_VI, SUMMARY_FIGURES, TIMING_COLUMNS, compare,
                               print_comparison, sweep, write_comparison)
from optimizer.plan import solve

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "data" / "scenarios"


def figures(df: pd.DataFrame) -> pd.DataFrame:
    """The comparison without the columns that change from run to run."""
    return df.drop(columns=list(TIMING_COLUMNS)).reset_index(drop=True)


@pytest.fixture
def two_and_sweep():
    return [Scenario(name="base", max_km=30), Scenario(name="cut half", quota_adjust_pct=-50)] \
        + sweep(Scenario(), [1, 3, 30])


# --------------------------------------------------------------------------- compare


def test_two_scenarios_and_a_sweep_one_row_each_with_the_figures(tiny_folder, two_and_sweep):
    df = compare(two_and_sweep, dataset_path=tiny_folder, processes=2, progress=False)

    assert list(df.columns) == list(COLUMNS)
    # "max_km=30" has the settings of "base": solved once, its row dropped, and said so
    assert df["name"].tolist() == ["base", "cut half", "max_km=1", "max_km=3"]
    assert df.attrs["dropped"] == [("max_km=30", "base")]
    assert df["max_km"].tolist() == [30.0, 40.0, 1.0, 3.0]
    assert (df["dataset"] == str(tiny_folder)).all()
    assert (df["data_note"] == TINY_NOTE).all() and df.attrs["data_note"] == TINY_NOTE
    assert (df["status"] == "optimal").all()

    base = df.iloc[0]
    assert (base["shortage_before"], base["shortage_after"], base["moves"]) == (5, 2, 3)
    assert base["fill_rate"] == pytest.approx(0.6)
    assert base["weighted_shortage_before"] == 11 and base["weighted_shortage_after"] == 4
    assert base["ceiling"] == 3 and base["ceiling_fill_rate"] == pytest.approx(1.0)
    assert base["units_short_after"] == 2                   # 09999 (VP) and 02300 (DC)

    cut = df.iloc[1]                                        # the quota adjustment ran in the worker
    assert cut["quota_adjust_pct"] == -50.0
    # each unit's total is halved and shared by largest remainder, ties to the higher priority:
    # 00070 keeps DC 1 (VP 0), 09999 keeps DC 1 + VP 1, 02300 keeps DC 1, 00004 drops to 0;
    # short: 00070 DC, 09999 DC, 09999 VP, 02300 DC = 4; 00004's 3 spare DC fill 00070 and 09999,
    # 00070's spare VP fills 09999; 02300's DC stays short (02200's only DC is not movable)
    assert (cut["shortage_before"], cut["shortage_after"], cut["moves"]) == (4, 1, 3)

    assert df["fill_rate"].iloc[2:].tolist() == pytest.approx([0.0, 0.2])
    assert df["moves"].iloc[2:].tolist() == [0, 1]
    assert df.loc[3, "total_km"] == pytest.approx(2.5)      # the road distance, not great-circle

    # every figure is the one the pipeline gives for that scenario in this process
    ds = read_dataset(tiny_folder)
    for scenario, (_, row) in zip(two_and_sweep, df.iterrows()):
        summary = solve(ds, scenario).summary
        for key in SUMMARY_FIGURES:
            if key in TIMING_COLUMNS:
                continue
            assert row[key] == pytest.approx(summary[key]) if isinstance(summary[key], float) \
                else row[key] == summary[key], (scenario.name, key)


def test_deterministic_and_the_same_in_one_process_as_in_two(tiny_folder, two_and_sweep, tmp_path):
    a = compare(two_and_sweep, dataset_path=tiny_folder, processes=2, progress=False)
    b = compare(two_and_sweep, dataset_path=tiny_folder, processes=1, progress=False)
    pd.testing.assert_frame_equal(figures(a), figures(b))
    assert a.dtypes.to_dict() == b.dtypes.to_dict()

    def csv_without_timings(folder):
        rows = list(csv.DictReader(io.StringIO((folder / "comparison.csv").read_text(encoding="utf-8-sig"))))
        return [{k: v for k, v in r.items() if k not in TIMING_COLUMNS} for r in rows]

    write_comparison(a, tmp_path / "a")
    write_comparison(b, tmp_path / "b")
    assert csv_without_timings(tmp_path / "a") == csv_without_timings(tmp_path / "b")


def _random_tables(seed: int, n_units: int = 40) -> dict[str, list[list[str]]]:
    """Two provinces of scattered communes, three positions, random staff and quotas."""
    rng = np.random.default_rng(seed)
    tables = {
        "provinces": [["province_code", "name"], ["01", "Tỉnh Một"], ["02", "Tỉnh Hai"]],
        "units": [["unit_code", "name", "province_code", "unit_type", "lat", "lon"]],
        "positions": [["position_code", "name", "group", "priority"],
                      ["A", "Vị trí A", "professional", "1"], ["B", "Vị trí B", "common", "2"],
                      ["C", "Vị trí C", "support", "3"]],
        "staff": [["staff_id", "unit_code", "position_code", "birth_date", "gender", "movable"]],
        "quotas": [["unit_code", "position_code", "quota"]],
    }
    sid = 0
    for i in range(n_units):
        code = f"{i:05d}"
        tables["units"].append([code, f"Xã {i}", "01" if i % 2 else "02", "xa",
                                f"{20 + rng.uniform(0, 1.2):.5f}", f"{105 + rng.uniform(0, 1.2):.5f}"])
        for pos in "ABC":
            staff = int(rng.integers(0, 5))
            tables["quotas"].append([code, pos, str(int(rng.integers(0, 5)))])
            for _ in range(staff):
                sid += 1
                year = int(rng.integers(1964, 2000))
                tables["staff"].append([f"S{sid:05d}", code, pos, f"{year}-06-15", "MF"[sid % 2],
                                        "false" if rng.random() < 0.1 else "true"])
    return tables


@pytest.mark.parametrize("seed", [1, 2])
def test_fill_rate_never_falls_as_max_km_rises(tmp_path, seed):
    folder = write_tables(tmp_path / "random", _random_tables(seed))
    values = [2, 5, 10, 20, 40, 80, 400]
    df = compare(sweep(Scenario(), values), dataset_path=folder, processes=2, progress=False)
    assert df["max_km"].tolist() == [float(v) for v in values]
    assert df["fill_rate"].is_monotonic_increasing
    assert df["ceiling_fill_rate"].is_monotonic_increasing
    assert df["weighted_shortage_after"].is_monotonic_decreasing
    assert df["shortage_before"].nunique() == 1 and df["ceiling"].nunique() == 1
    assert df["fill_rate"].iloc[0] < df["fill_rate"].iloc[-1]      # the sweep does change something
    # 400 km spans both provinces' whole area: the plan reaches the ceiling
    assert df["ceiling_fill_rate"].iloc[-1] == pytest.approx(1.0)


def test_national_sweep_fill_rate_does_not_fall():
    try:
        path = default_dataset_path()
    except DatasetError:
        pytest.skip("the national dataset is not there")
    df = compare(sweep(Scenario(), [10, 40]), dataset_path=path, processes=2, progress=False)
    assert df["name"].tolist() == ["max_km=10", "max_km=40"]
    assert (df["status"] == "optimal").all()
    assert df["shortage_before"].nunique() == 1 and df["shortage_before"].iat[0] > 1000
    assert df["fill_rate"].iat[0] <= df["fill_rate"].iat[1]
    assert df["weighted_shortage_after"].iat[0] >= df["weighted_shortage_after"].iat[1]
    assert "SYNTHETIC" in df.attrs["data_note"].upper() or "TỔNG HỢP" in df.attrs["data_note"].upper()


def test_a_scenario_with_its_own_dataset_uses_it(tiny_folder, tmp_path):
    other = tiny_tables()
    other["quotas"] = [r for r in other["quotas"] if r[:2] != ["09999", "VP"]]   # no VP shortage
    other_folder = write_tables(tmp_path / "other", other, note="OTHER")
    scenarios = [Scenario(name="own", max_km=30, dataset=other_folder), Scenario(name="given", max_km=30)]
    df = compare(scenarios, dataset_path=tiny_folder, processes=2, progress=False)
    assert df["dataset"].tolist() == [str(other_folder), str(tiny_folder)]
    assert df["shortage_before"].tolist() == [3, 5]
    assert df["data_note"].tolist() == ["OTHER", TINY_NOTE]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("text, key", [
    ("max_kms = 10\n", "max_kms"),
    ("max_km = -5\n", "max_km"),
    ('plan_date = "soon"\n', "plan_date"),
])
def test_bad_scenario_file_names_the_file_and_the_key(tmp_path, text, key):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n' + text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        Scenario.from_toml(path)
    assert err.value.key == key
    assert key in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize("processes", [1, 2])
def test_unknown_province_in_a_scenario_is_a_scenario_error_naming_it(tiny_folder, processes):
    scenarios = [Scenario(name="fine"), Scenario(name="nowhere", quota_adjust_pct_by_province={"99": 5})]
    with pytest.raises(ScenarioError) as err:
        compare(scenarios, dataset_path=tiny_folder, processes=processes, progress=False)
    assert err.value.key == "quota_adjust_pct_by_province"
    assert "nowhere" in str(err.value) and "99" in str(err.value)


@pytest.mark.parametrize("processes", [1, 2])
def test_bad_dataset_is_a_dataset_error_listing_the_problems(tmp_path, processes):
    tables = tiny_tables()
    tables["quotas"][1][2] = "-1"
    folder = write_tables(tmp_path / "bad", tables)
    with pytest.raises(DatasetError) as err:
        compare([Scenario(name="a"), Scenario(name="b")], dataset_path=folder, processes=processes,
                progress=False)
    assert any(p.table == "quotas" and p.row == 2 and p.column == "quota" for p in err.value.problems)


def test_compare_refuses_nonsense_arguments(tiny_folder):
    with pytest.raises(ValueError, match="^compare: give at least one scenario$"):
        compare([], dataset_path=tiny_folder)
    with pytest.raises(ValueError, match="^compare: processes must be at least 1, not 0$"):
        compare([Scenario()], dataset_path=tiny_folder, processes=0)
    with pytest.raises(TypeError, match="^compare: expected Scenario objects, got dict$"):
        compare([{"max_km": 10}], dataset_path=tiny_folder)


# --------------------------------------------------------------------------- sweep


def test_sweep_names_values_and_errors():
    base = Scenario(protect_years=3, quota_adjust_pct=-2)
    runs = sweep(base, [10, 12.5, 80])
    assert [s.name for s in runs] == ["max_km=10", "max_km=12.5", "max_km=80"]
    assert [s.max_km for s in runs] == [10.0, 12.5, 80.0]
    assert all(s.protect_years == 3 and s.quota_adjust_pct == -2 for s in runs)
    assert [s.name for s in sweep(Scenario(name="reach"), [5])] == ["reach, max_km=5"]
    with pytest.raises(ScenarioError) as err:
        sweep(base, [10, -1])
    assert err.value.key == "max_km"
    with pytest.raises(ValueError, match="twice"):
        sweep(base, [10, 10.0])
    with pytest.raises(ValueError):
        sweep(base, [])


# --------------------------------------------------------------------------- files


def test_write_comparison_files(tiny_folder, tmp_path):
    scenarios = [Scenario(name="=cmd", max_km=30), Scenario(name="near", max_km=3)]
    df = compare(scenarios, dataset_path=tiny_folder, processes=1, progress=False)
    paths = write_comparison(df, tmp_path / "out")
    assert [p.name for p in paths] == ["comparison.csv", "comparison.xlsx"]

    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\n")
    assert lines[0] == ",".join(COLUMNS) and lines[-1] == "" and len(lines) == 4
    back = pd.read_csv(paths[0], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["name"].tolist() == ["'=cmd", "near"]          # formula-injection guard
    assert back["fill_rate"].tolist() == ["0.6000", "0.2000"]   # fixed decimals
    assert back["total_km"].iat[1] == "2.5" and back["max_km"].tolist() == ["30", "3"]
    assert back["cross_province"].tolist() == ["false", "false"]

    # the same table gives the same bytes
    again = write_comparison(df, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]

    book = load_workbook(paths[1])
    assert book.sheetnames == ["So sánh kịch bản", "Ghi chú"]
    sheet = book["So sánh kịch bản"]
    assert [c.value for c in sheet[1]] == [LABELS_VI[c] for c in COLUMNS]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(COLUMNS)).column_letter}3"
    assert all(sheet.column_dimensions[sheet.cell(1, j).column_letter].width >= 6
               for j in range(1, len(COLUMNS) + 1))
    assert sheet.cell(2, 1).value == "'=cmd"
    assert sheet.cell(3, COLUMNS.index("fill_rate") + 1).value == pytest.approx(0.2)
    notes = book["Ghi chú"]
    assert notes["A1"].value == TINY_NOTE
    assert {notes.cell(r, 2).value for r in range(1, notes.max_row + 1)} >= set(COLUMNS)

    write_comparison(df, tmp_path / "noted", note="Ghi chú riêng")
    assert load_workbook(tmp_path / "noted" / "comparison.xlsx")["Ghi chú"]["A1"].value == "Ghi chú riêng"


def test_write_comparison_refuses_a_table_that_is_not_a_comparison(tmp_path):
    with pytest.raises(ValueError, match="fill_rate"):
        write_comparison(pd.DataFrame({"name": ["x"]}), tmp_path)


def test_print_comparison_and_progress(tiny_folder):
    bar = Console(file=io.StringIO(), width=120, record=True)
    df = compare([Scenario(name="far", max_km=30), Scenario(name="near", max_km=3)],
                 dataset_path=tiny_folder, processes=2, progress=bar)
    shown = bar.export_text()
    assert "✓ far" in shown and "✓ near" in shown and "2/2" in shown

    out = Console(file=io.StringIO(), width=160, record=True)
    print_comparison(df, out)
    text = out.export_text()
    assert "So sánh kịch bản / Scenario comparison" in text
    for expected in ("far", "near", "Tỷ lệ lấp đầy / fill rate", "60.0%", "20.0%", "Tối đa km / max km",
                     TINY_NOTE, str(tiny_folder)):
        assert expected in text, expected
    # settings that are the same for every scenario are not repeated row by row
    assert "Liên tỉnh / cross-province" not in text


# --------------------------------------------------------------------------- example scenarios


def test_example_scenario_files_load_and_say_what_they_ask():
    files = {p.stem: p for p in SCENARIO_DIR.glob("*.toml")}
    assert set(files) >= {"baseline", "reach_60km", "quota_cut_5pct", "hanoi_cross_province"}
    loaded = {stem: Scenario.from_toml(path) for stem, path in files.items()}
    defaults = Scenario().model_dump(exclude={"name"})
    assert loaded["baseline"].model_dump(exclude={"name"}) == defaults and defaults["max_km"] == 40
    assert loaded["reach_60km"].model_dump(exclude={"name"}) == {**defaults, "max_km": 60.0}
    assert loaded["quota_cut_5pct"].model_dump(exclude={"name"}) == {**defaults, "quota_adjust_pct": -5.0}
    hanoi = loaded["hanoi_cross_province"]
    assert hanoi.cross_province and hanoi.max_km <= 40
    for stem, path in files.items():
        assert loaded[stem].name == stem
        head = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            head.append(line)
        text = "\n".join(head)
        assert any(ch in text for ch in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ"), stem  # Vietnamese
        assert "What if" in text or "Baseline" in text, stem                                      # English


def test_identical_scenarios_are_solved_once_and_sweep_overrides_are_named(tiny_folder):
    from optimizer.compare import identical_groups, sweep_overrides
    file_like = Scenario.from_dict({"name": "reach", "max_km": 60}, "test")
    assert sweep_overrides(file_like, [10, 60]) == ["max_km"]      # its own 60 km is replaced
    assert sweep_overrides(file_like, [60]) == []
    assert sweep_overrides(Scenario(), [10, 20]) == []              # the defaults: nothing overridden
    runs = sweep(Scenario(name="base"), [10, 40]) + sweep(file_like, [10, 40])
    assert identical_groups(runs, [str(tiny_folder)] * 4) == [0, 1, 0, 1]
    assert identical_groups(runs, [str(tiny_folder)] * 2 + ["elsewhere"] * 2) == [0, 1, 2, 3]
    df = compare(runs, dataset_path=tiny_folder, processes=1, progress=False)
    assert df["name"].tolist() == ["base, max_km=10", "base, max_km=40"]
    assert df.attrs["dropped"] == [("reach, max_km=10", "base, max_km=10"),
                                   ("reach, max_km=40", "base, max_km=40")]
