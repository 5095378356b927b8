"""Each rule of the roadmap's independent audit, satisfied and violated (docs/contract.md §9)."""
from __future__ import annotations

import pandas as pd
import pytest

from builders import make_ds
from models.scenario import Scenario
from optimizer.roadmap import plan_roadmap
from optimizer.roadmap.audit import RULE_NAMES, audit_roadmap

UNITS = [("A", "01", 21.00, 105.00), ("B", "01", 21.05, 105.00), ("C", "01", 21.00, 105.05)]
STAFF = [("s1", "A", "DC", "1990-01-01", "M"), ("s4", "A", "DC", "1969-03-10", "M"),
         ("s6", "A", "VP", "1965-12-01", "M")]
QUOTAS = [("A", "DC", 0), ("B", "DC", 1), ("C", "VP", 1), ("A", "VP", 1)]


@pytest.fixture(scope="module")
def good():
    ds = make_ds(units=UNITS, staff=STAFF, quotas=QUOTAS)
    sc = Scenario()
    rm = plan_roadmap(ds, sc)
    return ds, sc, rm


def test_the_fixture_uses_every_kind_of_action(good):
    _, _, rm = good
    got = [(r.date, r.action, r.staff_id) for r in rm.actions.itertuples()]
    assert got == [("2026-01-01", "transfer", "s1"), ("2027-01-01", "recruit", "TD-2027-1"),
                   ("2027-09-30", "retirement", "s6"), ("2028-01-01", "recruit", "TD-2028-1"),
                   ("2029-01-01", "early_retirement", "s4")]


def _violations(ds, sc, actions, claimed, rule):
    found, _ = audit_roadmap(ds, sc, actions, claimed)
    return [v for v in found if v.rule == rule]


def _row(actions, staff_id):
    return actions.index[actions["staff_id"] == staff_id][0]


def _break(rule, ds, sc, a, claimed):
    """The roadmap of the fixture, broken so that `rule` fails once."""
    a = a.copy()
    if rule == "acts_once":
        extra = a.loc[[_row(a, "s1")]].assign(date="2027-01-01")
        a = pd.concat([a, extra], ignore_index=True)
    elif rule == "acts_on_known_staff_at_decision_dates":
        a.loc[_row(a, "s1"), "date"] = "2026-06-01"
    elif rule == "not_after_retirement":
        a.loc[_row(a, "s6"), ["action", "date"]] = ["early_retirement", "2028-01-01"]
    elif rule == "transfer_eligible":
        ds = ds.replace(staff=ds.staff.assign(movable=ds.staff["staff_id"] != "s1"))
    elif rule == "transfer_route":
        sc = sc.model_copy(update={"max_km": 3.0})
    elif rule == "early_retirement_eligible":
        a.loc[_row(a, "s4"), "date"] = "2026-01-01"
    elif rule == "recruit_allowed":
        a.loc[_row(a, "TD-2027-1"), "date"] = "2026-01-01"
    elif rule == "quota_never_crossed":
        i = _row(a, "TD-2028-1")
        a.loc[i, ["to_unit", "to_position_code", "position_code"]] = ["B", "DC", "DC"]
    elif rule == "costs_right":
        a.loc[_row(a, "s4"), "cost_vnd"] += 1000
    elif rule == "budget_holds":
        sc = sc.model_copy(update={"budget_vnd": 1.0})
    elif rule == "everyone_accounted":
        a = a.drop(index=_row(a, "s6"))
    elif rule == "objective_matches":
        claimed = {**claimed, "end_surplus": claimed["end_surplus"] + 1}
    elif rule == "retrain_listed":        # a retraining with conversions off (and no table)
        a.loc[_row(a, "s1"), ["action", "to_position_code"]] = ["retrain", "VP"]
    elif rule == "decisions_honoured":    # the planner keeps s1 where they are
        ds = ds.replace(decisions=pd.DataFrame({"staff_id": ["s1"], "decision": ["keep"], "to_unit": [""],
                                                "reason": [""]}))
    return ds, sc, a, claimed


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_each_rule_is_satisfied_by_the_roadmap_and_violated_by_a_broken_one(good, rule):
    ds, sc, rm = good
    claimed = rm.summary["objective"]
    assert _violations(ds, sc, rm.actions, claimed, rule) == []
    bad = _break(rule, ds, sc, rm.actions, claimed)
    found = _violations(*bad, rule)
    assert len(found) == 1, found
