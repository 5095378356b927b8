"""optimizer.output.tables: files, columns, Vietnamese workbook, injection safety, determinism.

The plan below is made by hand: three communes of one province, two positions,
five moves whose names try every formula prefix.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.output import plan_files as export
from optimizer.output import vocabulary
from models import tabular
from optimizer.output.plan_files import write_plan
from optimizer.output.tables import LABELS_VI, neutralise
from optimizer.plan import Plan

NOTE = "SYNTHETIC roster — dữ liệu giả lập để kiểm thử"

TRANSFER_COLUMNS = [
    "transfer_no", "staff_id", "full_name", "position_code", "position_name",
    "from_unit", "from_unit_name", "from_province", "from_province_name",
    "to_unit", "to_unit_name", "to_province", "to_province_name",
    "km", "distance_source", "effective_date", "authority", "authority_level",
    "years_to_retirement", "reason",
]
UNITS_AFTER_COLUMNS = [
    "unit_code", "unit_name", "province_code", "province_name", "position_code",
    "position_name", "priority", "staff_before", "quota", "staff_after",
    "shortage_before", "surplus_before", "shortage_after", "surplus_after",
    "arrivals", "departures",
]
POSTINGS_COLUMNS = [
    "officer_id", "full_name", "province_code", "province_name", "score", "covered",
    "uncovered", "home_province_code", "seniority", "reason",
    "alternative_officer_id", "alternative_loss",
]
SHEETS = ["Tóm tắt", "Điều động", "Đơn vị sau điều động", "Còn thiếu", "Cán bộ hỗ trợ", "Quyết định",   # §8
          "Ghi chú"]
NAMES = ['=HYPERLINK("http://evil.example","bấm vào")', "+1", "@x", "-2", "Nguyễn Văn An"]


class FakeScenario:
    """Stands in for models.scenario.Scenario: only model_dump is used."""

    def model_dump(self, mode: str = "python") -> dict:
        day = dt.date(2026, 1, 1)
        return {"name": "tiny", "max_km": 40.0, "cross_province": False, "protect_years": 2.0,
                "plan_date": day.isoformat() if mode == "json" else day, "time_limit": 60.0,
                "dataset": None, "quota_adjust_pct": 0.0, "quota_adjust_pct_by_province": {},
                "solver": "auto"}


def make_transfers() -> pd.DataFrame:
    units = {"00001": "Xã An Bình", "00002": "Phường Đông Hòa", "00003": "Xã Tân Lập"}
    rows = [
        # staff_id, name, position, from, to, km, years
        ("00004", NAMES[0], "P01", "00001", "00003", 12.0, 10.0),
        ("00017", NAMES[1], "P01", "00002", "00003", 3.46, 21.25),
        ("00020", NAMES[2], "P02", "00002", "00001", 0.0, 5.0),
        ("00031", NAMES[3], "P02", "00003", "00001", -2.0, 30.0),
        ("00045", NAMES[4], "P01", "00001", "00002", 7.5, float("nan")),
    ]
    pos = {"P01": "Tư pháp – hộ tịch", "P02": "Địa chính – xây dựng"}
    return pd.DataFrame({
        "transfer_no": list(range(1, 6)),
        "staff_id": [r[0] for r in rows],
        "full_name": [r[1] for r in rows],
        "position_code": [r[2] for r in rows],
        "position_name": [pos[r[2]] for r in rows],
        "from_unit": [r[3] for r in rows],
        "from_unit_name": [units[r[3]] for r in rows],
        "from_province": ["01"] * 5,
        "from_province_name": ["Thành phố Hà Nội"] * 5,
        "to_unit": [r[4] for r in rows],
        "to_unit_name": [units[r[4]] for r in rows],
        "to_province": ["01"] * 5,
        "to_province_name": ["Thành phố Hà Nội"] * 5,
        "km": [r[5] for r in rows],
        "distance_source": ["great_circle", "road", "great_circle", "great_circle", "road"],
        "effective_date": ["2026-01-01"] * 5,
        "authority": ["Chủ tịch UBND Thành phố Hà Nội"] * 5,
        "authority_level": ["province"] * 5,
        "years_to_retirement": [r[6] for r in rows],
        "reason": ["Đơn vị đến thiếu biên chế; đơn vị đi thừa, gần nhất"] * 5,
    })


def make_units_after() -> pd.DataFrame:
    rows = [
        # unit, position, priority, before, quota, after, arrivals, departures
        ("00001", "P01", 3, 4, 2, 2, 0, 2),
        ("00001", "P02", 1, 0, 5, 2, 2, 0),
        ("00002", "P01", 3, 2, 2, 2, 1, 1),
        ("00002", "P02", 1, 0, 4, 1, 1, 0),
        ("00003", "P01", 3, 0, 4, 2, 2, 0),
        ("00003", "P02", 1, 2, 1, 1, 0, 1),
    ]
    names = {"00001": "Xã An Bình", "00002": "Phường Đông Hòa", "00003": "Xã Tân Lập"}
    pos = {"P01": "Tư pháp – hộ tịch", "P02": "Địa chính – xây dựng"}
    before = np.array([r[3] for r in rows])
    quota = np.array([r[4] for r in rows])
    after = np.array([r[5] for r in rows])
    return pd.DataFrame({
        "unit_code": [r[0] for r in rows],
        "unit_name": [names[r[0]] for r in rows],
        "province_code": ["01"] * 6,
        "province_name": ["Thành phố Hà Nội"] * 6,
        "position_code": [r[1] for r in rows],
        "position_name": [pos[r[1]] for r in rows],
        "priority": [r[2] for r in rows],
        "staff_before": before,
        "quota": quota,
        "staff_after": after,
        "shortage_before": np.maximum(quota - before, 0),
        "surplus_before": np.maximum(before - quota, 0),
        "shortage_after": np.maximum(quota - after, 0),
        "surplus_after": np.maximum(after - quota, 0),
        "arrivals": [r[6] for r in rows],
        "departures": [r[7] for r in rows],
    })


def make_postings() -> pd.DataFrame:
    return pd.DataFrame({
        "officer_id": ["007"], "full_name": ["Trần Thị Bích"], "province_code": ["01"],
        "province_name": ["Thành phố Hà Nội"], "score": [2.5], "covered": ["y_te;giao_duc"],
        "uncovered": ["dat_dai"], "home_province_code": ["79"], "seniority": [12],
        "reason": ["Khớp nhu cầu y tế, giáo dục"], "alternative_officer_id": ["012"],
        "alternative_loss": [0.75],
    })


def make_summary() -> dict:
    return {
        "status": "optimal", "method": "min_cost_flow", "shortage_before": 9,
        "shortage_after": 3, "weighted_shortage_before": 15, "weighted_shortage_after": 6,
        "surplus_before": 6, "surplus_after": 1, "moves": 5, "total_km": 20.96,
        "mean_km": 4.192, "ceiling": 6, "ceiling_fill_rate": 1.0, "fill_rate": 6 / 9,
        "units_short_before": 3, "units_short_after": 3, "objective": 6.0, "bound": 6.0,
        "gap": float("nan"), "solve_seconds": 0.01,
        "timings": {"eligibility": 0.001, "solve": 0.01},
        "check": {"passed": True, "violations": []},
        "dataset": "tests/tiny", "data_note": NOTE, "officers": None,
    }


def make_plan(**changes) -> Plan:
    fields = dict(scenario=FakeScenario(), transfers=make_transfers(),
                  units_after=make_units_after(), summary=make_summary(),
                  postings=make_postings(), note=NOTE)
    fields.update(changes)
    return Plan(**fields)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("plan")
    return out, write_plan(make_plan(), out)


@pytest.fixture(scope="module")
def book(written):
    return openpyxl.load_workbook(written[0] / "plan.xlsx")


def read_csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def sheet_rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def header_index(ws) -> dict[str, int]:
    return {label: i for i, label in enumerate(next(ws.iter_rows(max_row=1, values_only=True)))}


# --------------------------------------------------------------------------- neutralise

@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("Nguyễn Văn An", "Nguyễn Văn An"), ("a=1", "a=1"), ("", ""), ("'=1", "'=1"),
    (-2.0, -2.0), (-2, -2), (None, None),
])
def test_neutralise(value, expected):
    result = neutralise(value)
    assert result == expected and type(result) is type(expected)


@given(st.text())
def test_neutralise_never_leaves_a_formula_prefix(text):
    out = neutralise(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out == text or out == "'" + text


# --------------------------------------------------------------------------- files and CSV

def test_files_written_in_order(written):
    out, paths = written
    assert [p.name for p in paths] == ["transfers.csv", "units_after.csv", "summary.json",
                                       "postings.csv", "plan.xlsx"]
    assert all(p.parent == out and p.stat().st_size > 0 for p in paths)


def test_creates_missing_out_dir(tmp_path):
    out = tmp_path / "a" / "b"
    write_plan(make_plan(), out)
    assert (out / "plan.xlsx").is_file()


def test_csv_headers_are_the_design_columns(written):
    out, _ = written
    assert read_csv_rows(out / "transfers.csv")[0] == TRANSFER_COLUMNS
    assert read_csv_rows(out / "units_after.csv")[0] == UNITS_AFTER_COLUMNS
    assert read_csv_rows(out / "postings.csv")[0] == POSTINGS_COLUMNS


def test_csv_columns_reordered_to_design_and_extras_kept(tmp_path):
    tr = make_transfers()
    tr["note_extra"] = "x"
    tr = tr[list(reversed(tr.columns))]
    write_plan(make_plan(transfers=tr), tmp_path)
    assert read_csv_rows(tmp_path / "transfers.csv")[0] == TRANSFER_COLUMNS + ["note_extra"]


def test_csv_is_utf8_bom_with_lf(written):
    out, _ = written
    for name in ("transfers.csv", "units_after.csv", "postings.csv"):
        raw = (out / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw and raw.endswith(b"\n")
        assert "Thành phố Hà Nội".encode("utf-8") in raw


def test_csv_keeps_leading_zeros_and_formats_numbers(written):
    out, _ = written
    rows = read_csv_rows(out / "transfers.csv")
    col = {name: i for i, name in enumerate(rows[0])}
    body = rows[1:]
    assert [r[col["staff_id"]] for r in body] == ["00004", "00017", "00020", "00031", "00045"]
    assert [r[col["from_unit"]] for r in body] == ["00001", "00002", "00002", "00003", "00001"]
    assert [r[col["from_province"]] for r in body] == ["01"] * 5
    assert [r[col["km"]] for r in body] == ["12.000", "3.460", "0.000", "-2.000", "7.500"]
    assert [r[col["years_to_retirement"]] for r in body] == ["10.0", "21.2", "5.0", "30.0", ""]
    assert [r[col["transfer_no"]] for r in body] == ["1", "2", "3", "4", "5"]
    ua = pd.read_csv(out / "units_after.csv", dtype=str, encoding="utf-8-sig")
    assert ua["unit_code"].tolist()[:2] == ["00001", "00001"]
    assert ua["staff_before"].tolist() == ["4", "0", "2", "0", "0", "2"]


def test_csv_neutralises_text_not_numbers(written):
    out, _ = written
    rows = read_csv_rows(out / "transfers.csv")
    col = {name: i for i, name in enumerate(rows[0])}
    names = [r[col["full_name"]] for r in rows[1:]]
    assert names == ["'" + NAMES[0], "'+1", "'@x", "'-2", "Nguyễn Văn An"]
    assert rows[4][col["km"]] == "-2.000"          # a negative number stays a number


def test_csv_floats_are_deterministic_text(tmp_path):
    tr = make_transfers()
    tr["km"] = [0.1 + 0.2, -0.0004, 1e-9, 12345.66, 2.3456]   # -0.0004 rounds to 0.000, not -0.000
    write_plan(make_plan(transfers=tr), tmp_path)
    rows = read_csv_rows(tmp_path / "transfers.csv")
    assert [r[rows[0].index("km")] for r in rows[1:]] == ["0.300", "0.000", "0.000", "12345.660", "2.346"]


# --------------------------------------------------------------------------- summary.json

def test_summary_json(written):
    out, _ = written
    raw = (out / "summary.json").read_bytes()
    text = raw.decode("utf-8")
    assert "NaN" not in text and NOTE in text          # ensure_ascii=False keeps Vietnamese
    assert text.startswith('{\n  "status": "optimal"') and text.endswith("}\n")
    data = json.loads(text)
    assert data["gap"] is None
    for key in ("status", "shortage_before", "shortage_after", "weighted_shortage_after",
                "surplus_before", "surplus_after", "moves", "total_km", "solve_seconds"):
        assert key in data
    keys = list(data)
    assert keys[:4] == ["status", "method", "shortage_before", "shortage_after"]
    assert keys.index("timings") < keys.index("check") < keys.index("scenario")
    assert data["scenario"]["plan_date"] == "2026-01-01" and data["scenario"]["max_km"] == 40.0
    assert data["data_note"] == NOTE


def test_summary_json_converts_numpy_and_dates(tmp_path):
    summary = make_summary() | {"moves": np.int64(5), "total_km": np.float64(np.inf),
                                "scenario": {"plan_date": dt.date(2026, 3, 1),
                                             "dataset": Path("data/national")},
                                "extra": {"flag": np.bool_(True)}}
    write_plan(make_plan(summary=summary), tmp_path)
    data = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert data["moves"] == 5 and data["total_km"] is None
    assert data["scenario"] == {"plan_date": "2026-03-01", "dataset": "data/national"}
    assert list(data)[-1] == "extra" and data["extra"] == {"flag": True}


# --------------------------------------------------------------------------- plan.xlsx

def test_xlsx_sheet_names(book):
    assert book.sheetnames == SHEETS


def test_xlsx_without_postings_has_no_postings_sheet(tmp_path):
    paths = write_plan(make_plan(postings=None), tmp_path)
    assert "postings.csv" not in [p.name for p in paths]
    assert not (tmp_path / "postings.csv").exists()
    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert wb.sheetnames == [s for s in SHEETS if s != "Cán bộ hỗ trợ"]


def test_labels_vi_has_the_planners_words():
    expected = {"staff_id": "Mã công chức", "full_name": "Họ và tên",
                "position_name": "Vị trí việc làm", "from_unit_name": "Từ đơn vị",
                "to_unit_name": "Đến đơn vị", "km": "Khoảng cách (km)",
                "effective_date": "Ngày hiệu lực", "authority": "Thẩm quyền quyết định",
                "reason": "Lý do", "staff_before": "Số hiện có", "quota": "Biên chế giao",
                "staff_after": "Sau điều động", "shortage_after": "Còn thiếu",
                "surplus_after": "Còn thừa"}
    assert {k: LABELS_VI[k] for k in expected} == expected
    for column in TRANSFER_COLUMNS + UNITS_AFTER_COLUMNS + POSTINGS_COLUMNS:
        assert column in LABELS_VI and column in vocabulary.DESCRIPTIONS_VI


def test_xlsx_headers_are_vietnamese_labels(book, tmp_path):
    for sheet, columns in (("Điều động", TRANSFER_COLUMNS),
                           ("Đơn vị sau điều động", UNITS_AFTER_COLUMNS),
                           ("Cán bộ hỗ trợ", POSTINGS_COLUMNS)):
        header = sheet_rows(book[sheet])[0]
        assert list(header) == [LABELS_VI[c] for c in columns]
    # an unknown column keeps its name
    tr = make_transfers().assign(ghi_chu_rieng="x")
    write_plan(make_plan(transfers=tr), tmp_path)
    header = sheet_rows(openpyxl.load_workbook(tmp_path / "plan.xlsx")["Điều động"])[0]
    assert header[-1] == "ghi_chu_rieng"


def test_xlsx_codes_are_text_and_numbers_are_numbers(book):
    ws = book["Điều động"]
    col = header_index(ws)
    rows = list(ws.iter_rows(min_row=2))
    staff = [r[col["Mã công chức"]] for r in rows]
    assert [c.value for c in staff] == ["00004", "00017", "00020", "00031", "00045"]
    assert all(c.data_type == "s" and c.number_format == "@" for c in staff)
    unit = rows[0][col["Mã đơn vị đi"]]
    assert unit.value == "00001" and unit.number_format == "@"
    km = [r[col["Khoảng cách (km)"]] for r in rows]
    assert [c.value for c in km] == [12.0, 3.46, 0.0, -2.0, 7.5]
    assert all(isinstance(c.value, float) and c.number_format == "0.000" for c in km)
    assert [r[col["Số thứ tự"]].value for r in rows] == [1, 2, 3, 4, 5]
    assert rows[4][col["Số năm đến tuổi nghỉ hưu"]].value is None   # NaN → empty cell
    ua = book["Đơn vị sau điều động"]
    first = next(ua.iter_rows(min_row=2, max_row=2))
    assert first[0].value == "00001" and first[0].number_format == "@"
    assert [c.value for c in first[6:10]] == [3, 4, 2, 2]
    assert all(type(c.value) is int for c in first[6:])


def test_xlsx_translates_machine_values(book):
    ws = book["Điều động"]
    col = header_index(ws)
    values = [r[col["Cách tính khoảng cách"]] for r in sheet_rows(ws)[1:]]
    assert values == ["Đường chim bay", "Đường bộ", "Đường chim bay", "Đường chim bay", "Đường bộ"]
    assert {r[col["Cấp thẩm quyền"]] for r in sheet_rows(ws)[1:]} == {"Cấp tỉnh"}


def test_xlsx_neutralises_text_not_numbers(book):
    ws = book["Điều động"]
    col = header_index(ws)
    rows = sheet_rows(ws)[1:]
    assert [r[col["Họ và tên"]] for r in rows] == ["'" + NAMES[0], "'+1", "'@x", "'-2",
                                                   "Nguyễn Văn An"]
    assert rows[3][col["Khoảng cách (km)"]] == -2.0
    assert isinstance(rows[3][col["Khoảng cách (km)"]], float)


def test_xlsx_has_no_formulas(written):
    out, _ = written
    with zipfile.ZipFile(out / "plan.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8")


def test_xlsx_layout_frozen_header_filter_widths(book):
    for sheet, n_cols, n_rows in (("Điều động", 20, 6), ("Đơn vị sau điều động", 16, 7),
                                  ("Còn thiếu", 17, 4), ("Cán bộ hỗ trợ", 12, 2)):
        ws = book[sheet]
        assert ws.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(n_cols)
        assert ws.auto_filter.ref == f"A1:{last}{n_rows}"
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
                  for j in range(1, n_cols + 1)]
        assert all(6 <= w <= 60 for w in widths)
        assert all(c.font.b for c in next(ws.iter_rows(max_row=1)))
    ws = book["Điều động"]
    col = header_index(ws)
    width = lambda label: ws.column_dimensions[  # noqa: E731
        openpyxl.utils.get_column_letter(col[label] + 1)].width
    assert width("Lý do") > width("Mã tỉnh đi")
    reason = make_transfers()["reason"][0]
    assert width("Lý do") == len(reason) + 2                  # by content length
    assert width("Thẩm quyền quyết định") == len("Chủ tịch UBND Thành phố Hà Nội") + 2
    assert width("Mã tỉnh đi") == len("Mã tỉnh đi") + 4       # header + room for the filter button


def test_xlsx_summary_sheet(book):
    ws = book["Tóm tắt"]
    assert ws["A1"].value == NOTE and ws["A1"].font.b
    pairs = {r[0]: r[1] for r in sheet_rows(ws) if r and r[0]}
    assert pairs["Trạng thái lời giải"] == "Tối ưu (optimal)"
    assert pairs["Số người được điều động"] == 5
    assert pairs["Số biên chế thiếu trước điều động"] == 9
    assert pairs["Số biên chế còn thiếu sau điều động"] == 3
    assert pairs["Tổng quãng đường điều động (km)"] == pytest.approx(20.96)
    assert pairs["Tỷ lệ lấp đầy chỗ thiếu"] == pytest.approx(6 / 9)
    assert pairs["Khoảng cách tối ưu (gap)"] is None                  # NaN → empty
    assert pairs["Kiểm tra độc lập"] == "Đạt (0 vi phạm)"
    assert "THIẾT LẬP KỊCH BẢN" in pairs
    assert pairs["Khoảng cách điều động tối đa (km)"] == 40.0
    assert pairs["Cho phép điều động liên tỉnh"] == "Không"
    assert pairs["Ngày lập kế hoạch"] == "2026-01-01"
    rate_row = next(r for r in ws.iter_rows() if r[0].value == "Tỷ lệ lấp đầy chỗ thiếu")
    assert rate_row[1].number_format == "0.0%"


def test_xlsx_summary_sheet_nested_values(tmp_path):
    """Dict-valued figures (a lexicographic objective) become a heading with labelled rows."""
    summary = make_summary() | {"objective": {"weighted_shortage_after": 6, "total_km": 20.96},
                                "check": {"passed": False, "violations": ["unit 00003: over"]},
                                "officers": {"posted": 1, "total_score": 2.5}}
    write_plan(make_plan(summary=summary), tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Tóm tắt"]
    rows = [r for r in sheet_rows(ws) if r and r[0]]
    at = [r[0] for r in rows].index("Giá trị hàm mục tiêu")
    assert rows[at][1] is None
    assert rows[at + 1] == ("    Thiếu có trọng số (× mức ưu tiên) sau điều động", 6)
    assert rows[at + 2] == ("    Tổng quãng đường điều động (km)", 20.96)
    pairs = {r[0]: r[1] for r in rows}
    assert pairs["Kiểm tra độc lập"] == "Không đạt (1 vi phạm)"
    assert pairs["    Vi phạm"] == "unit 00003: over"
    assert pairs["    Số tỉnh được cử cán bộ"] == 1


def test_xlsx_shortage_sheet_sorted_by_priority_times_shortage(book):
    ws = book["Còn thiếu"]
    rows = sheet_rows(ws)
    col = {label: i for i, label in enumerate(rows[0])}
    body = [(r[col["Mã đơn vị"]], r[col["Mã vị trí việc làm"]], r[col["Còn thiếu"]],
             r[col["Còn thiếu × mức ưu tiên"]]) for r in rows[1:]]
    # (00003, P01): 3 × 2 = 6 first; then the two 3s by unit code
    assert body == [("00003", "P01", 2, 6), ("00001", "P02", 3, 3), ("00002", "P02", 3, 3)]


def test_xlsx_notes_sheet(book):
    ws = book["Ghi chú"]
    assert ws["A1"].value == NOTE and ws["A1"].font.b
    rows = sheet_rows(ws)
    described = {(r[0], r[2]): r[3] for r in rows if r[0] in SHEETS}
    assert described[("Điều động", "km")] == vocabulary.DESCRIPTIONS_VI["km"]
    assert ("Đơn vị sau điều động", "shortage_after") in described
    assert ("Cán bộ hỗ trợ", "score") in described


def test_xlsx_reads_with_pandas_keeping_zeros(written):
    out, _ = written
    frames = pd.read_excel(out / "plan.xlsx", sheet_name=None,
                           converters={"Mã công chức": str, "Mã đơn vị": str})
    assert list(frames) == SHEETS
    assert frames["Điều động"]["Mã công chức"].tolist()[0] == "00004"
    assert frames["Đơn vị sau điều động"]["Mã đơn vị"].tolist()[0] == "00001"
    assert frames["Đơn vị sau điều động"]["Số hiện có"].tolist() == [4, 0, 2, 0, 0, 2]


# --------------------------------------------------------------------------- determinism

def test_byte_identical_twice(tmp_path):
    a = write_plan(make_plan(), tmp_path / "a")
    b = write_plan(make_plan(), tmp_path / "b")
    for pa, pb in zip(a, b):
        assert pa.name == pb.name and pa.read_bytes() == pb.read_bytes(), pa.name


def test_xlsx_has_no_clock_times(written):
    """A timestamp from the clock would make two runs differ: all dates are the plan date."""
    out, _ = written
    with zipfile.ZipFile(out / "plan.xlsx") as z:
        infos = z.infolist()
        assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
        assert infos[0].filename == "[Content_Types].xml"
        core = z.read("docProps/core.xml").decode("utf-8")
    stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]+)<", core)
    assert stamps == [("created", "2026-01-01T00:00:00Z"), ("modified", "2026-01-01T00:00:00Z")]


def test_large_plan_chunks_are_seamless(tmp_path, monkeypatch):
    """Rows are formatted in chunks: row numbers and values must run on across chunks."""
    monkeypatch.setattr(tabular, "CHUNK_ROWS", 4)
    ua = pd.concat([make_units_after()] * 3, ignore_index=True)
    ua["unit_code"] = [f"{i:05d}" for i in range(len(ua))]
    write_plan(make_plan(units_after=ua), tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Đơn vị sau điều động"]
    rows = sheet_rows(ws)
    assert len(rows) == 19
    assert [r[0] for r in rows[1:]] == ua["unit_code"].tolist()
    assert [r[7] for r in rows[1:]] == ua["staff_before"].tolist()


# --------------------------------------------------------------------------- edge cases

def test_empty_plan_writes_headers(tmp_path):
    summary = {"status": "infeasible", "moves": 0, "shortage_before": 0, "shortage_after": 0}
    plan = make_plan(transfers=pd.DataFrame(), units_after=pd.DataFrame(), summary=summary,
                     postings=pd.DataFrame())
    paths = write_plan(plan, tmp_path)
    assert [p.name for p in paths] == ["transfers.csv", "units_after.csv", "summary.json",
                                       "postings.csv", "plan.xlsx"]
    assert read_csv_rows(tmp_path / "transfers.csv") == [TRANSFER_COLUMNS]
    assert read_csv_rows(tmp_path / "units_after.csv") == [UNITS_AFTER_COLUMNS]
    assert read_csv_rows(tmp_path / "postings.csv") == [POSTINGS_COLUMNS]
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["moves"] == 0
    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert wb.sheetnames == SHEETS
    assert sheet_rows(wb["Điều động"]) == [tuple(LABELS_VI[c] for c in TRANSFER_COLUMNS)]
    assert len(sheet_rows(wb["Còn thiếu"])) == 1
    assert wb["Điều động"].auto_filter.ref == "A1:T1"
    pairs = {r[0]: r[1] for r in sheet_rows(wb["Tóm tắt"]) if r and r[0]}
    assert pairs["Trạng thái lời giải"] == "Không khả thi (infeasible)"


def test_no_transfers_but_units(tmp_path):
    empty = make_transfers().iloc[0:0]
    write_plan(make_plan(transfers=empty), tmp_path)
    assert read_csv_rows(tmp_path / "transfers.csv") == [TRANSFER_COLUMNS]
    assert len(read_csv_rows(tmp_path / "units_after.csv")) == 7


def test_missing_contract_column_raises(tmp_path):
    with pytest.raises(ValueError, match="km"):
        write_plan(make_plan(transfers=make_transfers().drop(columns=["km"])), tmp_path)
    with pytest.raises(ValueError, match="quota"):
        write_plan(make_plan(units_after=make_units_after().drop(columns=["quota"])), tmp_path)


def test_scenario_as_dict_and_codes_given_as_numbers(tmp_path):
    ua = make_units_after()
    ua["priority"] = ua["priority"].astype(float)         # whole floats are written as ints
    tr = make_transfers()
    tr["transfer_no"] = tr["transfer_no"].astype("int32")
    plan = make_plan(scenario={"name": "d", "plan_date": "2025-07-01", "max_km": 25},
                     units_after=ua, transfers=tr)
    write_plan(plan, tmp_path)
    rows = read_csv_rows(tmp_path / "units_after.csv")
    assert [r[6] for r in rows[1:]] == ["3", "1", "3", "1", "3", "1"]
    with zipfile.ZipFile(tmp_path / "plan.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 7, 1, 0, 0, 0)}
    data = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert data["scenario"] == {"name": "d", "plan_date": "2025-07-01", "max_km": 25}


def test_illegal_xml_characters_do_not_corrupt_the_workbook(tmp_path):
    tr = make_transfers()
    tr.loc[0, "full_name"] = "Lê\x00Văn\x0bBa"
    write_plan(make_plan(transfers=tr), tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Điều động"]
    assert ws["C2"].value == "Lê\ufffdVăn\ufffdBa"
    assert read_csv_rows(tmp_path / "transfers.csv")[1][2] == "Lê\x00Văn\x0bBa"


# Text that survives a round trip through both files: any XML-legal character except
# Excel's own `_xHHHH_` escape (which Excel, but not openpyxl, decodes).
_cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",),
                           blacklist_characters="".join(map(chr, range(32))) + "\ufffe\uffff")
    | st.sampled_from(["\t", "\n", "\r", " ", "=", "+", "-", "@", ",", '"', "&", "<", "ế"]),
    min_size=1, max_size=30,
).filter(lambda s: not re.search(r"_x[0-9A-Fa-f]{4}_", s))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_cell_text)
def test_any_text_round_trips_through_csv_and_xlsx(tmp_path_factory, text):
    out = tmp_path_factory.mktemp("rt")
    tr = make_transfers()
    tr.loc[1, "full_name"] = text
    tr.loc[2, "reason"] = text
    write_plan(make_plan(transfers=tr), out)
    rows = read_csv_rows(out / "transfers.csv")
    assert rows[2][2] == neutralise(text)
    assert rows[3][-1] == neutralise(text)
    ws = openpyxl.load_workbook(out / "plan.xlsx")["Điều động"]
    assert ws["C3"].value == neutralise(text)
    assert ws.cell(row=4, column=20).value == neutralise(text)


def test_xlsx_keeps_edge_spaces_for_excel(tmp_path):
    """Excel trims a string's edge spaces unless it says xml:space="preserve"."""
    tr = make_transfers()
    tr.loc[0, "full_name"] = " Lê Văn Ba "
    write_plan(make_plan(transfers=tr), tmp_path)
    with zipfile.ZipFile(tmp_path / "plan.xlsx") as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert '<t xml:space="preserve"> Lê Văn Ba </t>' in strings
    assert "<t>Nguyễn Văn An</t>" in strings


