"""Reading and writing datasets: a folder of `<table>.csv` files, or one `.xlsx` workbook.

Every cell is read as text (codes keep their leading zeros), NFC-normalised and stripped,
column names too; then `models.validation` checks it and types it. Row numbers are the
planner's: the header is row 1 and the first data row is row 2, in CSV and Excel alike
(blank rows count, as they do on screen, and are then dropped); title rows above the
header move both down (`models.sheet_layout`).

CSV files: `models.csv_read` (the `;` separator of a Vietnamese-locale Excel, unbalanced
quotes). Workbooks: `models.workbook_read` (python-calamine, after `models.workbook_guard`
has refused bombs), then `models.sheet_text` (cells to text, codes stored as numbers,
merged cells, formulas without a saved value).

Nothing here writes to an input file. The writers produce files that read back into an
equal `Dataset` (`Dataset.equals`).

The dataset's label (`Dataset.note`) comes from `ABOUT.txt` in the folder (its first
paragraph, on one line; the whole text is kept in `Dataset.meta["about"]`), or `about.toml`
(key `note`), or the first cell of a sheet named `about` in a workbook.
"""
from __future__ import annotations

import contextlib
import gc
import math
import os
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from models.csv_read import read_csv_table
from models.dataset import TABLE_NAMES, Dataset
from models.sheet_layout import code_columns, decimal_comma, required_names, text_frame
from models.tabular import Column as TabularColumn
from models.sheet_text import sheet_frame
from models.tables import REQUIRED_TABLES, TABLES, columns, normalise_text
from models.validation import ROW_COLUMN, DatasetError, Problem, empty_table, validate_tables
from models.workbook import Workbook, zip_day
from models.workbook_read import WorkbookRefused, cell_text, read_sheets

__all__ = ["read_dataset", "dataset_from_rows", "write_csv_folder", "write_xlsx",
           "default_dataset_path", "DATASET_ENV"]

DATASET_ENV = "STAFFING_DATASET"
_WHOLE = "dataset"   # the `table` of problems about the dataset as a whole


def _fail(value: object, message: str) -> DatasetError:
    return DatasetError([Problem(_WHOLE, None, None, str(value), message)], source=value)


# --------------------------------------------------------------------------- reading


def default_dataset_path() -> Path:
    """`$STAFFING_DATASET` if set, else the national dataset shipped in `<repo>/data/national`."""
    env = os.environ.get(DATASET_ENV, "").strip()
    path = Path(env) if env else Path(__file__).resolve().parent.parent / "data" / "national"
    if not path.exists():
        how = f"${DATASET_ENV} points to it" if env else "it is the default dataset"
        raise _fail(path, f"the dataset is not there ({how}); give a DATASET path "
                          f"or set {DATASET_ENV}")
    return path


def read_dataset(path: str | os.PathLike, need: Sequence[str] = REQUIRED_TABLES) -> Dataset:
    """Read and validate a dataset (a folder of CSV files or one .xlsx workbook).

    `need`: the tables that must be there (the five of docs/contract.md §1 by default); a required
    table of §1 that is absent and not needed reads as an empty table (`staffing officers` needs
    only provinces, officers and province_needs: docs/contract.md §4).
    Raises `DatasetError` listing every problem; never changes the input.
    """
    path = Path(path)
    if not path.exists():
        raise _fail(path, "no such file or folder")
    if path.is_dir():
        frames, problems, expected, note, about, marks = _read_folder(path)
    elif path.suffix.lower() == ".xlsx":
        frames, problems, expected, note, about, marks = _read_workbook(path)
    elif path.suffix.lower() == ".csv":
        raise _fail(path, f"not a dataset: give the folder that holds the CSV tables ({path.parent}), "
                          "not one of its files")
    else:
        raise _fail(path, "not a dataset: give a folder of CSV tables or an .xlsx workbook")
    typed = validate_tables(frames, problems=problems, expected=expected, source=path, required=need,
                            **marks)
    for table in REQUIRED_TABLES:
        if table not in typed:
            typed[table] = empty_table(table)
    return Dataset(**typed, source=path, note=note, meta={"about": about} if about else {})


