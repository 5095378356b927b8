"""Read the sheets of an .xlsx workbook with python-calamine, as a planner sees their cells.

`read_sheets(path, select)` gives the workbook's sheet names and, for each sheet `select`
picks, a `Sheet`: its cells as Python values from row 1 and column A (python-calamine's
`to_python(skip_empty_area=False)`: text, float, bool, date, datetime, time, timedelta; an
empty cell is ""; an error cell its text, `#N/A`, as Excel shows it), its merged areas, and
the formula cells that have no saved value.

`models.workbook_guard` looks at every sheet first (bombs are refused before python-calamine
allocates anything). Anything wrong with the file — not a zip, damaged, not a workbook — is a
`WorkbookRefused` whose text the caller puts after the file's name.

`cell_text` turns one value into the text the rest of the project reads (the same text the
openpyxl-based reader gave): text NFC-normalised, whole floats without `.0`, other floats as
`repr`, booleans `true`/`false`, a date (or a datetime at midnight) `YYYY-MM-DD`.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata
import zipfile
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from models.workbook_guard import (SheetScan, WorkbookRefused, column_number, inspect_workbook,
                                   sheet_parts)

__all__ = ["Sheet", "read_sheets", "cell_text", "WorkbookRefused"]


def cell_text(value: Any) -> str:
    """An Excel cell as the text a planner sees (dates as YYYY-MM-DD, 3.0 as 3)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


@dataclass
class Sheet:
    rows: list[list[Any]]                                     # values from A1, "" when empty
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based
    scan: SheetScan = field(default_factory=SheetScan)


_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError,
            python_calamine.CalamineError)


def read_sheets(path: str | os.PathLike, select: Callable[[list[str]], Iterable[str]]
                ) -> tuple[list[str], dict[str, Sheet]]:
    """The workbook's sheet names and the `Sheet`s `select(names)` picks; WorkbookRefused."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise WorkbookRefused("not an .xlsx workbook (not a zip archive): save it from Excel as "
                              "\"Excel Workbook (.xlsx)\"") from None
    except OSError as e:
        raise WorkbookRefused(f"cannot be opened ({e.strerror or e})") from None
    with archive:
        try:                       # the guard first: nothing is expanded before it has looked
            names = list(sheet_parts(archive))
            wanted = list(select(names))
            scans = inspect_workbook(archive, wanted)
        except WorkbookRefused:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError) as e:
            raise WorkbookRefused(f"the file is damaged ({_reason(e)}): save it again from Excel, "
                                  "or ask for a fresh copy") from None
        except (*_DAMAGED, ET.ParseError) as e:
            raise WorkbookRefused(f"not a readable .xlsx workbook ({_reason(e)})") from None
        try:
            book = python_calamine.CalamineWorkbook.from_path(os.fspath(path))
        except _DAMAGED as e:
            raise WorkbookRefused(f"not a readable .xlsx workbook ({_reason(e)})") from None
        with book:
            kinds = {m.name: m.typ for m in book.sheets_metadata}
            sheets = {}
            for name in wanted:
                if kinds.get(name) != python_calamine.SheetTypeEnum.WorkSheet:
                    raise WorkbookRefused(f"sheet {name!r} is not a worksheet (a chart, say): "
                                          "rename it or put the table in a worksheet")
                try:
                    sheet = book.get_sheet_by_name(name)
                    rows = sheet.to_python(skip_empty_area=False)
                    merged = sheet.merged_cell_ranges or []
                except _DAMAGED as e:
                    raise WorkbookRefused(f"sheet {name!r} is damaged ({_reason(e)})") from None
                scan = scans.get(name, SheetScan())
                _put_errors(rows, scan.errors)
                sheets[name] = Sheet(rows, list(merged), scan)
    return names, sheets


def _put_errors(rows: list[list], errors: dict[str, str]) -> None:
    """Error cells (#N/A, #DIV/0!) as their text, as Excel shows them (python-calamine: empty)."""
    for ref, text in errors.items():
        letters = ref.rstrip("0123456789")
        r, c = int(ref[len(letters):]) - 1, column_number(letters) - 1
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = text


def _reason(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) < 200 else text[:200] + "…"
