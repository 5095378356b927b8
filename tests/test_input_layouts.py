"""Issue 9 / docs/contract.md §4: spreadsheets as planners make them, read or refused clearly.

Each test is one case of the issue; each failed before this change (see the closing note).
"""
import csv
import datetime as dt
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import models.workbook_guard as guard
import optimizer.cli as cli
from datasets import tiny_tables, write_tables
from models.io import dataset_from_rows, read_dataset
from models.validation import DatasetError

runner = CliRunner()


def problems(path) -> list[str]:
    with pytest.raises(DatasetError) as error:
        read_dataset(path)
    return [str(p) for p in error.value.grouped()]


def tiny():
    return dataset_from_rows(tiny_tables())


def book(path: Path, tables: dict, edit=None) -> Path:
    """The tables as an openpyxl workbook, every cell text unless `edit(name, sheet)` changes it."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if edit is not None:
            edit(name, sheet)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- title rows


def test_title_rows_above_the_header_of_a_csv(tmp_path):
    t = tiny_tables()
    t["staff"] = [["DANH SÁCH CÁN BỘ, CÔNG CHỨC CẤP XÃ"], ["(kèm theo Quyết định số 12/QĐ-UBND)"], [],
                  *t["staff"]]
    folder = write_tables(tmp_path / "d", t)
    assert read_dataset(folder).equals(tiny())
    t["staff"][5][3] = "1990-02-30"        # the 2nd data row: the planner's row 6
    assert problems(write_tables(tmp_path / "e", t)) == [
        "staff row 6, column birth_date, value '1990-02-30': impossible date"]


def test_title_rows_above_the_header_of_a_sheet(tmp_path):
    t = tiny_tables()
    t["units"] = [["ỦY BAN NHÂN DÂN TỈNH"], ["Danh sách đơn vị hành chính cấp xã"], *t["units"]]

    def merge_title(name, sheet):
        if name == "units":
            sheet.merge_cells("A1:I1")
    path = book(tmp_path / "b.xlsx", t, merge_title)
    assert read_dataset(path).equals(tiny())
    t["units"][4][4] = "north"             # the 2nd unit: the planner's row 5
    assert problems(book(tmp_path / "c.xlsx", t, merge_title)) == [
        "units row 5, column lat, value 'north': not a number"]


# --------------------------------------------------------------------------- dates


def _dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def test_dates_written_day_month_year_read_as_the_iso_ones(tmp_path):
    t = tiny_tables()
    for row in t["staff"][1:]:
        row[3] = _dmy(row[3])
    assert read_dataset(write_tables(tmp_path / "d", t)).equals(tiny())


def test_real_excel_date_cells_read_as_dates(tmp_path):
    def dates(name, sheet):
        if name == "staff":
            for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
                row[0].value = dt.date.fromisoformat(row[0].value)
                row[0].number_format = "dd/mm/yyyy"
    assert read_dataset(book(tmp_path / "b.xlsx", tiny_tables(), dates)).equals(tiny())


def test_an_ambiguous_date_is_not_guessed(tmp_path):
    """A column with a month-first date (05/23/1990) makes 05/04/1990 ambiguous: refused."""
    t = tiny_tables()
    t["staff"][1][3] = "05/23/1990"
    t["staff"][2][3] = "05/04/1985"
    found = problems(write_tables(tmp_path / "d", t))
    assert len(found) == 2
    assert found[0].startswith("staff row 2, column birth_date, value '05/23/1990': written month/day/year")
    assert found[1].startswith("staff row 3, column birth_date, value '05/04/1985': ambiguous date")


def test_a_two_digit_year_is_not_guessed(tmp_path):
    t = tiny_tables()
    t["staff"][1][3] = "01/05/90"
    assert "two-digit year" in problems(write_tables(tmp_path / "d", t))[0]


# --------------------------------------------------------------------------- Vietnamese-locale CSV


def test_a_vietnamese_locale_csv_semicolons_and_decimal_commas(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    for name, rows in tiny_tables().items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8-sig") as f:
            csv.writer(f, delimiter=";").writerows(
                [[c.replace(".", ",") if i and re.fullmatch(r"-?[0-9]+\.[0-9]+", c) else c for c in row]
                 for i, row in enumerate(rows)])
    units = (folder / "units.csv").read_text(encoding="utf-8-sig")
    assert "21,0386;105,838" in units and "220000" in units
    (folder / "units.csv").write_text(units.replace("220000", "220.000"), encoding="utf-8-sig")
    assert read_dataset(folder).equals(tiny())


# --------------------------------------------------------------------------- workbook refusals


def test_codes_stored_as_numbers_are_refused_in_one_message(tmp_path):
    def numbers(name, sheet):
        if name == "units":
            for row in sheet.iter_rows(min_row=2, max_col=1):
                row[0].value = int(row[0].value)
    found = problems(book(tmp_path / "b.xlsx", tiny_tables(), numbers))
    assert len(found) == 1, found
    message = found[0]
    assert message.startswith("units, column unit_code: sheet 'units': 5 codes are stored as numbers")
    assert "rows 2 '4', 3 '70', 4 '9999', 5 '2200', 6 '2300'" in message
    assert "format column A as Text" in message


def test_a_formula_without_a_saved_value_is_refused_naming_the_cell(tmp_path):
    def formula(name, sheet):
        if name == "quotas":
            sheet["C3"] = "=1+1"               # openpyxl saves no value for it
    found = problems(book(tmp_path / "b.xlsx", tiny_tables(), formula))
    assert len(found) == 1 and found[0].startswith("quotas row 3, column quota: sheet 'quotas', cell C3:")
    assert "formula without a saved value" in found[0]


def test_merged_cells_down_a_column_read_as_the_planner_sees_them(tmp_path):
    """S01–S03 all work in unit 00004: the planner merged D2:D4 of the unit column."""
    def merge(name, sheet):
        if name == "staff":
            sheet.merge_cells("B2:B4")         # openpyxl empties B3 and B4
    path = book(tmp_path / "b.xlsx", tiny_tables(), merge)
    assert openpyxl.load_workbook(path)["staff"]["B3"].value is None
    assert read_dataset(path).equals(tiny())


def test_merged_cells_across_columns_inside_a_table_are_refused(tmp_path):
    def merge(name, sheet):
        if name == "staff":
            sheet.merge_cells("G2:H2")
            sheet.merge_cells("G3:H3")
    found = problems(book(tmp_path / "b.xlsx", tiny_tables(), merge))
    assert len(found) == 1 and "2 merged areas" in found[0] and "G2:H2, G3:H3" in found[0]
    assert "required value is empty" not in " ".join(found)


# --------------------------------------------------------------------------- bombs and damage


def _rewrite(path: Path, out: Path, part_edit) -> Path:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, part_edit(info.filename, data))
    return out


def _staff_part(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return guard.sheet_parts(z)["staff"]


def test_a_sheet_expanding_beyond_the_row_limit_is_refused_quickly(tmp_path, monkeypatch):
    """The rows are counted while the XML streams by; the limit is lowered to keep the test small."""
    monkeypatch.setattr(guard, "MAX_ROWS", 5_000)
    base = book(tmp_path / "b.xlsx", tiny_tables())
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(10, 20_000))

    def bomb(name, data):
        return data.replace(b"</sheetData>", rows.encode() + b"</sheetData>") if name == _staff_part(base) else data
    path = _rewrite(base, tmp_path / "bomb.xlsx", bomb)
    start = time.perf_counter()
    found = problems(path)
    assert time.perf_counter() - start < 5
    assert len(found) == 1 and "bomb.xlsx" in found[0] and "beyond the limit of 5,000" in found[0]


def test_a_sheet_declaring_more_rows_than_the_limit_is_refused_at_once(tmp_path):
    base = book(tmp_path / "b.xlsx", tiny_tables())

    def dimension(name, data):
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B5000000"', data)
    found = problems(_rewrite(base, tmp_path / "dim.xlsx", dimension))
    assert len(found) == 1 and "declares 5,000,000 rows" in found[0]


def test_a_sheet_whose_cells_span_too_wide_a_rectangle_is_refused(tmp_path):
    """One stray cell at XFD900000: python-calamine would ask for 15 billion cells and abort."""
    base = book(tmp_path / "b.xlsx", tiny_tables())

    def stray(name, data):
        extra = b'<row r="900000"><c r="XFD900000" t="inlineStr"><is><t>x</t></is></c></row>'
        return data.replace(b"</sheetData>", extra + b"</sheetData>") if name == _staff_part(base) else data
    found = problems(_rewrite(base, tmp_path / "wide.xlsx", stray))
    assert len(found) == 1 and "column XFD" in found[0] and "stray cells" in found[0]


def test_a_sheet_expanding_beyond_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_XML_BYTES", 2_000)
    found = problems(book(tmp_path / "b.xlsx", tiny_tables()))
    assert len(found) == 1 and "beyond the limit of 2,000" in found[0]


def test_a_corrupt_workbook_names_the_file(tmp_path):
    base = book(tmp_path / "b.xlsx", tiny_tables())
    raw = bytearray(base.read_bytes())
    with zipfile.ZipFile(base) as z:
        info = z.getinfo(_staff_part(base))
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + 5: start + 25] = b"\xff" * 20         # the compressed bytes of the staff sheet
    (tmp_path / "corrupt.xlsx").write_bytes(bytes(raw))
    found = problems(tmp_path / "corrupt.xlsx")
    assert len(found) == 1 and "corrupt.xlsx" in found[0] and "damaged" in found[0]
    result = runner.invoke(cli.app, ["validate", str(tmp_path / "corrupt.xlsx")])
    assert result.exit_code == 1 and "error: error" not in result.output and "corrupt.xlsx" in result.output


# --------------------------------------------------------------------------- CSV quotes


def test_an_unbalanced_quote_in_a_csv_is_refused_naming_the_row(tmp_path):
    folder = write_tables(tmp_path / "d", tiny_tables())
    lines = (folder / "staff.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("Lê Văn Cường", '"Lê Văn Cường')          # row 4
    lines[6] = lines[6].replace("Vũ Văn Phúc", 'Vũ Văn "Phúc"')           # a later stray pair
    (folder / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems(folder)
    assert len(found) == 1 and found[0].startswith("staff: staff.csv: row 4: a quote")


# --------------------------------------------------------------------------- grouped messages


def test_a_systematic_mistake_is_one_message(tmp_path):
    t = tiny_tables()
    for row in t["staff"][1:]:
        row[3] = row[3].replace("-", "")          # 19900501: every date malformed
    found = problems(write_tables(tmp_path / "d", t))
    assert found == [
        "staff, column birth_date: 8 rows: not a date (write yyyy-mm-dd or dd/mm/yyyy) (rows 2 "
        "'19900501', 3 '19850228', 4 '19700715', 5 '19880101', 6 '19921231', … 3 more); hint: "
        "write every date as yyyy-mm-dd or dd/mm/yyyy, or format the column as Date in Excel"]
    result = runner.invoke(cli.app, ["validate", str(tmp_path / "d")])
    assert result.exit_code == 1 and len(result.output.splitlines()) == 2


def test_gender_nam_nu(tmp_path):
    t = tiny_tables()
    for row in t["staff"][1:]:
        row[4] = {"M": "Nam", "F": "Nữ"}[row[4]]
    assert read_dataset(write_tables(tmp_path / "d", t)).equals(tiny())
