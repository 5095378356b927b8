"""`staffing validate` (docs/contract.md §3): a summary and exit 0, or every problem and exit 1."""
import subprocess
import sys
import unicodedata

import pytest
from typer.testing import CliRunner

import optimizer.cli as cli
from datasets import TINY_BALANCE, TINY_NOTE, snapshot, tiny_tables, write_tables
from models.io import DATASET_ENV, dataset_from_rows, write_xlsx

runner = CliRunner()


def validate(*args):
    result = runner.invoke(cli.app, ["validate", *map(str, args)])
    return result.exit_code, result.output


def test_a_good_dataset_is_summarised(tiny_folder):
    code, out = validate(tiny_folder)
    assert code == 0, out
    assert TINY_NOTE in out
    for name, n in {"provinces": 2, "units": 5, "positions": 3, "staff": 8, "quotas": 9,
                    "officers": 2, "province_needs": 3, "distances": 1}.items():
        assert any(line.split()[:2] == [name, str(n)] for line in out.splitlines()), name
    assert f"surplus {TINY_BALANCE['surplus']}, shortage {TINY_BALANCE['shortage']}" in out
    assert f"Staff {TINY_BALANCE['staff']}, quota {TINY_BALANCE['quota']}" in out


def test_the_balance_counts_pairs_with_staff_or_quota():
    b = cli.staffing_balance(dataset_from_rows(tiny_tables()))
    assert b == TINY_BALANCE


def edited(table, row, column, value):
    t = tiny_tables()
    t[table][row - 1][t[table][0].index(column)] = value
    return t


def dropped_column(table, column):
    t = tiny_tables()
    i = t[table][0].index(column)
    t[table] = [r[:i] + r[i + 1:] for r in t[table]]
    return t


def dropped_table(table):
    t = tiny_tables()
    del t[table]
    return t


def appended(table, row):
    t = tiny_tables()
    t[table].append(row)
    return t


