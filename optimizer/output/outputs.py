"""The files of `staffing solve --out`, written on two cores: a forked worker process draws
report.html while this process writes summary.json and plan.xlsx; the CSV files go to whichever
of the two is free first.

    with staged_output(out) as folder:
        written = write_outputs(plan, folder, report=True, units=ds.units, provinces=ds.provinces)

Why. On the national plan, drawing the report (importing matplotlib, four figures) and writing
plan.xlsx take about as long each, the CSV files a fraction of that, and none needs another: they
read the finished `Plan` and the tables `plan_files.plan_writes` prepares once (for the CSV files
and the workbook alike). A child forked here has all of it already (no pickling, no second
start-up of Python), so the two sides run side by side (benchmarks/README.md, "solve / validate").

`staffing solve --out` goes further: `report_worker` forks the worker before the dataset is
read, so that it imports matplotlib while this process reads and solves; `optimizer.plan.solve`
hands it the chosen transfers and units after (``on_chosen``, `ReportWorker.send_chosen`) as
soon as they exist, so that it draws the four figures (most of the report's time) while this
process audits, explains and posts the officers; the finished plan follows, and the report is
written with those figures when they fit it (`optimizer.output.report.Figures.fits`), else they
are drawn again. Each message goes down a pipe as a pickled frame (national plan: 21 MB, 0.06 s
each way), written by a thread while this process goes on. The CSV
files are a queue both sides take from when done with their own file: one byte per file in a
pipe filled (and its writing end closed) before the fork; a read of one byte is atomic, so each
file is taken by exactly one side, and an empty pipe reads as the end. Every file has the bytes
it has when written in one process, whichever side wrote it.

Whole or nothing (docs/contract.md §5) still holds, because both write into the same staging
folder of `optimizer.output.staging.staged_output`, and this function returns only when both
have finished:

* the worker fails (an exception, or it is killed): `ReportWorkerError` is raised here after this
  process's own files are written, so `staged_output` removes the staging folder and `--out`
  stays as it was;
* this process fails, or SIGINT/SIGTERM/SIGHUP arrives (`WriteAborted`): the worker is killed and
  reaped before the error goes on, so no process is left writing into a removed folder.

The child runs no `finally` block or exit handler of its parent's stack (it leaves by `os._exit`),
takes the default action on SIGINT/SIGTERM/SIGHUP (it dies with the parent's process group on a
Ctrl-C), and writes only files of this plan. Without `os.fork` (Windows), with ``parallel=False``
or without the report, everything is written here, one file after the other, as before.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from optimizer.output.plan_files import plan_writes, write_plan
from optimizer.output.staging import CAUGHT_SIGNALS
from optimizer.summary import fill_rate_of

__all__ = ["write_outputs", "report_worker", "ReportWorker", "ReportWorkerError", "REPORT_NAME", "can_fork",
           "shared"]

REPORT_NAME = "report.html"
#: The longest message the worker sends back about its failure (bytes).
_MESSAGE_MAX = 4000


class ReportWorkerError(RuntimeError):
    """The worker (CSV files, report.html) failed; nothing of this run is put in place."""


def can_fork() -> bool:
    return hasattr(os, "fork")


def _draw(plan, path: Path, units, provinces, figures=None) -> Path:
    # imported here on purpose: matplotlib (≈ 0.5–0.8 s) only when a report is drawn — in the
    # worker, so the import too runs beside the plan's files
    from optimizer.output.report import write_report
    return write_report(plan, path, units=units, provinces=provinces, figures=figures)


def _draw_figures(chosen, units, provinces):
    from optimizer.output.report import draw_figures
    return draw_figures(chosen, units=units, provinces=provinces)


def shared(path: Path) -> bool:
    """The plan's files either side may write (a queue): the CSV files. summary.json and
    plan.xlsx are this process's, report.html the worker's."""
    return path.suffix == ".csv"


def _take_from(queue: int, writes) -> None:
    """Write the files of the queue (one byte = the index of a file) until it is empty.
    ``writes``: `plan_writes`' list, or a function making it (called at the first file taken)."""
    while (taken := os.read(queue, 1)):
        if callable(writes):
            writes = writes()
        writes[taken[0]][1]()


