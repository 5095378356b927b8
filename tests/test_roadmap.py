"""The roadmap (docs/contract.md §9) on tiny instances solved by hand, and its bad input."""
from __future__ import annotations

import pytest

from builders import make_ds
from models.scenario import Scenario, ScenarioError
from models.validation import DatasetError
from optimizer.roadmap import plan_roadmap

A, B, C = ("A", "01", 21.00, 105.00), ("B", "01", 21.05, 105.00), ("C", "01", 21.00, 105.05)


def acts(rm, *, retirements=False):
    a = rm.actions
    if not retirements:
        a = a.loc[a["action"] != "retirement"]
    return [(r.date, r.action, r.staff_id, r.from_unit, r.to_unit) for r in a.itertuples()]


def test_a_surplus_that_retirement_clears_needs_no_action():
    # A is one over its quota until the older member retires (30 Sep 2027: 61 years 9 months): nothing to do
    ds = make_ds(units=[A], staff=[("s1", "A", "DC", "1990-01-01", "M"), ("s2", "A", "DC", "1965-12-01", "M")],
                 quotas=[("A", "DC", 1)])
    rm = plan_roadmap(ds, Scenario())
    assert acts(rm) == []
    assert acts(rm, retirements=True) == [("2027-09-30", "retirement", "s2", "A", "")]
    s = rm.summary
    assert (s["status"], s["end_surplus"], s["shortage_years"], s["cost_vnd"]) == ("optimal", 0, 0, 0.0)
    assert [d["surplus_after"] for d in s["per_date"]] == [1, 1, 0, 0, 0]


def test_an_early_retirement_is_cheapest_in_the_last_eligible_year():
    # born March 1969, a man: retires 31 Mar 2031; eligible on 1 Jan 2027 (51 months early),
    # 2028 (39) and 2029 (27). Each later year costs 5 months' salary less and 0.5 more.
    ds = make_ds(units=[A], staff=[("s1", "A", "DC", "1969-03-10", "M")], quotas=[("A", "DC", 0)])
    rm = plan_roadmap(ds, Scenario())
    assert acts(rm) == [("2029-01-01", "early_retirement", "s1", "A", "")]
    row = rm.actions.iloc[0]
    # age 56 on 1 Jan 2026 → 33 insurance years (estimated), 36 on 1 Jan 2029; 27 months early
    assert row["cost_vnd"] == 8_000_000 * (5 * 27 / 12 + 5 + 0.5 * (36 - 20))
    assert rm.summary["end_surplus"] == 0 and rm.summary["cost_vnd"] == row["cost_vnd"]


def test_a_shortage_only_recruitment_fills_is_filled_from_recruit_from_year():
    ds = make_ds(units=[B], staff=[], quotas=[("B", "DC", 1)], positions=[("DC", 1)])
    rm = plan_roadmap(ds, Scenario())
    assert acts(rm) == [("2027-01-01", "recruit", "TD-2027-1", "", "B")]
    assert rm.summary["shortage_years"] == 1          # short on 1 Jan 2026 only
    assert rm.summary["cost_vnd"] == 6_000_000 * 12 * 4
    later = plan_roadmap(ds, Scenario(recruit_from_year=2029))
    assert acts(later) == [("2029-01-01", "recruit", "TD-2029-1", "", "B")]
    assert plan_roadmap(ds, Scenario(recruit=False)).summary["shortage_years"] == 5


def test_a_budget_that_binds():
    ds = make_ds(units=[B, C], staff=[], quotas=[("B", "DC", 1), ("C", "VP", 1)], positions=[("DC", 3), ("VP", 1)])
    free = plan_roadmap(ds, Scenario())
    assert sorted(acts(free)) == [("2027-01-01", "recruit", "TD-2027-1", "", "B"),
                                  ("2027-01-01", "recruit", "TD-2027-2", "", "C")]
    # 250 million: one recruit in 2028 (216 million) is the best use: 3 × 2 + 1 × 5 = 11
    tight = plan_roadmap(ds, Scenario(budget_vnd=2.5e8))
    assert acts(tight) == [("2028-01-01", "recruit", "TD-2028-1", "", "B")]
    assert tight.summary["shortage_years"] == 11 and tight.summary["cost_vnd"] == 216_000_000
    none = plan_roadmap(ds, Scenario(budget_vnd=0))
    assert acts(none) == [] and none.summary["shortage_years"] == 20


