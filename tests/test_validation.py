"""models.validation: every rule has a satisfied and a violated case, located exactly.

Cells are addressed as the planner sees them: `tables[t][i]` is row i + 1 of the file
(the header is row 1).
"""
import unicodedata

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from datasets import tiny_tables
from models.io import dataset_from_rows
from models.tables import TABLES, columns, normalise_text
from models.validation import DatasetError, Problem, check_table


def problems_of(tables) -> list[Problem]:
    try:
        dataset_from_rows(tables)
    except DatasetError as e:
        return e.problems
    return []


def with_cell(table, row, column, value):
    """The tiny dataset with one cell changed (`row` as the planner sees it: 2 = first data row)."""
    t = tiny_tables()
    t[table][row - 1][t[table][0].index(column)] = value
    return t


def test_the_tiny_dataset_is_valid():
    ds = dataset_from_rows(tiny_tables())
    assert ds.counts() == {"provinces": 2, "units": 5, "positions": 3, "staff": 8, "quotas": 9,
                           "officers": 2, "province_needs": 3, "distances": 1, "conversions": 1}


def test_problem_names_table_row_column_and_value():
    p = Problem("staff", 4, "unit_code", "77777", "unknown unit (not in table units)")
    assert str(p) == "staff row 4, column unit_code, value '77777': unknown unit (not in table units)"
    assert str(Problem("officers", None, None, None, "table is missing")) == "officers: table is missing"


def test_dataset_error_lists_every_problem():
    ps = [Problem("staff", 2, "gender", "X", "unknown gender"), Problem("quotas", 3, "quota", "-1", "bad")]
    text = str(DatasetError(ps, "somewhere"))
    assert text.splitlines()[0] == "2 problems in somewhere:"
    assert all(str(p) in text for p in ps)


# (table, row, column, good values, bad value, message): one line a rule of the row models
CELL_RULES = [
    ("provinces", 2, "name", ["Hà Nội"], "", "required value is empty"),
    ("provinces", 2, "lat", ["-90", "90", ""], "90.5", "must be ≤ 90"),
    ("provinces", 2, "lat", ["21"], "abc", "not a number"),
    ("provinces", 3, "lon", ["180", "-180"], "-180.1", "must be ≥ -180"),
    ("units", 2, "unit_type", ["Đặc khu", "XÃ", "phuong"], "thị trấn", "unknown unit_type"),
    ("units", 3, "lat", ["8.5"], "", "required value is empty"),
    ("units", 3, "lat", ["8.5"], "1e999", "not a finite number"),
    ("units", 3, "lon", ["102.1"], "200", "must be ≤ 180"),
    ("units", 4, "area_km2", ["0", ""], "-1", "must be ≥ 0"),
    ("units", 4, "population", ["0", "1e5"], "-5", "must be ≥ 0"),
    ("units", 5, "remote", ["KHÔNG", "Có", "1", ""], "maybe", "not a boolean"),
    ("positions", 2, "group", ["Leadership", "SUPPORT"], "manager", "unknown group"),
    ("positions", 3, "priority", ["1", "", "2.0"], "0", "must be ≥ 1"),
    ("positions", 3, "priority", ["5"], "1.5", "not a whole number"),
    ("staff", 2, "staff_id", ["X9"], "", "required value is empty"),
    ("staff", 3, "birth_date", ["2024-02-29", "1900-01-01"], "1990-13-45", "impossible date"),
    ("staff", 3, "birth_date", ["1990-05-01"], "2023-02-30", "impossible date"),
    ("staff", 3, "birth_date", ["1990-05-01"], "1990/05/01", "not a date (write yyyy-mm-dd or dd/mm/yyyy)"),
    ("staff", 3, "birth_date", ["1990-05-01"], "1899-12-31", "must be ≥ 1900-01-01"),
    ("staff", 4, "gender", ["f", "M"], "X", "unknown gender"),
    ("staff", 4, "movable", ["có", "No", ""], "maybe", "not a boolean"),
    ("quotas", 3, "quota", ["0", "3.0", "12"], "-1", "must be ≥ 0"),
    ("quotas", 3, "quota", ["2"], "1.5", "not a whole number"),
    ("quotas", 3, "quota", ["2"], "two", "not a number"),
    ("quotas", 3, "quota", ["2"], "", "required value is empty"),
    ("officers", 2, "seniority", ["0", ""], "-2", "must be ≥ 0"),
    ("officers", 2, "seniority", ["0"], "2.5", "not a whole number"),
    ("officers", 3, "expertise", ["a", "a;;b"], ";", "not in the expected form"),
    ("officers", 3, "full_name", ["Đỗ Thị Hai"], "", "required value is empty"),
    ("province_needs", 2, "weight", ["0", "0.25"], "-0.5", "must be ≥ 0"),
    ("province_needs", 2, "weight", ["1"], "x", "not a number"),
    ("distances", 2, "km", ["0", "3.75"], "-3", "must be ≥ 0"),
]