class _Held:
    """SIGINT/SIGTERM/SIGHUP recorded, not acted on, from just before the fork until each side is
    ready (main thread only, as for `staged_output`): a signal cannot then raise in the child on
    its parent's stack, nor in the parent before it can stop the worker. `release` puts the
    handlers back (or ``handler`` for each) and sends the recorded signals again."""

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.previous: dict[int, object] = {}
        if threading.current_thread() is threading.main_thread():
            self.previous = {s: signal.signal(s, self._record) for s in CAUGHT_SIGNALS}

    def _record(self, signum, frame) -> None:
        self.pending.append(signum)

    def release(self, handler=None) -> None:
        previous, self.previous = self.previous, {}
        for s, h in previous.items():
            signal.signal(s, h if handler is None else handler)
        for s in dict.fromkeys(self.pending):
            signal.raise_signal(s)


def _own_streams() -> None:
    # own text streams: the parent's may be a progress display's proxies whose locks another
    # thread held at the fork (a warning printed here would then wait for ever)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)


def _fail(wfd: int, e: BaseException) -> None:
    text = "".join(traceback.format_exception_only(type(e), e)).strip() or type(e).__name__
    try:
        os.write(wfd, text.encode("utf-8", "replace")[:_MESSAGE_MAX])
    except OSError:
        pass


def _child(plan, path: Path, units, provinces, queue: int, writes, wfd: int, held: _Held) -> None:
    """The worker's whole life: draw, then take from the queue, report failure on `wfd`, leave
    by `os._exit`."""
    code = 1
    try:
        held.release(signal.SIG_DFL)                 # a signal from now on (or held) ends the worker
        _own_streams()
        _draw(plan, path, units, provinces)
        _take_from(queue, writes)
        code = 0
    except BaseException as e:   # noqa: BLE001 — everything goes back to the parent as text
        _fail(wfd, e)
    finally:
        os._exit(code)


def _import_report() -> None:
    try:
        import optimizer.output.report  # noqa: F401 — the import is the point; `_draw` reports its failure
    except Exception:   # noqa: BLE001
        pass


def _warm_child(data: int, queue: int, wfd: int, ready: int, held: _Held) -> None:
    """The life of a worker forked before the plan exists (`report_worker`): import the report's
    modules (matplotlib) while the parent reads and solves; draw the figures when the chosen
    transfers arrive (`ReportWorker.send_chosen`, while the parent audits and explains); then,
    when the finished plan arrives, write report.html (with those figures if they fit it, else
    drawn again) and take from the queue. Messages on `data` are pickled frames; its end before
    the plan (the plan never came) ends the worker quietly."""
    code = 1
    try:
        held.release(signal.SIG_DFL)
        _own_streams()
        _import_report()
        os.close(ready)                              # imported: killing it now harms nothing
        figures = None
        while (frame := _read_frame(data)) is not None:
            kind, body = pickle.loads(frame)
            del frame
            if kind == "chosen":
                chosen, units, provinces = body
                try:
                    figures = _draw_figures(chosen, units, provinces)
                except Exception:   # noqa: BLE001 — drawn again with the plan, which reports the error
                    figures = None
                continue
            plan, path, units, provinces, folder = body
            _draw(plan, path, units, provinces, figures=figures)
            _take_from(queue, lambda: plan_writes(plan, folder))
            break
        code = 0
    except BaseException as e:   # noqa: BLE001
        _fail(wfd, e)
    finally:
        os._exit(code)


_HEADER = 8          # bytes of a frame's length


def _read_exactly(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int) -> bytes | None:
    """One frame (its length in 8 bytes, then its bytes), or None at the end of the pipe."""
    head = _read_exactly(fd, _HEADER)
    return None if head is None else _read_exactly(fd, int.from_bytes(head, "big"))


def _read_bytes(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _read_all(fd: int) -> str:
    return _read_bytes(fd).decode("utf-8", "replace")


def _stop(pid: int) -> None:
    """Kill the worker (if still running) and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


#: The longest an unused early worker may take to finish importing matplotlib before it is killed
#: (seconds; a first import on a new machine builds the font cache).
_IMPORT_GRACE = 10.0

#: The early workers alive in this process: a process forked meanwhile (another worker, a pool)
#: must not hold their pipes' ends open, or a worker would never see the end of its pipe.
_LIVE: set = set()


def _close_inherited() -> None:
    """In a child just forked: close its copies of the live workers' pipe ends."""
    for worker in list(_LIVE):
        worker.closed()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited)


