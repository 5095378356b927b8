"""`staffing roadmap` (docs/contract.md §9): the files, the exit codes, nothing half-written."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import TINY_NOTE
from optimizer import cli

runner = CliRunner()


def run(*args):
    result = runner.invoke(cli.app, [str(a) for a in args])
    return result.exit_code, result.output


def test_roadmap_writes_every_file_and_replaces_an_earlier_run(tiny_folder, tmp_path):
    out = tmp_path / "road"
    out.mkdir()
    (out / "stale.csv").write_text("old\n")
    code, text = run("roadmap", tiny_folder, "--out", out)
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir()) == ["actions.csv", "report.html", "roadmap.xlsx",
                                                     "summary.json", "units_by_year.csv"]
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["status"] == "optimal" and s["check"]["passed"] and s["data_note"] == TINY_NOTE
    assert set(s["objective"]) == {"end_surplus", "shortage_years", "cost_vnd", "persons_acted", "total_metres"}
    header = (out / "actions.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("action_no,date,action,staff_id,full_name,position_code,to_position_code,"
                             "from_unit,to_unit,km,cost_vnd,authority,reason")
    assert str(tiny_folder) not in (out / "summary.json").read_text(encoding="utf-8")
    assert "DỮ LIỆU" in (out / "report.html").read_text(encoding="utf-8") or TINY_NOTE in (
        out / "report.html").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".road")]


def test_a_bad_scenario_file_is_exit_1_naming_the_key(tiny_folder, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("start_year = 2030\nend_year = 2027\n", encoding="utf-8")
    code, text = run("roadmap", tiny_folder, "--out", tmp_path / "road", "--scenario", f)
    assert code == 1 and "end_year" in text and "Traceback" not in text
    f.write_text("allowance_tiers = [[-1, 2000000]]\n", encoding="utf-8")
    code, text = run("roadmap", tiny_folder, "--out", tmp_path / "road", "--scenario", f)
    assert code == 1 and "allowance_tiers" in text
    assert not (tmp_path / "road").exists()


def test_no_recruit_and_no_early_retirement_are_obeyed(tiny_folder, tmp_path):
    code, text = run("roadmap", tiny_folder, "--out", tmp_path / "r", "--no-recruit", "--no-early-retirement",
                     "--no-report")
    assert code == 0, text
    s = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert s["counts_by_action"]["recruit"] == 0 and s["counts_by_action"]["early_retirement"] == 0
