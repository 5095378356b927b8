"""The roadmap MIP against a person-level MILP solved apart (tests/roadmap_reference.py)."""
from __future__ import annotations

import datetime as dt

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