class ReportWorker:
    """A report worker forked early (`report_worker`): its pid, the pipe the plan goes down (in
    pickled frames, each written by a thread while this process goes on), the CSV queue (both
    ends; the parent fills and closes the writing end when the plan's files are known) and the
    pipe its failure comes back on."""

    def __init__(self, pid: int, data: int, queue: int, fill: int, rfd: int, ready: int) -> None:
        self.pid, self.data, self.queue, self.fill, self.rfd = pid, data, queue, fill, rfd
        self.ready = ready                           # reads its end once the worker has imported
        self.used = False
        self.stopped = False                         # killed and reaped by `abandon`
        self.failed: list[OSError] = []
        self._sender: threading.Thread | None = None

    def send_chosen(self, transfers: pd.DataFrame, units_after: pd.DataFrame, scenario, units, provinces) -> None:
        """The plan's transfers and units after, as soon as they are chosen (`optimizer.plan.solve`'s
        ``on_chosen``): the worker draws the report's figures while this process audits and
        explains. Figures that do not fit the finished plan are drawn again (`Figures.fits`)."""
        chosen = SimpleNamespace(transfers=transfers, units_after=units_after, scenario=scenario,
                                 summary={"fill_rate": fill_rate_of(units_after)})
        try:
            self._send(("chosen", (chosen, units, provinces)), last=False)
        except Exception:   # noqa: BLE001 — only a head start: the figures are then drawn with the plan
            pass

    def _send(self, message, *, last: bool) -> None:
        self._send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL), last=last)

    def _send_bytes(self, payload: bytes, *, last: bool) -> None:
        self.join()                                  # frames go down the pipe in order
        if self.data < 0:
            raise ValueError("the report worker has already been sent the plan")
        fd = self.data
        if last:
            self.data = -1                           # the sender closes it
        self._sender = threading.Thread(target=_send, args=(fd, payload, self.failed, last), daemon=True)
        self._sender.start()

    def join(self) -> None:
        if self._sender is not None:
            self._sender.join()
            self._sender = None

    def abandon(self, grace: float = 0.0) -> None:
        """Kill and reap the worker, then close this side's pipes. With ``grace`` (a worker never
        sent the plan), a worker still importing matplotlib gets that long to finish first: a
        first import on a new machine writes matplotlib's font cache, which a kill would leave
        locked and half written for every later run."""
        if self.stopped:                             # reaped already: its pid may be another's now
            return
        if grace > 0 and self.ready >= 0:
            select.select([self.ready], [], [], grace)   # readable once imported (or dead)
        _stop(self.pid)
        self.stopped = True
        self.join()                                  # a write to the dead worker ends (EPIPE)
        self.closed()

    def closed(self) -> None:
        """This side's pipes closed (those still open): the worker is done with."""
        for fd in (self.data, self.fill, self.queue, self.rfd, self.ready):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.data = self.fill = self.queue = self.rfd = self.ready = -1
        _LIVE.discard(self)


@contextmanager
def report_worker(enabled: bool = True):
    """A worker for `write_outputs` forked now — before the dataset is read — so that importing
    matplotlib runs beside reading and solving, and drawing the figures (given the chosen
    transfers by `ReportWorker.send_chosen`) beside the audit and the explanations, instead of
    after them. Yields the `ReportWorker` to pass as ``write_outputs(worker=)``, or None when not
    ``enabled`` or without `os.fork`. A worker the plan never reached (a bad dataset, an audit
    failure, Ctrl-C) is killed and reaped on leaving; it has written nothing."""
    if not (enabled and can_fork()):
        yield None
        return
    fds: list[int] = []
    held = _Held()
    try:
        data_r, data_w = os.pipe()
        queue, fill = os.pipe()
        rfd, wfd = os.pipe()
        ready_r, ready_w = os.pipe()
        fds = [data_r, data_w, queue, fill, rfd, wfd, ready_r, ready_w]
        pid = os.fork()
    except BaseException:
        for fd in fds:
            os.close(fd)
        held.release()
        raise
    if pid == 0:                                     # the worker
        for fd in (data_w, fill, rfd, ready_r):
            os.close(fd)
        _warm_child(data_r, queue, wfd, ready_w, held)   # never returns
    os.close(data_r), os.close(wfd), os.close(ready_w)
    worker = ReportWorker(pid, data_w, queue, fill, rfd, ready_r)
    _LIVE.add(worker)
    try:
        held.release()
        yield worker
    finally:
        if not worker.used:                          # never given the plan: stop it
            worker.abandon(grace=_IMPORT_GRACE)
        else:
            worker.closed()


