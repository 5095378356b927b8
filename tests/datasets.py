"""The tiny hand-made dataset of the tests, as raw rows, and a writer for it.

    from datasets import tiny_tables, write_tables

    tables = tiny_tables()                   # table name → rows (header first), all text
    tables["quotas"][1][2] = "-1"            # break one cell (row index 1 = planner's row 2)
    folder = write_tables(tmp_path / "ds", tables)
    read_dataset(folder)                     # → DatasetError naming quotas row 2 ...

The tiny dataset, worked out by hand (every optional column and table is present):

    unit   position  staff  quota           unit   position  staff  quota
    00004  DC        3      1  surplus 2    09999  CT        1      1
    00070  DC        0      1  shortage 1   02200  DC        1      0  surplus 1 (not movable)
    00070  VP        2      1  surplus 1    02300  DC        0      1  shortage 1
    09999  DC        0      1  shortage 1   02300  VP        1      1
    09999  VP        0      2  shortage 2
    → 8 staff, quota 9, surplus 4, shortage 5 over the (unit, position) pairs.
"""
from __future__ import annotations

import copy
import csv
from pathlib import Path

TINY_NOTE = "TINY hand-made test dataset"
TINY_BALANCE = {"staff": 8, "quota": 9, "surplus": 4, "shortage": 5}


def tiny_tables() -> dict[str, list[list[str]]]:
    """A small valid dataset: table name → rows of text, header first (a fresh copy each call)."""
    return copy.deepcopy(_TINY)


_TINY = {
    "provinces": [
        ["province_code", "name", "lat", "lon"],
        ["01", "Thành phố Hà Nội", "21.0285", "105.8542"],
        ["08", "Tuyên Quang", "21.8236", "105.2140"],
    ],
    "units": [
        ["unit_code", "name", "province_code", "unit_type", "lat", "lon", "area_km2", "population", "remote"],
        ["00004", "Phường Ba Đình", "01", "phuong", "21.0386", "105.8380", "9.2", "220000", "false"],
        ["00070", "Phường Hoàn Kiếm", "01", "Phường", "21.0285", "105.8520", "5.3", "135000", "false"],
        ["09999", "Xã Sóc Sơn", "01", "Xã", "21.2570", "105.8480", "38.1", "", "false"],
        ["02200", "Phường Minh Xuân", "08", "phuong", "21.8200", "105.2100", "", "", "false"],
        ["02300", "Xã Na Hang", "08", "xa", "22.3500", "105.3900", "120.5", "25000", "true"],
    ],
    "positions": [
        ["position_code", "name", "group", "priority"],
        ["DC", "Chuyên viên địa chính", "professional", "3"],
        ["VP", "Chuyên viên văn phòng", "common", "1"],
        ["CT", "Chủ tịch UBND", "leadership", ""],
    ],
    "staff": [
        ["staff_id", "unit_code", "position_code", "birth_date", "gender", "movable", "full_name", "home_unit_code"],
        ["S01", "00004", "DC", "1990-05-01", "M", "true", "Nguyễn Văn An", ""],
        ["S02", "00004", "DC", "1985-02-28", "F", "true", "Trần Thị Bình", "00070"],
        ["S03", "00004", "DC", "1970-07-15", "M", "", "Lê Văn Cường", ""],
        ["S04", "00070", "VP", "1988-01-01", "F", "yes", "Phạm Thị Dung", ""],
        ["S05", "00070", "VP", "1992-12-31", "M", "true", "Hoàng Văn Em", ""],
        ["S06", "02200", "DC", "1966-03-10", "M", "false", "Vũ Văn Phúc", "02300"],
        ["S07", "09999", "CT", "1975-06-30", "M", "true", "Đặng Văn Giang", ""],
        ["S08", "02300", "VP", "1995-09-09", "F", "true", "Bùi Thị Hoa", ""],
    ],
    "quotas": [
        ["unit_code", "position_code", "quota"],
        ["00004", "DC", "1"], ["00070", "DC", "1"], ["00070", "VP", "1"],
        ["09999", "DC", "1"], ["09999", "VP", "2"], ["09999", "CT", "1"],
        ["02200", "DC", "0"], ["02300", "DC", "1"], ["02300", "VP", "1"],
    ],
    "officers": [
        ["officer_id", "full_name", "home_province_code", "expertise", "seniority"],
        ["O1", "Phạm Văn Một", "01", "bien_che_vtvl;chuyen_doi_so", "3"],
        ["O2", "Đỗ Thị Hai", "08", "ton_giao", "2"],
    ],
    "province_needs": [
        ["province_code", "area", "weight"],
        ["01", "ton_giao", "2"], ["08", "bien_che_vtvl", "5"], ["08", "chuyen_doi_so", "1.5"],
    ],
    "distances": [
        ["from_unit", "to_unit", "km"],
        ["00004", "00070", "2.5"],
    ],
    "conversions": [
        ["from_position", "to_position", "training_months", "training_cost_vnd"],
        ["VP", "DC", "6", "15000000"],
    ],
}


def write_tables(folder: Path, tables: dict[str, list[list[str]]], *, bom: bool = False,
                 note: str | None = None) -> Path:
    """Write each table as `<folder>/<name>.csv` (UTF-8, with a BOM if asked); return folder.

    `note`, if given, goes to ABOUT.txt (the dataset's label).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
            csv.writer(f).writerows(rows)
    if note is not None:
        (folder / "ABOUT.txt").write_text(note + "\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """The bytes of every file under a folder (to show that reading changes nothing)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}
