"""Reading and writing datasets: a folder of `<table>.csv` files, or one `.xlsx` workbook.

Every cell is read as text (codes keep their leading zeros), NFC-normalised and stripped,
column names too; then `models.validation` checks it and types it. Row numbers are the
planner's: the header is row 1 and the first data row is row 2, in CSV and Excel alike
(blank rows count, as they do on screen, and are then dropped).

Nothing here writes to an input file. The writers produce files that read back into an
equal `Dataset` (`Dataset.equals`).

The dataset's label (`Dataset.note`) comes from `ABOUT.txt` in the folder (its first
paragraph, on one line; the whole text is kept in `Dataset.meta["about"]`), or `about.toml`
(key `note`), or the first cell of a sheet named `about` in a workbook.
"""
from __future__ import annotations

import io as _io
import math
import os
import tomllib
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from models import xlsx
from models.dataset import TABLE_NAMES, Dataset
from models.tables import REQUIRED_TABLES, TABLES, columns, normalise_text
from models.validation import ROW_COLUMN, DatasetError, Problem, empty_table, validate_tables

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

    `need`: the tables that must be there (the five of CONTRACT.md §1 by default); a required
    table of §1 that is absent and not needed reads as an empty table (`staffing officers` needs
    only provinces, officers and province_needs: CONTRACT.md §4).
    Raises `DatasetError` listing every problem; never changes the input.
    """
    path = Path(path)
    if not path.exists():
        raise _fail(path, "no such file or folder")
    if path.is_dir():
        frames, problems, expected, note, about = _read_folder(path)
    elif path.suffix.lower() == ".xlsx":
        frames, problems, expected, note, about = _read_workbook(path)
    elif path.suffix.lower() == ".csv":
        raise _fail(path, f"not a dataset: give the folder that holds the CSV tables ({path.parent}), "
                          "not one of its files")
    else:
        raise _fail(path, "not a dataset: give a folder of CSV tables or an .xlsx workbook")
    typed = validate_tables(frames, problems=problems, expected=expected, source=path, required=need)
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
        frames[name] = _text_frame(rows[0] if rows else [], rows[1:])
    typed = validate_tables(frames, source=source)
    return Dataset(**typed, source=source, note=note)


def _text_frame(header: Sequence[str], body: pd.DataFrame | Sequence[Sequence[str]]) -> pd.DataFrame:
    """Strip every cell and name, number the rows (first data row = 2), drop blank rows.

    `body` is a text DataFrame (from the CSV parser) or rows of text (from a sheet or code);
    rows may be shorter or longer than the header (missing cells are empty).
    """
    if isinstance(body, pd.DataFrame):
        width = max(len(header), body.shape[1])
        data = {i: body.iloc[:, i].str.strip() for i in range(body.shape[1])}
        frame = pd.DataFrame(data).set_axis(pd.RangeIndex(2, 2 + len(body)))
    else:
        width = max([len(header), *map(len, body)])
        frame = pd.DataFrame([[c.strip() for c in r] + [""] * (width - len(r)) for r in body],
                             columns=range(width), index=pd.RangeIndex(2, 2 + len(body)), dtype=str)
    if width:
        frame = frame[(frame != "").any(axis=1)]
    frame.columns = [normalise_text(h) for h in header] + [""] * (width - len(header))
    return frame


def _csv_frame(path: Path) -> pd.DataFrame:
    """One CSV file as a text frame; DatasetError-ready messages as ValueError."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text (byte {e.start} cannot be read); save it as UTF-8 CSV") from None
    text = unicodedata.normalize("NFC", text)   # NFC of the whole text = NFC of every cell
    if not text.strip():
        raise ValueError("the file is empty (no header row)")
    if not text.split("\n", 1)[0].strip(', \t\r"'):
        raise ValueError("the header row (row 1) is empty")
    try:
        grid = pd.read_csv(_io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                           na_filter=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as e:
        raise ValueError(f"cannot be read as CSV: {str(e).strip()}") from None
    return _text_frame(grid.iloc[0].tolist(), grid.iloc[1:])


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
        try:
            frames[table] = _csv_frame(by_stem[stem])
        except ValueError as e:
            frames[table] = None
            problems.append(Problem(table, None, None, None, f"{by_stem[stem].name}: {e}"))
    others = [p.name for p in csvs if p.stem not in found.values()]
    if others and any(t not in found for t in TABLE_NAMES[:5]):
        problems.append(Problem(_WHOLE, None, None, None,
                                "files not used (not a table name): " + ", ".join(others)))
    about = _about_folder(folder)
    return frames, problems, lambda t: f"{t}.csv in {folder}", _first_paragraph(about), about


_cell_text = xlsx.cell_text   # an Excel cell as the text a planner sees (dates as YYYY-MM-DD, 3.0 as 3)


def _about_sheet(names: Sequence[str]) -> str | None:
    return next((s for s in names if s.strip().casefold() == "about"), None)


def _sheets_to_read(names: list[str]) -> list[str]:
    """The sheets a dataset reads: those named like a table, and `about`."""
    about = _about_sheet(names)
    return list(_match(names)[0].values()) + ([about] if about is not None else [])


def _workbook_rows(path: Path) -> tuple[list[str], dict[str, list[list[str]]]]:
    """Sheet names, and the rows of text (from row 1) of the sheets `_sheets_to_read` picks.

    The standard-library reader of `models.xlsx` first (seconds on a national workbook);
    anything it does not understand — an unusual or damaged file — is read by openpyxl
    (read-only, cached values), which also words the error for a file that is no workbook.
    Both give the same rows: `tests/test_xlsx_reader.py` holds them to it.
    """
    try:
        return xlsx.read_sheets(path, _sheets_to_read)
    except xlsx.Unsupported:
        return _workbook_rows_openpyxl(path)


def _workbook_rows_openpyxl(path: Path) -> tuple[list[str], dict[str, list[list[str]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise _fail(path, f"cannot be read as an .xlsx workbook ({type(e).__name__}: {e})") from None
    try:
        names = book.sheetnames
        about = _about_sheet(names)
        rows = {}
        for name in _sheets_to_read(names):
            sheet = book[name]
            if name == about:   # only its first cell is used
                first = next(sheet.iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))
                rows[name] = [[_cell_text(first[0] if first else None)]]
            else:
                sheet.reset_dimensions()   # do not trust the stored size of the sheet
                rows[name] = [[_cell_text(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return names, rows


def _read_workbook(path: Path):
    names, sheets = _workbook_rows(path)
    found, problems = _match(names)
    frames: dict[str, pd.DataFrame | None] = {}
    for table, sheet_name in found.items():
        rows = sheets.pop(sheet_name)
        if not rows or not any(c.strip() for c in rows[0]):
            frames[table] = None
            problems.append(Problem(table, 1, None, None,
                                    f"sheet {sheet_name!r}: the header row (row 1) is empty"))
            continue
        with xlsx.no_gc():   # a million cells of text: nothing for the collector to find
            frames[table] = _text_frame(rows[0], rows[1:])
        del rows
    about = ""
    about_sheet = _about_sheet(names)
    if about_sheet is not None:
        rows = sheets[about_sheet]
        about = normalise_text(rows[0][0] if rows and rows[0] else "")
    others = [s for s in names if s not in found.values() and s.strip().casefold() != "about"]
    if others and any(t not in found for t in TABLE_NAMES[:5]):
        problems.append(Problem(_WHOLE, None, None, None,
                                "sheets not used (not a table name): " + ", ".join(others)))
    return frames, problems, lambda t: f"a sheet named {t} in {path.name}", _first_paragraph(about), about


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

    Numbers are number cells (text cells when a float needs all 17 digits), dates date
    cells shown YYYY-MM-DD, all other cells text cells (a code such as "00004" or a name
    starting with "=" stays text).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    path = Path(path)
    _refuse_source(ds, path)
    book = Workbook(write_only=True)
    if ds.note:
        sheet = book.create_sheet("about")
        sheet.append([_text_cell(sheet, ds.meta.get("about") or ds.note, WriteOnlyCell)])
    for name, frame in ds.tables().items():
        sheet = book.create_sheet(name)
        cols = _export_columns(frame)
        sheet.append([_text_cell(sheet, c, WriteOnlyCell) for c in cols])
        kinds = {c.name: c.kind for c in columns(TABLES[name])}
        writers = [_cell_writer(kinds.get(c, "text"), sheet, WriteOnlyCell) for c in cols]
        values = [frame[c].tolist() if kinds.get(c) != "date" else
                  [None if pd.isna(v) else v.date() for v in frame[c]] for c in cols]
        for row in zip(*values):
            sheet.append([w(v) for w, v in zip(writers, row)])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _text_cell(sheet, value: str, cell_type):
    if value == "":
        return None
    cell = cell_type(sheet, value=value)
    cell.data_type = "s"   # never a formula
    return cell


def _cell_writer(kind: str, sheet, cell_type):
    if kind == "number":
        def number_cell(v):
            if math.isnan(v):
                return None
            # openpyxl writes numbers with 16 significant digits; the rare float that needs
            # 17 goes as exact text (read back as the same number)
            return float(v) if float("%.16g" % v) == v else _text_cell(sheet, repr(float(v)), cell_type)
        return number_cell
    if kind == "whole":
        return int
    if kind == "bool":
        return lambda v: "true" if v else "false"
    if kind == "date":
        def date_cell(v):
            if v is None:
                return None
            cell = cell_type(sheet, value=v)
            cell.number_format = "yyyy-mm-dd"
            return cell
        return date_cell
    return lambda v: _text_cell(sheet, v, cell_type)

