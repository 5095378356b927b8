"""Plans are written whole or not at all (docs/contract.md §5), and the output side of issue 9.

* a run killed while it writes (SIGTERM, SIGHUP, SIGINT) leaves the previous complete plan, or
  nothing — proved without timing luck: the subprocess's workbook writer is replaced by one that
  writes half a file, says "ready" and waits; only then is the signal sent;
* a signal during the final renames is held back until the new plan is whole;
* files of an earlier run do not survive a rerun; a folder that is not ours is never replaced;
* `--out` is required; no output names a path of the machine; the MIP's fallback is said on the
  terminal; `staffing officers` reads three tables and posts the same officers as `solve`;
* the report names its two counts of units short so that they cannot be read one for the other.
"""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import time
import zipfile
from multiprocessing import get_context
from pathlib import Path

import pytest
from typer.testing import CliRunner

import optimizer.cli as cli
import optimizer.output.plan_files as plan_files
import optimizer.output.staging as staging
import optimizer.reassign.network as network
from datasets import TINY_NOTE, snapshot, tiny_tables, write_tables
from models.io import read_dataset
from models.validation import DatasetError
from optimizer.output.staging import OUTPUT_NAMES, OutputFolderError, check_output_folder, staged_output
from optimizer.output.vocabulary import UNITS_SHORT_ANY_VI, UNITS_SHORT_NET_VI
from optimizer.status import Status

runner = CliRunner()


def run(*args) -> tuple[int, str]:
    result = runner.invoke(cli.app, [str(a) for a in args])
    return result.exit_code, result.output


def siblings(folder: Path) -> list[str]:
    """Hidden staging/previous folders left beside `folder` (there must be none)."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


# --------------------------------------------------------------------------- killed mid-write

def _child(mode: str, ready: Path, log: Path, args: list[str]) -> None:
    """A forked process running the real `staffing` app with one writer replaced:
    "write" pauses mid-way (some files written, the workbook half written) after saying ready;
    "swap" sends itself SIGTERM at the start of the final renames."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    if mode == "write":
        def paused(plan, path, *a, **k):
            Path(path).write_bytes(b"PK\x03\x04 half a workbook")
            ready.write_text(str(Path(path).parent))
            time.sleep(120)
        plan_files._write_xlsx = paused
    else:
        real_swap = staging._swap_in

        def swap(new, out):
            os.kill(os.getpid(), signal.SIGTERM)
            ready.write_text("swap")
            real_swap(new, out)
        staging._swap_in = swap
    cli.app(args, prog_name="staffing")


def start(tmp_path: Path, mode: str, *args):
    """Fork (the test's modules are loaded already: no second start-up of Python)."""
    ready = tmp_path / f"ready-{mode}"
    log = tmp_path / f"log-{mode}"
    proc = get_context("fork").Process(target=_child, args=(mode, ready, log, [str(a) for a in args]))
    proc.start()
    return proc, ready, log


def wait_ready(proc, ready: Path) -> str:
    """Wait for the writer to say it is paused (an event, not a guess at a duration)."""
    deadline = time.monotonic() + 120
    while not ready.exists():
        if not proc.is_alive():
            pytest.fail(f"the run ended before pausing (exit {proc.exitcode})")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the writer never paused")
        time.sleep(0.02)
    return ready.read_text()


@pytest.fixture
def tiny(tmp_path) -> Path:
    return write_tables(tmp_path / "tiny", tiny_tables(), note=TINY_NOTE)


@pytest.mark.parametrize("sig, previous", [(signal.SIGTERM, True), (signal.SIGHUP, False),
                                           (signal.SIGINT, True)])
def test_a_run_killed_mid_write_leaves_the_previous_plan_or_nothing(tmp_path, tiny, sig, previous):
    out = tmp_path / "plan"
    if previous:
        assert run("solve", tiny, "--out", out, "--no-report")[0] == 0
    before = snapshot(out) if previous else None
    proc, ready, log = start(tmp_path, "write", "solve", tiny, "--out", out, "--max-km", "10", "--no-report")
    folder = Path(wait_ready(proc, ready))
    # really mid-way: the new files are there, in the temporary folder beside --out
    assert folder.parent == out.parent and folder.name.startswith(".plan.staging-")
    assert {"transfers.csv", "units_after.csv", "summary.json", "plan.xlsx"} <= {p.name for p in folder.iterdir()}
    os.kill(proc.pid, sig)
    proc.join(60)
    err = log.read_text()
    assert proc.exitcode == 128 + sig, err
    assert "nothing was written" in err and "Traceback" not in err
    if previous:
        assert snapshot(out) == before                    # the previous complete plan, byte for byte
        zipfile.ZipFile(out / "plan.xlsx").testzip()
    else:
        assert not out.exists()                           # nothing
    assert siblings(out) == []                            # the temporary folder is gone


