"""The roadmap audit's vectorised rules flag exactly what its first, row-by-row version flagged.

`roadmap_audit_reference` is the audit as first written (one Python step per action, per
(unit, position) and per staff member). Roadmaps broken in many places at once — several
pairs over or under quota on several dates, wrong costs, dates, routes, people — must give the
same violations, with the same messages, in the same order (the quota rule's reference
order follows a Python set, so that rule is compared as a sorted list).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import roadmap_audit_reference as reference
from builders import make_ds
from models.scenario import Scenario
from optimizer.roadmap import plan_roadmap
from optimizer.roadmap.audit import audit_roadmap

UNITS = [("A", "01", 21.00, 105.00), ("B", "01", 21.05, 105.00), ("C", "01", 21.00, 105.05),
         ("D", "02", 21.10, 105.10)]
STAFF = [("s1", "A", "DC", "1990-01-01", "M"), ("s2", "A", "DC", "1985-05-05", "F"),
         ("s3", "A", "DC", "1972-02-02", "M", False), ("s4", "A", "DC", "1969-03-10", "M"),
         ("s5", "C", "VP", "1968-07-07", "F"), ("s6", "A", "VP", "1965-12-01", "M"),
         ("s7", "D", "DC", "1980-01-01", "M"), ("s8", "D", "VP", "1966-06-15", "F")]
QUOTAS = [("A", "DC", 1), ("B", "DC", 2), ("C", "VP", 2), ("A", "VP", 1), ("D", "DC", 2), ("D", "VP", 0)]


@pytest.fixture(scope="module")
def good():
    ds = make_ds(units=UNITS, staff=STAFF, quotas=QUOTAS)
    sc = Scenario()
    rm = plan_roadmap(ds, sc)
    return ds, sc, rm


def _same(ds, sc, actions, claimed):
    mine, comp = audit_roadmap(ds, sc, actions, claimed)
    ref, ref_comp = reference.audit_roadmap(ds, sc, actions, claimed)
    key = [(v.rule, v.subject, v.message) for v in mine]
    want = [(v.rule, v.subject, v.message) for v in ref]
    quota = [k for k in key if k[0] == "quota_never_crossed"]
    assert [k for k in key if k[0] != "quota_never_crossed"] == [k for k in want if k[0] != "quota_never_crossed"]
    assert sorted(quota) == sorted(k for k in want if k[0] == "quota_never_crossed")
    assert comp == pytest.approx(ref_comp)
    return key


def test_the_good_roadmap_passes_both(good):
    ds, sc, rm = good
    assert _same(ds, sc, rm.actions, rm.summary["objective"]) == []


def test_quota_crossed_on_several_pairs_and_dates_at_once(good):
    ds, sc, rm = good
    a = rm.actions.copy()
    extra = pd.DataFrame([
        {**a.iloc[0].to_dict(), "action": "recruit", "staff_id": f"TD-X-{i}", "from_unit": "", "to_unit": u,
         "position_code": p, "to_position_code": p, "date": d, "km": np.nan, "cost_vnd": 0.0}
        for i, (u, p, d) in enumerate([("A", "DC", "2026-01-01"), ("A", "DC", "2027-01-01"), ("C", "VP", "2028-01-01"),
                                        ("D", "VP", "2026-01-01"), ("D", "VP", "2030-01-01"), ("B", "VP", "2029-01-01")])])
    found = _same(ds, sc, pd.concat([a, extra], ignore_index=True), rm.summary["objective"])
    assert len([k for k in found if k[0] == "quota_never_crossed"]) >= 5


@pytest.mark.parametrize("seed", range(12))
def test_randomly_broken_roadmaps_give_the_same_violations(good, seed):
    ds, sc, rm = good
    rng = np.random.default_rng(seed)
    a = rm.actions.copy()
    dates = [f"{y}-01-01" for y in range(2026, 2031)] + ["2026-06-01", "2031-01-01"]
    for _ in range(int(rng.integers(1, 6))):
        i = int(rng.integers(len(a)))
        what = int(rng.integers(8))
        if what == 0:
            a.loc[i, "date"] = str(rng.choice(dates))
        elif what == 1:
            a.loc[i, "cost_vnd"] = float(a.loc[i, "cost_vnd"]) + float(rng.choice([-5e6, 0.4, 3.0, 1e9]))
        elif what == 2:
            a.loc[i, "to_unit"] = str(rng.choice(["A", "B", "C", "D", "Z"]))
        elif what == 3:
            a.loc[i, "from_unit"] = str(rng.choice(["A", "B", "C", "D"]))
        elif what == 4:
            a.loc[i, "km"] = float(rng.choice([0.0, 3.0, 80.0, 5.56]))
        elif what == 5:
            a = pd.concat([a, a.loc[[i]]], ignore_index=True)
        elif what == 6:
            a = a.drop(index=i).reset_index(drop=True)
        else:
            a.loc[i, "staff_id"] = str(rng.choice(["s1", "s2", "s3", "s5", "s7", "s8", "nobody"]))
    kind = ["transfer", "retrain", "early_retirement", "recruit", "retirement"]
    if seed % 3 == 0 and len(a):
        a.loc[int(rng.integers(len(a))), "action"] = str(rng.choice(kind))
    updates = [{}, {"max_km": 3.0}, {"budget_vnd": 1.0}, {"early_retirement": False}, {"recruit": False},
               {"protect_years": 30.0}, {"cross_province": True, "cross_province_into": ["01"]}]
    sc2 = sc.model_copy(update=updates[seed % len(updates)])
    ds2 = ds.replace(staff=ds.staff.assign(movable=ds.staff["staff_id"] != "s1")) if seed % 4 == 1 else ds
    _same(ds2, sc2, a, rm.summary["objective"])
