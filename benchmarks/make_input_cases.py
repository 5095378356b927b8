"""Build the national-scale input cases of issue 9 (docs/contract.md §4), for measuring by hand.

    python benchmarks/make_input_cases.py OUT_DIR

writes into OUT_DIR:

* `dmy/`: the national dataset with every staff birth date written dd/mm/yyyy;
* `malformed/`: the same with every birth date malformed (yyyymmdd);
* `bomb_rows.xlsx`: the national tables (from the shipped CSVs, via `write_xlsx`) whose staff
  sheet is followed by 12 million identical rows — a sheet that expands to about 600 MB of
  XML from a file of a few MB;
* `bomb_size.xlsx`: a staff sheet whose XML declares (and holds) more than 1 GiB.

Then, for instance:

    staffing validate OUT_DIR/dmy          # the same dataset as data/national
    staffing validate OUT_DIR/malformed | wc -l
    /usr/bin/time -v staffing validate OUT_DIR/bomb_rows.xlsx
"""
from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pandas as pd

from models.io import read_dataset, write_xlsx
from models.workbook_guard import sheet_parts

NATIONAL = Path(__file__).resolve().parent.parent / "data" / "national"


def _staff_dates(out: Path, fmt) -> None:
    shutil.copytree(NATIONAL, out, dirs_exist_ok=True)
    staff = pd.read_csv(NATIONAL / "staff.csv", dtype=str, keep_default_na=False)
    staff["birth_date"] = staff["birth_date"].map(fmt)
    staff.to_csv(out / "staff.csv", index=False, lineterminator="\n")


def _bomb(base: Path, out: Path, rows: int, payload: str) -> None:
    """`base` with `rows` copies of one row appended to its staff sheet (streamed, deflated)."""
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        staff = sheet_parts(src)["staff"]
        for name in names:
            data = src.read(name)
            if name != staff:
                dst.writestr(name, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with dst.open(name, "w", force_zip64=True) as f:
                f.write(head)
                block = (f"<row><c t=\"inlineStr\"><is><t>{payload}</t></is></c></row>" * 10_000).encode()
                for _ in range(rows // 10_000):
                    f.write(block)
                f.write(b"</sheetData>" + tail)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    _staff_dates(out / "dmy", lambda d: f"{d[8:10]}/{d[5:7]}/{d[0:4]}")
    _staff_dates(out / "malformed", lambda d: d.replace("-", ""))
    base = write_xlsx(read_dataset(NATIONAL), out / "national.xlsx")
    _bomb(base, out / "bomb_rows.xlsx", 12_000_000, "x")
    _bomb(base, out / "bomb_size.xlsx", 1_100_000, "y" * 1_000)
    for p in sorted(out.glob("*.xlsx")):
        print(f"{p.name}: {p.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
