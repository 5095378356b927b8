"""Whole-or-nothing output folders (docs/contract.md §5): a plan is written whole or not at all.

    with staged_output(out_dir) as folder:      # a fresh temporary folder beside out_dir
        write_plan(plan, folder)                # write every file there
    # here out_dir holds exactly the files just written (the previous folder is gone)

How. The files are written into a temporary folder created beside `out_dir` (same parent, so
the same filesystem and `rename` is atomic). When the block ends normally every file and the
folder are fsync'ed, then, with SIGINT/SIGTERM/SIGHUP held back, the old folder is renamed
aside, the new one renamed in, the parent folder fsync'ed and the old one removed. A signal
that arrives during those few renames is delivered after them, with its usual effect.

While the block runs, SIGTERM and SIGHUP (a scheduler's timeout, a closed SSH session) and
SIGINT (Ctrl-C) raise `WriteAborted` (a `BaseException`, so no `except Exception` of a writer
swallows it): the temporary folder is removed and `out_dir` is left as it was. A run killed
at any moment therefore leaves the previous complete folder, or nothing — never a mixture.
(SIGKILL cannot be caught: it can leave a `.<name>.staging-*` folder beside `out_dir`, never a
mixed `out_dir`; and killed between the two renames, `out_dir` is absent and the previous plan
is beside it, inside `.<name>.previous-*/`.)

No stale files. The whole folder is replaced, so files of an earlier run that this run does
not write do not survive it.

Which folders may be replaced (`check_output_folder`), the rule: `out_dir` may be
  * a path that does not exist yet (its parents are created), or
  * an empty folder, or
  * a folder that holds only regular files whose names are in `OUTPUT_NAMES` (files the
    project's commands write: an earlier plan, postings, comparison or roadmap).
Anything else — a file, a folder with a sub-folder or with any other file (a planner's own
notes, a dataset, a Documents folder) — is refused with `OutputFolderError` before anything is
written or removed; the command line turns it into exit code 2 and one message.

Signal handlers can only be installed from the main thread; elsewhere (a notebook's worker
thread) the folder is still staged and swapped, only the handlers are skipped.
"""
from __future__ import annotations

import os
import shutil
import signal
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["staged_output", "check_output_folder", "OutputFolderError", "WriteAborted", "OUTPUT_NAMES",
           "CAUGHT_SIGNALS"]

#: Every file name a command of the project writes into its --out folder (docs/contract.md §3, §7, §9).
OUTPUT_NAMES: frozenset[str] = frozenset({
    # solve
    "transfers.csv", "units_after.csv", "summary.json", "postings.csv", "plan.xlsx", "report.html",
    "unfilled.csv", "surplus_left.csv", "sensitivity.csv", "changes.csv",
    # officers
    "postings.xlsx",
    # compare
    "comparison.csv", "comparison.xlsx",
    # roadmap
    "actions.csv", "units_by_year.csv", "roadmap.xlsx",
})

#: The signals that abort a staged write cleanly (those that exist on this platform).
CAUGHT_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

_STAGING = ".staging-"
_PREVIOUS = ".previous-"


class OutputFolderError(Exception):
    """`--out` names something this run must not replace; the message says what and why."""


