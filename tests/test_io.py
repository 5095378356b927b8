"""models.io: reading CSV folders and xlsx workbooks into the normalised Dataset, and back."""
import csv
import datetime as dt
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models.io
from datasets import TINY_NOTE, snapshot, tiny_tables, write_tables
from models.dataset import Dataset
from models.io import (DATASET_ENV, dataset_from_rows, default_dataset_path, read_dataset,
                       write_csv_folder, write_xlsx)
from models.validation import DatasetError

S = "str"
DESIGN_DTYPES = {   # DESIGN.md, "The normalised Dataset"
    "provinces": {"province_code": S, "name": S, "lat": "float64", "lon": "float64"},
    "units": {"unit_code": S, "name": S, "province_code": S, "unit_type": S, "lat": "float64",
              "lon": "float64", "area_km2": "float64", "population": "float64", "remote": "bool"},
    "positions": {"position_code": S, "name": S, "group": S, "priority": "int64"},
    "staff": {"staff_id": S, "unit_code": S, "position_code": S, "birth_date": "datetime64[ns]",
              "gender": S, "movable": "bool", "full_name": S, "home_unit_code": S},
    "quotas": {"unit_code": S, "position_code": S, "quota": "int64"},
    "officers": {"officer_id": S, "full_name": S, "home_province_code": S, "expertise": S, "seniority": "int64"},
    "province_needs": {"province_code": S, "area": S, "weight": "float64"},
    "distances": {"from_unit": S, "to_unit": S, "km": "float64"},
}


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {c: str(t) for c, t in frame.dtypes.items()}


def problems(path) -> list:
    with pytest.raises(DatasetError) as e:
        read_dataset(path)
    return e.value.problems


def test_reads_the_tiny_folder_with_the_design_dtypes(tiny_folder):
    ds = read_dataset(tiny_folder)
    for name, cols in DESIGN_DTYPES.items():
        assert dtypes(getattr(ds, name)) == {**cols, "_row": "int64"}, name
    assert ds.units["unit_code"].tolist() == ["00004", "00070", "09999", "02200", "02300"]
    assert ds.units["unit_type"].tolist() == ["phuong", "phuong", "xa", "phuong", "xa"]
    assert ds.positions["priority"].tolist() == [3, 1, 1]            # empty → default 1
    assert ds.staff["movable"].tolist() == [True, True, True, True, True, False, True, True]
    assert ds.staff["birth_date"].iloc[0] == pd.Timestamp("1990-05-01")
    assert ds.staff["_row"].tolist() == list(range(2, 10))
    assert ds.note == TINY_NOTE and ds.source == tiny_folder and ds.has_officers


def test_reading_changes_no_file(tiny_folder):
    before = snapshot(tiny_folder)
    read_dataset(tiny_folder)
    assert snapshot(tiny_folder) == before


def test_bom_nfd_whitespace_and_extra_columns(tmp_path):
    t = tiny_tables()
    t["staff"][0] = [f" {c} " for c in t["staff"][0]] + ["ghi chú", unicodedata.normalize("NFD", "đơn vị cũ")]
    for i, r in enumerate(t["staff"][1:]):
        r[6] = unicodedata.normalize("NFD", r[6]) + "  "
        r.extend([f"note {i}", "0012"])
    t["units"][1][1] = unicodedata.normalize("NFD", "Phường Ba Đình")
    ds = read_dataset(write_tables(tmp_path / "d", t, bom=True))
    assert list(ds.staff.columns) == [*DESIGN_DTYPES["staff"], "ghi chú", "đơn vị cũ", "_row"]
    assert ds.staff["đơn vị cũ"].iloc[0] == "0012" and ds.staff["ghi chú"].iloc[7] == "note 7"
    assert ds.staff["full_name"].iloc[0] == "Nguyễn Văn An"
    assert ds.units["name"].iloc[0] == "Phường Ba Đình"
    for frame in ds.tables().values():
        for col in frame.columns:
            assert unicodedata.is_normalized("NFC", col)
            if frame[col].dtype == "str":
                assert all(unicodedata.is_normalized("NFC", v) for v in frame[col])


def test_blank_lines_count_in_row_numbers(tmp_path):
    folder = write_tables(tmp_path / "d", tiny_tables())
    lines = (folder / "quotas.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = "00070,VP,-1"                      # row 4
    lines.insert(3, ",,")                         # a blank row 4 pushes it to row 5
    lines.insert(2, "")                           # an empty line: row 3, pushes it to row 6
    (folder / "quotas.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems(folder)
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("quotas", 6, "quota", "-1")]
    assert read_dataset(write_tables(tmp_path / "ok", tiny_tables())).quotas["_row"].tolist() == list(range(2, 11))


def test_a_quoted_newline_is_one_row(tmp_path):
    t = tiny_tables()
    t["staff"][1][6] = "Nguyễn\nVăn An"
    t["staff"][3][4] = "X"
    found = problems(write_tables(tmp_path / "d", t))
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("staff", 4, "gender", "X")]