# (tables, the line that must be printed)
BAD = {
    "unknown unit": (edited("staff", 4, "unit_code", "77777"),
                     "staff row 4, column unit_code, value '77777': unknown unit (not in table units)"),
    "unknown position": (edited("quotas", 3, "position_code", "ZZ"),
                         "quotas row 3, column position_code, value 'ZZ': unknown position"),
    "unknown province": (edited("units", 2, "province_code", "99"),
                         "units row 2, column province_code, value '99': unknown province"),
    "duplicate staff": (appended("staff", ["S03", "00004", "DC", "1970-07-15", "M", "", "", ""]),
                        "staff row 10, column staff_id, value 'S03': duplicate staff_id, first in row 4"),
    "duplicate quota": (appended("quotas", ["00070", "VP", "4"]),
                        "quotas row 11, column (unit_code, position_code), value '00070, VP': duplicate"),
    "not a number": (edited("units", 3, "lat", "north"), "units row 3, column lat, value 'north': not a number"),
    "impossible date": (edited("staff", 5, "birth_date", "1990-13-45"),
                        "staff row 5, column birth_date, value '1990-13-45': impossible date"),
    "30 February": (edited("staff", 5, "birth_date", "2023-02-30"),
                    "staff row 5, column birth_date, value '2023-02-30': impossible date"),
    "date form": (edited("staff", 5, "birth_date", "1990/01/05"),
                  "staff row 5, column birth_date, value '1990/01/05': not a date (write yyyy-mm-dd or dd/mm/yyyy)"),
    "missing column": (dropped_column("staff", "gender"), "staff row 1, column gender: required column is missing"),
    "missing table": (dropped_table("quotas"), "quotas: required table is missing"),
    "needs without officers": (dropped_table("officers"), "officers: table is missing"),
    "negative quota": (edited("quotas", 4, "quota", "-1"), "quotas row 4, column quota, value '-1': must be ≥ 0"),
    "fractional quota": (edited("quotas", 4, "quota", "1.5"),
                         "quotas row 4, column quota, value '1.5': not a whole number"),
    "unknown unit type": (edited("units", 4, "unit_type", "thị trấn"),
                          "units row 4, column unit_type, value 'thị trấn': unknown unit_type"),
    "unknown gender": (edited("staff", 2, "gender", "Trai"), "staff row 2, column gender, value 'Trai': unknown gender"),
    "bad boolean": (edited("staff", 2, "movable", "maybe"),
                    "staff row 2, column movable, value 'maybe': not a boolean"),
    "empty required cell": (edited("positions", 2, "name", ""),
                            "positions row 2, column name, value '': required value is empty"),
    "priority 0": (edited("positions", 2, "priority", "0"), "positions row 2, column priority, value '0': must be ≥ 1"),
    "latitude": (edited("units", 2, "lat", "91"), "units row 2, column lat, value '91': must be ≤ 90"),
    "negative km": (edited("distances", 2, "km", "-2"), "distances row 2, column km, value '-2': must be ≥ 0"),
    "negative weight": (edited("province_needs", 2, "weight", "-1"),
                        "province_needs row 2, column weight, value '-1': must be ≥ 0"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_1_naming_table_row_column_value(tmp_path, case):
    tables, line = BAD[case]
    folder = write_tables(tmp_path / "bad", tables)
    before = snapshot(folder)
    code, out = validate(folder)
    assert code == 1, out
    assert line in out, out
    assert "Traceback" not in out
    assert snapshot(folder) == before


def test_every_problem_is_listed_at_once(tmp_path):
    t = edited("staff", 3, "unit_code", "77777")
    t["quotas"][3][2] = "-1"
    t["staff"][3][3] = "1990-13-45"
    code, out = validate(write_tables(tmp_path / "bad", t))
    assert code == 1
    assert out.splitlines()[0].startswith("3 problems in")
    assert all(v in out for v in ("'77777'", "'-1'", "'1990-13-45'"))


GOOD = {
    "bom": dict(bom=True),
    "nfd": dict(edit=lambda t: t["units"][1].__setitem__(1, unicodedata.normalize("NFD", t["units"][1][1]))),
    "nfd labels": dict(edit=lambda t: t["units"][3].__setitem__(3, unicodedata.normalize("NFD", "ĐẶC KHU"))),
    "extra columns": dict(edit=lambda t: [r.append("ghi chú" if i == 0 else f"x{i}") for i, r in enumerate(t["staff"])]),
    "vietnamese labels": dict(edit=lambda t: [r.__setitem__(3, {"xa": "Xã", "phuong": "Phường"}.get(r[3], r[3]))
                                              for r in t["units"][1:]]),
    "có/không": dict(edit=lambda t: [r.__setitem__(5, "CÓ" if i % 2 else unicodedata.normalize("NFD", "không"))
                                     for i, r in enumerate(t["staff"][1:])]),
    "no optional tables": dict(edit=lambda t: [t.pop(k) for k in ("officers", "province_needs", "distances")]),
}


@pytest.mark.parametrize("case", list(GOOD))
def test_good_variants_pass(tmp_path, case):
    t = tiny_tables()
    if "edit" in GOOD[case]:
        GOOD[case]["edit"](t)
    code, out = validate(write_tables(tmp_path / "ok", t, bom=GOOD[case].get("bom", False)))
    assert code == 0, out


def test_a_workbook_is_validated_too(tmp_path):
    ds = dataset_from_rows(tiny_tables())
    code, out = validate(write_xlsx(ds, tmp_path / "ds.xlsx"))
    assert code == 0, out
    bad = dataset_from_rows(tiny_tables())
    staff = bad.staff.copy()
    staff.loc[1, "unit_code"] = "77777"
    write_xlsx(bad.replace(staff=staff), tmp_path / "bad.xlsx")
    code, out = validate(tmp_path / "bad.xlsx")
    assert code == 1 and "staff row 3, column unit_code, value '77777': unknown unit" in out


def test_a_long_list_of_one_mistake_is_one_message_and_others_are_capped(tmp_path):
    """§4: 250 rows with the same fault are one grouped line; distinct faults each have theirs."""
    t = tiny_tables()
    t["staff"] += [[f"X{i}", "77777", "DC", "1990-01-01", "M", "", "", ""] for i in range(250)]
    t["units"][2][4] = "north"
    t["units"][3][5] = "east"
    folder = write_tables(tmp_path / "bad", t)
    code, out = validate(folder)
    lines = out.splitlines()
    assert code == 1 and "252 problems" in lines[0] and len(lines) == 4
    assert lines[3].startswith("  staff, column unit_code: 250 rows: unknown unit (not in table units) "
                               "(rows 10 '77777', 11 '77777', 12 '77777', 13 '77777', 14 '77777', … 245 more)")
    code, out = validate(folder, "--max-shown", "2")
    assert code == 1 and len(out.splitlines()) == 4 and "… and 1 more" in out


def test_solve_groups_the_problems_too(tmp_path):
    t = tiny_tables()
    t["staff"] += [[f"X{i}", "77777", "DC", "1990-01-01", "M", "", "", ""] for i in range(250)]
    folder = write_tables(tmp_path / "bad", t)
    result = CliRunner().invoke(cli.app, ["solve", str(folder), "--out", str(tmp_path / "plan")])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if "unknown unit" in line] == [
        "  staff, column unit_code: 250 rows: unknown unit (not in table units) (rows 10 '77777', "
        "11 '77777', 12 '77777', 13 '77777', 14 '77777', … 245 more); hint: are the codes typed "
        "with their leading zeros (as text), and is the other table complete?"]


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "nowhere", "no such file or folder"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "no .csv table"),
    (lambda p: (p / "a.txt").write_text("x") and p / "a.txt", "not a dataset"),
])
def test_paths_that_are_not_datasets(tmp_path, make, message):
    code, out = validate(make(tmp_path))
    assert code == 1 and message in out and "Traceback" not in out


