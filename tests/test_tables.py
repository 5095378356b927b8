"""models.tables: the row models are the contract's columns, types, enums and defaults."""
import unicodedata
from datetime import date

import pytest
from pydantic import ValidationError

from models.tables import (
    OPTIONAL_TABLES, REQUIRED_TABLES, TABLES, UNIT_TYPES, OfficerRow, PositionRow, StaffRow,
    UnitRow, columns, parse_bool, parse_date, parse_number, parse_whole,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# docs/contract.md §1, copied by hand: (column, required)
CONTRACT_COLUMNS = {
    "provinces": [("province_code", True), ("name", True), ("lat", False), ("lon", False)],
    "units": [("unit_code", True), ("name", True), ("province_code", True), ("unit_type", True),
              ("lat", True), ("lon", True), ("area_km2", False), ("population", False), ("remote", False)],
    "positions": [("position_code", True), ("name", True), ("group", True), ("priority", False)],
    "staff": [("staff_id", True), ("unit_code", True), ("position_code", True), ("birth_date", True),
              ("gender", True), ("movable", False), ("full_name", False), ("home_unit_code", False),
              ("exempt_reason", False)],   # §8 (issue 13)
    "quotas": [("unit_code", True), ("position_code", True), ("quota", True)],
    "officers": [("officer_id", True), ("full_name", True), ("home_province_code", True),
                 ("expertise", True), ("seniority", False)],
    "province_needs": [("province_code", True), ("area", True), ("weight", True)],
    "distances": [("from_unit", True), ("to_unit", True), ("km", True)],
    # docs/contract.md §8
    "decisions": [("staff_id", True), ("decision", True), ("to_unit", False), ("reason", False)],
    "wishes": [("staff_id", True), ("unit_code", True), ("rank", True)],
    "conversions": [("from_position", True), ("to_position", True), ("training_months", True),
                    ("training_cost_vnd", False)],
}


@pytest.mark.parametrize("table", list(CONTRACT_COLUMNS))
def test_row_models_have_the_contract_columns_in_order(table):
    assert [(c.name, c.required) for c in columns(TABLES[table])] == CONTRACT_COLUMNS[table]


def test_required_and_optional_tables():
    assert REQUIRED_TABLES == ("provinces", "units", "positions", "staff", "quotas")
    assert OPTIONAL_TABLES == ("officers", "province_needs", "distances", "areas", "decisions", "wishes",
                               "conversions")
    assert list(TABLES) == [*REQUIRED_TABLES, *OPTIONAL_TABLES]


def test_keys_and_references():
    assert TABLES["quotas"].KEY == ("unit_code", "position_code")
    assert TABLES["distances"].KEY == ("from_unit", "to_unit")
    assert TABLES["province_needs"].KEY == ("province_code", "area")
    assert TABLES["staff"].REFERENCES == {"unit_code": ("units", "unit_code"),
                                          "position_code": ("positions", "position_code"),
                                          "home_unit_code": ("units", "unit_code")}
    assert TABLES["officers"].REFERENCES == {"home_province_code": ("provinces", "province_code")}


@pytest.mark.parametrize("text", ["true", "TRUE", "True", "1", "yes", "YES", "có", "CÓ", "Có",
                                  nfd("có"), nfd("CÓ"), " yes ", True, 1])
def test_parse_bool_true(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["false", "FALSE", "0", "no", "No", "không", "KHÔNG", nfd("không"),
                                  nfd("Không"), False, 0])
def test_parse_bool_false(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["", "y", "n", "2", "maybe", "co", "khong", "t", None, 2])
def test_parse_bool_rejects(text):
    with pytest.raises(ValueError):
        parse_bool(text)


@pytest.mark.parametrize("label, code", [
    ("xa", "xa"), ("XA", "xa"), ("phuong", "phuong"), ("dac_khu", "dac_khu"), ("DAC_KHU", "dac_khu"),
    ("Xã", "xa"), ("XÃ", "xa"), ("xã", "xa"), (nfd("Xã"), "xa"),
    ("Phường", "phuong"), ("PHƯỜNG", "phuong"), (nfd("phường"), "phuong"),
    ("Đặc khu", "dac_khu"), ("ĐẶC KHU", "dac_khu"), (nfd("Đặc khu"), "dac_khu"), (" Đặc khu ", "dac_khu"),
])
def test_unit_type_labels(label, code):
    row = UnitRow.model_validate({"unit_code": "1", "name": "x", "province_code": "01",
                                  "unit_type": label, "lat": "21", "lon": "105"})
    assert row.unit_type == code
    assert set(UNIT_TYPES.values()) == {"xa", "phuong", "dac_khu"}


@pytest.mark.parametrize("label", ["thị trấn", "huyện", "xa phuong", "dac khu", ""])
def test_unknown_unit_type_is_refused(label):
    with pytest.raises(ValidationError, match="unit_type"):
        UnitRow.model_validate({"unit_code": "1", "name": "x", "province_code": "01",
                                "unit_type": label, "lat": "21", "lon": "105"})


@pytest.mark.parametrize("text, value", [("0", 0.0), ("-3.5", -3.5), (".5", 0.5), ("5.", 5.0),
                                         ("1e3", 1000.0), ("+2", 2.0), ("1E-2", 0.01)])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,5", "1_000", "nan", "inf", "1e999", "١٢", "--1", "1.2.3"])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text, value", [("3", 3), ("3.0", 3), ("1e3", 1000), ("-2", -2), ("007", 7)])
