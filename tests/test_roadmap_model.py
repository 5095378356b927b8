"""The roadmap MIP against a person-level MILP solved apart (tests/roadmap_reference.py)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from builders import make_ds
from models.scenario import Scenario
from optimizer.roadmap import COMPONENTS, plan_roadmap
from roadmap_reference import reference_components

UNITS = [("A", "01", 21.00, 105.00), ("B", "01", 21.10, 105.00), ("C", "01", 21.00, 105.30)]


@st.composite
def instances(draw):
    n_units = draw(st.integers(2, 3))
    units = UNITS[:n_units]
    positions = ["DC", "VP"][:draw(st.integers(1, 2))]
    n = draw(st.integers(1, 8))
    staff = []
    for i in range(n):
        year = draw(st.sampled_from([1962, 1965, 1966, 1967, 1968, 1969, 1970, 1971, 1972, 1985, 1995]))
        month = draw(st.integers(1, 12))
        staff.append((f"S{i}", draw(st.sampled_from(units))[0], draw(st.sampled_from(positions)),
                      dt.date(year, month, 1).isoformat(), draw(st.sampled_from("MF")), draw(st.booleans() | st.just(True))))
    quotas = [(u[0], p, draw(st.integers(0, 2))) for u in units for p in positions]
    prio = [(p, draw(st.integers(1, 3))) for p in positions]
    ds = make_ds(units=units, staff=staff, quotas=quotas, positions=prio)
    if draw(st.booleans()):
        salaries = [draw(st.sampled_from([6e6, 8e6, 1.2e7])) for _ in range(n)]
        ds = ds.replace(staff=ds.staff.assign(monthly_salary_vnd=salaries))
    years = draw(st.integers(2, 3))
    sc = Scenario(start_year=2026, end_year=2025 + years,
                  budget_vnd=draw(st.sampled_from([None, 0, 5e7, 1.5e8, 4e8])),
                  recruit=draw(st.booleans() | st.just(True)),
                  early_retirement=draw(st.booleans() | st.just(True)),
                  max_km=draw(st.sampled_from([15, 40])),
                  max_recruits_per_province_per_year=draw(st.sampled_from([None, 1])))
    return ds, sc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_roadmap_optimum_equals_a_person_level_milp(case):
    ds, sc = case
    rm = plan_roadmap(ds, sc)            # raises RoadmapAuditError if the independent audit fails
    assert rm.summary["status"] == "optimal" and rm.summary["check"]["passed"]
    ref = reference_components(ds, sc)
    assert {c: round(rm.summary["objective"][c]) for c in COMPONENTS} == {c: round(ref[c]) for c in COMPONENTS}


@st.composite
def instances_with_levers(draw):
    """Two positions, conversions on, a listed path or two, some staff exempt (Decree 170/2025)."""
    ds, sc = draw(instances())
    if len(ds.positions) < 2:
        ds = ds.replace(positions=pd.concat([ds.positions, ds.positions.assign(
            position_code=[p for p in ("DC", "VP") if p not in set(ds.positions["position_code"])][:1])],
            ignore_index=True))
        ds = ds.replace(quotas=pd.concat([ds.quotas, pd.DataFrame(
            [(u, p, draw(st.integers(0, 2))) for u in ds.units["unit_code"] for p in ds.positions["position_code"]
             if not ((ds.quotas["unit_code"] == u) & (ds.quotas["position_code"] == p)).any()],
            columns=["unit_code", "position_code", "quota"])], ignore_index=True).astype({"quota": "int64"}))
    paths = draw(st.sampled_from([[("VP", "DC")], [("DC", "VP"), ("VP", "DC")]]))
    ds = ds.replace(conversions=pd.DataFrame({
        "from_position": [a for a, _ in paths], "to_position": [b for _, b in paths],
        "training_months": [draw(st.integers(0, 12)) for _ in paths],
        "training_cost_vnd": [draw(st.sampled_from([0.0, 5e6, 3e7])) for _ in paths]}))
    exempt = [draw(st.sampled_from(["", "", "", "pregnant"])) for _ in range(len(ds.staff))]
    # mostly people far from retirement, who may move (retraining needs them)
    births = [pd.Timestamp(draw(st.sampled_from([1968, 1980, 1985, 1995])), 6, 1) for _ in range(len(ds.staff))]
    # … and more VP than DC: a VP surplus where DC posts are short
    positions = [draw(st.sampled_from(["VP", "VP", "DC"])) for _ in range(len(ds.staff))]
    ds = ds.replace(staff=ds.staff.assign(exempt_reason=exempt, position_code=positions,
                                          birth_date=pd.to_datetime(births).astype("datetime64[ns]")))
    budget = draw(st.sampled_from([None, None, 5e7, 4e8]))
    return ds, sc.model_copy(update={"conversions": True, "budget_vnd": budget})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances_with_levers())
def test_the_roadmap_with_retraining_and_exempt_staff_equals_a_person_level_milp(case):
    ds, sc = case
    rm = plan_roadmap(ds, sc)
    assert rm.summary["status"] == "optimal" and rm.summary["check"]["passed"]
    ref = reference_components(ds, sc)
    assert {c: round(rm.summary["objective"][c]) for c in COMPONENTS} == {c: round(ref[c]) for c in COMPONENTS}
