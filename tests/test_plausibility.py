"""models.plausibility: each warning rule with a satisfied and a violated case (issue 9, §4)."""
import datetime as dt

import openpyxl
import pytest
from typer.testing import CliRunner

import optimizer.cli as cli
from datasets import tiny_tables, write_tables
from models.io import dataset_from_rows
from models.plausibility import (implausible, implausible_age, quota_beyond_staff,
                                 road_shorter_than_great_circle, unit_outside_vietnam, unknown_areas)

PLAN = dt.date(2026, 1, 1)
AREAS = [["area", "name"], ["bien_che_vtvl", "Biên chế"], ["chuyen_doi_so", "Chuyển đổi số"],
         ["ton_giao", "Tôn giáo"]]


def ds(edit=None, areas=True):
    t = tiny_tables()
    if areas:
        t["areas"] = [list(r) for r in AREAS]
    if edit:
        edit(t)
    return dataset_from_rows(t)


def as_tuples(found):
    return [(p.table, p.row, p.column, p.value) for p in found]


def test_the_tiny_dataset_has_no_warning():
    assert implausible(ds(), PLAN) == []


def test_a_unit_outside_vietnam():
    assert unit_outside_vietnam(ds().units) == []

    def null_island(t):
        t["units"][3][4:6] = ["0", "0"]           # 09999 at (0, 0)
        t["units"][5][4:6] = ["22.35", "85.39"]   # 02300: a longitude in India
    found = unit_outside_vietnam(ds(null_island).units)
    assert sorted(as_tuples(found)) == [("units", 4, "lat", "0"), ("units", 4, "lon", "0"),
                                        ("units", 6, "lon", "85.39")]
    assert "outside Vietnam" in found[0].message


@pytest.mark.parametrize("birth, why", [("2030-01-01", "younger than 18"), ("2008-01-02", "younger than 18"),
                                        ("1900-01-01", "past the statutory retirement age")])
def test_an_implausible_age(birth, why):
    def born(t):
        t["staff"][1][3] = birth
    found = implausible_age(ds(born).staff, PLAN)
    assert as_tuples(found) == [("staff", 2, "birth_date", birth)] and why in found[0].message


def test_a_plausible_age_at_the_edges():
    """18 on the plan date exactly: fine. A man born 1950-06 retired on 2010-06-30 (age 60):
    in 2020 within ten years of it, in 2026 beyond."""
    def adult(t):
        t["staff"][1][3] = "2008-01-01"
    assert implausible_age(ds(adult).staff, PLAN) == []

    def retired(t):
        t["staff"][3][3] = "1950-06-01"        # S03, a man
    staff = ds(retired).staff
    assert implausible_age(staff, dt.date(2020, 1, 1)) == []
    assert as_tuples(implausible_age(staff, PLAN)) == [("staff", 4, "birth_date", "1950-06-01")]


def test_a_quota_beyond_ten_times_the_staff():
    assert quota_beyond_staff(ds().quotas, ds().staff) == []

    def huge(t):
        t["quotas"][1][2] = "1000000000000"      # 00004 DC: 3 staff in the unit
        t["quotas"][5][2] = "10"                 # 09999 VP: 1 staff, 10 ≤ 10 × 1
    found = quota_beyond_staff(ds(huge).quotas, ds(huge).staff)
    assert as_tuples(found) == [("quotas", 2, "quota", "1000000000000")]
    assert "(3)" in found[0].message


def test_an_area_not_in_the_areas_table():
    d = ds()
    assert unknown_areas(d.officers, d.province_needs, d.areas) == []

    def typo(t):
        t["officers"][1][3] = "bien_che_vtvI;chuyen_doi_so"   # capital I for l
        t["province_needs"][1][1] = "tongiao"
    d = ds(typo)
    assert as_tuples(unknown_areas(d.officers, d.province_needs, d.areas)) == [
        ("officers", 2, "expertise", "bien_che_vtvI"), ("province_needs", 2, "area", "tongiao")]
    d = ds(typo, areas=False)
    assert unknown_areas(d.officers, d.province_needs, d.areas) == []   # no areas table: no check


def test_a_road_shorter_than_the_great_circle():
    d = ds()
    assert road_shorter_than_great_circle(d.distances, d.units) == []   # 2.5 km ≥ 1.12 km

    def short(t):
        t["distances"].append(["00004", "02300", "3"])                 # ~150 km apart
    d = ds(short)
    found = road_shorter_than_great_circle(d.distances, d.units)
    assert as_tuples(found) == [("distances", 3, "km", "3")] and "great-circle" in found[0].message


def test_validate_prints_the_warnings_grouped(tmp_path):
    t = tiny_tables()
    t["units"][3][4:6] = ["0", "0"]
    for row in t["staff"][1:]:
        row[3] = "2030-01-01"
    result = CliRunner().invoke(cli.app, ["validate", str(write_tables(tmp_path / "d", t))])
    assert result.exit_code == 0
    out = result.output.splitlines()
    start = next(i for i, line in enumerate(out) if "warnings" in line)
    assert out[start] == "10 warnings (implausible values; the dataset can be used, but check them):"
    assert out[start + 1:] == [
        "  units row 4, column lat, value '0': latitude outside Vietnam (8–24, islands included): are "
        "the coordinates right (latitude and longitude swapped, a missing decimal point)?",
        "  units row 4, column lon, value '0': longitude outside Vietnam (102–118, islands included): "
        "are the coordinates right (latitude and longitude swapped, a missing decimal point)?",
        "  staff, column birth_date: 8 rows: younger than 18 on the plan date 2026-01-01: is the birth "
        "year right? (rows 2 '2030-01-01', 3 '2030-01-01', 4 '2030-01-01', 5 '2030-01-01', "
        "6 '2030-01-01', … 3 more)"]


def test_the_areas_table_is_read_when_given(tmp_path):
    t = tiny_tables()
    t["areas"] = AREAS
    from models.io import read_dataset
    assert list(read_dataset(write_tables(tmp_path / "d", t)).areas["area"]) == [r[0] for r in AREAS[1:]]


def test_solve_repeats_the_warnings_in_summary_json_the_workbook_and_the_report(tmp_path):
    import json
    t = tiny_tables()
    t["staff"][8][3] = "2030-01-01"                       # S08: born after the plan date
    out = tmp_path / "plan"
    result = CliRunner().invoke(cli.app, ["solve", str(write_tables(tmp_path / "d", t)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["warnings"] == [{
        "table": "staff", "row": 9, "column": "birth_date", "value": "2030-01-01",
        "message": "younger than 18 on the plan date 2026-01-01: is the birth year right?"}]
    assert "Cảnh báo dữ liệu đầu vào: 1 giá trị bất thường" in (out / "report.html").read_text(encoding="utf-8")
    summary_sheet = openpyxl.load_workbook(out / "plan.xlsx", read_only=True)["Tóm tắt"]
    cells = [c for row in summary_sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "staff row 9, column birth_date, value '2030-01-01': younger than 18 on the plan date " \
           "2026-01-01: is the birth year right?" in cells


def test_solve_without_warnings_writes_an_empty_list(tmp_path):
    import json
    out = tmp_path / "plan"
    result = CliRunner().invoke(cli.app, ["solve", str(write_tables(tmp_path / "d", tiny_tables())),
                                          "--out", str(out)])
    assert result.exit_code == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["warnings"] == []
    assert "Cảnh báo dữ liệu đầu vào" not in (out / "report.html").read_text(encoding="utf-8")
