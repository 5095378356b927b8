"""models.scenario: TOML loading, overrides, clear errors, and the quota adjustment."""
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from datasets import tiny_tables
from models.io import dataset_from_rows
from models.scenario import Scenario, ScenarioError, apply_quota_adjustment


def toml(tmp_path: Path, text: str, name="s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    s = Scenario()
    assert (s.max_km, s.cross_province, s.protect_years, s.plan_date, s.time_limit) == (
        40.0, False, 2.0, date(2026, 1, 1), 60.0)
    assert s.dataset is None and s.quota_adjust_pct == 0 and s.quota_adjust_pct_by_province == {}
    assert s.solver == "auto"


def test_from_toml(tmp_path):
    path = toml(tmp_path, """
name = "Hà Nội, 25 km"
max_km = 25
cross_province = true
protect_years = 1.5
plan_date = 2026-07-01
time_limit = 10
quota_adjust_pct = -5
solver = "mip"
[quota_adjust_pct_by_province]
"01" = -15
""")
    s = Scenario.from_toml(path)
    assert s.name == "Hà Nội, 25 km" and s.max_km == 25.0 and s.cross_province is True
    assert s.protect_years == 1.5 and s.plan_date == date(2026, 7, 1) and s.time_limit == 10.0
    assert s.quota_adjust_pct == -5 and s.quota_adjust_pct_by_province == {"01": -15.0} and s.solver == "mip"


def test_overrides_win_and_none_is_ignored(tmp_path):
    path = toml(tmp_path, "max_km = 25\ncross_province = true\nplan_date = \"2026-03-01\"\n")
    s = Scenario.from_toml(path, max_km=60, cross_province=None, protect_years=None, plan_date=date(2027, 1, 1))
    assert s.max_km == 60 and s.cross_province is True and s.protect_years == 2.0
    assert s.plan_date == date(2027, 1, 1)


def test_a_relative_dataset_is_relative_to_the_toml(tmp_path):
    (tmp_path / "scen").mkdir()
    s = Scenario.from_toml(toml(tmp_path / "scen", 'dataset = "../data/national"'))
    assert s.dataset == (tmp_path / "data" / "national").resolve()
    absolute = tmp_path / "elsewhere"
    s = Scenario.from_toml(toml(tmp_path, f'dataset = "{absolute.as_posix()}"'))
    assert s.dataset == absolute
    # a dataset given as an override is taken as given (the command line's own folder)
    s = Scenario.from_toml(toml(tmp_path, 'dataset = "x"'), dataset=Path("y"))
    assert s.dataset == Path("y")


def test_an_unknown_key_is_named(tmp_path):
    path = toml(tmp_path, "maxkm = 25\n")
    with pytest.raises(ScenarioError) as e:
        Scenario.from_toml(path)
    assert e.value.key == "maxkm" and e.value.value == 25 and e.value.file == path
    assert str(path) in str(e.value) and "maxkm = 25" in str(e.value) and "did you mean max_km" in str(e.value)


def test_an_unknown_override_is_named(tmp_path):
    with pytest.raises(ScenarioError, match="colour"):
        Scenario.from_toml(toml(tmp_path, ""), colour="red")


@pytest.mark.parametrize("line, key, value", [
    ("max_km = 0", "max_km", 0), ("max_km = -5", "max_km", -5), ("max_km = nan", "max_km", None),
    ("protect_years = -1", "protect_years", -1), ("time_limit = 0", "time_limit", 0),
    ('plan_date = "2026-13-01"', "plan_date", "2026-13-01"), ('cross_province = "maybe"', "cross_province", "maybe"),
    ('solver = "gurobi"', "solver", "gurobi"), ("quota_adjust_pct = -150", "quota_adjust_pct", -150),
    ('quota_adjust_pct_by_province = { "01" = -101 }', "quota_adjust_pct_by_province.01", -101),
])
def test_bad_values_name_file_key_and_value(tmp_path, line, key, value):
    path = toml(tmp_path, line + "\n")
    with pytest.raises(ScenarioError) as e:
        Scenario.from_toml(path)
    assert e.value.key == key and str(path) in str(e.value) and key in str(e.value)
    if value is not None:
        assert e.value.value == value and repr(value) in str(e.value)


@pytest.mark.parametrize("line", ["max_km = 0.1", "protect_years = 0", "time_limit = 0.5",
                                  "quota_adjust_pct = -100"])
def test_boundary_values_that_are_allowed(tmp_path, line):
    Scenario.from_toml(toml(tmp_path, line + "\n"))


def test_every_bad_key_is_listed(tmp_path):
    with pytest.raises(ScenarioError) as e:
        Scenario.from_toml(toml(tmp_path, "max_km = 0\ntime_limit = -1\nfoo = 1\n"))
    assert all(k in str(e.value) for k in ("max_km", "time_limit", "foo"))


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read"):
        Scenario.from_toml(tmp_path / "none.toml")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        Scenario.from_toml(toml(tmp_path, "max_km = = 3\n"))


def test_scenario_is_frozen():
    with pytest.raises(ValidationError):
        Scenario().max_km = 3


# --------------------------------------------------------------------------- quota adjustment


def quotas(ds):
    return {(u, p): q for u, p, q in ds.quotas[["unit_code", "position_code", "quota"]].itertuples(index=False)}


def test_the_cut_applies_to_each_units_total_by_largest_remainder():
    t = tiny_tables()
    t["quotas"][5][2] = "20"     # (09999, VP) 2 → 20; 09999 has DC 1 (priority 3), VP 20, CT 1
    ds = dataset_from_rows(t)
    out = apply_quota_adjustment(ds, Scenario(quota_adjust_pct=-5))
    q = quotas(out)
    # unit total floor(22 × 0.95) = 20; shares 0.95 / 19 / 0.95 → floors 0 + 19 + 0, one post left,
    # which goes to the tied remainder of higher priority (DC over CT)
    assert (q[("09999", "DC")], q[("09999", "VP")], q[("09999", "CT")]) == (1, 19, 0)
    assert q[("00004", "DC")] == 0         # a unit whose only quota is 1: floor(0.95)
    assert q[("00070", "DC")] + q[("00070", "VP")] == 1   # floor(2 × 0.95)
    assert str(out.quotas["quota"].dtype) == "int64"
    assert quotas(ds)[("09999", "VP")] == 20 and out is not ds   # the original is untouched


def test_a_province_pct_overrides_the_national_one():
    t = tiny_tables()
    t["quotas"][5][2] = "100"    # (09999, VP) in province 01
    t["quotas"][8][2] = "100"    # (02300, DC) in province 08
    ds = dataset_from_rows(t)
    q = quotas(apply_quota_adjustment(ds, Scenario(quota_adjust_pct=-5, quota_adjust_pct_by_province={"08": -15})))
    assert q[("09999", "VP")] == 95 and q[("02300", "DC")] == 85


def test_adjustment_is_exact_on_decimal_percentages():
    t = tiny_tables()
    t["quotas"][5][2] = "1000"
    q = quotas(apply_quota_adjustment(dataset_from_rows(t), Scenario(quota_adjust_pct=0.1)))
    assert q[("09999", "VP")] == 1001      # 1000 × 1.001, not 1000.9999999


def test_many_quotas_of_one_are_not_all_wiped_out():
    t = tiny_tables()
    t["positions"] += [[f"X{i}", f"Vị trí {i}", "professional", "2"] for i in range(20)]
    t["quotas"] += [["09999", f"X{i}", "1"] for i in range(20)]
    q = quotas(apply_quota_adjustment(dataset_from_rows(t), Scenario(quota_adjust_pct=-5)))
    total = sum(v for (u, _), v in q.items() if u == "09999")
    assert total == 22                     # floor(24 × 0.95), not 1 or 2


def test_no_adjustment_keeps_quotas():
    ds = dataset_from_rows(tiny_tables())
    assert quotas(apply_quota_adjustment(ds, Scenario())) == quotas(ds)


def test_an_unknown_province_in_the_adjustment_is_an_error():
    ds = dataset_from_rows(tiny_tables())
    with pytest.raises(ScenarioError, match="99"):
        apply_quota_adjustment(ds, Scenario(quota_adjust_pct_by_province={"99": -5}))