def test_a_signal_during_the_final_renames_waits_for_the_whole_new_plan(tmp_path, tiny):
    out = tmp_path / "plan"
    assert run("solve", tiny, "--out", out, "--no-report")[0] == 0
    proc, ready, log = start(tmp_path, "swap", "solve", tiny, "--out", out, "--max-km", "10", "--no-report")
    proc.join(120)
    assert ready.exists() and proc.exitcode == -signal.SIGTERM, log.read_text()   # killed, after the swap
    assert sorted(p.name for p in out.iterdir()) == ["plan.xlsx", "postings.csv", "summary.json", "surplus_left.csv",
                                                     "transfers.csv", "unfilled.csv", "units_after.csv"]
    assert json.loads((out / "summary.json").read_text())["scenario"]["max_km"] == 10
    zipfile.ZipFile(out / "plan.xlsx").testzip()
    assert siblings(out) == []


# --------------------------------------------------------------------------- stale files, foreign folders

def test_a_rerun_leaves_no_file_of_the_earlier_run(tmp_path, tiny):
    out = tmp_path / "p"
    assert run("solve", tiny, "--out", out)[0] == 0
    assert (out / "report.html").exists()
    (out / "comparison.csv").write_text("of an earlier comparison\n")        # ours, but not this run's
    code, text = run("solve", tiny, "--out", out, "--max-km", "10", "--no-report")
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir()) == ["plan.xlsx", "postings.csv", "summary.json", "surplus_left.csv",
                                                     "transfers.csv", "unfilled.csv", "units_after.csv"]
    assert siblings(out) == []


@pytest.mark.parametrize("command", ["solve", "officers"])
def test_a_folder_that_is_not_ours_is_refused_and_untouched(tmp_path, tiny, command):
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "transfers.csv").write_text("mine\n")
    (docs / "budget 2026.xlsx").write_text("mine\n")
    before = snapshot(docs)
    code, text = run(command, tiny, "--out", docs)
    assert code == 2 and "budget 2026.xlsx" in text and "no staffing command writes" in text
    assert snapshot(docs) == before and siblings(docs) == []
    # a file, a sub-folder, the current folder: refused too; new, empty or ours: accepted
    with pytest.raises(OutputFolderError, match="is a file"):
        check_output_folder(docs / "transfers.csv")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "sub").mkdir()
    with pytest.raises(OutputFolderError, match="sub/"):
        check_output_folder(tmp_path / "old")
    with pytest.raises(OutputFolderError, match="current folder"):
        check_output_folder(Path.cwd())
    (tmp_path / "empty").mkdir()
    for ok in (tmp_path / "new" / "deeper", tmp_path / "empty"):
        assert check_output_folder(ok) == ok.resolve()


def test_staged_output_is_one_line_for_a_writer_and_leaves_nothing_on_error(tmp_path):
    out = tmp_path / "roadmap"
    with staged_output(out) as folder:
        (folder / "actions.csv").write_text("a\n")
    assert [p.name for p in out.iterdir()] == ["actions.csv"]
    with pytest.raises(RuntimeError):
        with staged_output(out) as folder:
            (folder / "units_by_year.csv").write_text("half")
            raise RuntimeError("a writer failed")
    assert [p.name for p in out.iterdir()] == ["actions.csv"] and siblings(out) == []
    with staged_output(out, also=["extra.txt"]) as folder:
        (folder / "extra.txt").write_text("x")
    assert "extra.txt" not in OUTPUT_NAMES and [p.name for p in out.iterdir()] == ["extra.txt"]


# --------------------------------------------------------------------------- --out, paths, MIP fallback