@pytest.mark.parametrize("table, row, column, goods, bad, message", CELL_RULES,
                         ids=[f"{r[0]}.{r[2]}={r[4]!r}" for r in CELL_RULES])
def test_cell_rule(table, row, column, goods, bad, message):
    for good in goods:
        assert problems_of(with_cell(table, row, column, good)) == [], good
    found = problems_of(with_cell(table, row, column, bad))
    assert len(found) == 1
    p = found[0]
    assert (p.table, p.row, p.column, p.value) == (table, row, column, bad)
    assert message in p.message


# (table, a row to copy) for each table's key; the copy becomes the last row
@pytest.mark.parametrize("table, source_row", [
    ("provinces", 3), ("units", 4), ("positions", 2), ("staff", 5), ("quotas", 6),
    ("officers", 2), ("province_needs", 3), ("distances", 2)])
def test_duplicate_key(table, source_row):
    t = tiny_tables()
    t[table].append(list(t[table][source_row - 1]))
    found = problems_of(t)
    key = TABLES[table].KEY
    label = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
    new_row = len(t[table])
    assert [(p.table, p.row, p.column) for p in found] == [(table, new_row, label)]
    assert found[0].value == ", ".join(t[table][source_row - 1][t[table][0].index(k)] for k in key)
    assert f"first in row {source_row}" in found[0].message


def test_keys_may_repeat_their_parts():
    # tiny quotas repeat units and positions, needs repeat provinces; only whole keys count
    t = tiny_tables()
    t["distances"].append(["00070", "00004", "2.5"])   # the reverse pair, same km: allowed
    assert problems_of(t) == []


# (table, row, column, good value, bad value, message)
REFERENCE_RULES = [
    ("units", 2, "province_code", "08", "99", "unknown province (not in table provinces)"),
    ("staff", 2, "unit_code", "02300", "77777", "unknown unit (not in table units)"),
    ("staff", 2, "position_code", "VP", "XX", "unknown position (not in table positions)"),
    ("staff", 2, "home_unit_code", "", "4", "unknown unit (not in table units)"),
    ("quotas", 7, "unit_code", "00004", "00005", "unknown unit (not in table units)"),
    ("quotas", 2, "position_code", "CT", "dc", "unknown position (not in table positions)"),
    ("officers", 2, "home_province_code", "08", "1", "unknown province (not in table provinces)"),
    ("province_needs", 2, "province_code", "08", "02", "unknown province (not in table provinces)"),
    ("distances", 2, "from_unit", "09999", "0004", "unknown unit (not in table units)"),
    ("distances", 2, "to_unit", "02300", "70", "unknown unit (not in table units)"),
]


@pytest.mark.parametrize("table, row, column, good, bad, message", REFERENCE_RULES,
                         ids=[f"{r[0]}.{r[2]}" for r in REFERENCE_RULES])
def test_reference_rule(table, row, column, good, bad, message):
    assert problems_of(with_cell(table, row, column, good)) == []
    found = problems_of(with_cell(table, row, column, bad))
    assert [(p.table, p.row, p.column, p.value, p.message) for p in found] == [(table, row, column, bad, message)]