def _send(fd: int, payload: bytes, failed: list, last: bool) -> None:
    """Write one frame (``payload`` with its length) to ``fd``, and close it if ``last`` (a
    thread: the worker reads while this process goes on); a worker that is gone (EPIPE) is
    recorded in ``failed`` and left to `write_outputs`."""
    try:
        if hasattr(signal, "SIGPIPE"):   # the CLI takes SIGPIPE's default action (death): EPIPE instead
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPIPE})
        for part in ([len(payload).to_bytes(_HEADER, "big"), payload] if not failed else []):
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view):]
    except OSError as e:
        failed.append(e)
    finally:
        if last:
            os.close(fd)


def write_outputs(plan, folder: Path | str, *, report: bool = True, units: pd.DataFrame | None = None,
                  provinces: pd.DataFrame | None = None, parallel: bool | None = None,
                  worker: ReportWorker | None = None) -> list[Path]:
    """`write_plan`'s files and (with `report`) report.html into `folder`; their paths, the
    report last. ``parallel`` (default: when `os.fork` exists) draws the report in a forked worker
    meanwhile, the CSV files shared out; a failure of either side raises (module docstring).
    Without a report everything is written here: plan.xlsx already compresses on a second thread,
    and a worker for the CSV files alone gained nothing measurable at k = 11.
    ``worker``: one forked earlier by `report_worker` (the plan is sent to it pickled); else the
    worker is forked here."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_NAME
    if worker is not None and (not report or worker.used):
        raise ValueError("write_outputs: a report worker draws one report, and only with report=True")
    if not report:
        return write_plan(plan, folder)
    if worker is None and not (can_fork() if parallel is None else parallel):
        written = write_plan(plan, folder)
        written.append(_draw(plan, path, units, provinces))
        return written
    if worker is not None:
        worker.used = True
        try:
            payload = pickle.dumps(("plan", (plan, path, units, provinces, folder)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:   # noqa: BLE001 — a plan that cannot be pickled: everything is written here
            worker.abandon()
            written = write_plan(plan, folder)
            written.append(_draw(plan, path, units, provinces))
            return written
        pid, queue, rfd = worker.pid, worker.queue, worker.rfd
        try:                                         # the plan goes first: the worker draws meanwhile
            worker._send_bytes(payload, last=True)
            del payload
            writes = plan_writes(plan, folder)       # the tables, prepared once
            os.write(worker.fill, bytes(i for i, (p, _) in enumerate(writes) if shared(p)))
            os.close(worker.fill)
            worker.fill = -1
        except BaseException:
            worker.abandon()
            raise
    else:
        writes = plan_writes(plan, folder)           # the tables, prepared once, before the fork
        queue, fill = os.pipe()
        try:
            os.write(fill, bytes(i for i, (p, _) in enumerate(writes) if shared(p)))   # ≤ a dozen files
        finally:
            os.close(fill)
        rfd, wfd = os.pipe()
        held = _Held()
        try:
            pid = os.fork()
        except BaseException:
            os.close(queue), os.close(rfd), os.close(wfd)
            held.release()
            raise
        if pid == 0:                                 # the worker
            os.close(rfd)
            _child(plan, path, units, provinces, queue, writes, wfd, held)   # never returns
        os.close(wfd)
    reaped = False
    try:
        if worker is None:
            held.release()                           # a signal held meanwhile acts here (WriteAborted)
        for p, write in writes:
            if not shared(p):
                write()
        _take_from(queue, writes)
        message = _read_all(rfd)                     # until the worker's end closes the pipe
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(rfd)
        os.close(queue)
        if worker is not None:
            worker.rfd = worker.queue = -1
        if not reaped:                               # this side failed or was interrupted
            _stop(pid)
        if worker is not None:
            worker.join()
            worker.closed()
    failed = worker.failed if worker is not None else []
    if os.WIFSIGNALED(status) or os.waitstatus_to_exitcode(status) != 0 or message or failed:
        names = f"{REPORT_NAME} and CSV files"
        why = (f"was killed by {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status)
               else f"failed: {message or 'exit ' + str(os.waitstatus_to_exitcode(status))}"
               if message or os.waitstatus_to_exitcode(status) != 0
               else f"did not take the plan: {failed[0]}")
        raise ReportWorkerError(f"the worker process writing {names} {why}; nothing was written")
    return [p for p, _ in writes] + [path]
