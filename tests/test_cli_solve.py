"""`staffing solve`, `officers` and `compare` end to end, as a planner uses them (docs/contract.md §3).

Most checks run the typer app in-process (CliRunner, fast); a few run the real console
command `staffing` in a subprocess to prove the exit codes and that no traceback shows.

The tiny dataset of conftest, worked out by hand at the default settings (max_km 40, same
province, protect_years 2, plan date 2026-01-01):

    00004 DC surplus 2 (S01, S02, S03 movable) → 00070 DC (road 2.5 km) and 09999 DC (great circle)
    00070 VP surplus 1 (S04, S05)              → 09999 VP (great circle); 09999 VP stays 1 short
    02200 DC surplus 1 (S06, movable=false)    → stays; 02300 DC stays 1 short
    shortage 5 → 2, weighted (DC priority 3, VP 1) 11 → 4, surplus 4 → 1, 3 moves.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import optimizer.cli as cli
from datasets import TINY_NOTE, snapshot, tiny_tables, write_tables

runner = CliRunner()

#: summary.json keys measured by the clock (they differ from run to run)
TIMING_KEYS = ("solve_seconds", "build_seconds", "timings")

CONTRACT_SUMMARY_KEYS = {"status", "shortage_before", "shortage_after", "weighted_shortage_after",
                         "surplus_before", "surplus_after", "moves", "total_km", "solve_seconds"}
CONTRACT_TRANSFER_COLUMNS = ["staff_id", "from_unit", "to_unit", "position_code", "km"]
CONTRACT_UNITS_AFTER_COLUMNS = ["unit_code", "position_code", "staff_before", "quota", "staff_after",
                                "shortage_after", "surplus_after"]
CONTRACT_POSTINGS_COLUMNS = ["officer_id", "province_code", "score"]
SOLVE_FILES = ("transfers.csv", "units_after.csv", "summary.json", "postings.csv", "plan.xlsx",
               "report.html")


# --------------------------------------------------------------------------- helpers

def run(*args) -> tuple[int, str]:
    """Invoke `staffing ARGS` in-process; (exit code, stdout and stderr)."""
    result = runner.invoke(cli.app, [str(a) for a in args])
    text = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text += f"\n[exception] {type(result.exception).__name__}: {result.exception}"
    return result.exit_code, text


def staffing_command() -> list[str]:
    exe = shutil.which("staffing")
    return [exe] if exe else [sys.executable, "-m", "optimizer.cli"]


def run_process(*args, cwd=None) -> subprocess.CompletedProcess:
    """The real console command in a subprocess (no STAFFING_DEBUG: the user's view)."""
    env = {k: v for k, v in os.environ.items() if k != cli.DEBUG_ENV}
    return subprocess.run([*staffing_command(), *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=cwd)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of an output CSV as text (codes keep their leading zeros)."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def summary_of(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def without_timings(summary: dict) -> dict:
    s = {k: v for k, v in summary.items() if k not in TIMING_KEYS}
    if isinstance(s.get("officers"), dict):
        s["officers"] = {k: v for k, v in s["officers"].items() if k != "solve_seconds"}
    return s


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (map(math.radians, a)), (map(math.radians, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def units_of(tables) -> dict[str, tuple[float, float]]:
    rows = tables["units"]
    i, la, lo = rows[0].index("unit_code"), rows[0].index("lat"), rows[0].index("lon")
    return {r[i]: (float(r[la]), float(r[lo])) for r in rows[1:]}


def set_cell(tables, table: str, key: str, column: str, value: str) -> None:
    """tables[table]: in the row whose first cell is `key`, set `column` to `value`."""
    rows = tables[table]
    col = rows[0].index(column)
    hits = [r for r in rows[1:] if r[0] == key]
    assert len(hits) == 1, (table, key)
    hits[0][col] = value


def set_quota(tables, unit: str, position: str, quota: int) -> None:
    rows = tables["quotas"]
    hits = [r for r in rows[1:] if r[0] == unit and r[1] == position]
    assert len(hits) == 1
    hits[0][2] = str(quota)


def moved(out: Path) -> dict[str, dict[str, str]]:
    """staff_id → its transfers.csv row."""
    rows = read_csv(out / "transfers.csv")
    ids = [r["staff_id"] for r in rows]
    assert len(ids) == len(set(ids)), "someone moves twice"
    return {r["staff_id"]: r for r in rows}


def write_toml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- shared runs

@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return write_tables(tmp_path_factory.mktemp("data") / "tiny", tiny_tables(), note=TINY_NOTE)


@pytest.fixture(scope="module")
def default_run(tiny, tmp_path_factory) -> tuple[Path, str]:
    """`staffing solve tiny --out DIR` at the default settings (run once for the module)."""
    out = tmp_path_factory.mktemp("solve") / "plan"
    code, text = run("solve", tiny, "--out", out)
    assert code == 0, text
    return out, text


@pytest.fixture(scope="module")
def second_run(tiny, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("solve_again") / "plan"
    code, text = run("solve", tiny, "--out", out)
    assert code == 0, text
    return out


# --------------------------------------------------------------------------- solve: the files

def test_solve_writes_every_file(default_run):
    out, text = default_run
    for name in SOLVE_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert TINY_NOTE in text
    assert "Shortage 5 → 2" in text


def test_solve_files_carry_the_contract_columns(default_run):
    out, _ = default_run
    assert set(CONTRACT_TRANSFER_COLUMNS) <= set(header(out / "transfers.csv"))
    assert set(CONTRACT_UNITS_AFTER_COLUMNS) <= set(header(out / "units_after.csv"))
    assert set(CONTRACT_POSTINGS_COLUMNS) <= set(header(out / "postings.csv"))
    summary = summary_of(out)
    assert CONTRACT_SUMMARY_KEYS <= set(summary), CONTRACT_SUMMARY_KEYS - set(summary)
    assert summary["status"] in ("optimal", "feasible", "infeasible")
    assert summary["method"] == "min_cost_flow"
    assert summary["check"]["passed"] is True
    assert summary["data_note"] == TINY_NOTE


def test_solve_workbook_has_the_sheets_for_planners(default_run):
    out, _ = default_run
    book = openpyxl.load_workbook(out / "plan.xlsx", read_only=True)
    assert book.sheetnames == ["Tóm tắt", "Điều động", "Đơn vị sau điều động", "Còn thiếu",
                               "Cán bộ hỗ trợ", "Quyết định", "Ghi chú"]   # Quyết định: §8
    transfers = list(book["Điều động"].iter_rows(values_only=True))
    assert len(transfers) == 1 + 3                       # header + the three moves
    assert (out / "report.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_solve_tiny_figures_worked_out_by_hand(default_run):
    out, _ = default_run
    s = summary_of(out)
    assert {k: s[k] for k in ("shortage_before", "shortage_after", "weighted_shortage_before",
                              "weighted_shortage_after", "surplus_before", "surplus_after", "moves",
                              "ceiling", "units_short_before", "units_short_after")} == {
        "shortage_before": 5, "shortage_after": 2, "weighted_shortage_before": 11,
        "weighted_shortage_after": 4, "surplus_before": 4, "surplus_after": 1, "moves": 3,
        "ceiling": 3, "units_short_before": 3, "units_short_after": 2}
    assert s["status"] == "optimal"
    assert s["fill_rate"] == pytest.approx(0.6)
    at = units_of(tiny_tables())
    km_dc = round(haversine_km(at["00004"], at["09999"]), 3)
    km_vp = round(haversine_km(at["00070"], at["09999"]), 3)
    assert s["total_km"] == pytest.approx(2.5 + km_dc + km_vp, abs=1e-3)


def test_solve_tiny_who_moves_where(default_run):
    out, _ = default_run
    rows = read_csv(out / "transfers.csv")
    at = units_of(tiny_tables())
    flows = sorted((r["from_unit"], r["to_unit"], r["position_code"], float(r["km"]), r["distance_source"])
                   for r in rows)
    assert flows == [
        ("00004", "00070", "DC", 2.5, "road"),            # the distances table wins
        ("00004", "09999", "DC", round(haversine_km(at["00004"], at["09999"]), 3), "great_circle"),
        ("00070", "09999", "VP", round(haversine_km(at["00070"], at["09999"]), 3), "great_circle"),
    ]
    by_unit = {"00004": {"S01", "S02", "S03"}, "00070": {"S04", "S05"}}
    for r in rows:
        assert r["staff_id"] in by_unit[r["from_unit"]], r
        assert r["from_province"] == r["to_province"] == "01"
        assert r["authority"] == "Chủ tịch UBND Thành phố Hà Nội" and r["authority_level"] == "province"
        assert r["effective_date"] == "2026-01-01"
    assert [r["transfer_no"] for r in rows] == ["1", "2", "3"]


def test_solve_tiny_units_after(default_run):
    out, _ = default_run
    rows = read_csv(out / "units_after.csv")
    got = {(r["unit_code"], r["position_code"]): (int(r["staff_before"]), int(r["quota"]), int(r["staff_after"]),
                                                  int(r["shortage_after"]), int(r["surplus_after"]))
           for r in rows}
    assert got == {
        ("00004", "DC"): (3, 1, 1, 0, 0),
        ("00070", "DC"): (0, 1, 1, 0, 0),
        ("00070", "VP"): (2, 1, 1, 0, 0),
        ("02200", "DC"): (1, 0, 1, 0, 1),     # S06 is not movable
        ("02300", "DC"): (0, 1, 0, 1, 0),
        ("02300", "VP"): (1, 1, 1, 0, 0),
        ("09999", "CT"): (1, 1, 1, 0, 0),
        ("09999", "DC"): (0, 1, 1, 0, 0),
        ("09999", "VP"): (0, 2, 1, 1, 0),
    }
    assert len(rows) == len(got)            # one row a (unit, position) pair


def test_solve_nobody_unmovable_moves(default_run):
    out, _ = default_run
    unmovable = {r[0] for r in tiny_tables()["staff"][1:] if r[5] == "false"}
    assert unmovable == {"S06"}
    assert not unmovable & set(moved(out))


def test_solve_tiny_postings(default_run):
    out, _ = default_run
    rows = {r["province_code"]: r for r in read_csv(out / "postings.csv")}
    # never the home province: O1 (from 01) → 08 scores 5 + 1.5, O2 (from 08) → 01 scores 2
    assert {p: (r["officer_id"], float(r["score"])) for p, r in rows.items()} == {"01": ("O2", 2.0),
                                                                                 "08": ("O1", 6.5)}
    assert summary_of(out)["officers"]["total_score"] == pytest.approx(8.5)


def test_solve_no_report(tiny, tmp_path):
    out = tmp_path / "plan"
    code, text = run("solve", tiny, "--out", out, "--no-report")
    assert code == 0, text
    assert not (out / "report.html").exists()
    for name in SOLVE_FILES[:-1]:
        assert (out / name).is_file(), name


def test_solve_leaves_the_input_alone(tiny, default_run):
    before = snapshot(tiny)
    out, _ = default_run
    assert not any(p.is_relative_to(tiny) for p in out.rglob("*"))
    assert snapshot(tiny) == before
    assert set(before) == {f"{t}.csv" for t in tiny_tables()} | {"ABOUT.txt"}


# --------------------------------------------------------------------------- determinism

@pytest.mark.parametrize("name", ["transfers.csv", "units_after.csv", "postings.csv", "plan.xlsx",
                                  "report.html"])
def test_two_runs_give_byte_identical_files(default_run, second_run, name):
    a, b = default_run[0] / name, second_run / name
    assert a.read_bytes() == b.read_bytes(), f"{name} differs between two runs on the same input"


def test_two_runs_give_the_same_summary_but_for_timings(default_run, second_run):
    a, b = summary_of(default_run[0]), summary_of(second_run)
    assert "solve_seconds" in a                                # the contract asks for it
    assert without_timings(a) == without_timings(b)
    # the same text too: key order and number formatting do not depend on the run
    dump = lambda s: json.dumps(without_timings(s), ensure_ascii=False, indent=2)  # noqa: E731
    assert dump(a) == dump(b)


def test_the_workbook_holds_no_wall_clock_timings(default_run):
    """Timings differ from run to run: they are in summary.json, not in plan.xlsx."""
    out, _ = default_run
    with zipfile.ZipFile(out / "plan.xlsx") as z:
        text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    from optimizer.output.tables import SUMMARY_LABELS_VI
    for key in TIMING_KEYS:
        assert SUMMARY_LABELS_VI[key] not in text, key


# --------------------------------------------------------------------------- options and scenario files

@pytest.fixture(scope="module")
def short_reach(tiny, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("km1") / "plan"
    code, text = run("solve", tiny, "--out", out, "--max-km", 1, "--no-report")
    assert code == 0, text
    return out


def test_max_km_1_gives_fewer_moves(default_run, short_reach):
    s1, s40 = summary_of(short_reach), summary_of(default_run[0])
    assert s1["moves"] < s40["moves"]
    # every pair of the tiny dataset is more than 1 km apart (the nearest, 00004–00070, is 2.5 km by road)
    assert s1["moves"] == 0 and s1["shortage_after"] == s1["shortage_before"] == 5
    assert s1["scenario"]["max_km"] == 1.0
    assert read_csv(short_reach / "transfers.csv") == []
    assert header(short_reach / "transfers.csv")[:2] == ["transfer_no", "staff_id"]   # header even when empty


def test_scenario_file_sets_max_km(tiny, short_reach, tmp_path):
    toml = write_toml(tmp_path / "near.toml", 'name = "near"\nmax_km = 1\n')
    out = tmp_path / "plan"
    code, text = run("solve", tiny, "--out", out, "--scenario", toml, "--no-report")
    assert code == 0, text
    s = summary_of(out)
    assert s["scenario"]["max_km"] == 1.0 and s["scenario"]["name"] == "near"
    assert s["moves"] == summary_of(short_reach)["moves"] == 0


def test_command_line_wins_over_the_scenario_file(tiny, default_run, tmp_path):
    toml = write_toml(tmp_path / "near.toml", "max_km = 1\nprotect_years = 2\n")
    out = tmp_path / "plan"
    code, text = run("solve", tiny, "--out", out, "--scenario", toml, "--max-km", 40, "--no-report")
    assert code == 0, text
    s = summary_of(out)
    assert s["scenario"]["max_km"] == 40.0
    assert s["moves"] == 3
    assert (out / "transfers.csv").read_bytes() == (default_run[0] / "transfers.csv").read_bytes()


def test_unknown_scenario_key_is_named(tiny, tmp_path):
    toml = write_toml(tmp_path / "typo.toml", "max_kms = 5\n")
    out = tmp_path / "plan"
    code, text = run("solve", tiny, "--out", out, "--scenario", toml)
    assert code == 1, text
    assert "max_kms" in text and "typo.toml" in text
    assert "max_km?" in text                                   # the suggestion
    assert "Traceback" not in text and "[exception]" not in text
    assert not out.exists()


def test_bad_plan_date_is_a_clear_error(tiny, tmp_path):
    out = tmp_path / "plan"
    code, text = run("solve", tiny, "--out", out, "--plan-date", "2026-13-01")
    assert code in (1, 2), text
    assert "plan_date" in text or "plan-date" in text
    assert "2026-13-01" in text
    assert "Traceback" not in text and "[exception]" not in text
    assert not out.exists()


def cross_province_tables():
    """Unit 02300 (province 08) moved next to 00004 (province 01), 2.4 km away; the DC shortages
    of province 01 removed. 00004's DC surplus can then only go to 02300, across the border."""
    t = tiny_tables()
    set_cell(t, "units", "02300", "lat", "21.0600")
    set_cell(t, "units", "02300", "lon", "105.8380")
    set_quota(t, "00070", "DC", 0)
    set_quota(t, "09999", "DC", 0)
    return t


def test_cross_province_allows_a_move_across_the_border(tmp_path):
    data = write_tables(tmp_path / "cross", cross_province_tables())
    same, cross = tmp_path / "same", tmp_path / "cross_plan"
    code, text = run("solve", data, "--out", same, "--no-report")
    assert code == 0, text
    code, text = run("solve", data, "--out", cross, "--cross-province", "--no-report")
    assert code == 0, text

    assert all(r["from_province"] == r["to_province"] for r in moved(same).values())
    assert not any(r["to_unit"] == "02300" for r in moved(same).values())
    rows = [r for r in moved(cross).values() if r["from_province"] != r["to_province"]]
    assert len(rows) == 1, moved(cross)
    (r,) = rows
    assert (r["from_unit"], r["to_unit"], r["position_code"]) == ("00004", "02300", "DC")
    assert (r["from_province"], r["to_province"]) == ("01", "08")
    assert r["authority"] == "Bộ trưởng Bộ Nội vụ" and r["authority_level"] == "ministry"
    s_same, s_cross = summary_of(same), summary_of(cross)
    assert s_cross["scenario"]["cross_province"] is True
    assert s_cross["shortage_after"] == s_same["shortage_after"] - 1
    assert s_cross["moves"] == s_same["moves"] + 1


def near_retirement_tables():
    """S01, S02, S03 (the DC surplus of 00004): men born 1965-01-01, who retire on 2026-07-31,
    within the default 2 protected years of the plan date 2026-01-01."""
    t = tiny_tables()
    for sid in ("S01", "S02", "S03"):
        set_cell(t, "staff", sid, "birth_date", "1965-01-01")
        set_cell(t, "staff", sid, "gender", "M")
    return t


def test_protect_years_0_lets_a_person_near_retirement_move(tmp_path):
    from datetime import date

    from models.retirement import retirement_date

    assert retirement_date(date(1965, 1, 1), "M") < date(2028, 1, 1)      # the case is built right
    data = write_tables(tmp_path / "old", near_retirement_tables())
    kept, free = tmp_path / "kept", tmp_path / "free"
    code, text = run("solve", data, "--out", kept, "--no-report")
    assert code == 0, text
    code, text = run("solve", data, "--out", free, "--protect-years", 0, "--no-report")
    assert code == 0, text
    near = {"S01", "S02", "S03"}
    assert not near & set(moved(kept))
    assert summary_of(kept)["moves"] == 1                     # only the VP move is left
    went = near & set(moved(free))
    assert len(went) == 2, moved(free)
    for sid in went:
        assert float(moved(free)[sid]["years_to_retirement"]) < 2
    assert summary_of(free)["shortage_after"] == summary_of(kept)["shortage_after"] - 2
    assert summary_of(free)["scenario"]["protect_years"] == 0.0


# --------------------------------------------------------------------------- bad data

def test_unknown_unit_reference_is_named_and_nothing_written(tmp_path):
    t = tiny_tables()
    set_cell(t, "staff", "S03", "unit_code", "77777")        # S03 is on the planner's row 4
    data = write_tables(tmp_path / "bad", t)
    before = snapshot(data)
    out = tmp_path / "plan"
    code, text = run("solve", data, "--out", out)
    assert code == 1, text
    assert "staff row 4, column unit_code, value '77777'" in text
    assert "[exception]" not in text and "Traceback" not in text
    assert snapshot(data) == before
    assert not out.exists()


# --------------------------------------------------------------------------- officers

def test_officers_writes_postings(tiny, tmp_path):
    out = tmp_path / "post"
    code, text = run("officers", tiny, "--out", out)
    assert code == 0, text
    rows = read_csv(out / "postings.csv")
    assert set(CONTRACT_POSTINGS_COLUMNS) <= set(rows[0])
    assert {r["province_code"]: (r["officer_id"], float(r["score"])) for r in rows} == {
        "01": ("O2", 2.0), "08": ("O1", 6.5)}
    assert not (out / "transfers.csv").exists()              # officers posts; it does not reassign
    assert "Total match score 8.5" in text


def test_officers_home_province_rule(tmp_path):
    t = tiny_tables()
    set_cell(t, "officers", "O2", "home_province_code", "01")   # both officers now come from 01
    data = write_tables(tmp_path / "home", t)
    out = tmp_path / "post"
    code, text = run("officers", data, "--out", out)
    assert code == 1, text
    assert "--allow-home-province" in text
    assert "01" in text
    assert "[exception]" not in text and "Traceback" not in text
    assert not (out / "postings.csv").exists()

    code, text = run("officers", data, "--out", out, "--allow-home-province")
    assert code == 0, text
    rows = read_csv(out / "postings.csv")
    assert sorted(r["province_code"] for r in rows) == ["01", "08"]
    assert sorted(r["officer_id"] for r in rows) == ["O1", "O2"]


def test_officers_without_officers_is_a_clear_error(tmp_path):
    t = tiny_tables()
    del t["officers"], t["province_needs"]
    data = write_tables(tmp_path / "none", t)
    out = tmp_path / "post"
    code, text = run("officers", data, "--out", out)
    assert code == 1, text
    assert "officers" in text and "nothing to post" in text
    assert "[exception]" not in text
    assert not out.exists()


# --------------------------------------------------------------------------- compare

def test_compare_two_scenario_files(tiny, tmp_path):
    a = write_toml(tmp_path / "near.toml", "max_km = 1\n")
    b = write_toml(tmp_path / "far.toml", "max_km = 40\n")
    out = tmp_path / "cmp"
    code, text = run("compare", a, b, "--dataset", tiny, "--out", out, "--processes", 1)
    assert code == 0, text
    rows = read_csv(out / "comparison.csv")
    assert [r["name"] for r in rows] == ["near", "far"]
    assert [int(r["moves"]) for r in rows] == [0, 3]
    assert [int(r["shortage_after"]) for r in rows] == [5, 2]
    assert (out / "comparison.xlsx").is_file()


def test_compare_sweep_fill_rate_does_not_fall(tiny, tmp_path):
    out = tmp_path / "sweep"
    code, text = run("compare", "--max-km", "1,20,40", "--dataset", tiny, "--out", out, "--processes", 1)
    assert code == 0, text
    rows = read_csv(out / "comparison.csv")
    assert len(rows) == 3
    assert [float(r["max_km"]) for r in rows] == [1.0, 20.0, 40.0]
    rates = [float(r["fill_rate"]) for r in rows]
    assert rates == sorted(rates), rates
    assert rates[0] == 0.0 and rates[-1] == pytest.approx(0.6)
    # 20 km reaches only the 2.5 km road move (the Sóc Sơn moves are 24–26 km)
    assert [int(r["moves"]) for r in rows] == [0, 1, 3]


@pytest.mark.parametrize("args", [[], ["--max-km", "ten,twenty", "--processes", "1"]],
                         ids=["no-arguments", "max-km-not-numbers"])
def test_compare_wrong_usage_exits_2(args, tmp_path):
    """A usage error raised by the command itself (typer.BadParameter) is click's exit 2, not the
    guard's exit 1 "error: BadParameter: …" (typer 0.29 vendors its own click: the guard must
    let that click's exceptions through too)."""
    code, text = run("compare", *args, "--out", tmp_path / "cmp") if args else run("compare")
    assert code == 2, text
    assert "BadParameter" not in text


# --------------------------------------------------------------------------- the MIP path

def test_mip_gives_the_same_figures_as_min_cost_flow(tiny, default_run, tmp_path):
    out = tmp_path / "mip"
    code, text = run("solve", tiny, "--out", out, "--solver", "mip", "--no-report")
    assert code == 0, text
    mip, mcf = summary_of(out), summary_of(default_run[0])
    assert mip["method"] == "mip" and mcf["method"] == "min_cost_flow"
    assert mip["status"] == "optimal"
    for key in ("shortage_after", "weighted_shortage_after", "surplus_after", "moves"):
        assert mip[key] == mcf[key], key
    assert mip["total_km"] == pytest.approx(mcf["total_km"], abs=1e-3)
    assert mip["check"]["passed"] is True


# --------------------------------------------------------------------------- the real command

def test_real_command_solve_exit_0_without_traceback(tiny, tmp_path):
    r = run_process("solve", tiny, "--out", tmp_path / "plan", "--no-report")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert "Shortage 5 → 2" in r.stdout
    assert summary_of(tmp_path / "plan")["moves"] == 3


def test_real_command_bad_input_exit_1_without_traceback(tiny, tmp_path):
    t = tiny_tables()
    set_cell(t, "staff", "S03", "unit_code", "77777")
    data = write_tables(tmp_path / "bad", t)
    toml = write_toml(tmp_path / "typo.toml", "max_kms = 5\n")
    cases = {"bad data": (["solve", data, "--out", tmp_path / "p1"], {1}, "77777"),
             "unknown key": (["solve", tiny, "--out", tmp_path / "p2", "--scenario", toml], {1}, "max_kms"),
             "bad date": (["solve", tiny, "--out", tmp_path / "p3", "--plan-date", "2026-13-01"], {1, 2},
                          "2026-13-01")}
    for case, (args, codes, named) in cases.items():
        r = run_process(*args)
        assert r.returncode in codes, (case, r.returncode, r.stdout, r.stderr)
        assert named in r.stdout + r.stderr, case
        assert "Traceback" not in r.stdout + r.stderr, case
    assert not any((tmp_path / p).exists() for p in ("p1", "p2", "p3"))


def test_real_command_wrong_usage_exit_2(tiny, tmp_path):
    r = run_process("solve", tiny, "--out", tmp_path / "plan", "--no-such-option")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert not (tmp_path / "plan").exists()


def test_solve_for_one_province(tiny, tmp_path):
    out = tmp_path / "plan01"
    code, text = run("solve", tiny, "--out", out, "--province", "01", "--no-report")
    assert code == 0, text
    assert {r["from_province"] for r in read_csv(out / "transfers.csv")} == {"01"}
    assert {r["province_code"] for r in read_csv(out / "units_after.csv")} == {"01"}
    assert len(read_csv(out / "transfers.csv")) == 3          # all three moves of the tiny plan are in 01
    code, text = run("solve", tiny, "--out", tmp_path / "plan99", "--province", "99")
    assert code == 1 and "99" in text and "Traceback" not in text