def test_the_default_dataset_comes_from_the_environment(tiny_folder, monkeypatch):
    monkeypatch.setenv(DATASET_ENV, str(tiny_folder))
    code, out = validate()
    assert code == 0 and str(tiny_folder) in out
    monkeypatch.setenv(DATASET_ENV, str(tiny_folder / "gone"))
    code, out = validate()
    assert code == 1 and DATASET_ENV in out


def test_wrong_usage_exits_2(tiny_folder):
    assert validate(tiny_folder, "--no-such-option")[0] == 2
    assert runner.invoke(cli.app, ["no-such-command"]).exit_code == 2


def test_an_unexpected_error_is_one_line_and_exit_1(tiny_folder, monkeypatch):
    def broken(path):
        raise RuntimeError("disk on fire\nsecond line")
    monkeypatch.setattr(cli, "read_dataset", broken)
    code, out = validate(tiny_folder)
    assert code == 1
    assert out.strip().splitlines() == [f"error: RuntimeError: disk on fire (set {cli.DEBUG_ENV}=1 for the traceback)"]


def test_python_m_runs_without_a_traceback(tmp_path):
    folder = write_tables(tmp_path / "bad", edited("quotas", 4, "quota", "-1"))
    r = subprocess.run([sys.executable, "-m", "optimizer.cli", "validate", str(folder)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "quotas row 4, column quota, value '-1'" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_scenario_helper_for_other_commands(tmp_path):
    """`_scenario_or_exit` (for solve & co.): file + options; a bad file ends a command with
    exit 1, a bad option value is wrong usage (exit 2)."""
    path = tmp_path / "s.toml"
    path.write_text("max_km = 25\nprotect_years = 1\n", encoding="utf-8")
    s = cli._scenario_or_exit(path, max_km=30.0, protect_years=None)
    assert (s.max_km, s.protect_years) == (30.0, 1.0)
    assert cli._scenario_or_exit(None, max_km=None, cross_province=True).cross_province is True

    with pytest.raises(cli.typer.BadParameter, match="max_km"):
        cli._scenario_or_exit(None, max_km=-1.0)
    bad = tmp_path / "bad.toml"
    bad.write_text("max_km = -1\n", encoding="utf-8")

    @cli._guarded
    def command():
        cli._scenario_or_exit(bad, max_km=None)
    with pytest.raises(cli.typer.Exit) as e:
        command()
    assert e.value.exit_code == 1