@pytest.mark.parametrize("table", ["provinces", "units", "positions", "staff", "quotas"])
def test_a_required_table_missing(table):
    t = tiny_tables()
    del t[table]
    found = [p for p in problems_of(t) if p.table == table]
    assert len(found) == 1 and found[0].row is None and "required table is missing" in found[0].message


@pytest.mark.parametrize("present, missing", [("officers", "province_needs"), ("province_needs", "officers")])
def test_officers_and_needs_go_together(present, missing):
    t = tiny_tables()
    del t[missing]
    found = problems_of(t)
    assert [(p.table, p.row) for p in found] == [(missing, None)]
    assert present in found[0].message and "missing" in found[0].message


def test_optional_tables_may_be_absent():
    t = tiny_tables()
    for name in ("officers", "province_needs", "distances", "conversions"):
        del t[name]
    ds = dataset_from_rows(t)
    assert ds.officers is None and ds.province_needs is None and ds.distances is None
    assert ds.conversions is None
    assert not ds.has_officers


REQUIRED_COLUMNS = [(t, c.name) for t, m in TABLES.items() for c in columns(m)
                    if c.required and t in tiny_tables()]


@pytest.mark.parametrize("table, column", REQUIRED_COLUMNS, ids=[f"{t}.{c}" for t, c in REQUIRED_COLUMNS])
def test_a_required_column_missing(table, column):
    t = tiny_tables()
    t.update(decisions=[["staff_id", "decision", "to_unit", "reason"], ["S01", "keep", "", ""]],
             wishes=[["staff_id", "unit_code", "rank"], ["S01", "00070", "1"]])
    i = t[table][0].index(column)
    t[table] = [r[:i] + r[i + 1:] for r in t[table]]
    found = problems_of(t)
    # only the missing column is reported: references from and to it are not checked
    assert [(p.table, p.row, p.column, p.message) for p in found] == [
        (table, 1, column, "required column is missing")]


def test_optional_columns_may_be_absent_and_take_their_defaults():
    t = tiny_tables()
    t["positions"] = [r[:3] for r in t["positions"]]           # no priority
    t["staff"] = [r[:5] for r in t["staff"]]                   # no movable, full_name, home_unit_code
    ds = dataset_from_rows(t)
    assert ds.positions["priority"].tolist() == [1, 1, 1]
    assert ds.staff["movable"].all() and (ds.staff["full_name"] == "").all()


def test_header_problems():
    t = tiny_tables()
    t["quotas"][0].append("quota")                 # a column twice
    for r in t["quotas"][1:]:
        r.append("9")
    t["units"][0].append("")                       # values under no name
    t["units"][2].append("oops")
    for r in t["units"][1:]:
        r.extend([""] * (len(t["units"][0]) - len(r)))
    t["staff"][0].append("_row")                   # reserved
    for r in t["staff"][1:]:
        r.append("1")
    found = problems_of(t)
    assert {(p.table, p.row, p.column) for p in found} == {("quotas", 1, "quota"), ("units", 1, None),
                                                           ("staff", 1, "_row")}
    assert any("column J has values but no name" in p.message for p in found)


def test_a_semicolon_separated_file_gets_a_hint():
    t = tiny_tables()
    t["quotas"] = [[";".join(r)] for r in t["quotas"]]
    found = problems_of(t)
    assert any("separate the columns with commas" in p.message for p in found)


def test_a_distance_given_both_ways_must_agree():
    t = tiny_tables()
    t["distances"].append(["00070", "00004", "3"])
    found = problems_of(t)
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("distances", 3, "km", "3")]
    assert "in row 2 has km 2.5" in found[0].message


