"""Reading a planner's decisions (``--decisions FILE``) and an earlier plan (``--baseline DIR``).

docs/contract.md §8. A decisions file is a CSV of the `decisions` table, or a workbook with a sheet
named ``decisions`` — or the "Quyết định" sheet of a plan.xlsx, as the planner filled it in:

* the headers may be the field names or the Vietnamese labels of `SHEET_LABELS`;
* rows with an empty decision are no decision (the sheet lists every proposed transfer);
* ``giữ`` = keep (the person stays), ``không điều động`` = exempt, ``điều động`` = move; a move
  goes to the unit of the column "Điều động đến (mã đơn vị)" — pre-filled with the proposal, so
  "điều động" alone pins the proposed transfer — or to the code written after the words
  (``điều động đến 00123``).

Problems are `DatasetError`s naming the table (``decisions`` / ``baseline``), the row, the
column and the value, every one of them.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from models.dataset import Dataset
from models.csv_read import read_csv_table           # the dataset reader's own cell rules
from models.sheet_layout import text_frame
from models.workbook_read import WorkbookRefused, cell_text, read_sheets
from models.tables import label_key, normalise_text
from models.validation import (
    ROW_COLUMN, DatasetError, Problem, check_table, duplicate_keys,
)

__all__ = ["read_decisions", "read_baseline", "DECISION_SHEET", "SHEET_LABELS"]

DECISION_SHEET = "Quyết định"
#: field → the header the "Quyết định" sheet shows for it (optimizer.output writes these)
SHEET_LABELS = {
    "staff_id": "Mã công chức",
    "decision": "Quyết định (giữ / không điều động / điều động)",
    "to_unit": "Điều động đến (mã đơn vị)",
    "reason": "Lý do",
}
_MOVE_TO = re.compile(r"^\s*điều động đến\s+(\S+)\s*$", re.IGNORECASE)


def _rename(frame: pd.DataFrame) -> pd.DataFrame:
    by_label = {label_key(v): k for k, v in SHEET_LABELS.items()}
    names = [by_label.get(label_key(c), c) for c in frame.columns]
    # the sheet also shows the proposed destination; "to_unit" is the decision's column only
    return frame.set_axis(names, axis=1)


def _frame_from_file(path: Path) -> tuple[pd.DataFrame, bool]:
    """The decisions as a text frame, and whether it came from a "Quyết định" sheet."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        read = read_csv_table(path, ("staff_id", "decision"))
        return text_frame(read.header, read.body, first_row=read.first_row), False
    if suffix != ".xlsx":
        raise ValueError("give a .csv file or an .xlsx workbook")

    def pick(names):
        for wanted in ("decisions", DECISION_SHEET):
            for n in names:
                if label_key(n) == label_key(wanted):
                    return [n]
        raise ValueError(f"the workbook has no sheet named decisions or {DECISION_SHEET!r} "
                         f"(it has {', '.join(names)})")

    try:
        names, sheets = read_sheets(path, pick)
    except WorkbookRefused as e:
        raise ValueError(f"cannot be read as an .xlsx workbook ({e})") from None
    (name, sheet), = sheets.items()
    rows = [[cell_text(v) for v in r] for r in sheet.rows]
    if not rows:
        raise ValueError(f"sheet {name!r} is empty")
    return text_frame(rows[0], rows[1:]), label_key(name) == label_key(DECISION_SHEET)


def read_decisions(path: str | os.PathLike, ds: Dataset) -> pd.DataFrame:
    """The `decisions` table of a file, checked against the dataset's staff and units."""
    path = Path(path)
    try:
        frame, from_sheet = _frame_from_file(path)
    except (ValueError, OSError) as e:
        raise DatasetError([Problem("decisions", None, None, str(path.name), str(e))], source=path) from None
    frame = _rename(frame)
    if from_sheet:
        frame = frame.loc[:, [c for c in frame.columns if c in SHEET_LABELS]]
        if "decision" in frame.columns:
            frame = frame.loc[frame["decision"] != ""].copy()
            split = frame["decision"].str.extract(_MOVE_TO)[0]
            has = split.notna()
            frame.loc[has, "decision"] = "move"
            if "to_unit" not in frame.columns:
                frame["to_unit"] = ""
            frame.loc[has, "to_unit"] = split[has]
            # keep/exempt rows: the pre-filled destination is not part of the decision
            moving = frame["decision"].map(label_key).isin([label_key(x) for x in ("move", "điều động")])
            frame.loc[~moving & ~has, "to_unit"] = ""
    typed, problems, missing = check_table("decisions", frame)
    if not missing:
        problems += duplicate_keys("decisions", typed)
        for column, known, noun in (("staff_id", ds.staff["staff_id"], "staff (not in table staff)"),
                                    ("to_unit", ds.units["unit_code"], "unit (not in table units)")):
            bad = (typed[column] != "") & ~typed[column].isin(set(known))
            problems += [Problem("decisions", int(r), column, v, f"unknown {noun}")
                         for r, v in zip(typed.loc[bad, ROW_COLUMN], typed.loc[bad, column])]
    if problems:
        raise DatasetError(problems, source=path)
    return typed


def read_baseline(folder: str | os.PathLike, ds: Dataset) -> pd.DataFrame:
    """The transfers of an earlier plan (``DIR/transfers.csv``): staff_id, from_unit, to_unit.

    Every row must name a staff member and a unit of the dataset (they are the same people)."""
    folder = Path(folder)
    path = folder / "transfers.csv" if folder.is_dir() else folder
    if not path.is_file():
        raise DatasetError([Problem("baseline", None, None, str(folder.name),
                                    "no transfers.csv there (give the folder of an earlier plan)")],
                           source=folder)
    try:
        t = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        raise DatasetError([Problem("baseline", None, None, path.name, f"cannot be read as CSV: {e}")],
                           source=path) from None
    t.columns = [normalise_text(c) for c in t.columns]
    missing = [c for c in ("staff_id", "to_unit") if c not in t.columns]
    if missing:
        raise DatasetError([Problem("baseline", 1, c, None, "required column is missing") for c in missing],
                           source=path)
    t = t.assign(**{c: t[c].map(normalise_text).str.lstrip("'") for c in ("staff_id", "to_unit")})
    t["row_no"] = range(2, 2 + len(t))
    problems = []
    known_staff, known_units = set(ds.staff["staff_id"]), set(ds.units["unit_code"])
    for r in t.itertuples():
        row = r.row_no
        if r.staff_id not in known_staff:
            problems.append(Problem("baseline", row, "staff_id", r.staff_id, "unknown staff (not in table staff)"))
        if r.to_unit not in known_units:
            problems.append(Problem("baseline", row, "to_unit", r.to_unit, "unknown unit (not in table units)"))
    dup = t["staff_id"].duplicated()
    problems += [Problem("baseline", int(r), "staff_id", s, "moved twice in the earlier plan")
                 for r, s in zip(t.loc[dup, "row_no"], t.loc[dup, "staff_id"])]
    if problems:
        raise DatasetError(problems, source=path)
    cols = ["staff_id", "to_unit"] + (["from_unit"] if "from_unit" in t.columns else [])
    return t[cols].reset_index(drop=True)
