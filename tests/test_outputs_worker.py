"""report.html is drawn in a forked worker while plan.xlsx is written, the CSV files going to
whichever side is free (optimizer/output/outputs.py), and the folder is still written whole or
not at all:

* the worker really is another process, each CSV file is written once, by the side that is
  free, and the files are byte for byte those of the one-process write;
* the worker failing (an exception, or killed) → exit 1, one line, the previous plan untouched;
* this side failing, or SIGTERM while both write → the worker is stopped and reaped, nothing
  is put in place (proved with ready-files, not with timing luck).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from multiprocessing import get_context
from pathlib import Path

import pytest
from typer.testing import CliRunner

import optimizer.cli as cli
import optimizer.output.outputs as outputs
import optimizer.output.plan_files as plan_files
from datasets import TINY_NOTE, snapshot, tiny_tables, write_tables
from models.io import read_dataset
from models.scenario import Scenario
from optimizer.output.outputs import ReportWorkerError, report_worker, write_outputs
from optimizer.output.plan_files import write_plan
from optimizer.output.staging import WriteAborted, staged_output
from optimizer.plan import solve

pytestmark = pytest.mark.skipif(not outputs.can_fork(), reason="the worker needs os.fork")
runner = CliRunner()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return write_tables(tmp_path_factory.mktemp("tiny") / "tiny", tiny_tables(), note=TINY_NOTE)


@pytest.fixture(scope="module")
def plan_and_data(tiny):
    ds = read_dataset(tiny)
    return solve(ds, Scenario(max_km=10)), ds


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit status waits for whoever reaps orphans here)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return alive(pid)
    return state != "Z"


def wait_for(path: Path, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{path.name} never appeared")
        time.sleep(0.02)
    time.sleep(0.02)           # the writer's text is in
    return path.read_text()


CSV_FILES = {"transfers.csv", "units_after.csv", "postings.csv", "unfilled.csv", "surplus_left.csv"}


def quick_draw(plan, path, *a, **k) -> Path:
    """A stand-in for the report (no matplotlib) where the drawing itself is not the point."""
    Path(path).write_text("report")
    return Path(path)


def _record_csv(monkeypatch, log: Path) -> None:
    real = plan_files.write_csv_columns

    def csv(columns, path):
        with open(log, "a") as f:
            f.write(f"{Path(path).name} {os.getpid()}\n")
        return real(columns, path)
    monkeypatch.setattr(plan_files, "write_csv_columns", csv)


def _csv_writers(log: Path) -> dict[str, str]:
    lines = [line.split() for line in log.read_text().splitlines()]
    names = [name for name, _ in lines]
    assert sorted(names) == sorted(set(names)), f"a CSV file written twice: {names}"
    return dict(lines)


def _write(plan, folder: Path, ds, early: bool) -> list[Path]:
    """`write_outputs` with its worker forked there (``early`` False) or beforehand by
    `report_worker`, as `staffing solve --out` does (True)."""
    if not early:
        return write_outputs(plan, folder, units=ds.units, provinces=ds.provinces, parallel=True)
    with report_worker() as worker:
        assert worker is not None and worker.pid != os.getpid()
        return write_outputs(plan, folder, units=ds.units, provinces=ds.provinces, worker=worker)


@pytest.mark.parametrize("early", [False, True], ids=["forked-at-write", "forked-early"])
def test_the_report_is_drawn_in_another_process_with_the_same_bytes(tmp_path, plan_and_data, monkeypatch, early):
    plan, ds = plan_and_data
    pid_file, csv_log = tmp_path / "drawn-by", tmp_path / "csv-by"
    real_draw = outputs._draw

    def drawn(*a, **k):
        pid_file.write_text(str(os.getpid()))
        return real_draw(*a, **k)
    monkeypatch.setattr(outputs, "_draw", drawn)
    _record_csv(monkeypatch, csv_log)
    two = _write(plan, tmp_path / "two", ds, early)
    worker = pid_file.read_text()
    assert int(worker) != os.getpid()
    by = _csv_writers(csv_log)                        # each CSV file once, by one of the two
    assert set(by) == CSV_FILES and set(by.values()) <= {worker, str(os.getpid())}
    one = write_outputs(plan, tmp_path / "one", units=ds.units, provinces=ds.provinces, parallel=False)
    assert int(pid_file.read_text()) == os.getpid()
    assert [p.name for p in two] == [p.name for p in one] and two[-1].name == "report.html"
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")
    assert write_outputs(plan, tmp_path / "none", report=False)[-1].name == "plan.xlsx"
    assert not (tmp_path / "none" / "report.html").exists()


@pytest.mark.parametrize("early", [False, True], ids=["forked-at-write", "forked-early"])
@pytest.mark.parametrize("busy", ["worker", "main"])
def test_the_csv_files_go_to_the_side_that_is_free(tmp_path, plan_and_data, monkeypatch, busy, early):
    """While one side is held busy until every CSV file exists, the other writes them all."""
    plan, ds = plan_and_data
    out, csv_log = tmp_path / "out", tmp_path / "csv-by"
    _record_csv(monkeypatch, csv_log)

    def held(real):
        def run(*a, **k):
            for name in sorted(CSV_FILES):
                wait_for(out / name)
            return real(*a, **k)
        return run
    if busy == "worker":
        monkeypatch.setattr(outputs, "_draw", held(quick_draw))
    else:
        monkeypatch.setattr(outputs, "_draw", quick_draw)
        monkeypatch.setattr(plan_files, "_write_xlsx", held(plan_files._write_xlsx))
    _write(plan, out, ds, early)
    writers = set(_csv_writers(csv_log).values())
    assert len(writers) == 1
    assert (writers == {str(os.getpid())}) == (busy == "worker")
    monkeypatch.undo()                                # the same files as one process writes
    one = tmp_path / "one"
    write_plan(plan, one)
    assert {n: b for n, b in snapshot(out).items() if n != "report.html"} == snapshot(one)


@pytest.mark.parametrize("how", ["raises", "killed", "csv"])
def test_a_failing_worker_leaves_the_previous_plan(tmp_path, tiny, monkeypatch, how):
    out = tmp_path / "plan"
    assert runner.invoke(cli.app, ["solve", str(tiny), "--out", str(out), "--no-report"]).exit_code == 0
    before = snapshot(out)

    def broken(*a, **k):
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        raise ValueError("the figure could not be drawn")
    if how == "csv":       # a CSV file that cannot be written (by either side)
        def broken(columns, path):             # noqa: F811
            raise OSError(f"cannot write {Path(path).name}")
        monkeypatch.setattr(plan_files, "write_csv_columns", broken)
        monkeypatch.setattr(outputs, "_draw", quick_draw)
    else:
        monkeypatch.setattr(outputs, "_draw", broken)
    result = runner.invoke(cli.app, ["solve", str(tiny), "--out", str(out), "--max-km", "10"])
    assert result.exit_code == 1, result.output
    if how != "csv":
        assert "ReportWorkerError" in result.output and "nothing was written" in result.output
    assert {"killed": "SIGKILL", "raises": "the figure could not be drawn",
            "csv": "cannot write "}[how] in result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before            # the previous complete plan, byte for byte
    assert siblings(out) == []


def test_this_side_failing_stops_and_reaps_the_worker(tmp_path, plan_and_data, monkeypatch):
    plan, ds = plan_and_data
    pid_file = tmp_path / "worker-pid"

    def slow(*a, **k):
        pid_file.write_text(str(os.getpid()))
        time.sleep(120)
    monkeypatch.setattr(outputs, "_draw", slow)

    def failing(*a, **k):
        wait_for(pid_file)                     # the worker is drawing
        raise OSError("disk full")
    monkeypatch.setattr(plan_files, "_write_xlsx", failing)
    t = time.monotonic()
    with pytest.raises(OSError, match="disk full"):
        write_outputs(plan, tmp_path / "out", units=ds.units, provinces=ds.provinces, parallel=True)
    assert time.monotonic() - t < 60           # not waiting for the worker's 120 s
    assert not alive(int(pid_file.read_text()))   # killed and reaped (no zombie either)


def _child(ready: Path, pid_file: Path, log: Path, args: list[str]) -> None:
    """The real app in a forked process; the workbook writer pauses after saying ready, the
    worker records its pid and draws slowly."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)

    def paused(plan, path, *a, **k):
        Path(path).write_bytes(b"PK\x03\x04 half a workbook")
        ready.write_text(str(Path(path).parent))
        time.sleep(120)
    plan_files._write_xlsx = paused

    def slow(*a, **k):
        pid_file.write_text(str(os.getpid()))
        time.sleep(120)
    outputs._draw = slow
    cli.app(args, prog_name="staffing")