def test_every_problem_is_collected_not_only_the_first():
    t = with_cell("staff", 3, "unit_code", "77777")
    t["quotas"][3][2] = "-1"
    t["staff"][3][3] = "1990-13-45"
    t["units"][2][3] = "huyện"
    t["positions"].append(["DC", "again", "common", "1"])
    del t["officers"]
    found = problems_of(t)
    assert {(p.table, p.row, p.column) for p in found} == {
        ("staff", 3, "unit_code"), ("quotas", 4, "quota"), ("staff", 4, "birth_date"),
        ("units", 3, "unit_type"), ("positions", 5, "position_code"), ("officers", None, None)}
    # ordered by table (contract order), then row
    order = ["provinces", "units", "positions", "staff", "quotas", "officers"]
    keys = [(order.index(p.table), -1 if p.row is None else p.row) for p in found]
    assert keys == sorted(keys)


def test_two_problems_in_one_cell_are_one_problem():
    found = problems_of(with_cell("quotas", 2, "quota", "-1.5"))
    assert len(found) == 1 and found[0].message == "not a whole number"


# --------------------------------------------------------------------------- property:
# the vectorised checks accept and reject exactly the rows the pydantic row models do


def _variants(*texts):
    out = []
    for t in texts:
        out += [t, t.upper(), t.title(), unicodedata.normalize("NFD", t), f" {t} "]
    return out


POOLS = {
    "text": ["", " ", "A1", "00004", "Xã Sóc Sơn", unicodedata.normalize("NFD", "Phường"), ";", "a;b",
             " ;; ", "\u00a0x\u00a0"],
    "number": ["", "0", "-0", "1.5", "-90", "90", "90.0001", "-180.5", "180", "1e3", "1e999", ".5", "5.",
               "abc", "1,5", "nan", "inf", "+3", " 12 ", "1_0", "١", "-1", "3.0", "2.5", "9007199254740993",
               "1e16", "007"],
    "date": ["", "1990-05-01", "1990-13-45", "2023-02-30", "2024-02-29", "2023-02-29", "1990/05/01",
             "1990-5-1", "0000-01-01", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01",
             "9999-12-31", "1990-05-01 00:00:00"],
    "bool": ["", "y", "2", "t", *_variants("true", "false", "1", "0", "yes", "no", "có", "không")],
    "choice": ["", "x", "thị trấn", *_variants("xa", "phuong", "dac_khu", "Xã", "Phường", "Đặc khu",
                                                "M", "F", "leadership", "professional", "common", "support")],
}


def _cell(kind):
    pool = POOLS["number" if kind == "whole" else kind]
    extra = st.text(max_size=6)
    if kind in ("number", "whole"):
        extra = st.one_of(st.integers(-200, 10**6).map(str), st.floats(allow_nan=False).map(repr), extra)
    elif kind == "date":
        extra = st.dates().map(lambda d: d.strftime("%Y-%m-%d"))
    return st.one_of(st.sampled_from(pool), extra)


@st.composite
def random_rows(draw, table):
    spec = columns(TABLES[table])
    n = draw(st.integers(1, 12))
    return [[draw(_cell(c.kind)) for c in spec] for _ in range(n)]


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and a != a):
        return b is None or (isinstance(b, float) and b != b) or b is pd.NaT
    if isinstance(b, pd.Timestamp):
        return b.date() == a
    return a == b


@pytest.mark.parametrize("table", list(TABLES))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_vectorised_checks_agree_with_the_row_models(table, data):
    rows = data.draw(random_rows(table))
    model = TABLES[table]
    names = [c.name for c in columns(model)]
    frame = pd.DataFrame([[normalise_text(v) for v in r] for r in rows], columns=names, dtype=str,
                         index=range(2, 2 + len(rows)))
    typed, problems, _ = check_table(table, frame)
    refused_by_checks = {p.row for p in problems}
    refused_by_model, accepted = set(), {}
    for i, row in enumerate(rows, start=2):
        try:
            accepted[i] = model.model_validate(dict(zip(names, row)))
        except ValidationError:
            refused_by_model.add(i)
    assert refused_by_checks == refused_by_model
    for i, obj in accepted.items():
        got = typed.loc[typed["_row"] == i].iloc[0]
        for name in names:
            assert _same(getattr(obj, name), got[name]), (name, getattr(obj, name), got[name])