def test_missing_tables_are_named(tmp_path):
    t = tiny_tables()
    del t["staff"], t["positions"]
    folder = write_tables(tmp_path / "d", t)
    (folder / "staffs.csv").write_text("staff_id\n", encoding="utf-8")
    found = problems(folder)
    assert {(p.table, p.row) for p in found} == {("dataset", None), ("positions", None), ("staff", None)}
    staff = next(p for p in found if p.table == "staff")
    assert "staff.csv" in staff.message
    assert any("staffs.csv" in p.message for p in found)


def test_table_file_names_ignore_case(tmp_path):
    folder = write_tables(tmp_path / "d", tiny_tables())
    (folder / "units.csv").rename(folder / "Units.CSV")
    assert read_dataset(folder).counts()["units"] == 5


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b",,\n00004,DC,1\n", "the header row (row 1) is empty"),
    (b"\n00004,DC,1\n", "the header row (row 1) is empty"),
    (b"unit_code,position_code,quota\n00004,DC,1,9\n", "cannot be read as CSV"),
    (b'unit_code,position_code,quota\n"00004,DC,1\n', "cannot be read as CSV"),
    ("unit_code,position_code,quota\n00004,DC,1\nĐ,DC,1\n".encode("cp1258"), "not UTF-8"),
])
def test_a_broken_csv_is_a_problem_not_a_traceback(tmp_path, content, message):
    folder = write_tables(tmp_path / "d", tiny_tables())
    (folder / "quotas.csv").write_bytes(content)
    found = problems(folder)
    assert [p.table for p in found] == ["quotas"] and message in found[0].message


def test_a_missing_path(tmp_path):
    found = problems(tmp_path / "nowhere")
    assert len(found) == 1 and "no such file or folder" in str(found[0])


def test_an_empty_folder(tmp_path):
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "README.md").write_text("x")
    found = problems(tmp_path / "e")
    assert len(found) == 1 and "no .csv table" in found[0].message and "staff.csv" in found[0].message


@pytest.mark.parametrize("name, content, message", [
    ("data.txt", b"hello", "a folder of CSV tables or an .xlsx workbook"),
    ("staff.csv", b"staff_id\n", "give the folder that holds the CSV tables"),
    ("book.xlsx", b"not a zip file", "cannot be read as an .xlsx workbook")])