def test_parse_whole(text, value):
    assert parse_whole(text) == value


@pytest.mark.parametrize("text, message", [("1.5", "not a whole number"), ("1e16", "too large"),
                                           ("x", "not a number")])
def test_parse_whole_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_whole(text)


@pytest.mark.parametrize("text, message", [
    ("1990-13-45", "impossible date"), ("2023-02-30", "impossible date"), ("2023-02-29", "impossible date"),
    ("1990/05/01", "not a date"), ("1990-5-1", "not a date"), ("14/05/84", "not a date"),
    ("1990-05-01 00:00:00", "not a date"), ("31/04/1990", "impossible date"),
])
def test_parse_date_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


@pytest.mark.parametrize("text", ["14/05/1984", "14-05-1984", "14.05.1984", "14/5/1984", "1984-05-14"])
def test_parse_date_reads_day_month_year_as_well(text):
    """Issue 9: dates written dd/mm/yyyy, the Vietnamese convention (day first)."""
    assert parse_date(text) == date(1984, 5, 14)


def test_parse_date_reads_a_short_day_first():
    assert parse_date("4/5/1984") == date(1984, 5, 4)


def test_parse_date_accepts_a_leap_day():
    assert parse_date("2024-02-29") == date(2024, 2, 29)


def test_staff_row_defaults_and_normalisation():
    row = StaffRow.model_validate({"staff_id": " A1 ", "unit_code": "00004", "position_code": "DC",
                                   "birth_date": "1990-05-01", "gender": "f", "movable": "",
                                   "full_name": nfd("Nguyễn Thị Ánh"), "note": "extra"})
    assert row.staff_id == "A1" and row.unit_code == "00004"
    assert row.gender == "F" and row.movable is True and row.home_unit_code == ""
    assert row.full_name == "Nguyễn Thị Ánh" and unicodedata.is_normalized("NFC", row.full_name)
    assert row.model_extra == {"note": "extra"}   # extra columns are carried along


def test_defaults_of_priority_seniority_remote():
    assert PositionRow.model_validate({"position_code": "P", "name": "x", "group": "Support"}).priority == 1
    assert OfficerRow.model_validate({"officer_id": "O", "full_name": "x", "home_province_code": "01",
                                      "expertise": "a"}).seniority == 0
    unit = UnitRow.model_validate({"unit_code": "1", "name": "x", "province_code": "01",
                                   "unit_type": "xa", "lat": "21", "lon": "105"})
    assert unit.remote is False and unit.area_km2 is None


def test_a_row_model_reports_every_bad_field():
    with pytest.raises(ValidationError) as e:
        StaffRow.model_validate({"staff_id": "", "unit_code": "U", "position_code": "P",
                                 "birth_date": "2023-02-30", "gender": "X", "movable": "maybe"})
    assert {err["loc"][0] for err in e.value.errors()} == {"staff_id", "birth_date", "gender", "movable"}


def test_a_missing_required_column_is_refused():
    with pytest.raises(ValidationError, match="quota"):
        TABLES["quotas"].model_validate({"unit_code": "U", "position_code": "P"})