def test_sigterm_while_both_write_stops_the_worker_and_writes_nothing(tmp_path, tiny):
    out = tmp_path / "plan"
    ready, pid_file, log = tmp_path / "ready", tmp_path / "worker-pid", tmp_path / "log"
    proc = get_context("fork").Process(target=_child, args=(
        ready, pid_file, log, ["solve", str(tiny), "--out", str(out), "--max-km", "10"]))
    proc.start()
    try:
        folder = Path(wait_for(ready))
        worker = int(wait_for(pid_file))
        assert folder.parent == out.parent and worker != proc.pid and alive(worker)
        os.kill(proc.pid, signal.SIGTERM)
        proc.join(60)
    finally:
        if proc.is_alive():
            proc.kill()
    err = log.read_text()
    assert proc.exitcode == 128 + signal.SIGTERM, err
    assert "nothing was written" in err and "Traceback" not in err
    assert not out.exists() and siblings(out) == []
    assert not alive(worker)


def test_the_worker_error_names_the_report_and_says_nothing_was_written(tmp_path, plan_and_data, monkeypatch):
    plan, ds = plan_and_data
    monkeypatch.setattr(outputs, "_draw", lambda *a, **k: 1 / 0)
    with pytest.raises(ReportWorkerError, match=r"writing report\.html and CSV files failed: ZeroDivisionError"):
        write_outputs(plan, tmp_path / "out", units=ds.units, provinces=ds.provinces, parallel=True)