def test_a_transfer_now_and_a_recruit_after_a_retirement():
    # A over by 2, B short by 2: both young members of A go to B on 1 Jan 2026 (11 km: no
    # allowance); A's last member retires in mid-2028, so A is recruited for on 1 Jan 2029.
    ds = make_ds(units=[A, ("B", "01", 21.10, 105.0)],
                 staff=[("s1", "A", "DC", "1990-01-01", "M"), ("s2", "A", "DC", "1966-06-01", "M"),
                        ("s3", "A", "DC", "1985-01-01", "F")],
                 quotas=[("A", "DC", 1), ("B", "DC", 2)])
    rm = plan_roadmap(ds, Scenario())
    assert acts(rm) == [("2026-01-01", "transfer", "s1", "A", "B"), ("2026-01-01", "transfer", "s3", "A", "B"),
                        ("2029-01-01", "recruit", "TD-2029-1", "", "A")]
    assert rm.summary["shortage_years"] == 0 and rm.summary["end_surplus"] == 0
    assert set(rm.actions.loc[rm.actions["action"] == "transfer", "authority"]) == {"Chủ tịch UBND Tỉnh 01"}


@pytest.mark.parametrize("settings, key", [
    ({"start_year": 2030, "end_year": 2026}, "end_year"),
    ({"budget_vnd": -1}, "budget_vnd"),
    ({"allowance_tiers": [[-5, 1000]]}, "allowance_tiers.0.0"),
])
def test_bad_scenario_values_name_the_key(settings, key):
    with pytest.raises(ScenarioError) as e:
        Scenario.from_dict(settings)
    assert e.value.key == key and key.split(".")[0] in str(e.value)


@pytest.mark.parametrize("column, value, words", [
    ("monthly_salary_vnd", 0, "above 0"),
    ("insurance_years", 45, "age at the plan date"),
    ("insurance_years", -1, "negative"),
])
def test_bad_staff_values_name_the_row(column, value, words):
    ds = make_ds(units=[A], staff=[("s1", "A", "DC", "1990-01-01", "M"), ("s2", "A", "DC", "1980-01-01", "M")],
                 quotas=[("A", "DC", 1)])
    ds = ds.replace(staff=ds.staff.assign(**{column: ["", value]}))
    with pytest.raises(DatasetError) as e:
        plan_roadmap(ds, Scenario())
    [p] = e.value.problems
    assert (p.table, p.row, p.column) == ("staff", 3, column) and words in p.message


def test_keep_and_exempt_hooks_block_transfers_and_early_retirement():
    ds = make_ds(units=[A, ("B", "01", 21.10, 105.0)],
                 staff=[("s1", "A", "DC", "1990-01-01", "M"), ("s4", "A", "DC", "1969-03-10", "M")],
                 quotas=[("A", "DC", 0), ("B", "DC", 1)])
    base = plan_roadmap(ds, Scenario())
    assert {a[1] for a in acts(base)} == {"transfer", "early_retirement"}
    kept = plan_roadmap(ds, Scenario(), keep_ids={"s1"})
    assert "s1" not in {a[2] for a in acts(kept)}
    exempt = plan_roadmap(ds, Scenario(), exempt_ids={"s4"})
    assert not [a for a in acts(exempt) if a[1] == "early_retirement"]


def test_out_of_time_the_roadmap_is_feasible_with_bounds_and_still_passes_the_audit():
    ds = make_ds(units=[A, ("B", "01", 21.10, 105.0)],
                 staff=[("s1", "A", "DC", "1990-01-01", "M"), ("s3", "A", "DC", "1985-01-01", "F")],
                 quotas=[("A", "DC", 0), ("B", "DC", 2)])
    rm = plan_roadmap(ds, Scenario(time_limit=1e-9))      # no time for any stage: no action
    s = rm.summary
    assert s["status"] == "feasible" and acts(rm) == [] and s["check"]["passed"]
    assert (s["end_surplus"], s["shortage_years"]) == (2, 10)
    assert s["bound"]["end_surplus"] == 0 and s["gap"]["end_surplus"] == 1.0