def test_a_file_that_is_not_a_dataset(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    found = problems(tmp_path / name)
    assert len(found) == 1 and found[0].table == "dataset" and message in found[0].message


def test_a_folder_with_only_a_workbook_points_to_it(tmp_path):
    (tmp_path / "d").mkdir()
    write_xlsx(dataset_from_rows(tiny_tables()), tmp_path / "d" / "book.xlsx")
    found = problems(tmp_path / "d")
    assert len(found) == 1 and "book.xlsx" in found[0].message


def test_reads_a_workbook_with_real_excel_cells(tmp_path):
    """Dates as date cells, numbers as number cells, booleans as boolean cells, blank rows."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    t = tiny_tables()
    for name, rows in t.items():
        sheet = book.create_sheet(name.upper() if name == "units" else name)
        for r in rows:
            sheet.append(r)
    staff = book["staff"]
    staff["D2"] = dt.datetime(1990, 5, 1)                  # a date cell
    staff["F2"] = True                                      # a boolean cell
    quotas = book["quotas"]
    quotas["C2"] = 1                                        # a number cell
    quotas["C3"] = 1.0
    book["UNITS"]["E2"] = 21.0386
    quotas.insert_rows(4)                                   # a blank row 4
    quotas["C5"] = -1                                       # (00070, VP) is now in row 5
    book.create_sheet("about")["A1"] = "Workbook note\n\nmore about it"
    book.save(tmp_path / "w.xlsx")
    found = problems(tmp_path / "w.xlsx")
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("quotas", 5, "quota", "-1")]
    book["quotas"]["C5"] = 1
    book.save(tmp_path / "w.xlsx")
    ds = read_dataset(tmp_path / "w.xlsx")
    assert ds.equals(dataset_from_rows(tiny_tables()))
    assert ds.units["unit_code"].iloc[0] == "00004" and ds.note == "Workbook note"


def test_write_and_read_back_the_tiny_dataset(tmp_path, tiny_folder):
    ds = read_dataset(tiny_folder)
    back = read_dataset(write_csv_folder(ds, tmp_path / "copy"))
    assert back.equals(ds) and back.note == ds.note
    text = (tmp_path / "copy" / "staff.csv").read_text(encoding="utf-8").splitlines()
    assert text[0] == "staff_id,unit_code,position_code,birth_date,gender,movable,full_name,home_unit_code"
    assert text[1] == "S01,00004,DC,1990-05-01,M,true,Nguyễn Văn An,"
    book = read_dataset(write_xlsx(ds, tmp_path / "copy.xlsx"))
    assert book.equals(ds) and book.note == ds.note


def test_writers_refuse_to_overwrite_the_input(tiny_folder):
    ds = read_dataset(tiny_folder)
    before = snapshot(tiny_folder)
    with pytest.raises(ValueError, match="refusing"):
        write_csv_folder(ds, tiny_folder)
    assert snapshot(tiny_folder) == before


def test_default_dataset_path(tmp_path, monkeypatch):
    monkeypatch.setenv(DATASET_ENV, str(tmp_path))
    assert default_dataset_path() == tmp_path
    monkeypatch.setenv(DATASET_ENV, str(tmp_path / "gone"))
    with pytest.raises(DatasetError, match=DATASET_ENV):
        default_dataset_path()
    monkeypatch.delenv(DATASET_ENV)
    monkeypatch.setattr(models.io, "__file__", str(tmp_path / "repo" / "models" / "io.py"))
    with pytest.raises(DatasetError, match="default dataset"):
        default_dataset_path()
    (tmp_path / "repo" / "data" / "national").mkdir(parents=True)
    assert default_dataset_path() == tmp_path / "repo" / "data" / "national"


def test_about_txt_first_paragraph_is_the_note(tmp_path):
    folder = write_tables(tmp_path / "d", tiny_tables())
    (folder / "ABOUT.txt").write_text("SYNTHETIC roster\non the real map\n\nSources: ...\n", encoding="utf-8")
    ds = read_dataset(folder)
    assert ds.note == "SYNTHETIC roster on the real map"
    assert ds.meta["about"].endswith("Sources: ...")


def test_reads_120k_staff_rows_quickly(tmp_path):
    """A national-size staff table (120,000 rows) reads and validates in a couple of seconds."""
    rng = np.random.default_rng(7)
    t = tiny_tables()
    n = 120_000
    units = np.array([r[0] for r in t["units"][1:]])[rng.integers(0, 5, n)]
    staff = pd.DataFrame({
        "staff_id": [f"N{i:06d}" for i in range(n)], "unit_code": units,
        "position_code": np.array(["DC", "VP", "CT"])[rng.integers(0, 3, n)],
        "birth_date": pd.to_datetime("1965-01-01") + pd.to_timedelta(rng.integers(0, 13000, n), "D"),
        "gender": np.array(["M", "F"])[rng.integers(0, 2, n)],
        "movable": np.array(["true", "false", "có", ""])[rng.integers(0, 4, n)],
        "full_name": [f"Nguyễn Văn {i}" for i in range(n)], "home_unit_code": ""})
    folder = write_tables(tmp_path / "big", {k: v for k, v in t.items() if k != "staff"})
    staff.to_csv(folder / "staff.csv", index=False, date_format="%Y-%m-%d")
    start = time.perf_counter()
    ds = read_dataset(folder)
    seconds = time.perf_counter() - start
    assert len(ds.staff) == n
    assert seconds < 5, f"read + validate took {seconds:.2f} s"


# --------------------------------------------------------------------------- round trips

TEXT = st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=10)
NAME = TEXT.map(lambda s: unicodedata.normalize("NFC", s).strip()).filter(bool)
CODES = st.text("0123456789ABCXYZ", min_size=1, max_size=5)
BOOLS = st.sampled_from(["true", "FALSE", "1", "0", "yes", "No", "có", "KHÔNG", ""])


def num(lo, hi):
    return st.floats(lo, hi, allow_nan=False).map(repr)


@st.composite
def datasets(draw):
    """Random valid datasets as raw rows, with Vietnamese text, spellings and extra columns."""
    provinces = draw(st.lists(CODES, min_size=1, max_size=3, unique=True))
    units = draw(st.lists(CODES, min_size=1, max_size=5, unique=True))
    positions = draw(st.lists(CODES, min_size=1, max_size=3, unique=True))
    extra = draw(st.booleans())
    t = {
        "provinces": [["province_code", "name", "lat", "lon"]]
        + [[p, draw(NAME), draw(num(-90, 90) | st.just("")), draw(num(-180, 180))] for p in provinces],
        "units": [["unit_code", "name", "province_code", "unit_type", "lat", "lon", "area_km2",
                   "population", "remote"] + (["ghi chú"] if extra else [])]
        + [[u, draw(NAME), draw(st.sampled_from(provinces)),
            draw(st.sampled_from(["xa", "Xã", "PHƯỜNG", "phuong", "Đặc khu", "dac_khu"])),
            draw(num(-90, 90)), draw(num(-180, 180)), draw(num(0, 1e4) | st.just("")),
            draw(st.integers(0, 10**6).map(str) | st.just("")), draw(BOOLS)]
           + ([draw(NAME | st.just(""))] if extra else []) for u in units],
        "positions": [["position_code", "name", "group", "priority"]]
        + [[p, draw(NAME), draw(st.sampled_from(["leadership", "Professional", "COMMON", "support"])),
            draw(st.integers(1, 9).map(str) | st.just(""))] for p in positions],
    }
    staff = draw(st.lists(st.tuples(st.sampled_from(units), st.sampled_from(positions)), max_size=8))
    t["staff"] = [["staff_id", "unit_code", "position_code", "birth_date", "gender", "movable",
                   "full_name", "home_unit_code"]] + [
        [f"S{i:03d}", u, p, draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))).isoformat(),
         draw(st.sampled_from("MFmf")), draw(BOOLS), draw(NAME | st.just("")),
         draw(st.sampled_from(["", *units]))] for i, (u, p) in enumerate(staff)]
    pairs = draw(st.lists(st.tuples(st.sampled_from(units), st.sampled_from(positions)), max_size=8, unique=True))
    t["quotas"] = [["unit_code", "position_code", "quota"]] + [[u, p, str(draw(st.integers(0, 10**6)))]
                                                                for u, p in pairs]
    if draw(st.booleans()):
        t["officers"] = [["officer_id", "full_name", "home_province_code", "expertise", "seniority"]] + [
            [f"O{i}", draw(NAME), draw(st.sampled_from(provinces)), "a;b" if i % 2 else "c",
             draw(st.integers(0, 40).map(str) | st.just(""))] for i in range(draw(st.integers(0, 3)))]
        areas = draw(st.lists(st.tuples(st.sampled_from(provinces), CODES), max_size=4, unique=True))
        t["province_needs"] = [["province_code", "area", "weight"]] + [[p, a, draw(num(0, 100))] for p, a in areas]
    if draw(st.booleans()):
        pairs = draw(st.lists(st.tuples(st.sampled_from(units), st.sampled_from(units)), max_size=4, unique=True))
        pairs = [(a, b) for a, b in pairs if a < b]
        t["distances"] = [["from_unit", "to_unit", "km"]] + [[a, b, draw(num(0, 3000))] for a, b in pairs]
    return t


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=datasets(), note=st.sampled_from(["", "SYNTHETIC dữ liệu thử"]))
def test_round_trip_csv(tables, note):
    ds = dataset_from_rows(tables, note=note)
    with tempfile.TemporaryDirectory() as tmp:
        back = read_dataset(write_csv_folder(ds, Path(tmp) / "csv"))
    assert back.equals(ds) and back.note == ds.note


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=datasets(), note=st.sampled_from(["", "SYNTHETIC dữ liệu thử"]))
def test_round_trip_xlsx(tables, note):
    ds = dataset_from_rows(tables, note=note)
    with tempfile.TemporaryDirectory() as tmp:
        back = read_dataset(write_xlsx(ds, Path(tmp) / "book.xlsx"))
    assert back.equals(ds) and back.note == ds.note


def test_xlsx_keeps_floats_that_need_17_digits(tmp_path):
    t = tiny_tables()
    t["units"][1][6] = "1.0467648081298364"      # "%.16g" would round it
    ds = dataset_from_rows(t)
    back = read_dataset(write_xlsx(ds, tmp_path / "b.xlsx"))
    assert back.units["area_km2"].iloc[0] == 1.0467648081298364 and back.equals(ds)
    assert openpyxl.load_workbook(tmp_path / "b.xlsx")["units"]["E2"].data_type == "n"   # plain ones are numbers


def test_equals_sees_a_changed_value(tiny_folder):
    ds = read_dataset(tiny_folder)
    changed = ds.replace(quotas=ds.quotas.assign(quota=ds.quotas["quota"] + 1))
    assert not changed.equals(ds) and isinstance(changed, Dataset)


def test_formula_like_text_stays_text_in_xlsx(tmp_path):
    t = tiny_tables()
    t["staff"][1][6] = "=HYPERLINK(\"x\")"
    ds = dataset_from_rows(t)
    back = read_dataset(write_xlsx(ds, tmp_path / "b.xlsx"))
    assert back.staff["full_name"].iloc[0] == "=HYPERLINK(\"x\")"


def test_csv_writer_quotes_commas_and_quotes(tmp_path):
    t = tiny_tables()
    t["provinces"][1][1] = 'Hà Nội, "thủ đô"'
    back = read_dataset(write_csv_folder(dataset_from_rows(t), tmp_path / "c"))
    assert back.provinces["name"].iloc[0] == 'Hà Nội, "thủ đô"'
    with open(tmp_path / "c" / "provinces.csv", encoding="utf-8", newline="") as f:
        assert list(csv.reader(f))[1][1] == 'Hà Nội, "thủ đô"'