def test_a_signal_during_the_fork_waits_until_the_worker_can_be_stopped(tmp_path, plan_and_data, monkeypatch):
    """SIGTERM arriving as the worker is forked at write time: held on both sides, then it ends
    the worker and aborts the write here (`WriteAborted`, which the CLI turns into exit 143),
    never running on the worker's copy of this stack."""
    plan, ds = plan_and_data
    out = tmp_path / "plan"
    forked = []
    real_fork = os.fork

    def fork():
        os.kill(os.getpid(), signal.SIGTERM)           # arrives "during" the fork
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid
    monkeypatch.setattr(outputs.os, "fork", fork)
    monkeypatch.setattr(outputs, "_draw", quick_draw)
    with pytest.raises(WriteAborted):
        with staged_output(out) as folder:
            write_outputs(plan, folder, units=ds.units, provinces=ds.provinces, parallel=True)
    assert not out.exists() and siblings(out) == []
    assert len(forked) == 1 and not alive(forked[0])


def _early_signal_child(pid_file: Path, log: Path, args: list[str]) -> None:
    """The real app in a forked process; SIGTERM arrives as `report_worker` forks (before the
    dataset is read), the worker's pid is recorded."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    real_fork = os.fork

    def fork():
        os.kill(os.getpid(), signal.SIGTERM)
        pid = real_fork()
        if pid:
            pid_file.write_text(str(pid))
        return pid
    outputs.os.fork = fork
    cli.app(args, prog_name="staffing")


def test_a_signal_during_the_early_fork_ends_the_command_and_its_worker(tmp_path, tiny):
    """SIGTERM as the report worker is forked at the start of `solve --out`: held on both sides
    until each is ready, then it ends both with the default action (nothing is being written
    yet); no worker is left, nothing is written."""
    out, pid_file, log = tmp_path / "plan", tmp_path / "worker-pid", tmp_path / "log"
    proc = get_context("fork").Process(target=_early_signal_child, args=(
        pid_file, log, ["solve", str(tiny), "--out", str(out), "--max-km", "10"]))
    proc.start()
    proc.join(60)
    if proc.is_alive():
        proc.kill()
        pytest.fail("the command did not end on SIGTERM")
    assert proc.exitcode == -signal.SIGTERM, log.read_text()
    worker = int(wait_for(pid_file))
    deadline = time.monotonic() + 30
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(worker)
    assert not out.exists() and siblings(out) == []


def test_the_worker_prints_through_its_own_streams(tmp_path, plan_and_data, monkeypatch):
    """A progress display replaces sys.stderr by a proxy with a lock; another thread may hold it
    at the fork. The worker's own warnings must not wait for that lock (it is never released in
    the child): here it is held across the fork, and the write still ends (or fails in 30 s)."""
    plan, ds = plan_and_data
    lock = threading.Lock()

    class Proxy:
        def write(self, text):
            with lock:
                return len(text)

        def flush(self):
            pass

    def noisy(plan, path, *a, **k):
        print("a warning from the worker", file=sys.stderr)
        return quick_draw(plan, path)

    def too_long(signum, frame):
        raise TimeoutError("the worker hangs on its parent's stream lock")
    monkeypatch.setattr(outputs, "_draw", noisy)
    monkeypatch.setattr(sys, "stderr", Proxy())
    previous = signal.signal(signal.SIGALRM, too_long)
    lock.acquire()
    try:
        signal.alarm(30)
        written = write_outputs(plan, tmp_path / "out", units=ds.units, provinces=ds.provinces, parallel=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        lock.release()
    assert written[-1].read_text() == "report"


# --------------------------------------------------------------------------- the early worker

def test_an_early_worker_never_given_the_plan_is_stopped_and_reaped(plan_and_data):
    """A bad dataset, an audit failure, Ctrl-C: the worker forked before reading is killed and
    reaped when its block is left, with or without an error."""
    with report_worker() as worker:
        pid = worker.pid
        assert alive(pid)
    assert not alive(pid)
    with pytest.raises(ZeroDivisionError):
        with report_worker() as worker:
            pid = worker.pid
            1 / 0
    assert not alive(pid)
    with report_worker(False) as none:
        assert none is None


def test_an_early_worker_that_died_fails_the_write_and_nothing_is_put_in_place(tmp_path, plan_and_data, monkeypatch):
    plan, ds = plan_and_data
    out = tmp_path / "plan"
    monkeypatch.setattr(outputs, "_draw", quick_draw)
    previous = signal.signal(signal.SIGPIPE, signal.SIG_DFL)    # as the CLI has it: the plan sent
    try:                                                         # to a dead worker must not kill us
        with report_worker() as worker:
            os.kill(worker.pid, signal.SIGKILL)
            with pytest.raises(ReportWorkerError, match="killed by SIGKILL.*nothing was written"):
                with staged_output(out) as folder:
                    write_outputs(plan, folder, units=ds.units, provinces=ds.provinces, worker=worker)
            pid = worker.pid
    finally:
        signal.signal(signal.SIGPIPE, previous)
    assert not alive(pid)
    assert not out.exists() and siblings(out) == []


def test_an_early_worker_failing_to_draw_names_the_error(tmp_path, plan_and_data, monkeypatch):
    plan, ds = plan_and_data
    monkeypatch.setattr(outputs, "_draw", lambda *a, **k: 1 / 0)
    with report_worker() as worker:
        with pytest.raises(ReportWorkerError, match=r"report\.html and CSV files failed: ZeroDivisionError"):
            write_outputs(plan, tmp_path / "out", units=ds.units, provinces=ds.provinces, worker=worker)
        with pytest.raises(ValueError, match="one report"):   # a worker draws one report
            write_outputs(plan, tmp_path / "again", units=ds.units, provinces=ds.provinces, worker=worker)


def test_solve_out_forks_its_worker_before_reading_and_hands_it_the_plan(tmp_path, tiny, monkeypatch):
    """The CLI's wiring: the worker is forked before the dataset is read (so matplotlib is
    imported meanwhile), is sent the chosen transfers (to draw the figures meanwhile) and is the
    one `write_outputs` is given; without a report, none is."""
    events = []
    real_worker, real_read, real_write = cli.report_worker, cli._load_or_exit, cli.write_outputs

    def worker(enabled=True):
        events.append(("worker", enabled))
        return real_worker(enabled)

    def read(*a, **k):
        events.append(("read",))
        return real_read(*a, **k)

    def write(*a, worker=None, **k):
        events.append(("write", worker is not None))
        return real_write(*a, worker=worker, **k)
    real_chosen = outputs.ReportWorker.send_chosen

    def chosen(self, *a, **k):
        events.append(("chosen",))
        return real_chosen(self, *a, **k)
    monkeypatch.setattr(outputs.ReportWorker, "send_chosen", chosen)
    monkeypatch.setattr(cli, "report_worker", worker)
    monkeypatch.setattr(cli, "_load_or_exit", read)
    monkeypatch.setattr(cli, "write_outputs", write)
    monkeypatch.setattr(outputs, "_draw", quick_draw)
    result = runner.invoke(cli.app, ["solve", str(tiny), "--out", str(tmp_path / "a"), "--max-km", "10"])
    assert result.exit_code == 0, result.output
    assert events == [("worker", True), ("read",), ("chosen",), ("write", True)]
    assert (tmp_path / "a" / "report.html").read_text() == "report"
    events.clear()
    result = runner.invoke(cli.app, ["solve", str(tiny), "--out", str(tmp_path / "b"), "--max-km", "10",
                                     "--no-report"])
    assert result.exit_code == 0, result.output
    assert events == [("worker", False), ("read",), ("write", False)]
    assert not (tmp_path / "b" / "report.html").exists()


# --------------------------------------------------------------------------- figures drawn while the plan is audited

def test_solve_hands_on_the_chosen_transfers_before_the_audit(tiny):
    ds = read_dataset(tiny)
    events = []
    plan = solve(ds, Scenario(max_km=10), progress=lambda stage: events.append(stage),
                 on_chosen=lambda transfers, units_after: events.append(("chosen", transfers, units_after)))
    chosen = [e for e in events if isinstance(e, tuple)]
    assert len(chosen) == 1
    _, transfers, units_after = chosen[0]
    assert transfers.equals(plan.transfers) and units_after.equals(plan.units_after)
    names = [e if isinstance(e, str) else "chosen" for e in events]
    assert names.index("chosen") < names.index("audit") < names.index("explain")


def _chosen(plan, **changes):
    from types import SimpleNamespace

    from optimizer.summary import fill_rate_of
    units_after = changes.pop("units_after", plan.units_after)
    return SimpleNamespace(transfers=changes.pop("transfers", plan.transfers), units_after=units_after,
                           scenario=changes.pop("scenario", plan.scenario),
                           summary={"fill_rate": changes.pop("fill_rate", fill_rate_of(units_after))})


def test_figures_fit_only_the_plan_they_were_drawn_from(tmp_path, plan_and_data):
    """`Figures.fits`: drawn from the chosen transfers (the summary's fill rate recomputed by
    `fill_rate_of`) they fit the finished plan; another fill rate, km limit, transfers, units
    after, units (lat/lon) or provinces table do not — and the report then draws them again,
    with the bytes of a report drawn anew."""
    from optimizer.output.report import draw_figures, write_report
    plan, ds = plan_and_data
    draw = lambda chosen, **k: draw_figures(chosen, **{"units": ds.units, "provinces": ds.provinces, **k})  # noqa: E731
    assert draw(_chosen(plan)).fits(plan, ds.units, ds.provinces)
    other_units = plan.units_after.copy()
    other_units.loc[other_units.index[0], "shortage_after"] += 1
    moved = ds.units.assign(lat=ds.units["lat"] + 0.01)
    wrong = [draw(_chosen(plan, fill_rate=0.5)), draw(_chosen(plan, scenario=Scenario(max_km=11))),
             draw(_chosen(plan, transfers=plan.transfers.iloc[:0])), draw(_chosen(plan, units_after=other_units)),
             draw(_chosen(plan), units=moved), draw(_chosen(plan), provinces=None)]
    assert not any(f.fits(plan, ds.units, ds.provinces) for f in wrong)
    fresh = write_report(plan, tmp_path / "fresh.html", units=ds.units, provinces=ds.provinces).read_bytes()
    for i, f in enumerate(wrong):
        again = write_report(plan, tmp_path / f"{i}.html", units=ds.units, provinces=ds.provinces, figures=f)
        assert again.read_bytes() == fresh


@pytest.mark.parametrize("fits", [True, False], ids=["figures-fit", "figures-drawn-again"])
def test_an_early_worker_draws_the_figures_once_from_the_chosen_transfers(tmp_path, plan_and_data, monkeypatch, fits):
    """Given the chosen transfers, the worker draws the figures then; given the plan, it uses
    them (drawn once, by the worker) — or, when they do not fit it, draws them again; either way
    the report has the bytes of the one-process write."""
    import optimizer.output.report as report
    plan, ds = plan_and_data
    log = tmp_path / "figures-by"
    real = report.draw_figures

    def counted(*a, **k):
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*a, **k)
    monkeypatch.setattr(report, "draw_figures", counted)
    units_after = plan.units_after.copy()
    if not fits:
        units_after.loc[units_after.index[0], "shortage_after"] += 1
    with report_worker() as worker:
        worker.send_chosen(plan.transfers, units_after, plan.scenario, ds.units, ds.provinces)
        write_outputs(plan, tmp_path / "two", units=ds.units, provinces=ds.provinces, worker=worker)
        pid = str(worker.pid)
    drawn_by = log.read_text().split()
    assert drawn_by == ([pid] if fits else [pid, pid])
    write_outputs(plan, tmp_path / "one", units=ds.units, provinces=ds.provinces, parallel=False)
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")


def test_figures_sent_to_a_worker_that_died_fail_the_write(tmp_path, plan_and_data, monkeypatch):
    plan, ds = plan_and_data
    monkeypatch.setattr(outputs, "_draw", quick_draw)
    previous = signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        with report_worker() as worker:
            os.kill(worker.pid, signal.SIGKILL)
            os.waitid(os.P_PID, worker.pid, os.WEXITED | os.WNOWAIT)   # dead (not yet reaped)
            worker.send_chosen(plan.transfers, plan.units_after, plan.scenario, ds.units, ds.provinces)
            with pytest.raises(ReportWorkerError, match="killed by SIGKILL"):
                write_outputs(plan, tmp_path / "out", units=ds.units, provinces=ds.provinces, worker=worker)
    finally:
        signal.signal(signal.SIGPIPE, previous)


def test_a_second_early_worker_does_not_keep_the_first_ones_pipes_open(tmp_path, plan_and_data, monkeypatch):
    """A process forked while an early worker lives (here a second worker) closes its copies of
    that worker's pipe ends (`os.register_at_fork`): else the first worker's queue would never
    end and the write would wait for ever (this test fails by SIGALRM in 60 s)."""
    plan, ds = plan_and_data
    monkeypatch.setattr(outputs, "_draw", quick_draw)

    def too_long(signum, frame):
        raise TimeoutError("the write waits on a pipe end the second worker holds")
    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(60)
    try:
        with report_worker() as first, report_worker() as second:
            write_outputs(plan, tmp_path / "out", units=ds.units, provinces=ds.provinces, worker=first)
            pids = first.pid, second.pid
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert (tmp_path / "out" / "report.html").read_text() == "report"
    assert not any(alive(p) for p in pids)


def test_a_plan_that_cannot_be_pickled_is_written_here(tmp_path, plan_and_data, monkeypatch):
    """The early worker needs the plan pickled; a plan that cannot be (a future field) is written
    in this process instead, with the same bytes, and the worker is stopped."""
    plan, ds = plan_and_data
    real = outputs.pickle.dumps

    def dumps(obj, *a, **k):
        if isinstance(obj, tuple) and obj and obj[0] == "plan":
            raise TypeError("cannot pickle this plan")
        return real(obj, *a, **k)
    monkeypatch.setattr(outputs.pickle, "dumps", dumps)
    with report_worker() as worker:
        written = write_outputs(plan, tmp_path / "here", units=ds.units, provinces=ds.provinces, worker=worker)
        pid = worker.pid
    assert not alive(pid) and written[-1].name == "report.html"
    monkeypatch.undo()
    write_outputs(plan, tmp_path / "one", units=ds.units, provinces=ds.provinces, parallel=False)
    assert snapshot(tmp_path / "here") == snapshot(tmp_path / "one")


@pytest.mark.parametrize("grace", [True, False], ids=["left-to-finish", "killed-at-once"])
def test_an_unused_early_worker_finishes_importing_before_it_is_killed(tmp_path, monkeypatch, grace):
    """A worker never given the plan (the dataset was bad) is killed only once it has imported
    matplotlib — a first import writes the font cache, which a kill would leave locked — here an
    import that takes 0.5 s and then leaves a mark; `abandon()` without grace kills at once."""
    mark = tmp_path / "imported"

    def slow_import():
        time.sleep(0.5)
        mark.write_text("done")
    monkeypatch.setattr(outputs, "_import_report", slow_import)
    with report_worker() as worker:
        if not grace:
            worker.abandon()
        pid = worker.pid
    assert not alive(pid)
    assert mark.exists() == grace