def dataset_from_rows(tables: Mapping[str, Sequence[Sequence[Any]]], *, note: str = "",
                      source: Path | None = None) -> Dataset:
    """A validated Dataset from in-memory rows: table name → rows, the header row first.

    Cells are turned into text with `str()` (None → empty), then read exactly like a CSV
    cell. Handy for tests and notebooks; raises `DatasetError` like `read_dataset`.
    """
    frames = {}
    for name, rows in tables.items():
        rows = [["" if c is None else unicodedata.normalize("NFC", str(c)) for c in r] for r in rows]
        frames[name] = text_frame(rows[0] if rows else [], rows[1:])
    typed = validate_tables(frames, source=source)
    return Dataset(**typed, source=source, note=note)


def _csv_table(table: str, path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One CSV table → its text frame (title rows skipped, a decimal comma read), or a problem."""
    try:
        read = read_csv_table(path, required_names(table))
    except ValueError as e:
        return None, [Problem(table, None, None, None, f"{path.name}: {e}")]
    frame = text_frame(read.header, read.body, first_row=read.first_row)
    if read.separator == ";":
        frame = decimal_comma(table, frame)
    return frame, []


def _match(names: Sequence[str]) -> tuple[dict[str, str], list[Problem]]:
    """File or sheet names → table names (case-insensitive), and problems of doubles."""
    found: dict[str, str] = {}
    problems = []
    for name in names:
        table = normalise_text(name).casefold()
        if table in TABLE_NAMES:
            if table in found:
                problems.append(Problem(table, None, None, None,
                                        f"given twice: {found[table]!r} and {name!r}"))
            else:
                found[table] = name
    return found, problems


def _about_folder(folder: Path) -> str:
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.name.casefold() == "about.txt":
            return unicodedata.normalize("NFC", p.read_text(encoding="utf-8-sig", errors="replace")).strip()
        if p.is_file() and p.name.casefold() == "about.toml":
            try:
                data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                return ""
            return unicodedata.normalize("NFC", str(data.get("note", ""))).strip()
    return ""


def _first_paragraph(about: str) -> str:
    return " ".join(about.split("\n\n", 1)[0].split())


def _read_folder(folder: Path):
    csvs = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not csvs:
        books = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".xlsx")
        raise _fail(folder, "the folder holds no .csv table; expected "
                            + ", ".join(f"{t}.csv" for t in TABLE_NAMES[:5]) + " (and optionally "
                            + ", ".join(f"{t}.csv" for t in TABLE_NAMES[5:]) + ")"
                            + (f"; to read a workbook give its path ({books[0]})" if books else ""))
    by_stem = {p.stem: p for p in csvs}
    found, problems = _match(list(by_stem))
    frames: dict[str, pd.DataFrame | None] = {}
    for table, stem in found.items():
        frames[table], found_problems = _csv_table(table, by_stem[stem])
        problems += found_problems
    others = [p.name for p in csvs if p.stem not in found.values()]
    if others and any(t not in found for t in TABLE_NAMES[:5]):
        problems.append(Problem(_WHOLE, None, None, None,
                                "files not used (not a table name): " + ", ".join(others)))
    about = _about_folder(folder)
    return frames, problems, lambda t: f"{t}.csv in {folder}", _first_paragraph(about), about, {}


def _about_sheet(names: Sequence[str]) -> str | None:
    return next((s for s in names if s.strip().casefold() == "about"), None)


def _sheets_to_read(names: list[str]) -> list[str]:
    """The sheets a dataset reads: those named like a table, and `about`."""
    about = _about_sheet(names)
    return list(_match(names)[0].values()) + ([about] if about is not None else [])


@contextlib.contextmanager
def no_gc():
    """The cyclic garbage collector paused: a big sheet makes millions of small objects, none
    in a cycle, and the collector's passes over them cost as much as the reading."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_workbook(path: Path):
    try:
        with no_gc():
            names, sheets = read_sheets(path, _sheets_to_read)
    except WorkbookRefused as e:
        raise _fail(path.name, str(e)) from None
    found, problems = _match(names)
    frames: dict[str, pd.DataFrame | None] = {}
    broken, covered = set(), set()
    for table, sheet_name in found.items():
        with no_gc():
            read = sheet_frame(table, sheet_name, sheets.pop(sheet_name))
        frames[table] = read.frame
        problems += read.problems
        broken |= {(table, c) for c in read.broken}
        covered |= {(table, r, c) for r, c in read.covered}
    about = ""
    about_sheet = _about_sheet(names)
    if about_sheet is not None:
        rows = sheets[about_sheet].rows
        about = normalise_text(cell_text(rows[0][0]) if rows and rows[0] else "")
    others = [s for s in names if s not in found.values() and s.strip().casefold() != "about"]
    if others and any(t not in found for t in TABLE_NAMES[:5]):
        problems.append(Problem(_WHOLE, None, None, None,
                                "sheets not used (not a table name): " + ", ".join(others)))
    marks = {"broken": broken, "covered": covered}
    return frames, problems, lambda t: f"a sheet named {t} in {path.name}", _first_paragraph(about), about, marks


# --------------------------------------------------------------------------- writing


def _export_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != ROW_COLUMN]