def test_csv_header_only_bytes(tmp_path):
    plan = make_plan(transfers=pd.DataFrame(), postings=None)
    write_plan(plan, tmp_path)
    raw = (tmp_path / "transfers.csv").read_bytes()
    assert raw == b"\xef\xbb\xbf" + (",".join(TRANSFER_COLUMNS) + "\n").encode()


def test_write_plan_accepts_str_path(tmp_path):
    paths = write_plan(make_plan(), str(tmp_path))
    assert all(isinstance(p, Path) for p in paths)
    assert io.BytesIO((tmp_path / "plan.xlsx").read_bytes()).read(2) == b"PK"


# --------------------------------------------------------------------------- the public writers

def test_write_csv_table_and_workbook_for_any_table(tmp_path):
    from optimizer.output.tables import Sheet, TextSheet, write_csv_table, write_workbook
    df = pd.DataFrame({"unit_code": ["00001", "=2"], "score": [2.5, 1.0], "km": [1.0, 2.25],
                       "ok": [True, False], "status": ["optimal", "feasible"]})
    path = write_csv_table(df, tmp_path / "t.csv", decimals={"score": None, "ok": 0})
    assert path == tmp_path / "t.csv"
    assert read_csv_rows(path) == [["unit_code", "score", "km", "ok", "status"],
                                   ["00001", "2.5", "1.000", "1", "optimal"],
                                   ["'=2", "1", "2.250", "0", "feasible"]]
    sheets = [Sheet("Bảng", df, {"unit_code": "Mã đơn vị"}, {"status": vocabulary.STATUS_VI}),
              TextSheet("Ghi chú", [[("Tiêu đề", "bold"), 3.5], [], ["-x"]], (20, 40))]
    a = write_workbook(tmp_path / "a.xlsx", sheets, date=dt.date(2025, 7, 1), title="t")
    b = write_workbook(tmp_path / "b.xlsx", sheets, date=dt.date(2025, 7, 1), title="t")
    assert a.read_bytes() == b.read_bytes()
    wb = openpyxl.load_workbook(a)
    assert wb.sheetnames == ["Bảng", "Ghi chú"]
    ws = wb["Bảng"]
    assert [c.value for c in ws[1]] == ["Mã đơn vị", "score", "km", "ok", "status"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E3"
    assert ws["A2"].value == "00001" and ws["A2"].number_format == "@" and ws["A3"].value == "'=2"
    assert ws["E2"].value == "Tối ưu" and ws["D2"].value is True
    notes = sheet_rows(wb["Ghi chú"])
    assert notes[0] == ("Tiêu đề", 3.5) and notes[2][0] == "'-x"
    assert wb["Ghi chú"]["A1"].font.b
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 7, 1, 0, 0, 0)}
    with pytest.raises(ValueError, match="style"):
        write_workbook(tmp_path / "c.xlsx", [TextSheet("x", [[("a", "shiny")]])])
    with pytest.raises(ValueError, match="two sheets"):
        write_workbook(tmp_path / "c.xlsx", [TextSheet("x", []), TextSheet("x", [])])


def test_column_lists_have_one_definition():
    from optimizer import officers, plan
    from optimizer.reassign import selection
    assert export.TRANSFER_COLUMNS == tuple(selection.TRANSFER_COLUMNS)
    assert export.UNITS_AFTER_COLUMNS == plan.UNITS_AFTER_COLUMNS
    assert export.POSTINGS_COLUMNS + ("priority",) == officers.POSTINGS_COLUMNS