@pytest.mark.parametrize("args", [["solve"], ["officers"], ["compare", "--max-km", "10"]])
def test_out_is_required(tmp_path, tiny, args, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, text = run(*args, *([tiny] if args[0] != "compare" else ["--dataset", tiny]))
    assert code == 2 and "Missing option '--out'" in text
    assert not (tmp_path / "plan").exists() and not (tmp_path / "postings").exists()


def files_text(folder: Path) -> str:
    """Every byte of text in the outputs, workbooks unzipped."""
    parts = []
    for p in sorted(folder.iterdir()):
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        else:
            parts.append(p.read_text(encoding="utf-8-sig"))
    return "\n".join(parts)


def mixed(tmp_path: Path) -> Path:
    """The tiny dataset with one more VP in 02300 (not movable): 02300 is then short of DC and
    over in VP — short in a position, not in total."""
    t = tiny_tables()
    t["staff"].append(["S09", "02300", "VP", "1990-01-01", "F", "false", "Lý Thị Hằng", ""])
    return write_tables(tmp_path / "mixed", t, note=TINY_NOTE)


def test_no_output_carries_a_path_and_the_report_names_its_two_counts_of_units_short(tmp_path):
    mixed(tmp_path)
    scenario = tmp_path / "near.toml"
    scenario.write_text('name = "near"\nmax_km = 40\ndataset = "mixed"\n', encoding="utf-8")
    out = tmp_path / "plan"
    code, text = run("solve", "--scenario", scenario, "--out", out)
    assert code == 0, text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["dataset"] == "mixed" and summary["scenario"]["dataset"] == "mixed"
    cmp_out = tmp_path / "cmp"
    code, text = run("compare", scenario, "--out", cmp_out, "--processes", "1")
    assert code == 0, text
    for folder in (out, cmp_out):
        body = files_text(folder)
        assert str(tmp_path) not in body and tmp_path.as_posix() not in body, folder
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "bộ dữ liệu mixed" in html
    # short in some position: 00070, 09999, 02300 → 09999, 02300; in total: 09999 → 09999
    assert (summary["units_short_before"], summary["units_short_after"]) == (3, 2)
    assert UNITS_SHORT_ANY_VI in html and "3 → 2" in html                   # the card
    assert f"Số {UNITS_SHORT_NET_VI}: 1 trước, 1 sau điều động" in html     # the map's caption
    assert "Đơn vị thiếu người<" not in html           # the old, ambiguous card title is gone


def test_the_terminal_says_when_the_mip_did_not_finish(tmp_path, tiny, monkeypatch):
    real = network.solve_mip

    def unfinished(*args, **kwargs):      # the MIP stopped by its time limit, as on the national data
        res = real(*args, **kwargs)
        return dataclasses.replace(res, status=Status.FEASIBLE, gap=0.25)

    monkeypatch.setattr(network, "solve_mip", unfinished)
    code, text = run("solve", tiny, "--out", tmp_path / "p", "--solver", "mip", "--time-limit", "0.05",
                     "--no-report")
    assert code == 0, text
    assert "the MIP did not finish" in text and "network flow" in text
    assert "optimal (min_cost_flow)" in text


# --------------------------------------------------------------------------- officers

def officers_only(tmp_path: Path) -> Path:
    t = tiny_tables()
    return write_tables(tmp_path / "officers_only", {k: t[k] for k in ("provinces", "officers", "province_needs")})


def test_officers_needs_only_provinces_officers_and_needs(tmp_path):
    folder = officers_only(tmp_path)
    out = tmp_path / "postings"
    code, text = run("officers", folder, "--out", out)
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir()) == ["postings.csv", "postings.xlsx"]
    ds = read_dataset(folder, need=("provinces", "officers", "province_needs"))
    assert len(ds.units) == len(ds.staff) == len(ds.quotas) == 0 and ds.has_officers
    with pytest.raises(DatasetError, match="units: required table is missing"):
        read_dataset(folder)                                   # solve and validate still need all five


def tie_dataset(tmp_path: Path) -> Path:
    """Equal scores everywhere, so the secondary rule alone decides. Province 08 has more communes
    (4 against 3), province 01 the larger shortage (4 against 1 before; 1 and 1 after the plan)."""
    t = tiny_tables()
    t["units"] += [["02400", "Xã Lâm Bình", "08", "xa", "22.4", "105.2", "", "", "false"],
                   ["02500", "Xã Thượng Lâm", "08", "xa", "22.5", "105.3", "", "", "false"]]
    t["officers"][1][3] = t["officers"][2][3] = "a"
    t["province_needs"] = [["province_code", "area", "weight"], ["01", "a", "1"], ["08", "a", "1"]]
    return write_tables(tmp_path / "ties", t, note=TINY_NOTE)


def posted(folder: Path) -> dict[str, str]:
    rows = (folder / "postings.csv").read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    i, j = header.index("province_code"), header.index("officer_id")
    return {r.split(",")[i]: r.split(",")[j] for r in rows[1:]}


def test_officers_and_solve_post_the_same_officers(tmp_path):
    folder = tie_dataset(tmp_path)
    assert run("officers", folder, "--out", tmp_path / "o", "--allow-home-province")[0] == 0
    assert run("solve", folder, "--out", tmp_path / "s", "--allow-home-province", "--no-report")[0] == 0
    # the senior officer O1 goes to 01, the province with the larger shortage before any plan
    assert posted(tmp_path / "o") == posted(tmp_path / "s") == {"01": "O1", "08": "O2"}
    # and whatever the plan's settings: the tie-break is a fact of the data
    assert run("solve", folder, "--out", tmp_path / "s2", "--allow-home-province", "--no-report",
               "--max-km", "1")[0] == 0
    assert posted(tmp_path / "s2") == posted(tmp_path / "o")