def _text_columns(name: str, frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Contract columns + extras as text: dates YYYY-MM-DD, booleans true/false, floats exact."""
    kinds = {c.name: c.kind for c in columns(TABLES[name])}
    out = {}
    for col in _export_columns(frame):
        s = frame[col]
        kind = kinds.get(col, "text")
        if kind == "number":
            s = s.map(lambda v: "" if math.isnan(v) else repr(float(v)))
        elif kind == "whole":
            s = s.map(lambda v: str(int(v)))
        elif kind == "bool":
            s = s.map({True: "true", False: "false"})
        elif kind == "date":
            s = s.dt.strftime("%Y-%m-%d").fillna("")
        out[col] = s.astype(str)
    return out


def _refuse_source(ds: Dataset, target: Path) -> None:
    if ds.source is not None and Path(ds.source).resolve() == target.resolve():
        raise ValueError(f"refusing to write over the dataset's own input: {target}")


def write_csv_folder(ds: Dataset, folder: str | os.PathLike) -> Path:
    """Write every table present as `<table>.csv` (UTF-8, no BOM) and the note as ABOUT.txt."""
    folder = Path(folder)
    _refuse_source(ds, folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in ds.tables().items():
        pd.DataFrame(_text_columns(name, frame)).to_csv(
            folder / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
    about = ds.meta.get("about") or ds.note
    if about:
        (folder / "ABOUT.txt").write_text(about + "\n", encoding="utf-8")
    return folder


def write_xlsx(ds: Dataset, path: str | os.PathLike) -> Path:
    """Write every table present as a sheet of one workbook (and the note in sheet `about`).

    Through the project's streaming writer (`models.workbook`): whole numbers and numbers are
    number cells (written with all the digits a float needs: they read back equal), booleans
    boolean cells, dates text `YYYY-MM-DD`, codes text cells formatted as text (`00004` stays
    `00004`, and a planner typing in the column keeps text), all other cells text cells (a
    name starting with "=" stays text: a shared-string cell is never a formula).
    """
    path = Path(path)
    _refuse_source(ds, path)
    book = Workbook("", zip_day(None))
    if ds.note:
        book.add_rows("about", [[(ds.meta.get("about") or ds.note, 0)]], [100.0])
    for name, frame in ds.tables().items():
        kinds = {c.name: c.kind for c in columns(TABLES[name])}
        codes = code_columns(name)
        cols = [_workbook_column(col, kinds.get(col, "text"), col in codes, frame[col])
                for col in _export_columns(frame)]
        book.add_table(name, cols, {c.name: c.name for c in cols})
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _workbook_column(name: str, kind: str, code: bool, s: pd.Series) -> TabularColumn:
    if kind == "number":
        return TabularColumn(name, "number", [None if math.isnan(v) else repr(float(v)) for v in s.tolist()])
    if kind == "whole":
        return TabularColumn(name, "number", [str(int(v)) for v in s.tolist()])
    if kind == "bool":
        return TabularColumn(name, "bool", [bool(v) for v in s.tolist()])
    if kind == "date":
        return TabularColumn(name, "text", s.dt.strftime("%Y-%m-%d").fillna("").tolist())
    return TabularColumn(name, "code" if code else "text", s.astype(str).tolist())
