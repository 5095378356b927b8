"""data/national_build: the package that builds the shipped national dataset.

Fast checks only (the national rebuild itself takes a minute and is not run here): the
package takes its retirement rule and its distance from `models`, its pure career and
exemption models keep their promises, its self-check reports the contract's own problems,
and the shipped staff table keeps the promises of its extra columns.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import models.geo
import models.retirement

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "data" / "national_build"
sys.path.append(str(ROOT / "data"))   # the build package lives next to the data

from national_build import admin_map, calibration, career, exemptions, figures, roster, write  # noqa: E402
from national_build.facts import PLAN_DATE  # noqa: E402


# --------------------------------------------------------------------------- one rule, one distance

def test_retirement_and_distance_are_the_models_own():
    for module in (calibration, write, figures):
        assert module.retirement_dates is models.retirement.retirement_dates
    for module in (admin_map, roster, calibration):
        assert module.haversine_km is models.geo.haversine_km


def _sources():
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(PACKAGE.glob("*.py"))}


def test_no_second_retirement_rule_or_distance_formula_in_the_package():
    for name, text in _sources().items():
        defined = {n.name for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)}
        assert not {d for d in defined if "haversine" in d or "retire" in d}, name
        assert "arcsin" not in text and "6371" not in text, name   # no great-circle formula
        assert "60 * 12" not in text and "55 * 12" not in text, name   # no retirement ages


def test_no_module_of_the_package_over_500_lines():
    for name, text in _sources().items():
        assert text.count("\n") <= 500, name


def test_no_import_circle_inside_the_package():
    graph = {}
    for name, text in _sources().items():
        deps = set()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps |= {node.module} if node.module else {a.name for a in node.names}
        graph[name[:-3]] = deps - {name[:-3]}
    done: set[str] = set()

    def visit(module, path):
        assert module not in path, f"import circle: {' -> '.join([*path, module])}"
        if module in done:
            return
        for dep in graph.get(module, ()):
            visit(dep, [*path, module])
        done.add(module)

    for module in graph:
        visit(module, [])
    assert graph["cli"] >= {"admin_map", "quotas", "counts", "roster", "officers", "write"}


def test_fill_ceiling_measures_distance_with_the_models_formula():
    # two units 0.3° of latitude apart (≈ 33.4 km): one surplus, one shortage
    km = float(models.geo.haversine_km(21.0, 105.0, 21.3, 105.0))
    u = pd.DataFrame({"unit_code": ["A", "B"], "lat": [21.0, 21.3], "lon": [105.0, 105.0],
                      "province_code": ["01", "01"]})
    b = pd.DataFrame({"unit_code": ["A", "B"], "position_code": ["DC", "DC"],
                      "give": [1, 0], "shortage": [0, 1]})
    assert calibration.fill_ceiling(b, u, max_km=km + 0.01)["fillable"] == 1
    assert calibration.fill_ceiling(b, u, max_km=km - 0.01)["fillable"] == 0


# --------------------------------------------------------------------------- careers

def test_pay_scale_steps_and_beyond_the_scale():
    rank = np.array(["A1"] * 6 + ["B", "A2.1"], dtype=object)
    years = np.array([0, 2.9, 3, 24, 27, 30, 2, 0], dtype=float)
    coef, beyond = career._coefficient(rank, years, np.zeros(8, dtype=np.int64))
    assert coef.tolist() == [234, 234, 267, 498, 498, 498, 206, 440]
    assert beyond.tolist() == [0, 0, 0, 0, 5, 8, 0, 0]


def test_monthly_salary_is_the_base_salary_times_the_coefficients():
    assert career.monthly_salary([234], [0], [0]).tolist() == [5_475_600]          # 2.34 × 2,340,000
    assert career.monthly_salary([498], [30], [5]).tolist() == [12_972_960]        # 5.28 × 1.05
    assert career.BASE_SALARY_VND == 2_340_000


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(min_value=23.05, max_value=60.95), min_size=1, max_size=50),
       st.integers(0, 2**32 - 1))
def test_insurance_years_between_zero_and_age_minus_18(ages, seed):
    age = np.array(ages)
    group = np.where(np.arange(len(age)) % 3 == 0, "support", "professional")
    ins = career.insurance_years(np.random.default_rng(seed), age, group)
    assert (ins >= 0).all() and (ins <= age - 18 + 1e-9).all()
    assert np.allclose(ins * 10, np.round(ins * 10))


def test_salaries_are_positive_and_leaders_are_paid_their_allowance():
    rng = np.random.default_rng(1)
    pos = np.array(["LD_CVP", "LD_PCVP", "DIA_CHINH", "LAI_XE"] * 50)
    group = np.array(["leadership", "leadership", "professional", "support"] * 50)
    pay = career.salaries(rng, pos, group, np.full(200, 10.0))
    assert (pay["salary"] > 0).all()
    assert pay["lead_allowance"].tolist()[:4] == [30, 20, 0, 0]
    assert set(pay["rank"][3::4]) == {"B"}


def test_draw_ages_follow_the_published_profile():
    n = 40_000
    rng = np.random.default_rng(7)
    male = rng.random(n) < 0.55
    group = np.where(rng.random(n) < 0.2, "leadership", "professional")
    age = career.draw_ages(rng, group, male)
    assert age.min() >= career.MIN_AGE
    assert (age[male] < 60.95 + 1e-9).all() and (age[~male] < 56.45 + 1e-9).all()
    assert abs((age >= 55).mean() - 0.1033) < 0.006
    assert abs(((age >= 45) & (age < 55)).mean() - 0.3058) < 0.008
    assert age[group == "leadership"].mean() > age[group != "leadership"].mean() + 2


# --------------------------------------------------------------------------- exemptions

def test_exempt_reasons_shares_and_women_only_cases():
    n = 50_000
    rng = np.random.default_rng(3)
    male = rng.random(n) < 0.55
    age = 23 + 37 * rng.random(n)
    codes = exemptions.exempt_reasons(rng, age, male, np.full(n, "professional"), np.full(n, "VP"))
    assert set(codes) <= {""} | set(exemptions.EXEMPT_SHARES)
    for code, share in exemptions.EXEMPT_SHARES.items():
        assert abs((codes == code).mean() - share) < max(0.25 * share, 0.0006), code
    women_cases = np.isin(codes, ["child_under_36_months", "pregnant"])
    assert not (women_cases & male).any()


def test_exempt_reasons_refuse_a_roster_too_skewed_for_the_shares():
    # 100 people, one woman: 3.5 % of 100 = 3.5 children under 36 months for one woman
    male = np.arange(100) > 0
    with pytest.raises(ValueError, match="above 1"):
        exemptions.exempt_reasons(np.random.default_rng(0), np.full(100, 31.0), male,
                                  np.full(100, "professional"), np.full(100, "VP"))


# --------------------------------------------------------------------------- the self-check

def _mini_folder(folder: Path, staff_rows: list[str]) -> Path:
    folder.mkdir()
    files = {
        "provinces": "province_code,name\n01,Hà Nội\n",
        "units": "unit_code,name,province_code,unit_type,lat,lon\n00004,Phường Ba Đình,01,phuong,21.0,105.8\n",
        "positions": "position_code,name,group\nVP,Văn phòng,common\n",
        "quotas": "unit_code,position_code,quota\n00004,VP,1\n",
        "staff": ("staff_id,unit_code,position_code,birth_date,gender,movable,home_unit_code,note,"
                  "monthly_salary_vnd,insurance_years,exempt_reason\n" + "".join(staff_rows)),
        "officers": "officer_id,full_name,home_province_code,expertise\nO1,A,01,ton_giao\n",
        "province_needs": "province_code,area,weight\n01,ton_giao,2\n",
        "areas": "area,name,name_en\nton_giao,Tôn giáo,Religion\n",
    }
    for name, text in files.items():
        (folder / f"{name}.csv").write_bytes(text.encode("utf-8"))
    (folder / "ABOUT.txt").write_bytes("TEST\n".encode("utf-8"))
    return folder


GOOD = "S1,00004,VP,1990-05-01,F,true,00004,,5475600,10.0,pregnant\n"


def test_self_check_passes_the_extra_columns_of_a_good_row(tmp_path):
    errs = write.self_check(_mini_folder(tmp_path / "ok", [GOOD]))
    # only what a one-province toy cannot have: the national size, officers from two provinces
    assert errs == ["sizes: 1 provinces, 1 units", "officers: all share one home province"]


@pytest.mark.parametrize("row, expected", [
    ("S1,00004,VP,1990-05-01,X,true,00004,,5475600,10.0,\n", "unknown gender"),      # models.io
    ("S1,00004,VP,1990-05-01,F,true,00004,,0,10.0,\n", "monthly_salary_vnd"),
    ("S1,00004,VP,1990-05-01,F,true,00004,,5475600,18.0,\n", "insurance_years"),     # age 35.7
    ("S1,00004,VP,1990-05-01,M,true,00004,,5475600,10.0,pregnant\n", "a woman's case"),
    ("S1,00004,VP,1990-05-01,F,true,00004,,5475600,10.0,on_leave\n", "unknown code"),
    ("S1,00004,VP,1990-05-01,F,false,00004,,5475600,10.0,\n", "staff.note"),
    ("S1,00004,VP,1960-05-01,M,true,00004,,5475600,10.0,\n", "past statutory retirement"),
])
def test_self_check_names_the_broken_promise(tmp_path, row, expected):
    errs = write.self_check(_mini_folder(tmp_path / "bad", [row]))
    assert any(expected in e for e in errs), errs


# --------------------------------------------------------------------------- the shipped table

def test_shipped_staff_keep_the_promises_of_their_extra_columns():
    path = ROOT / "data" / "national" / "staff.csv"
    s = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(s) == 136_261
    birth = pd.to_datetime(s.birth_date, format="%Y-%m-%d")
    age = (pd.Timestamp(PLAN_DATE) - birth).dt.days / 365.2425
    salary = s.monthly_salary_vnd.astype(np.int64)
    ins = s.insurance_years.astype(float)
    assert (salary > 0).all() and (ins >= 0).all() and (ins <= age - 18 + 1e-9).all()
    assert set(s.exempt_reason) == {""} | set(exemptions.EXEMPT_SHARES)
    assert (s.gender[s.exempt_reason.isin(["child_under_36_months", "pregnant"])] == "F").all()