class WriteAborted(BaseException):
    """A signal arrived while the files were being written; nothing was put in place."""

    def __init__(self, signum: int):
        self.signum = int(signum)
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number."""
        return 128 + self.signum


def check_output_folder(out_dir: str | os.PathLike, also: Iterable[str] = ()) -> Path:
    """`out_dir` as an absolute path, if this run may replace it (see the module docstring);
    else `OutputFolderError`. `also`: more file names the caller writes."""
    out = Path(out_dir).expanduser().resolve()
    if not out.exists():
        if out.is_symlink():
            raise OutputFolderError(f"--out {out_dir}: a broken symbolic link; give a folder path")
        return out
    if not out.is_dir():
        raise OutputFolderError(f"--out {out_dir}: is a file, not a folder; give a folder for the outputs")
    cwd = Path.cwd().resolve()
    if out == cwd or out in cwd.parents:
        raise OutputFolderError(f"--out {out_dir}: is the current folder (or holds it); give a sub-folder, "
                                "e.g. --out plan")
    names = OUTPUT_NAMES | set(also)
    foreign = sorted(p.name + ("/" if p.is_dir() else "") for p in out.iterdir()
                     if p.is_symlink() or not p.is_file() or p.name not in names)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputFolderError(
            f"--out {out_dir}: the folder holds {shown}, which no staffing command writes; the whole "
            "folder is replaced by the new outputs, so it must be new, empty or an earlier output "
            "folder. Give another --out, or move those files away.")
    return out


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:            # a platform that cannot open folders (Windows): nothing to sync
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for root, dirs, files in os.walk(folder):
        for name in files:
            _fsync_path(Path(root) / name)
        for name in dirs:
            _fsync_path(Path(root) / name, directory=True)
    _fsync_path(folder, directory=True)


class _Signals:
    """While active (main thread only): SIGINT/SIGTERM/SIGHUP raise `WriteAborted`, or, once
    `defer()` is called, are only recorded; `deliver()` sends the recorded ones again after the
    usual handlers are back. Python runs signal handlers in the main thread whichever thread the
    signal hit, so this holds in a process with other threads too (a progress display, a solver's
    pool), where blocking the signal in one thread would not."""

    def __init__(self) -> None:
        self.deferring = False
        self.pending: list[int] = []
        self.previous: dict[int, object] = {}

    def _handle(self, signum, frame) -> None:
        if self.deferring:
            self.pending.append(signum)
        else:
            raise WriteAborted(signum)

    def __enter__(self) -> "_Signals":
        if threading.current_thread() is threading.main_thread():
            self.previous = {s: signal.signal(s, self._handle) for s in CAUGHT_SIGNALS}
        return self

    def defer(self) -> None:
        self.deferring = True

    def __exit__(self, *exc) -> None:
        for s, handler in self.previous.items():
            signal.signal(s, handler)

    def deliver(self) -> None:
        for s in dict.fromkeys(self.pending):
            signal.raise_signal(s)


def _fresh_folder(beside: Path, kind: str) -> Path:
    """A new hidden folder beside `beside` (same parent), with the usual permissions (umask),
    not mkdtemp's 0700: the output folder a planner gets is the one made here."""
    for _ in range(100):
        path = beside.parent / f".{beside.name}{kind}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot make a temporary folder beside {beside}")


def _swap_in(new: Path, out: Path) -> None:
    """Put `new` at `out`, removing what was there (held against signals by the caller)."""
    previous = None
    if out.exists():
        previous = _fresh_folder(out, _PREVIOUS)
        os.rename(out, previous / out.name)      # rename aside (inside a fresh hidden folder)
    os.rename(new, out)
    _fsync_path(out.parent, directory=True)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def staged_output(out_dir: str | os.PathLike, also: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a fresh temporary folder beside `out_dir`; on success it replaces `out_dir` whole.

    Raises `OutputFolderError` (before anything is written) when `out_dir` may not be replaced,
    `WriteAborted` when SIGINT/SIGTERM/SIGHUP arrive during the block (the temporary folder is
    removed, `out_dir` is untouched). Any other error in the block also leaves `out_dir` as it
    was. `also`: file names the caller writes beyond `OUTPUT_NAMES`.
    """
    out = check_output_folder(out_dir, also)
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = _fresh_folder(out, _STAGING)
    try:
        with _Signals() as signals:
            yield folder
            _fsync_tree(folder)
            check_output_folder(out, also)           # nothing foreign appeared meanwhile
            signals.defer()                          # from here on a signal waits for the swap
            _swap_in(folder, out)
        signals.deliver()                            # the usual handlers again: end as asked
    finally:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
